package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

// fakeTickets is a deterministic Tickets. With items set it serves that
// queue, filtered; otherwise it generates total rows on demand, so a queue
// of 100 000 costs nothing until a page is asked for.
type fakeTickets struct {
	mu           sync.Mutex
	items        []helpdesk.QueueItem
	total        int
	tickets      map[int64]*helpdesk.TicketView
	agents       []helpdesk.AgentSummary
	board        helpdesk.BoardView
	queueCalls   []string       // "first row/limit search"
	already      map[int64]bool // tickets Reassign finds with their agent already
	writes       []string       // "reply 2 v3: text"
	reassigned   [][]int64
	conflictNext bool  // the next write finds the ticket changed by someone else
	statusErr    error // SetStatus fails with it, nil for none
	accountCalls int
	escalations  []helpdesk.Escalation
	escalateErr  error
	callLog      []string // "start es lost_mfa", "step 9001 mfa.backup_codes guided: note", "end 9001 resolved: note"
	callViews    []int64  // the calls put on record
	callErr      error
}

// newFakeTickets serves the small mixed queue the golden files show.
func newFakeTickets() *fakeTickets {
	f := &fakeTickets{items: sampleQueue(), tickets: map[int64]*helpdesk.TicketView{}}
	f.agents = []helpdesk.AgentSummary{
		{ID: "agent-1", Name: "Dana Agent", Languages: []string{"en", "es", "fr"}},
		{ID: "agent-2", Name: "Luis Ortega", Languages: []string{"es", "en"}},
		{ID: "agent-3", Name: "Camille Roy", Languages: []string{"fr", "en"}},
	}
	f.board = sampleBoard(f.items)
	return f
}

// newBigFake generates a queue of n tickets.
func newBigFake(n int) *fakeTickets {
	f := newFakeTickets()
	f.items, f.total = nil, n
	return f
}

var (
	fakeLangs = []string{"es", "en", "fr"}
	fakeCats  = ticket.Categories
)

// genItem is row i of a generated queue: the first few breached, the next
// at risk, the rest on track, due times rising.
func genItem(i int) helpdesk.QueueItem {
	state, left := sla.StateOnTrack, time.Duration(i)*17*time.Minute
	switch {
	case i < 3:
		state, left = sla.StateBreached, -time.Duration(3-i)*time.Hour-20*time.Minute
	case i < 8:
		state, left = sla.StateAtRisk, time.Duration(i-2)*37*time.Minute
	}
	return helpdesk.QueueItem{
		ID:              int64(i + 1),
		Place:           helpdesk.QueueKey{ID: int64(i + 1)},
		Ref:             ticket.Ref(2026, int64(i+1)),
		Language:        fakeLangs[i%len(fakeLangs)],
		Category:        fakeCats[i%len(fakeCats)],
		Agency:          []string{"", "ssa", "va"}[i%3],
		Status:          ticket.StatusNew,
		RequesterMasked: fmt.Sprintf("%c•••@example.com", 'a'+rune(i%26)),
		CreatedAt:       fixedNow.Add(-time.Duration(30+i%50) * time.Hour),
		Due:             fixedNow.Add(left),
		State:           state,
		Left:            left,
		Subject:         fmt.Sprintf("Request number %d", i+1),
	}
}

// sampleQueue is a small queue in three languages, ordered by due time.
func sampleQueue() []helpdesk.QueueItem {
	rows := []struct {
		lang     string
		cat      ticket.Category
		state    sla.State
		left     time.Duration
		assignee string
		mask     string
		subject  string
		status   ticket.Status
		agency   string
	}{
		{"en", ticket.CategoryLostMFA, sla.StateBreached, -(2*time.Hour + 15*time.Minute), "", "k•••@example.com", "Lost my phone, cannot sign in", ticket.StatusNew, "ssa"},
		{"es", ticket.CategoryLostMFA, sla.StateAtRisk, 3*time.Hour + 20*time.Minute, "agent-1", "m•••@example.org", "Perdí mi teléfono y no puedo entrar", ticket.StatusOpen, "ssa"},
		{"fr", ticket.CategoryProofing, sla.StateAtRisk, 3*time.Hour + 55*time.Minute, "", "c•••@example.fr", "Vérification d'identité refusée", ticket.StatusNew, "va"},
		{"es", ticket.CategoryAccountLocked, sla.StateOnTrack, 9*time.Hour + 5*time.Minute, "agent-2", "j•••@example.com", "Cuenta bloqueada", ticket.StatusOpen, ""},
		{"en", ticket.CategoryEmailChange, sla.StateOnTrack, 14 * time.Hour, "", "p•••@example.net", "New email address", ticket.StatusNew, "va"},
		{"fr", ticket.CategorySignIn, sla.StatePaused, 20*time.Hour + 10*time.Minute, "agent-1", "l•••@example.fr", "Je n'arrive pas à me connecter", ticket.StatusPending, ""},
		{"en", ticket.CategoryOther, sla.StateOnTrack, 23*time.Hour + 40*time.Minute, "", "s•••@example.com", "Question about my account", ticket.StatusNew, "ssa"},
		{"es", ticket.CategoryProofing, sla.StateFulfilled, 24 * time.Hour, "agent-1", "r•••@example.com", "No puedo verificar mi identidad", ticket.StatusOpen, ""},
	}
	out := make([]helpdesk.QueueItem, 0, len(rows))
	for i, r := range rows {
		name := map[string]string{"agent-1": "Dana Agent", "agent-2": "Luis Ortega"}[r.assignee]
		out = append(out, helpdesk.QueueItem{
			ID: int64(101 + i), Ref: ticket.Ref(2026, int64(101+i)), Language: r.lang, Category: r.cat,
			Agency: r.agency, Status: r.status, Assignee: r.assignee, AssigneeName: name,
			RequesterMasked: r.mask, CreatedAt: fixedNow.Add(-time.Duration(26+7*i) * time.Hour),
			Due: fixedNow.Add(r.left), State: r.state, Left: r.left, Subject: r.subject,
		})
	}
	return out
}

// sampleBoard counts the sample queue the way the core would.
func sampleBoard(items []helpdesk.QueueItem) helpdesk.BoardView {
	b := helpdesk.BoardView{At: fixedNow, Totals: map[sla.State]int{}}
	cells := map[[3]string]*helpdesk.Cell{}
	var keys [][3]string
	for _, it := range items {
		b.Totals[it.State]++
		k := [3]string{it.Language, it.Agency, string(it.Category)}
		c, ok := cells[k]
		if !ok {
			c = &helpdesk.Cell{Language: it.Language, Agency: it.Agency, Category: it.Category}
			cells[k] = c
			keys = append(keys, k)
		}
		switch it.State {
		case sla.StateOnTrack:
			c.OnTrack++
		case sla.StateAtRisk:
			c.AtRisk++
		case sla.StateBreached:
			c.Breached++
		case sla.StatePaused:
			c.Paused++
		}
		if it.State == sla.StateBreached || it.State == sla.StateAtRisk {
			b.Urgent = append(b.Urgent, it)
		}
	}
	for _, k := range keys {
		b.Cells = append(b.Cells, *cells[k])
	}
	b.Workload = []helpdesk.AgentLoad{
		{AgentID: "agent-1", Name: "Dana Agent", Open: 3, AtRisk: 1, RepliesToday: 12},
		{AgentID: "agent-2", Name: "Luis Ortega", Open: 1, RepliesToday: 7},
		{AgentID: "agent-3", Name: "Camille Roy", Open: 0},
	}
	b.Languages = []helpdesk.LanguageLoad{
		{Language: "en", Waiting: 3, AtRisk: 1, Breached: 1, AgentsSignedIn: 2},
		{Language: "es", Waiting: 2, AtRisk: 1, AgentsSignedIn: 1},
		{Language: "fr", Waiting: 1, AtRisk: 1},
	}
	b.Attainment = []helpdesk.Attainment{
		{Days: 7, Total: 140, InTime: 131, Ratio: 131.0 / 140, Target: helpdesk.AttainmentTarget, Achieved: true},
		{Days: 30, Total: 610, InTime: 537, Ratio: 537.0 / 610, Target: helpdesk.AttainmentTarget},
	}
	b.Closures = []helpdesk.ClosureView{
		{Day: "2026-12-24", Reason: "Christmas Eve"},
		{Day: "2026-12-31", Reason: "Year-end closure"},
	}
	return b
}

func (f *fakeTickets) all() []helpdesk.QueueItem {
	if f.items != nil {
		return f.items
	}
	return nil
}

func match(it helpdesk.QueueItem, q helpdesk.QueueFilter) bool {
	switch {
	case q.Status != "" && it.Status != q.Status,
		q.Language != "" && it.Language != q.Language,
		q.Category != "" && it.Category != q.Category,
		q.Agency != "" && it.Agency != q.Agency:
		return false
	case q.Search != "":
		s := strings.ToLower(q.Search)
		return strings.Contains(strings.ToLower(it.Ref), s) || strings.Contains(strings.ToLower(it.Subject), s)
	}
	return true
}

func (f *fakeTickets) Queue(_ context.Context, _ staff.Token, q helpdesk.QueueFilter, at helpdesk.PageAt, limit int) (helpdesk.QueuePage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	page := helpdesk.QueuePage{At: fixedNow, Agencies: []helpdesk.AgencyOption{
		{ID: "ssa", Name: "Social Security Administration"}, {ID: "va", Name: "Veterans Affairs"}}}
	var rows []helpdesk.QueueItem
	if f.items == nil {
		page.Total = f.total
		// Generated rows are in queue order by id: a key's row is id-1.
		from := 0
		switch {
		case at.After != nil:
			from = int(at.After.ID)
		case at.Before != nil:
			from = max(0, int(at.Before.ID)-1-limit)
			limit = min(limit, int(at.Before.ID)-1)
		case at.Last:
			from = max(0, f.total-limit)
		}
		f.queueCalls = append(f.queueCalls, fmt.Sprintf("%d/%d %s", from, limit, q.Search))
		for i := from; i < min(f.total, from+limit); i++ {
			page.Items = append(page.Items, genItem(i))
		}
		return page, nil
	}
	for _, it := range f.items {
		if match(it, q) {
			rows = append(rows, it)
		}
	}
	page.Total = len(rows)
	at2 := func(k *helpdesk.QueueKey) int {
		return slices.IndexFunc(rows, func(it helpdesk.QueueItem) bool { return it.ID == k.ID })
	}
	from, to := 0, min(len(rows), limit)
	switch {
	case at.After != nil:
		from = at2(at.After) + 1
		to = min(len(rows), from+limit)
	case at.Before != nil:
		to = max(0, at2(at.Before))
		from = max(0, to-limit)
	case at.Last:
		from, to = max(0, len(rows)-limit), len(rows)
	}
	f.queueCalls = append(f.queueCalls, fmt.Sprintf("%d/%d %s", from, limit, q.Search))
	if from < to {
		page.Items = slices.Clone(rows[from:to])
	}
	return page, nil
}

// view returns the stored ticket, building it from its queue row first.
func (f *fakeTickets) view(id int64) (*helpdesk.TicketView, error) {
	if v, ok := f.tickets[id]; ok {
		return v, nil
	}
	var it helpdesk.QueueItem
	found := false
	for _, x := range f.all() {
		if x.ID == id {
			it, found = x, true
		}
	}
	if !found && f.items == nil && id >= 1 && int(id) <= f.total {
		it, found = genItem(int(id-1)), true
	}
	if !found {
		return nil, fault.ErrNotFound
	}
	acct := fakeView()
	v := &helpdesk.TicketView{
		ID: it.ID, Version: 1, Ref: it.Ref, Channel: ticket.ChannelWeb, Language: it.Language,
		Category: it.Category, Agency: it.Agency, Status: it.Status, Assignee: it.Assignee,
		AssigneeName: it.AssigneeName, Subject: it.Subject, RequesterMasked: it.RequesterMasked,
		RequesterName: "María", CreatedAt: it.CreatedAt, Due: it.Due, State: it.State, Left: it.Left,
		Account: &acct, AnswerBy: fakeAnswerBy(it),
		Messages: []helpdesk.MessageView{
			{Kind: ticket.MessageInbound, Body: "Perdí mi teléfono y ya no recibo los códigos.\nNo tengo códigos de respaldo. ¿Qué puedo hacer?", At: it.CreatedAt},
			{Kind: ticket.MessageInternal, AuthorName: "Luis Ortega", Body: "Caller verified on the phone yesterday; account has an auth app too.", At: it.CreatedAt.Add(3 * time.Hour)},
		},
	}
	f.tickets[id] = v
	return v, nil
}

func (f *fakeTickets) Ticket(_ context.Context, _ staff.Token, id int64) (helpdesk.TicketView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, err := f.view(id)
	if err != nil {
		return helpdesk.TicketView{}, err
	}
	out := *v
	out.Messages = slices.Clone(v.Messages)
	return out, nil
}

// write applies a change with optimistic concurrency, as the core does.
func (f *fakeTickets) write(_ staff.Token, id, version int64, what string, fn func(v *helpdesk.TicketView)) (helpdesk.TicketView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, err := f.view(id)
	if err != nil {
		return helpdesk.TicketView{}, err
	}
	if f.conflictNext {
		f.conflictNext = false
		v.Version++ // someone else got there first
		v.Messages = append(v.Messages, helpdesk.MessageView{Kind: ticket.MessageInternal, AuthorName: "Luis Ortega", Body: "Taking a look.", At: fixedNow})
	}
	if version != v.Version {
		return helpdesk.TicketView{}, fault.ErrConflict
	}
	f.writes = append(f.writes, fmt.Sprintf("%s %d v%d", what, id, version))
	fn(v)
	v.Version++
	out := *v
	out.Messages = slices.Clone(v.Messages)
	return out, nil
}

func (f *fakeTickets) Reply(_ context.Context, tok staff.Token, id, version int64, body string) (helpdesk.TicketView, error) {
	return f.write(tok, id, version, "reply", func(v *helpdesk.TicketView) {
		v.Messages = append(v.Messages, helpdesk.MessageView{Kind: ticket.MessagePublic, AuthorName: "Dana Agent", Body: body, At: fixedNow})
		v.State, v.Status = sla.StateFulfilled, ticket.StatusOpen
	})
}

func (f *fakeTickets) Note(_ context.Context, tok staff.Token, id, version int64, body string) (helpdesk.TicketView, error) {
	return f.write(tok, id, version, "note", func(v *helpdesk.TicketView) {
		v.Messages = append(v.Messages, helpdesk.MessageView{Kind: ticket.MessageInternal, AuthorName: "Dana Agent", Body: body, At: fixedNow})
	})
}

func (f *fakeTickets) SetStatus(_ context.Context, tok staff.Token, id, version int64, st ticket.Status) (helpdesk.TicketView, error) {
	if f.statusErr != nil {
		return helpdesk.TicketView{}, f.statusErr
	}
	return f.write(tok, id, version, "status "+string(st), func(v *helpdesk.TicketView) { v.Status = st })
}

func (f *fakeTickets) Assign(_ context.Context, tok staff.Token, id, version int64, agentID string) (helpdesk.TicketView, error) {
	return f.write(tok, id, version, "assign "+agentID, func(v *helpdesk.TicketView) {
		v.Assignee = agentID
		v.AssigneeName = ""
		for _, ag := range f.agents {
			if ag.ID == agentID {
				v.AssigneeName = ag.Name
			}
		}
	})
}

func (f *fakeTickets) Agents(context.Context, staff.Token) ([]helpdesk.AgentSummary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.agents), nil
}

func (f *fakeTickets) Board(_ context.Context, tok staff.Token) (helpdesk.BoardView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if roleOf(tok) != access.RoleSupervisor {
		return helpdesk.BoardView{}, fault.ErrNotPermitted
	}
	b := f.board
	b.Closures = slices.Clone(f.board.Closures)
	b.Urgent = slices.Clone(f.board.Urgent)
	return b, nil
}

func (f *fakeTickets) Reassign(_ context.Context, _ staff.Token, ids []int64, agentID string) (helpdesk.Reassigned, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reassigned = append(f.reassigned, slices.Clone(ids))
	f.writes = append(f.writes, fmt.Sprintf("reassign %v %s", ids, agentID))
	var res helpdesk.Reassigned
	for _, id := range ids {
		ref := ticket.Ref(2026, id)
		if f.already[id] {
			res.Already = append(res.Already, ref)
		} else {
			res.Moved = append(res.Moved, ref)
		}
	}
	return res, nil
}

func (f *fakeTickets) AddClosure(_ context.Context, _ staff.Token, day, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return fault.Invalid("day", fault.CodeInvalidInput)
	}
	f.board.Closures = append(f.board.Closures, helpdesk.ClosureView{Day: day, Reason: reason})
	slices.SortFunc(f.board.Closures, func(a, b helpdesk.ClosureView) int { return strings.Compare(a.Day, b.Day) })
	return nil
}

func (f *fakeTickets) RemoveClosure(_ context.Context, _ staff.Token, day string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.board.Closures, func(c helpdesk.ClosureView) bool { return c.Day == day })
	if i < 0 {
		return fault.ErrNotFound
	}
	f.board.Closures = slices.Delete(f.board.Closures, i, i+1)
	return nil
}

func (f *fakeTickets) AccountTickets(context.Context, staff.Token, string) ([]helpdesk.QueueItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accountCalls++
	items := sampleQueue()
	return []helpdesk.QueueItem{items[1], items[7]}, nil
}

// fakeAnswerBy is the date core lets a reply promise: the due time while
// on track, else two business days from fixedNow (Wednesday 2 December).
func fakeAnswerBy(it helpdesk.QueueItem) time.Time {
	if it.State == sla.StateOnTrack {
		return it.Due
	}
	return fixedNow.Add(48 * time.Hour)
}
