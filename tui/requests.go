package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"supportdesk/core/access"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
)

// requestsRefresh is how often the list reloads on its own: others ask
// and decide while it is open.
const requestsRefresh = 30 * time.Second

// requestsTickMsg asks the requests page with id to reload; a closed page
// never answers, so its ticking stops.
type requestsTickMsg struct{ to int }

func requestsTickCmd(ctx context.Context, to int) tea.Cmd {
	return tickIn(ctx, requestsRefresh, func(time.Time) tea.Msg { return requestsTickMsg{to: to} })
}

// Columns of the requests table, in order.
const (
	reqColKind = iota
	reqColAccount
	reqColBy
	reqColAge
	reqColExpires
	reqColReason
	reqCols
)

var requestHeadings = [reqCols]string{
	"requests.col.kind", "requests.col.account", "requests.col.by", "requests.col.age",
	"requests.col.expires", "requests.col.reason",
}

// decision is an approval or a rejection waiting for y.
type decision struct {
	req     dual.View
	approve bool
}

// requestsPage lists the dual-control requests waiting for a decision:
// every one for a supervisor, the agent's own for others. A supervisor
// approves or rejects another's request; its own wait for a colleague.
type requestsPage struct {
	c       *common
	id      int
	seq     int
	items   []dual.View
	at      time.Time // when the list was read
	loaded  bool
	loading bool
	err     error // the last load's failure; the last good list stays
	cursor  int
	confirm *decision
	writing bool
	notice  notice
	width   int
	height  int
}

func newRequestsPage(c *common) *requestsPage {
	return &requestsPage{c: c, id: c.nextID()}
}

// isRequests reports whether p is a requests page, so the stack holds one.
func isRequests(p page) bool {
	_, ok := p.(*requestsPage)
	return ok
}

// Init loads the list and starts the refresh ticker.
func (p *requestsPage) Init() tea.Cmd { return tea.Batch(p.load(), requestsTickCmd(p.c.base, p.id)) }

// load fetches the list unless a load is already on its way.
func (p *requestsPage) load() tea.Cmd {
	if p.loading || p.c.agent == nil {
		return nil
	}
	p.loading = true
	p.seq++
	return pendingCmd(p.c.ctx, p.c.backend, p.c.token(), p.c.now, p.id, p.seq)
}

// reload is the refresh when the page comes back into view.
func (p *requestsPage) reload(bool) tea.Cmd { return p.load() }

// InputFocused reports a pending confirmation, so q answers it instead of
// quitting.
func (p *requestsPage) InputFocused() bool { return p.confirm != nil }

// Title names the screen in the header.
func (p *requestsPage) Title() string { return p.c.loc.T("requests.title") }

// SetSize stores the size; rows are laid out at render time.
func (p *requestsPage) SetSize(w, h int) { p.width, p.height = w, h }

// selected returns the request under the cursor.
func (p *requestsPage) selected() (dual.View, bool) {
	if p.cursor < 0 || p.cursor >= len(p.items) {
		return dual.View{}, false
	}
	return p.items[p.cursor], true
}

// canDecide reports whether the agent may approve or reject r: a
// supervisor, and never on its own request.
func (p *requestsPage) canDecide(r dual.View) bool {
	return !r.Mine && p.c.can(access.ActApprove, access.ScopeOther)
}

// Update handles loads, decisions, the ticker and keys.
func (p *requestsPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case requestsLoadedMsg:
		if msg.to != p.id || msg.seq != p.seq {
			return p, nil
		}
		p.loading = false
		if msg.err != nil {
			p.err = msg.err
			return p, nil
		}
		p.items, p.at, p.loaded, p.err = msg.items, msg.at, true, nil
		p.cursor = max(0, min(p.cursor, len(p.items)-1))
		return p, nil
	case requestsTickMsg:
		if msg.to != p.id {
			return p, nil
		}
		if p.c.locked {
			return p, requestsTickCmd(p.c.base, p.id) // behind the lock: no reads until the agent is back
		}
		return p, tea.Batch(p.load(), requestsTickCmd(p.c.base, p.id))
	case decidedMsg:
		if msg.to != p.id {
			return p, nil
		}
		return p, p.decided(msg)
	case tea.KeyMsg:
		return p, p.key(msg)
	}
	return p, nil
}

// decided takes a decision's answer and reloads: the request leaves the
// list whether it went through or someone else was first.
func (p *requestsPage) decided(msg decidedMsg) tea.Cmd {
	p.writing = false
	data := p.requestData(msg.req)
	switch code := fault.CodeOf(msg.err); {
	case msg.err == nil && msg.approve:
		p.notice = notice{id: "requests.approved", data: data}
	case msg.err == nil:
		p.notice = notice{id: "requests.rejected", data: data}
	case code == fault.CodeConflict:
		p.notice = notice{id: "requests.conflict", kind: noticeWarn, data: data}
	default:
		p.notice = notice{id: "requests.not_decided", kind: noticeErr, err: msg.err}
	}
	return p.load()
}

// requestData names a request's change and account for messages.
func (p *requestsPage) requestData(r dual.View) map[string]any {
	return map[string]any{"Kind": requestLabel(p.c, r), "Account": shortID(r.Target)}
}

// key answers a confirmation, moves the cursor, or starts a decision.
func (p *requestsPage) key(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	if d := p.confirm; d != nil {
		p.confirm = nil
		if !key.Matches(msg, k.Confirm) || p.writing {
			return nil
		}
		p.writing = true
		p.notice = notice{id: "requests.deciding", kind: noticeBusy}
		return decideCmd(p.c.ctx, p.c.backend, p.c.token(), d.req, d.approve, p.id)
	}
	switch {
	case k.isCursor(msg):
		p.move(k.cursorStep(msg, p.rows(), len(p.items)))
	case key.Matches(msg, k.Refresh):
		return p.load()
	case key.Matches(msg, k.Back):
		return navCmd(backMsg{})
	case key.Matches(msg, k.Approve), key.Matches(msg, k.Reject):
		if r, ok := p.selected(); ok && p.canDecide(r) && !p.writing {
			p.confirm = &decision{req: r, approve: key.Matches(msg, k.Approve)}
			p.notice = notice{}
		}
	}
	return nil
}

// move shifts the cursor, clamped to the list.
func (p *requestsPage) move(delta int) {
	p.cursor = max(0, min(len(p.items)-1, p.cursor+delta))
}

// ShortHelp lists the keys that work now: approve and reject only on
// another's request, for a supervisor.
func (p *requestsPage) ShortHelp() []key.Binding {
	k := p.c.keys
	if p.confirm != nil {
		return []key.Binding{k.Confirm, k.Cancel}
	}
	short := []key.Binding{k.Move}
	if r, ok := p.selected(); ok && p.canDecide(r) {
		short = append(short, k.Approve, k.Reject)
	}
	return append(short, k.Refresh, k.backAs(p.c.loc.T("help.back")))
}

// FullHelp groups the screen's keys.
func (p *requestsPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	if p.confirm != nil {
		return [][]key.Binding{p.ShortHelp()}
	}
	full := [][]key.Binding{{k.Move, k.Pages, k.Ends}}
	if r, ok := p.selected(); ok && p.canDecide(r) {
		full = append(full, []key.Binding{k.Approve, k.Reject})
	}
	return append(full, []key.Binding{k.Refresh, k.backAs(p.c.loc.T("help.back"))})
}

// View draws the status line, the table, the selected request in full and
// a pending confirmation.
func (p *requestsPage) View() string {
	loc, s := p.c.loc, p.c.styles
	if !p.loaded {
		if p.err != nil {
			return s.Error.Render(wrap("✗ "+loc.Err(p.err), max(1, p.width)))
		}
		return s.Busy.Render(loc.T("requests.loading"))
	}
	lines := []string{p.statusLine()}
	if len(p.items) == 0 {
		lines = append(lines, "", s.Muted.Render(wrap(loc.T("requests.none"), max(1, p.width))))
		return strings.Join(lines, "\n")
	}
	tail := p.tailLines()
	lines = append(lines, p.table(max(1, p.height-2-len(tail)))...)
	return strings.Join(append(lines, tail...), "\n")
}

// rows is how many table rows fit, for paging.
func (p *requestsPage) rows() int { return max(1, p.height-2-len(p.tailLines())) }

// statusLine shows a load error, a decision on its way or its outcome, or
// how many requests wait.
func (p *requestsPage) statusLine() string {
	loc, s := p.c.loc, p.c.styles
	switch {
	case p.err != nil:
		return s.Error.Render(truncate("✗ "+loc.Err(p.err), p.width))
	case p.notice.id != "":
		return p.c.noticeLine(p.notice, p.width)
	}
	text := loc.N("requests.count", len(p.items), nil)
	if !p.at.IsZero() {
		text += " · " + loc.T("queue.as_of", map[string]any{"Time": loc.DateTime(p.at)})
	}
	if p.loading {
		text += " · " + loc.T("requests.loading")
	}
	return s.Muted.Render(truncate(text, p.width))
}

// tailLines are the selected request in full and the confirmation.
func (p *requestsPage) tailLines() []string {
	r, ok := p.selected()
	if !ok {
		return nil
	}
	loc, s := p.c.loc, p.c.styles
	now := p.c.now()
	title := requestLabel(p.c, r) + " " + sanitizeLine(r.Target)
	asked := loc.T("requests.asked", map[string]any{"Name": p.requester(r), "Date": loc.DateTime(r.RequestedAt)})
	expires := loc.T("requests.expires_at", map[string]any{"Date": loc.DateTime(r.ExpiresAt)})
	if !now.Before(r.ExpiresAt) {
		expires = loc.T("requests.expired")
	}
	reason := loc.T("requests.reason", map[string]any{"Reason": reasonText(p.c, r.Reason)})
	var state string
	switch {
	case r.Mine && p.c.can(access.ActApprove, access.ScopeOther):
		state = s.Warn.Render(loc.T("requests.awaiting_other"))
	case r.Mine:
		state = s.Warn.Render(loc.T("requests.awaiting_supervisor"))
	case p.canDecide(r):
		state = loc.T("requests.awaiting_you")
	}
	out := []string{""}
	out = append(out, strings.Split(s.item(0, max(20, p.width), title, reason, asked+" · "+expires), "\n")...)
	if state != "" {
		out = append(out, "  "+truncate(state, max(1, p.width-2)))
	}
	if d := p.confirm; d != nil {
		id := "requests.confirm_reject"
		if d.approve {
			id = "requests.confirm_approve"
		}
		out = append(out, s.Warn.Render(truncate("! "+loc.T(id, p.requestData(d.req)), p.width)))
	}
	return out
}

// requester names who asked: "you" for the agent's own.
func (p *requestsPage) requester(r dual.View) string {
	if r.Mine {
		return p.c.loc.T("requests.you")
	}
	if name := strings.TrimSpace(sanitizeLine(r.RequesterName)); name != "" {
		return name
	}
	return sanitizeLine(r.RequestedBy)
}

// table renders the headings and the rows around the cursor, n at most.
// The reason takes the width left and is cut; the selected row is one
// plain run under one style.
func (p *requestsPage) table(n int) []string {
	loc := p.c.loc
	now := p.c.now()
	rows := make([][]string, len(p.items))
	for i, r := range p.items {
		expires := loc.Duration(max(0, r.ExpiresAt.Sub(now)).Truncate(time.Minute))
		if !now.Before(r.ExpiresAt) {
			expires = loc.T("requests.expired")
		}
		rows[i] = []string{
			requestLabel(p.c, r), shortID(r.Target), p.requester(r), age(loc, now, r.RequestedAt),
			expires, reasonText(p.c, r.Reason),
		}
	}
	head := make([]string, reqCols)
	for c := range reqCols {
		head[c] = loc.T(requestHeadings[c])
	}
	caps := make([]int, reqCols)
	caps[reqColBy] = 24
	top := max(0, min(p.cursor-n/2, len(rows)-n))
	return listTable(p.c.styles, p.width, head, rows, caps, top, n, p.cursor)
}

// requestKind names a kind of request in the agent's language: the
// action's id with dots as underscores, or the sanitized raw kind from a
// newer core.
func requestKind(c *common, k string) string {
	return enumText(c.loc, "requests.kind", strings.ReplaceAll(k, ".", "_"))
}

// requestLabel names a request's change: its kind, and for a limiter reset
// the limiter's localized name, which the request's Detail holds.
func requestLabel(c *common, r dual.View) string {
	label := requestKind(c, r.Kind)
	if r.Kind == string(dual.KindLimiterReset) && r.Detail != "" {
		label += " · " + enumText(c.loc, "limiter", r.Detail)
	}
	return label
}

// reasonText is a request's reason, sanitized; a limiter reset's reason
// starts with its code ("vendor_outage: INC-1234"), named in the agent's
// language.
func reasonText(c *common, reason string) string {
	reason = sanitizeLine(reason)
	for _, why := range limiterWhys {
		if rest, ok := strings.CutPrefix(reason, why+": "); ok {
			return c.loc.T("limiter_reset.why."+why) + " · " + rest
		}
	}
	return reason
}

// shortID shows the start of an account id, enough to tell requests apart.
func shortID(id string) string {
	id = sanitizeLine(id)
	if lipgloss.Width(id) <= 8 {
		return id
	}
	return ansi.Truncate(id, 8, "") + "…"
}
