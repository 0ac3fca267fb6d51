package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/access"
	"supportdesk/core/desk"
	"supportdesk/core/staff"
)

// A supervisor may show one email or phone of record in full, with a
// reason core audits. The value stays in the account panel's memory until
// core's Until (15 minutes), then hides; leaving the account or signing
// out drops it at once. It is never logged, drafted or kept anywhere else.

// unmaskRows is how many contacts the form lists at once.
const unmaskRows = 5

// unmaskedMsg answers an unmask: the contact in full, until shown.Until.
type unmaskedMsg struct {
	to        int
	accountID string
	shown     desk.Unmasked
	err       error
}

// unmaskTickMsg tells the panel an unmasked contact may be due to hide;
// gen drops the timers of an unmask since replaced or hidden.
type unmaskTickMsg struct{ to, gen int }

func (m unmaskedMsg) callErr() error { return m.err }
func (m unmaskedMsg) panelOf() int   { return m.to }
func (m unmaskTickMsg) panelOf() int { return m.to }

func unmaskCmd(ctx context.Context, b Accounts, tok staff.Token, accountID string, c unmaskChoice, reason string, to int) tea.Cmd {
	return func() tea.Msg {
		u, err := call(ctx, func(ctx context.Context) (desk.Unmasked, error) {
			return b.Unmask(ctx, tok, accountID, c.field, c.index, reason)
		})
		return unmaskedMsg{to: to, accountID: accountID, shown: u, err: err}
	}
}

// unmaskTickCmd wakes the panel after the given time, measured on the
// injected clock, so a test can move the clock and deliver the tick itself.
func unmaskTickCmd(ctx context.Context, to, gen int, after time.Duration) tea.Cmd {
	return tickIn(ctx, max(after, time.Second), func(time.Time) tea.Msg { return unmaskTickMsg{to: to, gen: gen} })
}

// unmaskChoice is one contact of record, as the view lists it: core's
// field and index within that field.
type unmaskChoice struct {
	field  string // "email" or "phone"
	index  int
	masked string
}

// unmaskForm picks a contact of record and asks for the reason.
type unmaskForm struct {
	choices []unmaskChoice
	cursor  int
	reasonField
}

// canUnmask reports whether the agent may unmask a contact of this
// account: the matrix grants it to supervisors; a lite view has none.
func (a *accountPanel) canUnmask() bool {
	return a.v != nil && !a.v.Lite && len(a.v.Emails)+len(a.v.Phones) > 0 &&
		a.c.can(access.ActUnmask, access.ScopeAny)
}

// openUnmask opens the form on the first contact listed.
func (a *accountPanel) openUnmask() tea.Cmd {
	f := &unmaskForm{reasonField: newReasonField(a)}
	for i, e := range a.v.Emails {
		f.choices = append(f.choices, unmaskChoice{field: "email", index: i, masked: e.Masked})
	}
	for i, p := range a.v.Phones {
		f.choices = append(f.choices, unmaskChoice{field: "phone", index: i, masked: p.Masked})
	}
	a.form = f
	f.setWidth(a)
	a.notice = notice{}
	a.render()
	return f.reason.Focus()
}

// help lists the form's keys.
func (f *unmaskForm) help(a *accountPanel) []key.Binding {
	k := a.c.keys
	return []key.Binding{
		withHelp(k.Move, a.c.loc.T("help.choose_contact")),
		withHelp(k.Apply, a.c.loc.T("help.show_in_full")),
		k.Cancel,
	}
}

// key moves between the contacts (arrows and tab: letters are the
// reason's), sends on enter, closes on esc, and types the reason.
func (f *unmaskForm) key(a *accountPanel, msg tea.KeyMsg) tea.Cmd {
	k := a.c.keys
	n := len(f.choices)
	switch {
	case key.Matches(msg, k.Next):
		f.cursor = (f.cursor + 1) % n
		return nil
	case key.Matches(msg, k.Prev):
		f.cursor = (f.cursor + n - 1) % n
		return nil
	case key.Matches(msg, k.Apply):
		reason, ok := f.send()
		if !ok {
			return nil
		}
		return unmaskCmd(a.c.ctx, a.c.backend, a.c.token(), a.v.ID, f.choices[f.cursor], reason, a.owner)
	case key.Matches(msg, k.Back):
		a.closeForm()
		return nil
	}
	return f.typeKey(msg)
}

// label names a contact by kind and place: "Email 2", "Phone 1".
func (c unmaskChoice) label(a *accountPanel) string {
	return a.c.loc.T("unmask."+c.field, map[string]any{"N": a.c.loc.Number(int64(c.index + 1))})
}

// lines draw the heading, the contacts around the cursor, the reason and
// the status.
func (f *unmaskForm) lines(a *accountPanel) []string {
	loc, s := a.c.loc, a.c.styles
	out := styledLines(s.Heading, loc.T("unmask.heading", map[string]any{"Duration": loc.Duration(desk.UnmaskFor)}), a.width)
	top := max(0, min(f.cursor-unmaskRows/2, len(f.choices)-unmaskRows))
	for i := top; i < len(f.choices) && i < top+unmaskRows; i++ {
		c := f.choices[i]
		text := c.label(a) + " · " + sanitizeLine(c.masked)
		if i == f.cursor {
			out = append(out, s.Selected.Render(truncate("› "+text, a.width)))
			continue
		}
		out = append(out, truncate("  "+text, a.width))
	}
	out = append(out, f.line(a))
	switch {
	case f.busy:
		return append(out, s.Busy.Render(truncate(loc.T("unmask.busy"), a.width)))
	case f.err != nil:
		return append(out, styledLines(s.Error, "✗ "+loc.Err(f.err), a.width)...)
	}
	return append(out, "")
}

// unmasked takes core's answer. The value is kept only if the account it
// belongs to is still in view; a refusal stays in the form.
func (a *accountPanel) unmasked(msg unmaskedMsg) tea.Cmd {
	f, open := a.form.(*unmaskForm)
	if a.v == nil || msg.accountID != a.v.ID {
		return nil // the agent left the account: the value is dropped unseen
	}
	switch {
	case msg.err != nil && open:
		f.busy, f.err = false, msg.err
		a.render()
		return nil
	case msg.err != nil:
		a.notice = notice{id: "unmask.failed", kind: noticeErr, err: msg.err}
		a.render()
		return nil
	}
	if open {
		a.form = nil
	}
	u := msg.shown
	a.shownGen++
	a.shown = &u
	a.notice = notice{id: "unmask.shown", kind: noticeWarn, data: map[string]any{"Time": a.c.loc.DateTime(u.Until)}}
	a.render()
	return unmaskTickCmd(a.c.base, a.owner, a.shownGen, u.Until.Sub(a.c.now()))
}

// unmaskTick hides the contact once its time has come, or waits for the
// rest of it.
func (a *accountPanel) unmaskTick(msg unmaskTickMsg) tea.Cmd {
	if a.shown == nil || msg.gen != a.shownGen {
		return nil
	}
	if left := a.shown.Until.Sub(a.c.now()); left > 0 {
		return unmaskTickCmd(a.c.base, a.owner, a.shownGen, left)
	}
	a.expireShown()
	return nil
}

// expireShown hides an unmasked contact whose time has passed.
func (a *accountPanel) expireShown() {
	if a.shown == nil || a.c.now().Before(a.shown.Until) {
		return
	}
	a.hideShown()
	a.notice = notice{id: "unmask.hidden"}
	a.render()
}

// hideShown drops the unmasked value and its timer.
func (a *accountPanel) hideShown() {
	a.shown = nil
	a.shownGen++
}
