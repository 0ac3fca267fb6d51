package tui

import (
	"io"
	"strings"
	"supportdesk/core/safetext"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"supportdesk/core/access"
)

// The ticket screens' golden files are taken at 120×40, the size of the
// agent walk-through.
const wideW, wideH = 120, 40

// startConsole runs a console over ft for role in lang and signs in.
func startConsole(t *testing.T, ft *fakeTickets, role access.Role, lang string, w, h int) *teatest.TestModel {
	t.Helper()
	f := newFake(lang)
	f.role = role
	opts := testOptions(f, "en")
	opts.Tickets = ft
	tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(w, h))
	tm.Type(fakeEmail)
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type(fakePassword)
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Type(fakeCode)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	return tm
}

func TestGoldenQueue(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			tm := startConsole(t, newFakeTickets(), access.RoleAgent, lang, wideW, wideH)
			waitFor(t, tm, "SD-2026-000108")
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
			waitFor(t, tm, "› SD-2026-000102")
			golden.RequireEqual(t, []byte(finalView(t, tm)))
		})
	}
}

// TestGoldenTicket opens the Spanish ticket with the UI in each language
// and inserts a macro: the macro is Spanish every time.
func TestGoldenTicket(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			tm := startConsole(t, newFakeTickets(), access.RoleAgent, lang, wideW, wideH)
			waitFor(t, tm, "SD-2026-000108")
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, "Caller verified")
			tm.Type("r")
			tm.Send(tea.KeyMsg{Type: tea.KeyCtrlO})
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, "Estamos revisando")
			golden.RequireEqual(t, []byte(finalView(t, tm)))
		})
	}
}

func TestGoldenBoard(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			tm := startConsole(t, newFakeTickets(), access.RoleSupervisor, lang, wideW, wideH)
			waitFor(t, tm, "SD-2026-000108")
			tm.Type("b")
			waitFor(t, tm, "131/140")
			tm.Type("3")
			tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			waitFor(t, tm, "[x]")
			golden.RequireEqual(t, []byte(finalView(t, tm)))
		})
	}
}

// TestGoldenAccountTabs shows the look-up result on its MFA tab, reached
// from the queue.
func TestGoldenAccountTabs(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			tm := startConsole(t, newFakeTickets(), access.RoleAgent, lang, goldenW, goldenH)
			waitFor(t, tm, "SD-2026-000108")
			tm.Type("l")
			waitFor(t, tm, loc(t, lang).T("verify.field_stated"))
			tm.Type(fakeContact)
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, loc(t, lang).T("verify.field_code"))
			tm.Type(fakeCallerCode)
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, "j•••@example.com")
			tm.Type("2")
			waitFor(t, tm, "Work phone")
			golden.RequireEqual(t, []byte(finalView(t, tm)))
		})
	}
}

// hostile is text from outside that tries to steer the terminal: CSI, OSC
// 52 (clipboard write), OSC 8, C1 controls, a bare CR and bidi overrides.
const hostile = "\x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4=\x07\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\\u009b31m\u009d0;t\u009c\rEVIL\u202egnp.exe\u2066"

// TestHostileTicketText renders every ticket screen over data full of
// escape sequences: no ESC, C1, CR or bidi control may reach the screen.
func TestHostileTicketText(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	for i := range ft.items {
		it := &ft.items[i]
		it.Subject = "Subject " + hostile
		it.RequesterMasked = "k•••@example.com" + hostile
		it.AssigneeName = "Name" + hostile
		it.Agency = "ag" + hostile
		it.Ref += hostile
	}
	ft.board = sampleBoard(ft.items)
	ft.board.Workload[0].Name = "Dana" + hostile
	ft.board.Closures[0].Reason = "Snow" + hostile
	v, err := ft.view(ft.items[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	v.RequesterName = "María" + hostile
	v.Messages[0].Body = "Body line\r\n" + hostile + "\nsecond line"
	v.Messages[1].AuthorName = "Luis" + hostile
	f := newFake("en")
	f.role = access.RoleSupervisor
	opts := testOptions(f, "en")
	opts.Tickets = ft
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii) // no styling: any ESC left came from the data
	opts.Renderer = r
	m := newTestModel(t, opts, 120, 40)
	signIn2(t, m)
	var screens []string
	grab := func() { screens = append(screens, m.View()) }
	grab()
	openTicket(t, m, 1)
	grab()
	send(m, "r")
	send(m, "ctrl+o", "enter") // the greeting names the requester
	grab()
	send(m, "esc")
	drain(m, send(m, "6"))
	grab()
	drain(m, send(m, "esc"))
	drain(m, send(m, "esc"))
	drain(m, send(m, "b"))
	for _, k := range []string{"1", "2", "3", "4"} {
		send(m, k)
		grab()
	}
	for i, s := range screens {
		if strings.ContainsRune(s, 0x1b) {
			t.Errorf("screen %d: ESC reached the screen:\n%q", i, s)
		}
		for _, r := range s {
			if (r >= 0x80 && r <= 0x9f) || safetext.IsBidiControl(r) || r == '\r' {
				t.Errorf("screen %d: control %U reached the screen", i, r)
				break
			}
		}
	}
	if !strings.Contains(screens[1], "Body line") || !strings.Contains(screens[1], "second line") {
		t.Errorf("sanitized body missing:\n%s", screens[1])
	}
	if body := m.c.drafts; len(body) != 0 {
		for _, d := range body {
			if strings.ContainsRune(d.text, 0x1b) {
				t.Error("ESC reached the reply text")
			}
		}
	}
}

// TestFitsTicketScreens checks every new screen in every language at the
// supported sizes: no line wider than the terminal, no more lines than it has.
func TestFitsTicketScreens(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {132, 43}} {
			ft := newFakeTickets()
			m := ticketModel(t, ft, access.RoleSupervisor, lang, size[0], size[1])
			check := func(screen string) {
				t.Helper()
				lines := strings.Split(m.View(), "\n")
				if len(lines) > size[1] {
					t.Errorf("%s %v %s: %d lines", lang, size, screen, len(lines))
				}
				for _, line := range lines {
					if w := lipgloss.Width(line); w > size[0] {
						t.Errorf("%s %v %s: line %d cells wide: %q", lang, size, screen, w, line)
					}
				}
			}
			check("queue")
			send(m, "?")
			check("queue help")
			send(m, "?", "f")
			check("filters")
			send(m, "esc")
			openTicket(t, m, 1)
			check("ticket")
			send(m, "?")
			check("ticket help")
			send(m, "?", "r", "ctrl+o")
			check("macro picker")
			send(m, "down", "down", "enter")
			check("composer")
			send(m, "esc", "tab")
			drain(m, send(m, "6"))
			check("account tickets")
			drain(m, send(m, "esc"))
			drain(m, send(m, "esc"))
			drain(m, send(m, "b"))
			for _, k := range []string{"1", "2", "3", "4"} {
				send(m, k)
				check("board " + k)
			}
			send(m, "n")
			typeText(m, "bad")
			send(m, "enter")
			check("closure form")
			send(m, "esc", "3")
			drain(m, send(m, "a"))
			check("reassign picker")
		}
	}
}

// benchConsole is a signed-in console over a queue of n tickets at 120×40.
func benchConsole(b *testing.B, n int) *model {
	b.Helper()
	f := newFake("en")
	opts := testOptions(f, "en")
	opts.Tickets = newBigFake(n)
	m, ok := New(opts).(*model)
	if !ok {
		b.Fatal("no console")
	}
	m.Update(tea.WindowSizeMsg{Width: wideW, Height: wideH})
	typeText(m, fakeEmail)
	send(m, "tab")
	typeText(m, fakePassword)
	send(m, "tab")
	typeText(m, fakeCode)
	drain(m, send(m, "enter"))
	if m.queue == nil || m.queue.total != n {
		b.Fatal("queue not loaded")
	}
	return m
}

// BenchmarkQueueView renders the queue of 100 000 tickets: only the
// window is formatted.
func BenchmarkQueueView(b *testing.B) {
	m := benchConsole(b, 100_000)
	drain(m, send(m, "pgdown"))
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkQueueCursorMove is one cursor key to the next frame: Update,
// the page fetches it starts (against the in-memory fake) and View.
func BenchmarkQueueCursorMove(b *testing.B) {
	m := benchConsole(b, 100_000)
	down := keyMsg("down")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if i%5000 == 0 {
			drain(m, send(m, "home"))
		}
		_, cmd := m.Update(down)
		if cmd != nil {
			drain(m, cmd)
		}
		_ = m.View()
	}
}
