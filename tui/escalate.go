package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

// An agency help desk, which sees only the lite view, escalates an account
// in its scope to the contact center: a category, a subject and a message
// become a ticket linked to the account, in the account's language. Core
// decides the scope; the console only offers the key to those the matrix
// lets escalate.

// The escalation form's fields, in tab order.
const (
	escCategory = iota
	escSubject
	escMessage
	escFields
)

// escMessageRows is the message box's height.
const escMessageRows = 4

// escalatedMsg answers an escalation: the new ticket's reference.
type escalatedMsg struct {
	to        int
	accountID string
	ref       string
	err       error
}

func (m escalatedMsg) callErr() error { return m.err }
func (m escalatedMsg) panelOf() int   { return m.to }

func escalateCmd(ctx context.Context, t Tickets, tok staff.Token, e helpdesk.Escalation, to int) tea.Cmd {
	return func() tea.Msg {
		tk, err := call(ctx, func(ctx context.Context) (ticket.Ticket, error) {
			return t.Escalate(ctx, tok, e)
		})
		return escalatedMsg{to: to, accountID: e.AccountID, ref: tk.Ref, err: err}
	}
}

// escalateForm writes the escalation.
type escalateForm struct {
	category int // index in ticket.Categories
	subject  textinput.Model
	message  textarea.Model
	focus    int
	err      error
	busy     bool
}

// canEscalate reports whether the agent may escalate the account in view:
// the matrix grants it to agency help desks, on accounts in their scope.
func (a *accountPanel) canEscalate() bool {
	return a.v != nil && a.c.tickets != nil && a.c.can(access.ActEscalate, access.ScopeAgency)
}

// openEscalate opens the form on the category, "other" chosen.
func (a *accountPanel) openEscalate() tea.Cmd {
	ti := textinput.New()
	a.c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.CharLimit = ticket.MaxSubjectLength
	ta := textarea.New()
	a.c.styles.styleTextarea(&ta)
	ta.Cursor.SetMode(cursor.CursorStatic)
	ta.ShowLineNumbers = false
	ta.Prompt = "┃ "
	ta.CharLimit = helpdesk.MaxReplyBytes
	ta.MaxHeight = 0
	ta.SetHeight(escMessageRows)
	ta.KeyMap.InsertNewline.SetKeys("enter")
	f := &escalateForm{subject: ti, message: ta}
	for i, c := range ticket.Categories {
		if c == ticket.CategoryOther {
			f.category = i
		}
	}
	a.form = f
	f.setWidth(a)
	a.notice = notice{}
	f.setFocus(escCategory)
	a.render()
	return nil
}

// setFocus moves the keyboard to field i.
func (f *escalateForm) setFocus(i int) tea.Cmd {
	f.focus = i
	f.subject.Blur()
	f.message.Blur()
	f.subject.Prompt = "  "
	switch i {
	case escSubject:
		f.subject.Prompt = "> "
		return f.subject.Focus()
	case escMessage:
		return f.message.Focus()
	}
	return nil
}

// labelWidth is the widest label, so the fields line up.
func (f *escalateForm) labelWidth(a *accountPanel) int {
	lw := 0
	for _, id := range []string{"field.category", "field.subject", "field.message"} {
		lw = max(lw, lipgloss.Width(a.c.loc.T(id)))
	}
	return lw
}

// setWidth fits the fields to the panel.
func (f *escalateForm) setWidth(a *accountPanel) {
	f.subject.Width = max(10, a.width-f.labelWidth(a)-5)
	f.message.SetWidth(max(10, a.width-2))
}

// draft reports a subject or message typed and not sent.
func (f *escalateForm) draft() bool {
	return strings.TrimSpace(f.subject.Value()) != "" || strings.TrimSpace(f.message.Value()) != ""
}

// help lists the form's keys.
func (f *escalateForm) help(a *accountPanel) []key.Binding {
	k := a.c.keys
	keys := []key.Binding{k.Send, withHelp(k.Tabs, a.c.loc.T("help.next_field"))}
	if f.focus == escCategory {
		keys = append(keys, withHelp(k.Cycle, a.c.loc.T("help.change_category")))
	}
	return append(keys, k.Cancel)
}

// key moves between the fields, changes the category, sends on ctrl+s,
// closes on esc, and types (enter starts a new line in the message).
func (f *escalateForm) key(a *accountPanel, msg tea.KeyMsg) tea.Cmd {
	k := a.c.keys
	switch {
	case key.Matches(msg, k.Send):
		return f.send(a)
	case key.Matches(msg, k.Back):
		a.closeForm()
		return nil
	case key.Matches(msg, k.TabNext):
		return f.setFocus((f.focus + 1) % escFields)
	case key.Matches(msg, k.TabPrev):
		return f.setFocus((f.focus + escFields - 1) % escFields)
	}
	var cmd tea.Cmd
	switch f.focus {
	case escCategory:
		n := len(ticket.Categories)
		switch {
		case key.Matches(msg, k.Left):
			f.category = (f.category + n - 1) % n
		case key.Matches(msg, k.Right):
			f.category = (f.category + 1) % n
		case key.Matches(msg, k.Apply):
			return f.setFocus(escSubject)
		}
	case escSubject:
		if key.Matches(msg, k.Apply) {
			return f.setFocus(escMessage)
		}
		f.subject, cmd = f.subject.Update(sanitizeKey(msg, false))
	case escMessage:
		f.message, cmd = f.message.Update(sanitizeKey(msg, true))
	}
	return cmd
}

// send checks the form (a subject and a message) and escalates; a missing
// field is named and focused, and core is not asked.
func (f *escalateForm) send(a *accountPanel) tea.Cmd {
	if f.busy {
		return nil
	}
	subject := strings.TrimSpace(f.subject.Value())
	body := strings.TrimSpace(f.message.Value())
	switch {
	case subject == "":
		f.err = fault.Invalid("subject", fault.CodeInvalidInput)
		return f.setFocus(escSubject)
	case body == "":
		f.err = fault.Invalid("message", fault.CodeInvalidInput)
		return f.setFocus(escMessage)
	}
	f.busy, f.err = true, nil
	e := helpdesk.Escalation{AccountID: a.v.ID, Category: ticket.Categories[f.category], Subject: subject, Body: body}
	return escalateCmd(a.c.ctx, a.c.tickets, a.c.token(), e, a.owner)
}

// escalated takes core's answer: a flash naming the new reference, or the
// refusal in the form with everything typed kept (the field core names
// gets the focus).
func (a *accountPanel) escalated(msg escalatedMsg) tea.Cmd {
	if a.v == nil || msg.accountID != a.v.ID {
		return nil
	}
	f, open := a.form.(*escalateForm)
	switch {
	case msg.err != nil && open:
		f.busy, f.err = false, msg.err
		var cmd tea.Cmd
		if fe, ok := fault.As(msg.err); ok && fe != nil {
			switch fe.Field {
			case "subject":
				cmd = f.setFocus(escSubject)
			case "message":
				cmd = f.setFocus(escMessage)
			case "category":
				cmd = f.setFocus(escCategory)
			}
		}
		a.render()
		return cmd
	case msg.err != nil:
		a.notice = notice{id: "escalate.failed", kind: noticeErr, err: msg.err}
		a.render()
		return nil
	}
	if open {
		a.form = nil
	}
	a.notice = notice{id: "escalate.sent", data: map[string]any{"Ref": sanitizeLine(msg.ref)}}
	// The account's ticket list now holds the escalation.
	a.tickets, a.state, a.ticketsErr = nil, ticketsNone, nil
	a.render()
	if a.tab == tabTickets {
		return a.setTab(tabTickets)
	}
	return nil
}

// lines draw the heading, the category, the subject, the message box and
// the status.
func (f *escalateForm) lines(a *accountPanel) []string {
	loc, s := a.c.loc, a.c.styles
	lw := f.labelWidth(a)
	label := func(id string) string { return s.Label.Render(padRight(loc.T(id), lw)) + " " }
	cat := enumText(loc, "ticket_category", string(ticket.Categories[f.category]))
	if f.focus == escCategory {
		cat = "> ‹ " + cat + " ›" // the arrows say ←/→ change it
	} else {
		cat = "  " + cat
	}
	msgLabel := loc.T("field.message")
	if f.focus == escMessage {
		msgLabel = "> " + msgLabel
	}
	out := styledLines(s.Heading, loc.T("escalate.heading"), a.width)
	out = append(out,
		truncate(label("field.category")+cat, a.width),
		truncate(label("field.subject")+f.subject.View(), a.width),
		truncate(s.Label.Render(msgLabel), a.width),
	)
	for _, l := range strings.Split(f.message.View(), "\n") {
		out = append(out, truncate(l, a.width))
	}
	switch {
	case f.busy:
		return append(out, s.Busy.Render(truncate(loc.T("escalate.busy"), a.width)))
	case f.err != nil:
		return append(out, styledLines(s.Error, "✗ "+loc.Err(f.err), a.width)...)
	}
	return append(out, "")
}
