// Package access says who acts and what each role may do: one permission
// matrix, role × action × scope, that core consults before it reads or
// changes anything and that the console asks (Can) to hide what core
// would refuse anyway. Actors are never built by front ends: core resolves
// them from a session it issued (core/staff).
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
	RoleSystem     Role = "system" // jobs, intake, the command-line operator
)

// Roles lists the staff roles an agent record may hold.
var Roles = []Role{RoleAgent, RoleSupervisor, RoleAgencyDesk, RoleAdmin}

// Valid reports whether r is a staff role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// WorksTickets reports whether the role works the ticket queue in some
// language, so a ticket may be assigned to it.
func (r Role) WorksTickets() bool { return r == RoleAgent || r == RoleSupervisor }

// Action names one kind of operation.
type Action string

// The actions of the matrix.
const (
	ActSearch          Action = "account.search"    // look an account up
	ActAccountView     Action = "account.view"      // the masked account detail
	ActAccountLite     Action = "account.view_lite" // the agency help desk's detail
	ActAccountEvents   Action = "account.events"    // the event history
	ActTicketView      Action = "ticket.view"       // read a ticket or a queue
	ActReply           Action = "ticket.reply"      // a public reply, mailed
	ActNote            Action = "ticket.note"       // an internal note
	ActAssign          Action = "ticket.assign"     // give a ticket to an agent
	ActSetStatus       Action = "ticket.status"     // open, pending, solved, closed
	ActEscalate        Action = "ticket.escalate"   // an agency desk opens a ticket
	ActSupervise       Action = "ticket.supervise"  // the board and bulk reassignment
	ActCallerVerify    Action = "caller.verify"     // verify a caller on the phone
	ActResetCancel     Action = "account_reset.cancel"
	ActResetResend     Action = "account_reset.resend" // the timeline's notice, again
	ActSuspend         Action = "account.suspend"      // dual control: request
	ActReinstate       Action = "account.reinstate"    // dual control: request
	ActLimiterReset    Action = "limiter.reset"        // dual control: request
	ActApprove         Action = "dual.approve"         // approve or reject a request
	ActClosures        Action = "closure.manage"       // the closure-day calendar
	ActManageAgents    Action = "agent.manage"
	ActAuditRead       Action = "audit.read"
	ActUnmask          Action = "account.unmask"   // one field, with a reason, 15 minutes
	ActFraudDecide     Action = "idv.fraud_decide" // close a proofing fraud review
	ActAccountSelf     Action = "account.self"     // a user on its own account
	ActAccountCreate   Action = "account.create"
	ActSeed            Action = "demo.seed"
	ActSessionSelf     Action = "session.self" // sign out, unlock, language
	ActDualControlList Action = "dual.list"    // see pending requests
	ActMailReview      Action = "mail.review"  // the held list of mail that did not thread
)

// Actions lists every action, for tests and the matrix view.
var Actions = []Action{ActSearch, ActAccountView, ActAccountLite, ActAccountEvents, ActTicketView, ActReply, ActNote,
	ActAssign, ActSetStatus, ActEscalate, ActSupervise, ActCallerVerify, ActResetCancel, ActResetResend, ActSuspend, ActReinstate,
	ActLimiterReset, ActApprove, ActClosures, ActManageAgents, ActAuditRead, ActUnmask, ActFraudDecide, ActAccountSelf,
	ActAccountCreate, ActSeed, ActSessionSelf, ActDualControlList, ActMailReview}

// Scope is where the object of an action lies, seen from the actor.
type Scope string

// The scopes.
const (
	// ScopeGlobal: no particular object (a search, the board, the calendar).
	ScopeGlobal Scope = "global"
	// ScopeAny: any account, for contact-center staff.
	ScopeAny Scope = "any"
	// ScopeOwn: a ticket assigned to the actor, the actor's own request,
	// a user's own account.
	ScopeOwn Scope = "own"
	// ScopeLanguage: an unassigned ticket in one of the actor's languages.
	ScopeLanguage Scope = "language"
	// ScopeOther: a ticket assigned to someone else or in another
	// language; another staff member's request.
	ScopeOther Scope = "other"
	// ScopeAgency: an account linked to one of an agency desk's agencies,
	// its tickets, and the escalations the desk opened.
	ScopeAgency Scope = "agency"
	// ScopeOutside: anything outside an agency desk's agencies.
	ScopeOutside Scope = "outside"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeGlobal, ScopeAny, ScopeOwn, ScopeLanguage, ScopeOther, ScopeAgency, ScopeOutside}

type cell struct {
	act    Action
	scopes []Scope
}

// allTickets is every ticket scope a contact-center supervisor covers.
var allTickets = []Scope{ScopeOwn, ScopeLanguage, ScopeOther}

// queue is what an agent works: its tickets and unassigned ones in its
// languages.
var queue = []Scope{ScopeOwn, ScopeLanguage}

var g, anyAcct = []Scope{ScopeGlobal}, []Scope{ScopeAny}

// matrix is the one permission table: what is not in it is refused.
var matrix = map[Role][]cell{
	RoleAgent: {
		{ActSearch, g}, {ActAccountView, anyAcct}, {ActAccountEvents, anyAcct},
		{ActTicketView, queue}, {ActReply, queue}, {ActNote, queue}, {ActAssign, queue}, {ActSetStatus, queue},
		{ActCallerVerify, anyAcct}, {ActResetCancel, anyAcct}, {ActResetResend, anyAcct},
		{ActSuspend, anyAcct}, {ActReinstate, anyAcct}, {ActLimiterReset, anyAcct},
		{ActDualControlList, []Scope{ScopeOwn}}, {ActSessionSelf, []Scope{ScopeOwn}}, {ActMailReview, g},
	},
	RoleSupervisor: {
		{ActSearch, g}, {ActAccountView, anyAcct}, {ActAccountEvents, anyAcct},
		{ActTicketView, allTickets}, {ActReply, allTickets}, {ActNote, allTickets}, {ActAssign, allTickets},
		{ActSetStatus, allTickets}, {ActSupervise, g},
		{ActCallerVerify, anyAcct}, {ActResetCancel, anyAcct}, {ActResetResend, anyAcct},
		{ActSuspend, anyAcct}, {ActReinstate, anyAcct}, {ActLimiterReset, anyAcct},
		// Never its own request: the scope of a request is own or other.
		{ActApprove, []Scope{ScopeOther}}, {ActDualControlList, []Scope{ScopeOwn, ScopeOther}},
		{ActClosures, g}, {ActAuditRead, g}, {ActUnmask, anyAcct}, {ActFraudDecide, anyAcct}, {ActSessionSelf, []Scope{ScopeOwn}},
		{ActMailReview, g},
	},
	RoleAgencyDesk: {
		{ActSearch, g}, {ActAccountLite, []Scope{ScopeAgency}}, {ActTicketView, []Scope{ScopeAgency}},
		{ActEscalate, []Scope{ScopeAgency}}, {ActCallerVerify, []Scope{ScopeAgency}},
		{ActSessionSelf, []Scope{ScopeOwn}},
	},
	RoleAdmin: {
		{ActSearch, g}, {ActAccountView, anyAcct}, {ActManageAgents, g}, {ActClosures, g}, {ActAuditRead, g},
		{ActSessionSelf, []Scope{ScopeOwn}},
	},
	RoleUser: {
		{ActAccountSelf, []Scope{ScopeOwn}}, {ActAccountCreate, g},
	},
	// The operator who holds the database and key file: agents, audit,
	// calendar and seeding, never a user's account.
	RoleSystem: {
		{ActManageAgents, g}, {ActAuditRead, g}, {ActClosures, g}, {ActSeed, g}, {ActAccountCreate, g},
	},
}

// Can reports whether the matrix grants role the action on an object in
// scope.
func Can(role Role, act Action, sc Scope) bool { return slices.Contains(grants(role, act), sc) }

// Grants lists the scopes in which role may take act (nil: none).
func Grants(role Role, act Action) []Scope { return slices.Clone(grants(role, act)) }

// grants is the matrix's cell for role and act, shared, not to be changed.
func grants(role Role, act Action) []Scope {
	for _, c := range matrix[role] {
		if c.act == act {
			return c.scopes
		}
	}
	return nil
}

// Actor is who performs an operation, as core resolved it from a session
// (or, for jobs and intake, as core itself names it).
type Actor struct {
	ID        string   // agent id, account uuid, or a system name
	Role      Role     // what the actor is, as stored
	Agencies  []string // agency scope, for agency help desks
	Languages []string // languages the agent works in
	Session   string   // console or SSH session id, for the audit trail
}

// System is the actor of jobs and seeding.
var System = Actor{ID: "system", Role: RoleSystem, Session: "jobs"}

// User returns the actor for an account holder acting on its own account.
func User(accountID string) Actor { return Actor{ID: accountID, Role: RoleUser} }

// Can reports whether the actor may take act on an object in scope.
func (a Actor) Can(act Action, sc Scope) bool { return a.ID != "" && Can(a.Role, act, sc) }

// Authorize returns fault.ErrNotPermitted, naming the action, unless the
// actor may take act in scope.
func (a Actor) Authorize(act Action, sc Scope) error {
	if !a.Can(act, sc) {
		return &fault.Error{Code: fault.CodeNotPermitted, Limit: string(act)}
	}
	return nil
}

// AccountScope places an account linked to the given agencies: within an
// agency desk's agencies or outside them; any account for other staff.
func (a Actor) AccountScope(accountAgencies []string) Scope {
	switch a.Role {
	case RoleAgencyDesk:
		if a.sharesAgency(accountAgencies) {
			return ScopeAgency
		}
		return ScopeOutside
	case RoleUser:
		return ScopeOutside // a user's own account is checked by id, never here
	}
	return ScopeAny
}

// TicketFacts are what scope needs to know of a ticket.
type TicketFacts struct {
	Assignee        string
	Language        string
	AccountAgencies []string // agencies linked to the ticket's account
	OpenedBy        string   // the agency desk that escalated it, if any
}

// TicketScope places a ticket: for agency desks, within their agencies (the
// linked account's, or an escalation they opened) or outside; for others,
// their own, an unassigned one in their languages, or another's.
func (a Actor) TicketScope(t TicketFacts) Scope {
	if a.Role == RoleAgencyDesk {
		if (t.OpenedBy != "" && t.OpenedBy == a.ID) || a.sharesAgency(t.AccountAgencies) {
			return ScopeAgency
		}
		return ScopeOutside
	}
	switch {
	case t.Assignee != "" && t.Assignee == a.ID:
		return ScopeOwn
	case t.Assignee == "" && slices.Contains(a.Languages, t.Language):
		return ScopeLanguage
	}
	return ScopeOther
}

// RequestScope places a dual-control request: the actor's own, or another's.
func (a Actor) RequestScope(requestedBy string) Scope {
	if requestedBy == a.ID {
		return ScopeOwn
	}
	return ScopeOther
}

func (a Actor) sharesAgency(agencies []string) bool {
	for _, ag := range agencies {
		if slices.Contains(a.Agencies, ag) {
			return true
		}
	}
	return false
}
