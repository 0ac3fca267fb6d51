package tui

import (
	"context"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/helpdesk"
	"supportdesk/core/staff"
)

// Ending a call: the agent picks its outcome and may add a note; core
// closes the call's ticket (solved) with a line saying how it ended.

// callOutcomes are the outcomes a call ends with, in the order offered;
// "outcome.<code>" labels them.
var callOutcomes = []string{"resolved", "guided", "escalated", "unresolved", "unverified", "dropped"}

func endCallCmd(ctx context.Context, t Tickets, tok staff.Token, id int64, outcome, note string, to int) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (helpdesk.TicketView, error) {
			return t.EndCall(ctx, tok, id, outcome, note)
		})
		return callEndedMsg{to: to, outcome: outcome, view: v, err: err}
	}
}

// endForm asks for the call's outcome and an optional note.
type endForm struct {
	cursor int
	note   textinput.Model
	busy   bool
	err    error
}

// ended takes EndCall's answer.
func (p *callPage) ended(msg callEndedMsg) {
	p.writing = false
	if msg.err != nil {
		if p.end != nil {
			p.end.busy, p.end.err = false, msg.err
		} else {
			p.notice = notice{id: "call.end_failed", kind: noticeErr, err: msg.err}
		}
		return
	}
	v := msg.view
	p.thread, p.end, p.stage = &v, nil, callEnded
	p.noting, p.limiter = false, nil
	if p.ver != nil {
		p.ver.blur()
	}
	p.notice = notice{id: "call.ended", data: map[string]any{"Outcome": outcomeLabel(p.c.loc, msg.outcome)}}
	p.render()
	p.vp.GotoBottom()
}

// openEnd opens the end of the call, its outcome chosen from how far the
// call went.
func (p *callPage) openEnd() {
	ti := textinput.New()
	p.c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Prompt = "> "
	ti.CharLimit = 500
	ti.Width = max(10, p.width-lipgloss.Width(p.c.loc.T("call.field_note"))-6)
	ti.Focus()
	f := &endForm{note: ti}
	if !p.verified() && (p.ver == nil || p.ver.account == nil) {
		f.cursor = slices.Index(callOutcomes, "unverified")
	}
	p.end = f
	p.noting, p.limiter = false, nil
}

// endKey chooses the outcome, types the note, and ends the call on enter.
func (p *callPage) endKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	f := p.end
	if f.busy {
		return nil
	}
	n := len(callOutcomes)
	switch {
	case key.Matches(msg, k.Back):
		p.end = nil
		return nil
	case key.Matches(msg, k.Up), key.Matches(msg, k.TabPrev):
		f.cursor = (f.cursor + n - 1) % n
		return nil
	case key.Matches(msg, k.Down), key.Matches(msg, k.TabNext):
		f.cursor = (f.cursor + 1) % n
		return nil
	case key.Matches(msg, k.Apply):
		f.busy, f.err = true, nil
		p.writing = true
		return endCallCmd(p.c.ctx, p.c.tickets, p.c.token(), p.call.ID, callOutcomes[f.cursor], strings.TrimSpace(f.note.Value()), p.id)
	}
	var cmd tea.Cmd
	f.note, cmd = f.note.Update(sanitizeKey(msg, false))
	return cmd
}

// endLines are the end of the call: the outcomes, the note, the status.
func (p *callPage) endLines() []string {
	loc, s := p.c.loc, p.c.styles
	f := p.end
	w := p.width
	out := styledLines(s.Heading, loc.T("call.end_heading"), w)
	for i, o := range callOutcomes {
		if i == f.cursor {
			out = append(out, s.Selected.Render(truncate("› "+outcomeLabel(loc, o), w)))
			continue
		}
		out = append(out, truncate("  "+outcomeLabel(loc, o), w))
	}
	out = append(out, "", truncate(s.Label.Render(loc.T("call.field_note"))+"  "+f.note.View(), w))
	switch {
	case f.busy:
		out = append(out, s.Busy.Render(truncate(loc.T("call.ending"), w)))
	case f.err != nil:
		out = append(out, styledLines(s.Error, "✗ "+loc.T("call.end_failed")+" "+loc.Err(f.err), w)...)
	}
	return out
}
