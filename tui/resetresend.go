package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/access"
	"supportdesk/core/staff"
)

// An agent sends the account reset's current notice again to every
// address of record: the request while it waits, the grant once granted
// (the deletion link stays on the user's account page, never in a
// notice). Core allows 3 an hour and audits each; the console asks to
// confirm first.

// resetResentMsg answers a resend.
type resetResentMsg struct {
	to        int
	accountID string
	err       error
}

func (m resetResentMsg) callErr() error { return m.err }
func (m resetResentMsg) panelOf() int   { return m.to }

func resendResetCmd(ctx context.Context, b Accounts, tok staff.Token, accountID string, to int) tea.Cmd {
	return func() tea.Msg {
		err := do(ctx, func(ctx context.Context) error { return b.ResendResetNotice(ctx, tok, accountID) })
		return resetResentMsg{to: to, accountID: accountID, err: err}
	}
}

// resendForm asks to confirm the resend.
type resendForm struct {
	busy bool
	err  error
}

// canResendReset reports whether the account has a reset whose notice can
// go again and the matrix lets the agent send it.
func (a *accountPanel) canResendReset() bool {
	return a.v != nil && !a.v.Lite && resetUnderWay(a.v) && a.c.can(access.ActResetResend, access.ScopeAny)
}

// openResendReset asks to confirm the resend.
func (a *accountPanel) openResendReset() tea.Cmd {
	a.form = &resendForm{}
	a.notice = notice{}
	a.render()
	return nil
}

func (f *resendForm) setWidth(*accountPanel) {}

// draft: nothing is typed in this form.
func (f *resendForm) draft() bool { return false }

func (f *resendForm) help(a *accountPanel) []key.Binding {
	return []key.Binding{withHelp(a.c.keys.Confirm, a.c.loc.T("help.resend_notice")), a.c.keys.Cancel}
}

// key sends on y; esc, or any other key, closes the form.
func (f *resendForm) key(a *accountPanel, msg tea.KeyMsg) tea.Cmd {
	if f.busy {
		return nil
	}
	if !key.Matches(msg, a.c.keys.Confirm) {
		a.closeForm()
		return nil
	}
	f.busy, f.err = true, nil
	a.render()
	return resendResetCmd(a.c.ctx, a.c.backend, a.c.token(), a.v.ID, a.owner)
}

// lines draw the question, then the work or core's refusal.
func (f *resendForm) lines(a *accountPanel) []string {
	loc, s := a.c.loc, a.c.styles
	out := styledLines(s.Heading, loc.T("reset_resend.heading"), a.width)
	switch {
	case f.busy:
		out = append(out, s.Busy.Render(truncate(loc.T("reset_resend.busy"), a.width)))
	case f.err != nil:
		out = append(out, styledLines(s.Error, "✗ "+loc.Err(f.err), a.width)...)
	default:
		out = append(out, styledLines(s.Warn, "! "+loc.T("reset_resend.confirm"), a.width)...)
	}
	return out
}

// resetResent takes core's answer: a flash on success; a refusal (3 an
// hour, a reset no longer pending) stays in the form until a key closes it.
func (a *accountPanel) resetResent(msg resetResentMsg) tea.Cmd {
	if a.v == nil || msg.accountID != a.v.ID {
		return nil
	}
	f, open := a.form.(*resendForm)
	switch {
	case msg.err != nil && open:
		f.busy, f.err = false, msg.err
	case msg.err != nil:
		a.notice = notice{id: "reset_resend.failed", kind: noticeErr, err: msg.err}
	default:
		if open {
			a.form = nil
		}
		a.notice = notice{id: "reset_resend.done"}
	}
	a.render()
	return nil
}
