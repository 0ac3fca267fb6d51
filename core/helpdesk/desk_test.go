package helpdesk_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/calendar"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/notify"
	"supportdesk/core/service"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// addStaff adds and signs in a staff member who works the given languages.
func addStaff(t *testing.T, svc *service.Service, email string, role access.Role, langs ...string) coretest.Staff {
	t.Helper()
	return coretest.AddStaff(t, svc, staff.NewAgent{Email: email, Role: role, Languages: langs})
}

// addAgent adds and signs in a French and English agent.
func addAgent(t *testing.T, svc *service.Service) coretest.Staff {
	t.Helper()
	return addStaff(t, svc, "agent-1@example.gov", access.RoleAgent, "fr", "en")
}

// deskAt opens a service whose clock starts at a given New York time,
// with the real calendar and SLA policy. Its staff sessions outlive the
// days these tests jump.
func deskAt(t *testing.T, ny string) (*service.Service, *clock.Fake, *helpdesk.Intake, *helpdesk.Desk) {
	t.Helper()
	svc, c, _ := coretest.Open(t, coretest.LongSessions)
	start, err := time.ParseInLocation("2006-01-02 15:04", ny, calendar.DefaultConfig().Zone)
	if err != nil {
		t.Fatal(err)
	}
	c.Set(start)
	policy, err := helpdesk.LoadPolicy(context.Background(), svc.Store, calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	in := helpdesk.NewIntake(svc.Store, svc.Keys, c, policy, policy.Zone())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return svc, c, in, helpdesk.NewDesk(svc.Store, svc.Keys, c, policy, svc.Desk, svc.Staff)
}

func slaLog(t *testing.T, svc *service.Service, id int64) []string {
	t.Helper()
	var out []string
	svc.Store.Read(context.Background(), func(r store.Reader) error {
		evs, err := r.SLAEvents(context.Background(), id)
		for _, e := range evs {
			out = append(out, e.Kind)
		}
		return err
	})
	return out
}

func TestTicketLifeCycleKeepsTheSLALog(t *testing.T) {
	t.Parallel()
	// Wednesday before Thanksgiving, 19:30: due Monday 19:30.
	svc, c, in, desk := deskAt(t, "2026-11-25 19:30")
	agent := addAgent(t, svc)
	ctx := context.Background()
	tk, _, err := in.Submit(ctx, form(1), "test")
	if err != nil {
		t.Fatal(err)
	}
	if got := tk.SLA.Due.In(calendar.DefaultConfig().Zone).Format(time.RFC3339); got != "2026-11-30T19:30:00-05:00" {
		t.Fatalf("due %s", got)
	}
	// Friday 10:00 the agent sets it pending (30 min Wednesday + 2 h Friday
	// used; Thursday is Thanksgiving); Monday 09:00 it comes back with 21 h 30.
	c.Set(time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC))
	v, err := desk.SetStatus(ctx, agent.Token, tk.ID, tk.Version, ticket.StatusPending)
	if err != nil {
		t.Fatal(err)
	}
	c.Set(time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC))
	stale := v.Version
	v, err = desk.SetStatus(ctx, agent.Token, tk.ID, v.Version, ticket.StatusOpen)
	if err != nil {
		t.Fatal(err)
	}
	if v.Left != 21*time.Hour+30*time.Minute || v.State != sla.StateOnTrack {
		t.Fatalf("left after pause %s (%s)", v.Left, v.State)
	}
	if _, err := desk.Note(ctx, agent.Token, tk.ID, stale, "stale view"); fault.CodeOf(err) != fault.CodeConflict {
		t.Fatalf("write on a stale version: %v", err)
	}
	// Due Tuesday 18:30 (11 h Monday + 10 h 30 Tuesday); at 19:10 it is breached.
	c.Set(time.Date(2026, 12, 2, 0, 10, 0, 0, time.UTC))
	if n, err := desk.LogBreaches(ctx); n != 1 || err != nil {
		t.Fatalf("breaches logged %d %v", n, err)
	}
	if n, _ := desk.LogBreaches(ctx); n != 0 {
		t.Fatal("breach logged twice")
	}
	v, err = desk.Reply(ctx, agent.Token, tk.ID, 0, "Bonjour, voici la marche à suivre.")
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != ticket.StatusOpen || v.State != sla.StateFulfilled || v.Assignee != agent.AgentID || len(v.Messages) != 2 {
		t.Fatalf("after reply %+v", v)
	}
	tk, err = desk.RequesterReply(ctx, tk.Ref, "Merci, mais cela ne marche pas.")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"activated", "paused", "resumed", "breached", "fulfilled", "activated"}
	if got := slaLog(t, svc, tk.ID); len(got) != len(want) || got[3] != "breached" || got[5] != "activated" {
		t.Fatalf("SLA log %v, want %v", got, want)
	}
	var mail []notify.Notification
	svc.Store.Read(ctx, func(r store.Reader) error { mail, _ = r.TicketOutbox(ctx, tk.ID); return nil })
	if len(mail) != 2 || mail[1].Template != notify.TemplateTicketReply || mail[1].Language != "fr" {
		t.Fatalf("mail %+v", mail)
	}
	help := coretest.AddStaff(t, svc, staff.NewAgent{Email: "hd@example.gov", Role: access.RoleAgencyDesk, Agencies: []string{"ssa"}})
	if _, err := desk.Reply(ctx, help.Token, tk.ID, 0, "hi"); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("agency help desk replied: %v", err)
	}
}

func TestQueueOrdersByDueAndCounts(t *testing.T) {
	t.Parallel()
	svc, c, in, desk := deskAt(t, "2026-11-23 09:00")
	agent := addAgent(t, svc)
	ctx := context.Background()
	for i := range 6 {
		c.Advance(time.Hour)
		if _, _, err := in.Submit(ctx, form(i), "test"); err != nil {
			t.Fatal(err)
		}
	}
	// Two business days later, 09:30 Wednesday: the first tickets are at risk.
	c.Set(time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC))
	board, err := desk.ClassifyOpen(ctx, agent.Token)
	if err != nil {
		t.Fatal(err)
	}
	if len(board.Items) != 6 {
		t.Fatalf("%d items", len(board.Items))
	}
	for i := 1; i < len(board.Items); i++ {
		if board.Items[i].Due.Before(board.Items[i-1].Due) {
			t.Fatal("queue not ordered by due time")
		}
	}
	total := 0
	for k, n := range board.Counts {
		if k.Language != "fr" {
			t.Fatalf("count key %+v", k)
		}
		total += n
	}
	if total != 6 || board.Items[0].State != sla.StateAtRisk || board.Counts[helpdesk.CountKey{State: sla.StateAtRisk, Language: "fr"}] == 0 {
		t.Fatalf("counts %v, first %s", board.Counts, board.Items[0].State)
	}
	_ = svc
}
