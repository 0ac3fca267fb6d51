package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/desk"
	"supportdesk/core/fault"
)

// lookupHeader is the number of lines above the result: query, hint,
// status and a blank line.
const lookupHeader = 4

// lookupPage finds one account by exact email, phone or UUID and shows its
// masked view in tabs.
type lookupPage struct {
	c      *common
	id     int
	input  textinput.Model
	acct   *accountPanel
	view   *desk.AccountView
	err    error
	busy   bool
	seq    int  // id of the latest request; older answers are dropped
	home   bool // the agent's home screen; otherwise esc goes back
	width  int
	height int
}

func newLookupPage(c *common) *lookupPage {
	ti := textinput.New()
	c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.CharLimit = desk.MaxQueryLength
	p := &lookupPage{c: c, id: c.nextID(), input: ti}
	p.acct = newAccountPanel(c, p.id)
	p.acct.reload = p.reloadAccount
	p.focusInput()
	return p
}

// Init has nothing to start.
func (p *lookupPage) Init() tea.Cmd { return nil }

func (p *lookupPage) focusInput() {
	p.input.Focus()
	p.input.Prompt = "> "
}

func (p *lookupPage) blurInput() {
	p.input.Blur()
	p.input.Prompt = "  "
}

// InputFocused reports whether keys go to the query field or the
// account's request form.
func (p *lookupPage) InputFocused() bool { return p.input.Focused() || p.acct.formOpen() }

// hasDraft reports text typed in the account panel's form and not sent.
func (p *lookupPage) hasDraft() bool { return p.acct.hasDraft() }

// Title names the screen in the header.
func (p *lookupPage) Title() string { return p.c.loc.T("lookup.title") }

// SetSize gives the result the height left under the query.
func (p *lookupPage) SetSize(w, h int) {
	resized := w != p.width
	p.width, p.height = w, h
	p.input.Width = max(10, w-p.labelWidth()-4)
	p.acct.SetSize(w, max(1, h-lookupHeader))
	if resized {
		p.refresh()
	}
}

func (p *lookupPage) labelWidth() int { return lipgloss.Width(p.c.loc.T("field.query")) }

// refresh re-renders the result, after a resize or a language switch.
func (p *lookupPage) refresh() {
	p.acct.refresh()
}

// Update runs searches and scrolls the result.
func (p *lookupPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case lookupDoneMsg:
		if msg.reload {
			p.reloaded(msg)
			return p, nil
		}
		if msg.seq != p.seq || !p.busy {
			return p, nil // an answer to a search the agent abandoned
		}
		p.busy = false
		if msg.err != nil {
			p.err = msg.err // the query stays so the agent can fix it
			return p, nil
		}
		v := msg.view
		p.view, p.err = &v, nil
		p.input.Reset() // the query is PII: off the screen once answered
		p.blurInput()
		p.acct.setView(p.view)
		return p, nil
	case panelMsg:
		cmd, _ := p.acct.update(msg)
		return p, cmd
	case tea.KeyMsg:
		if p.input.Focused() {
			return p, p.typing(msg)
		}
		return p, p.browsing(msg)
	}
	if p.input.Focused() { // a paste, say
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	return p, nil
}

// typing handles keys while the query has focus.
func (p *lookupPage) typing(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Search):
		return p.submit()
	case key.Matches(msg, k.Back):
		switch {
		case p.busy:
			p.busy = false
			p.seq++ // cancel: the late answer will be dropped
		case p.input.Value() != "" || p.err != nil:
			p.input.Reset()
			p.err = nil
		case p.view != nil || p.home:
			// On the home screen, esc leaves the query so the screen's
			// keys (the audit log, quit) work.
			p.blurInput()
		default:
			return navCmd(backMsg{})
		}
		return nil
	case msg.Type == tea.KeyTab && p.view != nil:
		p.blurInput()
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// browsing handles keys while the result has focus.
func (p *lookupPage) browsing(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	if p.acct.formOpen() {
		cmd, _ := p.acct.update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.NewSearch):
		p.focusInput()
		return nil
	case key.Matches(msg, k.Audit) && p.c.canReadAudit():
		return navCmd(openAuditMsg{})
	case key.Matches(msg, k.Back) && p.view == nil:
		p.focusInput() // nothing to close: back to the query
		return nil
	case key.Matches(msg, k.Back):
		p.view = nil
		p.acct.setView(nil)
		p.focusInput()
		return nil
	case key.Matches(msg, k.TabNext):
		return p.acct.step(1)
	case key.Matches(msg, k.TabPrev):
		return p.acct.step(-1)
	}
	cmd, _ := p.acct.update(msg)
	return cmd
}

// reloadAccount reads the account in view again by its UUID, after an
// action that changed it; the query and the panel's tab stay as they are.
func (p *lookupPage) reloadAccount() tea.Cmd {
	if p.view == nil || p.busy || p.c.agent == nil {
		return nil
	}
	read := lookupCmd(p.c.ctx, p.c.backend, p.c.token(), p.view.ID, p.seq)
	return func() tea.Msg {
		msg, _ := read().(lookupDoneMsg)
		msg.reload = true
		return msg
	}
}

// reloaded shows the account as read again, if it is still the one in
// view and no search started since; a failed read keeps the old view.
func (p *lookupPage) reloaded(msg lookupDoneMsg) {
	if msg.err != nil || msg.seq != p.seq || p.busy || p.view == nil || msg.view.ID != p.view.ID {
		return
	}
	v := msg.view
	p.view = &v
	p.acct.setView(p.view)
}

// reopen readies the screen when the agent comes back to it from the queue:
// the last result stays, with the query focused for the next call.
func (p *lookupPage) reopen() {
	p.err = nil
	p.focusInput()
}

// submit starts a look-up; empty queries never reach the backend.
func (p *lookupPage) submit() tea.Cmd {
	if p.busy {
		return nil
	}
	q := strings.TrimSpace(p.input.Value())
	if q == "" {
		p.err = fault.Invalid("query", fault.CodeInvalidInput)
		return nil
	}
	p.busy, p.err = true, nil
	p.view = nil // an old result under a new search would mislead
	p.acct.setView(nil)
	p.seq++
	return lookupCmd(p.c.ctx, p.c.backend, p.c.token(), q, p.seq)
}

// ShortHelp lists the keys that work in the current focus.
func (p *lookupPage) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.input.Focused():
		return []key.Binding{k.Search, p.escKey()}
	case p.acct.formOpen():
		return p.acct.formHelp()
	case p.view == nil:
		return p.idleKeys()
	}
	short := []key.Binding{k.NewSearch, k.Tabs, k.Scroll}
	if p.acct.canEscalate() {
		short = append(short, k.Escalate) // an agency desk's one action: in sight
	}
	return append(short, k.backAs(p.c.loc.T("help.close_result")))
}

// idleKeys are the keys with the query left and no result: a new search,
// and the audit log for those who read it.
func (p *lookupPage) idleKeys() []key.Binding {
	keys := []key.Binding{p.c.keys.NewSearch}
	if p.c.canReadAudit() {
		keys = append(keys, p.c.keys.Audit)
	}
	return keys
}

// escKey is esc as it acts now in the query: it clears, or once there is
// nothing left to clear goes back to the queue, or on the home screen
// leaves the query for the screen's keys.
func (p *lookupPage) escKey() key.Binding {
	k := p.c.keys
	if p.busy || p.input.Value() != "" || p.err != nil || p.view != nil {
		return k.Back
	}
	if p.home {
		return k.backAs(p.c.loc.T("help.leave_query"))
	}
	return k.backAs(p.c.loc.T("help.back"))
}

// FullHelp groups the screen's keys.
func (p *lookupPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	switch {
	case p.input.Focused():
		return [][]key.Binding{{k.Search, p.escKey()}}
	case p.acct.formOpen():
		return [][]key.Binding{p.acct.formHelp()}
	case p.view == nil:
		return [][]key.Binding{p.idleKeys()}
	}
	// The account's actions come first: a narrow footer cuts the last
	// columns.
	var full [][]key.Binding
	if keys := p.acct.actionKeys(); len(keys) > 0 {
		full = append(full, keys)
	}
	other := []key.Binding{k.NewSearch, k.backAs(p.c.loc.T("help.close_result"))}
	if p.c.canReadAudit() {
		other = append(other, k.Audit)
	}
	return append(full, []key.Binding{k.Scroll, k.Page}, []key.Binding{k.Tabs, k.TabNumber}, other)
}

// View renders the query line, its status and the result.
func (p *lookupPage) View() string {
	loc, s := p.c.loc, p.c.styles
	var b strings.Builder
	b.WriteString(s.Label.Render(loc.T("field.query")) + "  " + p.input.View() + "\n")
	b.WriteString(s.Muted.Render(truncate(loc.T("lookup.hint"), p.width)) + "\n")
	switch {
	case p.busy:
		b.WriteString(s.Busy.Render(loc.T("lookup.busy")))
	case p.err != nil:
		b.WriteString(s.Error.Render(wrap("✗ "+loc.Err(p.err), p.width)))
	}
	b.WriteString("\n\n")
	if p.view == nil {
		b.WriteString(s.Muted.Render(wrap(loc.T("lookup.empty"), p.width)))
		if len(p.c.demoQs) > 0 {
			b.WriteString("\n\n" + s.Muted.Render(wrap(loc.T("lookup.demo_examples",
				map[string]any{"Examples": sanitizeLine(strings.Join(p.c.demoQs, "  ·  "))}), p.width)))
		}
	} else {
		b.WriteString(p.acct.View())
	}
	return b.String()
}
