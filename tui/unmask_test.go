package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/access"
	"supportdesk/core/fault"
)

// unmaskModel signs a supervisor in on the look-up (no ticket backend) with
// a clock the test moves, and opens fakeView's account.
func unmaskModel(t *testing.T, f *fakeBackend, lang string) (*model, *testClock) {
	t.Helper()
	f.role = access.RoleSupervisor
	m, clk := clockedModel(t, f, nil, lang)
	f.now = clk.Now
	verifyCaller(t, m)
	return m, clk
}

// paste delivers s as one bracketed paste.
func paste(m *model, s string) {
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
}

// unmaskTick delivers the panel's expiry timer, as the runtime would.
func unmaskTick(m *model) {
	a := m.lookup.acct
	m.Update(unmaskTickMsg{to: a.owner, gen: a.shownGen})
}

func TestUnmaskShowsThenHides(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	m, clk := unmaskModel(t, f, "en")
	a := m.lookup.acct
	send(m, "v")
	if !a.formOpen() || !m.active().InputFocused() {
		t.Fatal("v did not open the unmask form")
	}
	view := m.View()
	for _, want := range []string{"Show a contact in full", "› Email 1 · j•••@example.com", "Email 2 · m•••@example.org", "Phone 1 · •••-•••-1234"} {
		if !strings.Contains(view, want) {
			t.Errorf("form lacks %q:\n%s", want, view)
		}
	}
	send(m, "enter")
	if len(f.unmasks) != 0 || a.form.(*unmaskForm).err == nil {
		t.Fatal("an unmask without a reason reached core")
	}
	send(m, "down")
	typeText(m, "Caller verified; spelling the address back")
	drain(m, send(m, "enter"))
	if !slices.Equal(f.unmasks, []string{"email 1: Caller verified; spelling the address back"}) {
		t.Fatalf("unmasks %v", f.unmasks)
	}
	if a.formOpen() {
		t.Error("the form stayed open")
	}
	view = m.View()
	if !strings.Contains(view, "maria.ortiz@example.org") || !strings.Contains(view, "in full until 11/30/26, 3:19 PM EST") {
		t.Fatalf("the value is not shown in place:\n%s", view)
	}
	if strings.Contains(view, "m•••@example.org") || !strings.Contains(view, "j•••@example.com") {
		t.Error("the wrong contact was unmasked")
	}
	if !strings.Contains(view, "Shown in full until 11/30/26, 3:19 PM EST") {
		t.Errorf("no flash:\n%s", view)
	}

	// 14 minutes on, the timer finds time left and waits.
	clk.Add(14 * time.Minute)
	unmaskTick(m)
	if !strings.Contains(m.View(), "maria.ortiz@example.org") {
		t.Fatal("the value hid before its time")
	}
	// At 15 minutes it is gone from the screen even before the timer fires.
	clk.Add(time.Minute)
	if view := m.View(); strings.Contains(view, "maria.ortiz") {
		t.Fatalf("the value shows past its time:\n%s", view)
	}
	unmaskTick(m)
	if a.shown != nil {
		t.Error("the panel still holds the value")
	}
	view = m.View()
	if strings.Contains(view, "maria.ortiz") || !strings.Contains(view, "m•••@example.org") ||
		!strings.Contains(view, "The contact is masked again.") {
		t.Errorf("after 15 minutes:\n%s", view)
	}
	for _, tab := range []string{"2", "5", "1"} {
		send(m, tab)
		if strings.Contains(m.View(), "maria.ortiz") {
			t.Errorf("tab %s shows the value again", tab)
		}
	}
	if len(m.c.drafts) != 0 {
		t.Error("the unmask left a draft")
	}
}

func TestUnmaskDroppedWhenLeaving(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	m, _ := unmaskModel(t, f, "es")
	send(m, "v")
	typeText(m, "Verificación del titular")
	drain(m, send(m, "enter"))
	if !strings.Contains(m.View(), "jane.doe@example.com") {
		t.Fatalf("not shown:\n%s", m.View())
	}
	send(m, "esc") // close the result
	typeText(m, fakeUUID)
	drain(m, send(m, "enter"))
	if strings.Contains(m.View(), "jane.doe") || m.lookup.acct.shown != nil {
		t.Error("the value came back with the account")
	}

	// An answer that arrives after the agent left is dropped unseen.
	send(m, "v")
	typeText(m, "Verificación")
	late := send(m, "enter")
	send(m, "esc") // closes the form's account: esc on the form, then the result
	send(m, "esc")
	msg := late()
	m.Update(msg)
	typeText(m, fakeUUID)
	drain(m, send(m, "enter"))
	if strings.Contains(m.View(), "jane.doe") {
		t.Error("a late answer showed the value")
	}

	// Signing out drops it with everything else.
	send(m, "v")
	typeText(m, "Verificación")
	drain(m, send(m, "enter"))
	drain(m, send(m, "ctrl+x"))
	if m.c.agent != nil || m.lookup != nil || strings.Contains(m.View(), "jane.doe") {
		t.Error("the value outlived the session")
	}
}

func TestUnmaskRefusalsAndHostileReason(t *testing.T) {
	t.Parallel()
	f := newFake("fr")
	m, _ := unmaskModel(t, f, "fr")
	send(m, "v")
	paste(m, "Appelant\x1b[2J\x1b]0;pwned\x07 vérifié\u202e ok")
	if view := m.View(); strings.ContainsRune(view, 0x1b) || strings.ContainsRune(view, '\u202e') {
		t.Errorf("the pasted escapes reached the screen:\n%q", view)
	}
	f.unmaskErr = fault.ErrNotPermitted
	drain(m, send(m, "enter"))
	if len(f.unmasks) != 1 || f.unmasks[0] != "email 0: Appelant vérifié ok" {
		t.Fatalf("core got %q", f.unmasks)
	}
	a := m.lookup.acct
	if !a.formOpen() || a.shown != nil {
		t.Fatal("a refusal should keep the form and show nothing")
	}
	if want := loc(t, "fr").Err(fault.ErrNotPermitted); !strings.Contains(m.View(), want) {
		t.Errorf("the refusal is not shown in French:\n%s", m.View())
	}
}

func TestUnmaskOnlyForSupervisors(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgent, access.RoleAgencyDesk, access.RoleAdmin} {
		f := newFake("en")
		m := accountModel(t, f, role, "en")
		send(m, "v")
		if m.lookup.acct.formOpen() {
			t.Errorf("%s: the unmask form opened", role)
		}
		if helpHas(allHelpKeys(m), "v") {
			t.Errorf("%s: the unmask key shows in help", role)
		}
	}
	f := newFake("en")
	m := accountModel(t, f, access.RoleSupervisor, "en")
	if !helpHas(allHelpKeys(m), "v") {
		t.Errorf("supervisor: no unmask key in help: %v", allHelpKeys(m))
	}
}
