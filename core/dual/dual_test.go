package dual_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/coretest"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

func status(t *testing.T, svc *service.Service, id string) account.Status {
	t.Helper()
	var a account.Account
	err := svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		a, err = r.Account(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.Status
}

func setup(t *testing.T) (*service.Service, string, coretest.Staff, coretest.Staff, coretest.Staff) {
	t.Helper()
	svc, _, _ := coretest.Open(t)
	id, err := svc.Auth.CreateAccount(context.Background(), access.System, authn.NewAccount{Email: "maria@example.org",
		Password: "a long enough password", Language: "es", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	s1 := coretest.AddStaff(t, svc, staff.NewAgent{Email: "s1@desk.example", Role: access.RoleSupervisor, Languages: []string{"es"}})
	s2 := coretest.AddStaff(t, svc, staff.NewAgent{Email: "s2@desk.example", Role: access.RoleSupervisor, Languages: []string{"en"}})
	return svc, id, agent, s1, s2
}

func TestSuspendNeedsASecondSupervisor(t *testing.T) {
	t.Parallel()
	svc, id, agent, s1, s2 := setup(t)
	ctx := context.Background()
	if _, err := svc.RequestChange(ctx, agent.Token, dual.KindSuspend, id, "  "); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Fatalf("request without a reason: %v", err)
	}
	r, err := svc.RequestChange(ctx, agent.Token, dual.KindSuspend, id, "caller reports account takeover")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RequestChange(ctx, s1.Token, dual.KindSuspend, id, "again"); fault.CodeOf(err) != fault.CodeConflict {
		t.Errorf("a second open request for the same change: %v", err)
	}
	// The agent who asked cannot approve; nor can an agent at all.
	if err := svc.Decide(ctx, agent.Token, r.ID, true); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("agent approves: %v", err)
	}
	// A supervisor's own request needs another supervisor.
	own, err := svc.RequestChange(ctx, s1.Token, dual.KindReinstate, id, "x")
	if fault.CodeOf(err) != fault.CodeConflict {
		t.Fatalf("reinstating an active account: %v %+v", err, own)
	}
	if got := status(t, svc, id); got != account.StatusActive {
		t.Fatalf("status before approval = %s", got)
	}
	pending, err := svc.PendingRequests(ctx, s2.Token)
	if err != nil || len(pending) != 1 || pending[0].Mine || pending[0].RequesterName == "" {
		t.Fatalf("pending for s2 = %+v, %v", pending, err)
	}
	if err := svc.Decide(ctx, s2.Token, r.ID, true); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if got := status(t, svc, id); got != account.StatusSuspended {
		t.Errorf("status after approval = %s", got)
	}
	if err := svc.Decide(ctx, s1.Token, r.ID, true); fault.CodeOf(err) != fault.CodeRequestDecided {
		t.Errorf("approving twice: %v", err)
	}
	// Reinstating is dual control too; the supervisor who asks cannot approve.
	back, err := svc.RequestChange(ctx, s1.Token, dual.KindReinstate, id, "fraud ruled out")
	if err != nil {
		t.Fatal(err)
	}
	mine, _ := svc.PendingRequests(ctx, s1.Token)
	if len(mine) != 1 || !mine[0].Mine {
		t.Errorf("s1 sees its own request as %+v", mine)
	}
	if err := svc.Decide(ctx, s1.Token, back.ID, true); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("a supervisor approves its own request: %v", err)
	}
	if got := status(t, svc, id); got != account.StatusSuspended {
		t.Errorf("a refused approval changed the account to %s", got)
	}
	if err := svc.Decide(ctx, s2.Token, back.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := status(t, svc, id); got != account.StatusActive {
		t.Errorf("status after reinstatement = %s", got)
	}
	var events []account.Event
	svc.Store.Read(ctx, func(r store.Reader) error {
		events, _ = r.Events(ctx, id, 10)
		return nil
	})
	if len(events) < 2 || events[0].Kind != account.EventReinstated || events[1].Kind != account.EventSuspended {
		t.Errorf("events = %+v", events)
	}
}

func TestRequestsExpireAfterFourHours(t *testing.T) {
	t.Parallel()
	svc, id, agent, _, _ := setup(t)
	ctx := context.Background()
	r, err := svc.RequestChange(ctx, agent.Token, dual.KindSuspend, id, "suspicious calls")
	if err != nil {
		t.Fatal(err)
	}
	clk := svc.Clock.(interface{ Advance(time.Duration) })
	clk.Advance(4 * time.Hour)
	// A supervisor on the next shift (the first ones' consoles locked long ago).
	s2 := coretest.AddStaff(t, svc, staff.NewAgent{Email: "s3@desk.example", Role: access.RoleSupervisor, Languages: []string{"es"}})
	if p, _ := svc.PendingRequests(ctx, s2.Token); len(p) != 0 {
		t.Errorf("an expired request is still listed: %+v", p)
	}
	if err := svc.Decide(ctx, s2.Token, r.ID, true); fault.CodeOf(err) != fault.CodeRequestExpired {
		t.Fatalf("approving an expired request: %v", err)
	}
	if got := status(t, svc, id); got != account.StatusActive {
		t.Errorf("an expired request changed the account: %s", got)
	}
	// Expired is recorded: a second decision says it is decided.
	if err := svc.Decide(ctx, s2.Token, r.ID, false); fault.CodeOf(err) != fault.CodeRequestDecided {
		t.Errorf("deciding an expired request again: %v", err)
	}
}

func TestRejectLeavesTheAccount(t *testing.T) {
	t.Parallel()
	svc, id, agent, s1, _ := setup(t)
	ctx := context.Background()
	r, err := svc.RequestChange(ctx, agent.Token, dual.KindSuspend, id, "caller unsure")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Decide(ctx, s1.Token, r.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := status(t, svc, id); got != account.StatusActive {
		t.Errorf("rejected request changed the account: %s", got)
	}
	desk := coretest.AddStaff(t, svc, staff.NewAgent{Email: "help@ssa.example", Role: access.RoleAgencyDesk, Agencies: []string{"ssa"}})
	if _, err := svc.RequestChange(ctx, desk.Token, dual.KindSuspend, id, "x"); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("agency desk asks to suspend: %v", err)
	}
}
