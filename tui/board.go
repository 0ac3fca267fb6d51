package tui

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/fault"
	"supportdesk/core/feed"
	"supportdesk/core/helpdesk"
	"supportdesk/core/sla"
	"supportdesk/i18n"
)

// The board's sections, in tab order; "board.section.<name>" labels them.
const (
	secCounts = iota
	secAgents
	secUrgent
	secClosures
	secCount
)

var boardSections = [secCount]string{"counts", "agents", "urgent", "closures"}

// boardPage is the supervisor board: live counts by language × agency ×
// category, per-agent workload, the breached and at-risk tickets with
// reassignment, the closure-day calendar and attainment against target.
// It reloads every boardRefresh and on ctrl+r.
type boardPage struct {
	c       *common
	id      int
	seq     int
	view    *helpdesk.BoardView
	loading bool
	err     error
	section int
	cursor  [secCount]int
	marked  map[int64]bool // urgent tickets marked for a bulk reassignment
	picker  *picker
	agents  []helpdesk.AgentSummary
	form    *closureForm
	confirm string // the closure day waiting for y to be removed
	notice  notice
	writing bool
	again   bool // a notice came while a load was on its way: load once more
	width   int
	height  int
}

func newBoardPage(c *common) *boardPage {
	return &boardPage{c: c, id: c.nextID(), marked: map[int64]bool{}}
}

// Init loads the board and starts the refresh ticker.
func (p *boardPage) Init() tea.Cmd {
	return tea.Batch(p.load(), boardTickCmd(p.c.base, p.id))
}

// load fetches the board unless a load is already on its way.
func (p *boardPage) load() tea.Cmd {
	if p.loading || p.c.tickets == nil || p.c.agent == nil {
		return nil
	}
	p.loading = true
	p.seq++
	return boardCmd(p.c.ctx, p.c.tickets, p.c.token(), p.id, p.seq)
}

// reload is the refresh when the agent comes back from a ticket.
func (p *boardPage) reload(bool) tea.Cmd { return p.load() }

// follow reloads the board when a ticket, the closures or the held mail
// changed; a notice during a load is read once that load is in.
func (p *boardPage) follow(changes []feed.Change) tea.Cmd {
	if !concerns(changes, feed.Ticket, feed.Queues, feed.Held) {
		return nil
	}
	if p.loading {
		p.again = true
		return nil
	}
	return p.load()
}

// urgentID is the urgent ticket under that section's cursor, 0 for none.
func (p *boardPage) urgentID() int64 {
	if p.view == nil {
		return 0
	}
	if i := p.cursor[secUrgent]; i >= 0 && i < len(p.view.Urgent) {
		return p.view.Urgent[i].ID
	}
	return 0
}

// keepUrgent puts the urgent section's cursor back on ticket id, where
// it still is urgent.
func (p *boardPage) keepUrgent(id int64) {
	for i, it := range p.view.Urgent {
		if id != 0 && it.ID == id {
			p.cursor[secUrgent] = i
			return
		}
	}
}

// InputFocused reports whether the closure form holds the keyboard, or a
// picker or confirmation that q must not dismiss by quitting.
func (p *boardPage) InputFocused() bool { return p.form != nil || p.picker != nil }

// Title names the screen in the header.
func (p *boardPage) Title() string { return p.c.loc.T("board.title") }

// SetSize stores the size; rows are laid out at render time.
func (p *boardPage) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.form != nil {
		p.form.setWidth(w)
	}
}

// rows is how many list rows fit under the header, a heading row and the
// form when it is open.
func (p *boardPage) rows() int {
	extra := 1 + len(p.headerLines())
	if p.form != nil {
		extra += closureFormRows
	}
	if p.confirm != "" {
		extra++
	}
	return max(1, p.height-extra)
}

// count is how many rows the section in view has.
func (p *boardPage) count() int {
	if p.view == nil {
		return 0
	}
	switch p.section {
	case secCounts:
		return len(p.view.Cells)
	case secAgents:
		return len(p.view.Workload)
	case secUrgent:
		return len(p.view.Urgent)
	}
	return len(p.view.Closures)
}

// Update handles loads, the ticker, writes and keys.
func (p *boardPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case boardLoadedMsg:
		if msg.to != p.id || msg.seq != p.seq {
			return p, nil
		}
		p.loading = false
		var again tea.Cmd
		if p.again {
			p.again = false
			again = p.load()
		}
		if msg.err != nil {
			p.err = msg.err // the last good board stays on screen
			return p, again
		}
		keep := p.urgentID()
		v := msg.view
		p.view, p.err = &v, nil
		p.clamp()
		p.keepUrgent(keep)
		p.pruneMarks()
		return p, again
	case boardTickMsg:
		if msg.to != p.id {
			return p, nil
		}
		if p.c.locked {
			return p, boardTickCmd(p.c.base, p.id) // behind the lock: no reads until the agent is back
		}
		return p, tea.Batch(p.load(), boardTickCmd(p.c.base, p.id))
	case agentsLoadedMsg:
		if msg.to != p.id {
			return p, nil
		}
		p.agents = msg.agents
		if p.picker != nil {
			p.picker.loading, p.picker.err = false, msg.err
			p.picker.items = agentItems(msg.agents, "")
		}
		return p, nil
	case reassignedMsg:
		if msg.to != p.id {
			return p, nil
		}
		p.writing = false
		moved, already := msg.result.Moved, msg.result.Already
		data := map[string]any{"Name": msg.name, "Refs": refList(already)}
		switch {
		case msg.err != nil:
			p.notice = notice{id: "board.reassign_failed", kind: noticeErr, err: msg.err}
		case len(moved) == 0:
			p.notice = notice{id: "board.reassign_none", kind: noticeWarn, data: data}
			p.marked = map[int64]bool{}
		case len(already) > 0:
			// The tickets the agent had already are named, not counted.
			p.notice = notice{id: "board.reassigned_some", count: len(moved), data: data}
			p.marked = map[int64]bool{}
		default:
			p.notice = notice{id: "board.reassigned", count: len(moved), data: data}
			p.marked = map[int64]bool{}
		}
		return p, p.load()
	case closureDoneMsg:
		if msg.to != p.id {
			return p, nil
		}
		return p, p.closureDone(msg)
	case tea.KeyMsg:
		return p, p.key(msg)
	}
	if p.form != nil { // a paste, say
		return p, p.form.update(msg)
	}
	return p, nil
}

// closureDone takes the answer to an added or removed closure day. A
// refused day keeps the form and what was typed.
func (p *boardPage) closureDone(msg closureDoneMsg) tea.Cmd {
	p.writing = false
	day := p.dayText(msg.day)
	if msg.err != nil {
		if msg.add && p.form != nil {
			p.form.err = msg.err
			return nil
		}
		p.notice = notice{id: "board.closure_failed", kind: noticeErr, err: msg.err}
		return nil
	}
	if msg.add {
		p.form = nil
		p.notice = notice{id: "board.closure_added", data: map[string]any{"Day": day}}
	} else {
		p.notice = notice{id: "board.closure_removed", data: map[string]any{"Day": day}}
	}
	return p.load()
}

// dayText shows a YYYY-MM-DD day as a long date in the agent's language.
func (p *boardPage) dayText(day string) string {
	t, err := time.ParseInLocation(time.DateOnly, day, p.c.loc.Location())
	if err != nil {
		return sanitizeLine(day)
	}
	return p.c.loc.Date(t.Add(12 * time.Hour)) // noon: no zone shift moves the day
}

// clamp keeps every section's cursor on a row.
func (p *boardPage) clamp() {
	for s := range secCount {
		sec := p.section
		p.section = s
		p.cursor[s] = max(0, min(p.cursor[s], p.count()-1))
		p.section = sec
	}
}

// pruneMarks forgets marked tickets that are no longer urgent.
func (p *boardPage) pruneMarks() {
	keep := map[int64]bool{}
	for _, it := range p.view.Urgent {
		if p.marked[it.ID] {
			keep[it.ID] = true
		}
	}
	p.marked = keep
}

// key routes a key to the form, the picker, the confirmation or the list.
func (p *boardPage) key(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case p.form != nil:
		return p.formKey(msg)
	case p.picker != nil:
		return p.pickerKey(msg)
	case p.confirm != "":
		day := p.confirm
		p.confirm = ""
		if key.Matches(msg, k.Confirm) && !p.writing {
			p.writing = true
			p.notice = notice{id: "ticket.saving", kind: noticeBusy}
			return closureCmd(p.c.ctx, p.c.tickets, p.c.token(), false, day, "", p.id)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.TabNext):
		p.section = (p.section + 1) % secCount
	case key.Matches(msg, k.TabPrev):
		p.section = (p.section + secCount - 1) % secCount
	case key.Matches(msg, k.TabNumber):
		if i, _ := strconv.Atoi(msg.String()); i >= 1 && i <= secCount {
			p.section = i - 1
		}
	case k.isCursor(msg):
		p.move(k.cursorStep(msg, p.rows(), p.count()))
	case key.Matches(msg, k.Refresh):
		return p.load()
	case key.Matches(msg, k.Requests):
		if p.c.canListRequests() {
			return navCmd(openRequestsMsg{})
		}
	case key.Matches(msg, k.Audit):
		if p.c.canReadAudit() {
			return navCmd(openAuditMsg{})
		}
	case key.Matches(msg, k.Held):
		if p.c.canReviewMail() {
			return navCmd(openHeldMsg{})
		}
	case key.Matches(msg, k.Back):
		return navCmd(backMsg{})
	case p.section == secUrgent:
		return p.urgentKey(msg)
	case p.section == secClosures:
		return p.closureKey(msg)
	}
	return nil
}

// move shifts the section's cursor.
func (p *boardPage) move(delta int) {
	p.cursor[p.section] = max(0, min(p.count()-1, p.cursor[p.section]+delta))
}

// urgentKey marks, reassigns and opens breached and at-risk tickets.
func (p *boardPage) urgentKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	if p.view == nil || len(p.view.Urgent) == 0 {
		return nil
	}
	it := p.view.Urgent[p.cursor[secUrgent]]
	switch {
	case key.Matches(msg, k.Mark):
		if p.marked[it.ID] {
			delete(p.marked, it.ID)
		} else {
			p.marked[it.ID] = true
		}
		p.move(1)
	case key.Matches(msg, k.Reassign):
		p.picker = &picker{kind: pickReassign, titleID: "picker.reassign", count: len(p.reassignIDs())}
		if p.agents == nil {
			p.picker.loading = true
			return agentsCmd(p.c.ctx, p.c.tickets, p.c.token(), p.id)
		}
		p.picker.items = agentItems(p.agents, "")
	case key.Matches(msg, k.Open):
		return navCmd(openTicketMsg{id: it.ID})
	}
	return nil
}

// reassignIDs are the marked tickets, or the one under the cursor when
// none is marked, in board order.
func (p *boardPage) reassignIDs() []int64 {
	var ids []int64
	for _, it := range p.view.Urgent {
		if p.marked[it.ID] {
			ids = append(ids, it.ID)
		}
	}
	if len(ids) == 0 && len(p.view.Urgent) > 0 {
		ids = []int64{p.view.Urgent[p.cursor[secUrgent]].ID}
	}
	return ids
}

// pickerKey chooses the agent the tickets go to.
func (p *boardPage) pickerKey(msg tea.KeyMsg) tea.Cmd {
	chosen, closed := p.picker.update(p.c.keys, msg)
	if closed {
		p.picker = nil
		return nil
	}
	if !chosen || p.writing {
		return nil
	}
	it, _ := p.picker.selected()
	p.picker = nil
	ids := p.reassignIDs()
	p.writing = true
	p.notice = notice{id: "ticket.saving", kind: noticeBusy}
	return reassignCmd(p.c.ctx, p.c.tickets, p.c.token(), ids, it.value, it.label, p.id)
}

// closureKey opens the add form or asks to confirm a removal.
func (p *boardPage) closureKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Add):
		p.form = newClosureForm(p.c)
		p.form.setWidth(p.width)
		p.notice = notice{}
	case key.Matches(msg, k.Remove):
		if p.view != nil && len(p.view.Closures) > 0 {
			p.confirm = p.view.Closures[p.cursor[secClosures]].Day
		}
	}
	return nil
}

// formKey handles the add-closure form: tab moves between the fields,
// enter checks and sends, esc closes it.
func (p *boardPage) formKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	f := p.form
	switch {
	case key.Matches(msg, k.TabNext), key.Matches(msg, k.TabPrev):
		f.toggle()
		return nil
	case key.Matches(msg, k.Back):
		p.form = nil
		return nil
	case key.Matches(msg, k.Apply):
		day, reason, err := f.values()
		if err != nil {
			f.err = err // nothing typed is lost
			return nil
		}
		if p.writing {
			return nil
		}
		p.writing, f.err = true, nil
		return closureCmd(p.c.ctx, p.c.tickets, p.c.token(), true, day, reason, p.id)
	}
	return f.update(msg)
}

// ShortHelp lists the keys that work in the current focus.
func (p *boardPage) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.form != nil:
		return []key.Binding{withHelp(k.Apply, p.c.loc.T("help.add_closure")), withHelp(k.Tabs, p.c.loc.T("help.next_field")), k.Cancel}
	case p.picker != nil:
		return []key.Binding{k.Move, k.Choose, k.Cancel}
	case p.confirm != "":
		return []key.Binding{k.Confirm, withHelp(k.Cancel, p.c.loc.T("help.cancel"))}
	}
	short := []key.Binding{k.Tabs, k.Move}
	switch p.section {
	case secUrgent:
		short = append(short, k.Mark, k.Reassign, k.Open)
	case secClosures:
		short = append(short, k.Add, k.Remove)
	}
	return append(short, k.Refresh, k.backAs(p.c.loc.T("help.back")))
}

// FullHelp groups the screen's keys.
func (p *boardPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	if p.form != nil || p.picker != nil || p.confirm != "" {
		return [][]key.Binding{p.ShortHelp()}
	}
	return [][]key.Binding{
		{k.Tabs, withHelp(k.TabNumber, p.c.loc.T("help.tab_number"))},
		{k.Move, k.Pages, k.Ends},
		{k.Mark, k.Reassign, k.Open},
		{k.Add, k.Remove},
		p.otherKeys(),
	}
}

// otherKeys are the screens the board leads to, the refresh and the way back.
func (p *boardPage) otherKeys() []key.Binding {
	k := p.c.keys
	keys := []key.Binding{k.Requests}
	if p.c.canReadAudit() {
		keys = append(keys, k.Audit)
	}
	if p.c.canReviewMail() {
		keys = append(keys, k.Held)
	}
	return append(keys, k.Refresh, k.backAs(p.c.loc.T("help.back")))
}

// View draws the totals, the attainment, the status line, the section
// tabs and the section in view.
func (p *boardPage) View() string {
	loc, s := p.c.loc, p.c.styles
	if p.view == nil {
		if p.err != nil {
			return s.Error.Render(wrap("✗ "+loc.Err(p.err), p.width))
		}
		return s.Busy.Render(loc.T("board.loading"))
	}
	lines := p.headerLines()
	head := len(lines)
	lines = append(lines, p.sectionView()...)
	if p.confirm != "" {
		lines = append(lines, s.Warn.Render(truncate("! "+loc.T("board.confirm_remove", map[string]any{"Day": p.dayText(p.confirm)}), p.width)))
	}
	if p.form != nil {
		lines = append(lines, p.form.view(p.c, p.width)...)
	}
	if p.picker != nil {
		// The picker takes the section's place.
		lines = lines[:head]
		lines = append(lines, p.picker.view(p.c, p.width, p.height-head))
	}
	return strings.Join(lines, "\n")
}

// headerLines are the totals and the attainment, each wrapped at its
// separators onto two lines at most, the status line and the section tabs.
func (p *boardPage) headerLines() []string {
	if p.view == nil {
		return nil
	}
	lines := fitParts(p.totalsParts(), " · ", p.width, 2)
	lines = append(lines, fitParts(p.languageParts(), " · ", p.width, 2)...)
	lines = append(lines, fitParts(p.attainmentParts(), " · ", p.width, 3)...)
	lines = append(lines, p.statusLine())
	return append(lines, fitParts(p.tabCells(), " ", p.width, 2)...)
}

// fitParts joins parts with sep into at most n lines of width cells,
// breaking only between parts; the last line is cut if it must be.
func fitParts(parts []string, sep string, width, n int) []string {
	var lines []string
	line := ""
	for _, part := range parts {
		switch {
		case line == "":
			line = part
		case lipgloss.Width(line)+lipgloss.Width(sep)+lipgloss.Width(part) <= width || len(lines) == n-1:
			line += sep + part
		default:
			lines = append(lines, line)
			line = part
		}
	}
	lines = append(lines, line)
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	return lines
}

// totalsParts count the open tickets by state; each count has its
// symbol and word.
func (p *boardPage) totalsParts() []string {
	loc, s := p.c.loc, p.c.styles
	parts := make([]string, 0, 5)
	all := 0
	for _, st := range sla.States {
		n := p.view.Totals[st]
		all += n
		parts = append(parts, s.stateStyle(st, badgeText(loc, st)+" "+loc.Number(int64(n))))
	}
	parts = append([]string{s.Header.Render(loc.N("board.open", all, nil))}, parts...)
	if !p.view.At.IsZero() {
		parts = append(parts, s.Muted.Render(loc.T("queue.as_of", map[string]any{"Time": loc.DateTime(p.view.At)})))
	}
	return parts
}

// languageParts show the tickets waiting in each language and how many
// agents working it are signed in; a language with tickets waiting and
// nobody signed in to answer them is marked.
func (p *boardPage) languageParts() []string {
	loc, s := p.c.loc, p.c.styles
	var parts []string
	for i, l := range p.view.Languages {
		text := loc.N("board.language_load", l.AgentsSignedIn, map[string]any{"Lang": langCode(l.Language),
			"Waiting": loc.Number(int64(l.Waiting)), "Count": loc.Number(int64(l.AgentsSignedIn))})
		if l.Waiting > 0 && l.AgentsSignedIn == 0 {
			text = s.Breached.Render("✗ " + text)
		}
		if i == 0 {
			text = loc.T("board.by_language") + " " + text // the heading stays with the first language
		}
		parts = append(parts, text)
	}
	return parts
}

// attainmentParts show "answered within 2 business days" for each window
// against the target, met or not in words as well as colour.
func (p *boardPage) attainmentParts() []string {
	loc, s := p.c.loc, p.c.styles
	target := percent(loc, helpdesk.AttainmentTarget)
	parts := []string{loc.T("board.attainment", map[string]any{"Target": target})}
	for _, a := range p.view.Attainment {
		text := loc.N("board.window", a.Days, map[string]any{
			"Percent": percent(loc, a.Ratio),
			"InTime":  loc.Number(int64(a.InTime)),
			"Total":   loc.Number(int64(a.Total)),
		})
		switch {
		case a.Total == 0:
			text = loc.N("board.window_none", a.Days, nil)
		case a.Achieved:
			text = s.OK.Render(text + " ✓ " + loc.T("board.met"))
		default:
			text = s.Breached.Render(text + " ✗ " + loc.T("board.missed"))
		}
		parts = append(parts, text)
	}
	if n := p.view.MailFailed; n > 0 {
		parts = append(parts, s.Breached.Render("✗ "+loc.N("board.mail_failed", int(n), map[string]any{"Count": loc.Number(n)})))
	}
	return parts
}

// percent formats a ratio as a whole percentage, rounded down so a ratio
// under target never shows as the target.
func percent(loc *i18n.Localizer, r float64) string {
	v := int64(math.Floor(r*100 + 1e-9))
	return loc.T("board.percent", map[string]any{"Value": loc.Number(v)})
}

// statusLine shows a load error, a write on its way or its outcome.
func (p *boardPage) statusLine() string {
	loc, s := p.c.loc, p.c.styles
	n := p.notice
	switch {
	case p.err != nil:
		return s.Error.Render(truncate("✗ "+loc.Err(p.err), p.width))
	case n.id == "" && p.loading:
		return s.Busy.Render(loc.T("board.loading"))
	case n.id == "":
		return ""
	}
	return p.c.noticeLine(n, p.width)
}

// tabCells are the sections with their number keys.
func (p *boardPage) tabCells() []string {
	loc, s := p.c.loc, p.c.styles
	cells := make([]string, 0, secCount)
	for i, name := range boardSections {
		label := strconv.Itoa(i+1) + " " + loc.T("board.section."+name)
		if i == secUrgent && p.view != nil {
			label += " (" + loc.Number(int64(len(p.view.Urgent))) + ")"
		}
		if i == p.section {
			cells = append(cells, s.TabOn.Render("["+label+"]"))
		} else {
			cells = append(cells, s.TabOff.Render(" "+label+" "))
		}
	}
	return cells
}

// sectionView renders the section in view as a table with a cursor.
func (p *boardPage) sectionView() []string {
	loc := p.c.loc
	var headers []string
	var rows [][]string
	var numeric map[int]bool
	short := map[int]string{} // a state column's heading when the table is too wide: its symbol
	var paint func(r, c int, text string) string
	switch p.section {
	case secCounts:
		headers = []string{loc.T("queue.col.lang"), loc.T("queue.col.agency"), loc.T("queue.col.category")}
		for _, st := range []sla.State{sla.StateBreached, sla.StateAtRisk, sla.StateOnTrack, sla.StatePaused} {
			short[len(headers)] = stateSymbols[st]
			headers = append(headers, badgeText(loc, st))
		}
		numeric = map[int]bool{3: true, 4: true, 5: true, 6: true}
		for _, cell := range p.view.Cells {
			rows = append(rows, []string{
				langCode(cell.Language), p.agencyText(cell), enumText(loc, "ticket_category", string(cell.Category)),
				loc.Number(int64(cell.Breached)), loc.Number(int64(cell.AtRisk)), loc.Number(int64(cell.OnTrack)), loc.Number(int64(cell.Paused)),
			})
		}
		if len(rows) == 0 {
			return []string{p.c.styles.Muted.Render(loc.T("board.no_open"))}
		}
	case secAgents:
		headers = []string{loc.T("board.col.agent"), loc.T("board.col.open"), badgeText(loc, sla.StateAtRisk),
			badgeText(loc, sla.StateBreached), loc.T("board.col.replies_today")}
		numeric = map[int]bool{1: true, 2: true, 3: true, 4: true}
		short = map[int]string{2: stateSymbols[sla.StateAtRisk], 3: stateSymbols[sla.StateBreached]}
		for _, a := range p.view.Workload {
			name := strings.TrimSpace(sanitizeLine(a.Name))
			if name == "" {
				name = sanitizeLine(a.AgentID)
			}
			rows = append(rows, []string{name, loc.Number(int64(a.Open)), loc.Number(int64(a.AtRisk)),
				loc.Number(int64(a.Breached)), loc.Number(int64(a.RepliesToday))})
		}
	case secUrgent:
		headers = []string{" ", loc.T("queue.col.ref"), loc.T("queue.col.lang"), loc.T("queue.col.category"),
			loc.T("queue.col.assignee"), loc.T("queue.col.left"), loc.T("queue.col.state")}
		for _, it := range p.view.Urgent {
			mark := "[ ]"
			if p.marked[it.ID] {
				mark = "[x]"
			}
			assignee := dash
			if it.Assignee != "" {
				assignee = sanitizeLine(it.AssigneeName)
			}
			rows = append(rows, []string{mark, sanitizeLine(it.Ref), langCode(it.Language),
				enumText(loc, "ticket_category", string(it.Category)), assignee, queueLeft(loc, it), badgeText(loc, it.State)})
		}
		if len(rows) == 0 {
			return []string{p.c.styles.OK.Render("✓ " + loc.T("board.no_urgent"))}
		}
		urgent := p.view.Urgent
		paint = func(r, c int, text string) string {
			if c == 6 {
				return p.c.styles.stateStyle(urgent[r].State, text)
			}
			return text
		}
	case secClosures:
		headers = []string{loc.T("board.col.day"), loc.T("board.col.date"), loc.T("board.col.reason")}
		for _, cl := range p.view.Closures {
			rows = append(rows, []string{sanitizeLine(cl.Day), p.dayText(cl.Day), sanitizeLine(cl.Reason)})
		}
		if len(rows) == 0 {
			return []string{p.c.styles.Muted.Render(loc.T("board.no_closures"))}
		}
	}
	shrink := map[int]int{secCounts: 1, secAgents: 0, secUrgent: 3, secClosures: -1}[p.section]
	return p.cursorTable(headers, short, rows, numeric, shrink, paint)
}

// agencyText names an agency, or says there is none.
func (p *boardPage) agencyText(c helpdesk.Cell) string {
	switch {
	case c.Agency == "":
		return p.c.loc.T("board.no_agency")
	case c.AgencyName != "":
		return sanitizeLine(c.AgencyName)
	}
	return sanitizeLine(c.Agency)
}

// refList names tickets by reference: the first three, then how many more.
func refList(refs []string) string {
	const shown = 3
	out := make([]string, 0, shown+1)
	for _, r := range refs[:min(len(refs), shown)] {
		out = append(out, sanitizeLine(r))
	}
	if len(refs) > shown {
		out = append(out, "+"+strconv.Itoa(len(refs)-shown))
	}
	return strings.Join(out, ", ")
}

// cursorTable renders headers and the rows in view, the cursor row marked
// with "›" and highlighted as one plain run.
func (p *boardPage) cursorTable(headers []string, short map[int]string, rows [][]string, numeric map[int]bool, shrink int, paint func(r, c int, text string) string) []string {
	s := p.c.styles
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], lipgloss.Width(cell))
		}
	}
	// When the table is too wide, a state's column is headed by its
	// symbol alone (the totals above name each symbol), then the
	// shrinkable column is cut rather than the last one, which carries
	// the state or the reason.
	total := func() int {
		n := 2 + 2*(len(widths)-1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	if total() > p.width {
		headers = slices.Clone(headers)
		for i, sym := range short {
			headers[i] = sym
			widths[i] = lipgloss.Width(sym)
			for _, r := range rows {
				widths[i] = max(widths[i], lipgloss.Width(r[i]))
			}
		}
	}
	if over := total() - p.width; over > 0 && shrink >= 0 {
		widths[shrink] = max(6, widths[shrink]-over)
	}
	line := func(cells []string, r int, plain bool) string {
		var b strings.Builder
		for i, cell := range cells {
			if i == shrink {
				cell = truncate(cell, widths[i])
			}
			pad := strings.Repeat(" ", max(0, widths[i]-lipgloss.Width(cell)))
			if !plain && paint != nil {
				cell = paint(r, i, cell)
			}
			if numeric[i] {
				cell = pad + cell
			} else if i < len(cells)-1 {
				cell += pad
			}
			b.WriteString(cell)
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		return b.String()
	}
	n := p.rows()
	cur := p.cursor[p.section]
	top := max(0, min(cur-n/2, len(rows)-n))
	out := []string{s.TableHead.Render(truncate("  "+line(headers, -1, true), p.width))}
	for r := top; r < len(rows) && r < top+n; r++ {
		if r == cur {
			out = append(out, s.Selected.Render(truncate("› "+line(rows[r], r, true), p.width)))
			continue
		}
		out = append(out, truncate("  "+line(rows[r], r, false), p.width))
	}
	return out
}

// closureFormRows is the form's height: a heading, two fields, a status line.
const closureFormRows = 4

// closureForm adds a closure day: the day as YYYY-MM-DD and a reason.
type closureForm struct {
	day, reason textinput.Model
	focus       int // 0 day, 1 reason
	err         error
}

func newClosureForm(c *common) *closureForm {
	mk := func(limit int) textinput.Model {
		ti := textinput.New()
		c.styles.styleInput(&ti)
		ti.Cursor.SetMode(cursor.CursorStatic)
		ti.CharLimit = limit
		ti.Prompt = "  "
		return ti
	}
	f := &closureForm{day: mk(10), reason: mk(200)}
	f.day.Placeholder = "YYYY-MM-DD"
	f.setFocus(0)
	return f
}

func (f *closureForm) setFocus(i int) {
	f.focus = i
	f.day.Blur()
	f.reason.Blur()
	f.day.Prompt, f.reason.Prompt = "  ", "  "
	if i == 0 {
		f.day.Focus()
		f.day.Prompt = "> "
	} else {
		f.reason.Focus()
		f.reason.Prompt = "> "
	}
}

func (f *closureForm) toggle() { f.setFocus(1 - f.focus) }

func (f *closureForm) setWidth(w int) {
	f.day.Width = 12
	f.reason.Width = max(10, w-30)
}

// update types into the focused field.
func (f *closureForm) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if f.focus == 0 {
		f.day, cmd = f.day.Update(msg)
	} else {
		f.reason, cmd = f.reason.Update(msg)
	}
	return cmd
}

// values checks the form: a real calendar day and a reason. Errors name
// the field and move the focus to it.
func (f *closureForm) values() (day, reason string, err error) {
	day = strings.TrimSpace(f.day.Value())
	reason = strings.TrimSpace(f.reason.Value())
	if _, perr := time.Parse(time.DateOnly, day); perr != nil {
		f.setFocus(0)
		return "", "", fault.Invalid("day", fault.CodeInvalidInput)
	}
	if reason == "" {
		f.setFocus(1)
		return "", "", fault.Invalid("reason", fault.CodeInvalidInput)
	}
	return day, reason, nil
}

// view draws the heading, the two fields and the form's error.
func (f *closureForm) view(c *common, width int) []string {
	loc, s := c.loc, c.styles
	labels := []string{loc.T("field.day"), loc.T("field.reason")}
	lw := max(lipgloss.Width(labels[0]), lipgloss.Width(labels[1]))
	status := ""
	if f.err != nil {
		status = s.Error.Render(truncate("✗ "+loc.Err(f.err), width))
	}
	return []string{
		s.Heading.Render(truncate(loc.T("board.add_closure"), width)),
		truncate(s.Label.Render(padRight(labels[0], lw))+" "+f.day.View(), width),
		truncate(s.Label.Render(padRight(labels[1], lw))+" "+f.reason.View(), width),
		status,
	}
}
