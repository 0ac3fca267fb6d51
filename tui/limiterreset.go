package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/desk"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
	"supportdesk/core/proofing"
	"supportdesk/core/staff"
)

// An agent asks for a proofing limiter to be cleared early when it was
// used up for a reason that is not the caller's: a vendor outage (with its
// incident id) or a documented misread. It is dual control: a supervisor
// other than the agent approves it in the requests screen.

// limiterWhys are the reasons a limiter may be cleared early, in the order
// offered; "limiter_reset.why.<code>" names them and the reason on record
// starts with the code, so the requests screen can name it too.
var limiterWhys = []string{"vendor_outage", "documented_misread"}

// The form's rows.
const (
	limRowLimiter = iota
	limRowWhy
	limRowDetail
	limRows
)

// limiterRequestedMsg answers RequestLimiterReset.
type limiterRequestedMsg struct {
	to      int
	limiter string
	reason  string
	err     error
}

func (m limiterRequestedMsg) callErr() error   { return m.err }
func (m limiterRequestedMsg) addressedTo() int { return m.to }

func limiterResetCmd(ctx context.Context, b Requests, tok staff.Token, accountID, limiter, reason string, to int) tea.Cmd {
	return func() tea.Msg {
		_, err := call(ctx, func(ctx context.Context) (dual.View, error) {
			return b.RequestLimiterReset(ctx, tok, accountID, limiter, reason)
		})
		return limiterRequestedMsg{to: to, limiter: limiter, reason: reason, err: err}
	}
}

// limiterForm asks for one limiter to be cleared, with a reason.
type limiterForm struct {
	row      int
	limiters []string // the limiters in use, the used-up ones first
	limiter  int
	why      int
	detail   textinput.Model
	busy     bool
	hint     string // the console's own refusal: a message id
	err      error
}

// newLimiterForm offers the limiters in use on the account; nil when none
// is.
func newLimiterForm(c *common, p *proofing.View) *limiterForm {
	if p == nil {
		return nil
	}
	var used, full []string
	for _, st := range p.Limits {
		switch {
		case st.Exhausted():
			full = append(full, st.Name)
		case st.Used > 0:
			used = append(used, st.Name)
		}
	}
	names := append(full, used...)
	if len(names) == 0 {
		return nil
	}
	ti := textinput.New()
	c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Prompt = "> "
	ti.CharLimit = desk.MaxReason - len("documented_misread: ")
	f := &limiterForm{limiters: names, detail: ti, row: limRowDetail}
	f.detail.Focus()
	return f
}

// draft reports a detail typed and not sent.
func (f *limiterForm) draft() bool { return strings.TrimSpace(f.detail.Value()) != "" }

// reason is what goes on record: the reason's code, then the detail.
func (f *limiterForm) reason() string {
	return limiterWhys[f.why] + ": " + strings.TrimSpace(f.detail.Value())
}

// key moves between the rows, changes the limiter and the reason, types
// the detail and sends on enter; done is true once the form closes.
func (f *limiterForm) key(c *common, accountID string, owner int, msg tea.KeyMsg) (cmd tea.Cmd, done bool) {
	k := c.keys
	if f.busy {
		return nil, false
	}
	switch {
	case key.Matches(msg, k.Back):
		return nil, true
	case key.Matches(msg, k.Apply):
		if strings.TrimSpace(f.detail.Value()) == "" {
			f.hint, f.row = "limiter_reset.missing_"+limiterWhys[f.why], limRowDetail
			return nil, false
		}
		f.busy, f.hint, f.err = true, "", nil
		return limiterResetCmd(c.ctx, c.backend, c.token(), accountID, f.limiters[f.limiter], f.reason(), owner), false
	case key.Matches(msg, k.Up), key.Matches(msg, k.TabPrev):
		f.row = (f.row + limRows - 1) % limRows
		return nil, false
	case key.Matches(msg, k.Down), key.Matches(msg, k.TabNext):
		f.row = (f.row + 1) % limRows
		return nil, false
	case f.row != limRowDetail && (key.Matches(msg, k.Left) || key.Matches(msg, k.Right)):
		dir := 1
		if key.Matches(msg, k.Left) {
			dir = -1
		}
		if f.row == limRowLimiter {
			f.limiter = (f.limiter + dir + len(f.limiters)) % len(f.limiters)
		} else {
			f.why = (f.why + dir + len(limiterWhys)) % len(limiterWhys)
		}
		return nil, false
	}
	f.row = limRowDetail // typing goes to the detail from any row
	f.detail, cmd = f.detail.Update(sanitizeKey(msg, false))
	return cmd, false
}

// lines draws the form width cells wide.
func (f *limiterForm) lines(c *common, width int) []string {
	loc, s := c.loc, c.styles
	out := styledLines(s.Heading, loc.T("limiter_reset.heading"), width)
	row := func(i int, label, value string) string {
		marker := "  "
		if i == f.row {
			marker = "› "
		}
		return truncate(marker+s.Label.Render(label)+"  "+value, width)
	}
	labels, lw := f.labels(c)
	out = append(out,
		row(limRowLimiter, padRight(labels[0], lw), "‹ "+enumText(loc, "limiter", f.limiters[f.limiter])+" ›"),
		row(limRowWhy, padRight(labels[1], lw), "‹ "+loc.T("limiter_reset.why."+limiterWhys[f.why])+" ›"),
		row(limRowDetail, padRight(labels[2], lw), f.detail.View()))
	out = append(out, styledLines(s.Muted, loc.T("limiter_reset.rule"), width)...)
	switch {
	case f.busy:
		out = append(out, s.Busy.Render(truncate(loc.T("limiter_reset.sending"), width)))
	case f.hint != "":
		out = append(out, styledLines(s.Error, "✗ "+loc.T(f.hint), width)...)
	case f.err != nil && fault.CodeOf(f.err) == fault.CodeConflict:
		out = append(out, styledLines(s.Warn, "! "+loc.T("limiter_reset.conflict"), width)...)
	case f.err != nil:
		out = append(out, styledLines(s.Error, "✗ "+loc.Err(f.err), width)...)
	}
	return out
}

// labels are the rows' labels and the widest one's width.
func (f *limiterForm) labels(c *common) ([]string, int) {
	loc := c.loc
	labels := []string{loc.T("limiter_reset.field_limiter"), loc.T("limiter_reset.field_why"), loc.T("limiter_reset.field_" + limiterWhys[f.why])}
	lw := 0
	for _, l := range labels {
		lw = max(lw, lipgloss.Width(l))
	}
	return labels, lw
}

// setWidth fits the detail beside the labels.
func (f *limiterForm) setWidth(c *common, width int) {
	_, lw := f.labels(c)
	f.detail.Width = max(10, width-lw-8) // the marker, the label, two spaces, the prompt, the cursor
}

// help lists the form's keys.
func (f *limiterForm) help(c *common) []key.Binding {
	k := c.keys
	return []key.Binding{withHelp(k.Apply, c.loc.T("help.send_request")), withHelp(k.Move, c.loc.T("help.next_field")),
		withHelp(k.Cycle, c.loc.T("help.change")), k.Cancel}
}
