package access

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"supportdesk/core/fault"
)

// spec is the permission matrix written out a second time, by hand, as
// "action@scope" grants per role: the table test holds Can to it cell by
// cell over every role × action × scope.
var spec = map[Role]string{
	RoleAgent: `account.search@global account.view@any account.events@any
		ticket.view@own ticket.view@language ticket.reply@own ticket.reply@language ticket.note@own ticket.note@language
		ticket.assign@own ticket.assign@language ticket.status@own ticket.status@language
		caller.verify@any account_reset.cancel@any account_reset.resend@any account.suspend@any account.reinstate@any
		limiter.reset@any dual.list@own session.self@own mail.review@global`,
	RoleSupervisor: `account.search@global account.view@any account.events@any
		ticket.view@own ticket.view@language ticket.view@other ticket.reply@own ticket.reply@language ticket.reply@other
		ticket.note@own ticket.note@language ticket.note@other ticket.assign@own ticket.assign@language ticket.assign@other
		ticket.status@own ticket.status@language ticket.status@other ticket.supervise@global
		caller.verify@any account_reset.cancel@any account_reset.resend@any account.suspend@any account.reinstate@any
		limiter.reset@any dual.approve@other dual.list@own dual.list@other closure.manage@global audit.read@global account.unmask@any
		idv.fraud_decide@any mail.review@global
		session.self@own`,
	RoleAgencyDesk: `account.search@global account.view_lite@agency ticket.view@agency ticket.escalate@agency
		caller.verify@agency session.self@own`,
	RoleAdmin: `account.search@global account.view@any agent.manage@global closure.manage@global audit.read@global
		session.self@own`,
	RoleUser:   `account.self@own account.create@global`,
	RoleSystem: `agent.manage@global audit.read@global closure.manage@global demo.seed@global account.create@global`,
}

func TestMatrixEveryCell(t *testing.T) {
	t.Parallel()
	roles := append(slices.Clone(Roles), RoleUser, RoleSystem)
	cells := 0
	for _, r := range roles {
		grants := strings.Fields(spec[r])
		for _, a := range Actions {
			for _, sc := range Scopes {
				want := slices.Contains(grants, string(a)+"@"+string(sc))
				if got := Can(r, a, sc); got != want {
					t.Errorf("Can(%s, %s, %s) = %v, want %v", r, a, sc, got, want)
				}
				actor := Actor{ID: "x", Role: r}
				err := actor.Authorize(a, sc)
				if (err == nil) != want {
					t.Errorf("%s Authorize(%s, %s) = %v, want allowed %v", r, a, sc, err, want)
				}
				if err != nil {
					if !errors.Is(err, fault.ErrNotPermitted) {
						t.Errorf("Authorize error %v is not fault.ErrNotPermitted", err)
					}
					if e, _ := fault.As(err); e == nil || e.Limit != string(a) {
						t.Errorf("Authorize error %v does not name %s", err, a)
					}
				}
				cells++
			}
		}
		// Every grant in the spec names a real action and scope.
		for _, g := range grants {
			a, sc, _ := strings.Cut(g, "@")
			if !slices.Contains(Actions, Action(a)) || !slices.Contains(Scopes, Scope(sc)) {
				t.Errorf("spec grant %q names no action or scope", g)
			}
		}
	}
	if want := len(roles) * len(Actions) * len(Scopes); cells != want {
		t.Errorf("checked %d cells, want %d", cells, want)
	}
}

// TestNoPermitOutsideTheMatrix draws random roles, actions and scopes,
// known and made up, and checks the rules no cell may break.
func TestNoPermitOutsideTheMatrix(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	roles := append(slices.Clone(Roles), RoleUser, RoleSystem, "root", "", "Agent", "supervisor ")
	actions := append(slices.Clone(Actions), "ticket.delete", "", "ACCOUNT.VIEW", "account.view ")
	scopes := append(slices.Clone(Scopes), "", "all", "Own", "*")
	for range 200_000 {
		role := roles[r.IntN(len(roles))]
		act := actions[r.IntN(len(actions))]
		sc := scopes[r.IntN(len(scopes))]
		checkInvariants(t, role, act, sc)
	}
}

// FuzzCan runs the same rules over arbitrary strings.
func FuzzCan(f *testing.F) {
	f.Add("agent", "ticket.reply", "other")
	f.Add("supervisor", "dual.approve", "own")
	f.Add("agency_help_desk", "account.view", "outside")
	f.Fuzz(func(t *testing.T, role, act, sc string) {
		checkInvariants(t, Role(role), Action(act), Scope(sc))
	})
}

func checkInvariants(t *testing.T, role Role, act Action, sc Scope) {
	t.Helper()
	got := Can(role, act, sc)
	if !got {
		return
	}
	writes := []Action{ActReply, ActNote, ActAssign, ActSetStatus, ActResetCancel, ActResetResend, ActSuspend, ActReinstate, ActFraudDecide,
		ActLimiterReset, ActApprove, ActUnmask, ActClosures, ActManageAgents}
	switch {
	case !slices.Contains(append(slices.Clone(Roles), RoleUser, RoleSystem), role):
		t.Fatalf("unknown role %q permitted %s@%s", role, act, sc)
	case !slices.Contains(Actions, act):
		t.Fatalf("unknown action %q permitted to %s", act, role)
	case !slices.Contains(Scopes, sc):
		t.Fatalf("unknown scope %q permitted to %s for %s", sc, role, act)
	case sc == ScopeOutside:
		t.Fatalf("%s permitted %s outside its scope", role, act)
	case act == ActApprove && (sc != ScopeOther || role != RoleSupervisor):
		t.Fatalf("%s may approve in scope %s", role, sc)
	case act == ActUnmask && role != RoleSupervisor:
		t.Fatalf("%s may unmask", role)
	case act == ActFraudDecide && role != RoleSupervisor:
		t.Fatalf("%s may decide a fraud review", role)
	case role == RoleAgencyDesk && slices.Contains(writes, act):
		t.Fatalf("an agency desk may %s", act)
	case role == RoleAgencyDesk && sc != ScopeAgency && sc != ScopeGlobal && sc != ScopeOwn:
		t.Fatalf("an agency desk acts in scope %s", sc)
	case role == RoleSystem && (act == ActAccountView || act == ActTicketView || act == ActSearch):
		t.Fatalf("the operator reads accounts or tickets")
	case role == RoleAgent && sc == ScopeOther:
		t.Fatalf("an agent may %s another's ticket", act)
	case !slices.Contains(Grants(role, act), sc):
		t.Fatalf("Can and Grants disagree on %s %s@%s", role, act, sc)
	}
	if (Actor{Role: role}).Can(act, sc) {
		t.Fatalf("an actor without id was permitted %s", act)
	}
}

func TestTicketScope(t *testing.T) {
	t.Parallel()
	agent := Actor{ID: "a1", Role: RoleAgent, Languages: []string{"es", "en"}}
	desk := Actor{ID: "d1", Role: RoleAgencyDesk, Agencies: []string{"ssa"}}
	tests := []struct {
		name  string
		actor Actor
		t     TicketFacts
		want  Scope
	}{
		{"own", agent, TicketFacts{Assignee: "a1", Language: "fr"}, ScopeOwn},
		{"unassigned, my language", agent, TicketFacts{Language: "es"}, ScopeLanguage},
		{"unassigned, other language", agent, TicketFacts{Language: "fr"}, ScopeOther},
		{"another agent's, my language", agent, TicketFacts{Assignee: "a2", Language: "es"}, ScopeOther},
		{"desk, linked account", desk, TicketFacts{Language: "en", AccountAgencies: []string{"irs", "ssa"}}, ScopeAgency},
		{"desk, its escalation", desk, TicketFacts{Language: "en", OpenedBy: "d1"}, ScopeAgency},
		{"desk, another agency", desk, TicketFacts{Language: "en", AccountAgencies: []string{"irs"}}, ScopeOutside},
		{"desk, anonymous form", desk, TicketFacts{Language: "en"}, ScopeOutside},
		{"desk assigned by id is still outside", desk, TicketFacts{Assignee: "d1", Language: "en"}, ScopeOutside},
	}
	for _, tc := range tests {
		if got := tc.actor.TicketScope(tc.t); got != tc.want {
			t.Errorf("%s: TicketScope = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestAccountScope(t *testing.T) {
	t.Parallel()
	ssaDesk := Actor{ID: "d1", Role: RoleAgencyDesk, Agencies: []string{"ssa"}}
	tests := []struct {
		name     string
		actor    Actor
		agencies []string
		want     Scope
	}{
		{"desk, own agency", ssaDesk, []string{"ssa"}, ScopeAgency},
		{"desk, one of several", ssaDesk, []string{"irs", "ssa"}, ScopeAgency},
		{"desk, another agency", ssaDesk, []string{"irs"}, ScopeOutside},
		{"desk, no links", ssaDesk, nil, ScopeOutside},
		{"desk, case differs", ssaDesk, []string{"SSA"}, ScopeOutside},
		{"desk without scope", Actor{ID: "d3", Role: RoleAgencyDesk}, []string{"ssa"}, ScopeOutside},
		{"agent, any account", Actor{ID: "a1", Role: RoleAgent}, []string{"irs"}, ScopeAny},
		{"supervisor", Actor{ID: "s", Role: RoleSupervisor}, nil, ScopeAny},
	}
	for _, tc := range tests {
		if got := tc.actor.AccountScope(tc.agencies); got != tc.want {
			t.Errorf("%s: AccountScope(%v) = %s, want %s", tc.name, tc.agencies, got, tc.want)
		}
	}
}

func TestRequestScope(t *testing.T) {
	t.Parallel()
	s := Actor{ID: "s1", Role: RoleSupervisor}
	if s.RequestScope("s1") != ScopeOwn || s.Can(ActApprove, s.RequestScope("s1")) {
		t.Error("a supervisor may approve its own request")
	}
	if !s.Can(ActApprove, s.RequestScope("a1")) {
		t.Error("a supervisor may not approve another's request")
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	for _, r := range Roles {
		if !r.Valid() {
			t.Errorf("%s is not Valid", r)
		}
	}
	for _, r := range []Role{RoleUser, RoleSystem, "", "root"} {
		if r.Valid() {
			t.Errorf("%q is a staff role", r)
		}
	}
	for r, want := range map[Role]bool{RoleAgent: true, RoleSupervisor: true, RoleAdmin: false, RoleAgencyDesk: false, RoleSystem: false} {
		if r.WorksTickets() != want {
			t.Errorf("%s WorksTickets = %v", r, !want)
		}
	}
}

func TestAgentActor(t *testing.T) {
	t.Parallel()
	a := Agent{ID: "a1", Role: RoleAgencyDesk, Agencies: []string{"ssa"}, Languages: []string{"es"}}
	got := a.Actor("ssh-9")
	if got.ID != "a1" || got.Role != RoleAgencyDesk || got.Session != "ssh-9" ||
		len(got.Agencies) != 1 || got.Agencies[0] != "ssa" || len(got.Languages) != 1 || got.Languages[0] != "es" {
		t.Errorf("Actor = %+v", got)
	}
}
