package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/fault"
)

// key builds the KeyMsg Bubble Tea would send for a key name or a rune.
func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+l":
		return tea.KeyMsg{Type: tea.KeyCtrlL}
	case "f1":
		return tea.KeyMsg{Type: tea.KeyF1}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+o":
		return tea.KeyMsg{Type: tea.KeyCtrlO}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "ctrl+r":
		return tea.KeyMsg{Type: tea.KeyCtrlR}
	case "ctrl+x":
		return tea.KeyMsg{Type: tea.KeyCtrlX}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// send delivers each key and returns the last command.
func send(m *model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(keyMsg(k))
	}
	return cmd
}

// typeText sends s one rune at a time, as a terminal would.
func typeText(m *model, s string) {
	for _, r := range s {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// run executes cmd and feeds its message back, as the runtime would.
func run(t *testing.T, m *model, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("expected a command")
	}
	msg := cmd()
	m.Update(msg)
	return msg
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// signIn fills the form and completes the sign-in.
func signIn(t *testing.T, m *model) {
	t.Helper()
	typeText(m, fakeEmail)
	send(m, "tab")
	typeText(m, fakePassword)
	send(m, "tab")
	typeText(m, fakeCode)
	msg := run(t, m, send(m, "enter"))
	if _, ok := msg.(signedInMsg); !ok {
		t.Fatalf("sign-in returned %T %v", msg, msg)
	}
	if m.lookup == nil {
		t.Fatal("no look-up screen after sign-in")
	}
}

func TestSignInFocus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keys []string
		want int
	}{
		{nil, fieldEmail},
		{[]string{"tab"}, fieldPassword},
		{[]string{"tab", "tab"}, fieldCode},
		{[]string{"tab", "tab", "tab"}, fieldEmail},
		{[]string{"shift+tab"}, fieldCode},
		{[]string{"tab", "shift+tab"}, fieldEmail},
	}
	for _, tt := range tests {
		m := newTestModel(t, testOptions(newFake("en"), "en"), 100, 30)
		send(m, tt.keys...)
		if m.signIn.focus != tt.want {
			t.Errorf("after %v focus = %d, want %d", tt.keys, m.signIn.focus, tt.want)
		}
		for i, in := range m.signIn.inputs {
			if in.Focused() != (i == tt.want) {
				t.Errorf("after %v input %d focused = %v", tt.keys, i, in.Focused())
			}
		}
	}
}

func TestQuitKeys(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, testOptions(newFake("en"), "en"), 100, 30)
	if cmd := send(m, "q"); isQuit(cmd) {
		t.Fatal("q quit while the email field had focus")
	}
	if got := m.signIn.inputs[fieldEmail].Value(); got != "q" {
		t.Errorf("q typed %q into the email field, want %q", got, "q")
	}
	if cmd := send(m, "?"); isQuit(cmd) || m.help.ShowAll {
		t.Error("? acted while typing")
	}
	if !isQuit(send(m, "ctrl+c")) {
		t.Error("ctrl+c did not quit")
	}

	m = newTestModel(t, testOptions(newFake("en"), "en"), 100, 30)
	signIn(t, m)
	run(t, m, func() tea.Msg { return nil }) // nothing pending
	verifyCaller(t, m)
	if m.lookup.InputFocused() {
		t.Fatal("query still focused after a result")
	}
	if !isQuit(send(m, "q")) {
		t.Error("q did not quit with no input focused")
	}
}

func TestLanguageCycle(t *testing.T) {
	t.Parallel()
	f := newFake("fr")
	m := newTestModel(t, testOptions(f, "en"), 100, 30)
	for _, want := range []string{"es", "fr", "en"} {
		if cmd := send(m, "ctrl+l"); cmd != nil {
			t.Errorf("switching to %s before sign-in issued a command", want)
		}
		if got := m.c.loc.Lang(); got != want {
			t.Fatalf("language %q, want %q", got, want)
		}
		if !strings.Contains(m.View(), loc(t, want).T("signin.heading")) {
			t.Errorf("%s: view not relocalized", want)
		}
	}
	signIn(t, m)
	if got := m.c.loc.Lang(); got != "en" {
		t.Fatalf("after sign-in language %q, want en, chosen on the sign-in screen over the profile's fr", got)
	}
	msg := run(t, m, send(m, "ctrl+l"))
	if saved, ok := msg.(langSavedMsg); !ok || saved.lang != "es" {
		t.Fatalf("ctrl+l after sign-in returned %#v", msg)
	}
	if len(f.langs) != 1 || f.langs[0] != "es" {
		t.Errorf("backend saw languages %v, want [es]", f.langs)
	}

	f.langErr = fault.Storage(errors.New("disk full"))
	run(t, m, send(m, "ctrl+l"))
	view := m.View()
	if !strings.Contains(view, loc(t, "fr").T("console.lang_not_saved")) {
		t.Errorf("failed save not shown:\n%s", view)
	}
	if strings.Contains(view, "disk full") {
		t.Error("raw error text reached the screen")
	}
}

// The profile's language applies at sign-in, unless the agent chose one
// on the sign-in screen: that choice wins and is saved to the profile.
func TestSignInLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		keys  []string
		want  string
		saved []string
	}{
		{"profile", nil, "fr", nil},
		{"chosen", []string{"ctrl+l"}, "es", []string{"es"}},
		{"chosen, the profile's", []string{"ctrl+l", "ctrl+l"}, "fr", nil},
	} {
		f := newFake("fr")
		m := newTestModel(t, testOptions(f, "en"), 100, 30)
		send(m, tc.keys...)
		typeText(m, fakeEmail)
		send(m, "tab")
		typeText(m, fakePassword)
		send(m, "tab")
		typeText(m, fakeCode)
		cmd := send(m, "enter")
		_, next := m.Update(cmd())
		drain(m, next)
		if got := m.c.loc.Lang(); got != tc.want {
			t.Errorf("%s: language %q after sign-in, want %q", tc.name, got, tc.want)
		}
		if !slices.Equal(f.langs, tc.saved) {
			t.Errorf("%s: saved %v, want %v", tc.name, f.langs, tc.saved)
		}
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, testOptions(newFake("en"), "en"), 100, 30)
	typeText(m, "someone@")
	send(m, "tab")
	typeText(m, "secret")
	send(m, "esc")
	if got := m.signIn.inputs[fieldPassword].Value(); got != "" {
		t.Errorf("esc left %q in the focused field", got)
	}
	if got := m.signIn.inputs[fieldEmail].Value(); got != "someone@" {
		t.Errorf("esc cleared another field: %q", got)
	}

	m = newTestModel(t, testOptions(newFake("en"), "en"), 100, 30)
	signIn(t, m)
	typeText(m, "nobody@example.com")
	send(m, "esc")
	if got := m.lookup.ver.stated.Value(); got != "" {
		t.Errorf("esc left %q in the query", got)
	}
	verifyCaller(t, m)
	send(m, "esc")
	if m.lookup.view() != nil || !m.lookup.InputFocused() || m.lookup.ver.step != verifyStated {
		t.Error("esc on a result did not go back to the stated contact")
	}
}

func TestSubmit(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	m := newTestModel(t, testOptions(f, "en"), 100, 30)
	if cmd := send(m, "enter"); cmd != nil {
		t.Error("enter on an empty form issued a command")
	}
	if !strings.Contains(m.View(), loc(t, "en").Err(fault.Invalid("email", fault.CodeInvalidInput))) {
		t.Error("empty form error not shown")
	}
	typeText(m, fakeEmail)
	send(m, "tab")
	typeText(m, "wrong password")
	send(m, "tab")
	typeText(m, "000000")
	cmd := send(m, "enter")
	if cmd == nil {
		t.Fatal("enter on a full form issued no command")
	}
	if send(m, "enter") != nil {
		t.Error("a second enter while signing in issued another command")
	}
	run(t, m, cmd)
	if f.signIns != 1 {
		t.Errorf("backend saw %d sign-ins, want 1", f.signIns)
	}
	view := m.View()
	if !strings.Contains(view, loc(t, "en").Err(fault.ErrBadCredentials)) {
		t.Errorf("bad credentials not shown:\n%s", view)
	}
	if m.signIn.inputs[fieldEmail].Value() != fakeEmail || m.signIn.inputs[fieldPassword].Value() != "wrong password" {
		t.Error("a failed sign-in lost the input")
	}
	if m.signIn.inputs[fieldCode].Value() != "" {
		t.Error("a failed sign-in kept the used code")
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	m := newTestModel(t, testOptions(f, "en"), 100, 30)
	signIn(t, m)
	if cmd := send(m, "enter"); cmd != nil {
		t.Error("an empty contact reached the backend")
	}
	typeText(m, "not a contact")
	msg := run(t, m, send(m, "enter"))
	if done, ok := msg.(callerCheckMsg); !ok || done.err == nil {
		t.Fatalf("verification returned %#v", msg)
	}
	if got := m.lookup.ver.stated.Value(); got != "not a contact" {
		t.Errorf("contact after an error = %q, want it kept", got)
	}
	if !strings.Contains(m.View(), loc(t, "es").Err(fault.Invalid("query", fault.CodeQueryUnrecognised))) {
		t.Error("the refusal is not shown in the agent's language")
	}

	// An answer to an abandoned verification is dropped.
	send(m, "esc")
	typeText(m, fakeContact)
	stale := send(m, "enter")
	send(m, "esc") // cancel
	typeText(m, "x")
	m.Update(stale())
	if m.lookup.ver.step != verifyStated {
		t.Error("a cancelled verification's answer was taken")
	}

	send(m, "esc")
	verifyCaller(t, m)
	if m.lookup.ver.stated.Value() != "" || m.lookup.ver.code.Value() != "" {
		t.Error("the contact or the code stayed on screen after the account opened")
	}
	view := m.View()
	for _, want := range []string{"j•••@example.com", "•••-•••-1234", fakeUUID, "Quien llama está verificado hasta las 3:34 p.\u00a0m. EST"} {
		if !strings.Contains(view, want) {
			t.Errorf("account view lacks %q:\n%s", want, view)
		}
	}
	if full := renderAccount(m.c, m.lookup.view(), 100); !strings.Contains(full, "Department of Examples") {
		t.Error("account view lacks the agency")
	}
	send(m, "5")
	if m.lookup.acct.tab != tabHistory || !strings.Contains(m.View(), loc(t, "es").N("account.events", 10, nil)) {
		t.Error("5 did not show the history tab")
	}
	send(m, "1")
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 24}) // the overview no longer fits
	top := m.lookup.acct.vp.YOffset
	send(m, "pgdown")
	if m.lookup.acct.vp.YOffset == top {
		t.Error("pgdown did not scroll the result")
	}
	send(m, "/")
	if !m.lookup.InputFocused() || m.lookup.view() != nil {
		t.Error("/ did not start over with another caller")
	}
}

func TestHelpToggle(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, testOptions(newFake("en"), "en"), 100, 30)
	short := m.View()
	send(m, "f1")
	if !m.help.ShowAll {
		t.Fatal("f1 did not open full help")
	}
	if full := m.View(); lipgloss.Height(full) != lipgloss.Height(short) {
		t.Errorf("full help changed the screen height: %d vs %d", lipgloss.Height(full), lipgloss.Height(short))
	}
	send(m, "f1")
	if m.help.ShowAll {
		t.Error("f1 did not close full help")
	}
	l := loc(t, "en")
	for _, want := range []string{"ctrl+l", l.T("help.language"), "tab", l.T("help.next_field")} {
		if !strings.Contains(short, want) {
			t.Errorf("short help lacks %q", want)
		}
	}
}

func TestDemoBox(t *testing.T) {
	t.Parallel()
	opts := testOptions(newFake("en"), "en")
	m := newTestModel(t, opts, 100, 30)
	if m.Init() != nil {
		t.Error("a non-demo console started a ticker")
	}
	if strings.Contains(m.View(), loc(t, "en").T("demo.title")) {
		t.Error("demo box shown outside demo mode")
	}
	opts.Demo = demoCreds()
	m = newTestModel(t, opts, 100, 30)
	if m.Init() == nil {
		t.Error("demo console started no ticker")
	}
	view := m.View()
	if !strings.Contains(view, loc(t, "en").T("demo.title")) || !strings.Contains(view, fakeCode) {
		t.Errorf("demo box missing:\n%s", view)
	}
	_, cmd := m.Update(tickMsg(fixedNow))
	if cmd == nil {
		t.Error("tick did not schedule the next one")
	}
	signIn(t, m)
	if _, cmd := m.Update(tickMsg(fixedNow)); cmd != nil {
		t.Error("the demo clock kept ticking after sign-in")
	}
}

func TestTooSmall(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		for _, size := range [][2]int{{79, 24}, {80, 23}, {40, 10}} {
			m := newTestModel(t, testOptions(newFake(lang), lang), size[0], size[1])
			view := m.View()
			want := strings.Fields(loc(t, lang).T("terminal.too_small", map[string]any{
				"Width": "0", "Height": "0", "MinWidth": "80", "MinHeight": "24",
			}))[0]
			if !strings.Contains(view, want) {
				t.Errorf("%s %v: no small-terminal notice:\n%s", lang, size, view)
			}
			for _, line := range strings.Split(view, "\n") {
				if w := lipgloss.Width(line); w > size[0] {
					t.Errorf("%s %v: line %d cells wide: %q", lang, size, w, line)
				}
			}
		}
	}
}

// TestFits checks every screen in every language at the smallest supported
// size: no line wider than the terminal, no more lines than it has.
func TestFits(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		for _, size := range [][2]int{{80, 24}, {100, 30}, {132, 43}} {
			opts := testOptions(newFake(lang), lang)
			opts.Demo = demoCreds()
			m := newTestModel(t, opts, size[0], size[1])
			check := func(screen string) {
				view := m.View()
				lines := strings.Split(view, "\n")
				if len(lines) > size[1] {
					t.Errorf("%s %v %s: %d lines", lang, size, screen, len(lines))
				}
				for _, line := range lines {
					if w := lipgloss.Width(line); w > size[0] {
						t.Errorf("%s %v %s: line %d cells wide: %q", lang, size, screen, w, line)
					}
				}
			}
			check("sign-in")
			send(m, "f1")
			check("sign-in help")
			send(m, "f1")
			signIn(t, m)
			typeText(m, fakeContact)
			drain(m, send(m, "enter"))
			check("code")
			send(m, "esc") // another contact
			verifyCaller(t, m)
			check("account")
			send(m, "?")
			check("account help")
		}
	}
}

func TestDemoQueriesOnlyInDemo(t *testing.T) {
	t.Parallel()
	opts := testOptions(newFake("en"), "en")
	m := newTestModel(t, opts, 100, 30)
	signIn(t, m)
	if strings.Contains(m.View(), "Demo accounts to try") {
		t.Error("demo examples shown outside demo mode")
	}
	opts.DemoQueries = []string{"c•••@example.org", "\x1b[31m+12025550142"}
	m = newTestModel(t, opts, 100, 30)
	signIn(t, m)
	view := m.View()
	if !strings.Contains(view, "Demo accounts to try") || !strings.Contains(view, "+12025550142") || strings.ContainsRune(view, 0x1b) {
		t.Errorf("demo examples:\n%q", view)
	}
}
