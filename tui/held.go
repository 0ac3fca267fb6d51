package tui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/fault"
	"supportdesk/core/feed"
	"supportdesk/core/inbox"
	"supportdesk/core/staff"
)

// The held mail screen: requesters' mail that could not be threaded safely
// waits here until an agent puts it on a ticket (vouching for the sender)
// or discards it.

const (
	heldPageSize = 50               // rows fetched at a time
	heldAhead    = 10               // fetch the next page this close to the end
	heldRefresh  = 60 * time.Second // others decide while the list is open
	heldRefMax   = 32               // a ticket reference is short
)

// heldLoadedMsg carries a page of the held list: from the start when after
// is 0, else the rows after that id.
type heldLoadedMsg struct {
	to, seq int
	after   int64
	items   []inbox.HeldMail
	total   int64
	at      time.Time
	err     error
}

// heldDecidedMsg answers a release or a discard.
type heldDecidedMsg struct {
	to  int
	act heldAction
	err error
}

// heldTickMsg asks the held page with id to reload.
type heldTickMsg struct{ to int }

func (m heldLoadedMsg) callErr() error    { return m.err }
func (m heldLoadedMsg) addressedTo() int  { return m.to }
func (m heldDecidedMsg) callErr() error   { return m.err }
func (m heldDecidedMsg) addressedTo() int { return m.to }
func (m heldTickMsg) addressedTo() int    { return m.to }

func heldTickCmd(ctx context.Context, to int) tea.Cmd {
	return tickIn(ctx, heldRefresh, func(time.Time) tea.Msg { return heldTickMsg{to: to} })
}

func heldCmd(ctx context.Context, b Mailroom, tok staff.Token, now func() time.Time, after int64, limit, to, seq int) tea.Cmd {
	return func() tea.Msg {
		var total int64
		items, err := call(ctx, func(ctx context.Context) ([]inbox.HeldMail, error) {
			items, n, err := b.HeldMail(ctx, tok, after, limit)
			total = n
			return items, err
		})
		return heldLoadedMsg{to: to, seq: seq, after: after, items: items, total: total, at: now(), err: err}
	}
}

func heldDecideCmd(ctx context.Context, b Mailroom, tok staff.Token, act heldAction, to int) tea.Cmd {
	return func() tea.Msg {
		err := do(ctx, func(ctx context.Context) error {
			if act.release {
				return b.ReleaseHeld(ctx, tok, act.mail.ID, act.ref)
			}
			return b.DiscardHeld(ctx, tok, act.mail.ID)
		})
		return heldDecidedMsg{to: to, act: act, err: err}
	}
}

// heldAction is a release or a discard waiting for y.
type heldAction struct {
	release bool
	mail    inbox.HeldMail
	ref     string // the ticket to release onto
}

// Columns of the held table, in order.
const (
	heldColReceived = iota
	heldColFrom
	heldColReason
	heldColFiles
	heldColTicket
	heldColSubject
	heldCols
)

var heldHeadings = [heldCols]string{
	"held.col.received", "held.col.from", "held.col.reason", "held.col.files", "held.col.ticket", "held.col.subject",
}

// heldPage lists the held mail, oldest first, fetching the next page as
// the cursor nears the end; enter reads one message in full.
type heldPage struct {
	c       *common
	id      int
	seq     int
	items   []inbox.HeldMail
	total   int64
	at      time.Time
	loaded  bool
	loading bool
	err     error // the last load's failure; the last good list stays
	cursor  int
	reading *inbox.HeldMail  // the message open in full; nil in the list
	text    viewport.Model   // its text, wrapped to the width
	ref     *textinput.Model // the ticket reference being typed for a release
	confirm *heldAction
	writing bool
	again   bool // a notice came while a load was on its way: load once more
	notice  notice
	width   int
	height  int
}

func newHeldPage(c *common) *heldPage {
	p := &heldPage{c: c, id: c.nextID(), text: viewport.New(0, 0)}
	p.text.KeyMap = c.keys.Viewport
	return p
}

// isHeld reports whether p is a held mail page, so the stack holds one.
func isHeld(p page) bool {
	_, ok := p.(*heldPage)
	return ok
}

// Init loads the first page and starts the refresh ticker.
func (p *heldPage) Init() tea.Cmd { return tea.Batch(p.load(), heldTickCmd(p.c.base, p.id)) }

// load reads the list again from the start, as many rows as are shown.
func (p *heldPage) load() tea.Cmd {
	return p.fetch(0, min(200, max(heldPageSize, len(p.items))))
}

// more fetches the page after the last row when the cursor nears it.
func (p *heldPage) more() tea.Cmd {
	if len(p.items) == 0 || int64(len(p.items)) >= p.total || p.cursor < len(p.items)-heldAhead {
		return nil
	}
	return p.fetch(p.items[len(p.items)-1].ID, heldPageSize)
}

func (p *heldPage) fetch(after int64, limit int) tea.Cmd {
	if p.loading || p.c.agent == nil {
		return nil
	}
	p.loading = true
	p.seq++
	return heldCmd(p.c.ctx, p.c.backend, p.c.token(), p.c.now, after, limit, p.id, p.seq)
}

// reload is the refresh when the page comes back into view.
func (p *heldPage) reload(bool) tea.Cmd { return p.load() }

// follow reloads the list when the held mail changed; a notice during a
// load is read once that load is in.
func (p *heldPage) follow(changes []feed.Change) tea.Cmd {
	if !concerns(changes, feed.Held) || p.writing {
		return nil
	}
	if p.loading {
		p.again = true
		return nil
	}
	return p.load()
}

// refresh re-wraps the open message after a language switch.
func (p *heldPage) refresh() {
	p.text.KeyMap = p.c.keys.Viewport
	p.layoutText()
}

// InputFocused reports the reference field or a pending confirmation, so
// q and ? reach them instead of quitting.
func (p *heldPage) InputFocused() bool { return p.ref != nil || p.confirm != nil }

// Title names the screen with how many messages are held.
func (p *heldPage) Title() string {
	if !p.loaded {
		return p.c.loc.T("held.title")
	}
	return p.c.loc.T("held.title_count", map[string]any{"Count": p.c.loc.Number(p.total)})
}

// SetSize stores the size and re-wraps the open message.
func (p *heldPage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layoutText()
}

// layoutText sizes the reader's viewport below its header lines and fills
// it with the message's text, wrapped to the width.
func (p *heldPage) layoutText() {
	if p.reading == nil {
		return
	}
	p.text.Width = max(1, p.width)
	p.text.Height = max(1, p.height-1-len(p.readerHead())-len(p.promptLines()))
	body := strings.TrimSpace(sanitizeText(p.reading.Text))
	if body == "" {
		body = p.c.styles.Muted.Render(p.c.loc.T("held.no_text"))
	}
	p.text.SetContent(wrap(body, max(1, p.width)))
}

// selected returns the message under the cursor, or the one open.
func (p *heldPage) selected() (inbox.HeldMail, bool) {
	if p.reading != nil {
		return *p.reading, true
	}
	if p.cursor < 0 || p.cursor >= len(p.items) {
		return inbox.HeldMail{}, false
	}
	return p.items[p.cursor], true
}

// Update handles loads, decisions, the ticker and keys.
func (p *heldPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case heldLoadedMsg:
		if msg.to != p.id || msg.seq != p.seq {
			return p, nil
		}
		cmd := p.loaded2(msg)
		if p.again {
			p.again = false
			cmd = tea.Batch(cmd, p.load())
		}
		return p, cmd
	case heldTickMsg:
		if msg.to != p.id {
			return p, nil
		}
		if p.c.locked || p.writing {
			return p, heldTickCmd(p.c.base, p.id)
		}
		return p, tea.Batch(p.load(), heldTickCmd(p.c.base, p.id))
	case heldDecidedMsg:
		if msg.to != p.id {
			return p, nil
		}
		return p, p.decided(msg)
	case tea.KeyMsg:
		return p, p.key(msg)
	}
	return p, nil
}

// loaded2 takes a page of the list: the first replaces the list, keeping
// the cursor on the same message where it is still held; later ones add.
func (p *heldPage) loaded2(msg heldLoadedMsg) tea.Cmd {
	p.loading = false
	if msg.err != nil {
		p.err = msg.err
		return nil
	}
	p.total, p.at, p.loaded, p.err = msg.total, msg.at, true, nil
	if msg.after != 0 {
		p.items = append(p.items, msg.items...)
		return nil
	}
	var was int64
	if p.cursor < len(p.items) {
		was = p.items[p.cursor].ID
	}
	p.items = msg.items
	for i, h := range p.items {
		if h.ID == was {
			p.cursor = i
			return nil
		}
	}
	p.cursor = max(0, min(p.cursor, len(p.items)-1))
	return nil
}

// decided takes a release's or a discard's answer and reloads: the message
// leaves the list whether it went through or someone else was first.
func (p *heldPage) decided(msg heldDecidedMsg) tea.Cmd {
	p.writing = false
	data := map[string]any{"Ref": sanitizeLine(msg.act.ref), "Subject": p.subject(msg.act.mail)}
	fe, _ := fault.As(msg.err)
	switch {
	case msg.err == nil && msg.act.release:
		p.notice = notice{id: "held.released", data: data}
		p.reading = nil
	case msg.err == nil:
		p.notice = notice{id: "held.discarded", data: data}
		p.reading = nil
	case fe != nil && fe.Field == "ticket" && fe.Code == fault.CodeNotFound:
		p.notice = notice{id: "held.no_ticket", kind: noticeErr, data: data}
		return nil // the message is still held: nothing to reload
	case fe != nil && fe.Field == "ticket" && fe.Code == fault.CodeConflict:
		p.notice = notice{id: "held.ticket_closed", kind: noticeErr, data: data}
		return nil
	case fe != nil && fe.Code == fault.CodeConflict:
		p.notice = notice{id: "held.conflict", kind: noticeWarn}
		p.reading = nil
	case fe != nil && fe.Code == fault.CodeNotPermitted && msg.act.release:
		p.notice = notice{id: "held.release_not_permitted", kind: noticeErr, data: data}
		return nil
	default:
		p.notice = notice{id: "held.not_decided", kind: noticeErr, err: msg.err}
	}
	return p.load()
}

// key routes a key to the reference field, the confirmation, the reader or
// the list.
func (p *heldPage) key(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case p.ref != nil:
		return p.refKey(msg)
	case p.confirm != nil:
		a := p.confirm
		p.confirm = nil
		p.layoutText()
		if !key.Matches(msg, k.Confirm) || p.writing {
			return nil
		}
		p.writing = true
		p.notice = notice{id: "held.deciding", kind: noticeBusy}
		return heldDecideCmd(p.c.ctx, p.c.backend, p.c.token(), *a, p.id)
	}
	switch {
	case key.Matches(msg, k.Release):
		if h, ok := p.selected(); ok && !p.writing {
			p.askRef(h)
		}
		return nil
	case key.Matches(msg, k.Discard):
		if h, ok := p.selected(); ok && !p.writing {
			p.confirm = &heldAction{mail: h}
			p.notice = notice{}
			p.layoutText()
		}
		return nil
	case key.Matches(msg, k.Refresh):
		return p.load()
	}
	if p.reading != nil {
		if key.Matches(msg, k.Back) {
			p.reading = nil
			return nil
		}
		var cmd tea.Cmd
		p.text, cmd = p.text.Update(msg)
		return cmd
	}
	switch {
	case k.isCursor(msg):
		p.move(k.cursorStep(msg, p.rows(), len(p.items)))
	case key.Matches(msg, k.Open):
		if h, ok := p.selected(); ok {
			p.reading = &h
			p.text.GotoTop()
			p.layoutText()
		}
		return nil
	case key.Matches(msg, k.Back):
		return navCmd(backMsg{})
	}
	return p.more()
}

// askRef opens the reference field, prefilled with the ticket the message
// was meant for when core found one.
func (p *heldPage) askRef(h inbox.HeldMail) {
	ti := textinput.New()
	p.c.styles.styleInput(&ti)
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.CharLimit = heldRefMax
	ti.Prompt = "> "
	ti.SetValue(sanitizeLine(h.TicketRef))
	ti.CursorEnd()
	ti.Focus()
	p.ref = &ti
	p.confirm = &heldAction{release: true, mail: h}
	p.notice = notice{}
	p.layoutText()
}

// refKey types into the reference field: enter asks to confirm, esc
// cancels.
func (p *heldPage) refKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Back):
		p.ref, p.confirm = nil, nil
		p.layoutText()
		return nil
	case msg.Type == tea.KeyEnter:
		ref := strings.ToUpper(strings.TrimSpace(p.ref.Value()))
		if ref == "" {
			p.notice = notice{id: "held.ref_missing", kind: noticeErr}
			return nil
		}
		p.confirm.ref = ref
		p.ref = nil
		p.notice = notice{}
		p.layoutText()
		return nil
	}
	var cmd tea.Cmd
	*p.ref, cmd = p.ref.Update(sanitizeKey(msg, false))
	return cmd
}

// move shifts the cursor, clamped to the rows read so far.
func (p *heldPage) move(delta int) {
	p.cursor = max(0, min(len(p.items)-1, p.cursor+delta))
}

// rows is how many table rows fit, for paging.
func (p *heldPage) rows() int {
	return max(1, p.height-2-len(p.previewLines())-len(p.promptLines()))
}

// ShortHelp lists the keys that work now.
func (p *heldPage) ShortHelp() []key.Binding {
	k := p.c.keys
	switch {
	case p.ref != nil:
		return []key.Binding{withHelp(k.Apply, p.c.loc.T("help.continue")), k.Cancel}
	case p.confirm != nil:
		return []key.Binding{k.Confirm, k.Cancel}
	case p.reading != nil:
		return []key.Binding{k.Scroll, k.Release, k.Discard, k.backAs(p.c.loc.T("help.back"))}
	}
	short := []key.Binding{k.Move}
	if len(p.items) > 0 {
		short = append(short, withHelp(k.Open, p.c.loc.T("help.read")), k.Release, k.Discard)
	}
	return append(short, k.backAs(p.c.loc.T("help.back"))) // ctrl+r is in the full help: the footer fits in Spanish
}

// FullHelp groups the screen's keys.
func (p *heldPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	if p.ref != nil || p.confirm != nil {
		return [][]key.Binding{p.ShortHelp()}
	}
	if p.reading != nil {
		return [][]key.Binding{{k.Scroll, k.Page}, {k.Release, k.Discard}, {k.Refresh, k.backAs(p.c.loc.T("help.back"))}}
	}
	full := [][]key.Binding{{k.Move, k.Pages, k.Ends}}
	if len(p.items) > 0 {
		full = append(full, []key.Binding{withHelp(k.Open, p.c.loc.T("help.read")), k.Release, k.Discard})
	}
	return append(full, []key.Binding{k.Refresh, k.backAs(p.c.loc.T("help.back"))})
}

// View draws the status line and the list, or the message open in full,
// and the reference field or the confirmation.
func (p *heldPage) View() string {
	loc, s := p.c.loc, p.c.styles
	if !p.loaded {
		if p.err != nil {
			return s.Error.Render(wrap("✗ "+loc.Err(p.err), max(1, p.width)))
		}
		return s.Busy.Render(loc.T("held.loading"))
	}
	lines := []string{p.statusLine()}
	tail := p.promptLines()
	switch {
	case p.reading != nil:
		lines = append(lines, p.readerHead()...)
		lines = append(lines, p.text.View())
	case len(p.items) == 0:
		lines = append(lines, "", s.Muted.Render(wrap(loc.T("held.none"), max(1, p.width))))
	default:
		preview := p.previewLines()
		lines = append(lines, p.table(max(1, p.height-2-len(preview)-len(tail)))...)
		lines = append(lines, preview...)
	}
	return strings.Join(append(lines, tail...), "\n")
}

// statusLine shows a load error, a decision on its way or its outcome, or
// how many messages are held.
func (p *heldPage) statusLine() string {
	loc, s := p.c.loc, p.c.styles
	switch {
	case p.err != nil:
		return s.Error.Render(truncate("✗ "+loc.Err(p.err), p.width))
	case p.notice.id != "":
		return p.c.noticeLine(p.notice, p.width)
	}
	text := loc.N("held.count", int(min(p.total, 1<<31-1)), nil)
	if !p.at.IsZero() {
		text += " · " + loc.T("queue.as_of", map[string]any{"Time": loc.DateTime(p.at)})
	}
	if p.loading {
		text += " · " + loc.T("held.loading")
	}
	return s.Muted.Render(truncate(text, p.width))
}

// readerHead is the open message's sender, subject, date and reason.
func (p *heldPage) readerHead() []string {
	h := p.reading
	if h == nil {
		return nil
	}
	loc, s := p.c.loc, p.c.styles
	rows := [][2]string{
		{loc.T("held.col.from"), p.from(*h)},
		{loc.T("held.col.subject"), p.subject(*h)},
		{loc.T("held.col.received"), loc.DateTime(h.ReceivedAt)},
		{loc.T("held.col.reason"), p.reason(h.Reason)},
	}
	if h.TicketRef != "" {
		rows = append(rows, [2]string{loc.T("held.col.ticket"), sanitizeLine(h.TicketRef)})
	}
	if h.Attachments > 0 {
		rows = append(rows, [2]string{loc.T("held.col.files"), loc.N("held.attachments", h.Attachments, nil)})
	}
	lines := make([]string, 0, len(rows)+2)
	lw := 0
	for _, r := range rows {
		lw = max(lw, lipgloss.Width(r[0]))
	}
	for _, r := range rows {
		lines = append(lines, truncate(s.Label.Render(padRight(r[0], lw))+"  "+r[1], p.width))
	}
	if h.Attachments > 0 {
		lines = append(lines, s.Muted.Render(truncate(loc.T("held.attachments_dropped"), p.width)))
	}
	return append(lines, s.Rule.Render(strings.Repeat("─", max(1, p.width))))
}

// promptLines are the reference field or the confirmation.
func (p *heldPage) promptLines() []string {
	loc, s := p.c.loc, p.c.styles
	switch a := p.confirm; {
	case p.ref != nil:
		return []string{"", truncate(s.Label.Render(loc.T("held.ref_prompt"))+" "+p.ref.View(), p.width)}
	case a != nil && a.release:
		text := loc.T("held.confirm_release", map[string]any{"Ref": sanitizeLine(a.ref), "Subject": p.subject(a.mail)})
		return append([]string{""}, styledLines(s.Warn, "! "+text, p.width)...)
	case a != nil:
		text := loc.T("held.confirm_discard", map[string]any{"Subject": p.subject(a.mail)})
		return append([]string{""}, styledLines(s.Warn, "! "+text, p.width)...)
	}
	return nil
}

// previewLines show the selected message under the list: its subject in
// full and the start of its text.
func (p *heldPage) previewLines() []string {
	if p.reading != nil || p.cursor < 0 || p.cursor >= len(p.items) {
		return nil
	}
	h := p.items[p.cursor]
	text := strings.Join(strings.Fields(sanitizeLine(h.Text)), " ")
	if text == "" {
		text = p.c.loc.T("held.no_text")
	}
	out := []string{""}
	out = append(out, strings.Split(p.c.styles.item(0, max(20, p.width), p.subject(h)), "\n")...)
	return append(out, "  "+p.c.styles.Muted.Render(truncate(text, max(1, p.width-2))))
}

// from is the masked sender, or a word when there was none.
func (p *heldPage) from(h inbox.HeldMail) string {
	if f := sanitizeLine(h.From); f != "" {
		return f
	}
	return p.c.loc.T("held.no_sender")
}

// subject is the sanitized subject, or a word when there was none.
func (p *heldPage) subject(h inbox.HeldMail) string {
	if sub := strings.TrimSpace(sanitizeLine(h.Subject)); sub != "" {
		return sub
	}
	return p.c.loc.T("held.no_subject")
}

// reason says why a message was held, in the agent's language.
func (p *heldPage) reason(code string) string { return enumText(p.c.loc, "held.reason", code) }

// table renders the headings and the rows around the cursor, n at most.
// The subject takes the width left and is cut.
func (p *heldPage) table(n int) []string {
	loc := p.c.loc
	rows := make([][]string, len(p.items))
	top := max(0, min(p.cursor-n/2, len(rows)-n))
	for i := top; i < len(rows) && i < top+n; i++ { // only the rows in view are formatted
		h := p.items[i]
		files := dash
		if h.Attachments > 0 {
			files = strconv.Itoa(h.Attachments)
		}
		ref := dash
		if h.TicketRef != "" {
			ref = sanitizeLine(h.TicketRef)
		}
		rows[i] = []string{loc.DateTime(h.ReceivedAt), p.from(h), p.reason(h.Reason), files, ref, p.subject(h)}
	}
	head := make([]string, heldCols)
	for c := range heldCols {
		head[c] = loc.T(heldHeadings[c])
	}
	caps := make([]int, heldCols)
	caps[heldColFrom], caps[heldColReason] = 28, 30
	return listTable(p.c.styles, p.width, head, rows, caps, top, n, p.cursor)
}
