package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// The lock screen's fields, in tab order.
const (
	lockPassword = iota
	lockCode
)

// lockFieldNames are the core's field names, also the "field.<name>" ids.
var lockFieldNames = []string{"password", "code"}

// lockPage covers the screens after the idle limit: the agent proves it is
// still itself with its password and a fresh TOTP code. It hides what was
// on screen and changes nothing under it, so the unlock returns to the same
// screen with any draft.
type lockPage struct {
	c *common
	fieldForm
	pw     int   // the password's input, -1 over SSH: the key proved possession, the code alone unlocks
	code   int   // the code's input
	byCore bool  // core locked the session before the console's timer did
	err    error // kept as an error so a language switch re-localizes it
	busy   bool
	width  int
	height int
}

func newLockPage(c *common, byCore bool) *lockPage {
	if c.kind == "ssh" {
		return &lockPage{c: c, byCore: byCore, pw: -1, code: 0,
			fieldForm: newFieldForm(c, lockFieldNames[lockCode:], []int{6})}
	}
	p := &lockPage{c: c, byCore: byCore, pw: lockPassword, code: lockCode,
		fieldForm: newFieldForm(c, lockFieldNames, []int{128, 6})}
	p.inputs[lockPassword].EchoMode = textinput.EchoPassword
	p.inputs[lockPassword].EchoCharacter = '•'
	return p
}

// Init has nothing to start.
func (p *lockPage) Init() tea.Cmd { return nil }

// InputFocused reports that a field always has focus on this screen.
func (p *lockPage) InputFocused() bool { return true }

// Title names the screen in the header.
func (p *lockPage) Title() string { return p.c.loc.T("lock.title") }

// ShortHelp lists the form's keys and the way out.
func (p *lockPage) ShortHelp() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.SignIn, p.c.loc.T("help.unlock")), k.Next, k.SignOut}
}

// FullHelp groups the form's keys.
func (p *lockPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{
		{withHelp(k.SignIn, p.c.loc.T("help.unlock")), k.backAs(p.c.loc.T("help.clear_field"))},
		{k.Next, k.Prev},
	}
}

// SetSize fits the inputs beside their labels.
func (p *lockPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.setWidth(p.c, w)
}

// refresh follows a language switch: the labels' width may change.
func (p *lockPage) refresh() { p.SetSize(p.width, p.height) }

// Update moves between the fields, submits, and types.
func (p *lockPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := p.c.keys
	if msg, ok := msg.(tea.KeyMsg); ok {
		switch {
		case p.moveKey(k, msg):
			return p, nil
		case key.Matches(msg, k.SignIn):
			return p, p.submit()
		case key.Matches(msg, k.Back):
			p.inputs[p.focus].Reset()
			p.err = nil
			return p, nil
		}
	}
	return p, p.update(msg)
}

// submit checks both fields are filled, then unlocks from a command.
func (p *lockPage) submit() tea.Cmd {
	if p.busy {
		return nil
	}
	if p.err = p.missing(); p.err != nil {
		return nil
	}
	p.busy = true
	password := ""
	if p.pw >= 0 {
		password = p.inputs[p.pw].Value()
	}
	return unlockCmd(p.c.ctx, p.c.backend, p.c.token(), password, strings.TrimSpace(p.inputs[p.code].Value()))
}

// failed shows a refused unlock. A code is single use, so the next try
// needs a fresh one.
func (p *lockPage) failed(err error) {
	p.busy, p.err = false, err
	p.inputs[p.code].Reset()
	p.setFocus(p.code)
	if p.pw >= 0 && p.inputs[p.pw].Value() == "" {
		p.setFocus(p.pw)
	}
}

// View explains the lock and shows the form; nothing of the screen under
// it shows.
func (p *lockPage) View() string {
	loc, s := p.c.loc, p.c.styles
	hint := loc.T("lock.idle_hint", map[string]any{"Duration": loc.Duration(p.c.idleLock)})
	switch {
	case p.byCore && p.pw < 0:
		hint = loc.T("lock.key_core_hint")
	case p.byCore:
		hint = loc.T("lock.core_hint")
	case p.pw < 0:
		hint = loc.T("lock.key_idle_hint", map[string]any{"Duration": loc.Duration(p.c.idleLock)})
	}
	lines := []string{
		s.Heading.Render(truncate(loc.T("lock.heading"), p.width)),
		s.Muted.Render(wrap(hint, max(1, p.width))),
		"",
	}
	lines = append(lines, p.rows(p.c)...)
	switch {
	case p.busy:
		lines = append(lines, s.Busy.Render(loc.T("lock.busy")))
	case p.err != nil:
		lines = append(lines, s.Error.Render(wrap("✗ "+loc.Err(p.err), max(1, p.width))))
	default:
		lines = append(lines, "")
	}
	if p.c.agent != nil {
		who := loc.T("lock.who", map[string]any{"Name": sanitizeLine(p.c.agent.DisplayName)})
		lines = append(lines, "", s.Muted.Render(wrap(who, max(1, p.width))))
	}
	return strings.Join(lines, "\n")
}
