package jobs_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/coretest"
	"supportdesk/core/notify"
	"supportdesk/core/service"
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
