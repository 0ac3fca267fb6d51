package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"

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
	session  string
	now      func() time.Time
	demo     []DemoCredential
	renderer *lipgloss.Renderer
	styles   *styles
	keys     *keyMap
	loc      *i18n.Localizer
	agent    *desk.SignedIn // nil until sign-in
	width    int
	height   int
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
