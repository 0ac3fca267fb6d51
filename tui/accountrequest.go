package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
)

// changeForm asks, with a reason, for a change on the account in view that
// a supervisor other than the asker must approve (dual control).
type changeForm struct {
	kind dual.Kind
	reasonField
}

// changeKind is the change the account's status calls for: reinstate a
// suspended account, suspend any other.
func (a *accountPanel) changeKind() dual.Kind {
	if a.v != nil && a.v.Status == account.StatusSuspended {
		return dual.KindReinstate
	}
	return dual.KindSuspend
}

// canRequest reports whether the agent may ask for the change: the matrix
// grants it on any account (contact-center staff), never on a lite view.
func (a *accountPanel) canRequest() bool {
	return a.v != nil && !a.v.Lite && a.c.can(a.changeKind(), access.ScopeAny)
}

// requestKey is the key that opens the form, with help naming the change;
// ok is false when the agent may not ask.
func (a *accountPanel) requestKey() (key.Binding, bool) {
	if !a.canRequest() || a.form != nil {
		return key.Binding{}, false
	}
	id := "help.request_suspend"
	if a.changeKind() == dual.KindReinstate {
		id = "help.request_reinstate"
	}
	return withHelp(a.c.keys.RequestChange, a.c.loc.T(id)), true
}

// openForm opens the request form for the change the status calls for.
func (a *accountPanel) openForm() tea.Cmd {
	f := &changeForm{kind: a.changeKind(), reasonField: newReasonField(a)}
	a.form = f
	f.setWidth(a)
	a.notice = notice{}
	a.render()
	return f.reason.Focus()
}

// help lists the form's keys.
func (f *changeForm) help(a *accountPanel) []key.Binding {
	k := a.c.keys
	return []key.Binding{withHelp(k.Apply, a.c.loc.T("help.send_request")), k.Cancel}
}

// key sends the request on enter, closes the form on esc, and types.
func (f *changeForm) key(a *accountPanel, msg tea.KeyMsg) tea.Cmd {
	k := a.c.keys
	switch {
	case key.Matches(msg, k.Apply):
		reason, ok := f.send()
		if !ok {
			return nil
		}
		return requestChangeCmd(a.c.ctx, a.c.backend, a.c.token(), f.kind, a.v.ID, reason, a.owner)
	case key.Matches(msg, k.Back):
		a.closeForm()
		return nil
	}
	return f.typeKey(msg)
}

// requested takes the request's answer: a flash on success; a refusal
// stays in the form with the reason typed, or flashes if it was closed.
func (a *accountPanel) requested(msg changeRequestedMsg) {
	if a.v == nil || msg.accountID != a.v.ID {
		return
	}
	f, open := a.form.(*changeForm)
	switch {
	case msg.err == nil:
		if open {
			a.form = nil
		}
		a.notice = notice{id: "request.sent"}
	case open:
		f.busy, f.err = false, msg.err
	default:
		a.notice = notice{id: "request.failed", kind: noticeErr, err: msg.err}
		if fault.CodeOf(msg.err) == fault.CodeConflict {
			a.notice = notice{id: "request.conflict", kind: noticeWarn}
		}
	}
	a.render()
}

// lines are the form: its heading, the reason and its status.
func (f *changeForm) lines(a *accountPanel) []string {
	loc, s := a.c.loc, a.c.styles
	heading := "request.heading_suspend"
	if f.kind == dual.KindReinstate {
		heading = "request.heading_reinstate"
	}
	status := ""
	switch {
	case f.busy:
		status = s.Busy.Render(truncate(loc.T("request.sending"), a.width))
	case f.err != nil && fault.CodeOf(f.err) == fault.CodeConflict:
		status = s.Warn.Render(truncate("! "+loc.T("request.conflict"), a.width))
	case f.err != nil:
		status = s.Error.Render(truncate("✗ "+loc.Err(f.err), a.width))
	}
	return []string{
		s.Heading.Render(truncate(loc.T(heading), a.width)),
		f.line(a),
		status,
	}
}
