package tui

import (
	"errors"
	"github.com/charmbracelet/x/ansi"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/presence"
	"supportdesk/core/sla"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// Ticket view geometry.
const (
	ticketHeader = 4   // subject, SLA line, requester line, status line
	wideTicket   = 110 // from this width the account panel sits beside the thread
	maxPanel     = 60
)

// Where the keys go in the ticket view.
const (
	focusThread = iota
	focusComposer
	focusAccount
)

// ticketPage shows one ticket: the thread in a viewport, the linked
// account beside it (or in a tab when narrow), and a composer for replies
// and internal notes with macros in the ticket's language.
type ticketPage struct {
	c           *common
	id          int
	ticketID    int64
	view        *helpdesk.TicketView
	seq         int  // the latest load; older answers are dropped
	loading     bool // a load is on its way
	loadErr     error
	writing     ticketAction // the write on its way, "" when none
	assignName  string       // who the write on its way assigns to, for the notice
	notice      notice
	thread      viewport.Model
	composer    textarea.Model
	mode        ticketAction   // actReply or actNote while the composer is open, "" when closed
	afterSend   ticket.Status  // the status the reply sets once sent (a macro's), "" for none
	confirming  bool           // the preview of the reply is up: y sends
	preview     viewport.Model // the reply as the requester will receive it
	focus       int
	picker      *picker
	agents      []helpdesk.AgentSummary
	account     *accountPanel
	showAccount bool              // narrow layout: the account tab is in view instead of the thread
	threadWidth int               // the width the thread was rendered at
	sent        presence.State    // the presence last set in core, "" before the first
	others      []presence.Viewer // the other agents on the ticket
	width       int
	height      int
}

func newTicketPage(c *common, id int64) *ticketPage {
	ta := textarea.New()
	c.styles.styleTextarea(&ta)
	ta.Cursor.SetMode(cursor.CursorStatic)
	ta.ShowLineNumbers = false
	ta.Prompt = "┃ "
	ta.CharLimit = ticket.MaxBodyBytes
	ta.MaxHeight = 0 // a reply is bounded by CharLimit, not by lines
	ta.KeyMap.InsertNewline.SetKeys("enter")
	p := &ticketPage{c: c, id: c.nextID(), ticketID: id, thread: viewport.New(0, 0), composer: ta, preview: viewport.New(0, 0)}
	p.thread.KeyMap = c.keys.Viewport
	p.preview.KeyMap = c.keys.Viewport
	p.account = newAccountPanel(c, p.id)
	p.account.reload = p.load // the ticket carries its account as it now is
	return p
}

// Init loads the ticket, says in core that this agent views it, and
// keeps saying so while it stays open.
func (p *ticketPage) Init() tea.Cmd {
	if p.c.live == nil {
		return p.load()
	}
	return tea.Batch(p.load(), p.announce(), presenceTickCmd(p.c.base, p.id))
}

// load fetches the ticket as it now is.
func (p *ticketPage) load() tea.Cmd {
	if p.c.tickets == nil || p.c.agent == nil {
		return nil
	}
	p.seq++
	p.loading = true
	return ticketCmd(p.c.ctx, p.c.tickets, p.c.token(), p.ticketID, p.id, p.seq)
}

// InputFocused reports whether the composer (or a picker over it) holds
// the keyboard: q must not quit with a draft half chosen.
func (p *ticketPage) InputFocused() bool {
	return p.picker != nil || p.confirming || (p.focus == focusComposer && p.composer.Focused()) || p.accountForm()
}

// accountForm reports whether the account panel's request form holds the
// keyboard.
func (p *ticketPage) accountForm() bool { return p.focus == focusAccount && p.account.formOpen() }

// hasDraft reports text written and not sent: in the composer, or a
// request reason in the account panel.
func (p *ticketPage) hasDraft() bool {
	return (p.mode != "" && strings.TrimSpace(p.composer.Value()) != "") || p.account.hasDraft()
}

// reload fetches the ticket again when it comes back into view (after an
// unlock, say); a draft stays as it is.
func (p *ticketPage) reload(bool) tea.Cmd { return p.load() }

// Title names the screen in the header.
func (p *ticketPage) Title() string {
	if p.view == nil {
		return p.c.loc.T("ticket.title")
	}
	return p.c.loc.T("ticket.title") + " " + sanitizeLine(p.view.Ref)
}

// wide reports whether the account panel fits beside the thread.
func (p *ticketPage) wide() bool { return p.width >= wideTicket }

// composerRows is the textarea's height when the composer is open.
func (p *ticketPage) composerRows() int {
	if p.mode == "" {
		return 0
	}
	return max(3, min(8, p.height/5))
}

// SetSize lays the page out: header, body (thread and account), composer.
func (p *ticketPage) SetSize(w, h int) {
	p.width, p.height = w, h
	bodyH := max(1, h-p.headerRows()-p.composerHeight())
	threadW, panelW := w, w
	if p.wide() {
		panelW = min(maxPanel, w*2/5)
		threadW = w - panelW - 3
	} else {
		bodyH = max(1, bodyH-1) // the thread/account tab line
	}
	p.thread.Width, p.thread.Height = threadW, bodyH
	p.account.SetSize(panelW, bodyH)
	p.composer.SetWidth(w)
	p.composer.SetHeight(max(1, p.composerRows()))
	if threadW != p.threadWidth {
		p.renderThread()
	}
	p.renderPreview()
}

// headerRows is the header's lines: one more for a bounce warning, one
// more when other agents are on the ticket.
func (p *ticketPage) headerRows() int {
	n := ticketHeader
	if p.view != nil && !p.view.MailBounced.IsZero() {
		n++
	}
	if p.view != nil && len(p.others) > 0 {
		n++
	}
	if p.view != nil && p.loadErr != nil {
		n++ // the line saying the ticket on screen is stale
	}
	return n
}

// composerHeight is the composer's lines: its title and the textarea.
func (p *ticketPage) composerHeight() int {
	if p.mode == "" {
		return 0
	}
	return 1 + p.composerRows()
}

// relayout applies a change of composer or panel to the layout at once.
func (p *ticketPage) relayout() { p.SetSize(p.width, p.height) }

// refresh follows a language switch.
func (p *ticketPage) refresh() {
	p.thread.KeyMap = p.c.keys.Viewport
	p.preview.KeyMap = p.c.keys.Viewport
	p.account.refresh()
	p.renderThread()
	p.renderPreview()
}

// setView shows the ticket as the core now has it.
func (p *ticketPage) setView(v helpdesk.TicketView) {
	first := p.view == nil
	rows := p.headerRows()
	p.view = &v
	p.others = v.Present
	p.loadErr = nil
	p.account.setView(v.Account)
	if p.headerRows() != rows {
		p.relayout() // a bounce warning or the presence line came or went
	}
	p.renderThread()
	if first {
		p.thread.GotoBottom() // the latest message first
		if d, ok := p.c.drafts[v.ID]; ok && p.mode == "" {
			p.mode, p.afterSend = d.mode, d.status
			p.composer.SetValue(d.text)
			p.relayout()
		}
	}
}

// renderThread fills the thread viewport.
func (p *ticketPage) renderThread() {
	p.threadWidth = p.thread.Width
	if p.view == nil {
		p.thread.SetContent("")
		return
	}
	atBottom := p.thread.AtBottom()
	p.thread.SetContent(renderThread(p.c, p.view, max(20, p.thread.Width)))
	if atBottom {
		p.thread.GotoBottom()
	}
}

// renderThread renders the messages oldest first. Each kind has its own
// symbol and words, and internal notes carry a bar down their left edge,
// so the three read apart without colour.
func renderThread(c *common, v *helpdesk.TicketView, width int) string {
	loc, s := c.loc, c.styles
	if len(v.Messages) == 0 {
		return s.Muted.Render(loc.T("ticket.no_messages"))
	}
	parts := make([]string, 0, len(v.Messages))
	for _, m := range v.Messages {
		name := strings.TrimSpace(sanitizeLine(m.AuthorName))
		if name == "" {
			name = dash
		}
		when := loc.DateTime(m.At)
		var head, bar string
		switch m.Kind {
		case ticket.MessageInbound:
			head = s.Inbound.Render("◀ " + loc.T("thread.inbound", map[string]any{"Language": enumText(loc, "language", v.Language)}))
			bar = "  "
		case ticket.MessageInternal:
			head = s.Internal.Render("■ " + loc.T("thread.internal", map[string]any{"Name": name}))
			bar = s.Internal.Render("┃") + " "
		default:
			head = s.Public.Render("▶ " + loc.T("thread.public", map[string]any{"Name": name}))
			bar = "  "
		}
		head = truncate(head+s.Muted.Render(" · "+when), width)
		body := wrap(messageText(loc, m), max(10, width-2))
		lines := strings.Split(body, "\n")
		for i, l := range lines {
			lines[i] = bar + l
		}
		parts = append(parts, head+"\n"+strings.Join(lines, "\n"))
	}
	return strings.Join(parts, "\n\n")
}

// messageText is a message's body, sanitized; a guided step on a call reads
// as its step and outcome in the agent's language, then the note.
func messageText(loc *i18n.Localizer, m helpdesk.MessageView) string {
	if m.Kind != ticket.MessageInternal {
		return sanitizeText(m.Body)
	}
	step, outcome, note, ok := helpdesk.ParseStep(m.Body)
	if !ok {
		return sanitizeText(m.Body)
	}
	text := "▸ " + stepLabel(loc, step) + " · " + outcomeLabel(loc, outcome)
	if note = strings.TrimSpace(sanitizeText(note)); note != "" {
		text += "\n" + note
	}
	return text
}

// Update handles loads, writes, agents, presence and keys, and tells core
// when the agent starts or stops writing a reply.
func (p *ticketPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.update(msg)
	return p, tea.Batch(cmd, p.announce())
}

func (p *ticketPage) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case presenceMsg:
		if msg.to == p.id && msg.err == nil {
			p.setOthers(msg.others)
		}
		return p, nil
	case presenceTickMsg:
		if msg.to != p.id {
			return p, nil
		}
		if !p.c.locked {
			p.sent = "" // set it again before it lapses; behind the lock it may
		}
		return p, presenceTickCmd(p.c.base, p.id)
	case ticketLoadedMsg:
		if msg.to != p.id || msg.seq != p.seq {
			return p, nil
		}
		p.loading = false
		if msg.err != nil {
			// A reload that fails (the ticket went to another agent's queue,
			// say) must not leave the old ticket on screen as if current.
			rows := p.headerRows()
			p.loadErr = msg.err
			p.others = nil
			if p.headerRows() != rows {
				p.relayout()
			}
			return p, nil
		}
		p.setView(msg.view)
		return p, nil
	case ticketChangedMsg:
		if msg.to != p.id {
			return p, nil
		}
		return p, p.changed(msg)
	case agentsLoadedMsg:
		if msg.to != p.id {
			return p, nil
		}
		p.agents = msg.agents
		if p.picker != nil && p.picker.kind == pickAssign {
			p.picker.loading, p.picker.err = false, msg.err
			p.picker.items = assignItems(p.c, msg.agents)
		}
		return p, nil
	case panelMsg:
		cmd, _ := p.account.update(msg)
		return p, cmd
	case tea.KeyMsg:
		return p, p.key(msg)
	}
	if p.focus == focusComposer && p.composer.Focused() && p.picker == nil { // a paste, say
		var cmd tea.Cmd
		p.composer, cmd = p.composer.Update(msg)
		return p, cmd
	}
	return p, nil
}

// changed takes a write's answer. On a conflict nothing was written: the
// page says so, keeps the draft and reloads the ticket.
func (p *ticketPage) changed(msg ticketChangedMsg) tea.Cmd {
	p.writing = ""
	if msg.err != nil {
		if fault.CodeOf(msg.err) == fault.CodeConflict {
			p.notice = notice{id: "ticket.conflict", kind: noticeWarn}
			return p.load()
		}
		p.notice = notice{id: "ticket.failed", kind: noticeErr, err: msg.err}
		return nil
	}
	p.setView(msg.view)
	lang := enumText(p.c.loc, "language", msg.view.Language)
	switch msg.action {
	case actReply:
		status := enumText(p.c.loc, "ticket_status", string(msg.status))
		switch {
		case msg.statusErr != nil:
			p.notice = notice{id: "composer.replied_status_failed", kind: noticeErr, err: msg.statusErr,
				data: map[string]any{"Language": lang, "Status": status}}
		case msg.status != "":
			p.notice = notice{id: "composer.replied_status", data: map[string]any{"Language": lang, "Status": status}}
		default:
			p.notice = notice{id: "ticket.replied", data: map[string]any{"Language": lang}}
		}
		p.closeComposer()
	case actNote:
		p.notice = notice{id: "ticket.noted"}
		p.closeComposer()
	case actStatus:
		p.notice = notice{id: "ticket.status_set", data: map[string]any{"Status": enumText(p.c.loc, "ticket_status", string(msg.view.Status))}}
	case actAssign:
		if msg.view.Assignee == "" {
			p.notice = notice{id: "ticket.unassigned_done"}
		} else {
			p.notice = notice{id: "ticket.assigned_done", data: map[string]any{"Name": p.assignName}}
		}
	}
	return nil
}

// closeComposer empties and closes the composer after a successful send.
func (p *ticketPage) closeComposer() {
	p.composer.Reset()
	p.composer.Blur()
	p.mode, p.afterSend, p.confirming = "", "", false
	p.focus = focusThread
	delete(p.c.drafts, p.ticketID)
	p.relayout()
}

// key routes a key to the picker, the composer or the panels.
func (p *ticketPage) key(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	if p.picker != nil {
		return p.pickerKey(msg)
	}
	if p.confirming {
		return p.previewKey(msg)
	}
	if p.accountForm() {
		cmd, _ := p.account.update(msg)
		return cmd
	}
	if p.focus == focusComposer && p.composer.Focused() {
		switch {
		case key.Matches(msg, k.Send):
			return p.send()
		case key.Matches(msg, k.Macro):
			p.openPicker(pickMacro)
			return nil
		case key.Matches(msg, k.Refresh):
			return p.load()
		case key.Matches(msg, k.Back):
			p.composer.Blur()
			p.focus = focusThread
			if strings.TrimSpace(p.composer.Value()) == "" {
				p.mode, p.afterSend = "", ""
				p.composer.Reset()
				p.relayout()
			}
			return nil
		}
		var cmd tea.Cmd
		p.composer, cmd = p.composer.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.Reply):
		return p.openComposer(actReply)
	case key.Matches(msg, k.Note):
		return p.openComposer(actNote)
	case key.Matches(msg, k.Macro):
		if p.view == nil {
			return nil
		}
		if p.mode == "" {
			p.openComposer(actReply)
		}
		p.openPicker(pickMacro)
		return nil
	case key.Matches(msg, k.Status):
		if p.view != nil {
			p.openPicker(pickStatus)
		}
		return nil
	case key.Matches(msg, k.Assign):
		if p.view != nil {
			return p.openPicker(pickAssign)
		}
		return nil
	case key.Matches(msg, k.Send):
		if p.mode != "" {
			return p.send()
		}
		return nil
	case key.Matches(msg, k.Refresh):
		return p.load()
	case key.Matches(msg, k.TabNext), key.Matches(msg, k.TabPrev):
		p.togglePanel()
		return nil
	case key.Matches(msg, k.TabNumber):
		p.showAccountPanel()
		cmd, _ := p.account.update(msg)
		return cmd
	case key.Matches(msg, k.Back):
		switch {
		case p.focus == focusAccount:
			p.focus, p.showAccount = focusThread, false
			return nil
		}
		p.saveDraft()
		return navCmd(backMsg{})
	}
	if p.focus == focusAccount {
		cmd, _ := p.account.update(msg)
		return cmd
	}
	var cmd tea.Cmd
	p.thread, cmd = p.thread.Update(msg)
	return cmd
}

// togglePanel moves the keys between the thread and the account panel; in
// the narrow layout it also swaps which of the two is shown.
func (p *ticketPage) togglePanel() {
	if p.focus == focusAccount {
		p.focus, p.showAccount = focusThread, false
		return
	}
	p.showAccountPanel()
}

func (p *ticketPage) showAccountPanel() {
	p.focus = focusAccount
	p.showAccount = !p.wide()
}

// saveDraft keeps an unsent reply or note for the session, so leaving the
// ticket and coming back loses nothing.
func (p *ticketPage) saveDraft() {
	if text := p.composer.Value(); strings.TrimSpace(text) != "" && p.mode != "" {
		p.c.drafts[p.ticketID] = draft{mode: p.mode, text: text, status: p.afterSend}
	} else {
		delete(p.c.drafts, p.ticketID)
	}
}

// openComposer opens the composer for a reply or a note, keeping any text
// already written.
func (p *ticketPage) openComposer(mode ticketAction) tea.Cmd {
	if p.view == nil {
		return nil
	}
	p.mode = mode
	p.focus = focusComposer
	p.showAccount = false
	p.relayout()
	return p.composer.Focus()
}

// openPicker opens a picker; the agent picker loads the agents first.
func (p *ticketPage) openPicker(kind pickerKind) tea.Cmd {
	lang := enumText(p.c.loc, "language", p.view.Language)
	switch kind {
	case pickMacro:
		p.picker = &picker{kind: kind, titleID: "picker.macro", titleData: map[string]any{"Language": lang}, items: macroItems(p.c)}
	case pickStatus:
		p.picker = &picker{kind: kind, titleID: "picker.status", items: statusItems(p.c)}
		if i := indexOf(p.picker.items, string(p.view.Status)); i >= 0 {
			p.picker.cursor = i
		}
	case pickAssign:
		p.picker = &picker{kind: kind, titleID: "picker.assign"}
		if p.agents == nil {
			p.picker.loading = true
			return agentsCmd(p.c.ctx, p.c.tickets, p.c.token(), p.id)
		}
		p.picker.items = assignItems(p.c, p.agents)
	}
	return nil
}

// pickerKey handles keys while a picker is open.
func (p *ticketPage) pickerKey(msg tea.KeyMsg) tea.Cmd {
	pk := p.picker
	chosen, closed := pk.update(p.c.keys, msg)
	if closed {
		p.picker = nil
		return nil
	}
	if !chosen {
		return nil
	}
	it, _ := pk.selected()
	p.picker = nil
	v := p.view
	tok := p.c.token()
	switch pk.kind {
	case pickMacro:
		text, err := macroBody(p.c, it.value, v)
		if err != nil {
			p.notice = notice{id: "composer.macro_no_date", kind: noticeErr}
			if !errors.Is(err, errMacroNoDate) {
				p.notice = notice{id: "ticket.failed", kind: noticeErr, err: err}
			}
			return p.openComposer(p.mode)
		}
		if st := macroStatus(it.value); st != "" && p.mode == actReply {
			p.afterSend = st
		}
		if strings.TrimSpace(p.composer.Value()) != "" {
			text = "\n\n" + text // a paragraph of its own
		}
		p.composer.InsertString(text)
		cmd := p.openComposer(p.mode)
		p.composer, _ = p.composer.Update(nil) // scrolls the textarea to the cursor
		return cmd
	case pickStatus:
		if p.writing != "" || ticket.Status(it.value) == v.Status {
			return nil
		}
		p.writing = actStatus
		p.notice = notice{id: "ticket.saving", kind: noticeBusy}
		return statusCmd(p.c.ctx, p.c.tickets, tok, v.ID, v.Version, ticket.Status(it.value), p.id)
	case pickAssign:
		if p.writing != "" || it.value == v.Assignee {
			return nil
		}
		p.writing, p.assignName = actAssign, it.label
		p.notice = notice{id: "ticket.saving", kind: noticeBusy}
		return assignCmd(p.c.ctx, p.c.tickets, tok, v.ID, v.Version, it.value, p.id)
	}
	return nil
}

// send posts a note at once; a reply first shows its preview, and y
// there posts it.
func (p *ticketPage) send() tea.Cmd {
	if p.view == nil || p.writing != "" || p.mode == "" {
		return nil
	}
	if p.mode == actReply {
		return p.openPreview()
	}
	return p.post()
}

// post posts the composer's text as a reply (mailed through the outbox,
// then the macro's status set) or an internal note, with the version the
// agent saw. The text stays until the core confirms.
func (p *ticketPage) post() tea.Cmd {
	if p.view == nil || p.writing != "" || p.mode == "" {
		return nil
	}
	body := strings.TrimSpace(p.composer.Value())
	if body == "" {
		p.notice = notice{id: "ticket.draft_empty", kind: noticeErr}
		return nil
	}
	v, tok := p.view, p.c.token()
	p.writing = p.mode
	p.notice = notice{id: "ticket.sending", kind: noticeBusy}
	if p.mode == actNote {
		return noteCmd(p.c.ctx, p.c.tickets, tok, v.ID, v.Version, body, p.id)
	}
	return replyStatusCmd(p.c.ctx, p.c.tickets, tok, v.ID, v.Version, body, p.afterSend, p.id)
}

// statusItems are the statuses an agent sets by hand.
func statusItems(c *common) []pickItem {
	out := make([]pickItem, 0, 3)
	for _, st := range []ticket.Status{ticket.StatusOpen, ticket.StatusPending, ticket.StatusSolved} {
		out = append(out, pickItem{
			label:  enumText(c.loc, "ticket_status", string(st)),
			detail: c.loc.T("ticket_status_hint." + string(st)),
			value:  string(st),
		})
	}
	return out
}

// assignItems offers the agent itself, nobody, then every other agent.
func assignItems(c *common, agents []helpdesk.AgentSummary) []pickItem {
	me := c.agent.AgentID
	out := []pickItem{
		{label: c.loc.T("picker.assign_me"), value: me},
		{label: c.loc.T("picker.unassign"), value: ""},
	}
	return append(out, agentItems(agents, me)...)
}

// agentItems lists agents other than skip, with their languages.
func agentItems(agents []helpdesk.AgentSummary, skip string) []pickItem {
	out := make([]pickItem, 0, len(agents))
	for _, a := range agents {
		if a.ID == skip {
			continue
		}
		langs := make([]string, 0, len(a.Languages))
		for _, l := range a.Languages {
			langs = append(langs, langCode(l))
		}
		name := strings.TrimSpace(sanitizeLine(a.Name))
		if name == "" {
			name = sanitizeLine(a.ID)
		}
		out = append(out, pickItem{label: name, detail: strings.Join(langs, " "), value: a.ID})
	}
	return out
}

// indexOf finds the item with value v.
func indexOf(items []pickItem, v string) int {
	for i, it := range items {
		if it.value == v {
			return i
		}
	}
	return -1
}

// ShortHelp lists the keys that work in the current focus.
func (p *ticketPage) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.picker != nil:
		return []key.Binding{k.Move, k.Choose, k.Cancel}
	case p.confirming:
		return p.previewHelp()
	case p.focus == focusComposer && p.composer.Focused():
		return []key.Binding{k.Send, k.Macro, k.backAs(p.c.loc.T("help.leave_composer"))}
	case p.accountForm():
		return p.account.formHelp()
	}
	short := []key.Binding{k.Reply, k.Note, k.Status, k.Assign}
	if p.mode != "" {
		short = append(short, k.Send)
	}
	return append(short, k.Tabs, k.backAs(p.c.loc.T("help.back")))
}

// FullHelp groups the screen's keys.
func (p *ticketPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	switch {
	case p.picker != nil, p.confirming:
		return [][]key.Binding{p.ShortHelp()}
	case p.focus == focusComposer && p.composer.Focused():
		return [][]key.Binding{{k.Send, k.Macro}, {k.Refresh, k.backAs(p.c.loc.T("help.leave_composer"))}}
	case p.accountForm():
		return [][]key.Binding{p.account.formHelp()}
	}
	work := []key.Binding{k.Reply, k.Note, k.Macro, k.Send}
	set := []key.Binding{k.Status, k.Assign, k.Refresh}
	move := []key.Binding{k.Scroll, k.Page, k.Tabs, k.TabNumber}
	if p.focus == focusAccount {
		move = append(move, withHelp(k.Cycle, p.c.loc.T("help.tabs")))
		set = append(set, p.account.actionKeys()...)
	}
	return [][]key.Binding{work, set, move, {k.backAs(p.c.loc.T("help.back"))}}
}

// View draws the header, the body and the composer.
func (p *ticketPage) View() string {
	loc, s := p.c.loc, p.c.styles
	if p.view == nil {
		switch {
		case p.loadErr != nil:
			return s.Error.Render(wrap("✗ "+loc.Err(p.loadErr), p.width))
		default:
			return s.Busy.Render(loc.T("ticket.loading"))
		}
	}
	parts := []string{p.headerView()}
	if p.loadErr != nil {
		line := "✗ " + loc.T("ticket.stale", map[string]any{"Reason": loc.Err(p.loadErr)})
		parts = append(parts, s.Error.Render(ansi.Truncate(line, p.width, "…")))
	}
	parts = append(parts, p.bodyView())
	if p.mode != "" && !p.confirming {
		parts = append(parts, p.composerView())
	}
	return strings.Join(parts, "\n")
}

// headerView is the subject, the SLA line, the requester line and the
// status line.
func (p *ticketPage) headerView() string {
	loc, s := p.c.loc, p.c.styles
	v := p.view
	title := s.Heading.Render(sanitizeLine(v.Ref)) + "  "
	if v.FollowsRef != "" {
		title += s.Muted.Render(loc.T("ticket.follows", map[string]any{"Ref": sanitizeLine(v.FollowsRef)})) + " · "
	}
	title += s.Header.Render(sanitizeLine(v.Subject))
	assignee := loc.T("ticket.unassigned")
	if v.Assignee != "" {
		name := strings.TrimSpace(sanitizeLine(v.AssigneeName))
		assignee = loc.T("ticket.assigned_to", map[string]any{"Name": name})
		if v.Assignee == p.c.agent.AgentID {
			// Its own message: a pronoun after a preposition is not the
			// queue's "me" in every language ("a mí", not "a yo").
			assignee = loc.T("ticket.assigned_to_me")
		}
	}
	due := dash
	if !v.Due.IsZero() {
		due = loc.DateTime(v.Due)
	}
	left := timeLeft(loc, v.Left)
	if v.State == sla.StateFulfilled {
		left = dash // answered: no clock runs
	}
	clock := s.stateStyle(v.State, badgeText(loc, v.State)) + " · " +
		loc.T("ticket.due", map[string]any{"Date": due}) + " · " + left + " · " +
		enumText(loc, "ticket_status", string(v.Status)) + " · " + assignee
	who := []string{
		loc.T("ticket.writes_in", map[string]any{"Language": enumText(loc, "language", v.Language)}),
		loc.T("ticket.requester", map[string]any{"Email": sanitizeLine(v.RequesterMasked)}),
		enumText(loc, "ticket_category", string(v.Category)),
	}
	if v.Agency != "" {
		who = append(who, loc.T("ticket.agency", map[string]any{"Agency": agencyName(map[string]string{v.Agency: v.AgencyName}, v.Agency)}))
	}
	lines := []string{
		truncate(title, p.width),
		truncate(clock, p.width),
		s.Muted.Render(truncate(strings.Join(who, " · "), p.width)),
	}
	if !v.MailBounced.IsZero() {
		bounced := loc.T("ticket.mail_bounced", map[string]any{"Date": loc.DateTime(v.MailBounced)})
		lines = append(lines, s.Warn.Render(truncate("! "+bounced, p.width)))
	}
	if len(p.others) > 0 {
		lines = append(lines, p.presenceView())
	}
	return strings.Join(append(lines, p.noticeView()), "\n")
}

// noticeView is the status line: a write on its way, its outcome, or a
// conflict.
func (p *ticketPage) noticeView() string {
	loc, s := p.c.loc, p.c.styles
	n := p.notice
	if n.id == "" {
		if p.loading {
			return s.Busy.Render(loc.T("ticket.loading"))
		}
		return ""
	}
	return p.c.noticeLine(n, p.width)
}

// bodyView is the thread and the account panel: side by side when wide,
// one at a time under a tab line when narrow. An open picker takes the
// body's place.
func (p *ticketPage) bodyView() string {
	loc, s := p.c.loc, p.c.styles
	h := p.thread.Height
	if p.picker != nil {
		if !p.wide() {
			h++
		}
		return p.c.renderer.NewStyle().Height(h).MaxHeight(h).Render(p.picker.view(p.c, p.width, h))
	}
	if p.confirming {
		h += p.composerHeight() // the preview shows the draft: the composer makes way
		if !p.wide() {
			h++
		}
		return p.c.renderer.NewStyle().Height(h).MaxHeight(h).Render(p.previewView(h))
	}
	if p.wide() {
		left := p.c.renderer.NewStyle().Width(p.thread.Width).Height(h).MaxHeight(h).Render(p.thread.View())
		rule := strings.TrimSuffix(strings.Repeat(" │ \n", h), "\n")
		right := p.c.renderer.NewStyle().Height(h).MaxHeight(h).Render(p.account.View())
		return lipgloss.JoinHorizontal(lipgloss.Top, left, s.Rule.Render(rule), right)
	}
	tabs := []string{loc.T("ticket.tab.thread"), loc.T("ticket.tab.account")}
	on := 0
	if p.showAccount {
		on = 1
	}
	for i, t := range tabs {
		if i == on {
			tabs[i] = s.TabOn.Render("[" + t + "]")
		} else {
			tabs[i] = s.TabOff.Render(" " + t + " ")
		}
	}
	bar := truncate(strings.Join(tabs, " ")+s.Muted.Render("  tab"), p.width)
	body := p.thread.View()
	if p.showAccount {
		body = p.account.View()
	}
	return bar + "\n" + p.c.renderer.NewStyle().Height(h).MaxHeight(h).Render(body)
}

// composerView is the composer's title and the textarea.
func (p *ticketPage) composerView() string {
	loc, s := p.c.loc, p.c.styles
	lang := enumText(loc, "language", p.view.Language)
	title := s.Public.Render("▶ " + loc.T("composer.reply", map[string]any{"Language": lang}))
	if p.mode == actNote {
		title = s.Internal.Render("■ " + loc.T("composer.note"))
	} else if p.afterSend != "" {
		title += s.Muted.Render(" · " + loc.T("composer.then_short", map[string]any{"Status": enumText(loc, "ticket_status", string(p.afterSend))}))
	}
	return truncate(title, p.width) + "\n" + p.composer.View()
}
