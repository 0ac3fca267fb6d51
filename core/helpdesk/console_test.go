package helpdesk_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/calendar"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/sla"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// seededDesk has 300 accounts and 1500 tickets from seed 1, and the demo
// supervisor (Spanish and English) signed in.
func seededDesk(t *testing.T) (*service.Service, *helpdesk.Desk, coretest.Staff) {
	t.Helper()
	svc, c, _ := coretest.Open(t)
	ctx := context.Background()
	if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{Accounts: 300, Seed: 1, Now: c.Now(), PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	policy, err := helpdesk.LoadPolicy(ctx, svc.Store, calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Tickets(ctx, svc.Store, svc.Keys, seed.TicketOptions{Tickets: 1500, Seed: 1, Now: c.Now(), Accounts: 300, Policy: policy}); err != nil {
		t.Fatal(err)
	}
	return svc, helpdesk.NewDesk(svc.Store, svc.Keys, c, policy, svc.Desk, svc.Staff), coretest.Session(t, svc, "supervisor@demo.example")
}

func TestQueueScopeOrderAndPages(t *testing.T) {
	t.Parallel()
	svc, d, supervisor := seededDesk(t)
	ctx := context.Background()
	var agentID string
	for _, a := range seed.DemoAgents(1) {
		if a.Email == "camille@demo.example" {
			agentID = uuidOf(t, d, supervisor, a.Name)
		}
	}
	camille := coretest.Issue(t, svc, agentID) // an agent working French and English
	if camille.Role != access.RoleAgent || !slices.Equal(camille.Languages, []string{"fr", "en"}) {
		t.Fatalf("Camille is %+v", camille.SignedIn)
	}
	first, err := d.Queue(ctx, camille.Token, helpdesk.QueueFilter{}, helpdesk.PageAt{}, 40)
	if err != nil {
		t.Fatal(err)
	}
	if first.Total == 0 || len(first.Items) != min(40, first.Total) {
		t.Fatalf("page %d of %d", len(first.Items), first.Total)
	}
	// The agency filter's values: every partner agency, by name.
	if i := slices.IndexFunc(first.Agencies, func(a helpdesk.AgencyOption) bool { return a.ID == "ssa" }); i < 0 ||
		first.Agencies[i].Name != "Social Security Administration" ||
		!slices.IsSortedFunc(first.Agencies, func(a, b helpdesk.AgencyOption) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("agencies offered: %+v", first.Agencies)
	}
	for _, it := range first.Items {
		if it.Agency != "" && it.AgencyName == "" {
			t.Errorf("%s: agency %s has no name", it.Ref, it.Agency)
		}
	}
	last := first.Items[len(first.Items)-1].Place
	next, err := d.Queue(ctx, camille.Token, helpdesk.QueueFilter{}, helpdesk.PageAt{After: &last}, 40)
	if err != nil {
		t.Fatal(err)
	}
	all := append(first.Items, next.Items...)
	for i, it := range all {
		if it.Assignee != camille.AgentID && !(it.Assignee == "" && (it.Language == "fr" || it.Language == "en")) {
			t.Fatalf("%s (assignee %q, %s) is not in Camille's queue", it.Ref, it.Assignee, it.Language)
		}
		if i > 0 && rank(it) == rank(all[i-1]) && it.Due.Before(all[i-1].Due) || i > 0 && rank(it) < rank(all[i-1]) {
			t.Fatalf("queue not ordered (waiting by due, then paused, then answered) at %d", i)
		}
		if !strings.Contains(it.RequesterMasked, "•••@") {
			t.Fatalf("requester not masked: %q", it.RequesterMasked)
		}
	}
	es, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Language: "es", Status: ticket.StatusPending}, helpdesk.PageAt{}, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range es.Items {
		if it.Language != "es" || it.Status != ticket.StatusPending || it.State != sla.StatePaused && it.State != sla.StateFulfilled {
			t.Fatalf("filtered row %+v", it)
		}
	}
	// Solved tickets can be listed too, newest first.
	solved, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Status: ticket.StatusSolved}, helpdesk.PageAt{}, 50)
	if err != nil || solved.Total == 0 || len(solved.Items) == 0 {
		t.Fatalf("solved: %d %v", solved.Total, err)
	}
	for i, it := range solved.Items {
		if it.Status != ticket.StatusSolved || i > 0 && it.Due.After(solved.Items[i-1].Due) && it.Place.Rank == solved.Items[i-1].Place.Rank {
			t.Fatalf("solved row %d: %+v", i, it)
		}
	}
	if _, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Status: "archived"}, helpdesk.PageAt{}, 10); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Fatalf("an unknown status: %v", err)
	}
	byRef, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Search: strings.ToLower(first.Items[0].Ref)}, helpdesk.PageAt{}, 10)
	if err != nil || byRef.Total != 1 || byRef.Items[0].ID != first.Items[0].ID {
		t.Fatalf("search by reference: %+v %v", byRef, err)
	}
	words, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Search: `perdí "mi" teléfono OR`}, helpdesk.PageAt{}, 10)
	if err != nil {
		t.Fatalf("full-text search with FTS5 syntax in it: %v", err)
	}
	for _, it := range words.Items {
		if it.Language != "es" {
			t.Fatalf("full-text hit %+v", it)
		}
	}
	if _, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Search: "bad@@address"}, helpdesk.PageAt{}, 10); fault.CodeOf(err) != fault.CodeEmailMalformed {
		t.Fatalf("malformed requester search: %v", err)
	}
}

func uuidOf(t *testing.T, d *helpdesk.Desk, supervisor coretest.Staff, name string) string {
	t.Helper()
	agents, err := d.Agents(context.Background(), supervisor.Token)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range agents {
		if a.Name == name {
			return a.ID
		}
	}
	t.Fatalf("no agent %s", name)
	return ""
}

func TestBoardCountsMatchTheQueue(t *testing.T) {
	t.Parallel()
	svc, d, supervisor := seededDesk(t)
	ctx := context.Background()
	board, err := d.Board(ctx, supervisor.Token)
	if err != nil {
		t.Fatal(err)
	}
	open, err := d.ClassifyOpen(ctx, supervisor.Token)
	if err != nil {
		t.Fatal(err)
	}
	byState := map[sla.State]int{}
	for k, n := range open.Counts {
		byState[k.State] += n
	}
	for _, st := range sla.States {
		if board.Totals[st] != byState[st] {
			t.Errorf("%s: board %d, queue %d", st, board.Totals[st], byState[st])
		}
	}
	q, _ := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{}, helpdesk.PageAt{}, 1)
	sum := 0
	for _, n := range board.Totals {
		sum += n
	}
	if sum != q.Total || q.Total != len(open.Items) {
		t.Fatalf("board %d, queue total %d, open %d", sum, q.Total, len(open.Items))
	}
	for _, u := range board.Urgent {
		if u.State != sla.StateAtRisk && u.State != sla.StateBreached {
			t.Fatalf("urgent row in state %s", u.State)
		}
	}
	if len(board.Attainment) != 2 || board.Attainment[0].Days != 7 || board.Attainment[1].Total == 0 {
		t.Fatalf("attainment %+v", board.Attainment)
	}
	if len(board.Workload) == 0 {
		t.Fatal("no workload rows")
	}
	// The backlog by language, and who is signed in to answer it: Camille
	// (French and English) signing in and out moves those two alone.
	waiting := map[string]int{}
	for _, c := range board.Cells {
		waiting[c.Language] += c.OnTrack + c.AtRisk + c.Breached
	}
	signedIn := func() map[string]int {
		b, err := d.Board(ctx, supervisor.Token)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, l := range b.Languages {
			out[l.Language] = l.AgentsSignedIn
		}
		return out
	}
	if len(board.Languages) != 3 {
		t.Fatalf("languages %+v", board.Languages)
	}
	for _, l := range board.Languages {
		if l.Waiting != waiting[l.Language] || l.Waiting == 0 {
			t.Errorf("%s: %d waiting, cells say %d", l.Language, l.Waiting, waiting[l.Language])
		}
	}
	before := signedIn()
	camille := coretest.Session(t, svc, "camille@demo.example")
	if after := signedIn(); after["fr"] != before["fr"]+1 || after["en"] != before["en"]+1 || after["es"] != before["es"] {
		t.Errorf("Camille signed in: %v, before %v", after, before)
	}
	if err := svc.Staff.SignOut(ctx, camille.Token); err != nil {
		t.Fatal(err)
	}
	if after := signedIn(); !maps.Equal(after, before) {
		t.Errorf("Camille signed out: %v, before %v", after, before)
	}
	agent := coretest.Session(t, svc, "agent@demo.example")
	if _, err := d.Board(ctx, agent.Token); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("agent saw the board: %v", err)
	}
	// Bulk reassignment of the urgent list to one agent: Alex works English
	// and Spanish, and may only be given tickets in those languages.
	target := uuidOf(t, d, supervisor, "Alex Morgan")
	var ids []int64
	for _, u := range board.Urgent {
		if len(ids) < 2 && (u.Language == "en" || u.Language == "es") {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) < 2 {
		t.Fatalf("fewer than two urgent tickets in English or Spanish: %d urgent", len(board.Urgent))
	}
	res, err := d.Reassign(ctx, supervisor.Token, ids, target)
	if err != nil || len(res.Moved)+len(res.Already) != len(ids) || len(res.Moved) == 0 {
		t.Fatalf("reassign: %+v %v", res, err)
	}
	// Again: both are the agent's already, named as such, and nothing moves.
	again, err := d.Reassign(ctx, supervisor.Token, ids, target)
	if err != nil || len(again.Moved) != 0 || len(again.Already) != 2 || !strings.HasPrefix(again.Already[0], "SD-") {
		t.Fatalf("reassign again: %+v %v", again, err)
	}
	v, _ := d.Ticket(ctx, supervisor.Token, ids[1])
	if v.Assignee != target || v.AssigneeName != "Alex Morgan" {
		t.Fatalf("assignee %q %q", v.Assignee, v.AssigneeName)
	}
	// An unknown target is refused as invalid input: no one to work them.
	if _, err := d.Reassign(ctx, supervisor.Token, ids, "no-such-agent"); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Fatalf("reassign to nobody: %v", err)
	}
}

func TestClosuresMoveNewDueTimes(t *testing.T) {
	t.Parallel()
	svc, c, in, d := deskAt(t, "2026-12-07 09:00") // a Monday
	agent := addAgent(t, svc)
	supervisor := addStaff(t, svc, "sup-1@example.gov", access.RoleSupervisor, "es", "en")
	ctx := context.Background()
	before, _, err := in.Submit(ctx, form(1), "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][2]string{{"2026-13-01", "x"}, {"tomorrow", "x"}, {"2026-12-08", ""}, {"2026-12-08", "a\x1b[2Jb"}} {
		if err := d.AddClosure(ctx, supervisor.Token, bad[0], bad[1]); fault.CodeOf(err) != fault.CodeInvalidInput {
			t.Fatalf("closure %q %q: %v", bad[0], bad[1], err)
		}
	}
	if err := d.AddClosure(ctx, agent.Token, "2026-12-08", "Snow"); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("agent added a closure: %v", err)
	}
	if err := d.AddClosure(ctx, supervisor.Token, "2026-12-08", "Snow day"); err != nil {
		t.Fatal(err)
	}
	// Intake built its policy before: a service restart (or serve's next
	// policy load) sees the closure. The desk itself already does.
	policy, _ := helpdesk.LoadPolicy(ctx, svc.Store, calendar.DefaultConfig())
	due := sla.Start(policy.Cal, c.Now(), sla.Target).Due
	if want := before.SLA.Due.Add(24 * time.Hour); !due.Equal(want) {
		t.Fatalf("due with Tuesday closed %s, want %s", due, want)
	}
	if got := d.Start(c.Now()).Due; !got.Equal(due) {
		t.Fatalf("the desk's own clock after the closure: %s, want %s", got, due)
	}
	board, _ := d.Board(ctx, supervisor.Token)
	if len(board.Closures) != 1 || board.Closures[0].Reason != "Snow day" {
		t.Fatalf("closures %+v", board.Closures)
	}
	if err := d.RemoveClosure(ctx, supervisor.Token, "2026-12-08"); err != nil {
		t.Fatal(err)
	}
	if got := d.Start(c.Now()).Due; !got.Equal(before.SLA.Due) {
		t.Fatalf("the day reopened, yet due is %s, want %s", got, before.SLA.Due)
	}
	if err := d.RemoveClosure(ctx, supervisor.Token, "2026-12-08"); fault.CodeOf(err) != fault.CodeNotFound {
		t.Fatalf("second removal: %v", err)
	}
	var n int
	svc.Store.Read(ctx, func(r store.Reader) error { cl, _ := r.Closures(ctx); n = len(cl); return nil })
	if n != 0 {
		t.Fatal("closure still stored")
	}
}

// rank is the queue's grouping: clocks waiting for a reply, paused, answered.
func rank(it helpdesk.QueueItem) int {
	switch it.State {
	case sla.StateFulfilled:
		return 2
	case sla.StatePaused:
		return 1
	}
	return 0
}

// A closure day added or removed moves the due times of open tickets whose
// clocks run, from the business time each still has; time already used
// stays used, a paused clock resumes on the new calendar, a breached one
// stays breached, and the queue shows the new time left at once.
func TestClosureDaysMoveOpenTicketsDueTimes(t *testing.T) {
	t.Parallel()
	svc, c, in, d := deskAt(t, "2026-12-07 09:00") // a Monday
	supervisor := addStaff(t, svc, "sup-1@example.gov", access.RoleSupervisor, "fr", "en")
	ctx := context.Background()
	old, _, err := in.Submit(ctx, form(2), "t")
	if err != nil {
		t.Fatal(err)
	}
	read := func(id int64) ticket.Ticket {
		var tk ticket.Ticket
		svc.Store.Read(ctx, func(r store.Reader) error { tk, err = r.Ticket(ctx, id); return err })
		return tk
	}
	// A week on, the first is long breached; a second arrives on Monday 14
	// at 10:00 with a fresh clock.
	c.Set(c.Now().Add(7 * 24 * time.Hour).Add(time.Hour))
	running, _, err := in.Submit(ctx, form(1), "t")
	if err != nil {
		t.Fatal(err)
	}
	fresh := read(running.ID)
	if !fresh.SLA.Running() {
		t.Fatalf("clock %+v", fresh.SLA)
	}
	breached := read(old.ID)
	leftBefore := fresh.SLA.Left(d.Policy().Cal, c.Now())

	// Closing Tuesday 15 pushes the running clock by one business day.
	if err := d.AddClosure(ctx, supervisor.Token, "2026-12-15", "Snow day"); err != nil {
		t.Fatal(err)
	}
	moved := read(running.ID)
	if want := fresh.SLA.Due.Add(24 * time.Hour); !moved.SLA.Due.Equal(want) {
		t.Errorf("due after the closure %s, want %s", moved.SLA.Due, want)
	}
	if left := moved.SLA.Left(d.Policy().Cal, c.Now()); left != leftBefore {
		t.Errorf("business time left %v after the closure, want %v (the time used stays used)", left, leftBefore)
	}
	if got := read(old.ID); !got.SLA.Due.Equal(breached.SLA.Due) {
		t.Errorf("a breached clock moved: %s -> %s", breached.SLA.Due, got.SLA.Due)
	}
	page, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{}, helpdesk.PageAt{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if it.ID == running.ID && !it.Due.Equal(moved.SLA.Due) {
			t.Errorf("the queue shows due %s, the ticket %s", it.Due, moved.SLA.Due)
		}
	}
	// Reopening the day moves it back.
	if err := d.RemoveClosure(ctx, supervisor.Token, "2026-12-15"); err != nil {
		t.Fatal(err)
	}
	if got := read(running.ID); !got.SLA.Due.Equal(fresh.SLA.Due) {
		t.Errorf("due after the day reopened %s, want %s", got.SLA.Due, fresh.SLA.Due)
	}
}

// gatedStore holds every read of the board until released, counting them.
type gatedStore struct {
	store.Store
	reads   atomic.Int32
	release chan struct{}
}

func (g *gatedStore) Read(ctx context.Context, fn func(store.Reader) error) error {
	g.reads.Add(1)
	<-g.release
	return g.Store.Read(ctx, fn)
}

// Ten supervisors whose boards refresh at the same moment share one read
// of it, and each gets a board of its own.
func TestBoardsAtOnceShareOneRead(t *testing.T) {
	t.Parallel()
	svc, _, _ := seededDesk(t)
	policy, err := helpdesk.LoadPolicy(context.Background(), svc.Store, calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	g := &gatedStore{Store: svc.Store, release: make(chan struct{})}
	d := helpdesk.NewDesk(g, svc.Keys, svc.Clock, policy, svc.Desk, svc.Staff)
	const n = 10
	boards := make([]helpdesk.BoardView, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		sup := coretest.Session(t, svc, "supervisor@demo.example")
		wg.Go(func() { boards[i], errs[i] = d.Board(context.Background(), sup.Token) })
	}
	for g.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the other nine pass their session check and wait on the first read
	close(g.release)
	wg.Wait()
	if r := g.reads.Load(); r != 1 {
		t.Errorf("%d reads for %d boards at once", r, n)
	}
	for i := range n {
		if errs[i] != nil || len(boards[i].Cells) == 0 || !slices.Equal(boards[i].Cells, boards[0].Cells) {
			t.Fatalf("board %d: %v", i, errs[i])
		}
	}
	boards[0].Cells[0].Breached = -1 // one supervisor's board is its own
	if boards[1].Cells[0].Breached == -1 {
		t.Error("boards share their cells")
	}
}
