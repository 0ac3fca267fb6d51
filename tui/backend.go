package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/authn"
	"supportdesk/core/callers"
	"supportdesk/core/desk"
	"supportdesk/core/dual"
	"supportdesk/core/feed"
	"supportdesk/core/helpdesk"
	"supportdesk/core/inbox"
	"supportdesk/core/presence"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// Backend is what the console asks of the core. The console never reads the
// database: every call goes through this interface, from a tea.Cmd, with
// the session's token; core resolves who acts from it on every call.
// *service.Service implements it.
type Backend interface {
	Sessions
	Accounts
	Callers
	Requests
	Audit
	Mailroom
}

// Sessions signs agents in and keeps their session. Besides each call's
// own refusals, every call that takes a token may answer
// fault.CodeSessionLocked (idle too long: unlock), CodeSessionExpired (the
// 12-hour limit), CodeSessionEnded or CodeAgentDisabled (sign in again).
type Sessions interface {
	// SignIn checks an agent's email, password and TOTP code and opens a
	// session of kind ("tty", "ssh"). Failures are *fault.Error values
	// (bad_credentials, rate_limited with Until, ...).
	SignIn(ctx context.Context, email, password, code, kind string) (staff.SignedIn, error)
	// SignInByKey opens an SSH session for the agent whose registered key
	// has fingerprint (the SSH server checked the key), with its TOTP code
	// alone; failures as SignIn's.
	SignInByKey(ctx context.Context, fingerprint, code string) (staff.SignedIn, error)
	// Unlock re-authenticates an idle-locked session with the password and
	// a TOTP code; the session keeps its screens and its 12-hour limit.
	Unlock(ctx context.Context, tok staff.Token, password, code string) error
	// Touch records keyboard activity, which holds the idle lock off.
	// Background refreshes never call it.
	Touch(ctx context.Context, tok staff.Token) error
	// SignOut ends the session; it works on an idle-locked session too.
	SignOut(ctx context.Context, tok staff.Token) error
	// SetUILanguage stores the agent's console language.
	SetUILanguage(ctx context.Context, tok staff.Token, lang string) error
}

// Accounts looks accounts up.
type Accounts interface {
	// Lookup finds one account by exact email, phone (E.164, formatting
	// allowed) or UUID, and returns its masked view. Errors are *fault.Error
	// (not_found, query_too_long, query_unrecognised, phone_malformed,
	// email_malformed, not_permitted).
	Lookup(ctx context.Context, tok staff.Token, query string) (desk.AccountView, error)
	// Unmask shows one email or phone of record in full (field "email" or
	// "phone", index as the view lists them) until the answer's Until, 15
	// minutes; supervisors only, with a reason that core audits. Errors:
	// invalid_input (reason), not_found, not_permitted.
	Unmask(ctx context.Context, tok staff.Token, accountID, field string, index int, reason string) (desk.Unmasked, error)
	// CancelReset cancels a waiting or granted account reset on a verified
	// caller's word (authn.CancelVerifiedCaller) or as suspected fraud
	// (authn.CancelSuspectedFraud: the account goes to fraud review);
	// audited, and every address of record is notified. Errors:
	// reset_not_pending, not_found, not_permitted.
	CancelReset(ctx context.Context, tok staff.Token, accountID string, why authn.CancelReason) error
	// ResendResetNotice sends a waiting or granted account reset's current
	// notice again to every address of record (3 an hour), audited.
	// Errors: reset_not_pending, rate_limited, not_found, not_permitted.
	ResendResetNotice(ctx context.Context, tok staff.Token, accountID string) error
}

// Callers verifies a caller on the phone before an account is discussed.
// Until the caller reads the code back, nothing the console is told
// depends on whether the stated contact is on an account.
type Callers interface {
	// VerifyCaller takes the email or phone a caller states and, if it is
	// a contact of record in the agent's scope, sends it a 6-digit code;
	// the answer is the same either way. call links the verification to a
	// call on record (0 for none). A UUID is refused (query_unrecognised):
	// a caller states an email or a phone.
	VerifyCaller(ctx context.Context, tok staff.Token, stated string, call int64) (callers.Check, error)
	// ConfirmCaller checks the code the caller read back and, when it is
	// right, returns the account and until when the caller stays verified
	// (30 minutes). A wrong code and a code for a contact on no account
	// answer the same, bad_credentials; the third wrong try answers
	// rate_limited, a code past its 10 minutes code_expired.
	ConfirmCaller(ctx context.Context, tok staff.Token, checkID, code string) (callers.Verified, error)
}

// Requests is dual control: a staff member asks for a sensitive change with
// a reason; a supervisor other than the requester decides.
type Requests interface {
	// RequestChange asks for a change (dual.KindSuspend, KindReinstate) on
	// an account. A change already waiting, or one the account's status
	// rules out, answers fault.CodeConflict.
	RequestChange(ctx context.Context, tok staff.Token, kind dual.Kind, accountID, reason string) (dual.View, error)
	// RequestLimiterReset asks for a proofing limiter (its name, as
	// limit.Status names it) to be cleared early, with a reason: a vendor
	// outage with its incident id, or a documented misread. The request's
	// Detail holds the limiter's name. Errors: invalid_input (reason,
	// detail), conflict (one already waiting), not_permitted.
	RequestLimiterReset(ctx context.Context, tok staff.Token, accountID, limiter, reason string) (dual.View, error)
	// PendingRequests lists the requests waiting for a decision: all of
	// them for a supervisor, the agent's own for others.
	PendingRequests(ctx context.Context, tok staff.Token) ([]dual.View, error)
	// Decide approves or rejects a request. Errors: not_permitted (one's
	// own request, or not a supervisor), request_decided, request_expired,
	// conflict (the account's status no longer allows the change).
	Decide(ctx context.Context, tok staff.Token, id int64, approve bool) error
}

// Audit reads the audit log for the viewer (supervisors and admins). Core
// audits every read itself, with the filter asked for.
type Audit interface {
	// AuditLog lists the entries f selects, newest first, at most f.Limit
	// (500 at most); the next page is the same filter with Before set to
	// the last Seq seen. Errors: not_permitted.
	AuditLog(ctx context.Context, tok staff.Token, f auditlog.Filter) ([]audit.Entry, error)
}

// Mailroom is the held list: requesters' mail that could not be threaded
// safely (another sender, a forged reply address, failing SPF/DKIM/DMARC,
// ...) waits for an agent or a supervisor. Agency desks and admins are
// refused (not_permitted).
type Mailroom interface {
	// HeldMail lists held mail after an id, oldest first, at most limit
	// (200 at most), with the total held. The sender comes masked.
	HeldMail(ctx context.Context, tok staff.Token, after int64, limit int) ([]inbox.HeldMail, int64, error)
	// ReleaseHeld puts a held message on ticket ref as the requester's
	// reply: the agent vouches for the sender. Errors: conflict (another
	// agent decided it meanwhile), invalid_input with Field "ticket" and
	// code not_found (no such ticket) or conflict (the ticket is closed),
	// not_permitted.
	ReleaseHeld(ctx context.Context, tok staff.Token, id int64, ref string) error
	// DiscardHeld drops a held message from the list; the record stays.
	// Errors: conflict, not_found, not_permitted.
	DiscardHeld(ctx context.Context, tok staff.Token, id int64) error
}

// DemoCredential is one demo agent shown on the sign-in screen in demo
// mode only.
type DemoCredential struct {
	Role     access.Role
	Email    string
	Password string
	// TOTP returns the agent's current code, so a new user can sign in.
	TOTP func(now time.Time) string
}

// Options configure one console session (one terminal or SSH session).
type Options struct {
	Backend Backend
	// Tickets serves the queue, ticket view and supervisor board; nil
	// leaves the console to account look-up only.
	Tickets Tickets
	// Live keeps the screens current and shows who else is on a ticket;
	// nil: Tickets, when it implements Live, else periodic refresh only.
	Live Live
	Demo []DemoCredential // nil outside demo mode
	// DemoQueries are seeded accounts a new user can look up (demo mode
	// only): an email, a phone, a UUID.
	DemoQueries []string
	Lang        string           // language before sign-in: en, es or fr
	Kind        string           // the session's kind for core: "tty" (default) or "ssh"
	Now         func() time.Time // injected clock; time.Now when nil
	// IdleLock is how long the console waits without a key before it
	// locks; 30 minutes when 0. Pass the core's staff idle limit.
	IdleLock time.Duration
	// KeyFingerprint is the SSH key the agent connected with: the sign-in
	// screen then asks for the TOTP code only (SignInByKey).
	KeyFingerprint string

	// Context ends the session's backend calls when the terminal or SSH
	// session goes away; context.Background when nil.
	Context context.Context
	// Renderer is the session's lipgloss renderer (one per SSH session);
	// lipgloss.DefaultRenderer when nil.
	Renderer *lipgloss.Renderer
	// LightBackground tells the styles the terminal is light. It is set up
	// front because querying the terminal for its background can hang.
	LightBackground bool
	// Bundle holds the messages; loaded once per process when nil.
	Bundle *i18n.Bundle
	// Location is the zone dates are shown in; i18n.DefaultZone when nil.
	Location *time.Location
}

// Tickets is what the queue, ticket view and supervisor board ask of the
// core. Ticket writes take the Version the agent saw; a ticket changed
// meanwhile comes back as a fault.CodeConflict error: say so and reload.
type Tickets interface {
	// Queue returns a window of the agent's queue: tickets assigned to it
	// plus unassigned ones in its languages, ordered by due time.
	Queue(ctx context.Context, tok staff.Token, f helpdesk.QueueFilter, at helpdesk.PageAt, limit int) (helpdesk.QueuePage, error)
	Ticket(ctx context.Context, tok staff.Token, id int64) (helpdesk.TicketView, error)
	// Reply mails a public reply (it meets the SLA target); Note adds an
	// internal note. Both return the ticket as it now is.
	Reply(ctx context.Context, tok staff.Token, id, version int64, body string) (helpdesk.TicketView, error)
	Note(ctx context.Context, tok staff.Token, id, version int64, body string) (helpdesk.TicketView, error)
	SetStatus(ctx context.Context, tok staff.Token, id, version int64, status ticket.Status) (helpdesk.TicketView, error)
	// Assign gives the ticket to an agent; "" unassigns.
	Assign(ctx context.Context, tok staff.Token, id, version int64, agentID string) (helpdesk.TicketView, error)
	Agents(ctx context.Context, tok staff.Token) ([]helpdesk.AgentSummary, error)
	// Board is the supervisor board (supervisors only: not_permitted otherwise).
	Board(ctx context.Context, tok staff.Token) (helpdesk.BoardView, error)
	// Reassign moves tickets to an agent in one go; it returns how many moved.
	Reassign(ctx context.Context, tok staff.Token, ids []int64, agentID string) (helpdesk.Reassigned, error)
	AddClosure(ctx context.Context, tok staff.Token, day, reason string) error
	RemoveClosure(ctx context.Context, tok staff.Token, day string) error
	// AccountTickets lists the tickets linked to an account, newest first.
	AccountTickets(ctx context.Context, tok staff.Token, accountID string) ([]helpdesk.QueueItem, error)
	// Escalate opens a ticket for the contact center about an account in
	// an agency desk's scope and returns it (its Ref names it). Errors:
	// invalid_input (Field subject, message or category), not_found (also
	// for an account outside the desk's scope), not_permitted.
	Escalate(ctx context.Context, tok staff.Token, e helpdesk.Escalation) (ticket.Ticket, error)
	// StartCall puts a phone call on record: a ticket in the caller's
	// language and category, assigned to the agent, answered at once.
	// Pass its ID to VerifyCaller so the verification links the call to
	// the account.
	StartCall(ctx context.Context, tok staff.Token, language string, category ticket.Category) (ticket.Ticket, error)
	// RecordStep writes a guided step's outcome (lower-case codes) and the
	// agent's note on a call; helpdesk.ParseStep reads it back.
	RecordStep(ctx context.Context, tok staff.Token, call int64, step, outcome, note string) (helpdesk.TicketView, error)
	// EndCall closes a call (solved) with its outcome and a note.
	EndCall(ctx context.Context, tok staff.Token, call int64, outcome, note string) (helpdesk.TicketView, error)
}

// Live is what keeps a console current without polling: the change feed,
// and who else has a ticket open. Options.Live serves it; without it (nil)
// the screens fall back to their periodic refresh, and the ticket view
// shows nobody else. *service.Service implements it.
type Live interface {
	// Changes subscribes to the notices of committed changes; it returns
	// at once. The channel closes when cancel is called or ctx ends; a
	// Resync notice means some were missed: reload everything in view.
	Changes(ctx context.Context) (<-chan feed.Change, func())
	// SetPresence says this session views a ticket, writes a reply on it,
	// or has left it (presence.Left), and returns the other agents on it
	// now. Core takes the name from the session; an entry lapses unless
	// set again within presence.TTL. Errors as Ticket's.
	SetPresence(ctx context.Context, tok staff.Token, id int64, state presence.State) ([]presence.Viewer, error)
}
