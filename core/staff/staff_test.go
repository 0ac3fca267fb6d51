package staff_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

func code(t *testing.T, err error) fault.Code {
	t.Helper()
	if err == nil {
		return ""
	}
	return fault.CodeOf(err)
}

// lastAudit returns the newest audit entry.
func lastAudit(t *testing.T, svc *service.Service) audit.Entry {
	t.Helper()
	var e []audit.Entry
	err := svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		e, err = r.AuditTail(context.Background(), 1)
		return err
	})
	if err != nil || len(e) == 0 {
		t.Fatalf("audit tail: %v", err)
	}
	return e[0]
}

func agentCount(t *testing.T, svc *service.Service) int {
	t.Helper()
	var n int
	svc.Store.Read(context.Background(), func(r store.Reader) error {
		ags, err := r.Agents(context.Background())
		n = len(ags)
		return err
	})
	return n
}

func TestSignInIssuesASessionThatActs(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	code, err := totp.GenerateCode(a.Secret, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	si, err := svc.SignIn(ctx, "Ana@Desk.example", a.Password, code, "tty")
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if si.Token == "" || si.Token == a.Token || si.Role != access.RoleAgent || !si.ExpiresAt.Equal(clk.Now().Add(12*time.Hour)) {
		t.Fatalf("SignedIn = %+v", si)
	}
	got, err := svc.Staff.Whoami(ctx, si.Token)
	if err != nil || got.ID != si.AgentID || got.Role != access.RoleAgent || got.Session != si.SessionID {
		t.Fatalf("Whoami = %+v, %v", got, err)
	}
	// The token itself is never stored or audited.
	if e := lastAudit(t, svc); e.Session != si.SessionID || e.Detail != "" {
		t.Errorf("sign-in audit = %+v", e)
	}
}

func TestMadeUpActorsAreRefused(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	before := agentCount(t, svc)
	for _, tok := range []staff.Token{"", "admin", "c2Vzc2lvbi1pZA", staff.Token(make([]byte, 43))} {
		_, err := svc.Staff.AddAgent(ctx, tok, staff.NewAgent{Email: "evil@desk.example", DisplayName: "Evil",
			Role: access.RoleAdmin, Password: "a long enough password"})
		if code(t, err) != fault.CodeSessionEnded {
			t.Errorf("AddAgent with token %q: %v, want session_ended", tok, err)
		}
	}
	if n := agentCount(t, svc); n != before {
		t.Errorf("agents %d → %d: a made-up actor created one", before, n)
	}
	if e := lastAudit(t, svc); e.Action != "session.refused" || e.Detail != "code=session_ended" {
		t.Errorf("refusal audit = %+v", e)
	}
}

func TestRoleComesFromTheRecordOnEveryCall(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	// The session says agent; an agent may not manage agents.
	_, err := svc.Staff.AddAgent(ctx, a.Token, staff.NewAgent{Email: "b@desk.example", DisplayName: "B",
		Role: access.RoleAdmin, Password: "a long enough password"})
	if code(t, err) != fault.CodeNotPermitted {
		t.Fatalf("agent AddAgent = %v", err)
	}
	if e := lastAudit(t, svc); e.Action != "access.denied" || e.ActorID != a.AgentID {
		t.Errorf("denial audit = %+v", e)
	}
	// Promote the record: the same session now acts as an admin.
	err = svc.Store.Write(ctx, func(tx store.Tx) error {
		ag, err := tx.Agent(ctx, a.AgentID)
		if err != nil {
			return err
		}
		ag.Role = access.RoleAdmin
		return tx.UpdateAgent(ctx, ag)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Staff.Whoami(ctx, a.Token); err != nil || got.Role != access.RoleAdmin {
		t.Fatalf("Whoami after promotion = %+v, %v", got, err)
	}
}

func TestIdleLockAndUnlock(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	clk.Advance(29 * time.Minute)
	if err := svc.Touch(ctx, a.Token); err != nil {
		t.Fatalf("Touch at 29 min: %v", err)
	}
	clk.Advance(29 * time.Minute) // 58 min in, 29 idle: still alive
	if _, err := svc.Staff.Whoami(ctx, a.Token); err != nil {
		t.Fatalf("Whoami after 29 idle minutes: %v", err)
	}
	clk.Advance(time.Minute) // 30 idle
	if _, err := svc.Staff.Whoami(ctx, a.Token); code(t, err) != fault.CodeSessionLocked {
		t.Fatalf("Whoami after 30 idle minutes = %v, want session_locked", err)
	}
	// A touch does not unlock: only the password and a code do.
	if err := svc.Touch(ctx, a.Token); code(t, err) != fault.CodeSessionLocked {
		t.Fatalf("Touch while locked = %v", err)
	}
	good, _ := totp.GenerateCode(a.Secret, clk.Now())
	if err := svc.Unlock(ctx, a.Token, "wrong password here", good); code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("Unlock with a wrong password = %v", err)
	}
	if err := svc.Unlock(ctx, a.Token, a.Password, "000000"); code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("Unlock with a wrong code = %v", err)
	}
	if err := svc.Unlock(ctx, a.Token, a.Password, good); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if e := lastAudit(t, svc); e.Action != "session.unlock" {
		t.Errorf("unlock audit = %+v", e)
	}
	if _, err := svc.Staff.Whoami(ctx, a.Token); err != nil {
		t.Fatalf("Whoami after unlock: %v", err)
	}
	// The same code cannot unlock twice.
	clk.Advance(31 * time.Minute)
	if err := svc.Unlock(ctx, a.Token, a.Password, good); code(t, err) != fault.CodeCodeReused && code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("Unlock replayed = %v", err)
	}
}

func TestTwelveHoursForceAFullSignIn(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	for range 24 { // active all day: a touch every 29 minutes, 11 h 36 min in all
		clk.Advance(29 * time.Minute)
		if err := svc.Touch(ctx, a.Token); err != nil {
			t.Fatalf("Touch at %v: %v", clk.Now().Sub(coretest.Start), err)
		}
	}
	clk.Advance(24 * time.Minute) // exactly 12 h after sign-in
	if err := svc.Touch(ctx, a.Token); code(t, err) != fault.CodeSessionExpired {
		t.Fatalf("Touch at 12 h = %v, want session_expired", err)
	}
	// Expired is over: unlocking does not revive it.
	good, _ := totp.GenerateCode(a.Secret, clk.Now())
	if err := svc.Unlock(ctx, a.Token, a.Password, good); code(t, err) == "" {
		t.Fatal("an expired session was unlocked")
	}
}

func TestDisabledAgentIsRefusedOnItsNextCall(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	admin := coretest.AddStaff(t, svc, staff.NewAgent{Email: "root@desk.example", Role: access.RoleAdmin})
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	second := coretest.AddStaff(t, svc, staff.NewAgent{Email: "b@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	if _, err := svc.Staff.Whoami(ctx, a.Token); err != nil {
		t.Fatal(err)
	}
	// An agent cannot disable anyone; an admin can.
	if _, err := svc.Staff.Disable(ctx, second.Token, "a@desk.example"); code(t, err) != fault.CodeNotPermitted {
		t.Fatalf("agent Disable = %v", err)
	}
	n, err := svc.Staff.Disable(ctx, admin.Token, "A@desk.example")
	if err != nil || n != 1 {
		t.Fatalf("Disable = %d, %v", n, err)
	}
	if e := lastAudit(t, svc); e.Action != "agent.disable" || e.TargetID != a.AgentID || e.ActorID != admin.AgentID {
		t.Errorf("disable audit = %+v", e)
	}
	if _, err := svc.Staff.Whoami(ctx, a.Token); code(t, err) != fault.CodeAgentDisabled {
		t.Fatalf("disabled agent's next call = %v, want agent_disabled", err)
	}
	if _, err := svc.SignIn(ctx, "a@desk.example", a.Password, "123456", "tty"); code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("disabled agent signs in: %v", err)
	}
	// An admin cannot disable itself; the operator (command line) disables too.
	if _, err := svc.Staff.Disable(ctx, admin.Token, "root@desk.example"); code(t, err) != fault.CodeNotPermitted {
		t.Fatalf("admin disables itself: %v", err)
	}
	if _, err := svc.Staff.Disable(ctx, svc.Operator("ops"), "b@desk.example"); err != nil {
		t.Fatalf("operator Disable: %v", err)
	}
	if _, err := svc.Staff.Whoami(ctx, second.Token); code(t, err) != fault.CodeAgentDisabled {
		t.Fatalf("second agent after operator disable = %v", err)
	}
}

func TestLockedAgentsSessionIsRefused(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	for range 5 {
		svc.SignIn(ctx, "a@desk.example", "not the password!", "000000", "tty")
	}
	if _, err := svc.Staff.Whoami(ctx, a.Token); code(t, err) != fault.CodeLocked {
		t.Fatalf("locked agent's session = %v, want locked", err)
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	if err := svc.SignOut(ctx, a.Token); err != nil {
		t.Fatal(err)
	}
	if e := lastAudit(t, svc); e.Action != "session.sign_out" || e.Session != a.SessionID {
		t.Errorf("sign-out audit = %+v", e)
	}
	if _, err := svc.Staff.Whoami(ctx, a.Token); code(t, err) != fault.CodeSessionEnded {
		t.Fatalf("after sign-out = %v", err)
	}
}

func TestOperatorTokenStaysInItsProcess(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	other, _, _ := coretest.Open(t)
	tok := svc.Operator("ops")
	if got, err := svc.Staff.Whoami(context.Background(), tok); err != nil || got.Role != access.RoleSystem || got.ID != "cli:ops" {
		t.Fatalf("operator = %+v, %v", got, err)
	}
	if _, err := other.Staff.Whoami(context.Background(), tok); code(t, err) != fault.CodeSessionEnded {
		t.Fatalf("another core accepted the operator token: %v", err)
	}
}

func TestSSHUnlocksWithTheCodeAlone(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	var ssh staff.SignedIn
	err := svc.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		ssh, err = svc.Staff.Issue(ctx, tx, a.AgentID, staff.KindSSH, clk.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(31 * time.Minute)
	if err := svc.Unlock(ctx, ssh.Token, "", "000000"); code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("SSH unlock with a wrong code = %v", err)
	}
	good, _ := totp.GenerateCode(a.Secret, clk.Now())
	if err := svc.Unlock(ctx, a.Token, "", good); code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("a local console unlocked without the password: %v", err)
	}
	if err := svc.Unlock(ctx, ssh.Token, "", good); err != nil {
		t.Fatalf("SSH unlock with the code: %v", err)
	}
}
