package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// The sign-in fields, in tab order.
const (
	fieldEmail = iota
	fieldPassword
	fieldCode
)

// fieldNames are the core's field names, also the i18n "field.<name>" ids.
var fieldNames = []string{"email", "password", "code"}

// totpStep is the TOTP time step, for the demo box's countdown.
const totpStep = 30

// signInPage asks for email, password and TOTP code and, in demo mode only,
// lists the demo agents with their live codes. Over SSH the key named the
// agent already, so it asks for the TOTP code only.
type signInPage struct {
	c *common
	fieldForm
	at     [3]int       // each field's input (fieldEmail...), -1 when not asked
	err    error        // kept as an error so a language switch re-localizes it
	notice signInNotice // why the last session ended, until the next try
	busy   bool
	now    time.Time // last demo refresh
	width  int
	height int
}

func newSignInPage(c *common) *signInPage {
	if c.keyFP != "" {
		return &signInPage{c: c, now: c.now(), at: [3]int{-1, -1, 0},
			fieldForm: newFieldForm(c, fieldNames[fieldCode:], []int{6})}
	}
	p := &signInPage{c: c, now: c.now(), at: [3]int{0, 1, 2}, fieldForm: newFieldForm(c, fieldNames, []int{254, 128, 6})}
	p.inputs[fieldPassword].EchoMode = textinput.EchoPassword
	p.inputs[fieldPassword].EchoCharacter = '•'
	return p
}

// value is what was typed in field (fieldEmail...), "" when not asked.
func (p *signInPage) value(field int) string {
	if p.at[field] < 0 {
		return ""
	}
	return p.inputs[p.at[field]].Value()
}

// clear empties field, when it is asked.
func (p *signInPage) clear(field int) {
	if p.at[field] >= 0 {
		p.inputs[p.at[field]].Reset()
	}
}

// Init starts the demo clock; outside demo mode nothing ticks.
func (p *signInPage) Init() tea.Cmd {
	if len(p.c.demo) == 0 {
		return nil
	}
	return tickCmd(p.c.base, p.c.now)
}

// signInNotice says why the sign-in screen is back: a message id (signed
// out), an error core gave for the session (expired, ended, agent
// disabled), or both (a sign-out core could not record).
type signInNotice struct {
	id  string
	err error
}

// reset readies the form after a session ended: secrets gone, the reason
// shown, the email kept for the next sign-in.
func (p *signInPage) reset(n signInNotice) {
	p.clearSecrets()
	p.notice = n
	switch {
	case p.at[fieldEmail] < 0:
		p.setFocus(p.at[fieldCode])
	case strings.TrimSpace(p.value(fieldEmail)) == "":
		p.setFocus(p.at[fieldEmail])
	default:
		p.setFocus(p.at[fieldPassword])
	}
}

// clearSecrets drops the password and code once they have been used.
func (p *signInPage) clearSecrets() {
	p.clear(fieldPassword)
	p.clear(fieldCode)
	p.busy = false
	p.err = nil
}

// InputFocused reports that a field always has focus on this screen.
func (p *signInPage) InputFocused() bool { return true }

// Title names the screen in the header.
func (p *signInPage) Title() string { return p.c.loc.T("signin.title") }

// ShortHelp lists the form's keys.
func (p *signInPage) ShortHelp() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.SignIn, k.Next}
}

// FullHelp groups the form's keys.
func (p *signInPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{{k.SignIn, k.backAs(p.c.loc.T("help.clear_field"))}, {k.Next, k.Prev}}
}

// SetSize fits the inputs beside their labels.
func (p *signInPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.setWidth(p.c, w)
}

// Update handles field navigation, submission and the demo clock.
func (p *signInPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k := p.c.keys
	switch msg := msg.(type) {
	case tickMsg:
		p.now = time.Time(msg)
		return p, tickCmd(p.c.base, p.c.now)
	case signInFailedMsg:
		p.busy = false
		p.err = msg.err
		p.clear(fieldCode) // a code is single use; the next try needs a fresh one
		return p, nil
	case tea.KeyMsg:
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

// submit checks that every field is filled, then signs in from a command.
func (p *signInPage) submit() tea.Cmd {
	if p.busy {
		return nil
	}
	if p.err = p.missing(); p.err != nil {
		return nil
	}
	p.busy, p.notice = true, signInNotice{}
	code := strings.TrimSpace(p.value(fieldCode))
	if p.c.keyFP != "" {
		return signInByKeyCmd(p.c.ctx, p.c.backend, p.c.keyFP, code)
	}
	return signInCmd(p.c.ctx, p.c.backend, strings.TrimSpace(p.value(fieldEmail)), p.value(fieldPassword), code, p.c.kind)
}

// View renders the form, its status line and, in demo mode, the demo box.
// On a short terminal it drops spacing, then the hint, then the box border
// rather than cut the demo codes off.
func (p *signInPage) View() string {
	loc, s := p.c.loc, p.c.styles
	heading := s.Heading.Render(loc.T("signin.heading"))
	hintID := "signin.hint"
	if p.c.keyFP != "" {
		hintID = "signin.key_hint"
	}
	hint := s.Muted.Render(wrap(loc.T(hintID), p.width))
	fields := append(p.rows(p.c), p.statusLine())
	form := strings.Join(fields, "\n")
	if len(p.c.demo) == 0 {
		return strings.Join([]string{heading, hint, "", form}, "\n")
	}
	variants := [][]string{
		{heading, hint, "", form, "", p.demoView(true)},
		{heading, hint, form, "", p.demoView(true)},
		{heading, hint, form, p.demoView(true)},
		{heading, form, p.demoView(true)},
		{heading, form, p.demoView(false)},
	}
	var out string
	for _, v := range variants {
		out = strings.Join(v, "\n")
		if lipgloss.Height(out) <= p.height {
			break
		}
	}
	return out
}

// statusLine shows progress or the localized error, never raw error text.
func (p *signInPage) statusLine() string {
	s := p.c.styles
	switch {
	case p.busy:
		return s.Busy.Render(p.c.loc.T("signin.busy"))
	case p.err != nil:
		return s.Error.Render(wrap("✗ "+p.c.loc.Err(p.err), p.width))
	case p.notice.id != "" && p.notice.err != nil:
		return s.Warn.Render(wrap("! "+p.c.loc.T(p.notice.id)+" "+p.c.loc.Err(p.notice.err), p.width))
	case p.notice.err != nil:
		return s.Warn.Render(wrap("! "+p.c.loc.Err(p.notice.err), p.width))
	case p.notice.id != "":
		return s.OK.Render(wrap("✓ "+p.c.loc.T(p.notice.id), p.width))
	}
	return ""
}

// demoView lists the demo agents with their current codes: a table when it
// fits, one entry per agent over two lines when it does not.
func (p *signInPage) demoView(boxed bool) string {
	loc, s := p.c.loc, p.c.styles
	headers := []string{loc.T("demo.role"), loc.T("field.email"), loc.T("field.password"), loc.T("demo.code")}
	rows := make([][]string, 0, len(p.c.demo))
	for _, d := range p.c.demo {
		code := "——————"
		if d.TOTP != nil {
			code = sanitizeLine(d.TOTP(p.now))
		}
		rows = append(rows, []string{loc.T("role." + string(d.Role)), sanitizeLine(d.Email), sanitizeLine(d.Password), code})
	}
	inner := p.width
	if boxed {
		inner = max(20, p.width-4) // border and padding
	}
	body := s.table(0, 1<<16, headers, rows) // natural width, nothing cut
	if lipgloss.Width(body) > inner {
		items := make([]string, 0, len(rows))
		for _, r := range rows {
			items = append(items, s.item(0, inner, r[0], r[1]+" · "+r[2]+" · "+r[3]))
		}
		body = strings.Join(items, "\n")
	}
	left := totpStep - int(p.now.Unix()%totpStep)
	content := s.BoxTitle.Render(loc.T("demo.title")) + "\n" + body + "\n" +
		s.Muted.Render(loc.N("demo.renews", left, nil))
	if !boxed {
		return content
	}
	return s.Box.Render(content)
}
