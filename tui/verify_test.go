package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/callers"
)

// verifyModel signs in on the look-up over f in lang.
func verifyModel(t *testing.T, f *fakeBackend, lang string) *model {
	t.Helper()
	m := newTestModel(t, testOptions(f, lang), 100, 30)
	signIn2(t, m)
	return m
}

// TestVerificationSameScreenForMissingAccount is the rule above all on
// the phone: until the caller reads the right code back, the screen is
// byte for byte the same whether the stated contact is on an account or
// not, in every language; and so it stays through a wrong code.
func TestVerificationSameScreenForMissingAccount(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		has, none := newFake(lang), newFake(lang)
		none.noAccount = true
		mh, mn := verifyModel(t, has, lang), verifyModel(t, none, lang)
		step := func(what string, keys func(m *model)) {
			keys(mh)
			keys(mn)
			if a, b := mh.View(), mn.View(); a != b {
				t.Fatalf("%s, %s: the screens differ:\n%s\n---\n%s", lang, what, a, b)
			}
		}
		step("contact sent", func(m *model) {
			typeText(m, fakeContact)
			drain(m, send(m, "enter"))
		})
		if mh.lookup.ver.step != verifyCode {
			t.Fatalf("%s: no code step:\n%s", lang, mh.View())
		}
		view := strings.Join(strings.Fields(mh.View()), " ")
		if want := strings.Join(strings.Fields(loc(t, lang).T("verify.sent")), " "); !strings.Contains(view, want) {
			t.Errorf("%s: the one wording %q is missing:\n%s", lang, want, mh.View())
		}
		if strings.Contains(mh.View(), fakeContact) {
			t.Errorf("%s: the stated contact stayed on screen", lang)
		}
		step("wrong code", func(m *model) {
			typeText(m, "000000")
			drain(m, send(m, "enter"))
		})
		if !strings.Contains(mh.View(), loc(t, lang).N("verify.code_wrong", 2, nil)) {
			t.Errorf("%s: no tries left shown:\n%s", lang, mh.View())
		}
		// The right code opens only the account that exists.
		typeText(mh, fakeCallerCode)
		drain(mh, send(mh, "enter"))
		typeText(mn, fakeCallerCode)
		drain(mn, send(mn, "enter"))
		if mh.lookup.view() == nil || mn.lookup.view() != nil {
			t.Fatalf("%s: verified %v and %v", lang, mh.lookup.view() != nil, mn.lookup.view() != nil)
		}
		if !strings.Contains(mn.View(), loc(t, lang).N("verify.code_wrong", 1, nil)) {
			t.Errorf("%s: a missing account reads other than a wrong code:\n%s", lang, mn.View())
		}
		if got := has.verifies; !slices.Equal(got, []string{fakeContact + " call=0"}) {
			t.Errorf("%s: VerifyCaller got %v", lang, got)
		}
	}
}

func TestThreeWrongCodes(t *testing.T) {
	t.Parallel()
	f := newFake("fr")
	m := verifyModel(t, f, "fr")
	typeText(m, fakeContact)
	drain(m, send(m, "enter"))
	for i := range callers.MaxTries {
		typeText(m, "11111"+string(rune('0'+i)))
		drain(m, send(m, "enter"))
	}
	if m.lookup.ver.step != verifySpent || m.lookup.view() != nil {
		t.Fatalf("three wrong codes left step %d", m.lookup.ver.step)
	}
	view := m.View()
	for _, id := range []string{"verify.spent_tries", "verify.new_code"} {
		if want := loc(t, "fr").T(id); !strings.Contains(view, want) {
			t.Errorf("%q missing:\n%s", want, view)
		}
	}
	if m.lookup.InputFocused() {
		t.Error("a field still takes a fourth code")
	}
	if len(f.confirms) != callers.MaxTries {
		t.Errorf("confirms %v", f.confirms)
	}
	// A new code starts from the contact again.
	send(m, "enter")
	if m.lookup.ver.step != verifyStated || !m.lookup.InputFocused() {
		t.Fatal("enter did not start over")
	}
	verifyCaller(t, m)
}

func TestVerificationRefusals(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	m := verifyModel(t, f, "es")
	typeText(m, fakeUUID)
	if cmd := send(m, "enter"); cmd != nil {
		t.Error("a UUID reached the backend")
	}
	if want := loc(t, "es").T("verify.no_uuid"); !strings.Contains(m.View(), want) {
		t.Errorf("no hint %q:\n%s", want, m.View())
	}
	send(m, "esc")
	typeText(m, fakeContact)
	drain(m, send(m, "enter"))
	typeText(m, "12ab")
	if cmd := send(m, "enter"); cmd != nil {
		t.Error("a code that is not 6 digits reached the backend")
	}
	if len(f.confirms) != 0 || !strings.Contains(m.View(), loc(t, "es").T("verify.code_shape")) {
		t.Errorf("confirms %v:\n%s", f.confirms, m.View())
	}
}

func TestVerificationExpires(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.role = access.RoleAgent
	m, clk := clockedModel(t, f, nil, "en")
	f.now = clk.Now
	verifyCaller(t, m)
	if !strings.Contains(m.View(), "✓ Caller verified until 3:34 PM EST") {
		t.Fatalf("no badge:\n%s", m.View())
	}
	clk.Add(callers.Lasts)
	if strings.Contains(m.View(), "j•••@example.com") {
		t.Error("the account is drawn past its verification")
	}
	m.Update(verifyEndMsg{to: m.lookup.id, gen: m.lookup.ver.gen})
	if m.lookup.view() != nil || m.lookup.ver.step != verifyStated {
		t.Fatal("the verification did not end")
	}
	if !strings.Contains(m.View(), "The caller's verification ended at 3:34 PM EST") {
		t.Errorf("no notice:\n%s", m.View())
	}
	// An expired code reads as spent.
	typeText(m, fakeContact)
	drain(m, send(m, "enter"))
	clk.Add(11 * time.Minute)
	typeText(m, fakeCallerCode)
	drain(m, send(m, "enter"))
	if m.lookup.ver.step != verifySpent || !strings.Contains(m.View(), loc(t, "en").T("verify.spent_expired")) {
		t.Errorf("an expired code:\n%s", m.View())
	}
}
