package tui

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"supportdesk/core/safetext"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"supportdesk/core/account"
	"supportdesk/core/desk"
)

// Golden files live in testdata/<test>/<lang>.golden; refresh them with
// go test -tags sqlite_fts5 ./tui/ -run Golden -update

const goldenW, goldenH = 100, 30

// waitFor blocks until the program's output holds text.
func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(text))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// finalView quits the program and returns its last frame.
func finalView(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
}

func TestGoldenSignIn(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			opts := testOptions(newFake(lang), lang)
			opts.Demo = demoCreds()
			tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(goldenW, goldenH))
			waitFor(t, tm, fakeCode)
			view := finalView(t, tm)
			golden.RequireEqual(t, []byte(view))
		})
	}
}

func TestGoldenAccount(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			opts := testOptions(newFake(lang), "en")
			tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(goldenW, goldenH))
			tm.Type(fakeEmail)
			tm.Send(tea.KeyMsg{Type: tea.KeyTab})
			tm.Type(fakePassword)
			tm.Send(tea.KeyMsg{Type: tea.KeyTab})
			tm.Type(fakeCode)
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, loc(t, lang).T("verify.field_stated"))
			tm.Type(fakeContact)
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, loc(t, lang).T("verify.field_code"))
			tm.Type(fakeCallerCode)
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor(t, tm, "j•••@example.com")
			view := finalView(t, tm)
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// TestGoldenNoPII scans every golden file for unmasked contact data: an
// email address whose local part is not masked, or a full phone number.
func TestGoldenNoPII(t *testing.T) {
	t.Parallel()
	email := regexp.MustCompile(`[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[a-z]{2,}`)
	phone := regexp.MustCompile(`\+?\d[\d ().-]{8,}\d`)
	ref := regexp.MustCompile(`SD-\d{4}-\d{6}`) // ticket references are not PII
	files, err := globGolden()
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for name, body := range files {
		text := body
		if strings.Contains(name, "TestGoldenSignIn") {
			// The demo box shows the demo agents' own sign-in, by design.
			for _, c := range demoCreds() {
				text = strings.ReplaceAll(text, c.Email, "")
			}
		}
		text = ref.ReplaceAllString(text, "")
		if m := email.FindString(text); m != "" {
			t.Errorf("%s: unmasked email %q", name, m)
		}
		for _, m := range phone.FindAllString(text, -1) {
			if strings.Count(m, "/") == 0 && !strings.Contains(m, ":") {
				t.Errorf("%s: unmasked phone %q", name, m)
			}
		}
	}
}

// TestHostileText renders an account whose user- and partner-chosen names
// carry escape sequences and bidi controls: no ESC byte may reach the screen.
func TestHostileText(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.view.Methods = append(f.view.Methods,
		desk.MethodView{Kind: account.KindSecurityKey, Name: "\x1b]0;pwned\x07Key\x1b[2J\x1b[H\u202egnp.exe", CreatedAt: fixedNow},
		desk.MethodView{Kind: "brand_new\x1b[31m", Name: "ok\u009b31m\rEVIL"},
	)
	f.view.Agencies = append(f.view.Agencies, desk.AgencyView{Name: "Agency\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\\nline2", FirstAt: fixedNow})
	f.view.Devices[0].Name = "\x1bP+q\x1b\\Firefox\u2066"
	f.view.Emails[0].Masked = "j•••@example.com\x1b[1A"
	opts := testOptions(f, "en")
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii) // no styling, so any ESC left came from the data
	opts.Renderer = r
	m := newTestModel(t, opts, 100, 200)
	m.c.agent = nil
	signIn(t, m)
	m.c.agent.DisplayName = "Dana\x1b]2;owned\x07"
	verifyCaller(t, m)
	view := m.View() + renderAccount(m.c, m.lookup.view(), 100)
	if strings.ContainsRune(view, 0x1b) {
		t.Errorf("ESC reached the screen:\n%q", view)
	}
	for _, r := range view {
		if (r >= 0x80 && r <= 0x9f) || safetext.IsBidiControl(r) || r == '\r' {
			t.Errorf("control %U reached the screen", r)
		}
	}
	for _, want := range []string{"Keygnp.exe", "Agencylink line2", "Firefox"} {
		if !strings.Contains(view, want) {
			t.Errorf("sanitized text %q missing", want)
		}
	}
}

// globGolden reads every golden file under testdata.
func globGolden() (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".golden") {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = string(b)
		return err
	})
	return out, err
}
