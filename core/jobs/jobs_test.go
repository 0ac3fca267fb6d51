package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/coretest"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

func resetOf(t *testing.T, svc *service.Service, id string) (*account.Reset, account.Status, int) {
	t.Helper()
	ctx := context.Background()
	var r *account.Reset
	var a account.Account
	granted := 0
	err := svc.Store.Read(ctx, func(rd store.Reader) error {
		var err error
		if r, err = rd.Reset(ctx, id); err != nil {
			return err
		}
		if a, err = rd.Account(ctx, id); err != nil {
			return err
		}
		rows, err := rd.Outbox(ctx, id)
		for _, n := range rows {
			if n.Template == notify.TemplateResetGranted {
				granted++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, a.Status, granted
}

func TestJobsGrantAndCloseAccountResets(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	id, err := svc.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "lost@example.org",
		Password: "a long enough password", Language: "fr", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Auth.SignIn(ctx, "lost@example.org", "a long enough password", "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Auth.RequestReset(ctx, p); err != nil {
		t.Fatal(err)
	}
	clk.Advance(23 * time.Hour)
	if done := svc.Jobs.RunOnce(ctx); done["account_reset.grant"] != 0 {
		t.Fatalf("granted before 24 h: %v", done)
	}
	clk.Advance(time.Hour)
	if done := svc.Jobs.RunOnce(ctx); done["account_reset.grant"] != 1 {
		t.Fatalf("not granted at 24 h: %v", done)
	}
	r, st, notices := resetOf(t, svc, id)
	if r == nil || r.GrantedAt.IsZero() || st != account.StatusResetPending || notices != 2 { // the email and the phone of record
		t.Fatalf("after grant: reset %+v, status %s, %d granted notices", r, st, notices)
	}
	// Idempotent: running again grants nothing twice.
	if done := svc.Jobs.RunOnce(ctx); done["account_reset.grant"] != 0 {
		t.Fatalf("granted twice: %v", done)
	}
	clk.Advance(24 * time.Hour) // the deletion link lapses unused
	if done := svc.Jobs.RunOnce(ctx); done["account_reset.expire"] != 1 {
		t.Fatalf("lapsed link not closed: %v", done)
	}
	r, st, _ = resetOf(t, svc, id)
	if r != nil || st != account.StatusActive {
		t.Fatalf("after lapse: reset %+v, status %s", r, st)
	}
}

// The account reset as the contact center walks it: the agent sees it
// waiting with the time left, resends the notice, the runner grants it at
// 24 h, the agent resends the grant, the user deletes the account, and the
// events and the audit are complete.
func TestAccountResetWithTheAgent(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t, coretest.LongSessions)
	ctx := context.Background()
	id, err := svc.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "lost@example.org",
		Password: "a long enough password", Language: "es", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Auth.SignIn(ctx, "lost@example.org", "a long enough password", "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Auth.RequestReset(ctx, p); err != nil {
		t.Fatal(err)
	}
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	clk.Advance(3 * time.Hour)
	v, err := svc.Desk.View(ctx, agent.Token, id, "call")
	if err != nil || v.Reset == nil || v.Reset.Stage != account.StageWaiting || v.Reset.GrantAt.Sub(clk.Now()) != 21*time.Hour {
		t.Fatalf("the agent sees %+v (%v)", v.Reset, err)
	}
	if err := svc.ResendResetNotice(ctx, agent.Token, id); err != nil {
		t.Fatal(err)
	}
	clk.Advance(21 * time.Hour)
	if done := svc.Jobs.RunOnce(ctx); done["account_reset.grant"] != 1 {
		t.Fatalf("not granted: %v", done)
	}
	for range desk.ResendLimit.Max {
		if err := svc.ResendResetNotice(ctx, agent.Token, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.ResendResetNotice(ctx, agent.Token, id); fault.CodeOf(err) != fault.CodeRateLimited {
		t.Fatalf("a fourth resend within the hour: %v", err)
	}
	_, _, notices := resetOf(t, svc, id)
	if notices != 2*(1+desk.ResendLimit.Max) { // the grant and its resends, each to the email and the phone
		t.Fatalf("%d granted notices", notices)
	}
	p, err = svc.Auth.SignIn(ctx, "lost@example.org", "a long enough password", "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	link, err := svc.Auth.ResetLink(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Auth.DeleteWithToken(ctx, id, link.Token); err != nil {
		t.Fatalf("delete: %v", err)
	}
	var actions []string
	svc.Store.Read(ctx, func(r store.Reader) error {
		tail, _ := r.AuditTail(ctx, 200)
		for _, e := range tail {
			if e.TargetID == id {
				actions = append(actions, e.Action)
			}
		}
		return nil
	})
	for _, want := range []string{"account_reset.request", "account_reset.resend", "account_reset.grant", "account_reset.delete"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit lacks %s: %v", want, actions)
		}
	}
	if n, brk := coretest.VerifyAudit(t, svc); brk != nil {
		t.Errorf("audit broken after %d: %v", n, brk)
	}
}
