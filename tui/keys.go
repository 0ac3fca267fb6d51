package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"

	"supportdesk/i18n"
)

// keyMap holds every binding of the console. It is built per session from
// the session's localizer (the help text is localized) and rebuilt when the
// language changes, so no session shares bindings with another.
type keyMap struct {
	Quit      key.Binding // always quits
	QuitQ     key.Binding // quits only when no text input has focus
	Help      key.Binding // "?" toggles full help when no text input has focus
	HelpF1    key.Binding // f1 toggles full help even while typing
	Language  key.Binding
	Back      key.Binding
	Next      key.Binding
	Prev      key.Binding
	SignIn    key.Binding
	Search    key.Binding // runs the look-up
	NewSearch key.Binding // focuses the query from the result
	Scroll    key.Binding // help only: the viewport keys below
	Page      key.Binding // help only
	Viewport  viewport.KeyMap
}

// newKeyMap builds the bindings with help text in loc's language. Key caps
// such as "esc" or "ctrl+l" are notation and stay as typed; the ones that
// keyboards label differently (enter, shift, page keys) are localized.
func newKeyMap(loc *i18n.Localizer) *keyMap {
	enter := loc.T("keycap.enter")
	return &keyMap{
		Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", loc.T("help.quit"))),
		QuitQ:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", loc.T("help.quit"))),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", loc.T("help.more"))),
		HelpF1:    key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", loc.T("help.more"))),
		Language:  key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", loc.T("help.language"))),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", loc.T("help.clear"))),
		Next:      key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", loc.T("help.next_field"))),
		Prev:      key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp(loc.T("keycap.shift_tab"), loc.T("help.prev_field"))),
		SignIn:    key.NewBinding(key.WithKeys("enter"), key.WithHelp(enter, loc.T("help.sign_in"))),
		Search:    key.NewBinding(key.WithKeys("enter"), key.WithHelp(enter, loc.T("help.search"))),
		NewSearch: key.NewBinding(key.WithKeys("/", "tab"), key.WithHelp("/", loc.T("help.new_search"))),
		Scroll:    key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", loc.T("help.scroll"))),
		Page:      key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp(loc.T("keycap.pages"), loc.T("help.page"))),
		Viewport: viewport.KeyMap{
			Up:           key.NewBinding(key.WithKeys("up", "k")),
			Down:         key.NewBinding(key.WithKeys("down", "j")),
			PageUp:       key.NewBinding(key.WithKeys("pgup", "b")),
			PageDown:     key.NewBinding(key.WithKeys("pgdown", "f", " ")),
			HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u")),
			HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d")),
			Left:         key.NewBinding(key.WithDisabled()),
			Right:        key.NewBinding(key.WithDisabled()),
		},
	}
}

// backAs returns the Back binding with another help text, for screens where
// esc goes back rather than clears.
func (k *keyMap) backAs(desc string) key.Binding {
	b := k.Back
	b.SetHelp("esc", desc)
	return b
}

// helpKeys adapts a screen's bindings and the global ones to help.KeyMap.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp implements help.KeyMap.
func (h helpKeys) ShortHelp() []key.Binding { return h.short }

// FullHelp implements help.KeyMap.
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }
