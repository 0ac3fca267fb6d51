package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/fault"
	"supportdesk/core/safetext"
)

// auditModel signs in as role (over a queue for those who work tickets)
// with the center in New York, and returns the console.
func auditModel(t *testing.T, f *fakeBackend, role access.Role, lang string) *model {
	t.Helper()
	f.role = role
	opts := testOptions(f, lang)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	opts.Location = ny
	if role.WorksTickets() {
		opts.Tickets = newFakeTickets()
	}
	m := newTestModel(t, opts, 120, 40)
	signIn2(t, m)
	return m
}

// openAudit presses u and returns the audit viewer once its first page is in.
func openAudit(t *testing.T, m *model) *auditPage {
	t.Helper()
	drain(m, send(m, "u"))
	ap, ok := m.active().(*auditPage)
	if !ok {
		t.Fatalf("u did not open the audit log (active %T)", m.active())
	}
	return ap
}

func (f *fakeBackend) auditFilters() []auditlog.Filter {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.audits)
}

func allHelpKeys(m *model) []string {
	var out []string
	for _, g := range m.helpKeys().full {
		for _, b := range g {
			out = append(out, b.Help().Key)
		}
	}
	return append(out, shortKeys(m)...)
}

func TestAuditFilterReachesBackend(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.auditLog = sampleAudit(12)
	m := auditModel(t, f, access.RoleSupervisor, "en")
	ap := openAudit(t, m)
	if got := f.auditFilters(); len(got) != 1 || got[0] != (auditlog.Filter{Limit: auditPageSize}) {
		t.Fatalf("first read asked %+v, want the newest %d", got, auditPageSize)
	}
	view := m.View()
	for _, want := range []string{"Audit log", "12 entries shown", "Luis Ortega", "Account viewed", "Reply target missed", "System", "3f0c6a52…"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}

	send(m, "f")
	if ap.form == nil || !m.active().InputFocused() {
		t.Fatal("f did not open the filter form")
	}
	if !helpHas(shortKeys(m), "ctrl+o") {
		t.Errorf("the agent picker key is not in the footer: %v", shortKeys(m))
	}
	send(m, "ctrl+o")
	if ap.picker == nil {
		t.Fatal("ctrl+o did not open the agent picker")
	}
	send(m, "down") // Luis Ortega, second in the list
	send(m, "enter")
	if ap.picker != nil || ap.form.inputs[auditActor].Value() != "agent-2" {
		t.Fatalf("the picker put %q in the form", ap.form.inputs[auditActor].Value())
	}
	send(m, "tab")
	typeText(m, strings.ToUpper(fakeUUID))
	send(m, "tab")
	typeText(m, "Account")
	send(m, "tab")
	typeText(m, "2026-11-01")
	send(m, "tab")
	typeText(m, "2026-11-30")
	drain(m, send(m, "enter"))

	got := f.auditFilters()
	if len(got) != 2 {
		t.Fatalf("filters asked: %+v", got)
	}
	// 1 November 2026 is the day New York leaves daylight time: the day
	// starts at 04:00 UTC, and 1 December at 05:00 UTC.
	want := auditlog.Filter{
		ActorID: "agent-2", TargetID: fakeUUID, Action: "account",
		From:  time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC),
		To:    time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC),
		Limit: auditPageSize,
	}
	g := got[1]
	if g.ActorID != want.ActorID || g.TargetID != want.TargetID || g.Action != want.Action ||
		!g.From.Equal(want.From) || !g.To.Equal(want.To) || g.Limit != want.Limit || g.Before != 0 {
		t.Errorf("filter %+v\nwant   %+v", g, want)
	}
	if ap.form != nil {
		t.Error("the form stayed open after applying")
	}
	view = m.View()
	for _, want := range []string{"Filter: Agent Luis Ortega", "Action account", "From 11/1/26", "To 11/30/26", "4 entries shown"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	// x clears the filter and reads again.
	drain(m, send(m, "x"))
	if got := f.auditFilters(); len(got) != 3 || got[2] != (auditlog.Filter{Limit: auditPageSize}) {
		t.Errorf("x asked %+v", got[len(got)-1])
	}
}

func TestAuditFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		field int
		text  string
		extra func(m *model) // fills another field first
	}{
		{"month 13", auditFrom, "2026-13-01", nil},
		{"not a date", auditTo, "30/11/2026", nil},
		{"to before from", auditTo, "2026-11-01", func(m *model) {
			m.active().(*auditPage).form.inputs[auditFrom].SetValue("2026-11-02")
		}},
		{"target neither uuid nor ref", auditTarget, "jane@example.com", nil},
		{"action with spaces", auditAction, "account view", nil},
		{"actor with escape", auditActor, "agent\x1b[2J", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake("fr")
			m := auditModel(t, f, access.RoleSupervisor, "fr")
			ap := openAudit(t, m)
			before := len(f.auditFilters())
			send(m, "f")
			if tc.extra != nil {
				tc.extra(m)
			}
			ap.form.setFocus(tc.field)
			typeText(m, tc.text)
			if cmd := send(m, "enter"); cmd != nil {
				drain(m, cmd)
			}
			if n := len(f.auditFilters()); n != before {
				t.Fatalf("a refused filter reached core (%d reads)", n-before)
			}
			if ap.form == nil || ap.form.err == nil {
				t.Fatal("no error in the form")
			}
			if ap.form.focus != tc.field {
				t.Errorf("focus on field %d, want %d", ap.form.focus, tc.field)
			}
			msg := loc(t, "fr").Err(fault.Invalid(auditFieldNames[tc.field], fault.CodeInvalidInput))
			if view := m.View(); !strings.Contains(view, msg) {
				t.Errorf("the French error %q is not shown:\n%s", msg, view)
			}
		})
	}
}

func TestAuditPagingPassesBefore(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.auditLog = sampleAudit(250)
	m := auditModel(t, f, access.RoleSupervisor, "en")
	ap := openAudit(t, m)
	if len(ap.entries) != 100 || !ap.more {
		t.Fatalf("first page: %d entries, more %v", len(ap.entries), ap.more)
	}
	if !strings.Contains(m.View(), "older entries load as you scroll") {
		t.Error("the status line does not say more entries follow")
	}
	drain(m, send(m, "end"))
	got := f.auditFilters()
	if len(got) != 2 || got[1].Before != 151 || got[1].Limit != auditPageSize {
		t.Fatalf("the next page asked %+v, want Before 151 (the last Seq seen)", got[len(got)-1])
	}
	if len(ap.entries) != 200 || ap.entries[100].Seq != 150 {
		t.Fatalf("after the second page: %d entries", len(ap.entries))
	}
	drain(m, send(m, "end"))
	if got := f.auditFilters(); len(got) != 3 || got[2].Before != 51 {
		t.Fatalf("the third page asked %+v", got[len(got)-1])
	}
	if len(ap.entries) != 250 || ap.more {
		t.Fatalf("after the last page: %d entries, more %v", len(ap.entries), ap.more)
	}
	drain(m, send(m, "end"))
	if n := len(f.auditFilters()); n != 3 {
		t.Errorf("a read past the end: %d reads", n)
	}
	if !strings.Contains(m.View(), "no older entries") {
		t.Error("the end of the log is not said")
	}
	// A page answering an abandoned filter is dropped.
	stale := auditLoadedMsg{to: ap.id, gen: ap.gen - 1, entries: sampleAudit(3)}
	m.Update(stale)
	if len(ap.entries) != 250 {
		t.Error("a stale page replaced the list")
	}
}

func TestAuditKeyByRole(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgent, access.RoleAgencyDesk} {
		f := newFake("en")
		m := auditModel(t, f, role, "en")
		send(m, "esc") // the look-up home leaves its query; the queue ignores esc
		if helpHas(allHelpKeys(m), "u") {
			t.Errorf("%s: the audit key shows in help: %v", role, allHelpKeys(m))
		}
		drain(m, send(m, "u"))
		if _, ok := m.active().(*auditPage); ok {
			t.Errorf("%s: u opened the audit log", role)
		}
		if len(f.auditFilters()) != 0 {
			t.Errorf("%s: the audit log was read", role)
		}
	}

	// A supervisor reaches it from the queue and from the board.
	f := newFake("en")
	m := auditModel(t, f, access.RoleSupervisor, "en")
	if !helpHas(allHelpKeys(m), "u") {
		t.Errorf("supervisor: no audit key in the queue's help: %v", allHelpKeys(m))
	}
	drain(m, send(m, "b"))
	if _, ok := m.active().(*boardPage); !ok {
		t.Fatalf("b did not open the board (%T)", m.active())
	}
	if !helpHas(allHelpKeys(m), "u") {
		t.Errorf("supervisor: no audit key in the board's help")
	}
	openAudit(t, m)
	drain(m, send(m, "esc"))
	if _, ok := m.active().(*boardPage); !ok {
		t.Errorf("esc did not go back to the board (%T)", m.active())
	}

	// An admin's home is the look-up: esc leaves the query, then u. Core
	// would not list agents to an admin, so it types an id.
	f = newFake("en")
	m = auditModel(t, f, access.RoleAdmin, "en")
	send(m, "esc")
	if m.active().InputFocused() || !helpHas(shortKeys(m), "u") {
		t.Fatalf("admin: esc did not leave the query for the audit key: %v", shortKeys(m))
	}
	ap := openAudit(t, m)
	send(m, "f")
	send(m, "ctrl+o")
	if ap.picker != nil || helpHas(shortKeys(m), "ctrl+o") {
		t.Error("admin: the agent picker was offered")
	}
}

func TestAuditHostileAndLocalized(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	f.auditLog = []audit.Entry{
		{Seq: 9, At: fixedNow, ActorID: "agent-2", ActorRole: "agent", Action: "account.view",
			TargetType: "account", TargetID: fakeUUID, Detail: "reason=\x1b]0;pwned\x07caller\x1b[2J\u202eevil\rX"},
		{Seq: 8, At: fixedNow.Add(-time.Minute), ActorID: "x\x1b[31m", ActorRole: "brand\u009bnew",
			Action: "new.thing\x1b[1A", TargetType: "ticket", TargetID: "SD-2026-000001"},
	}
	m := auditModel(t, f, access.RoleSupervisor, "es")
	openAudit(t, m)
	view := m.View()
	if strings.ContainsRune(view, 0x1b) {
		t.Errorf("ESC reached the screen:\n%q", view)
	}
	for _, r := range view {
		if (r >= 0x80 && r <= 0x9f) || safetext.IsBidiControl(r) || r == '\r' {
			t.Errorf("control %U reached the screen", r)
		}
	}
	for _, want := range []string{"Registro de auditoría", "Cuenta consultada", "Agente (nivel 1)", "new.thing", "reason=caller"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}

	f.auditErr = fault.ErrNotPermitted
	drain(m, send(m, "ctrl+r"))
	if want := loc(t, "es").Err(fault.ErrNotPermitted); !strings.Contains(m.View(), want) {
		t.Errorf("the refusal is not shown in Spanish:\n%s", m.View())
	}
}
