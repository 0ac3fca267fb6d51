package tui

import (
	"slices"
	"strings"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/helpdesk"
	"supportdesk/core/ticket"
)

// ticketModel signs in to a console over ft as role, in lang, sized w×h,
// and runs the commands that load the home screen.
func ticketModel(t *testing.T, ft *fakeTickets, role access.Role, lang string, w, h int) *model {
	t.Helper()
	f := newFake(lang)
	f.role = role
	opts := testOptions(f, lang)
	opts.Tickets = ft
	m := newTestModel(t, opts, w, h)
	signIn2(t, m)
	return m
}

// openTicket moves the queue cursor to row and opens that ticket.
func openTicket(t *testing.T, m *model, row int) *ticketPage {
	t.Helper()
	for range row {
		send(m, "down")
	}
	drain(m, send(m, "enter"))
	tp, ok := m.active().(*ticketPage)
	if !ok || tp.view == nil {
		t.Fatalf("no ticket view after enter (active %T)", m.active())
	}
	return tp
}

func TestHomeByRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		role    access.Role
		tickets bool
		queue   bool
	}{
		{access.RoleAgent, true, true},
		{access.RoleSupervisor, true, true},
		{access.RoleAgencyDesk, true, false},
		{access.RoleAdmin, true, false},
		{access.RoleAgent, false, false},
	}
	for _, tt := range tests {
		ft := newFakeTickets()
		f := newFake("en")
		f.role = tt.role
		opts := testOptions(f, "en")
		if tt.tickets {
			opts.Tickets = ft
		}
		m := newTestModel(t, opts, 100, 30)
		signIn2(t, m)
		_, isQueue := m.active().(*queuePage)
		if isQueue != tt.queue {
			t.Errorf("%s tickets=%v: home is %T", tt.role, tt.tickets, m.active())
		}
		if !tt.queue && (len(ft.queueCalls) > 0 || m.active() != page(m.lookup)) {
			t.Errorf("%s: look-up home expected, queue asked %d times", tt.role, len(ft.queueCalls))
		}
	}
}

func TestQueueKeys(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 100, 30)
	q := m.queue
	if q.total != len(ft.items) {
		t.Fatalf("total %d, want %d", q.total, len(ft.items))
	}
	steps := []struct {
		key  string
		want int
	}{
		{"down", 1}, {"j", 2}, {"up", 1}, {"end", len(ft.items) - 1}, {"down", len(ft.items) - 1},
		{"home", 0}, {"up", 0}, {"pgdown", len(ft.items) - 1}, {"pgup", 0},
	}
	for _, s := range steps {
		drain(m, send(m, s.key))
		if q.cursor != s.want {
			t.Errorf("after %s cursor %d, want %d", s.key, q.cursor, s.want)
		}
	}
	// The cursor row is marked in text, so it shows without colour.
	if !strings.Contains(m.View(), "› "+ft.items[0].Ref) {
		t.Error("cursor row not marked")
	}

	// Search: q and ? are text while the search field has focus.
	send(m, "/")
	if !m.active().InputFocused() {
		t.Fatal("/ did not focus the search")
	}
	if isQuit(send(m, "q")) {
		t.Fatal("q quit while typing a search")
	}
	send(m, "esc")
	if q.search.Focused() || q.filter.Search != "" {
		t.Error("esc did not cancel the search")
	}
	send(m, "/")
	typeText(m, "teléfono")
	drain(m, send(m, "enter"))
	if q.filter.Search != "teléfono" || q.total != 1 {
		t.Errorf("search %q found %d, want 1", q.filter.Search, q.total)
	}
	if last := ft.queueCalls[len(ft.queueCalls)-1]; !strings.HasSuffix(last, "teléfono") {
		t.Errorf("backend not asked with the search: %q", last)
	}
	drain(m, send(m, "esc"))
	if q.filter.Search != "" || q.total != len(ft.items) {
		t.Error("esc did not clear the search")
	}

	// Filters: f opens the editor, ↓ picks language, → cycles, enter applies.
	send(m, "f")
	if q.panel == nil {
		t.Fatal("f did not open the filters")
	}
	send(m, "down", "right", "right")
	drain(m, send(m, "enter"))
	if q.panel != nil || q.filter.Language != "es" {
		t.Fatalf("filter %+v, want language es", q.filter)
	}
	for i := range q.total {
		if it, _ := q.item(i); it.Language != "es" {
			t.Errorf("row %d is %s", i, it.Language)
		}
	}
	// Agencies are offered by name, by name's order, and named in the filter line.
	send(m, "f", "down", "down", "down", "right")
	if v := m.View(); !strings.Contains(v, "‹ Social Security Administration ›") {
		t.Errorf("the agency filter does not name the agency:\n%s", v)
	}
	drain(m, send(m, "enter"))
	if q.filter.Agency != "ssa" || !strings.Contains(m.View(), "Agency: Social Security Administration") {
		t.Errorf("agency filter %q; filter line:\n%s", q.filter.Agency, m.View())
	}
	send(m, "f", "esc")
	if q.panel != nil {
		t.Error("esc did not close the filters")
	}
	drain(m, send(m, "x"))
	if q.filter != (helpdesk.QueueFilter{}) {
		t.Error("x did not clear the filters")
	}

	// Look-up and back; the board is for supervisors only.
	drain(m, send(m, "l"))
	if m.active() != page(m.lookup) {
		t.Fatalf("l opened %T", m.active())
	}
	drain(m, send(m, "esc"))
	if m.active() != page(m.queue) {
		t.Fatalf("esc from an empty look-up went to %T", m.active())
	}
	drain(m, send(m, "b"))
	if m.active() != page(m.queue) {
		t.Error("an agent opened the supervisor board")
	}
	if !isQuit(send(m, "q")) {
		t.Error("q did not quit from the queue")
	}
}

func TestQueuePaging(t *testing.T) {
	t.Parallel()
	ft := newBigFake(100_000)
	m := ticketModel(t, ft, access.RoleAgent, "en", 100, 30)
	q := m.queue
	if q.total != 100_000 || len(ft.queueCalls) != 1 {
		t.Fatalf("total %d after %d calls, want 100000 after 1", q.total, len(ft.queueCalls))
	}
	lines := strings.Count(m.View(), "\n") + 1
	if lines > 30 {
		t.Errorf("%d lines on a 30-line terminal", lines)
	}
	drain(m, send(m, "end"))
	if q.cursor != 99_999 || !strings.Contains(m.View(), "› SD-2026-100000") {
		t.Fatalf("end: cursor %d\n%s", q.cursor, m.View())
	}
	if n := len(ft.queueCalls); n > 3 {
		t.Errorf("end fetched %d pages in all", n)
	}
	// Up from the end, each page is read just before the first row of
	// the page below it, by key.
	for range 5 {
		drain(m, send(m, "pgup"))
	}
	if it, ok := q.item(q.cursor); q.cursor > 99_900 || !ok || it.ID != int64(q.cursor+1) {
		t.Errorf("pgup from the end: cursor %d on %+v", q.cursor, it)
	}
	// Paging through keeps the cache bounded.
	drain(m, send(m, "home"))
	for range 200 {
		drain(m, send(m, "pgdown"))
	}
	if n := len(q.pages) + len(q.stale); n > queueCacheLimit {
		t.Errorf("%d pages cached, limit %d", n, queueCacheLimit)
	}
	if it, ok := q.item(q.cursor); !ok || it.ID != int64(q.cursor+1) {
		t.Errorf("cursor row %d not loaded: %+v", q.cursor, it)
	}
	// A page that answers for a replaced filter is dropped.
	stale := queueLoadedMsg{to: q.id, gen: q.gen - 1, page: 0, result: helpdesk.QueuePage{Total: 3}}
	m.Update(stale)
	if q.total != 100_000 {
		t.Error("a stale page changed the queue")
	}
}

func TestTicketMacroInTicketLanguage(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 120, 40)
	tp := openTicket(t, m, 1) // Spanish, UI in English
	if tp.view.Language != "es" {
		t.Fatalf("ticket language %s", tp.view.Language)
	}
	view := m.View()
	spanish := enumText(loc(t, "en"), "language", "es")
	for _, want := range []string{"Requester writes in " + spanish, "INTERNAL NOTE by Luis Ortega", "Perdí mi teléfono"} {
		if !strings.Contains(view, want) {
			t.Errorf("ticket view lacks %q", want)
		}
	}
	send(m, "r")
	if !m.active().InputFocused() {
		t.Fatal("r did not focus the composer")
	}
	send(m, "ctrl+o")
	if tp.picker == nil || tp.picker.kind != pickMacro {
		t.Fatal("ctrl+o opened no macro picker")
	}
	if !strings.Contains(m.View(), loc(t, "en").T("reply.lost_phone.title")) {
		t.Error("macro titles not in the UI language")
	}
	send(m, "down", "down", "enter") // lost_phone
	es := loc(t, "es")
	body := tp.composer.Value()
	if !strings.HasPrefix(body, es.T("reply.lost_phone.body")[:40]) {
		t.Errorf("macro not in the ticket's language:\n%s", body)
	}
	// The promised date is a Spanish date, in a paragraph of its own.
	send(m, "ctrl+o", "down", "enter")
	body = tp.composer.Value()
	for _, want := range []string{es.Date(tp.view.AnswerBy), "\n\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("composer lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(body, "miércoles, 2 de diciembre de 2026") {
		t.Errorf("date not in Spanish:\n%s", body)
	}
	drain(m, send(m, "ctrl+s"))
	drain(m, send(m, "y"))
	if len(ft.writes) != 1 || ft.writes[0] != "reply 102 v1" {
		t.Fatalf("writes %v", ft.writes)
	}
	if tp.mode != "" || tp.composer.Value() != "" {
		t.Error("composer not cleared after the reply")
	}
	want := loc(t, "en").T("ticket.replied", map[string]any{"Language": spanish})
	if !strings.Contains(m.View(), want) {
		t.Errorf("no confirmation %q:\n%s", want, m.View())
	}
}

func TestTicketConflictKeepsDraft(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 120, 40)
	tp := openTicket(t, m, 1)
	send(m, "r")
	typeText(m, "Hola María, ya lo revisamos.")
	ft.conflictNext = true // another agent writes first
	drain(m, send(m, "ctrl+s"))
	drain(m, send(m, "y"))
	if len(ft.writes) != 0 {
		t.Fatalf("a stale write went through: %v", ft.writes)
	}
	if got := tp.composer.Value(); got != "Hola María, ya lo revisamos." {
		t.Errorf("draft after a conflict = %q", got)
	}
	if tp.view.Version != 2 || !strings.Contains(m.View(), "Taking a look.") {
		t.Errorf("ticket not reloaded: version %d", tp.view.Version)
	}
	if !strings.Contains(m.View(), loc(t, "en").T("ticket.conflict")[:30]) {
		t.Errorf("no conflict notice:\n%s", m.View())
	}
	drain(m, send(m, "ctrl+s"))
	drain(m, send(m, "y"))
	if len(ft.writes) != 1 || ft.writes[0] != "reply 102 v2" {
		t.Errorf("resend wrote %v", ft.writes)
	}
}

func TestTicketStatusAssignNote(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "fr", 120, 40)
	tp := openTicket(t, m, 0)
	send(m, "s")
	if tp.picker == nil || tp.picker.kind != pickStatus {
		t.Fatal("s opened no status picker")
	}
	if isQuit(send(m, "q")) {
		t.Error("q quit with a picker open")
	}
	send(m, "down") // new is not offered; open, pending, solved
	drain(m, send(m, "enter"))
	if tp.view.Status != ticket.StatusPending {
		t.Errorf("status %s after choosing pending (writes %v)", tp.view.Status, ft.writes)
	}
	drain(m, send(m, "a"))
	if tp.picker == nil || len(tp.picker.items) != 4 {
		t.Fatalf("assign picker %+v", tp.picker)
	}
	send(m, "down", "down") // me, unassign, Luis
	drain(m, send(m, "enter"))
	if tp.view.Assignee != "agent-2" {
		t.Errorf("assignee %q", tp.view.Assignee)
	}
	if !strings.Contains(m.View(), "Luis Ortega") {
		t.Error("assignment not shown")
	}
	send(m, "n")
	typeText(m, "Rappel demain.")
	drain(m, send(m, "ctrl+s"))
	want := []string{"status pending 101 v1", "assign agent-2 101 v2", "note 101 v3"}
	if !slices.Equal(ft.writes, want) {
		t.Errorf("writes %v, want %v", ft.writes, want)
	}
	if !strings.Contains(m.View(), loc(t, "fr").T("thread.internal", map[string]any{"Name": "Dana Agent"})) {
		t.Error("the note is not marked internal in the thread")
	}
}

func TestTicketDraftAndKeys(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 100, 30)
	tp := openTicket(t, m, 1)
	send(m, "r")
	typeText(m, "q?")
	if tp.composer.Value() != "q?" || m.help.ShowAll {
		t.Errorf("q and ? did not type into the composer: %q", tp.composer.Value())
	}
	send(m, "esc")
	if m.active().InputFocused() || tp.mode != actReply {
		t.Error("esc did not leave the composer with its draft")
	}
	drain(m, send(m, "esc"))
	if m.active() != page(m.queue) {
		t.Fatalf("esc went to %T", m.active())
	}
	tp = openTicket(t, m, 0) // the cursor is still on the same row
	if tp.composer.Value() != "q?" || tp.mode != actReply {
		t.Errorf("draft lost on coming back: %q", tp.composer.Value())
	}
	// Narrow: tab swaps thread and account; number keys pick account tabs.
	send(m, "tab")
	if !tp.showAccount || !strings.Contains(m.View(), "[1 Overview]") {
		t.Error("tab did not show the account")
	}
	drain(m, send(m, "6"))
	if tp.account.tab != tabTickets || ft.accountCalls != 1 || !strings.Contains(m.View(), "SD-2026-000108") {
		t.Errorf("tickets tab: tab %d, calls %d", tp.account.tab, ft.accountCalls)
	}
	// The account's tickets open: down to the second, enter.
	send(m, "down")
	if !strings.Contains(m.View(), "› ▪ SD-2026-000108") {
		t.Errorf("the cursor is not on the second ticket:\n%s", m.View())
	}
	if cmd := send(m, "enter"); cmd == nil || cmd() != (openTicketMsg{id: sampleQueue()[7].ID}) {
		t.Error("enter on the account's second ticket did not open it")
	}
	send(m, "left")
	if tp.account.tab != tabHistory {
		t.Errorf("left went to tab %d", tp.account.tab)
	}
	send(m, "tab")
	if tp.showAccount {
		t.Error("tab did not go back to the thread")
	}
	// Sending nothing is refused; an empty composer closes on esc.
	drain(m, send(m, "esc"))
	openTicket(t, m, 1)
	send(m, "n")
	drain(m, send(m, "ctrl+s"))
	if len(ft.writes) != 0 {
		t.Errorf("an empty note was sent: %v", ft.writes)
	}
	send(m, "esc")
	if tp := m.active().(*ticketPage); tp.mode != "" {
		t.Error("esc left an empty composer open")
	}
}

func TestBoard(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleSupervisor, "es", 120, 40)
	drain(m, send(m, "b"))
	bp, ok := m.active().(*boardPage)
	if !ok || bp.view == nil {
		t.Fatalf("b opened %T", m.active())
	}
	// The board's totals match the queue's rows.
	for st, n := range bp.view.Totals {
		count := 0
		for _, it := range ft.items {
			if it.State == st {
				count++
			}
		}
		if n != count {
			t.Errorf("board %s = %d, queue has %d", st, n, count)
		}
	}
	// The backlog by language, with who is signed in; French has tickets
	// waiting and nobody to answer them.
	if v := m.View(); !strings.Contains(v, "En espera por idioma: EN 3 (2 agentes conectados) · ES 2 (1 agente conectado) · ✗ FR 1 (0 agentes conectados)") {
		t.Errorf("no backlog by language:\n%s", v)
	}
	// Bulk reassignment: mark two, pick an agent.
	send(m, "3")
	send(m, "space", "space")
	if len(bp.marked) != 2 {
		t.Fatalf("%d marked", len(bp.marked))
	}
	drain(m, send(m, "a"))
	if bp.picker == nil || len(bp.picker.items) != 3 {
		t.Fatalf("reassign picker %+v", bp.picker)
	}
	send(m, "down")
	drain(m, send(m, "enter"))
	if len(ft.reassigned) != 1 || !slices.Equal(ft.reassigned[0], []int64{101, 102}) {
		t.Errorf("reassigned %v", ft.reassigned)
	}
	if len(bp.marked) != 0 || !strings.Contains(m.View(), "2 solicitudes reasignadas a Luis Ortega") {
		t.Errorf("no confirmation:\n%s", m.View())
	}
	// One at a time: no mark, the row under the cursor.
	drain(m, send(m, "a"))
	drain(m, send(m, "enter"))
	if len(ft.reassigned) != 2 || len(ft.reassigned[1]) != 1 {
		t.Errorf("single reassignment %v", ft.reassigned)
	}
	if !strings.Contains(m.View(), "1 solicitud reasignada a Dana Agent.") {
		t.Errorf("one ticket not in the singular:\n%s", m.View())
	}
	// A ticket the agent had already is named, not lumped in a count.
	ft.already = map[int64]bool{ft.reassigned[1][0]: true}
	drain(m, send(m, "a"))
	drain(m, send(m, "enter"))
	if want := "Dana Agent ya tenía " + ticket.Ref(2026, ft.reassigned[1][0]) + ": no se cambió nada."; !strings.Contains(m.View(), want) {
		t.Errorf("want %q:\n%s", want, m.View())
	}

	// Closure days: a bad day is refused in words and nothing typed is lost.
	send(m, "4", "n")
	if !m.active().InputFocused() {
		t.Fatal("n did not open the closure form")
	}
	typeText(m, "2026-02-30")
	send(m, "tab")
	typeText(m, "Cierre por nieve")
	drain(m, send(m, "enter"))
	if bp.form == nil || bp.form.err == nil {
		t.Fatal("an impossible day was accepted")
	}
	if bp.form.day.Value() != "2026-02-30" || bp.form.reason.Value() != "Cierre por nieve" {
		t.Error("the form lost what was typed")
	}
	if !strings.Contains(m.View(), loc(t, "es").T("field.day")) {
		t.Error("the error does not name the field")
	}
	bp.form.day.SetValue("2026-02-27") // as if corrected by hand
	drain(m, send(m, "enter"))
	if bp.form != nil || len(bp.view.Closures) != 3 {
		t.Fatalf("closure not added: %+v", bp.view.Closures)
	}
	send(m, "home", "d")
	if bp.confirm != "2026-02-27" {
		t.Fatalf("confirm %q", bp.confirm)
	}
	drain(m, send(m, "y"))
	if len(bp.view.Closures) != 2 {
		t.Errorf("closure not removed: %+v", bp.view.Closures)
	}
	// Ticks refresh the open board and stop once it is closed.
	if _, cmd := m.Update(boardTickMsg{to: bp.id}); cmd == nil {
		t.Error("a tick did not refresh the board")
	}
	drain(m, send(m, "esc"))
	if m.active() != page(m.queue) {
		t.Fatalf("esc went to %T", m.active())
	}
	if _, cmd := m.Update(boardTickMsg{to: bp.id}); cmd != nil && cmd() != nil {
		t.Error("a closed board kept ticking")
	}
}

// TestLanguageSwitchTicketScreens switches language on each new screen:
// the view follows at once.
func TestLanguageSwitchTicketScreens(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleSupervisor, "en", 120, 40)
	check := func(id string) {
		t.Helper()
		drain(m, send(m, "ctrl+l"))
		if want := loc(t, m.c.loc.Lang()).T(id); !strings.Contains(m.View(), want) {
			t.Errorf("%s: %q missing after the switch:\n%s", m.c.loc.Lang(), want, m.View())
		}
	}
	check("queue.col.ref")
	openTicket(t, m, 0)
	check("ticket.unassigned")
	drain(m, send(m, "esc"))
	drain(m, send(m, "b"))
	check("board.section.counts")
}

func TestQueueRefreshesOnItsTick(t *testing.T) {
	t.Parallel()
	ft := newBigFake(500)
	m := ticketModel(t, ft, access.RoleAgent, "en", 100, 30)
	q := m.queue
	before := len(ft.queueCalls)
	drain(m, send(m, "down", "down"))
	m.Update(queueTickMsg{to: q.id + 1000}) // another page's tick
	if len(ft.queueCalls) != before {
		t.Fatal("a tick for another page refreshed the queue")
	}
	_, cmd := m.Update(queueTickMsg{to: q.id})
	drain(m, cmd)
	if len(ft.queueCalls) == before || q.cursor != 2 {
		t.Fatalf("tick: %d calls (was %d), cursor %d", len(ft.queueCalls), before, q.cursor)
	}
	// Not while the agent is typing a search.
	drain(m, send(m, "/"))
	before = len(ft.queueCalls)
	_, cmd = m.Update(queueTickMsg{to: q.id})
	drain(m, cmd)
	if len(ft.queueCalls) != before {
		t.Fatal("the queue refreshed under the search box")
	}
}

// Mail that failed for good shows on the board, in words, only when there
// is some.
func TestBoardShowsMailFailedForGood(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleSupervisor, "en", 120, 40)
	drain(m, send(m, "b"))
	if strings.Contains(m.View(), "failed for good") {
		t.Fatal("a board with no failed mail mentions it")
	}
	ft.mu.Lock()
	ft.board.MailFailed = 3
	ft.mu.Unlock()
	drain(m, send(m, "ctrl+r"))
	if !strings.Contains(m.View(), "✗ 3 mails failed for good") {
		t.Errorf("board does not show the failed mail:\n%s", m.View())
	}
}
