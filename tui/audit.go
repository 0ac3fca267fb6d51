package tui

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/google/uuid"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/staff"
)

// The audit viewer reads the log in pages, newest first, and asks for the
// next one (Before the last Seq seen) as the cursor nears the end. It never
// reloads on its own: core audits every read, and a timer would fill the
// log with the viewer's own entries.
const (
	auditPageSize = 100
	auditPrefetch = 10 // rows before the end at which the next page is asked for
)

// The filter form's fields, in tab order. auditFieldNames are the core's
// field names for errors and the "field.<name>" labels.
const (
	auditActor = iota
	auditTarget
	auditAction
	auditFrom
	auditTo
	auditFields
)

var auditFieldNames = []string{"actor", "target", "action", "from", "to"}

// auditFormRows is the filter form's height: a heading, the fields and a
// status line.
const auditFormRows = auditFields + 2

// What the filter form accepts, checked before anything reaches core.
var (
	ticketRefPattern   = regexp.MustCompile(`^SD-\d{4}-\d{6,}$`)
	auditActionPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)
	actorIDPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@-]*$`)
)

// maxFilterText bounds each typed filter value.
const maxFilterText = 80

// auditLoadedMsg carries one page of the audit log; gen ties it to the
// filter it was asked with, so pages of an abandoned filter are dropped.
type auditLoadedMsg struct {
	to, gen int
	before  int64 // the page's Before: 0 for the first page
	entries []audit.Entry
	err     error
}

func (m auditLoadedMsg) callErr() error { return m.err }

func auditCmd(ctx context.Context, b Audit, tok staff.Token, f auditlog.Filter, to, gen int) tea.Cmd {
	return func() tea.Msg {
		entries, err := call(ctx, func(ctx context.Context) ([]audit.Entry, error) {
			return b.AuditLog(ctx, tok, f)
		})
		return auditLoadedMsg{to: to, gen: gen, before: f.Before, entries: entries, err: err}
	}
}

// Columns of the audit table, in order.
const (
	audColTime = iota
	audColActor
	audColRole
	audColAction
	audColTarget
	audColDetail
	audCols
)

var auditHeadings = [audCols]string{
	"audit.col.time", "audit.col.actor", "audit.col.role", "audit.col.action", "audit.col.target", "audit.col.detail",
}

// auditCaps are the widest each column gets, and auditMins what it keeps
// when the terminal is narrow; the detail takes what is left.
var (
	auditCaps = [audCols]int{audColActor: 20, audColRole: 16, audColAction: 28, audColTarget: 15}
	auditMins = [audCols]int{audColActor: 8, audColRole: 6, audColAction: 10, audColTarget: 9}
)

// auditPage is the audit viewer for supervisors and admins: a filter (agent,
// account or ticket, action, dates in the center's zone), the entries newest
// first in a table, and the selected entry in full.
type auditPage struct {
	c       *common
	id      int
	gen     int                 // bumped when the filter changes: older pages are dropped
	filter  auditlog.Filter     // the filter applied, without Before and Limit
	raw     [auditFields]string // the filter as typed, to edit it again
	entries []audit.Entry
	more    bool // the last page was full: older entries may follow
	loading bool
	loaded  bool
	err     error // the last read's failure; the entries already read stay
	cursor  int
	form    *auditForm
	picker  *picker
	agents  []helpdesk.AgentSummary // names for the actor column and the picker
	width   int
	height  int
}

func newAuditPage(c *common) *auditPage {
	return &auditPage{c: c, id: c.nextID()}
}

// isAudit reports whether p is the audit viewer, so the stack holds one.
func isAudit(p page) bool {
	_, ok := p.(*auditPage)
	return ok
}

// Init reads the newest entries and the agents' names.
func (p *auditPage) Init() tea.Cmd { return tea.Batch(p.load(false), p.loadAgents()) }

// canListAgents reports whether core will list the agents for names and
// the picker; others type an agent's id.
func (p *auditPage) canListAgents() bool {
	return p.c.tickets != nil && p.c.can(access.ActAssign, access.ScopeOwn)
}

func (p *auditPage) loadAgents() tea.Cmd {
	if !p.canListAgents() || p.c.agent == nil {
		return nil
	}
	return agentsCmd(p.c.ctx, p.c.tickets, p.c.token(), p.id)
}

// load reads the first page, or with next the page after the last entry
// shown, unless a read is already on its way.
func (p *auditPage) load(next bool) tea.Cmd {
	if p.loading || p.c.agent == nil {
		return nil
	}
	f := p.filter
	f.Limit = auditPageSize
	if next {
		if !p.more || len(p.entries) == 0 {
			return nil
		}
		f.Before = p.entries[len(p.entries)-1].Seq
	}
	p.loading = true
	return auditCmd(p.c.ctx, p.c.backend, p.c.token(), f, p.id, p.gen)
}

// reloadFirst reads the first page again under the filter in force; a
// new filter drops the entries of the old one at once.
func (p *auditPage) reloadFirst(newFilter bool) tea.Cmd {
	p.gen++
	p.loading = false // the read in flight, if any, answers a generation now dropped
	p.cursor = 0
	if newFilter {
		p.entries, p.more, p.loaded = nil, false, false
	}
	return p.load(false)
}

// InputFocused reports whether the filter form or the picker holds the
// keyboard.
func (p *auditPage) InputFocused() bool { return p.form != nil || p.picker != nil }

// Title names the screen in the header.
func (p *auditPage) Title() string { return p.c.loc.T("audit.title") }

// SetSize stores the size and fits the form's fields.
func (p *auditPage) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.form != nil {
		p.form.setWidth(p.c, w)
	}
}

// refresh follows a language switch: labels and placeholders change.
func (p *auditPage) refresh() {
	if p.form != nil {
		p.form.localize(p.c, p.canListAgents())
		p.form.setWidth(p.c, p.width)
	}
}

// Update takes the pages read, the agents, and keys.
func (p *auditPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case auditLoadedMsg:
		if msg.to != p.id || msg.gen != p.gen {
			return p, nil
		}
		p.loading = false
		p.pageRead(msg)
		return p, nil
	case agentsLoadedMsg:
		if msg.to != p.id {
			return p, nil
		}
		if msg.err == nil {
			p.agents = msg.agents
		}
		if p.picker != nil {
			p.picker.loading, p.picker.err = false, msg.err
			p.picker.items = agentItems(msg.agents, "")
		}
		return p, nil
	case tea.KeyMsg:
		return p, p.key(msg)
	}
	if p.form != nil { // a paste, say
		return p, p.form.update(msg)
	}
	return p, nil
}

// pageRead takes a page: the first replaces the list, a next page extends it
// when it follows the last entry shown.
func (p *auditPage) pageRead(msg auditLoadedMsg) {
	if msg.err != nil {
		p.err = msg.err
		return
	}
	if msg.before != 0 {
		if n := len(p.entries); n == 0 || p.entries[n-1].Seq != msg.before {
			return // the list changed under this page
		}
		p.entries = append(p.entries, msg.entries...)
	} else {
		p.entries = msg.entries
	}
	p.more = len(msg.entries) >= auditPageSize
	p.loaded, p.err = true, nil
	p.cursor = max(0, min(p.cursor, len(p.entries)-1))
}

// key routes a key to the picker, the form or the list.
func (p *auditPage) key(msg tea.KeyMsg) tea.Cmd {
	switch {
	case p.picker != nil:
		return p.pickerKey(msg)
	case p.form != nil:
		return p.formKey(msg)
	}
	k := p.c.keys
	switch {
	case k.isCursor(msg):
		return p.move(k.cursorStep(msg, p.rows(), len(p.entries)))
	case key.Matches(msg, k.Filter):
		p.form = newAuditForm(p.c, p.raw, p.canListAgents())
		p.form.setWidth(p.c, p.width)
	case key.Matches(msg, k.ClearAll):
		if p.filter != (auditlog.Filter{}) {
			p.filter, p.raw = auditlog.Filter{}, [auditFields]string{}
			return p.reloadFirst(true)
		}
	case key.Matches(msg, k.Refresh):
		return p.reloadFirst(false)
	case key.Matches(msg, k.Back):
		return navCmd(backMsg{})
	}
	return nil
}

// move shifts the cursor and, near the end of what is loaded, asks for the
// next page.
func (p *auditPage) move(delta int) tea.Cmd {
	if len(p.entries) == 0 {
		return nil
	}
	p.cursor = max(0, min(len(p.entries)-1, p.cursor+delta))
	if len(p.entries)-1-p.cursor < auditPrefetch {
		return p.load(true)
	}
	return nil
}

// formKey moves between the filter's fields, opens the agent picker,
// applies the filter (checked here first) or closes the form.
func (p *auditPage) formKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	f := p.form
	switch {
	case key.Matches(msg, k.Apply):
		flt, err := f.values(p.c.loc.Location())
		if err != nil {
			f.err = err // nothing typed is lost, and core is not asked
			return nil
		}
		p.filter, p.raw, p.form = flt, f.raw(), nil
		return p.reloadFirst(true)
	case key.Matches(msg, k.Back):
		p.form = nil
		return nil
	case f.moveKey(k, msg):
		return nil
	case key.Matches(msg, k.Pick) && f.focus == auditActor && p.canListAgents():
		p.picker = &picker{kind: pickAgent, titleID: "picker.audit_agent"}
		if p.agents == nil {
			p.picker.loading = true
			return p.loadAgents()
		}
		p.picker.items = agentItems(p.agents, "")
		if i := indexOf(p.picker.items, strings.TrimSpace(f.inputs[auditActor].Value())); i >= 0 {
			p.picker.cursor = i
		}
		return nil
	}
	return f.update(sanitizeKey(msg, false))
}

// pickerKey puts the chosen agent's id in the form.
func (p *auditPage) pickerKey(msg tea.KeyMsg) tea.Cmd {
	chosen, closed := p.picker.update(p.c.keys, msg)
	if closed {
		p.picker = nil
		return nil
	}
	if chosen {
		it, _ := p.picker.selected()
		p.picker = nil
		p.form.inputs[auditActor].SetValue(it.value)
		p.form.inputs[auditActor].CursorEnd()
		p.form.err = nil
	}
	return nil
}

// ShortHelp lists the keys that work now.
func (p *auditPage) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.picker != nil:
		return []key.Binding{k.Move, k.Choose, k.Cancel}
	case p.form != nil:
		short := []key.Binding{withHelp(k.Apply, p.c.loc.T("help.apply_filter")), k.Next}
		if p.form.focus == auditActor && p.canListAgents() {
			short = append(short, k.Pick)
		}
		return append(short, k.Cancel)
	}
	short := []key.Binding{k.Move, k.Filter}
	if p.filter != (auditlog.Filter{}) {
		short = append(short, k.ClearAll)
	}
	return append(short, k.Refresh, k.backAs(p.c.loc.T("help.back")))
}

// FullHelp groups the screen's keys.
func (p *auditPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	if p.picker != nil || p.form != nil {
		full := [][]key.Binding{p.ShortHelp()}
		if p.form != nil {
			full = append(full, []key.Binding{k.Prev})
		}
		return full
	}
	return [][]key.Binding{
		{k.Move, k.Pages, k.Ends},
		{k.Filter, k.ClearAll, k.Refresh},
		{k.backAs(p.c.loc.T("help.back"))},
	}
}

// View draws the filter line, the status line, the form or picker, the
// table and the selected entry in full.
func (p *auditPage) View() string {
	loc, s := p.c.loc, p.c.styles
	var lines []string
	for _, l := range p.filterLines() {
		lines = append(lines, s.Muted.Render(l))
	}
	lines = append(lines, p.statusLine())
	if p.form != nil {
		lines = append(lines, p.form.view(p.c, p.width, p.agentName)...)
	}
	if p.picker != nil {
		return strings.Join(append(lines, p.picker.view(p.c, p.width, max(1, p.height-len(lines)))), "\n")
	}
	if !p.loaded {
		return strings.Join(lines, "\n")
	}
	if len(p.entries) == 0 {
		lines = append(lines, "", s.Muted.Render(wrap(loc.T("audit.empty"), max(1, p.width))))
		return strings.Join(lines, "\n")
	}
	tail := p.tailLines()
	lines = append(lines, p.table(p.rowsWith(tail))...)
	return strings.Join(append(lines, tail...), "\n")
}

// rows is how many table rows fit, for paging.
func (p *auditPage) rows() int { return p.rowsWith(p.tailLines()) }

func (p *auditPage) rowsWith(tail []string) int {
	extra := len(p.filterLines()) + 2 // the filter, the status line, the headings
	if p.form != nil {
		extra += auditFormRows
	}
	return max(1, p.height-extra-len(tail))
}

// filterLines say what the list is filtered by, on two lines at most.
func (p *auditPage) filterLines() []string {
	loc := p.c.loc
	f := p.filter
	var parts []string
	add := func(field, value string) {
		if value != "" {
			parts = append(parts, loc.T("field."+field)+" "+value)
		}
	}
	if f.ActorID != "" {
		add("actor", p.agentName(f.ActorID))
	}
	add("target", sanitizeLine(f.TargetID))
	add("action", sanitizeLine(f.Action))
	if !f.From.IsZero() {
		add("from", loc.ShortDate(f.From))
	}
	if !f.To.IsZero() {
		add("to", loc.ShortDate(f.To.Add(-time.Nanosecond))) // To is the day after the last one asked for
	}
	if len(parts) == 0 {
		return []string{truncate(loc.T("audit.filter_none"), p.width)}
	}
	parts[0] = loc.T("audit.filter", map[string]any{"Filter": parts[0]})
	return fitParts(parts, " · ", p.width, 2)
}

// statusLine shows a failed read, the first read on its way, or how many
// entries show and whether older ones follow.
func (p *auditPage) statusLine() string {
	loc, s := p.c.loc, p.c.styles
	switch {
	case p.err != nil:
		return s.Error.Render(truncate("✗ "+loc.Err(p.err), p.width))
	case !p.loaded:
		return s.Busy.Render(truncate(loc.T("audit.loading"), p.width))
	}
	text := loc.N("audit.count", len(p.entries), nil)
	switch {
	case p.loading:
		text += " · " + loc.T("audit.loading")
	case p.more:
		text += " · " + loc.T("audit.more")
	case len(p.entries) > 0:
		text += " · " + loc.T("audit.end")
	}
	return s.Muted.Render(truncate(text, p.width))
}

// agentName names an actor: the agent's name when core listed it, else its
// id as recorded.
func (p *auditPage) agentName(id string) string {
	for _, a := range p.agents {
		if a.ID == id {
			if name := strings.TrimSpace(sanitizeLine(a.Name)); name != "" {
				return name
			}
		}
	}
	return sanitizeLine(id)
}

// actionText is an action's label in the agent's language, or the raw
// action when the console has no message for it.
func (p *auditPage) actionText(action string) string {
	return enumText(p.c.loc, "audit_action", action)
}

// cells renders one entry's columns.
func (p *auditPage) cells(e audit.Entry) [audCols]string {
	loc := p.c.loc
	target := dash
	if e.TargetID != "" {
		target = shortUUID(e.TargetID)
	}
	actor := p.agentName(e.ActorID)
	if actor == sanitizeLine(e.ActorID) {
		actor = shortUUID(e.ActorID) // an id without a name: its start tells it apart
	}
	return [audCols]string{
		loc.DateTime(e.At), actor, enumText(loc, "role", e.ActorRole), p.actionText(e.Action),
		target, sanitizeLine(e.Detail),
	}
}

// table renders the headings and n rows around the cursor. Every column
// but the detail is cut to its cap; on a narrow terminal the actor, role,
// action and target give way down to their minimums, and the detail takes
// what is left (the selected entry shows whole below).
func (p *auditPage) table(n int) []string {
	loc, s := p.c.loc, p.c.styles
	top := max(0, min(p.cursor-n/2, len(p.entries)-n))
	end := min(len(p.entries), top+n)
	var head [audCols]string
	var widths [audCols]int
	for c := range audCols {
		head[c] = loc.T(auditHeadings[c])
		widths[c] = lipgloss.Width(head[c])
	}
	rows := make([][audCols]string, 0, end-top)
	for i := top; i < end; i++ {
		row := p.cells(p.entries[i])
		rows = append(rows, row)
		for c := range audColDetail {
			widths[c] = max(widths[c], lipgloss.Width(row[c]))
		}
	}
	widths = fitAuditColumns(widths, p.width-2)
	line := func(marker string, row [audCols]string) string {
		var b strings.Builder
		b.WriteString(marker)
		for c := range audCols {
			if widths[c] <= 0 {
				continue
			}
			cell := truncate(row[c], widths[c])
			b.WriteString(cell)
			if c < audCols-1 {
				b.WriteString(strings.Repeat(" ", max(0, widths[c]-lipgloss.Width(cell))+2))
			}
		}
		return truncate(strings.TrimRight(b.String(), " "), p.width)
	}
	out := []string{s.TableHead.Render(line("  ", head))}
	for j, row := range rows {
		if top+j == p.cursor {
			out = append(out, s.Selected.Render(line("› ", row)))
			continue
		}
		out = append(out, line("  ", row))
	}
	return out
}

// fitAuditColumns caps the columns, shrinks them towards their minimums
// while the detail would get less than a few cells, and gives the detail
// the rest (none at all on the narrowest terminals).
func fitAuditColumns(w [audCols]int, total int) [audCols]int {
	const gap, minDetail = 2, 12
	for c := range audColDetail {
		if auditCaps[c] > 0 {
			w[c] = min(w[c], auditCaps[c])
		}
	}
	used := func() int {
		n := 0
		for c := range audColDetail {
			n += w[c] + gap
		}
		return n
	}
	for used()+minDetail > total {
		widest := -1
		for _, c := range []int{audColAction, audColActor, audColRole, audColTarget} {
			if w[c] > auditMins[c] && (widest < 0 || w[c]-auditMins[c] > w[widest]-auditMins[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			break
		}
		w[widest]--
	}
	w[audColDetail] = max(0, total-used())
	return w
}

// tailLines show the selected entry in full: number, time, who, what, on
// what, and the detail, wrapped.
func (p *auditPage) tailLines() []string {
	if p.cursor < 0 || p.cursor >= len(p.entries) {
		return nil
	}
	loc, s := p.c.loc, p.c.styles
	e := p.entries[p.cursor]
	who := sanitizeLine(e.ActorID)
	if name := p.agentName(e.ActorID); name != who {
		who = name + " (" + who + ")"
	}
	title := "#" + loc.Number(e.Seq) + " · " + loc.DateTime(e.At) + " · " + who + " · " + enumText(loc, "role", e.ActorRole)
	what := p.actionText(e.Action)
	if raw := sanitizeLine(e.Action); what != raw {
		what += " (" + raw + ")"
	}
	if e.TargetType != "" || e.TargetID != "" {
		what += " · " + strings.TrimSpace(enumText(loc, "audit_target", e.TargetType)+" "+sanitizeLine(e.TargetID))
	}
	item := s.item(0, max(20, p.width), title, what, sanitizeLine(e.Detail))
	lines := strings.Split(item, "\n")
	return append([]string{""}, lines[:min(len(lines), 4)]...)
}

// shortUUID shows the start of a UUID, enough to tell rows apart (the
// selected entry shows it whole); other ids (a ticket reference, "system")
// show as they are.
func shortUUID(id string) string {
	if _, err := uuid.Parse(id); err == nil && len(id) == 36 {
		return shortID(id)
	}
	return sanitizeLine(id)
}

// auditForm edits the filter: an agent (typed, or picked from the list),
// an account or ticket, an action or a family of them, and a date range.
type auditForm struct {
	fieldForm
	err error
}

func newAuditForm(c *common, raw [auditFields]string, canPick bool) *auditForm {
	limits := []int{maxFilterText, maxFilterText, maxFilterText, 10, 10}
	f := &auditForm{fieldForm: newFieldForm(c, auditFieldNames, limits)}
	for i := range f.inputs {
		f.inputs[i].SetValue(raw[i])
	}
	f.localize(c, canPick)
	return f
}

// localize sets the placeholders in the session's language.
func (f *auditForm) localize(c *common, canPick bool) {
	actor := "audit.placeholder.actor"
	if canPick {
		actor = "audit.placeholder.actor_pick"
	}
	f.inputs[auditActor].Placeholder = c.loc.T(actor)
	f.inputs[auditTarget].Placeholder = c.loc.T("audit.placeholder.target")
	f.inputs[auditAction].Placeholder = c.loc.T("audit.placeholder.action")
	f.inputs[auditFrom].Placeholder = c.loc.T("audit.placeholder.date")
	f.inputs[auditTo].Placeholder = c.loc.T("audit.placeholder.date")
}

// setWidth fits the fields beside their labels.
func (f *auditForm) setWidth(c *common, w int) {
	// A UUID fits the agent and target fields, with room for the agent's
	// name after it.
	widths := [auditFields]int{44, 40, 40, 12, 12}
	for i := range f.inputs {
		f.inputs[i].Width = max(10, min(widths[i], w-f.labelWidth(c)-6))
	}
}

// raw returns the fields as typed.
func (f *auditForm) raw() [auditFields]string {
	var out [auditFields]string
	for i, in := range f.inputs {
		out[i] = strings.TrimSpace(in.Value())
	}
	return out
}

// values checks the form and builds the filter: dates are whole days in
// zone (the center's), To included. An error names the field and moves the
// focus to it.
func (f *auditForm) values(zone *time.Location) (auditlog.Filter, error) {
	raw := f.raw()
	fail := func(i int) (auditlog.Filter, error) {
		f.setFocus(i)
		return auditlog.Filter{}, fault.Invalid(auditFieldNames[i], fault.CodeInvalidInput)
	}
	var flt auditlog.Filter
	if v := raw[auditActor]; v != "" {
		if len(v) > maxFilterText || !actorIDPattern.MatchString(v) {
			return fail(auditActor)
		}
		flt.ActorID = v
	}
	if v := raw[auditTarget]; v != "" {
		id, ok := auditTargetID(v)
		if !ok {
			return fail(auditTarget)
		}
		flt.TargetID = id
	}
	if v := strings.ToLower(raw[auditAction]); v != "" {
		if len(v) > maxFilterText || !auditActionPattern.MatchString(v) {
			return fail(auditAction)
		}
		flt.Action = v
	}
	if v := raw[auditFrom]; v != "" {
		day, err := time.ParseInLocation(time.DateOnly, v, zone)
		if err != nil {
			return fail(auditFrom)
		}
		flt.From = day
	}
	if v := raw[auditTo]; v != "" {
		day, err := time.ParseInLocation(time.DateOnly, v, zone)
		if err != nil {
			return fail(auditTo)
		}
		flt.To = day.AddDate(0, 0, 1) // the whole last day: core's To is exclusive
		if !flt.From.IsZero() && !flt.From.Before(flt.To) {
			return fail(auditTo)
		}
	}
	return flt, nil
}

// auditTargetID accepts an account (or agent) UUID, normalized, or a ticket
// reference, in capitals.
func auditTargetID(v string) (string, bool) {
	if id, err := uuid.Parse(v); err == nil && len(v) == 36 {
		return id.String(), true
	}
	if ref := strings.ToUpper(v); ticketRefPattern.MatchString(ref) && len(ref) <= maxFilterText {
		return ref, true
	}
	return "", false
}

// view draws the heading, the fields (the agent's name beside its id when
// known) and the form's error.
func (f *auditForm) view(c *common, width int, name func(string) string) []string {
	loc, s := c.loc, c.styles
	lw := f.labelWidth(c)
	lines := []string{s.Heading.Render(truncate(loc.T("audit.filter_heading"), width))}
	for i, in := range f.inputs {
		line := s.Label.Render(padRight(loc.T("field."+auditFieldNames[i]), lw)) + " " + in.View()
		if i == auditActor {
			if id := strings.TrimSpace(in.Value()); id != "" && name(id) != sanitizeLine(id) {
				line += "  " + s.Muted.Render(name(id))
			}
		}
		lines = append(lines, truncate(line, width))
	}
	status := ""
	if f.err != nil {
		status = s.Error.Render(truncate("✗ "+loc.Err(f.err), width))
	}
	return append(lines, status)
}
