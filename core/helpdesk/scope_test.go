package helpdesk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/notify"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// floor is a small contact center: a supervisor, Ana (Spanish), Bob
// (English), an admin, an SSA help desk, and an account linked to the VA
// with tickets in English and Spanish.
type floor struct {
	svc                  *service.Service
	sup, ana, bob, admin coretest.Staff
	ssaDesk              coretest.Staff
	accountID            string
	enTicket, esTicket   ticket.Ticket // the account's: en assigned to Bob, es unassigned
	frTicket             ticket.Ticket // anonymous, French, unassigned
}

func newFloor(t *testing.T) *floor {
	t.Helper()
	svc, _, _ := coretest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.Intake.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	f := &floor{svc: svc}
	f.sup = coretest.AddStaff(t, svc, staff.NewAgent{Email: "sup@desk.example", Role: access.RoleSupervisor, Languages: []string{"en", "es", "fr"}})
	f.ana = coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	f.bob = coretest.AddStaff(t, svc, staff.NewAgent{Email: "bob@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	f.admin = coretest.AddStaff(t, svc, staff.NewAgent{Email: "root@desk.example", Role: access.RoleAdmin, Languages: []string{"en"}})
	f.ssaDesk = coretest.AddStaff(t, svc, staff.NewAgent{Email: "help@ssa.example", Role: access.RoleAgencyDesk, Agencies: []string{"ssa"}})
	id, err := svc.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "maria@example.org",
		Password: "a long enough password", Language: "es", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	f.accountID = id
	err = svc.Store.Write(ctx, func(tx store.Tx) error {
		for _, ag := range []store.Agency{{ID: "ssa", Name: "SSA"}, {ID: "va", Name: "VA"}} {
			if err := tx.PutAgency(ctx, ag); err != nil {
				return err
			}
		}
		now := svc.Clock.Now()
		return tx.PutAgencyLink(ctx, account.AgencyLink{AccountID: id, AgencyID: "va", FirstAt: now, LastAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	submit := func(email, lang string) ticket.Ticket {
		tk, _, err := svc.Intake.Submit(ctx, ticket.Form{Email: email, Name: "María", Language: lang, Category: "lost_mfa",
			Subject: "Perdí mi teléfono", Message: "Ayuda"}, "192.0.2.1")
		if err != nil {
			t.Fatalf("Submit: %v", err)
		}
		return tk
	}
	f.enTicket = submit("maria@example.org", "en")
	f.esTicket = submit("maria@example.org", "es")
	f.frTicket = submit("someone@example.net", "fr")
	if f.enTicket.AccountID != id || f.esTicket.AccountID != id {
		t.Fatalf("tickets not linked to the account: %q %q", f.enTicket.AccountID, f.esTicket.AccountID)
	}
	v, err := svc.Tickets.Assign(ctx, f.sup.Token, f.enTicket.ID, 0, f.bob.AgentID)
	if err != nil {
		t.Fatalf("assign to Bob: %v", err)
	}
	f.enTicket.Version = v.Version
	return f
}

// snapshot is everything a refused write must leave as it was.
type snapshot struct {
	version  int64
	assignee string
	status   ticket.Status
	messages int
	outbox   int64
	audit    int64
}

func (f *floor) snap(t *testing.T, id int64) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	err := f.svc.Store.Read(ctx, func(r store.Reader) error {
		tk, err := r.Ticket(ctx, id)
		if err != nil {
			return err
		}
		msgs, err := r.TicketMessages(ctx, id)
		if err != nil {
			return err
		}
		s.version, s.assignee, s.status, s.messages = tk.Version, tk.Assignee, tk.Status, len(msgs)
		if s.outbox, err = r.OutboxCount(ctx); err != nil {
			return err
		}
		tail, err := r.AuditTail(ctx, 1)
		if len(tail) > 0 {
			s.audit = tail[0].Seq
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *floor) lastAudit(t *testing.T) audit.Entry {
	t.Helper()
	var tail []audit.Entry
	f.svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		tail, err = r.AuditTail(context.Background(), 1)
		return err
	})
	if len(tail) == 0 {
		t.Fatal("empty audit log")
	}
	return tail[0]
}

// refusedCleanly checks a refusal: not permitted, the ticket, its thread
// and the outbox as they were, and exactly one audit entry, a denial.
func (f *floor) refusedCleanly(t *testing.T, what string, err error, id int64, before snapshot) {
	t.Helper()
	if fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("%s: %v, want not_permitted", what, err)
	}
	after := f.snap(t, id)
	want := before
	want.audit++
	if after != want {
		t.Errorf("%s changed more than the audit log: %+v → %+v", what, before, after)
	}
	if e := f.lastAudit(t); e.Action != "access.denied" {
		t.Errorf("%s audited as %q (%s)", what, e.Action, e.Detail)
	}
}

func TestAgentCannotWorkTicketsOutsideItsScope(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	for _, tk := range []ticket.Ticket{f.enTicket, f.frTicket} { // Bob's, and one in French
		before := f.snap(t, tk.ID)
		_, err := f.svc.Tickets.Reply(ctx, f.ana.Token, tk.ID, before.version, "Hola, le ayudo.")
		f.refusedCleanly(t, "reply to "+tk.Ref, err, tk.ID, before)
		before = f.snap(t, tk.ID)
		_, err = f.svc.Tickets.Note(ctx, f.ana.Token, tk.ID, before.version, "nota")
		f.refusedCleanly(t, "note on "+tk.Ref, err, tk.ID, before)
		before = f.snap(t, tk.ID)
		_, err = f.svc.Tickets.SetStatus(ctx, f.ana.Token, tk.ID, before.version, ticket.StatusClosed)
		f.refusedCleanly(t, "close "+tk.Ref, err, tk.ID, before)
		before = f.snap(t, tk.ID)
		_, err = f.svc.Tickets.Ticket(ctx, f.ana.Token, tk.ID)
		f.refusedCleanly(t, "read "+tk.Ref, err, tk.ID, before)
	}
	// In scope, the same calls work: the refusals were about scope.
	before := f.snap(t, f.esTicket.ID)
	v, err := f.svc.Tickets.Reply(ctx, f.ana.Token, f.esTicket.ID, before.version, "Hola, le ayudo.")
	if err != nil || v.Assignee != f.ana.AgentID {
		t.Fatalf("Ana replies to an unassigned Spanish ticket: %v", err)
	}
	if after := f.snap(t, f.esTicket.ID); after.outbox != before.outbox+1 || after.messages != before.messages+1 {
		t.Errorf("the reply was not stored and queued: %+v → %+v", before, after)
	}
}

func TestAgentCannotTakeAnotherAgentsTicket(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	before := f.snap(t, f.enTicket.ID)
	_, err := f.svc.Tickets.Assign(ctx, f.ana.Token, f.enTicket.ID, before.version, f.ana.AgentID)
	f.refusedCleanly(t, "Ana takes Bob's ticket", err, f.enTicket.ID, before)
	if _, err := f.svc.Tickets.Ticket(ctx, f.ana.Token, f.enTicket.ID); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("Ana reads Bob's ticket after trying to take it: %v", err)
	}
	// Bob may hand his own ticket back to the English queue.
	if v, err := f.svc.Tickets.Assign(ctx, f.bob.Token, f.enTicket.ID, before.version, ""); err != nil || v.Assignee != "" {
		t.Errorf("Bob unassigns his ticket: %v", err)
	}
}

func TestAssignTargetMustWorkTheTicketsLanguage(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	if _, err := f.svc.Staff.Disable(ctx, f.admin.Token, "ana@desk.example"); err != nil {
		t.Fatal(err)
	}
	carla := coretest.AddStaff(t, f.svc, staff.NewAgent{Email: "carla@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	targets := map[string]string{
		"an admin":                 f.admin.AgentID,
		"an agency desk":           f.ssaDesk.AgentID,
		"a disabled agent":         f.ana.AgentID,
		"an agent without Spanish": f.bob.AgentID,
		"no such agent":            "7d9c2f8e-0000-4000-8000-000000000000",
	}
	for name, id := range targets {
		before := f.snap(t, f.esTicket.ID)
		if _, err := f.svc.Tickets.Assign(ctx, f.sup.Token, f.esTicket.ID, before.version, id); fault.CodeOf(err) != fault.CodeInvalidInput {
			t.Errorf("assign to %s: %v, want invalid_input", name, err)
		}
		res, err := f.svc.Tickets.Reassign(ctx, f.sup.Token, []int64{f.frTicket.ID, f.esTicket.ID}, id)
		if fault.CodeOf(err) != fault.CodeInvalidInput || len(res.Moved) != 0 {
			t.Errorf("reassign to %s: %+v, %v", name, res, err)
		}
		if after := f.snap(t, f.esTicket.ID); after.assignee != before.assignee || after.version != before.version {
			t.Errorf("reassign to %s changed the ticket", name)
		}
	}
	if _, err := f.svc.Tickets.Assign(ctx, f.sup.Token, f.esTicket.ID, 0, carla.AgentID); err != nil {
		t.Errorf("assign to a Spanish-speaking agent: %v", err)
	}
	// Bulk reassignment is the supervisor's alone.
	before := f.snap(t, f.esTicket.ID)
	if _, err := f.svc.Tickets.Reassign(ctx, carla.Token, []int64{f.esTicket.ID}, carla.AgentID); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("an agent bulk-reassigns: %v", err)
	}
	if after := f.snap(t, f.esTicket.ID); after.assignee != before.assignee {
		t.Error("a refused bulk reassignment moved the ticket")
	}
}

func TestListsAreScoped(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	b, err := f.svc.Tickets.ClassifyOpen(ctx, f.ana.Token)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range b.Items {
		if it.ID == f.enTicket.ID || it.ID == f.frTicket.ID {
			t.Errorf("ClassifyOpen shows Ana %s (%s, assignee %q)", it.Ref, it.Language, it.Assignee)
		}
	}
	if len(b.Items) != 1 || b.Items[0].ID != f.esTicket.ID {
		t.Errorf("Ana's open tickets = %d, want the Spanish one", len(b.Items))
	}
	all, err := f.svc.Tickets.ClassifyOpen(ctx, f.sup.Token)
	if err != nil || len(all.Items) != 3 {
		t.Errorf("supervisor's open tickets = %d, %v", len(all.Items), err)
	}
	items, err := f.svc.Tickets.AccountTickets(ctx, f.ana.Token, f.accountID)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ID != f.esTicket.ID {
		t.Errorf("Ana's list of the account's tickets has %d, want only the Spanish one", len(items))
	}
	if e := f.lastAudit(t); e.Action != "account.tickets" || e.TargetID != f.accountID {
		t.Errorf("account ticket list audited as %+v", e)
	}
	// The SSA desk sees nothing of a VA account's tickets.
	if items, err := f.svc.Tickets.AccountTickets(ctx, f.ssaDesk.Token, f.accountID); err != nil || len(items) != 0 {
		t.Errorf("SSA desk sees %d of a VA account's tickets (%v)", len(items), err)
	}
	if _, err := f.svc.Tickets.Queue(ctx, f.ssaDesk.Token, helpdesk.QueueFilter{}, helpdesk.PageAt{}, 50); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("agency desk reads the queue: %v", err)
	}
}

func TestRequesterSearchIsAudited(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	page, err := f.svc.Tickets.Queue(ctx, f.sup.Token, helpdesk.QueueFilter{Search: "Maria@Example.org"}, helpdesk.PageAt{}, 50)
	if err != nil || page.Total != 2 {
		t.Fatalf("search by email: %d, %v", page.Total, err)
	}
	e := f.lastAudit(t)
	if e.Action != "ticket.search" || e.ActorID != f.sup.AgentID || e.Detail != "kind=email results=2" {
		t.Errorf("email search audited as %+v", e)
	}
	// Words are not about a person: no entry.
	before := f.lastAudit(t).Seq
	if _, err := f.svc.Tickets.Queue(ctx, f.sup.Token, helpdesk.QueueFilter{Search: "teléfono"}, helpdesk.PageAt{}, 50); err != nil {
		t.Fatal(err)
	}
	if f.lastAudit(t).Seq != before {
		t.Error("a word search wrote an audit entry")
	}
}

func TestAgencyDeskSeesOnlyItsAccounts(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	_, missing := f.svc.Desk.Lookup(ctx, f.ssaDesk.Token, "7d9c2f8e-aaaa-4bbb-8ccc-dddddddddddd")
	_, outside := f.svc.Desk.Lookup(ctx, f.ssaDesk.Token, f.accountID)
	if fault.CodeOf(missing) != fault.CodeNotFound || fault.CodeOf(outside) != fault.CodeNotFound || missing.Error() != outside.Error() {
		t.Fatalf("outside scope answers %v, missing answers %v: they must be the same", outside, missing)
	}
	if e := f.lastAudit(t); e.Action != "access.denied" || e.ActorID != f.ssaDesk.AgentID {
		t.Errorf("out-of-scope look-up audited as %+v", e)
	}
	if _, err := f.svc.Desk.View(ctx, f.ssaDesk.Token, f.accountID, "ticket=x"); fault.CodeOf(err) != fault.CodeNotFound {
		t.Errorf("View outside scope: %v", err)
	}
	// Linked to the SSA too, the account shows, with fewer fields.
	err := f.svc.Store.Write(ctx, func(tx store.Tx) error {
		now := f.svc.Clock.Now().Add(-time.Hour)
		return tx.PutAgencyLink(ctx, account.AgencyLink{AccountID: f.accountID, AgencyID: "ssa", FirstAt: now, LastAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.Desk.Lookup(ctx, f.ssaDesk.Token, f.accountID)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Lite || len(v.Emails) != 0 || len(v.Phones) != 0 || len(v.Events) != 0 || len(v.Devices) != 0 || v.Profile != nil || v.Reset != nil {
		t.Errorf("lite view carries more than it should: %+v", v)
	}
	if len(v.Methods) != 1 || v.Methods[0].Kind != account.KindPhone || !v.Methods[0].CreatedAt.IsZero() {
		t.Errorf("lite methods = %+v, want kinds only", v.Methods)
	}
	if len(v.Agencies) != 1 || v.Agencies[0].ID != "ssa" {
		t.Errorf("lite agencies = %+v, want the SSA link only", v.Agencies)
	}
	if e := f.lastAudit(t); e.Action != "account.view_lite" {
		t.Errorf("lite view audited as %+v", e)
	}
}

func TestAgencyDeskEscalates(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	esc := helpdesk.Escalation{AccountID: f.accountID, Category: ticket.CategoryLostMFA, Subject: "Caller lost her phone",
		Body: "Verified at the SSA desk; needs help with the account reset."}
	if _, err := f.svc.Escalate(ctx, f.ssaDesk.Token, esc); fault.CodeOf(err) != fault.CodeNotFound {
		t.Fatalf("escalating a VA account from the SSA desk: %v", err)
	}
	if _, err := f.svc.Escalate(ctx, f.ana.Token, esc); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("an agent escalates: %v", err)
	}
	err := f.svc.Store.Write(ctx, func(tx store.Tx) error {
		now := f.svc.Clock.Now()
		return tx.PutAgencyLink(ctx, account.AgencyLink{AccountID: f.accountID, AgencyID: "ssa", FirstAt: now, LastAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := f.svc.Escalate(ctx, f.ssaDesk.Token, esc)
	if err != nil {
		t.Fatal(err)
	}
	if tk.AccountID != f.accountID || tk.Agency != "ssa" || tk.OpenedBy != f.ssaDesk.AgentID || tk.Language != "es" {
		t.Errorf("escalation = %+v", tk)
	}
	// The desk reads its escalation; Ana (Spanish) finds it in her queue.
	if v, err := f.svc.Ticket(ctx, f.ssaDesk.Token, tk.ID); err != nil || v.Account != nil {
		t.Errorf("desk reads its escalation: %v (account panel %v)", err, v.Account != nil)
	}
	page, err := f.svc.Queue(ctx, f.ana.Token, helpdesk.QueueFilter{Search: tk.Ref}, helpdesk.PageAt{}, 10)
	if err != nil || page.Total != 1 {
		t.Errorf("escalation in Ana's queue: %d, %v", page.Total, err)
	}
}

// Mail that failed for good is counted on the supervisor's board.
func TestBoardCountsMailFailedForGood(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	err := f.svc.Store.Write(ctx, func(tx store.Tx) error {
		rows, err := tx.TicketOutbox(ctx, f.frTicket.ID)
		if err != nil || len(rows) == 0 {
			return fmt.Errorf("no acknowledgement queued: %v", err)
		}
		n := rows[0]
		n.Status, n.Attempts, n.LastError = notify.StatusFailed, 1, "550 mailbox unavailable"
		return tx.MarkOutbox(ctx, n)
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.Tickets.Board(ctx, f.sup.Token)
	if err != nil || b.MailFailed != 1 {
		t.Fatalf("board counts %d failed, %v", b.MailFailed, err)
	}
}
