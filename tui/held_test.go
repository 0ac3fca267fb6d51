package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/inbox"
	"supportdesk/core/safetext"
)

// heldModel signs in as role over a queue and opens the held mail with H.
func heldModel(t *testing.T, f *fakeBackend, role access.Role, lang string) (*model, *heldPage) {
	t.Helper()
	f.role = role
	opts := testOptions(f, lang)
	opts.Tickets = newFakeTickets()
	m := newTestModel(t, opts, 120, 40)
	signIn2(t, m)
	drain(m, send(m, "H"))
	hp, ok := m.active().(*heldPage)
	if !ok || !hp.loaded {
		t.Fatalf("no held mail screen after H (active %T)", m.active())
	}
	return m, hp
}

func fullKeys(m *model) []string {
	var out []string
	for _, group := range m.helpKeys().full {
		for _, b := range group {
			out = append(out, b.Help().Key)
		}
	}
	return out
}

func TestHeldListRenders(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgent, access.RoleSupervisor} {
		t.Run(string(role), func(t *testing.T) {
			t.Parallel()
			f := newFake("en")
			f.held = heldSample()
			m, hp := heldModel(t, f, role, "en")
			if len(hp.items) != 3 || hp.total != 3 {
				t.Fatalf("items %d, total %d", len(hp.items), hp.total)
			}
			view := m.View()
			for _, want := range []string{
				"Held mail (3)", "3 messages held", "m•••@example.net", "Re: Your request SD-2026-0001",
				"not the requester", "forged reply address", "matches no ticket", "SD-2026-000108",
				"11/30/26, 12:04 PM EST", "My ID photos",
			} {
				if !strings.Contains(view, want) {
					t.Errorf("view lacks %q:\n%s", want, view)
				}
			}
			for _, k := range []string{"r", "d", "enter"} {
				if !helpHas(shortKeys(m), k) && !helpHas(shortKeys(m), m.c.loc.T("keycap.enter")) {
					t.Errorf("%s missing from the footer: %v", k, shortKeys(m))
				}
			}
		})
	}
}

// TestHeldKeyShown: H is in the queue's and the board's help for those
// who review mail, and absent for an agency desk.
func TestHeldKeyShown(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgent, access.RoleSupervisor} {
		f := newFake("en")
		f.role = role
		opts := testOptions(f, "en")
		opts.Tickets = newFakeTickets()
		m := newTestModel(t, opts, 120, 40)
		signIn2(t, m)
		if !helpHas(fullKeys(m), "H") {
			t.Errorf("%s: H missing from the queue's help: %v", role, fullKeys(m))
		}
		if role == access.RoleSupervisor {
			drain(m, send(m, "b"))
			if _, ok := m.active().(*boardPage); !ok || !helpHas(fullKeys(m), "H") {
				t.Errorf("H missing from the board's help: %v", fullKeys(m))
			}
			drain(m, send(m, "H"))
			if _, ok := m.active().(*heldPage); !ok {
				t.Errorf("H on the board opened %T", m.active())
			}
		}
	}
}

func TestHeldEmpty(t *testing.T) {
	t.Parallel()
	m, _ := heldModel(t, newFake("en"), access.RoleAgent, "en")
	if view := m.View(); !strings.Contains(view, "No mail is held.") || !strings.Contains(view, "Held mail (0)") {
		t.Errorf("no empty state:\n%s", view)
	}
	if helpHas(shortKeys(m), "r") {
		t.Error("release offered on an empty list")
	}
	send(m, "r")
	send(m, "d")
	if m.active().InputFocused() {
		t.Error("r or d on an empty list opened a prompt")
	}
}

func TestHeldReleaseAsksForRef(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.held = heldSample()
	m, hp := heldModel(t, f, access.RoleAgent, "en")
	send(m, "down")
	send(m, "r")
	if hp.ref == nil || hp.ref.Value() != "" {
		t.Fatalf("r should ask for a reference, empty without a ticket ref (%v)", hp.ref)
	}
	if !strings.Contains(m.View(), "Put on ticket:") {
		t.Errorf("no reference prompt:\n%s", m.View())
	}
	if cmd := send(m, "q"); isQuit(cmd) || hp.ref == nil || hp.ref.Value() != "q" {
		t.Fatal("q should type into the field")
	}
	hp.ref.SetValue("")
	send(m, "enter")
	if hp.ref == nil || !strings.Contains(m.View(), "Type the ticket reference") {
		t.Fatalf("an empty reference should be refused:\n%s", m.View())
	}
	typeText(m, " sd-2026-000120 ")
	send(m, "enter")
	if hp.ref != nil || hp.confirm == nil || len(f.releases) != 0 {
		t.Fatal("enter should ask to confirm before releasing")
	}
	if view := m.View(); !strings.Contains(view, `Put "Urgent: verify now" on SD-2026-000120 as the requester's reply?`) {
		t.Errorf("no confirmation:\n%s", view)
	}
	drain(m, send(m, "y"))
	if !slices.Equal(f.releases, []string{"9 SD-2026-000120"}) {
		t.Fatalf("releases %v", f.releases)
	}
	view := m.View()
	if !strings.Contains(view, "Put on SD-2026-000120 as the requester's reply.") || len(hp.items) != 2 || hp.total != 2 {
		t.Errorf("after release: %d items\n%s", len(hp.items), view)
	}
}

// TestHeldReleasePrefilled: the ticket core found is offered; esc cancels.
func TestHeldReleasePrefilled(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.held = heldSample()
	m, hp := heldModel(t, f, access.RoleAgent, "en")
	send(m, "r")
	if hp.ref == nil || hp.ref.Value() != "SD-2026-000108" {
		t.Fatalf("reference not prefilled: %v", hp.ref)
	}
	send(m, "esc")
	if hp.ref != nil || hp.confirm != nil {
		t.Fatal("esc should cancel")
	}
	if _, ok := m.active().(*heldPage); !ok {
		t.Fatal("esc in the prompt left the screen")
	}
	send(m, "r", "enter")
	drain(m, send(m, "y"))
	if !slices.Equal(f.releases, []string{"7 SD-2026-000108"}) {
		t.Fatalf("releases %v", f.releases)
	}
}

func TestHeldDiscardConfirms(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.held = heldSample()
	m, hp := heldModel(t, f, access.RoleSupervisor, "en")
	send(m, "d")
	if hp.confirm == nil || len(f.discards) != 0 {
		t.Fatal("d should ask to confirm")
	}
	if view := m.View(); !strings.Contains(view, `Discard "Re: Your request SD-2026-000108"?`) {
		t.Errorf("no confirmation:\n%s", view)
	}
	drain(m, send(m, "n"))
	if hp.confirm != nil || len(f.discards) != 0 {
		t.Fatal("any other key should cancel")
	}
	send(m, "d")
	drain(m, send(m, "y"))
	if !slices.Equal(f.discards, []int64{7}) || len(hp.items) != 2 {
		t.Fatalf("discards %v, items %d", f.discards, len(hp.items))
	}
	if view := m.View(); !strings.Contains(view, `Discarded: "Re: Your request SD-2026-000108".`) {
		t.Errorf("no outcome:\n%s", view)
	}
}

func TestHeldErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		err     error
		want    string
		reloads bool
	}{
		{"conflict", fault.New(fault.CodeConflict), "Another agent decided on this message meanwhile.", true},
		{"no ticket", fault.Invalid("ticket", fault.CodeNotFound), "No ticket has the reference SD-2026-000108.", false},
		{"closed", fault.Invalid("ticket", fault.CodeConflict), "SD-2026-000108 is closed", false},
		{"not permitted", fault.ErrNotPermitted, "You cannot reply on SD-2026-000108", false},
		{"storage", fault.Storage(fmt.Errorf("disk")), "Nothing was changed.", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake("en")
			f.held = heldSample()
			f.releaseErr = tc.err
			m, _ := heldModel(t, f, access.RoleAgent, "en")
			asks := len(f.heldAsks)
			send(m, "r", "enter")
			drain(m, send(m, "y"))
			if view := m.View(); !strings.Contains(view, tc.want) {
				t.Errorf("view lacks %q:\n%s", tc.want, view)
			}
			if got := len(f.heldAsks) > asks; got != tc.reloads {
				t.Errorf("reloaded %v, want %v", got, tc.reloads)
			}
			if len(f.releases) != 0 {
				t.Errorf("releases %v", f.releases)
			}
		})
	}
}

// TestHeldErrorsLocalized: the conflict reads in the agent's language.
func TestHeldErrorsLocalized(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"es", "fr"} {
		f := newFake(lang)
		f.held = heldSample()
		f.discardErr = fault.New(fault.CodeConflict)
		m, _ := heldModel(t, f, access.RoleAgent, lang)
		send(m, "d")
		drain(m, send(m, "y"))
		if want := loc(t, lang).T("held.conflict"); !strings.Contains(m.View(), want[:20]) {
			t.Errorf("%s: view lacks %q:\n%s", lang, want, m.View())
		}
	}
}

// TestHeldAgencyDeskRefused: an agency desk has no H, and core's refusal
// reads as not permitted should the screen open anyway.
func TestHeldAgencyDeskRefused(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgencyDesk, access.RoleAdmin} {
		f := newFake("en")
		f.held = heldSample()
		f.role = role
		opts := testOptions(f, "en")
		opts.Tickets = newFakeTickets()
		m := newTestModel(t, opts, 120, 40)
		signIn2(t, m)
		drain(m, send(m, "H"))
		if _, ok := m.active().(*heldPage); ok {
			t.Fatalf("%s opened the held mail", role)
		}
		if helpHas(fullKeys(m), "H") {
			t.Errorf("%s: H offered: %v", role, fullKeys(m))
		}
		hp := newHeldPage(m.c)
		hp.SetSize(120, 30)
		drain(m, m.push(hp))
		if view := m.View(); !strings.Contains(view, m.c.loc.T("error.not_permitted")) {
			t.Errorf("%s: no refusal:\n%s", role, view)
		}
		if len(hp.items) != 0 {
			t.Errorf("%s: rows shown", role)
		}
	}
}

func TestHeldRead(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.held = heldSample()
	f.held[0].Text = strings.Repeat("word ", 60) + "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ end"
	m, hp := heldModel(t, f, access.RoleAgent, "en")
	send(m, "enter")
	if hp.reading == nil || hp.reading.ID != 7 {
		t.Fatal("enter should open the message")
	}
	view := m.View()
	for _, want := range []string{"From", "m•••@example.net", "not the requester", "SD-2026-000108", "link end"} {
		if !strings.Contains(view, want) {
			t.Errorf("reader lacks %q:\n%s", want, view)
		}
	}
	if strings.ContainsRune(view, 0x1b) {
		t.Error("ESC reached the screen")
	}
	for _, line := range strings.Split(view, "\n") {
		if w := len([]rune(line)); w > 120 {
			t.Errorf("line of %d cells: %q", w, line)
		}
	}
	send(m, "r")
	if hp.ref == nil || hp.ref.Value() != "SD-2026-000108" {
		t.Fatal("r in the reader should release the open message")
	}
	send(m, "esc", "esc")
	if hp.reading != nil {
		t.Fatal("esc should go back to the list")
	}
	if _, ok := m.active().(*heldPage); !ok {
		t.Fatal("esc from the reader left the screen")
	}
}

// TestHeldHostileText: sender, subject, reason and ref from outside never
// carry escapes to the terminal.
func TestHeldHostileText(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.held = []inbox.HeldMail{{ID: 1, ReceivedAt: fixedNow, From: "a\x1b[2J•••@x.test", Subject: "\x1b]0;pwned\x07Hi\u202ereversed\r\x9b31m",
		Reason: "brand_new\x1b[31m", TicketRef: "SD-1\x1b[1A", Text: "ok"}}
	m, _ := heldModel(t, f, access.RoleAgent, "en")
	for _, view := range []string{m.View(), func() string { send(m, "enter"); return m.View() }()} {
		if strings.ContainsRune(view, 0x1b) {
			t.Errorf("ESC reached the screen:\n%q", view)
		}
		for _, r := range view {
			if (r >= 0x80 && r <= 0x9f) || safetext.IsBidiControl(r) || r == '\r' {
				t.Errorf("control %U reached the screen", r)
			}
		}
	}
}

// TestHeldPaging: the next page is fetched after the last id as the
// cursor nears the end, and the total stays in the title.
func TestHeldPaging(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	for i := range 130 {
		f.held = append(f.held, inbox.HeldMail{ID: int64(i + 1), ReceivedAt: fixedNow.Add(-time.Duration(130-i) * time.Minute),
			From: "r•••@example.com", Subject: fmt.Sprintf("Message %d", i+1), Reason: inbox.ReasonUnmatched})
	}
	m, hp := heldModel(t, f, access.RoleAgent, "en")
	if len(hp.items) != heldPageSize || !strings.Contains(m.View(), "Held mail (130)") {
		t.Fatalf("first page %d rows", len(hp.items))
	}
	drain(m, send(m, "end"))
	if len(hp.items) != 2*heldPageSize || f.heldAsks[len(f.heldAsks)-1] != "after=50 limit=50" {
		t.Fatalf("rows %d, asks %v", len(hp.items), f.heldAsks)
	}
	for range 3 {
		drain(m, send(m, "end"))
	}
	if len(hp.items) != 130 || hp.cursor != 129 {
		t.Fatalf("rows %d cursor %d", len(hp.items), hp.cursor)
	}
	if !strings.Contains(m.View(), "› ") || !strings.Contains(m.View(), "Message 130") {
		t.Errorf("cursor row not in view:\n%s", m.View())
	}
	// A reload keeps every row read and the cursor on its message.
	drain(m, send(m, "ctrl+r"))
	if len(hp.items) != 130 || hp.cursor != 129 {
		t.Errorf("after reload: rows %d cursor %d", len(hp.items), hp.cursor)
	}
}

// TestTicketFollowsAndBounce: a follow-up names the older ticket and a
// bounce warns, in the agent's language.
func TestTicketFollowsAndBounce(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		f := newFake(lang)
		ft := newFakeTickets()
		opts := testOptions(f, lang)
		opts.Tickets = ft
		m := newTestModel(t, opts, 120, 40)
		signIn2(t, m)
		id := ft.items[0].ID
		v, err := ft.view(id)
		if err != nil {
			t.Fatal(err)
		}
		v.FollowsRef = "SD-2026-000042"
		v.MailBounced = fixedNow.Add(-26 * time.Hour)
		drain(m, navCmd(openTicketMsg{id: id}))
		tp, ok := m.active().(*ticketPage)
		if !ok || tp.view == nil {
			t.Fatalf("%s: no ticket", lang)
		}
		l := m.c.loc
		view := m.View()
		for _, want := range []string{
			l.T("ticket.follows", map[string]any{"Ref": "SD-2026-000042"}),
			truncate(l.T("ticket.mail_bounced", map[string]any{"Date": l.DateTime(v.MailBounced)}), 60),
		} {
			if !strings.Contains(view, strings.TrimSuffix(want, "…")) {
				t.Errorf("%s: view lacks %q:\n%s", lang, want, view)
			}
		}
		if got := strings.Count(view, "\n") + 1; got != 40 {
			t.Errorf("%s: %d lines, want 40", lang, got)
		}
	}
}

func TestGoldenHeld(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			f := newFake(lang)
			f.held = heldSample()
			opts := testOptions(f, "en")
			opts.Tickets = newFakeTickets()
			tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(wideW, wideH))
			tm.Type(fakeEmail)
			tm.Send(tea.KeyMsg{Type: tea.KeyTab})
			tm.Type(fakePassword)
			tm.Send(tea.KeyMsg{Type: tea.KeyTab})
			tm.Type(fakeCode)
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, "SD-2026-000108")
			tm.Type("H")
			waitFor(t, tm, "x•••@example.org")
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
			tm.Type("r")
			waitFor(t, tm, "Click here.") // the preview under the list
			golden.RequireEqual(t, []byte(finalView(t, tm)))
		})
	}
}
