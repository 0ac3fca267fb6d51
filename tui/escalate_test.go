package tui

import (
	"strings"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/safetext"
	"supportdesk/core/ticket"
)

// escalateModel signs in as role over a ticket backend and opens fakeView's
// account, as an agency desk sees it (lite).
func escalateModel(t *testing.T, role access.Role, lang string) (*model, *fakeBackend, *fakeTickets) {
	t.Helper()
	f := newFake(lang)
	f.role = role
	if role == access.RoleAgencyDesk {
		f.view.Lite = true
	}
	ft := newFakeTickets()
	opts := testOptions(f, lang)
	opts.Tickets = ft
	m := newTestModel(t, opts, 120, 40)
	signIn2(t, m)
	if role.WorksTickets() {
		drain(m, send(m, "l"))
	}
	verifyCaller(t, m)
	return m, f, ft
}

func TestEscalateSendsTheForm(t *testing.T) {
	t.Parallel()
	m, _, ft := escalateModel(t, access.RoleAgencyDesk, "en")
	if !helpHas(shortKeys(m), "e") {
		t.Errorf("the escalate key is not in the footer: %v", shortKeys(m))
	}
	send(m, "e")
	a := m.lookup.acct
	if !a.formOpen() || !m.active().InputFocused() {
		t.Fatal("e did not open the escalation form")
	}
	view := m.View()
	for _, want := range []string{"Escalate to the contact center", "‹ Other ›", "Subject", "Message"} {
		if !strings.Contains(view, want) {
			t.Errorf("form lacks %q:\n%s", want, view)
		}
	}
	send(m, "right", "right") // other → sign-in → lost MFA
	send(m, "enter")          // on to the subject
	send(m, "ctrl+s")
	if len(ft.escalations) != 0 || a.form.(*escalateForm).err == nil {
		t.Fatal("an escalation without a subject reached core")
	}
	typeText(m, "Lost phone; q and e stay text")
	send(m, "tab")
	typeText(m, "Caller lost the phone.")
	send(m, "enter")
	typeText(m, "Verified by the desk.")
	drain(m, send(m, "ctrl+s"))
	want := helpdesk.Escalation{AccountID: fakeUUID, Category: ticket.CategoryLostMFA,
		Subject: "Lost phone; q and e stay text", Body: "Caller lost the phone.\nVerified by the desk."}
	if len(ft.escalations) != 1 || ft.escalations[0] != want {
		t.Fatalf("escalations %+v\nwant %+v", ft.escalations, want)
	}
	if a.formOpen() {
		t.Error("the form stayed open")
	}
	if view := m.View(); !strings.Contains(view, "✓ Escalated as SD-2026-000123.") {
		t.Errorf("no flash naming the reference:\n%s", view)
	}
}

func TestEscalateRefusals(t *testing.T) {
	t.Parallel()
	m, _, ft := escalateModel(t, access.RoleAgencyDesk, "fr")
	send(m, "e", "tab")
	typeText(m, "Objet")
	send(m, "tab")
	typeText(m, "Texte")
	ft.escalateErr = &fault.Error{Code: fault.CodeInvalidInput, Field: "message", Max: helpdesk.MaxReplyBytes}
	drain(m, send(m, "ctrl+s"))
	f, ok := m.lookup.acct.form.(*escalateForm)
	if !ok || f.err == nil || f.focus != escMessage {
		t.Fatal("a refusal naming the message should keep the form, focused on it")
	}
	if f.subject.Value() != "Objet" || f.message.Value() != "Texte" {
		t.Error("the refusal lost what was typed")
	}
	want := loc(t, "fr").Err(ft.escalateErr)
	if !strings.Contains(want, "Texte") || !strings.Contains(m.View(), want) {
		t.Errorf("the French refusal %q is not shown:\n%s", want, m.View())
	}
	ft.escalateErr = fault.ErrNotFound
	drain(m, send(m, "ctrl+s"))
	if want := loc(t, "fr").Err(fault.ErrNotFound); !strings.Contains(m.View(), want) {
		t.Errorf("not_found is not shown:\n%s", m.View())
	}
}

func TestEscalateHostileText(t *testing.T) {
	t.Parallel()
	m, _, ft := escalateModel(t, access.RoleAgencyDesk, "es")
	send(m, "e", "tab")
	paste(m, "Teléfono\x1b[31m perdido\x1b]0;pwned\x07\u202e")
	send(m, "tab")
	paste(m, "Línea\x1b[2J uno\r\nLínea dos\u2066")
	if view := m.View(); strings.ContainsRune(view, 0x1b) || strings.ContainsRune(view, '\u202e') || strings.ContainsRune(view, '\u2066') {
		t.Errorf("pasted escapes reached the screen:\n%q", view)
	}
	drain(m, send(m, "ctrl+s"))
	if len(ft.escalations) != 1 {
		t.Fatal("no escalation")
	}
	if e := ft.escalations[0]; e.Subject != "Teléfono perdido" || e.Body != "Línea uno\nLínea dos" {
		t.Errorf("core got subject %q, body %q", e.Subject, e.Body)
	}
	// A reference from core is outside text too.
	a := m.lookup.acct
	m.Update(escalatedMsg{to: a.owner, accountID: fakeUUID, ref: "SD-2026-000124\x1b]8;;http://evil\x1b\\"})
	view := m.View()
	if strings.ContainsRune(view, 0x1b) {
		t.Errorf("ESC reached the screen:\n%q", view)
	}
	for _, r := range view {
		if (r >= 0x80 && r <= 0x9f) || safetext.IsBidiControl(r) {
			t.Errorf("control %U reached the screen", r)
		}
	}
	if !strings.Contains(view, "SD-2026-000124") {
		t.Errorf("the reference is not named:\n%s", view)
	}
}

func TestEscalateOnlyForAgencyDesks(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgent, access.RoleSupervisor} {
		m, _, ft := escalateModel(t, role, "en")
		send(m, "e")
		if m.lookup.acct.formOpen() || helpHas(allHelpKeys(m), "e") {
			t.Errorf("%s: escalation offered", role)
		}
		if len(ft.escalations) != 0 {
			t.Errorf("%s: Escalate called", role)
		}
	}
	// Without the ticket backend there is nowhere to escalate to.
	f := newFake("en")
	f.view.Lite = true
	m := accountModel(t, f, access.RoleAgencyDesk, "en")
	send(m, "e")
	if m.lookup.acct.formOpen() {
		t.Error("escalation offered without a ticket backend")
	}
}
