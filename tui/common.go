package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// Minimum terminal size; below it the console shows a notice instead of a
// broken layout.
const (
	minWidth  = 80
	minHeight = 24
)

// callTimeout bounds one backend call, so a stuck store cannot leave a
// spinner up forever.
const callTimeout = 15 * time.Second

// defaultIdleLock is the idle lock when Options leave it unset: the
// core's default staff idle limit.
const defaultIdleLock = 30 * time.Minute

// touchEvery is how often key presses tell core the agent is active: at
// most once a minute, so typing costs no write per key.
const touchEvery = time.Minute

// common is what every screen of one session shares: context, backend,
// size, localizer, styles and keys. There is one per session and nothing
// of it is global, because many SSH sessions share one process. Only the
// root model's Update changes it.
type common struct {
	base     context.Context    // the terminal's context
	ctx      context.Context    // the signed-in session's: cancelled when it ends
	cancel   context.CancelFunc // ends ctx; a no-op before sign-in
	backend  Backend
	tickets  Tickets // nil: look-up only
	live     Live    // nil: no change feed, periodic refresh only
	kind     string  // "tty" or "ssh", for SignIn
	keyFP    string  // the SSH key's fingerprint: sign in by key and TOTP code
	idleLock time.Duration
	now      func() time.Time
	demo     []DemoCredential
	demoQs   []string
	renderer *lipgloss.Renderer
	styles   *styles
	keys     *keyMap
	loc      *i18n.Localizer
	agent    *staff.SignedIn // nil until sign-in
	locked   bool            // the idle lock is up: background refreshes wait
	lastKey  time.Time       // the last key pressed while signed in
	touched  time.Time       // when core last heard of activity
	width    int
	height   int
	lastID   int             // last page id handed out
	drafts   map[int64]draft // unsent replies and notes by ticket, for this session only
}

// draft is a reply or note the agent left unsent.
type draft struct {
	mode   ticketAction // actReply or actNote
	text   string
	status ticket.Status // what the reply sets once sent (a macro's), "" for none
}

// nextID hands out a page id, so a command's answer finds the page that
// asked even when several pages are open.
func (c *common) nextID() int {
	c.lastID++
	return c.lastID
}

// token is the signed-in session's credential for core calls.
func (c *common) token() staff.Token {
	if c.agent == nil {
		return ""
	}
	return c.agent.Token
}

// can asks the permission matrix for the signed-in agent, to hide what
// core would refuse anyway; core decides again on every call.
func (c *common) can(act access.Action, sc access.Scope) bool {
	return c.agent != nil && c.agent.Can(act, sc)
}

// worksTickets reports whether the signed-in agent works the ticket queue:
// agents and supervisors do; agency help desks and admins keep the look-up.
func (c *common) worksTickets() bool {
	return c.tickets != nil && c.can(access.ActTicketView, access.ScopeOwn)
}

// canSupervise reports whether the board is open to the agent.
func (c *common) canSupervise() bool {
	return c.tickets != nil && c.can(access.ActSupervise, access.ScopeGlobal)
}

// canListRequests reports whether the dual-control requests screen is
// open to the agent.
func (c *common) canListRequests() bool {
	return c.can(access.ActDualControlList, access.ScopeOwn)
}

// canReviewMail reports whether the held mail screen is open to the
// agent (agents and supervisors).
func (c *common) canReviewMail() bool {
	return c.can(access.ActMailReview, access.ScopeGlobal)
}

// canReadAudit reports whether the audit viewer is open to the agent
// (supervisors and admins).
func (c *common) canReadAudit() bool {
	return c.can(access.ActAuditRead, access.ScopeGlobal)
}

// takesCalls reports whether the agent puts calls on record: whoever
// verifies callers and works its own tickets, as core asks.
func (c *common) takesCalls() bool {
	return c.tickets != nil && c.can(access.ActCallerVerify, access.ScopeAny) && c.can(access.ActNote, access.ScopeOwn)
}

// setLang switches the session's language and rebuilds the localized keys.
func (c *common) setLang(lang string) {
	c.loc = c.loc.WithLang(lang)
	c.keys = newKeyMap(c.loc)
}

// tooSmall reports whether the terminal is below the supported size.
func (c *common) tooSmall() bool {
	return c.width < minWidth || c.height < minHeight
}
