package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// panelForm is one of the account panel's forms (a dual-control request,
// an unmask, an escalation, a reset cancellation). While open it holds the
// keyboard and draws itself above the tabs; one is open at a time.
type panelForm interface {
	// key handles a key; the form closes itself by clearing a.form.
	key(a *accountPanel, msg tea.KeyMsg) tea.Cmd
	// lines draws the form, cut to the panel's width.
	lines(a *accountPanel) []string
	// help lists the form's keys.
	help(a *accountPanel) []key.Binding
	// draft reports text typed and not sent, for the sign-out check.
	draft() bool
	// setWidth fits the form's fields to the panel.
	setWidth(a *accountPanel)
}

// panelMsg is an answer (or a timer) for the account panel of the page
// whose id it carries: the look-up or a ticket. Those pages pass every
// panelMsg to their panel, and the root delivers them to every open page.
type panelMsg interface{ panelOf() int }

func (m accountTicketsMsg) panelOf() int  { return m.to }
func (m changeRequestedMsg) panelOf() int { return m.to }

// formOpen reports whether a form holds the keyboard.
func (a *accountPanel) formOpen() bool { return a.form != nil }

// closeForm drops the open form and what was typed in it.
func (a *accountPanel) closeForm() {
	a.form = nil
	a.render()
}

// hasDraft reports text typed in a form and not sent.
func (a *accountPanel) hasDraft() bool { return a.form != nil && a.form.draft() }

// formHelp lists the open form's keys.
func (a *accountPanel) formHelp() []key.Binding {
	if a.form == nil {
		return nil
	}
	return a.form.help(a)
}

// setFormWidth fits the open form to the panel.
func (a *accountPanel) setFormWidth() {
	if a.form != nil {
		a.form.setWidth(a)
	}
}

// formLines are the open form, or the last action's flash, above the tabs.
func (a *accountPanel) formLines() []string {
	if a.form != nil {
		return a.form.lines(a)
	}
	if a.notice.id != "" {
		return []string{a.c.noticeLine(a.notice, a.width)}
	}
	return nil
}

// actionKeys are the keys of the actions the agent may take on the
// account in view, for the full help.
func (a *accountPanel) actionKeys() []key.Binding {
	if a.form != nil || a.v == nil {
		return nil
	}
	var keys []key.Binding
	if b, ok := a.requestKey(); ok {
		keys = append(keys, b)
	}
	if a.canUnmask() {
		keys = append(keys, a.c.keys.Unmask)
	}
	if a.canEscalate() {
		keys = append(keys, a.c.keys.Escalate)
	}
	if a.canCancelReset() {
		keys = append(keys, a.c.keys.CancelReset)
	}
	if a.canResendReset() {
		keys = append(keys, a.c.keys.ResendReset)
	}
	return keys
}
