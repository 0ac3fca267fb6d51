package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/limit"
	"supportdesk/core/proofing"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// callModel signs an agent in over f and ft with the console in lang,
// takes a call from the queue in the caller's language callerLang for
// category cat, and verifies the caller.
func callModel(t *testing.T, f *fakeBackend, ft *fakeTickets, lang, callerLang string, cat ticket.Category, w, h int) (*model, *callPage) {
	t.Helper()
	f.role = access.RoleAgent
	opts := testOptions(f, lang)
	opts.Tickets = ft
	m := newTestModel(t, opts, w, h)
	signIn2(t, m)
	drain(m, send(m, "t"))
	p, ok := m.active().(*callPage)
	if !ok {
		t.Fatalf("t opened %T", m.active())
	}
	for p.callerLang() != callerLang {
		send(m, "right")
	}
	send(m, "down")
	for ticket.Categories[p.cat] != cat {
		send(m, "right")
	}
	drain(m, send(m, "enter"))
	if p.stage != callOpen {
		t.Fatalf("the call did not start:\n%s", m.View())
	}
	typeText(m, fakeContact)
	drain(m, send(m, "enter"))
	typeText(m, fakeCallerCode)
	drain(m, send(m, "enter"))
	if !p.verified() {
		t.Fatalf("the caller was not verified:\n%s", m.View())
	}
	return m, p
}

// mfaOnly is an account with the given methods, IAL1, no reset.
func mfaOnly(methods ...desk.MethodView) desk.AccountView {
	v := fakeView()
	v.Methods, v.IAL, v.Profile, v.Reset = methods, 1, nil, nil
	return v
}

// lockedProofing is a user locked out of document authentication: 5
// documents failed, the last for glare and blur.
func lockedProofing() *proofing.View {
	at := fixedNow.Add(-20 * time.Minute)
	return &proofing.View{
		Step: proofing.StepDocument, StartedAt: at.Add(-time.Hour),
		Limits: []limit.Status{
			{Name: "idv_doc_auth", Used: 5, Max: 5, ClearsAt: fixedNow.Add(3 * time.Hour)},
			{Name: "idv_resolution", Max: 5}, {Name: "idv_phone_address", Max: 5},
			{Name: "phone_otp", Used: 2, Max: 20, ClearsAt: fixedNow.Add(20 * time.Hour)}, {Name: "personal_key", Max: 5},
		},
		Attempts: []store.IDVAttempt{
			{Step: proofing.StepDocument, Reasons: []string{"glare", "blur"}, At: at},
			{Step: proofing.StepDocument, Reasons: []string{"barcode_unreadable"}, At: at.Add(-time.Minute)},
		},
	}
}

func TestCallOnRecord(t *testing.T) {
	t.Parallel()
	f, ft := newFake("en"), newFakeTickets()
	m, p := callModel(t, f, ft, "en", "es", ticket.CategoryLostMFA, 120, 40)
	if !slices.Equal(ft.callLog[:1], []string{"start es lost_mfa"}) {
		t.Fatalf("StartCall got %v", ft.callLog)
	}
	if want := fakeContact + " call=9001"; !slices.Equal(f.verifies, []string{want}) {
		t.Fatalf("VerifyCaller got %v, want the call linked", f.verifies)
	}
	view := m.View()
	for _, want := range []string{"SD-2026-009001", "Caller verified until", "What to say (in Spanish)", "[m MFA recovery]"} {
		if !strings.Contains(view, want) {
			t.Errorf("the call lacks %q:\n%s", want, view)
		}
	}
	// The account has a phone and an app: the tree starts on another method.
	if steps, st := p.script(); steps[st.step].code != stepMFAOther {
		t.Fatalf("the tree starts on %s", steps[st.step].code)
	}
	// → picks the second outcome; enter opens the note; enter records.
	send(m, "right", "enter")
	if !p.noting || !m.active().InputFocused() {
		t.Fatal("enter did not open the note")
	}
	typeText(m, "has the app; q stays text")
	drain(m, send(m, "enter"))
	want := "step 9001 mfa.other_method guided: has the app; q stays text"
	if !slices.Contains(ft.callLog, want) {
		t.Fatalf("RecordStep got %v, want %q", ft.callLog, want)
	}
	if !strings.Contains(m.View(), "✓ On record: Another method · Guided.") || !strings.Contains(m.View(), "1 step on record") {
		t.Errorf("no flash or count:\n%s", m.View())
	}
	// x ends the call with an outcome and a note.
	send(m, "x")
	if p.end == nil {
		t.Fatal("x did not open the end of the call")
	}
	typeText(m, "will sign in with the app")
	drain(m, send(m, "enter"))
	if !slices.Contains(ft.callLog, "end 9001 resolved: will sign in with the app") || p.stage != callEnded {
		t.Fatalf("EndCall got %v", ft.callLog)
	}
	if ft.tickets[fakeCallID].Status != ticket.StatusSolved {
		t.Error("the call's ticket is not solved")
	}
	view = m.View()
	for _, want := range []string{"✓ Call ended: Resolved on the call.", "▸ Another method · Guided", "▸ Call ended · Resolved on the call", "will sign in with the app"} {
		if !strings.Contains(view, want) {
			t.Errorf("the ended call lacks %q:\n%s", want, view)
		}
	}
	drain(m, send(m, "esc"))
	if _, ok := m.active().(*queuePage); !ok {
		t.Errorf("esc after the end went to %T", m.active())
	}
}

func TestCallLeaveAsks(t *testing.T) {
	t.Parallel()
	f, ft := newFake("fr"), newFakeTickets()
	m, p := callModel(t, f, ft, "fr", "fr", ticket.CategoryProofing, 100, 30)
	send(m, "esc")
	if !p.leave || !strings.Contains(m.View(), "L'appel est encore ouvert") {
		t.Fatalf("esc on an open call did not ask:\n%s", m.View())
	}
	send(m, "n")
	if m.active() != page(p) {
		t.Fatal("another key left the call")
	}
	send(m, "esc")
	drain(m, send(m, "y"))
	if _, ok := m.active().(*queuePage); !ok {
		t.Errorf("y left to %T", m.active())
	}
	if slices.ContainsFunc(ft.callLog, func(s string) bool { return strings.HasPrefix(s, "end ") }) {
		t.Error("leaving ended the call")
	}
}

func TestMFATreeBranches(t *testing.T) {
	t.Parallel()
	phone := desk.MethodView{Kind: account.KindPhone, CreatedAt: fixedNow}
	app := desk.MethodView{Kind: account.KindAuthApp, Name: "Work phone", CreatedAt: fixedNow}
	codes := desk.MethodView{Kind: account.KindBackupCodes, Remaining: 5}
	keyed := mfaOnly(phone)
	keyed.IAL = 2
	keyed.Profile = &desk.ProfileView{State: account.ProfileActive, VerifiedAt: fixedNow.Add(-48 * time.Hour), PersonalKeyAt: fixedNow.Add(-48 * time.Hour)}
	waiting := mfaOnly(phone)
	waiting.Reset = &desk.ResetView{Stage: account.StageWaiting, RequestedAt: fixedNow.Add(-2 * time.Hour),
		GrantAt: fixedNow.Add(22*time.Hour + 30*time.Minute), ExpiresAt: fixedNow.Add(46*time.Hour + 30*time.Minute)}
	cases := []struct {
		name  string
		view  desk.AccountView
		first string
		see   string // in the agent's column (en)
		say   string // in the caller's column (es)
	}{
		{"another method", mfaOnly(phone, app), stepMFAOther, "Phone, Authentication app", "Teléfono, Aplicación de autenticación"},
		{"only backup codes", mfaOnly(phone, codes), stepMFABackup, "Backup codes: 5 left", "le quedan 5"},
		{"personal key", keyed, stepMFAKey, "personal key issued", "clave personal"},
		{"nothing left", mfaOnly(phone), stepMFAReset, "No account reset under way", "puede restablecer su cuenta"},
		{"reset waiting", waiting, stepMFAReset, "22 h 30 min left", "dentro de unas 22 h 30 min"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, ft := newFake("en"), newFakeTickets()
			f.view = tc.view
			m, p := callModel(t, f, ft, "en", "es", ticket.CategoryLostMFA, 120, 40)
			steps, st := p.script()
			if got := steps[st.step].code; got != tc.first {
				t.Fatalf("the tree starts on %s, want %s", got, tc.first)
			}
			step := steps[st.step]
			if see := strings.Join(step.see, " "); !strings.Contains(see, tc.see) {
				t.Errorf("the agent sees %q, want %q in it", see, tc.see)
			}
			if say := strings.Join(step.say, " "); !strings.Contains(say, tc.say) {
				t.Errorf("the caller hears %q, want %q in it", say, tc.say)
			}
			if !strings.Contains(m.View(), "[MFA recovery]") && !strings.Contains(m.View(), "["+loc(t, "en").T("step."+tc.first)+"]") {
				t.Errorf("the path does not show the branch:\n%s", m.View())
			}
			for _, s := range steps {
				for _, text := range append(slices.Clone(s.see), s.say...) {
					if strings.Contains(text, "1234") || strings.Contains(text, "Work phone") {
						t.Errorf("%s names a number or a method's name: %q", s.code, text)
					}
				}
			}
		})
	}
}

// TestMFATreeMovesOn: a branch the caller cannot take, recorded as such,
// moves the tree to the next one.
func TestMFATreeMovesOn(t *testing.T) {
	t.Parallel()
	f, ft := newFake("es"), newFakeTickets()
	m, p := callModel(t, f, ft, "es", "fr", ticket.CategoryLostMFA, 120, 40)
	want := []string{stepMFAOther, stepMFABackup, stepMFAKey, stepMFAReset}
	for i, code := range want {
		steps, st := p.script()
		if got := steps[st.step].code; got != code {
			t.Fatalf("step %d is %s, want %s", i, got, code)
		}
		if i == len(want)-1 {
			break
		}
		// ← from the first outcome wraps to the last: not possible.
		send(m, "left", "enter")
		drain(m, send(m, "enter"))
		if got := ft.callLog[len(ft.callLog)-1]; got != "step 9001 "+code+" declined: " {
			t.Fatalf("RecordStep got %q", got)
		}
	}
	if !strings.Contains(m.View(), "✗ "+loc(t, "es").T("step.mfa.other_method")) {
		t.Errorf("the path does not mark the declined branch:\n%s", m.View())
	}
	// The reset step offers c, which cancels on the caller's word and
	// records it.
	send(m, "c")
	if p.section != sectionAccount || !p.acct.formOpen() {
		t.Fatal("c did not open the cancellation in the account")
	}
	send(m, "enter")
	drain(m, send(m, "y"))
	if !slices.Equal(f.cancels, []string{"verified_caller " + fakeUUID}) {
		t.Fatalf("cancels %v", f.cancels)
	}
	if got := ft.callLog[len(ft.callLog)-1]; got != "step 9001 mfa.account_reset cancelled: " {
		t.Errorf("the cancellation is not on record: %q", got)
	}
}

func TestProofingScriptInCallersZone(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.view.Proofing = lockedProofing()
	m, p := callModel(t, f, newFakeTickets(), "en", "fr", ticket.CategoryProofing, 120, 40)
	if p.section != sectionIDV {
		t.Fatal("a proofing call does not open on the proofing script")
	}
	steps, st := p.script()
	// Document checks used up: the next best path is in person.
	if steps[st.step].code != stepIDVInPerson || !steps[idvInPerson].next {
		t.Fatalf("the script starts on %s", steps[st.step].code)
	}
	send(m, "shift+tab") // back to the retry step
	for range 4 {        // center, ET, CT, MT, PT
		send(m, "z")
	}
	steps, st = p.script()
	step := steps[st.step]
	see, say := strings.Join(step.see, "\n"), strings.Join(step.say, "\n")
	for _, want := range []string{"✗ Document check 5/5 · clears 11/30/26, 3:04 PM PST", "Times in Pacific Time (PT)",
		"Glare on the document, Document image blurry", "Document check: no tries left until 11/30/26, 3:04 PM PST"} {
		if !strings.Contains(see, want) {
			t.Errorf("the agent does not see %q:\n%s", want, see)
		}
	}
	fr := loc(t, "fr")
	for _, want := range []string{fr.T("tip.glare"), fr.T("tip.blur"), "après le 30/11/2026 15:04 PST, heure du Pacifique (PT)"} {
		if !strings.Contains(say, want) {
			t.Errorf("the caller does not hear %q:\n%s", want, say)
		}
	}
	if view := m.View(); !strings.Contains(view, "5/5") || !strings.Contains(view, "What to say (in French)") {
		t.Errorf("the screen:\n%s", view)
	}
}

func TestLimiterResetRequest(t *testing.T) {
	t.Parallel()
	f, ft := newFake("en"), newFakeTickets()
	f.view.Proofing = lockedProofing()
	m, p := callModel(t, f, ft, "en", "es", ticket.CategoryProofing, 120, 40)
	for p.idv.step != idvReset {
		send(m, "tab")
	}
	send(m, "R")
	if p.limiter == nil || !m.active().InputFocused() {
		t.Fatalf("R did not open the request:\n%s", m.View())
	}
	drain(m, send(m, "enter"))
	if len(f.limiterResets) != 0 || !strings.Contains(m.View(), "Give the vendor's incident id.") {
		t.Fatalf("an empty reason went out: %v\n%s", f.limiterResets, m.View())
	}
	typeText(m, "INC-4471")
	drain(m, send(m, "enter"))
	want := "idv_doc_auth " + fakeUUID + ": vendor_outage: INC-4471"
	if !slices.Equal(f.limiterResets, []string{want}) {
		t.Fatalf("RequestLimiterReset got %v, want %q", f.limiterResets, want)
	}
	if p.limiter != nil {
		t.Error("the form stayed open")
	}
	if !strings.Contains(m.View(), "Reset of Document check requested: it awaits a supervisor other than you.") {
		t.Errorf("no flash:\n%s", m.View())
	}
	if got := ft.callLog[len(ft.callLog)-1]; got != "step 9001 idv.limiter_reset requested: idv_doc_auth · vendor_outage: INC-4471" {
		t.Errorf("the request is not on the call: %q", got)
	}
	// The misread reason, with the second limiter in use.
	send(m, "R", "up", "up", "right", "down", "right")
	typeText(m, "barcode read as expired")
	drain(m, send(m, "enter"))
	if got := f.limiterResets[len(f.limiterResets)-1]; got != "phone_otp "+fakeUUID+": documented_misread: barcode read as expired" {
		t.Errorf("second request %q", got)
	}
}

// TestRequestsNameTheLimiter: the supervisor sees which limiter a reset
// request clears, in the supervisor's language.
func TestRequestsNameTheLimiter(t *testing.T) {
	t.Parallel()
	f := newFake("fr")
	f.RequestLimiterReset(t.Context(), "tok-agent", fakeUUID, "idv_doc_auth", "vendor_outage: INC-9")
	f.requests[0].Mine = false
	f.requests[0].RequesterName = "Luis Ortega"
	m, _ := requestsModel(t, f, access.RoleSupervisor, "fr")
	view := m.View()
	for _, want := range []string{"Levée de limite · Contrôle du document", "Panne du fournisseur · INC-9"} {
		if !strings.Contains(view, want) {
			t.Errorf("%q missing:\n%s", want, view)
		}
	}
}

// TestScriptsFit lays every step of both scripts out at 80 and 120
// columns in Spanish and French: no line wider than the terminal.
func TestScriptsFit(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"es", "fr"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			f := newFake(lang)
			f.view.Proofing = lockedProofing()
			f.view.Proofing.Enrollment = &store.Enrollment{Code: "1234567890123456", Status: proofing.EnrollPending, ExpiresAt: fixedNow.Add(6 * 24 * time.Hour)}
			f.view.Proofing.Letters = []proofing.LetterView{{SentAt: fixedNow.Add(-48 * time.Hour), ExpiresAt: fixedNow.Add(28 * 24 * time.Hour)}}
			other := i18n.Next(lang)
			m, p := callModel(t, f, newFakeTickets(), lang, other, ticket.CategoryLostMFA, size[0], size[1])
			check := func(what string) {
				t.Helper()
				lines := strings.Split(m.View(), "\n")
				if len(lines) > size[1] {
					t.Errorf("%s %v %s: %d lines", lang, size, what, len(lines))
				}
				for _, l := range lines {
					if w := lipgloss.Width(l); w > size[0] {
						t.Errorf("%s %v %s: %d cells: %q", lang, size, what, w, l)
					}
				}
				// The columns themselves, whole, not only what the viewport shows.
				if steps, st := p.script(); st != nil {
					s := steps[st.step]
					for _, l := range twoColumns(m.c.styles, s.see, s.say, size[0]) {
						if w := lipgloss.Width(l); w > size[0] {
							t.Errorf("%s %v %s column: %d cells: %q", lang, size, what, w, l)
						}
					}
				}
			}
			for _, sec := range []string{"m", "i"} {
				send(m, sec)
				for i := range 4 {
					check(sec + " step " + string(rune('1'+i)))
					send(m, "tab")
				}
			}
			send(m, "R")
			if p.limiter == nil {
				t.Fatalf("%s %v: R opened no form", lang, size)
			}
			check("limiter form")
			send(m, "esc", "enter")
			if p.limiter != nil || !p.noting {
				t.Fatalf("%s %v: esc, enter did not open the note", lang, size)
			}
			check("note")
			send(m, "esc", "a")
			if p.noting || p.section != sectionAccount {
				t.Fatalf("%s %v: esc, a did not show the account", lang, size)
			}
			check("account")
			send(m, "m", "?")
			check("help")
			send(m, "?", "x")
			if p.end == nil {
				t.Fatalf("%s %v: x did not open the end", lang, size)
			}
			check("end")
		}
	}
}

func TestTipsForEveryReason(t *testing.T) {
	t.Parallel()
	for _, lang := range i18n.Languages {
		l := loc(t, lang)
		for _, r := range proofing.Reasons {
			if !l.Has("tip."+string(r)) || !l.Has("reason."+string(r)) {
				t.Errorf("%s: no tip or label for %s", lang, r)
			}
		}
	}
}

// TestStepsOnTheThread: a call's thread reads its steps in the agent's
// language, with the agent's note.
func TestStepsOnTheThread(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, testOptions(newFake("es"), "es"), 100, 30)
	v := &helpdesk.TicketView{Language: "es", Messages: []helpdesk.MessageView{
		{Kind: ticket.MessageInternal, AuthorName: "Dana", Body: helpdesk.FormatStep("mfa.backup_codes", "guided", "tiene 5 códigos\x1b[2J"), At: fixedNow},
		{Kind: ticket.MessageInternal, AuthorName: "Dana", Body: helpdesk.FormatStep("new.step", "odd\x1b]0;x\x07", ""), At: fixedNow},
		{Kind: ticket.MessageInbound, Body: "step:mfa.backup_codes outcome:guided", At: fixedNow},
	}}
	out := renderThread(m.c, v, 100)
	for _, want := range []string{"▸ Códigos de respaldo · Orientado", "tiene 5 códigos", "▸ new.step · odd", "step:mfa.backup_codes outcome:guided"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("ESC reached the thread: %q", out)
	}
}

// TestHostileProofing: text from vendors and users in the proofing view
// (a mismatched field, an enrollment code, an unknown reason or limiter)
// reaches the screen sanitized.
func TestHostileProofing(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.view.Proofing = lockedProofing()
	f.view.Proofing.Attempts[0].Detail = "last_name\x1b[31m\u202e"
	f.view.Proofing.Attempts[0].Reasons = append(f.view.Proofing.Attempts[0].Reasons, "new\x1b]52;c;eA==\x07reason")
	f.view.Proofing.Limits = append(f.view.Proofing.Limits, limit.Status{Name: "odd\x1b[2J", Used: 1, Max: 2})
	f.view.Proofing.Enrollment = &store.Enrollment{Code: "12\x1b[H34", Status: "weird\u009b", ExpiresAt: fixedNow.Add(time.Hour)}
	m, p := callModel(t, f, newFakeTickets(), "en", "en", ticket.CategoryProofing, 120, 40)
	var all []string
	for range 4 {
		steps, st := p.script()
		s := steps[st.step]
		all = append(all, s.see...)
		all = append(all, s.say...)
		all = append(all, m.View())
		send(m, "tab")
	}
	text := strings.Join(all, "\n")
	if strings.ContainsRune(text, 0x1b) || strings.ContainsRune(text, 0x9b) || strings.ContainsRune(text, 0x202e) {
		t.Errorf("a control reached the screen: %q", text)
	}
	if !strings.Contains(text, "last_name") || !strings.Contains(text, "1234") {
		t.Errorf("sanitized text missing:\n%s", text)
	}
}

func TestCallKeyByRole(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role access.Role
		want bool
	}{{access.RoleAgent, true}, {access.RoleSupervisor, true}, {access.RoleAgencyDesk, false}, {access.RoleAdmin, false}} {
		f := newFake("en")
		f.role = tc.role
		opts := testOptions(f, "en")
		opts.Tickets = newFakeTickets()
		m := newTestModel(t, opts, 120, 40)
		signIn2(t, m)
		if _, ok := m.active().(*lookupPage); ok {
			send(m, "esc") // the look-up home: leave the field
		}
		if got := helpHas(allHelpKeys(m), "t"); got != tc.want {
			t.Errorf("%s: t in help %v, want %v", tc.role, got, tc.want)
		}
		drain(m, send(m, "t"))
		if _, ok := m.active().(*callPage); ok != tc.want {
			t.Errorf("%s: t opened a call: %v", tc.role, ok)
		}
	}
}

// TestAccountProofingTab: the account's Proofing tab shows the limiters,
// the last failure and the fallbacks, in the center's zone.
func TestAccountProofingTab(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	f.view.Proofing = lockedProofing()
	f.view.Proofing.Attempts[0].Detail = "x\x1b[2J"
	f.view.Proofing.Enrollment = &store.Enrollment{Code: "12\x1b]0;t\x0734", Status: proofing.EnrollPending, ExpiresAt: fixedNow.Add(24 * time.Hour)}
	f.view.Proofing.Fraud = &store.FraudReview{Status: proofing.FraudPending}
	m := accountModel(t, f, access.RoleAgent, "es")
	send(m, "3")
	view := m.View()
	for _, want := range []string{"Verificación de identidad", "✗ Revisión del documento 5/5 · se libera el 30/11/2026, 6:04 p.\u00a0m. EST",
		"Imagen del documento borrosa", "código 1234", "Revisión por fraude: pendiente"} {
		if !strings.Contains(view, want) {
			t.Errorf("%q missing:\n%s", want, view)
		}
	}
	if strings.ContainsRune(view, 0x1b) {
		t.Error("ESC reached the screen")
	}
}

// TestResendResetNotice: N on a waiting reset asks, y sends the notice
// again; from the call's reset step it goes on record too; a refusal
// (3 an hour) stays in the form.
func TestResendResetNotice(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	m := accountModel(t, f, access.RoleAgent, "en")
	if !helpHas(allHelpKeys(m), "N") {
		t.Fatalf("no resend key: %v", allHelpKeys(m))
	}
	send(m, "N")
	if !strings.Contains(m.View(), "Press y to send") {
		t.Fatalf("no confirmation:\n%s", m.View())
	}
	drain(m, send(m, "y"))
	if !slices.Equal(f.resends, []string{fakeUUID}) || !strings.Contains(m.View(), "✓ Notice sent again to every address of record.") {
		t.Fatalf("resends %v:\n%s", f.resends, m.View())
	}
	f.resendErr = fault.Limited("reset_resend", 3, fixedNow.Add(time.Hour))
	send(m, "N")
	drain(m, send(m, "y"))
	if fm, ok := m.lookup.acct.form.(*resendForm); !ok || fm.err == nil {
		t.Fatal("a refusal should stay in the form")
	}
	send(m, "esc")

	f, ft := newFake("fr"), newFakeTickets()
	f.view = mfaOnly(desk.MethodView{Kind: account.KindPhone})
	f.view.Reset = &desk.ResetView{Stage: account.StageGranted, RequestedAt: fixedNow.Add(-30 * time.Hour),
		GrantAt: fixedNow.Add(-6 * time.Hour), ExpiresAt: fixedNow.Add(18 * time.Hour)}
	m, p := callModel(t, f, ft, "fr", "en", ticket.CategoryLostMFA, 120, 40)
	if steps, st := p.script(); steps[st.step].code != stepMFAReset {
		t.Fatalf("the tree starts on %s", steps[st.step].code)
	}
	send(m, "N")
	if p.section != sectionAccount || !p.acct.formOpen() {
		t.Fatal("N did not ask in the account")
	}
	drain(m, send(m, "y"))
	if got := ft.callLog[len(ft.callLog)-1]; got != "step 9001 mfa.account_reset resent: " {
		t.Errorf("the resend is not on record: %q", got)
	}
}
