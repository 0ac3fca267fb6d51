package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/proofing"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// TestReplyPreviewShowsTheMailOnce: ctrl+s on a reply sends nothing; it
// shows the mail as the requester receives it (sender, subject, greeting,
// closing and signature once each, in the ticket's language) and y sends.
func TestReplyPreviewShowsTheMailOnce(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 120, 40)
	tp := openTicket(t, m, 1) // Spanish, for María
	send(m, "r")
	typeText(m, "Ya revisamos su cuenta.")
	drain(m, send(m, "ctrl+s"))
	if len(ft.writes) != 0 {
		t.Fatalf("ctrl+s sent at once: %v", ft.writes)
	}
	view := m.View()
	for _, want := range []string{"Centro de Atención", "Respuesta a su solicitud " + tp.view.Ref, "Hola, María:",
		"Ya revisamos su cuenta.", "Atentamente,", "El equipo del centro de atención",
		loc(t, "en").T("composer.confirm_send")} {
		if n := strings.Count(view, want); n != 1 {
			t.Errorf("preview shows %q %d times:\n%s", want, n, view)
		}
	}
	if isQuit(send(m, "q")) {
		t.Fatal("q quit from the preview")
	}
	// esc goes back to the draft, unchanged and unsent.
	send(m, "esc")
	if tp.confirming || tp.composer.Value() != "Ya revisamos su cuenta." || !tp.composer.Focused() || len(ft.writes) != 0 {
		t.Fatalf("after esc: confirming %v, draft %q, writes %v", tp.confirming, tp.composer.Value(), ft.writes)
	}
	drain(m, send(m, "ctrl+s"))
	drain(m, send(m, "y"))
	if !slices.Equal(ft.writes, []string{"reply 102 v1"}) || tp.mode != "" {
		t.Fatalf("writes %v, mode %q", ft.writes, tp.mode)
	}
}

// TestGreetingIsTheTemplates: no macro writes its own greeting or
// signature, so a mail built from macros carries each once.
func TestGreetingIsTheTemplates(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "fr", 120, 40)
	tp := openTicket(t, m, 0)
	for _, lang := range []string{"en", "es", "fr"} {
		v := *tp.view
		v.Language = lang
		var all []string
		for _, mc := range macros {
			body, err := macroBody(m.c, mc.name, &v)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, mc.name, err)
			}
			all = append(all, body)
		}
		_, _, mail, err := previewMail(m.c, &v, strings.Join(all, "\n\n"))
		if err != nil {
			t.Fatal(err)
		}
		tl := loc(t, lang)
		for _, once := range []string{tl.T("mail.greeting_named", map[string]any{"Name": "María"}), tl.T("mail.closing"), tl.T("mail.signature")} {
			if n := strings.Count(mail, once); n != 1 {
				t.Errorf("%s: %q %d times in a mail of every macro", lang, once, n)
			}
		}
	}
}

// TestMacroSendsAndSetsPending: a macro that asks the requester to act
// sets pending once the reply is sent, says so before and after, and p in
// the preview turns it off.
func TestMacroSendsAndSetsPending(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "es", 120, 40)
	tp := openTicket(t, m, 1)
	es := loc(t, "es")
	pending := es.T("ticket_status.pending")
	send(m, "r", "ctrl+o", "enter") // more_info
	if tp.afterSend != ticket.StatusPending {
		t.Fatalf("after the macro: status to set %q", tp.afterSend)
	}
	then := es.T("composer.then_short", map[string]any{"Status": pending})
	if !strings.Contains(m.View(), then) {
		t.Errorf("composer does not say %q:\n%s", then, m.View())
	}
	drain(m, send(m, "ctrl+s"))
	if then := es.T("composer.then_status", map[string]any{"Status": pending}); !strings.Contains(m.View(), then) {
		t.Errorf("preview does not say %q", then)
	}
	drain(m, send(m, "y"))
	if want := []string{"reply 102 v1", "status pending 102 v2"}; !slices.Equal(ft.writes, want) {
		t.Fatalf("writes %v, want %v", ft.writes, want)
	}
	done := es.T("composer.replied_status", map[string]any{"Language": "español", "Status": pending})
	if tp.view.Status != ticket.StatusPending || !strings.Contains(m.View(), done[:20]) {
		t.Errorf("status %s; view:\n%s", tp.view.Status, m.View())
	}

	// p in the preview: send without the status change.
	ft.writes = nil
	send(m, "r", "ctrl+o", "enter")
	drain(m, send(m, "ctrl+s"))
	send(m, "p")
	if !strings.Contains(m.View(), es.T("composer.then_nothing")) {
		t.Errorf("p did not turn the status off:\n%s", m.View())
	}
	drain(m, send(m, "y"))
	if !slices.Equal(ft.writes, []string{"reply 102 v3"}) {
		t.Errorf("writes %v", ft.writes)
	}
}

// TestDateMacroNeverPromisesThePast: on a breached ticket the "looking
// into it" macro promises the date core computed on the business
// calendar, not the due date already past; without one it refuses and
// says why.
func TestDateMacroNeverPromisesThePast(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 120, 40)
	tp := openTicket(t, m, 0) // English, breached
	if tp.view.Due.After(fixedNow) {
		t.Fatalf("ticket 0 is due %v, not breached", tp.view.Due)
	}
	en := loc(t, "en")
	send(m, "r", "ctrl+o", "down", "enter")
	body := tp.composer.Value()
	if !strings.Contains(body, en.Date(fixedNow.Add(48*time.Hour))) || strings.Contains(body, en.Date(tp.view.Due)) {
		t.Errorf("promised date in %q (due %s)", body, en.Date(tp.view.Due))
	}
	tp.composer.Reset()
	tp.view.AnswerBy = fixedNow.Add(-time.Hour) // a view gone stale
	send(m, "ctrl+o", "down", "enter")
	if tp.composer.Value() != "" {
		t.Errorf("a past date went in: %q", tp.composer.Value())
	}
	if !strings.Contains(m.View(), en.T("composer.macro_no_date")[:30]) {
		t.Errorf("no refusal shown:\n%s", m.View())
	}
}

// TestMacrosRenderEverywhere renders every macro in every language with
// the account's own dates, and checks every proofing failure reason has
// its tips.
func TestMacrosRenderEverywhere(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 120, 40)
	tp := openTicket(t, m, 0)
	for _, r := range proofing.Reasons {
		if _, ok := macroByName("proofing_" + string(r)); !ok {
			t.Errorf("no macro for the proofing reason %s", r)
		}
	}
	titles := map[string]bool{}
	for _, lang := range []string{"en", "es", "fr"} {
		v := *tp.view
		v.Language = lang
		v.RequesterName = "Ana \x1b[2J\u202e"
		tl := loc(t, lang)
		for _, mc := range macros {
			body, err := macroBody(m.c, mc.name, &v)
			if err != nil || strings.Contains(body, "reply.") || strings.Contains(body, "{{") || strings.Contains(body, "<no value>") ||
				strings.Contains(body, "  ") || strings.ContainsAny(body, "\x1b\u202e") {
				t.Errorf("%s %s: %q %v", lang, mc.name, body, err)
			}
			title := loc(t, lang).T("reply." + mc.name + ".title")
			if titles[lang+title] {
				t.Errorf("%s: two macros titled %q", lang, title)
			}
			titles[lang+title] = true
		}
		locked, _ := macroBody(m.c, "account_locked", &v)
		if !strings.Contains(locked, tl.Time(fixedNow.Add(8*time.Minute))) {
			t.Errorf("%s: the lock's end is not in %q", lang, locked)
		}
	}
	if len(macros) < 8+len(proofing.Reasons) {
		t.Errorf("%d macros", len(macros))
	}
}

// TestQuitAsksWithAnUnsentDraft: q with a draft unsent (in view, or kept
// for a ticket left) asks first; any key but y stays, y quits. With
// nothing unsent q quits at once.
func TestQuitAsksWithAnUnsentDraft(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		ft := newFakeTickets()
		m := ticketModel(t, ft, access.RoleAgent, lang, 80, 24) // the question fits whole at 80 columns
		openTicket(t, m, 1)
		send(m, "r")
		typeText(m, "Borrador")
		send(m, "esc") // the composer lets go of the keys; the draft stays
		if isQuit(send(m, "q")) {
			t.Fatalf("%s: q quit over an unsent draft", lang)
		}
		ask := loc(t, lang).T("composer.quit_confirm")
		if !strings.Contains(m.View(), ask) {
			t.Errorf("%s: no question, or cut:\n%s", lang, m.View())
		}
		if isQuit(send(m, "n")) || strings.Contains(m.View(), ask[:20]) {
			t.Fatalf("%s: n did not stay", lang)
		}
		drain(m, send(m, "esc")) // back to the queue: the draft is kept for the ticket
		if isQuit(send(m, "q")) {
			t.Fatalf("%s: q quit with a kept draft", lang)
		}
		if !isQuit(send(m, "y")) {
			t.Errorf("%s: y did not quit", lang)
		}
	}
	m := ticketModel(t, newFakeTickets(), access.RoleAgent, "en", 120, 40)
	if !isQuit(send(m, "q")) {
		t.Error("q did not quit with nothing unsent")
	}
}

// TestCtrlCAsksOnceWithAnUnsentDraft: ctrl+c over a reply being typed
// asks, as q does, instead of dropping the reply; a second ctrl+c (or y)
// quits, any other key stays and keeps typing where it was. With nothing
// unsent ctrl+c quits at once.
func TestCtrlCAsksOnceWithAnUnsentDraft(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "es", "fr"} {
		m := ticketModel(t, newFakeTickets(), access.RoleAgent, lang, 80, 24)
		openTicket(t, m, 1)
		send(m, "r")
		typeText(m, "Borrador")
		if isQuit(send(m, "ctrl+c")) {
			t.Fatalf("%s: ctrl+c quit over a reply being typed", lang)
		}
		ask := loc(t, lang).T("composer.quit_confirm")
		if !strings.Contains(m.View(), ask) {
			t.Errorf("%s: no question, or cut:\n%s", lang, m.View())
		}
		if isQuit(send(m, "esc")) || strings.Contains(m.View(), ask[:20]) {
			t.Fatalf("%s: esc did not stay", lang)
		}
		typeText(m, " 2")
		if isQuit(send(m, "ctrl+c")) {
			t.Fatalf("%s: ctrl+c quit on the second question", lang)
		}
		if !isQuit(send(m, "ctrl+c")) {
			t.Errorf("%s: ctrl+c twice did not quit", lang)
		}
	}
	m := ticketModel(t, newFakeTickets(), access.RoleAgent, "en", 120, 40)
	if !isQuit(send(m, "ctrl+c")) {
		t.Error("ctrl+c did not quit with nothing unsent")
	}
}

// TestPreviewFitsAndIsClean: the preview fits 80×24 and 120×40 in every
// language, and outside text (the requester's name, the subject) reaches
// the terminal without its escapes.
func TestPreviewFitsAndIsClean(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, lang := range []string{"en", "es", "fr"} {
			m := ticketModel(t, newFakeTickets(), access.RoleAgent, lang, size[0], size[1])
			tp := openTicket(t, m, 2)
			tp.view.RequesterName = hostile
			send(m, "r", "ctrl+o", "enter")
			drain(m, send(m, "ctrl+s"))
			if !tp.confirming {
				t.Fatalf("%s %v: no preview", lang, size)
			}
			view := m.View()
			lines := strings.Split(view, "\n")
			if len(lines) > size[1] {
				t.Errorf("%s %v: %d lines", lang, size, len(lines))
			}
			for _, l := range lines {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%s %v: line %d cells wide: %q", lang, size, w, l)
				}
			}
			for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u202e", "\u2066", "\u009b", "\r"} {
				if strings.Contains(view, bad) {
					t.Errorf("%s %v: %q on screen", lang, size, bad)
				}
			}
			if !strings.Contains(view, loc(t, lang).T("composer.confirm_send")) {
				t.Errorf("%s %v: the question is cut or missing:\n%s", lang, size, view)
			}
		}
	}
}

// TestDraftKeepsItsStatus: leaving a ticket keeps the draft and the
// status its macro sets, so coming back and sending still sets it.
func TestDraftKeepsItsStatus(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 120, 40)
	openTicket(t, m, 1)
	send(m, "r", "ctrl+o", "enter") // more_info: sets pending
	drain(m, send(m, "esc"))        // the composer lets go of the keys
	drain(m, send(m, "esc"))        // back to the queue
	drain(m, send(m, "enter"))      // the same ticket again
	tp := m.active().(*ticketPage)
	if tp.afterSend != ticket.StatusPending || tp.composer.Value() == "" {
		t.Fatalf("draft back with status %q, text %q", tp.afterSend, tp.composer.Value())
	}
	drain(m, send(m, "ctrl+s"))
	drain(m, send(m, "y"))
	if want := []string{"reply 102 v1", "status pending 102 v2"}; !slices.Equal(ft.writes, want) {
		t.Errorf("writes %v, want %v", ft.writes, want)
	}
}

// TestStatusFailsAfterTheReply: when the reply went out but the status
// could not be set, the console says both, and the reply is not kept to be
// sent twice.
func TestStatusFailsAfterTheReply(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	ft.statusErr = fault.ErrConflict
	m := ticketModel(t, ft, access.RoleAgent, "fr", 120, 40)
	tp := openTicket(t, m, 1)
	send(m, "r", "ctrl+o", "enter") // more_info: sets pending
	drain(m, send(m, "ctrl+s"))
	drain(m, send(m, "y"))
	if !slices.Equal(ft.writes, []string{"reply 102 v1"}) || tp.mode != "" || tp.composer.Value() != "" {
		t.Fatalf("writes %v, composer %q %q", ft.writes, tp.mode, tp.composer.Value())
	}
	fr := loc(t, "fr")
	failed := fr.T("composer.replied_status_failed", map[string]any{"Language": enumText(fr, "language", "es"),
		"Status": enumText(fr, "ticket_status", "pending")})
	if !strings.Contains(m.View(), failed[:40]) {
		t.Errorf("no notice %q:\n%s", failed, m.View())
	}
}

// TestMacroDatesComeFromTheAccount: a macro quotes the account's own
// dates when it has them (when the reset's deletion mail comes, when a
// used-up limiter clears, when an enrollment expires) and the general
// rule when it does not.
func TestMacroDatesComeFromTheAccount(t *testing.T) {
	t.Parallel()
	m := ticketModel(t, newFakeTickets(), access.RoleAgent, "en", 120, 40)
	tp := openTicket(t, m, 0)
	for _, lang := range []string{"en", "es", "fr"} {
		tl := loc(t, lang)
		v := *tp.view
		v.Language = lang
		acct := *v.Account
		clears := fixedNow.Add(2 * time.Hour)
		acct.Proofing = &proofing.View{
			Limits:     []limit.Status{{Name: proofing.DocAuth.Name, Used: 5, Max: 5, ClearsAt: clears}},
			Enrollment: &store.Enrollment{Status: proofing.EnrollPending, ExpiresAt: fixedNow.Add(72 * time.Hour)},
		}
		v.Account = &acct
		body := func(name string) string {
			t.Helper()
			b, err := macroBody(m.c, name, &v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		checks := []struct {
			macro, has, hasNot string
		}{
			{"account_reset", tl.Time(acct.Reset.GrantAt), ""},
			{"proofing_glare", tl.Time(clears), tl.T("reply.proofing.retry_now", map[string]any{"Tries": tl.N("reply.attempts", 5, nil), "Window": tl.N("reply.hours", 6, nil)})},
			{"proofing_data_mismatch", tl.N("reply.attempts", 5, nil), tl.Time(clears)}, // another limiter, not used up
			{"proofing_fraud_signal", "", tl.N("reply.attempts", 5, nil)},               // no retry to offer
			{"in_person", tl.Date(fixedNow.Add(72 * time.Hour)), ""},
		}
		for _, c := range checks {
			b := body(c.macro)
			if c.has != "" && !strings.Contains(b, c.has) || c.hasNot != "" && strings.Contains(b, c.hasNot) {
				t.Errorf("%s %s: want %q, not %q, in:\n%s", lang, c.macro, c.has, c.hasNot, b)
			}
		}
		v.Account = nil // no linked account: the general rule
		if b := body("account_locked"); !strings.Contains(b, tl.N("reply.minutes", lockoutMinutes, nil)) {
			t.Errorf("%s: without an account the lock's wait is not quoted:\n%s", lang, b)
		}
	}
}
