package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

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

	// Lists (queue, board) and the ticket view. Letters act only when no
	// text input has focus; the pages check InputFocused first.
	Up        key.Binding
	Down      key.Binding
	Move      key.Binding // help only: up and down
	PageUp    key.Binding
	PageDown  key.Binding
	Pages     key.Binding // help only: page up and down
	Top       key.Binding
	Bottom    key.Binding
	Ends      key.Binding // help only: top and bottom
	Open      key.Binding
	Find      key.Binding // "/" focuses a list's search
	Filter    key.Binding
	ClearAll  key.Binding
	Refresh   key.Binding
	Lookup    key.Binding
	Board     key.Binding
	TabNext   key.Binding
	TabPrev   key.Binding
	Tabs      key.Binding // help only: tab and shift+tab
	TabNumber key.Binding // 1..6 pick an account tab
	Left      key.Binding
	Right     key.Binding
	Cycle     key.Binding // help only: left and right
	Apply     key.Binding
	Choose    key.Binding
	Cancel    key.Binding
	Reply     key.Binding
	Note      key.Binding
	Status    key.Binding
	Assign    key.Binding
	Macro     key.Binding
	Send      key.Binding
	Mark      key.Binding
	Reassign  key.Binding
	Add       key.Binding
	Remove    key.Binding
	Confirm   key.Binding

	// Sessions and dual control.
	SignOut       key.Binding // works on every screen once signed in, even while typing
	RequestChange key.Binding // ask a supervisor to suspend or reinstate the account in view
	Requests      key.Binding // the pending dual-control requests, from the queue and the board
	Approve       key.Binding
	Reject        key.Binding

	// The audit log and the account panel's audited actions.
	Audit       key.Binding // the audit viewer, from the queue, the board and the look-up
	Pick        key.Binding // opens the list for a form field (the audit filter's agent)
	Unmask      key.Binding // show one contact of record in full (supervisors)
	Escalate    key.Binding // an agency desk escalates the account to the contact center
	CancelReset key.Binding // cancel a waiting or granted account reset
	ResendReset key.Binding // send a waiting or granted account reset's notice again

	// Calls on record and the guided scripts.
	Call         key.Binding // take a call: from the queue and the look-up
	EndCall      key.Binding // end the call in view with an outcome
	ScriptMFA    key.Binding // the call's MFA recovery script
	ScriptIDV    key.Binding // the call's proofing retry script
	CallAccount  key.Binding // the verified caller's account, in tabs
	Steps        key.Binding // help only: tab and shift+tab move between a script's steps
	Outcome      key.Binding // help only: left and right choose a step's outcome
	Record       key.Binding // records the chosen outcome (enter)
	Zone         key.Binding // the caller's time zone
	LimiterReset key.Binding // ask a supervisor to clear a proofing limiter early

	// The held mail.
	Held    key.Binding // the held list, from the queue and the board
	Release key.Binding // put the held message on a ticket
	Discard key.Binding // drop the held message
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
		NewSearch: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", loc.T("help.new_search"))),
		Scroll:    key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", loc.T("help.scroll"))),
		Page:      key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp(loc.T("keycap.pages"), loc.T("help.page"))),
		Up:        key.NewBinding(key.WithKeys("up", "k")),
		Down:      key.NewBinding(key.WithKeys("down", "j")),
		Move:      key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", loc.T("help.move"))),
		PageUp:    key.NewBinding(key.WithKeys("pgup")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown")),
		Pages:     key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp(loc.T("keycap.pages"), loc.T("help.page"))),
		Top:       key.NewBinding(key.WithKeys("home", "g")),
		Bottom:    key.NewBinding(key.WithKeys("end", "G")),
		Ends:      key.NewBinding(key.WithKeys("home", "end"), key.WithHelp(loc.T("keycap.home_end"), loc.T("help.top_bottom"))),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp(enter, loc.T("help.open"))),
		Find:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", loc.T("help.find"))),
		Filter:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", loc.T("help.filter"))),
		ClearAll:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", loc.T("help.clear_filters"))),
		Refresh:   key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", loc.T("help.refresh"))),
		Lookup:    key.NewBinding(key.WithKeys("l"), key.WithHelp("l", loc.T("help.lookup"))),
		Board:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", loc.T("help.board"))),
		TabNext:   key.NewBinding(key.WithKeys("tab")),
		TabPrev:   key.NewBinding(key.WithKeys("shift+tab")),
		Tabs:      key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab/"+loc.T("keycap.shift_tab"), loc.T("help.tabs"))),
		TabNumber: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1…6", loc.T("help.tab_number"))),
		Left:      key.NewBinding(key.WithKeys("left")),
		Right:     key.NewBinding(key.WithKeys("right")),
		Cycle:     key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", loc.T("help.change"))),
		Apply:     key.NewBinding(key.WithKeys("enter"), key.WithHelp(enter, loc.T("help.apply"))),
		Choose:    key.NewBinding(key.WithKeys("enter"), key.WithHelp(enter, loc.T("help.choose"))),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", loc.T("help.cancel"))),
		Reply:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", loc.T("help.reply"))),
		Note:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", loc.T("help.note"))),
		Status:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", loc.T("help.status"))),
		Assign:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", loc.T("help.assign"))),
		Macro:     key.NewBinding(key.WithKeys("ctrl+o", "f2"), key.WithHelp("ctrl+o", loc.T("help.macro"))),
		Send:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", loc.T("help.send"))),
		Mark:      key.NewBinding(key.WithKeys(" "), key.WithHelp(loc.T("keycap.space"), loc.T("help.mark"))),
		Reassign:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", loc.T("help.reassign"))),
		Add:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", loc.T("help.add_closure"))),
		Remove:    key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", loc.T("help.remove_closure"))),
		Confirm:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", loc.T("help.confirm"))),
		// ctrl+x: no text field of the console uses it, so it signs out
		// from anywhere, the lock screen included.
		SignOut:       key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", loc.T("help.sign_out"))),
		RequestChange: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", loc.T("help.request_suspend"))),
		Requests:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", loc.T("help.requests"))),
		Approve:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", loc.T("help.approve"))),
		Reject:        key.NewBinding(key.WithKeys("x"), key.WithHelp("x", loc.T("help.reject"))),
		// u, v, e and c are free on every screen that offers them: the
		// queue, the board, the look-up and the account panel in a ticket.
		Audit: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", loc.T("help.audit"))),
		// ctrl+o and f2 open a list while typing, as they do for macros.
		Pick:        key.NewBinding(key.WithKeys("ctrl+o", "f2"), key.WithHelp("ctrl+o", loc.T("help.pick_agent"))),
		Unmask:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", loc.T("help.unmask"))),
		Escalate:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", loc.T("help.escalate"))),
		CancelReset: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", loc.T("help.cancel_reset"))),
		// N: n is the ticket's note, and the account panel sits in the ticket.
		ResendReset: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", loc.T("help.resend_notice"))),
		// t, m, i, a, z, R and x are free on the screens that offer them:
		// the queue and the look-up (t), the call (the others).
		Call:         key.NewBinding(key.WithKeys("t"), key.WithHelp("t", loc.T("help.take_call"))),
		EndCall:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", loc.T("help.end_call"))),
		ScriptMFA:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", loc.T("help.script_mfa"))),
		ScriptIDV:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", loc.T("help.script_idv"))),
		CallAccount:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", loc.T("help.call_account"))),
		Steps:        key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab/"+loc.T("keycap.shift_tab"), loc.T("help.steps"))),
		Outcome:      key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", loc.T("help.outcome"))),
		Record:       key.NewBinding(key.WithKeys("enter"), key.WithHelp(enter, loc.T("help.record"))),
		Zone:         key.NewBinding(key.WithKeys("z"), key.WithHelp("z", loc.T("help.zone"))),
		LimiterReset: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", loc.T("help.limiter_reset"))),
		// H is free on the queue and the board; r and d on the held list.
		Held:    key.NewBinding(key.WithKeys("H"), key.WithHelp("H", loc.T("help.held"))),
		Release: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", loc.T("help.release"))),
		Discard: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", loc.T("help.discard"))),
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

// withHelp returns b with another help text.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
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

// isCursor reports whether msg moves a list's cursor; cursorStep says how
// far.
func (k *keyMap) isCursor(msg tea.KeyMsg) bool {
	return key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom)
}

// cursorStep is how far a cursor key moves in a list of count rows with
// page rows on screen: one, a page, or to either end.
func (k *keyMap) cursorStep(msg tea.KeyMsg, page, count int) int {
	switch {
	case key.Matches(msg, k.Up):
		return -1
	case key.Matches(msg, k.Down):
		return 1
	case key.Matches(msg, k.PageUp):
		return -page
	case key.Matches(msg, k.PageDown):
		return page
	case key.Matches(msg, k.Top):
		return -count
	case key.Matches(msg, k.Bottom):
		return count
	}
	return 0
}
