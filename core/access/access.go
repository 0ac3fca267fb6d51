// Package access says who acts and what each role may do. Every core
// operation takes an Actor and asks Authorize before it reads or changes
// anything; the UI only hides what this package would refuse anyway.
package access

import (
	"slices"

	"supportdesk/core/fault"
)

// Role is what an actor is.
type Role string

// The roles.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAgencyDesk Role = "agency_help_desk"
	RoleAdmin      Role = "admin"
	RoleUser       Role = "user"   // an account holder acting on its own account
	RoleSystem     Role = "system" // jobs, seeding, migrations
)

// Roles lists the staff roles an agent record may hold.
var Roles = []Role{RoleAgent, RoleSupervisor, RoleAgencyDesk, RoleAdmin}

// Valid reports whether r is a staff role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Permission names one kind of operation.
type Permission string

// The permissions.
const (
	PermAccountSearch   Permission = "account.search"
	PermAccountView     Permission = "account.view"      // full masked detail
	PermAccountViewLite Permission = "account.view_lite" // agency help desk detail
	PermAccountSelf     Permission = "account.self"      // a user on its own account
	PermAccountCreate   Permission = "account.create"
	PermResetCancel     Permission = "account_reset.cancel"
	PermAuditRead       Permission = "audit.read"
	PermAgentManage     Permission = "agent.manage"
	PermSeed            Permission = "demo.seed"
	PermTicketRead      Permission = "ticket.read"
	PermTicketWork      Permission = "ticket.work"      // reply, note, status, assign
	PermClosureManage   Permission = "closure.manage"   // the closure-day calendar
	PermTicketSupervise Permission = "ticket.supervise" // the board and bulk reassignment
)

// policy is the first, simple permission table; the full matrix with
// dual control comes later.
var policy = map[Role][]Permission{
	RoleAgent: {PermAccountSearch, PermAccountView, PermResetCancel, PermTicketRead, PermTicketWork},
	RoleSupervisor: {PermAccountSearch, PermAccountView, PermResetCancel, PermAuditRead, PermTicketRead, PermTicketWork,
		PermClosureManage, PermTicketSupervise},
	RoleAgencyDesk: {PermAccountSearch, PermAccountViewLite},
	RoleAdmin:      {PermAccountSearch, PermAccountView, PermAuditRead, PermAgentManage, PermClosureManage},
	RoleUser:       {PermAccountSelf, PermAccountCreate},
	RoleSystem: {PermAccountSearch, PermAccountView, PermAccountSelf, PermAccountCreate,
		PermResetCancel, PermAuditRead, PermAgentManage, PermSeed, PermTicketRead, PermTicketWork, PermClosureManage, PermTicketSupervise},
}

// Actor is who performs an operation.
type Actor struct {
	ID        string   // agent id, account uuid, or "system"
	Role      Role     // what the actor is
	Agencies  []string // agency scope, for agency help desks
	Languages []string // languages the agent works in
	Session   string   // console or SSH session id, for the audit trail
}

// System is the actor of jobs and seeding.
var System = Actor{ID: "system", Role: RoleSystem}

// User returns the actor for an account holder acting on its own account.
func User(accountID string) Actor { return Actor{ID: accountID, Role: RoleUser} }

// Can reports whether the actor's role grants p.
func (a Actor) Can(p Permission) bool {
	return slices.Contains(policy[a.Role], p)
}

// Authorize returns fault.ErrNotPermitted unless the actor may do p.
func (a Actor) Authorize(p Permission) error {
	if a.ID == "" || !a.Can(p) {
		return &fault.Error{Code: fault.CodeNotPermitted, Limit: string(p)}
	}
	return nil
}

// InScope reports whether an agency help desk may see an account linked to
// the given agencies. Other roles are not agency-scoped.
func (a Actor) InScope(accountAgencies []string) bool {
	if a.Role != RoleAgencyDesk {
		return true
	}
	for _, ag := range accountAgencies {
		if slices.Contains(a.Agencies, ag) {
			return true
		}
	}
	return false
}
