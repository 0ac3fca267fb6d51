package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/staff"
)

// An agent cancels a waiting or granted account reset on the verified
// caller's word, or as suspected fraud (the account then goes to fraud
// review). Both are audited and notify every address of record; the
// console asks which, then asks to confirm.

// resetCancelReasons are the choices, in the order shown; the message ids
// are "reset_cancel.<reason>" and friends.
var resetCancelReasons = []authn.CancelReason{authn.CancelVerifiedCaller, authn.CancelSuspectedFraud}

// resetCancelledMsg answers a cancellation.
type resetCancelledMsg struct {
	to        int
	accountID string
	why       authn.CancelReason
	err       error
}

func (m resetCancelledMsg) callErr() error { return m.err }
func (m resetCancelledMsg) panelOf() int   { return m.to }

func cancelResetCmd(ctx context.Context, b Accounts, tok staff.Token, accountID string, why authn.CancelReason, to int) tea.Cmd {
	return func() tea.Msg {
		err := do(ctx, func(ctx context.Context) error { return b.CancelReset(ctx, tok, accountID, why) })
		return resetCancelledMsg{to: to, accountID: accountID, why: why, err: err}
	}
}

// cancelForm chooses why the reset is cancelled, then waits for y.
type cancelForm struct {
	cursor  int
	confirm bool
	busy    bool
	err     error
}

// canCancelReset reports whether the account has a reset to cancel and the
// matrix lets the agent cancel it (contact-center staff, never a lite view).
func (a *accountPanel) canCancelReset() bool {
	if a.v == nil || a.v.Lite || a.v.Reset == nil {
		return false
	}
	st := a.v.Reset.Stage
	return (st == account.StageWaiting || st == account.StageGranted) && a.c.can(access.ActResetCancel, access.ScopeAny)
}

// openCancelReset opens the choice on the verified caller's word.
func (a *accountPanel) openCancelReset() tea.Cmd {
	a.form = &cancelForm{}
	a.notice = notice{}
	a.render()
	return nil
}

func (f *cancelForm) setWidth(*accountPanel) {}

// draft: nothing is typed in this form.
func (f *cancelForm) draft() bool { return false }

// help lists the keys of the choice or of the confirmation.
func (f *cancelForm) help(a *accountPanel) []key.Binding {
	k := a.c.keys
	if f.confirm {
		return []key.Binding{k.Confirm, withHelp(k.Cancel, a.c.loc.T("help.back"))}
	}
	return []key.Binding{k.Move, withHelp(k.Choose, a.c.loc.T("help.choose")), k.Cancel}
}

// key moves between the reasons, asks to confirm on enter, and sends on y;
// any other key at the confirmation goes back to the choice.
func (f *cancelForm) key(a *accountPanel, msg tea.KeyMsg) tea.Cmd {
	k := a.c.keys
	if f.busy {
		return nil
	}
	if f.confirm {
		f.confirm = false
		if !key.Matches(msg, k.Confirm) {
			a.render()
			return nil
		}
		f.busy, f.err = true, nil
		a.render()
		return cancelResetCmd(a.c.ctx, a.c.backend, a.c.token(), a.v.ID, resetCancelReasons[f.cursor], a.owner)
	}
	n := len(resetCancelReasons)
	switch {
	case key.Matches(msg, k.Next):
		f.cursor = (f.cursor + 1) % n
	case key.Matches(msg, k.Prev):
		f.cursor = (f.cursor + n - 1) % n
	case key.Matches(msg, k.Choose):
		f.confirm, f.err = true, nil
	case key.Matches(msg, k.Back):
		a.closeForm()
		return nil
	}
	a.render()
	return nil
}

// lines draw the heading, the two reasons and the confirmation or status.
func (f *cancelForm) lines(a *accountPanel) []string {
	loc, s := a.c.loc, a.c.styles
	out := styledLines(s.Heading, loc.T("reset_cancel.heading"), a.width)
	for i, why := range resetCancelReasons {
		text := loc.T("reset_cancel." + string(why))
		if i == f.cursor {
			out = append(out, styledLines(s.Selected, "› "+text, a.width)...)
			continue
		}
		out = append(out, styledLines(s.Text, "  "+text, a.width)...)
	}
	// The confirmation and the error show whole: they say which key does what.
	switch {
	case f.busy:
		out = append(out, s.Busy.Render(truncate(loc.T("reset_cancel.busy"), a.width)))
	case f.confirm:
		out = append(out, styledLines(s.Warn, "! "+loc.T("reset_cancel.confirm_"+string(resetCancelReasons[f.cursor])), a.width)...)
	case f.err != nil:
		out = append(out, styledLines(s.Error, "✗ "+loc.Err(f.err), a.width)...)
	default:
		out = append(out, "")
	}
	return out
}

// resetCancelled takes core's answer: on success a flash and the account
// read again (its reset and status changed); a refusal stays in the form.
func (a *accountPanel) resetCancelled(msg resetCancelledMsg) tea.Cmd {
	if a.v == nil || msg.accountID != a.v.ID {
		return nil
	}
	f, open := a.form.(*cancelForm)
	switch {
	case msg.err != nil && open:
		f.busy, f.err = false, msg.err
		a.render()
		return nil
	case msg.err != nil:
		a.notice = notice{id: "reset_cancel.failed", kind: noticeErr, err: msg.err}
		a.render()
		return nil
	}
	if open {
		a.form = nil
	}
	a.notice = notice{id: "reset_cancel.done_" + string(msg.why)}
	a.render()
	if a.reload == nil {
		return nil
	}
	return a.reload()
}
