package tui

import (
	"strings"
	"testing"
	"time"

	"supportdesk/core/fault"
)

// keyOptions are a console over SSH whose key the fake knows.
func keyOptions(f *fakeBackend, lang string) Options {
	o := testOptions(f, lang)
	o.Kind, o.KeyFingerprint = "ssh", fakeKey
	return o
}

func TestKeySignInAsksForCodeOnly(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			f := newFake(lang)
			m := newTestModel(t, keyOptions(f, lang), 120, 40)
			l := loc(t, lang)
			view := m.View()
			if !strings.Contains(view, l.T("field.code")) || !strings.Contains(view, l.T("signin.key_hint")[:15]) {
				t.Fatalf("key sign-in shows no code prompt:\n%s", view)
			}
			for _, hidden := range []string{l.T("field.email"), l.T("field.password")} {
				if strings.Contains(view, hidden) {
					t.Errorf("key sign-in asks for %q:\n%s", hidden, view)
				}
			}
			// A wrong code: refused, localized as at the password prompt,
			// and the code field emptied for a fresh one.
			typeText(m, "000000")
			run(t, m, send(m, "enter"))
			if m.c.agent != nil {
				t.Fatal("a wrong code signed in")
			}
			if view := m.View(); !strings.Contains(view, l.Err(fault.ErrBadCredentials)) {
				t.Errorf("refusal not shown localized:\n%s", view)
			}
			if v := m.signIn.value(fieldCode); v != "" {
				t.Errorf("code kept after a refusal: %q", v)
			}
			typeText(m, fakeCode)
			drain(m, send(m, "enter"))
			if m.c.agent == nil {
				t.Fatal("the right code did not sign in")
			}
			if got := f.kinds[len(f.kinds)-1]; got != "ssh" {
				t.Errorf("session kind %q, want ssh", got)
			}
		})
	}
}

func TestKeySignInEmptyCode(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	m := newTestModel(t, keyOptions(f, "en"), 120, 40)
	send(m, "enter")
	if m.signIn.err == nil || f.signIns != 0 {
		t.Fatalf("an empty code was sent (err %v, sign-ins %d)", m.signIn.err, f.signIns)
	}
}

func TestSSHLockAsksForCodeOnly(t *testing.T) {
	t.Parallel()
	f := newFake("fr")
	clk := &testClock{t: fixedNow}
	opts := keyOptions(f, "fr")
	opts.Now, opts.IdleLock = clk.Now, 30*time.Minute
	m := newTestModel(t, opts, 120, 40)
	typeText(m, fakeCode)
	drain(m, send(m, "enter"))
	if m.c.agent == nil {
		t.Fatal("sign-in failed")
	}
	clk.Add(31 * time.Minute)
	idle(m)
	if m.lock == nil {
		t.Fatal("no lock after 31 idle minutes")
	}
	l := loc(t, "fr")
	view := m.View()
	if strings.Contains(view, l.T("field.password")) || !strings.Contains(view, l.T("field.code")) {
		t.Fatalf("the SSH lock should ask for the code only:\n%s", view)
	}
	if !strings.Contains(view, l.T("lock.key_idle_hint", map[string]any{"Duration": l.Duration(30 * time.Minute)})[:20]) {
		t.Errorf("lock hint should not mention the password:\n%s", view)
	}
	typeText(m, fakeCode)
	drain(m, send(m, "enter"))
	if m.lock != nil || f.unlocks != 1 {
		t.Fatalf("the code alone did not unlock (unlocks %d)", f.unlocks)
	}
}
