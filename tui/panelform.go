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

// reasonField is the reason a panel form sends with its request, and the
// form's state while core answers: a refusal stays in the form as err.
type reasonField struct {
	reason textinput.Model
	err    error
	busy   bool
}

// newReasonField makes the reason input, "> " marking it as the one field;
// the form focuses it once open.
func newReasonField(a *accountPanel) reasonField {
	ti := textinput.New()
	a.c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.CharLimit = desk.MaxReason
	ti.Prompt = "> "
	return reasonField{reason: ti}
}

// setWidth fits the reason beside its label.
func (f *reasonField) setWidth(a *accountPanel) {
	f.reason.Width = max(10, a.width-lipgloss.Width(a.c.loc.T("field.reason"))-5)
}

// draft reports a reason typed and not sent.
func (f *reasonField) draft() bool { return strings.TrimSpace(f.reason.Value()) != "" }

// send checks a reason is given and no request is under way; when ok the
// form is busy until core answers.
func (f *reasonField) send() (reason string, ok bool) {
	reason = strings.TrimSpace(f.reason.Value())
	if reason == "" {
		f.err = fault.Invalid("reason", fault.CodeInvalidInput)
		return "", false
	}
	if f.busy {
		return "", false
	}
	f.busy, f.err = true, nil
	return reason, true
}

// typeKey types a key into the reason.
func (f *reasonField) typeKey(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	f.reason, cmd = f.reason.Update(sanitizeKey(msg, false))
	return cmd
}

// line draws the reason after its label, cut to the panel's width.
func (f *reasonField) line(a *accountPanel) string {
	return truncate(a.c.styles.Label.Render(a.c.loc.T("field.reason"))+" "+f.reason.View(), a.width)
}
