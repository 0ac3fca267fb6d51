package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"supportdesk/core/access"
	"supportdesk/core/sla"
	"supportdesk/i18n"
)

// Every main screen, in the pseudo-locale (accented, a third longer) at
// 80×24 and at 120×40, fits: no line wider than the terminal, no more
// lines than it has, the help line whole with its help key at the end,
// and the column headings of the queue and the board all there.
func TestPseudoLocaleScreensFit(t *testing.T) {
	t.Parallel()
	ps := loc(t, i18n.PseudoLanguage)
	queueHeads := []string{ps.T("queue.col.ref"), ps.T("queue.col.left"), ps.T("queue.col.state"), ps.T("queue.col.subject")}
	boardHeads := []string{ps.T("queue.col.lang"), ps.T("queue.col.category"), badgeText(ps, sla.StateBreached),
		badgeText(ps, sla.StateAtRisk), badgeText(ps, sla.StateOnTrack), badgeText(ps, sla.StatePaused)}
	screens := []struct {
		name  string
		role  access.Role
		open  func(t *testing.T, m *model)
		heads []string
	}{
		{"sign-in", "", nil, nil},
		{"queue", access.RoleAgent, func(*testing.T, *model) {}, queueHeads},
		{"ticket", access.RoleAgent, func(t *testing.T, m *model) { openTicket(t, m, 1) }, nil},
		{"ticket, account", access.RoleAgent, func(t *testing.T, m *model) {
			openTicket(t, m, 1)
			drain(m, send(m, "tab"))
		}, nil},
		{"board", access.RoleSupervisor, func(t *testing.T, m *model) { drain(m, send(m, "b")) }, boardHeads},
		{"board, agents", access.RoleSupervisor, func(t *testing.T, m *model) { drain(m, send(m, "b", "2")) }, nil},
		{"held mail", access.RoleSupervisor, func(t *testing.T, m *model) { drain(m, send(m, "H")) }, nil},
		{"account look-up", access.RoleAgent, func(t *testing.T, m *model) {
			drain(m, send(m, "l"))
			verifyCaller(t, m)
		}, nil},
		{"call", access.RoleAgent, func(t *testing.T, m *model) { drain(m, send(m, "t")) }, nil},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s %dx%d", sc.name, w, h), func(t *testing.T) {
				t.Parallel()
				var m *model
				if sc.open == nil {
					m = newTestModel(t, testOptions(newFake(i18n.PseudoLanguage), i18n.PseudoLanguage), w, h)
				} else {
					m = ticketModel(t, newFakeTickets(), sc.role, i18n.PseudoLanguage, w, h)
					sc.open(t, m)
				}
				view := m.View()
				lines := strings.Split(view, "\n")
				if len(lines) > h {
					t.Errorf("%d lines on a %d-line terminal", len(lines), h)
				}
				for i, l := range lines {
					if lw := lipgloss.Width(l); lw > w {
						t.Errorf("line %d is %d cells wide: %q", i+1, lw, ansi.Strip(l))
					}
				}
				help := strings.TrimRight(ansi.Strip(lines[len(lines)-1]), " ")
				more := ps.T("help.more")
				if strings.HasSuffix(help, "…") || !strings.HasSuffix(help, more) {
					t.Errorf("help line cut or without its help key: %q", help)
				}
				plain := ansi.Strip(view)
				for _, hd := range sc.heads {
					if !strings.Contains(plain, hd) {
						t.Errorf("column heading %q lost:\n%s", hd, plain)
					}
				}
				if t.Failed() {
					t.Logf("screen:\n%s", plain)
				}
			})
		}
	}
}

// A console started in the pseudo-locale stays in it after sign-in,
// whatever the profile's language, and does not save it to the profile.
func TestPseudoLocaleOutlastsSignIn(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	m := newTestModel(t, testOptions(f, i18n.PseudoLanguage), 100, 30)
	signIn2(t, m)
	if got := m.c.loc.Tag(); got != i18n.PseudoLanguage || len(f.langs) != 0 {
		t.Errorf("after sign-in: %q, saved %v", got, f.langs)
	}
}
