package access

import (
	"errors"
	"testing"

	"supportdesk/core/fault"
)

func TestPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		role Role
		perm Permission
		want bool
	}{
		// The agency help desk sees less and acts on nothing.
		{RoleAgencyDesk, PermAccountSearch, true},
		{RoleAgencyDesk, PermAccountViewLite, true},
		{RoleAgencyDesk, PermAccountView, false},
		{RoleAgencyDesk, PermResetCancel, false},
		{RoleAgencyDesk, PermAuditRead, false},
		{RoleAgencyDesk, PermAgentManage, false},
		{RoleAgent, PermAccountView, true},
		{RoleAgent, PermResetCancel, true},
		{RoleAgent, PermAuditRead, false},
		{RoleAgent, PermAgentManage, false},
		{RoleAgent, PermSeed, false},
		{RoleSupervisor, PermAuditRead, true},
		{RoleSupervisor, PermAgentManage, false},
		{RoleAdmin, PermAgentManage, true},
		{RoleAdmin, PermAuditRead, true},
		{RoleAdmin, PermSeed, false},
		// No staff role acts as the account holder.
		{RoleAgent, PermAccountSelf, false},
		{RoleSupervisor, PermAccountSelf, false},
		{RoleAdmin, PermAccountSelf, false},
		{RoleUser, PermAccountSelf, true},
		{RoleUser, PermAccountView, false},
		{RoleUser, PermAccountSearch, false},
		{RoleSystem, PermSeed, true},
		{Role("root"), PermAccountSearch, false},
		{Role(""), PermAccountSearch, false},
	}
	for _, tc := range tests {
		a := Actor{ID: "x", Role: tc.role}
		if got := a.Can(tc.perm); got != tc.want {
			t.Errorf("%s Can(%s) = %v, want %v", tc.role, tc.perm, got, tc.want)
		}
		err := a.Authorize(tc.perm)
		if (err == nil) != tc.want {
			t.Errorf("%s Authorize(%s) = %v, want allowed %v", tc.role, tc.perm, err, tc.want)
		}
		if err != nil {
			if !errors.Is(err, fault.ErrNotPermitted) {
				t.Errorf("Authorize error %v is not fault.ErrNotPermitted", err)
			}
			if e, _ := fault.As(err); e == nil || e.Limit != string(tc.perm) {
				t.Errorf("Authorize error %v does not name %s", err, tc.perm)
			}
		}
	}
}

func TestAuthorizeNeedsID(t *testing.T) {
	t.Parallel()
	if err := (Actor{Role: RoleSystem}).Authorize(PermAccountSearch); !errors.Is(err, fault.ErrNotPermitted) {
		t.Errorf("an actor without id was authorized: %v", err)
	}
	if err := System.Authorize(PermSeed); err != nil {
		t.Errorf("System.Authorize(seed) = %v", err)
	}
	if err := User("acct-1").Authorize(PermAccountSelf); err != nil {
		t.Errorf("User.Authorize(self) = %v", err)
	}
}

func TestInScope(t *testing.T) {
	t.Parallel()
	ssaDesk := Actor{ID: "d1", Role: RoleAgencyDesk, Agencies: []string{"ssa"}}
	twoDesk := Actor{ID: "d2", Role: RoleAgencyDesk, Agencies: []string{"ssa", "va"}}
	noScope := Actor{ID: "d3", Role: RoleAgencyDesk}
	agent := Actor{ID: "a1", Role: RoleAgent}
	tests := []struct {
		name     string
		actor    Actor
		agencies []string
		want     bool
	}{
		{"desk, own agency", ssaDesk, []string{"ssa"}, true},
		{"desk, one of several", ssaDesk, []string{"irs", "ssa"}, true},
		{"desk, another agency", ssaDesk, []string{"irs"}, false},
		{"desk, no links", ssaDesk, nil, false},
		{"desk, case differs", ssaDesk, []string{"SSA"}, false},
		{"two-agency desk", twoDesk, []string{"va"}, true},
		{"desk without scope", noScope, []string{"ssa"}, false},
		{"agent, any account", agent, []string{"irs"}, true},
		{"agent, no links", agent, nil, true},
		{"supervisor", Actor{ID: "s", Role: RoleSupervisor}, nil, true},
	}
	for _, tc := range tests {
		if got := tc.actor.InScope(tc.agencies); got != tc.want {
			t.Errorf("%s: InScope(%v) = %v, want %v", tc.name, tc.agencies, got, tc.want)
		}
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

func TestOnlySupervisorsSupervise(t *testing.T) {
	t.Parallel()
	for _, r := range Roles {
		got := Actor{ID: "x", Role: r}.Can(PermTicketSupervise)
		if got != (r == RoleSupervisor) {
			t.Errorf("%s supervises: %v", r, got)
		}
	}
}
