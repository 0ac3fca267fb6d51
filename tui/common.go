package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/desk"
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

// common is what every screen of one session shares: context, backend,
// size, localizer, styles and keys. There is one per session and nothing
// of it is global, because many SSH sessions share one process. Only the
// root model's Update changes it.
type common struct {
	ctx      context.Context
	backend  Backend
	tickets  Tickets // nil: look-up only
	session  string
	now      func() time.Time
	demo     []DemoCredential
	demoQs   []string
	renderer *lipgloss.Renderer
	styles   *styles
	keys     *keyMap
	loc      *i18n.Localizer
	agent    *desk.SignedIn // nil until sign-in
	width    int
	height   int
	lastID   int             // last page id handed out
	drafts   map[int64]draft // unsent replies and notes by ticket, for this session only
}

// draft is a reply or note the agent left unsent.
type draft struct {
	mode ticketAction // actReply or actNote
	text string
}

// nextID hands out a page id, so a command's answer finds the page that
// asked even when several pages are open.
func (c *common) nextID() int {
	c.lastID++
	return c.lastID
}

// worksTickets reports whether the signed-in agent works the ticket queue:
// agents and supervisors do; agency help desks and admins keep the look-up.
func (c *common) worksTickets() bool {
	if c.tickets == nil || c.agent == nil {
		return false
	}
	r := c.agent.Actor.Role
	return r == access.RoleAgent || r == access.RoleSupervisor
}

// isSupervisor reports whether the board is open to the agent.
func (c *common) isSupervisor() bool {
	return c.tickets != nil && c.agent != nil && c.agent.Actor.Role == access.RoleSupervisor
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
