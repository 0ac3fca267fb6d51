package tui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/feed"
	"supportdesk/core/helpdesk"
	"supportdesk/core/sla"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// The queue loads in pages and keeps a bounded cache of them, so a queue of
// 100 000 tickets costs a window's worth of rendering and a few pages of
// memory.
const (
	queuePageSize   = 50
	queuePrefetch   = 25 // rows beyond the window loaded ahead of the cursor
	queueCacheLimit = 40 // pages kept; the farthest from the cursor go first
	queueHeader     = 3  // filter line, status line, column headings
	searchMaxLength = 200
)

// queuePage is the agent's home: its queue ordered by SLA due time, with
// filters and search, rendering only the rows in view.
type queuePage struct {
	c        *common
	id       int
	filter   helpdesk.QueueFilter
	search   textinput.Model
	panel    *filterPanel // the filter editor, nil when closed
	pages    map[int][]helpdesk.QueueItem
	stale    map[int][]helpdesk.QueueItem // the last load's pages, shown until a refresh replaces them
	pending  map[int]bool
	gen      int   // bumped on every reload; older pages are dropped
	total    int   // rows matching the filter; -1 until the first page answers
	keep     int64 // the ticket under the cursor when a refresh began: the cursor follows it
	at       time.Time
	cursor   int
	top      int
	err      error
	agencies map[string]string // partner agencies by id, their names: the filter editor's values
	width    int
	height   int
}

func newQueuePage(c *common) *queuePage {
	ti := textinput.New()
	c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.CharLimit = searchMaxLength
	ti.Prompt = "/ "
	return &queuePage{
		c: c, id: c.nextID(), search: ti, total: -1,
		pages: map[int][]helpdesk.QueueItem{}, pending: map[int]bool{}, agencies: map[string]string{},
	}
}

// Init loads the first pages.
func (p *queuePage) Init() tea.Cmd { return tea.Batch(p.ensure(), queueTickCmd(p.c.base, p.id)) }

// InputFocused reports whether the search field holds the keyboard.
func (p *queuePage) InputFocused() bool { return p.search.Focused() }

// Title names the screen in the header.
func (p *queuePage) Title() string { return p.c.loc.T("queue.title") }

// SetSize keeps the cursor in view at the new height.
func (p *queuePage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.search.Width = max(10, w-4)
	p.scroll()
}

// rows is how many queue rows fit under the header and the filter editor.
func (p *queuePage) rows() int {
	extra := 0
	if p.panel != nil {
		extra = filterRows + 1
	}
	return max(1, p.height-queueHeader-extra)
}

// scroll moves the window so the cursor is in view.
func (p *queuePage) scroll() {
	n := p.rows()
	if p.cursor < p.top {
		p.top = p.cursor
	}
	if p.cursor >= p.top+n {
		p.top = p.cursor - n + 1
	}
	if p.total >= 0 {
		p.top = max(0, min(p.top, p.total-n))
	}
	p.top = max(0, p.top)
}

// item returns row i when its page is loaded.
func (p *queuePage) item(i int) (helpdesk.QueueItem, bool) {
	if i < 0 || (p.total >= 0 && i >= p.total) {
		return helpdesk.QueueItem{}, false
	}
	pg, j := i/queuePageSize, i%queuePageSize
	items, ok := p.pages[pg]
	if !ok {
		items, ok = p.stale[pg]
	}
	if !ok || j >= len(items) {
		return helpdesk.QueueItem{}, false
	}
	return items[j], true
}

// ensure fetches the pages around the window that are neither cached nor
// on their way, and evicts the farthest pages beyond the cache limit.
func (p *queuePage) ensure() tea.Cmd {
	if p.c.tickets == nil || p.c.agent == nil {
		return nil
	}
	first, last := 0, 0
	if p.total > 0 { // an empty queue asks for its first page again after a reload
		first = max(0, p.top-queuePrefetch) / queuePageSize
		last = min(p.total-1, p.top+p.rows()+queuePrefetch) / queuePageSize
	}
	var cmds []tea.Cmd
	for pg := first; pg <= last; pg++ {
		if _, ok := p.pages[pg]; ok || p.pending[pg] {
			continue
		}
		at, size, ok := p.anchor(pg)
		if !ok {
			continue // a neighbour's load brings it
		}
		p.pending[pg] = true
		cmds = append(cmds, queueCmd(p.c.ctx, p.c.tickets, p.c.token(), p.filter, p.id, p.gen, pg, at, size))
	}
	p.evict()
	return tea.Batch(cmds...)
}

// anchor places page pg by key, never by offset: just after the last row
// of the page before it, or just before the first row of the page after
// it (this load's pages first, else the last load's), or at either end of
// the queue. A page with no neighbour loaded yet waits: the neighbour's
// arrival asks for it again.
func (p *queuePage) anchor(pg int) (helpdesk.PageAt, int, bool) {
	if pg == 0 {
		return helpdesk.PageAt{}, queuePageSize, true
	}
	for _, pages := range []map[int][]helpdesk.QueueItem{p.pages, p.stale} {
		if prev := pages[pg-1]; len(prev) == queuePageSize {
			k := prev[len(prev)-1].Place
			return helpdesk.PageAt{After: &k}, queuePageSize, true
		}
		if next := pages[pg+1]; len(next) > 0 {
			k := next[0].Place
			return helpdesk.PageAt{Before: &k}, queuePageSize, true
		}
	}
	if p.total > 0 && pg == (p.total-1)/queuePageSize {
		return helpdesk.PageAt{Last: true}, p.total - pg*queuePageSize, true
	}
	return helpdesk.PageAt{}, 0, false
}

// evict drops the pages farthest from the cursor beyond the cache limit.
func (p *queuePage) evict() {
	if len(p.pages)+len(p.stale) <= queueCacheLimit {
		return
	}
	p.stale = nil
	if len(p.pages) <= queueCacheLimit {
		return
	}
	here := p.cursor / queuePageSize
	keys := make([]int, 0, len(p.pages))
	for k := range p.pages {
		keys = append(keys, k)
	}
	dist := func(k int) int { return max(k-here, here-k) }
	slices.SortFunc(keys, func(a, b int) int { return dist(b) - dist(a) })
	for _, k := range keys[:len(keys)-queueCacheLimit] {
		delete(p.pages, k)
	}
}

// reload fetches the queue again. After a filter change the old rows mean
// nothing and go; on a plain refresh they stay on screen until replaced.
func (p *queuePage) reload(filterChanged bool) tea.Cmd {
	p.gen++
	p.pending = map[int]bool{}
	p.keep = 0
	if filterChanged {
		p.stale = nil
		p.total, p.cursor, p.top = -1, 0, 0
	} else {
		if it, ok := p.item(p.cursor); ok {
			p.keep = it.ID
		}
		p.stale = p.pages
	}
	p.pages = map[int][]helpdesk.QueueItem{}
	p.err = nil
	return p.ensure()
}

// Update handles pages coming back and the keys.
func (p *queuePage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case queueLoadedMsg:
		return p, p.loaded(msg)
	case queueTickMsg:
		if msg.to != p.id {
			return p, nil
		}
		if p.search.Focused() || p.panel != nil || p.c.locked {
			return p, queueTickCmd(p.c.base, p.id) // not while the agent edits the search or filters, nor behind the lock
		}
		return p, tea.Batch(p.reload(false), queueTickCmd(p.c.base, p.id))
	case tea.WindowSizeMsg:
		return p, p.ensure()
	case tea.KeyMsg:
		switch {
		case p.search.Focused():
			return p, p.typing(msg)
		case p.panel != nil:
			return p, p.panelKey(msg)
		}
		return p, p.browsing(msg)
	}
	if p.search.Focused() { // a paste from the clipboard, say
		var cmd tea.Cmd
		p.search, cmd = p.search.Update(msg)
		return p, cmd
	}
	return p, nil
}

func (p *queuePage) loaded(msg queueLoadedMsg) tea.Cmd {
	if msg.to != p.id || msg.gen != p.gen {
		return nil // a page of a filter or refresh since replaced
	}
	delete(p.pending, msg.page)
	if msg.err != nil {
		p.err = msg.err
		return nil
	}
	p.err = nil
	p.pages[msg.page] = msg.result.Items
	delete(p.stale, msg.page)
	p.total, p.at = msg.result.Total, msg.result.At
	for _, a := range msg.result.Agencies {
		p.agencies[a.ID] = a.Name
	}
	p.follow2(msg.page, msg.result.Items)
	p.cursor = max(0, min(p.cursor, p.total-1))
	p.scroll()
	return p.ensure()
}

// follow2 moves the cursor to the ticket it was on before a refresh when
// a page brings it, wherever it moved; once the cursor's own page came
// without it, the cursor stays where it is.
func (p *queuePage) follow2(page int, items []helpdesk.QueueItem) {
	if p.keep == 0 {
		return
	}
	for i, it := range items {
		if it.ID == p.keep {
			p.cursor, p.keep = page*queuePageSize+i, 0
			return
		}
	}
	if page == p.cursor/queuePageSize {
		p.keep = 0
	}
}

// follow reloads the queue when a ticket or every queue changed, but not
// while the agent edits the search or the filters (the periodic refresh
// catches up then).
func (p *queuePage) follow(changes []feed.Change) tea.Cmd {
	if !concerns(changes, feed.Ticket, feed.Queues) || p.search.Focused() || p.panel != nil {
		return nil
	}
	return p.reload(false)
}

// move shifts the cursor by delta rows, clamped, and loads what comes into view.
func (p *queuePage) move(delta int) tea.Cmd {
	if p.total <= 0 {
		return nil
	}
	p.cursor = max(0, min(p.total-1, p.cursor+delta))
	p.scroll()
	return p.ensure()
}

// browsing handles keys while the list has focus.
func (p *queuePage) browsing(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Up):
		return p.move(-1)
	case key.Matches(msg, k.Down):
		return p.move(1)
	case key.Matches(msg, k.PageUp):
		return p.move(-p.rows())
	case key.Matches(msg, k.PageDown):
		return p.move(p.rows())
	case key.Matches(msg, k.Top):
		return p.move(-p.cursor)
	case key.Matches(msg, k.Bottom):
		return p.move(p.total)
	case key.Matches(msg, k.Open):
		if it, ok := p.item(p.cursor); ok {
			return navCmd(openTicketMsg{id: it.ID})
		}
	case key.Matches(msg, k.Find):
		p.search.SetValue(p.filter.Search)
		p.search.CursorEnd()
		p.search.Focus()
	case key.Matches(msg, k.Filter):
		p.panel = newFilterPanel(p.filter, p.agencies)
		p.scroll()
	case key.Matches(msg, k.ClearAll):
		if p.filter != (helpdesk.QueueFilter{}) {
			p.filter = helpdesk.QueueFilter{}
			return p.reload(true)
		}
	case key.Matches(msg, k.Back):
		if p.filter.Search != "" {
			p.filter.Search = ""
			return p.reload(true)
		}
	case key.Matches(msg, k.Refresh):
		return p.reload(false)
	case key.Matches(msg, k.Lookup):
		return navCmd(openLookupMsg{})
	case key.Matches(msg, k.Call):
		if p.c.takesCalls() {
			return navCmd(openCallMsg{})
		}
	case key.Matches(msg, k.Board):
		if p.c.canSupervise() {
			return navCmd(openBoardMsg{})
		}
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
	}
	return nil
}

// typing handles keys while the search field has focus: enter searches,
// esc puts the search back as it was.
func (p *queuePage) typing(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Apply):
		p.search.Blur()
		q := strings.TrimSpace(p.search.Value())
		if q == p.filter.Search {
			return nil
		}
		p.filter.Search = q
		return p.reload(true)
	case key.Matches(msg, k.Back):
		p.search.Blur()
		return nil
	}
	var cmd tea.Cmd
	p.search, cmd = p.search.Update(msg)
	return cmd
}

// panelKey handles keys while the filter editor is open.
func (p *queuePage) panelKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	fp := p.panel
	switch {
	case key.Matches(msg, k.Up), key.Matches(msg, k.TabPrev):
		fp.row = (fp.row + filterRows - 1) % filterRows
	case key.Matches(msg, k.Down), key.Matches(msg, k.TabNext):
		fp.row = (fp.row + 1) % filterRows
	case key.Matches(msg, k.Left):
		fp.cycle(-1)
	case key.Matches(msg, k.Right), key.Matches(msg, k.Mark):
		fp.cycle(1)
	case key.Matches(msg, k.Apply):
		p.panel = nil
		p.scroll()
		if fp.f != p.filter {
			p.filter = fp.f
			return p.reload(true)
		}
	case key.Matches(msg, k.Back):
		p.panel = nil
		p.scroll()
	}
	return nil
}

// ShortHelp lists the keys that work in the current focus.
func (p *queuePage) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.search.Focused():
		return []key.Binding{withHelp(k.Apply, p.c.loc.T("help.search")), k.Cancel}
	case p.panel != nil:
		return []key.Binding{withHelp(k.Move, p.c.loc.T("help.choose_filter")), k.Cycle, k.Apply, k.Cancel}
	}
	short := []key.Binding{k.Move, k.Open, k.Find, k.Filter, k.Lookup}
	if p.c.takesCalls() {
		short = append(short, k.Call)
	}
	if p.c.canSupervise() {
		short = append(short, k.Board)
	}
	return short
}

// FullHelp groups the screen's keys.
func (p *queuePage) FullHelp() [][]key.Binding {
	k := p.c.keys
	if p.search.Focused() || p.panel != nil {
		return [][]key.Binding{p.ShortHelp()}
	}
	nav := []key.Binding{k.Move, k.Pages, k.Ends, k.Open}
	list := []key.Binding{k.Find, k.Filter, k.ClearAll, k.Refresh}
	other := []key.Binding{k.Lookup}
	if p.c.takesCalls() {
		other = append(other, k.Call)
	}
	if p.c.canSupervise() {
		other = append(other, k.Board)
	}
	if p.c.canListRequests() {
		other = append(other, k.Requests)
	}
	if p.c.canReadAudit() {
		other = append(other, k.Audit)
	}
	if p.c.canReviewMail() {
		other = append(other, k.Held)
	}
	if p.filter.Search != "" {
		other = append(other, k.backAs(p.c.loc.T("help.clear_search")))
	}
	return [][]key.Binding{nav, list, other}
}

// View renders the filter line, the status line, the column headings and
// the rows in view; nothing outside the window is formatted.
func (p *queuePage) View() string {
	loc, s := p.c.loc, p.c.styles
	lines := make([]string, 0, p.height)
	lines = append(lines, s.Muted.Render(truncate(p.filterLine(), p.width)))
	if p.search.Focused() {
		lines = append(lines, p.search.View())
	} else {
		lines = append(lines, p.statusLine())
	}
	if p.panel != nil {
		lines = append(lines, p.panel.view(p.c, p.width)...)
		lines = append(lines, "")
	}
	if p.total == 0 {
		lines = append(lines, "", s.Muted.Render(wrap(loc.T("queue.empty"), p.width)))
		return strings.Join(lines, "\n")
	}
	lines = append(lines, p.table()...)
	return strings.Join(lines, "\n")
}

// filterLine summarizes the filter in force.
func (p *queuePage) filterLine() string {
	loc := p.c.loc
	parts := make([]string, 0, 5)
	for i := range filterRows {
		parts = append(parts, loc.T(filterLabels[i]+"_is", map[string]any{"Value": filterValue(loc, p.filter, i, p.agencies)}))
	}
	line := strings.Join(parts, " · ")
	if p.filter.Search != "" {
		line += " · " + loc.T("queue.search", map[string]any{"Text": sanitizeLine(p.filter.Search)})
	}
	return line
}

// statusLine says what is loading, what failed, or which rows are in view.
func (p *queuePage) statusLine() string {
	loc, s := p.c.loc, p.c.styles
	switch {
	case p.err != nil:
		return s.Error.Render(truncate("✗ "+loc.Err(p.err), p.width))
	case p.total < 0:
		return s.Busy.Render(loc.T("queue.loading"))
	case p.total == 0:
		return ""
	}
	last := min(p.total, p.top+p.rows())
	text := loc.T("queue.range", map[string]any{
		"From":  loc.Number(int64(p.top + 1)),
		"To":    loc.Number(int64(last)),
		"Total": loc.Number(int64(p.total)),
	})
	if !p.at.IsZero() {
		text += " · " + loc.T("queue.as_of", map[string]any{"Time": loc.DateTime(p.at)})
	}
	if len(p.pending) > 0 {
		text += " · " + loc.T("queue.loading")
	}
	return s.Muted.Render(truncate(text, p.width))
}

// The queue's columns, in order.
const (
	colRef = iota
	colLang
	colCategory
	colRequester
	colAssignee
	colAge
	colLeft
	colState
	colSubject
	colCount
)

var queueHeadings = [colCount]string{
	"queue.col.ref", "queue.col.lang", "queue.col.category", "queue.col.requester", "queue.col.assignee",
	"queue.col.age", "queue.col.left", "queue.col.state", "queue.col.subject",
}

// table renders the headings and the window's rows. Column widths come from
// the rows in view, so the cost does not grow with the queue.
func (p *queuePage) table() []string {
	loc, s := p.c.loc, p.c.styles
	n := min(p.rows(), max(0, p.total-p.top))
	if p.total < 0 {
		n = 0
	}
	now := p.c.now()
	cells := make([][colCount]string, n)
	loaded := make([]bool, n)
	states := make([]helpdesk.QueueItem, n)
	var widths [colCount]int
	for c := range colCount {
		widths[c] = lipgloss.Width(loc.T(queueHeadings[c]))
	}
	me := p.c.agent.AgentID
	for r := range n {
		it, ok := p.item(p.top + r)
		if !ok {
			continue
		}
		loaded[r], states[r] = true, it
		assignee := dash
		switch {
		case it.Assignee == me:
			assignee = loc.T("queue.mine")
		case it.Assignee != "":
			assignee = sanitizeLine(it.AssigneeName)
		}
		cells[r] = [colCount]string{
			sanitizeLine(it.Ref), langCode(it.Language), enumText(loc, "ticket_category", string(it.Category)),
			sanitizeLine(it.RequesterMasked), assignee, age(loc, now, it.CreatedAt), queueLeft(loc, it),
			badgeText(loc, it.State), sanitizeLine(it.Subject),
		}
		for c := range colSubject {
			widths[c] = max(widths[c], lipgloss.Width(cells[r][c]))
		}
	}
	widths = fitColumns(widths, p.width-2)
	out := make([]string, 0, n+1)
	var head [colCount]string
	for c := range colCount {
		head[c] = loc.T(queueHeadings[c])
	}
	out = append(out, s.TableHead.Render(rowText("  ", head, widths, nil)))
	for r := range n {
		i := p.top + r
		marker := "  "
		if i == p.cursor {
			marker = "› "
		}
		switch {
		case !loaded[r]:
			out = append(out, marker+s.Muted.Render("…"))
		case i == p.cursor:
			// The selected row is one plain run under one style: cells with
			// their own colours would break the highlight.
			out = append(out, s.Selected.Render(rowText(marker, cells[r], widths, nil)))
		default:
			st := states[r].State
			out = append(out, rowText(marker, cells[r], widths, func(c int, text string) string {
				if c == colState {
					return s.stateStyle(st, text) // the symbol and word are there without colour
				}
				return text
			}))
		}
	}
	return out
}

// queueLeft is the business time left, or how late a breached ticket is,
// worded as the ticket view words it; an answered ticket has no clock
// running.
func queueLeft(loc *i18n.Localizer, it helpdesk.QueueItem) string {
	switch {
	case it.State == sla.StateFulfilled:
		return dash
	case it.Left < 0:
		return loc.T("ticket.overdue", map[string]any{"Duration": loc.Hours(-it.Left)})
	}
	return loc.Hours(it.Left)
}

// queueDrops are the columns given up, in turn, when the subject would get
// less than its minimum: the requester (masked, read in the ticket), the
// category, the age, the assignee, the language. The reference, the time
// left, the SLA badge and the subject always show.
var queueDrops = []int{colRequester, colCategory, colAge, colAssignee, colLang}

// fitColumns lays the columns out by priority in total cells: the subject
// takes the width left, and at least a quarter of the line (or 16 cells).
// To make that room the category and the requester shrink first, then
// whole columns go (queueDrops).
func fitColumns(natural [colCount]int, total int) [colCount]int {
	const gap = 2
	minSubject := max(16, total/4)
	sum := func(w [colCount]int) int {
		n := 0
		for c := range colSubject {
			if w[c] > 0 {
				n += w[c] + gap
			}
		}
		return n
	}
	w := natural
	w[colSubject] = 0
	steps := []func(){
		func() { w[colCategory], w[colRequester] = min(w[colCategory], 18), min(w[colRequester], 18) },
		func() { w[colCategory], w[colRequester] = min(w[colCategory], 12), min(w[colRequester], 12) },
	}
	for _, c := range queueDrops {
		steps = append(steps, func() { w[c] = 0 })
	}
	for _, step := range steps {
		if total-sum(w) >= minSubject {
			break
		}
		step()
	}
	w[colSubject] = max(1, total-sum(w))
	return w
}

// rowText lays cells out in their widths, skipping hidden (zero) columns.
// paint, when set, styles a cell's text after it is cut to width.
func rowText(marker string, cells [colCount]string, w [colCount]int, paint func(col int, text string) string) string {
	last := -1
	for c := range colCount {
		if w[c] > 0 {
			last = c
		}
	}
	var b strings.Builder
	b.WriteString(marker)
	for c := range colCount {
		if w[c] <= 0 {
			continue
		}
		cell := truncate(cells[c], w[c])
		pad := ""
		if c != last {
			pad = strings.Repeat(" ", max(0, w[c]-lipgloss.Width(cell))+2)
		}
		if paint != nil {
			cell = paint(c, cell)
		}
		b.WriteString(cell)
		b.WriteString(pad)
	}
	return b.String()
}

// The filter editor's rows.
const (
	filterStatus = iota
	filterLanguage
	filterCategory
	filterAgency
	filterRows
)

// filterLabels name the filters; "<id>_is" shows one with its value.
var filterLabels = [filterRows]string{"queue.filter.status", "queue.filter.language", "queue.filter.category", "queue.filter.agency"}

// filterPanel edits a copy of the queue filter; enter applies it.
type filterPanel struct {
	row      int
	f        helpdesk.QueueFilter
	agencies []string          // ids, by name
	names    map[string]string // agency names by id
}

func newFilterPanel(f helpdesk.QueueFilter, names map[string]string) *filterPanel {
	ag := make([]string, 0, len(names)+1)
	for a := range names {
		ag = append(ag, a)
	}
	if _, ok := names[f.Agency]; f.Agency != "" && !ok {
		ag = append(ag, f.Agency)
	}
	slices.SortFunc(ag, func(a, b string) int { return strings.Compare(agencyName(names, a), agencyName(names, b)) })
	return &filterPanel{f: f, agencies: ag, names: names}
}

// agencyName is an agency's name, else its id as stored.
func agencyName(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return sanitizeLine(n)
	}
	return sanitizeLine(id)
}

// options lists a row's values; "" means any.
func (fp *filterPanel) options(row int) []string {
	switch row {
	case filterStatus:
		out := []string{""}
		for _, st := range helpdesk.FilterStatuses {
			out = append(out, string(st))
		}
		return out
	case filterLanguage:
		return append([]string{""}, i18n.Languages...)
	case filterCategory:
		out := []string{""}
		for _, c := range ticket.Categories {
			out = append(out, string(c))
		}
		return out
	}
	return append([]string{""}, fp.agencies...)
}

// cycle moves the selected row's value by dir.
func (fp *filterPanel) cycle(dir int) {
	opts := fp.options(fp.row)
	i := slices.Index(opts, filterRaw(fp.f, fp.row))
	next := opts[(max(i, 0)+dir+len(opts))%len(opts)]
	switch fp.row {
	case filterStatus:
		fp.f.Status = ticket.Status(next)
	case filterLanguage:
		fp.f.Language = next
	case filterCategory:
		fp.f.Category = ticket.Category(next)
	default:
		fp.f.Agency = next
	}
}

// view renders one line per filter, the selected one marked.
func (fp *filterPanel) view(c *common, width int) []string {
	loc, s := c.loc, c.styles
	lw := 0
	for _, id := range filterLabels {
		lw = max(lw, lipgloss.Width(loc.T(id)))
	}
	out := make([]string, 0, filterRows)
	for i := range filterRows {
		marker, value := "  ", filterValue(loc, fp.f, i, fp.names)
		if i == fp.row {
			marker, value = "› ", "‹ "+value+" ›"
		}
		line := marker + s.Label.Render(padRight(loc.T(filterLabels[i]), lw)) + "  " + value
		if i == fp.row {
			line = s.Header.Render(line)
		}
		out = append(out, truncate(line, width))
	}
	return out
}

// filterRaw is a filter row's value as the core takes it.
func filterRaw(f helpdesk.QueueFilter, row int) string {
	switch row {
	case filterStatus:
		return string(f.Status)
	case filterLanguage:
		return f.Language
	case filterCategory:
		return string(f.Category)
	}
	return f.Agency
}

// filterValue is a filter row's value as the agent reads it.
func filterValue(loc *i18n.Localizer, f helpdesk.QueueFilter, row int, agencies map[string]string) string {
	v := filterRaw(f, row)
	if v == "" {
		return loc.T(filterLabels[row] + "_any") // "Todas", "Toutes": the word agrees with its noun
	}
	switch row {
	case filterStatus:
		return enumText(loc, "ticket_status", v)
	case filterLanguage:
		return enumText(loc, "language", v)
	case filterCategory:
		return enumText(loc, "ticket_category", v)
	}
	return agencyName(agencies, v)
}
