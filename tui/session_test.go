package tui

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// clockedModel signs in to a console over f (and ft when set) whose clock
// the test moves, with a 30-minute idle lock.
func clockedModel(t *testing.T, f *fakeBackend, ft *fakeTickets, lang string) (*model, *testClock) {
	t.Helper()
	clk := &testClock{t: fixedNow}
	opts := testOptions(f, lang)
	if ft != nil {
		opts.Tickets = ft
	}
	opts.Now = clk.Now
	opts.IdleLock = 30 * time.Minute
	m := newTestModel(t, opts, 120, 40)
	signIn2(t, m)
	return m, clk
}

// idle delivers the idle timer's tick, as the runtime would when it fires.
func idle(m *model) { m.Update(idleTickMsg{gen: m.idleGen}) }

func TestIdleLockKeepsDraft(t *testing.T) {
	t.Parallel()
	f, ft := newFake("en"), newFakeTickets()
	m, clk := clockedModel(t, f, ft, "en")
	tp := openTicket(t, m, 1)
	send(m, "r")
	typeText(m, "Hola María, le escribo")
	draftText := tp.composer.Value()

	clk.Add(29 * time.Minute)
	idle(m)
	if m.lock != nil {
		t.Fatal("locked before the idle limit")
	}
	clk.Add(2 * time.Minute)
	idle(m)
	if _, ok := m.active().(*lockPage); !ok || !m.c.locked {
		t.Fatalf("no lock after 31 idle minutes (active %T)", m.active())
	}
	view := m.View()
	if !strings.Contains(view, m.c.loc.T("lock.heading")) {
		t.Errorf("lock screen not shown:\n%s", view)
	}
	if strings.Contains(view, "Hola María") || strings.Contains(view, "Perdí mi teléfono") {
		t.Errorf("the screen under the lock shows through:\n%s", view)
	}
	if m.stack[len(m.stack)-1] != page(tp) || tp.composer.Value() != draftText {
		t.Fatalf("lock changed the stack or the draft: %q", tp.composer.Value())
	}

	// Keys go to the lock, never to the composer under it; background
	// refreshes wait.
	calls := len(ft.queueCalls)
	m.Update(queueTickMsg{to: m.queue.id})
	if len(ft.queueCalls) != calls {
		t.Error("the queue refreshed behind the lock")
	}
	typeText(m, "wrong password")
	send(m, "tab")
	typeText(m, "000000")
	run(t, m, send(m, "enter"))
	if m.lock == nil || m.lock.err == nil || f.unlocks != 0 {
		t.Fatalf("a wrong unlock was accepted (lock %v)", m.lock)
	}
	if view := m.View(); !strings.Contains(view, m.c.loc.Err(fault.ErrBadCredentials)) {
		t.Errorf("refusal not shown localized:\n%s", view)
	}
	if tp.composer.Value() != draftText {
		t.Fatalf("typing on the lock reached the composer: %q", tp.composer.Value())
	}

	send(m, "shift+tab", "esc") // clear the password
	typeText(m, fakePassword)
	send(m, "tab")
	typeText(m, fakeCode)
	drain(m, send(m, "enter"))
	if m.lock != nil || m.c.locked || f.unlocks != 1 {
		t.Fatalf("unlock failed: lock %v, unlocks %d", m.lock, f.unlocks)
	}
	if m.active() != page(tp) || tp.composer.Value() != draftText || tp.mode != actReply {
		t.Fatalf("unlock did not return to the ticket with its draft (active %T, draft %q)", m.active(), tp.composer.Value())
	}
	if !tp.composer.Focused() {
		t.Error("the composer lost its focus over the lock")
	}
	// The timer runs again from the unlock.
	clk.Add(10 * time.Minute)
	idle(m)
	if m.lock != nil {
		t.Error("locked again 10 minutes after the unlock")
	}
}

func TestCoreLockRaisesLock(t *testing.T) {
	t.Parallel()
	f, ft := newFake("es"), newFakeTickets()
	m, _ := clockedModel(t, f, ft, "es")
	q := m.queue
	m.Update(queueLoadedMsg{to: q.id, gen: q.gen, err: fault.New(fault.CodeSessionLocked)})
	if m.lock == nil || !m.lock.byCore {
		t.Fatal("a session_locked answer did not raise the lock")
	}
	if view := m.View(); !strings.Contains(view, loc(t, "es").T("lock.core_hint")[:20]) {
		t.Errorf("lock screen not in Spanish:\n%s", view)
	}
	if m.active() == page(q) || m.stack[0] != page(q) {
		t.Error("the queue should wait under the lock")
	}
}

func TestTouchAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	f, ft := newFake("en"), newFakeTickets()
	m, clk := clockedModel(t, f, ft, "en")
	clk.Add(30 * time.Second)
	drain(m, send(m, "down"))
	if f.touches != 0 {
		t.Fatalf("touched %d times within the first minute", f.touches)
	}
	clk.Add(31 * time.Second)
	drain(m, send(m, "down"))
	drain(m, send(m, "up"))
	if f.touches != 1 {
		t.Fatalf("touched %d times, want 1", f.touches)
	}
	// Background refreshes never count as activity.
	clk.Add(5 * time.Minute)
	m.Update(queueTickMsg{to: m.queue.id})
	drain(m, m.queue.reload(false))
	if f.touches != 1 {
		t.Errorf("a refresh touched the session (%d touches)", f.touches)
	}
}

func TestSessionEndReturnsToSignIn(t *testing.T) {
	t.Parallel()
	for _, code := range []fault.Code{fault.CodeSessionExpired, fault.CodeSessionEnded, fault.CodeAgentDisabled} {
		for _, lang := range []string{"en", "es", "fr"} {
			f := newFake(lang)
			m := newTestModel(t, testOptions(f, lang), 100, 30)
			signIn2(t, m)
			m.c.drafts[42] = draft{mode: actReply, text: "unsent"}
			f.sessionErr = fault.New(code)
			typeText(m, fakeContact)
			drain(m, send(m, "enter"))
			if m.c.agent != nil || len(m.stack) != 0 || m.lookup != nil || m.active() != page(m.signIn) {
				t.Fatalf("%s/%s: still signed in (active %T)", code, lang, m.active())
			}
			if len(m.c.drafts) != 0 {
				t.Errorf("%s/%s: drafts survived a full sign-out", code, lang)
			}
			want := loc(t, lang).Err(fault.New(code))
			if view := m.View(); !strings.Contains(strings.Join(strings.Fields(view), " "), want[:min(len(want), 30)]) {
				t.Errorf("%s/%s: reason %q not shown:\n%s", code, lang, want, view)
			}
			// A full sign-in works again, the email kept.
			f.sessionErr = nil
			typeText(m, fakePassword)
			send(m, "tab")
			typeText(m, fakeCode)
			drain(m, send(m, "enter"))
			if m.c.agent == nil {
				t.Fatalf("%s/%s: sign-in after the end failed: %v", code, lang, m.signIn.err)
			}
		}
	}
}

func TestSessionEndWhileLocked(t *testing.T) {
	t.Parallel()
	f, ft := newFake("en"), newFakeTickets()
	m, clk := clockedModel(t, f, ft, "en")
	clk.Add(time.Hour)
	idle(m)
	f.sessionErr = fault.New(fault.CodeSessionExpired)
	typeText(m, fakePassword)
	send(m, "tab")
	typeText(m, fakeCode)
	drain(m, send(m, "enter"))
	if m.lock != nil || m.c.agent != nil || m.active() != page(m.signIn) {
		t.Fatalf("an expired session stayed locked (active %T)", m.active())
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	f, ft := newFake("en"), newFakeTickets()
	m, _ := clockedModel(t, f, ft, "en")
	drain(m, send(m, "ctrl+x"))
	if !slices.Equal(f.signOuts, []staff.Token{"tok-agent"}) {
		t.Fatalf("SignOut calls %v", f.signOuts)
	}
	if m.c.agent != nil || m.active() != page(m.signIn) {
		t.Fatalf("still signed in after ctrl+x (active %T)", m.active())
	}
	if view := m.View(); !strings.Contains(view, m.c.loc.T("signout.done")) {
		t.Errorf("no sign-out notice:\n%s", view)
	}
	if got := m.signIn.inputs[fieldPassword].Value() + m.signIn.inputs[fieldCode].Value(); got != "" {
		t.Errorf("secrets left in the form: %q", got)
	}
}

func TestSignOutAsksWithDraft(t *testing.T) {
	t.Parallel()
	f, ft := newFake("fr"), newFakeTickets()
	m, _ := clockedModel(t, f, ft, "fr")
	tp := openTicket(t, m, 1)
	send(m, "r")
	typeText(m, "Bonjour")
	send(m, "ctrl+x")
	if !m.confirmOut || len(f.signOuts) != 0 {
		t.Fatalf("signed out over an unsent draft (confirm %v, calls %d)", m.confirmOut, len(f.signOuts))
	}
	if view := m.View(); !strings.Contains(view, "brouillon") {
		t.Errorf("no localized confirmation:\n%s", view)
	}
	send(m, "n") // any other key stays, and types nothing
	if m.confirmOut || m.c.agent == nil || tp.composer.Value() != "Bonjour" {
		t.Fatalf("cancel failed: confirm %v, draft %q", m.confirmOut, tp.composer.Value())
	}
	send(m, "ctrl+x")
	drain(m, send(m, "y"))
	if len(f.signOuts) != 1 || m.c.agent != nil || len(m.c.drafts) != 0 {
		t.Fatalf("y did not sign out (calls %d)", len(f.signOuts))
	}
}

func TestSignOutKeyInHelp(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, testOptions(newFake("en"), "en"), 100, 30)
	has := func() bool {
		for _, group := range m.helpKeys().full {
			for _, b := range group {
				if b.Help().Key == "ctrl+x" {
					return true
				}
			}
		}
		return false
	}
	if has() {
		t.Error("sign-out offered before sign-in")
	}
	signIn2(t, m)
	if !has() {
		t.Error("sign-out missing from the full help")
	}
}

func TestSignInKind(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	opts := testOptions(f, "en")
	opts.Kind = "ssh"
	m := newTestModel(t, opts, 100, 30)
	signIn2(t, m)
	if !slices.Equal(f.kinds, []string{"ssh"}) {
		t.Errorf("SignIn kinds %v", f.kinds)
	}
	if !m.c.can(access.ActSearch, access.ScopeGlobal) || m.c.canSupervise() {
		t.Error("permissions not read from the matrix for the agent role")
	}
}

func TestLanguageSwitchWhileLocked(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	m, clk := clockedModel(t, f, nil, "en")
	clk.Add(time.Hour)
	idle(m)
	drain(m, send(m, "ctrl+l"))
	if m.c.loc.Lang() != "es" || len(f.langs) != 0 {
		t.Fatalf("lang %s, saves %v: a locked session must not call core", m.c.loc.Lang(), f.langs)
	}
	if view := m.View(); !strings.Contains(view, "Consola bloqueada") {
		t.Errorf("lock screen not re-localized:\n%s", view)
	}
	typeText(m, fakePassword)
	send(m, "tab")
	typeText(m, fakeCode)
	drain(m, send(m, "enter"))
	if !slices.Equal(f.langs, []string{"es"}) {
		t.Errorf("language saves after unlock %v, want [es]", f.langs)
	}
}
