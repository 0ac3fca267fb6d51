package helpdesk

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/calendar"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/safetext"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// MaxPage bounds one queue window.
const MaxPage = 500

// Queue returns a window of the actor's queue ordered by due time: for
// agents, tickets assigned to them plus unassigned ones in their
// languages; for supervisors, every open ticket. The window is placed by
// key (at), never by offset, so a page deep in the queue costs what the
// first one does. A search by requester email is audited, since it asks
// about a person.
func (d *Desk) Queue(ctx context.Context, tok staff.Token, f QueueFilter, at PageAt, limit int) (QueuePage, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	q := store.QueueQuery{Language: f.Language, Category: f.Category, Agency: f.Agency, Limit: limit}
	switch {
	case at.After != nil:
		q.After = at.After
	case at.Before != nil:
		q.After, q.Backward = at.Before, true
	case at.Last:
		q.Backward = true
	}
	if f.Status != "" {
		if !slices.Contains(FilterStatuses, f.Status) {
			return QueuePage{}, fault.Invalid("status", fault.CodeInvalidInput)
		}
		q.Statuses = []ticket.Status{f.Status}
	}
	if err := d.search(&q, f.Search); err != nil {
		return QueuePage{}, err
	}
	var page QueuePage
	run := func(r store.Reader, actor access.Actor, now time.Time) error {
		if err := scopeQueue(&q, actor); err != nil {
			return err
		}
		var err error
		page, err = d.page(ctx, r, q, now)
		return err
	}
	if q.Requester == nil {
		return page, d.staff.Read(ctx, tok, run)
	}
	return page, d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := run(tx, actor, now); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "ticket.search", "ticket", "",
			"kind=email results="+strconv.Itoa(page.Total)))
	})
}

// scopeQueue limits a queue query to what the actor may see: every ticket
// for a supervisor, the agent's queue for an agent; agency desks see
// tickets through the accounts of their agencies, not a queue.
func scopeQueue(q *store.QueueQuery, actor access.Actor) error {
	switch {
	case actor.Can(access.ActTicketView, access.ScopeOther):
	case actor.Can(access.ActTicketView, access.ScopeOwn) && actor.Can(access.ActTicketView, access.ScopeLanguage):
		q.Agent, q.Languages = actor.ID, actor.Languages
	default:
		return staff.Deny(access.ActTicketView, "queue", "", nil)
	}
	return nil
}

// search reads the search box: a reference, a requester's exact email, or
// words for full-text search (each backend quotes them in its own query
// language, so no search syntax can be injected).
// Control and format characters (a NUL, an escape, a bidi override: the
// text policy's) are the agent's input error, refused before the engine.
func (d *Desk) search(q *store.QueueQuery, s string) error {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
	case len(s) > 200:
		return fault.Invalid("query", fault.CodeQueryTooLong)
	case !safetext.ValidLine(s):
		return fault.Invalid("query", fault.CodeInvalidInput)
	case strings.HasPrefix(strings.ToUpper(s), "SD-"):
		q.Ref = s
	case strings.Contains(s, "@"):
		email, err := account.NormalizeEmail(s)
		if err != nil {
			return err
		}
		q.Requester = d.keys.Fingerprint("email", email)
	default:
		q.Words = strings.Fields(s) // words, not a query: the backend quotes them
	}
	return nil
}

// page runs a queue query and dresses the rows for display.
func (d *Desk) page(ctx context.Context, r store.Reader, q store.QueueQuery, now time.Time) (QueuePage, error) {
	names, err := loadNames(ctx, r)
	if err != nil {
		return QueuePage{}, err
	}
	return d.pageNamed(ctx, r, q, now, names)
}

// pageNamed is page with the names already read.
func (d *Desk) pageNamed(ctx context.Context, r store.Reader, q store.QueueQuery, now time.Time, names names) (QueuePage, error) {
	rows, total, err := r.QueuePage(ctx, q)
	if err != nil {
		return QueuePage{}, err
	}
	agencies := make([]AgencyOption, 0, len(names.agencies))
	for id, name := range names.agencies {
		agencies = append(agencies, AgencyOption{ID: id, Name: name})
	}
	slices.SortFunc(agencies, func(a, b AgencyOption) int { return strings.Compare(a.Name, b.Name) })
	return QueuePage{Total: total, At: now, Items: d.items(rows, now, names), Agencies: agencies}, nil
}

// items dresses rows for display on one calendar, loaded once.
func (d *Desk) items(rows []ticket.Ticket, now time.Time, names names) []QueueItem {
	cal := d.cal()
	cls := sla.NewClassifier(cal, now)
	out := make([]QueueItem, len(rows))
	for i, t := range rows {
		out[i] = d.item(t, cal, cls, now, names)
	}
	return out
}

// names are the display names of agents and agencies by id, and the
// agents as read.
type names struct {
	agents, agencies map[string]string
	staff            []access.Agent
}

// loadNames reads every agent's and agency's display name.
func loadNames(ctx context.Context, r store.Reader) (names, error) {
	n := names{agents: map[string]string{}, agencies: map[string]string{}}
	agents, err := r.Agents(ctx)
	if err != nil {
		return n, err
	}
	n.staff = agents
	for _, a := range agents {
		n.agents[a.ID] = a.DisplayName
	}
	agencies, err := r.Agencies(ctx)
	for _, a := range agencies {
		n.agencies[a.ID] = a.Name
	}
	return n, err
}

// item dresses one ticket: requester masked, SLA state and business time
// left at now.
func (d *Desk) item(t ticket.Ticket, cal *calendar.Calendar, cls sla.Classifier, now time.Time, names names) QueueItem {
	return QueueItem{ID: t.ID, Place: store.KeyOf(t), Ref: t.Ref, Language: t.Language, Category: t.Category, Agency: t.Agency, AgencyName: names.agencies[t.Agency],
		Status: t.Status, Assignee: t.Assignee, AssigneeName: names.agents[t.Assignee], RequesterMasked: d.requester(t), CreatedAt: t.CreatedAt,
		Due: t.SLA.Due, State: cls.Classify(t.SLA.Due, t.SLA.Paused(), t.SLA.Fulfilled()), Left: t.SLA.Left(cal, now),
		Subject: t.Subject}
}

// answerBy is the date a reply may promise: the due time while on track,
// else what a request arriving now would be promised.
func (d *Desk) answerBy(it QueueItem, now time.Time) time.Time {
	if it.State == sla.StateOnTrack && it.Due.After(now) {
		return it.Due
	}
	return d.policy.Load().Start(now).Due
}

// requester is the masked requester address.
func (d *Desk) requester(t ticket.Ticket) string {
	plain, err := d.keys.Open(t.RequesterSealed, []byte(ticket.RequesterAAD(t.Ref)))
	if err != nil {
		return "•••"
	}
	return account.MaskEmail(string(plain))
}

// Ticket returns the ticket as an agent works it, with the linked account
// masked when the actor may see it. Reading it is audited; a ticket
// outside the actor's scope is refused and the attempt audited.
func (d *Desk) Ticket(ctx context.Context, tok staff.Token, id int64) (TicketView, error) {
	var v TicketView
	err := d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		t, err := tx.Ticket(ctx, id)
		if fault.CodeOf(err) == fault.CodeNotFound {
			return staff.Deny(access.ActTicketView, "ticket", strconv.FormatInt(id, 10), err)
		}
		if err != nil {
			return err
		}
		sc, err := ticketScope(ctx, tx, actor, t)
		if err != nil {
			return err
		}
		if err := staff.Check(actor, access.ActTicketView, sc, "ticket", t.Ref); err != nil {
			return err
		}
		names, err := loadNames(ctx, tx)
		if err != nil {
			return err
		}
		msgs, err := tx.TicketMessages(ctx, id)
		if err != nil {
			return err
		}
		log, err := tx.SLAEvents(ctx, id)
		if err != nil {
			return err
		}
		it := d.items([]ticket.Ticket{t}, now, names)[0]
		v = TicketView{ID: t.ID, Version: t.Version, Ref: t.Ref, Channel: t.Channel, Language: t.Language, Category: t.Category,
			Agency: t.Agency, AgencyName: it.AgencyName, Status: t.Status, Assignee: t.Assignee, AssigneeName: it.AssigneeName, Subject: t.Subject,
			RequesterMasked: it.RequesterMasked, CreatedAt: t.CreatedAt, Due: it.Due, State: it.State, Left: it.Left, SLALog: log,
			FollowsRef: t.FollowsRef, MailBounced: t.MailBouncedAt, AnswerBy: d.answerBy(it, now)}
		if name, err := d.keys.Open(t.NameSealed, []byte(ticket.RequesterAAD(t.Ref))); err == nil {
			v.RequesterName = string(name)
		}
		for _, m := range msgs {
			author := ""
			if m.Kind != ticket.MessageInbound {
				author = names.agents[m.Author]
			}
			v.Messages = append(v.Messages, MessageView{Kind: m.Kind, AuthorName: author, Body: m.Body, At: m.CreatedAt})
		}
		if err := tx.AppendAudit(ctx, audit.Record(actor, now, "ticket.view", "ticket", t.Ref, "")); err != nil {
			return err
		}
		v.Present = d.others(id, actor.ID, now)
		if t.AccountID == "" || d.accounts == nil {
			return nil
		}
		asc, err := desk.AccountScope(ctx, tx, actor, t.AccountID)
		if err != nil {
			return err
		}
		if !actor.Can(access.ActAccountView, asc) {
			return nil // the ticket without the account panel
		}
		av, err := d.accounts.ViewTx(ctx, tx, actor, t.AccountID, "ticket="+t.Ref, now)
		if err != nil {
			return err
		}
		v.Account = &av
		return nil
	})
	if err != nil {
		return TicketView{}, err
	}
	return v, nil
}

// Reply mails a public reply and returns the ticket as it now is.
func (d *Desk) Reply(ctx context.Context, tok staff.Token, id, version int64, body string) (TicketView, error) {
	return d.then(ctx, tok, id, d.reply(ctx, tok, id, version, body))
}

// Note adds an internal note and returns the ticket as it now is.
func (d *Desk) Note(ctx context.Context, tok staff.Token, id, version int64, body string) (TicketView, error) {
	return d.then(ctx, tok, id, d.note(ctx, tok, id, version, body))
}

// SetStatus moves the ticket and returns it as it now is.
func (d *Desk) SetStatus(ctx context.Context, tok staff.Token, id, version int64, status ticket.Status) (TicketView, error) {
	return d.then(ctx, tok, id, d.setStatus(ctx, tok, id, version, status))
}

// Assign gives the ticket to an agent ("" unassigns) and returns it. The
// target must be active staff working tickets in the ticket's language.
// The view may then be refused: an agent who gave its ticket away no
// longer reads it.
func (d *Desk) Assign(ctx context.Context, tok staff.Token, id, version int64, agentID string) (TicketView, error) {
	return d.then(ctx, tok, id, d.assign(ctx, tok, id, version, agentID))
}

// then reloads the view after a change, or passes the change's error on.
func (d *Desk) then(ctx context.Context, tok staff.Token, id int64, err error) (TicketView, error) {
	if err != nil {
		return TicketView{}, err
	}
	return d.Ticket(ctx, tok, id)
}

// Agents lists the staff a ticket may be assigned to: active agents and
// supervisors, with their languages.
func (d *Desk) Agents(ctx context.Context, tok staff.Token) ([]AgentSummary, error) {
	var out []AgentSummary
	err := d.staff.Read(ctx, tok, func(r store.Reader, actor access.Actor, _ time.Time) error {
		if !actor.Can(access.ActAssign, access.ScopeOwn) {
			return staff.Deny(access.ActAssign, "agent", "", nil)
		}
		agents, err := r.Agents(ctx)
		out = out[:0]
		for _, a := range agents {
			if a.Role.WorksTickets() && a.DisabledAt.IsZero() {
				out = append(out, AgentSummary{ID: a.ID, Name: a.DisplayName, Languages: a.Languages})
			}
		}
		return err
	})
	return out, err
}

// AccountTickets lists the tickets linked to an account that the actor may
// see, newest first; listing them is audited.
func (d *Desk) AccountTickets(ctx context.Context, tok staff.Token, accountID string) ([]QueueItem, error) {
	var out []QueueItem
	err := d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		rows, err := tx.TicketsByAccount(ctx, accountID, 50)
		if err != nil {
			return err
		}
		visible := rows[:0]
		for _, t := range rows {
			sc, err := ticketScope(ctx, tx, actor, t)
			if err != nil {
				return err
			}
			if actor.Can(access.ActTicketView, sc) {
				visible = append(visible, t)
			}
		}
		names, err := loadNames(ctx, tx)
		if err != nil {
			return err
		}
		out = d.items(visible, now, names)
		return tx.AppendAudit(ctx, audit.Record(actor, now, "account.tickets", "account", accountID,
			"shown="+strconv.Itoa(len(out))))
	})
	return out, err
}

// Board is the supervisor board at the current time. The board is the
// same for every supervisor, so the supervisors asking for it at the same
// moment (each authorized on its own session first) share one read: the
// refresh of ten boards at once costs one.
func (d *Desk) Board(ctx context.Context, tok staff.Token) (BoardView, error) {
	err := d.staff.Read(ctx, tok, func(_ store.Reader, actor access.Actor, _ time.Time) error {
		return staff.Check(actor, access.ActSupervise, access.ScopeGlobal, "board", "")
	})
	if err != nil {
		return BoardView{}, err
	}
	ch := d.boards.DoChan("board", func() (any, error) {
		var v BoardView
		// The shared read is not cut short by the first caller leaving.
		bctx := context.WithoutCancel(ctx)
		err := d.st.Read(bctx, func(r store.Reader) error {
			var err error
			v, err = d.board(bctx, r, d.clock.Now())
			return err
		})
		return v, err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return BoardView{}, res.Err
		}
		return res.Val.(BoardView).clone(), nil
	case <-ctx.Done():
		return BoardView{}, ctx.Err()
	}
}

// board reads the supervisor board on one snapshot.
func (d *Desk) board(ctx context.Context, r store.Reader, now time.Time) (BoardView, error) {
	cls := sla.NewClassifier(d.cal(), now)
	_, risk := cls.Bounds()
	zone := d.cal().Zone()
	local := now.In(zone)
	dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, zone)
	v := BoardView{At: now, Totals: map[sla.State]int{}}
	var cells []store.BoardCell
	var loads []store.LoadRow
	var closures []store.Closure
	var live []string
	var names names
	err := func() error {
		var err error
		if cells, err = r.BoardCells(ctx, now, risk); err != nil {
			return err
		}
		if loads, err = r.Workload(ctx, now, risk, dayStart); err != nil {
			return err
		}
		for _, days := range []int{7, 30} {
			total, inTime, err := r.Attainment(ctx, now.AddDate(0, 0, -days), now)
			if err != nil {
				return err
			}
			a := Attainment{Days: days, Total: total, InTime: inTime, Ratio: 1, Target: AttainmentTarget}
			if total > 0 {
				a.Ratio = float64(inTime) / float64(total)
			}
			a.Achieved = a.Ratio >= AttainmentTarget
			v.Attainment = append(v.Attainment, a)
		}
		if closures, err = r.Closures(ctx); err != nil {
			return err
		}
		if live, err = r.LiveAgents(ctx, now.Add(-d.staff.Limits().Max)); err != nil {
			return err
		}
		if v.MailFailed, err = r.OutboxFailed(ctx); err != nil {
			return err
		}
		names, err = loadNames(ctx, r)
		return err
	}()
	if err != nil {
		return BoardView{}, err
	}
	for _, c := range cells {
		// A group whose open tickets are all answered has nothing to watch.
		if c.OnTrack+c.AtRisk+c.Breached+c.Paused > 0 {
			v.Cells = append(v.Cells, Cell{Language: c.Language, Agency: c.Agency, AgencyName: names.agencies[c.Agency], Category: c.Category,
				OnTrack: c.OnTrack, AtRisk: c.AtRisk, Breached: c.Breached, Paused: c.Paused})
		}
		v.Totals[sla.StateOnTrack] += c.OnTrack
		v.Totals[sla.StateAtRisk] += c.AtRisk
		v.Totals[sla.StateBreached] += c.Breached
		v.Totals[sla.StatePaused] += c.Paused
		v.Totals[sla.StateFulfilled] += c.Fulfilled
	}
	v.Languages = languageLoads(v.Cells, names.staff, live)
	for _, l := range loads {
		v.Workload = append(v.Workload, AgentLoad{AgentID: l.Assignee, Name: names.agents[l.Assignee],
			Open: l.OnTrack + l.AtRisk + l.Breached + l.Paused + l.Fulfilled, AtRisk: l.AtRisk, Breached: l.Breached, RepliesToday: l.Replies})
	}
	for _, c := range closures {
		v.Closures = append(v.Closures, ClosureView{Day: c.Day, Reason: c.Reason})
	}
	urgent, err := d.pageNamed(ctx, r, store.QueueQuery{DueBy: risk, Limit: 200}, now, names)
	if err != nil {
		return BoardView{}, err
	}
	v.Urgent = urgent.Items
	return v, nil
}

// languageLoads sums the board's cells by language and counts, for each,
// the active agents working it who are signed in.
func languageLoads(cells []Cell, agents []access.Agent, live []string) []LanguageLoad {
	out := make([]LanguageLoad, 0, len(account.Languages))
	for _, lang := range account.Languages {
		l := LanguageLoad{Language: lang}
		for _, c := range cells {
			if c.Language == lang {
				l.Waiting += c.OnTrack + c.AtRisk + c.Breached
				l.AtRisk += c.AtRisk
				l.Breached += c.Breached
			}
		}
		for _, a := range agents {
			if a.Role.WorksTickets() && a.DisabledAt.IsZero() && slices.Contains(a.Languages, lang) && slices.Contains(live, a.ID) {
				l.AgentsSignedIn++
			}
		}
		out = append(out, l)
	}
	return out
}

// Reassigned is what a bulk reassignment did: the references of the
// tickets it moved, and of those the agent already had, left as they were.
type Reassigned struct {
	Moved, Already []string
}

// Reassign moves tickets to an agent in one transaction, each authorized
// on the row as read and audited; a ticket already assigned to that agent
// is left as it is. A target that may not work one of the tickets (not
// active staff in its language) refuses the whole move.
func (d *Desk) Reassign(ctx context.Context, tok staff.Token, ids []int64, agentID string) (Reassigned, error) {
	var out Reassigned
	err := d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		out = Reassigned{}
		if err := staff.Check(actor, access.ActSupervise, access.ScopeGlobal, "ticket", ""); err != nil {
			return err
		}
		for _, id := range ids {
			t, err := tx.Ticket(ctx, id)
			if err != nil {
				return err
			}
			sc, err := ticketScope(ctx, tx, actor, t)
			if err != nil {
				return err
			}
			if err := staff.Check(actor, access.ActAssign, sc, "ticket", t.Ref); err != nil {
				return err
			}
			if err := checkAssignee(ctx, tx, agentID, t.Language, now); err != nil {
				return err
			}
			if t.Assignee == agentID {
				out.Already = append(out.Already, t.Ref)
				continue
			}
			t.Assignee, t.UpdatedAt = agentID, now
			if err := tx.UpdateTicket(ctx, &t); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, audit.Record(actor, now, "ticket.assign", "ticket", t.Ref, "assignee="+agentID)); err != nil {
				return err
			}
			out.Moved = append(out.Moved, t.Ref)
		}
		return nil
	})
	if err != nil {
		return Reassigned{}, err
	}
	return out, nil
}

// MaxClosureReason bounds a closure's reason.
const MaxClosureReason = 120

// AddClosure closes the center on a day (YYYY-MM-DD); due times computed
// from then on skip it. Supervisors and admins only.
func (d *Desk) AddClosure(ctx context.Context, tok staff.Token, day, reason string) error {
	date, err := calendar.ParseDate(strings.TrimSpace(day))
	if err != nil {
		return fault.Invalid("day", fault.CodeInvalidInput)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > MaxClosureReason || !safetext.ValidLine(reason) {
		return &fault.Error{Code: fault.CodeInvalidInput, Field: "reason", Max: MaxClosureReason}
	}
	err = d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := staff.Check(actor, access.ActClosures, access.ScopeGlobal, "closure", date.String()); err != nil {
			return err
		}
		if err := tx.PutClosure(ctx, store.Closure{Day: date.String(), Reason: reason, CreatedBy: actor.ID, CreatedAt: now}); err != nil {
			return err
		}
		moved, err := d.recalendar(ctx, tx, now)
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "closure.add", "closure", date.String(), "moved="+strconv.Itoa(moved)))
	})
	if err != nil {
		return err
	}
	return d.reloadClosures(ctx)
}

// RemoveClosure reopens a day.
func (d *Desk) RemoveClosure(ctx context.Context, tok staff.Token, day string) error {
	date, err := calendar.ParseDate(strings.TrimSpace(day))
	if err != nil {
		return fault.Invalid("day", fault.CodeInvalidInput)
	}
	err = d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := staff.Check(actor, access.ActClosures, access.ScopeGlobal, "closure", date.String()); err != nil {
			return err
		}
		if err := tx.DeleteClosure(ctx, date.String()); err != nil {
			return err
		}
		moved, err := d.recalendar(ctx, tx, now)
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "closure.remove", "closure", date.String(), "moved="+strconv.Itoa(moved)))
	})
	if err != nil {
		return err
	}
	return d.reloadClosures(ctx)
}

// Start starts a new ticket's clock on the current calendar, so intake
// sees closure days as soon as they are added.
func (d *Desk) Start(at time.Time) ticket.Clock { return d.policy.Load().Start(at) }

// ReloadClosures re-reads the closure days another process may have
// changed; serve calls it periodically.
func (d *Desk) ReloadClosures(ctx context.Context) error { return d.reloadClosures(ctx) }

// reloadClosures refreshes the calendar after the closure list changed.
// Clocks already running keep their due times; new ones skip the day.
func (d *Desk) reloadClosures(ctx context.Context) error {
	p, err := LoadPolicy(ctx, d.st, d.cal().Config())
	if err != nil {
		return err
	}
	d.policy.Store(&p)
	return nil
}
