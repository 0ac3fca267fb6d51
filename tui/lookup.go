package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/desk"
)

// lookupHeader is the number of lines above a verified caller's account:
// the badge, the hint, the status and a blank line.
const lookupHeader = 4

// lookupPage is caller verification: the caller states an email or a
// phone, a code goes to it if it is a contact of record, and only the
// right code read back opens the account, in tabs, with a badge saying
// until when the caller stays verified. The screen is the same whether or
// not an account exists until then. Accounts linked to tickets stay
// reachable from the ticket's account pane.
type lookupPage struct {
	c      *common
	id     int
	ver    *verifier
	acct   *accountPanel
	seq    int  // the latest reload of the account in view
	home   bool // the agent's home screen; otherwise esc goes back
	width  int
	height int
}

func newLookupPage(c *common) *lookupPage {
	p := &lookupPage{c: c, id: c.nextID()}
	p.ver = newVerifier(c, p.id, 0)
	p.acct = newAccountPanel(c, p.id)
	p.acct.reload = p.reloadAccount
	return p
}

// Init has nothing to start.
func (p *lookupPage) Init() tea.Cmd { return nil }

// InputFocused reports whether keys go to a verification field or the
// account's form.
func (p *lookupPage) InputFocused() bool { return p.ver.focused() || p.acct.formOpen() }

// hasDraft reports text typed in the account panel's form and not sent.
func (p *lookupPage) hasDraft() bool { return p.acct.hasDraft() }

// Title names the screen in the header.
func (p *lookupPage) Title() string { return p.c.loc.T("verify.title") }

// SetSize gives the account the height left under the badge.
func (p *lookupPage) SetSize(w, h int) {
	resized := w != p.width
	p.width, p.height = w, h
	p.ver.setWidth(w)
	p.acct.SetSize(w, max(1, h-lookupHeader))
	if resized {
		p.refresh()
	}
}

// refresh re-renders the account, after a resize or a language switch.
func (p *lookupPage) refresh() {
	p.ver.setWidth(p.width)
	p.acct.refresh()
}

// view is the verified caller's account, nil when none is open.
func (p *lookupPage) view() *desk.AccountView {
	if p.ver.step != verifyDone {
		return nil
	}
	return p.ver.account
}

// sync shows the verified account in the panel, or none.
func (p *lookupPage) sync() {
	if v := p.view(); v != p.acct.v {
		p.acct.setView(v)
	}
}

// Update runs the verification and the account's keys and answers.
func (p *lookupPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case lookupDoneMsg:
		if msg.to == p.id {
			p.reloaded(msg)
		}
		return p, nil
	case addressedMsg:
		if msg.addressedTo() != p.id {
			return p, nil
		}
		cmd := p.ver.update(msg)
		p.sync()
		return p, cmd
	case panelMsg:
		cmd, _ := p.acct.update(msg)
		return p, cmd
	case tea.KeyMsg:
		var cmd tea.Cmd
		if p.ver.focused() {
			cmd = p.typing(msg)
		} else {
			cmd = p.browsing(msg)
		}
		p.sync()
		return p, cmd
	}
	return p, p.ver.paste(msg) // a paste, say
}

// typing handles keys while a verification field has focus.
func (p *lookupPage) typing(msg tea.KeyMsg) tea.Cmd {
	cmd, done := p.ver.key(msg)
	if done {
		return cmd
	}
	// esc with nothing left to clear: on the home screen it leaves the
	// field so the screen's keys (the audit log, quit) work.
	if p.home {
		p.ver.blur()
		return nil
	}
	return navCmd(backMsg{})
}

// browsing handles keys while no field has focus: the account's, or the
// screen's own.
func (p *lookupPage) browsing(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	if p.acct.formOpen() {
		cmd, _ := p.acct.update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.Audit) && p.c.canReadAudit():
		return navCmd(openAuditMsg{})
	case key.Matches(msg, k.Call) && p.c.takesCalls():
		return navCmd(openCallMsg{})
	case p.view() == nil:
		switch {
		case key.Matches(msg, k.NewSearch), key.Matches(msg, k.Search), key.Matches(msg, k.Back):
			if p.ver.step == verifySpent {
				p.ver.restart()
			}
			p.ver.focus()
		}
		return nil
	case key.Matches(msg, k.NewSearch), key.Matches(msg, k.Back):
		p.ver.restart() // another caller: the account closes
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
// action that changed it; the verification and the panel's tab stay.
func (p *lookupPage) reloadAccount() tea.Cmd {
	v := p.view()
	if v == nil || p.c.agent == nil {
		return nil
	}
	p.seq++
	return lookupCmd(p.c.ctx, p.c.backend, p.c.token(), v.ID, p.id, p.seq)
}

// reloaded shows the account as read again, if it is still the one in
// view; a failed read keeps the old view.
func (p *lookupPage) reloaded(msg lookupDoneMsg) {
	v := p.view()
	if msg.err != nil || msg.seq != p.seq || v == nil || msg.view.ID != v.ID {
		return
	}
	nv := msg.view
	p.ver.account = &nv
	p.sync()
}

// reopen readies the screen when the agent comes back to it from the
// queue: a verified account stays; otherwise the field has focus for the
// next call.
func (p *lookupPage) reopen() {
	p.ver.err, p.ver.hint = nil, ""
	if p.view() == nil {
		if p.ver.step == verifySpent {
			p.ver.restart()
		}
		p.ver.focus()
	}
}

// ShortHelp lists the keys that work in the current focus.
func (p *lookupPage) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.ver.focused():
		return append(p.ver.help(), p.escKey())
	case p.acct.formOpen():
		return p.acct.formHelp()
	case p.view() == nil:
		return p.idleKeys()
	}
	short := []key.Binding{withHelp(k.NewSearch, p.c.loc.T("help.new_caller")), k.Tabs, k.Scroll}
	if p.acct.canEscalate() {
		short = append(short, k.Escalate) // an agency desk's one action: in sight
	}
	return append(short, k.backAs(p.c.loc.T("help.close_result")))
}

// idleKeys are the keys with the field left and no account: verify a
// caller, take a call, and the audit log for those who read it.
func (p *lookupPage) idleKeys() []key.Binding {
	keys := []key.Binding{withHelp(p.c.keys.NewSearch, p.c.loc.T("help.verify_caller"))}
	if p.c.takesCalls() {
		keys = append(keys, p.c.keys.Call)
	}
	if p.c.canReadAudit() {
		keys = append(keys, p.c.keys.Audit)
	}
	return keys
}

// escKey is esc as it acts now in a field: it clears, goes back to the
// contact, or once there is nothing left goes back to the queue, or on the
// home screen leaves the field for the screen's keys.
func (p *lookupPage) escKey() key.Binding {
	k := p.c.keys
	v := p.ver
	switch {
	case v.step == verifyCode && !v.busy && v.code.Value() == "" && v.hint == "":
		return k.backAs(p.c.loc.T("help.other_contact"))
	case v.busy || v.step == verifyCode || v.stated.Value() != "" || v.err != nil || v.hint != "" || !v.ended.IsZero():
		return k.Back
	case p.home:
		return k.backAs(p.c.loc.T("help.leave_query"))
	}
	return k.backAs(p.c.loc.T("help.back"))
}

// FullHelp groups the screen's keys.
func (p *lookupPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	switch {
	case p.ver.focused():
		return [][]key.Binding{append(p.ver.help(), p.escKey())}
	case p.acct.formOpen():
		return [][]key.Binding{p.acct.formHelp()}
	case p.view() == nil:
		return [][]key.Binding{p.idleKeys()}
	}
	// The account's actions come first: a narrow footer cuts the last
	// columns.
	var full [][]key.Binding
	if keys := p.acct.actionKeys(); len(keys) > 0 {
		full = append(full, keys)
	}
	other := []key.Binding{withHelp(k.NewSearch, p.c.loc.T("help.new_caller")), k.backAs(p.c.loc.T("help.close_result"))}
	if p.c.takesCalls() {
		other = append(other, k.Call)
	}
	if p.c.canReadAudit() {
		other = append(other, k.Audit)
	}
	return append(full, []key.Binding{k.Scroll, k.Page}, []key.Binding{k.Tabs, k.TabNumber}, other)
}

// View renders the verification and, once the caller read the right code
// back, the account.
func (p *lookupPage) View() string {
	loc, s := p.c.loc, p.c.styles
	if p.view() != nil {
		if !p.ver.verified() {
			// Past its time with no message since: the account is not drawn.
			return strings.Join(p.ver.lines(p.width), "\n")
		}
		hint := s.Muted.Render(truncate(loc.T("verify.hint_verified"), p.width))
		status := ""
		if st := p.ver.status(p.width); st != "" {
			status = truncate(strings.Split(st, "\n")[0], p.width)
		}
		return strings.Join([]string{p.ver.badge(p.width), hint, status, "", p.acct.View()}, "\n")
	}
	var b strings.Builder
	b.WriteString(strings.Join(p.ver.lines(p.width), "\n"))
	b.WriteString("\n\n")
	if p.ver.step == verifyStated {
		b.WriteString(s.Muted.Render(wrap(loc.T("verify.empty"), p.width)))
		if qs := demoContacts(p.c.demoQs); len(qs) > 0 {
			b.WriteString("\n\n" + s.Muted.Render(wrap(loc.T("lookup.demo_examples",
				map[string]any{"Examples": sanitizeLine(strings.Join(qs, "  ·  "))}), p.width)))
		}
	}
	if len(p.c.demoQs) > 0 && p.ver.step != verifyDone {
		b.WriteString("\n\n" + s.Muted.Render(wrap(loc.T("verify.demo_where"), p.width)))
	}
	return b.String()
}

// demoContacts are the demo's example queries a caller could state: the
// emails and phones, not the UUIDs.
func demoContacts(qs []string) []string {
	var out []string
	for _, q := range qs {
		if kind, _, err := desk.Classify(q); err == nil && kind == desk.QueryUUID {
			continue
		}
		out = append(out, q)
	}
	return out
}
