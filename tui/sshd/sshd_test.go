package sshd_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/pquerna/otp/totp"
	gossh "golang.org/x/crypto/ssh"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/i18n"
	"supportdesk/tui/sshd"
)

// wait bounds every wait on the screen; the tests normally take far less.
const wait = 10 * time.Second

// rig is a service and an SSH server on loopback in front of it.
type rig struct {
	svc    *service.Service
	clk    *clock.Fake
	srv    *sshd.Server
	addr   string
	bundle *i18n.Bundle
}

func newRig(t *testing.T) *rig {
	t.Helper()
	svc, clk, _ := coretest.Open(t)
	bundle, err := i18n.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sshd.New(sshd.Config{HostKeyPath: filepath.Join(t.TempDir(), "ssh_host_ed25519"), Service: svc,
		Bundle: bundle, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WatchEvery: 100 * time.Millisecond,
		Drain: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-served; !errors.Is(err, sshd.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return &rig{svc: svc, clk: clk, srv: srv, addr: ln.Addr().String(), bundle: bundle}
}

// agent adds a staff member with a registered SSH key.
func (r *rig) agent(t *testing.T, email, uiLang string, role access.Role) (coretest.Staff, gossh.Signer) {
	t.Helper()
	st := coretest.AddStaff(t, r.svc, staff.NewAgent{Email: email, Role: role, Languages: []string{"en", "es", "fr"},
		UILanguage: uiLang})
	signer := newKey(t)
	line := string(gossh.MarshalAuthorizedKey(signer.PublicKey()))
	if _, err := r.svc.Staff.AddKey(context.Background(), r.svc.Operator("test"), email, line); err != nil {
		t.Fatal(err)
	}
	return st, signer
}

func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// code is the agent's TOTP code now, on the service's clock.
func (r *rig) code(t *testing.T, st coretest.Staff) string {
	t.Helper()
	c, err := totp.GenerateCode(st.Secret, r.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (r *rig) dial(signers ...gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", r.addr, &gossh.ClientConfig{User: "agent",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signers...)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: wait})
}

// screen collects what the server writes, safe to read while it grows.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) raw() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// text is everything shown so far, escape sequences removed.
func (s *screen) text() string { return ansi.Strip(s.raw()) }

// term is one client session.
type term struct {
	t    *testing.T
	sess *gossh.Session
	in   io.WriteCloser
	out  *screen
	done chan error
}

// open starts a session with a PTY (unless term is "") and the env.
func open(t *testing.T, c *gossh.Client, termName string, env map[string]string) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("Setenv %s: %v", k, err)
		}
	}
	if termName != "" {
		if err := sess.RequestPty(termName, 40, 120, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	out := &screen{}
	sess.Stdout, sess.Stderr = out, out
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, sess: sess, in: in, out: out, done: make(chan error, 1)}
	go func() { tm.done <- sess.Wait() }()
	t.Cleanup(func() { sess.Close() })
	return tm
}

// waitFor waits until the screen shows every text.
func (tm *term) waitFor(texts ...string) {
	tm.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		got := tm.out.text()
		missing := ""
		for _, s := range texts {
			if !strings.Contains(got, s) {
				missing = s
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q; it shows:\n%s", missing, tail(got))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ended waits for the server to end the session.
func (tm *term) ended() error {
	tm.t.Helper()
	select {
	case err := <-tm.done:
		tm.done <- err // for a second look
		return err
	case <-time.After(wait):
		tm.t.Fatalf("the session did not end; the screen shows:\n%s", tail(tm.out.text()))
		return nil
	}
}

func (tm *term) keys(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.in, s); err != nil {
		tm.t.Fatal(err)
	}
}

// signIn types the agent's code on the key sign-in screen.
func (tm *term) signIn(r *rig, st coretest.Staff, l *i18n.Localizer) {
	tm.t.Helper()
	tm.waitFor(l.T("signin.key_hint"))
	code := r.code(tm.t, st)
	tm.keys(code)
	tm.waitFor(code)
	tm.keys("\r")
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}

func TestKeyAndCodeSignInLookUpAndQuit(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	st, key := r.agent(t, "ana@desk.example", "en", access.RoleAgent)
	id, err := r.svc.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "lost@example.org",
		Password: "a long enough password", Language: "en", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.dial(key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := open(t, c, "xterm-256color", nil)
	l := r.bundle.Localizer("en")
	tm.signIn(r, st, l)
	tm.waitFor(l.T("queue.title"))
	if n := r.srv.Sessions(); n != 1 {
		t.Errorf("Sessions() = %d, want 1", n)
	}
	tm.keys("l")
	tm.waitFor(l.T("verify.field_stated"))
	tm.keys("lost@example.org")
	tm.waitFor("lost@example.org")
	tm.keys("\r")
	tm.waitFor(l.T("verify.sent")[:30])
	code, _ := coretest.CallerCode(t, r.svc, id)
	tm.keys(code)
	tm.waitFor(code)
	tm.keys("\r")
	tm.waitFor(l.T("verify.hint_verified")[:30])
	tm.keys("\x03") // ctrl+c quits
	tm.ended()
	if n := r.srv.Sessions(); n != 0 {
		t.Errorf("Sessions() = %d after quitting, want 0", n)
	}
}

func TestUnknownKeyRefusedAtAuth(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.agent(t, "ana@desk.example", "en", access.RoleAgent)
	c, err := r.dial(newKey(t))
	if err == nil {
		c.Close()
		t.Fatal("an unknown key got in")
	}
	if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("refusal = %v, want an authentication failure", err)
	}
	if n := r.srv.Sessions(); n != 0 {
		t.Errorf("Sessions() = %d", n)
	}
}

func TestUnknownKeyOfferedFirstThenKnown(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	st, key := r.agent(t, "ana@desk.example", "fr", access.RoleAgent)
	c, err := r.dial(newKey(t), key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := open(t, c, "xterm", nil)
	tm.signIn(r, st, r.bundle.Localizer("en"))
	tm.waitFor(r.bundle.Localizer("fr").T("queue.title"))
}

func TestNoPTYGetsAMessage(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, key := r.agent(t, "ana@desk.example", "en", access.RoleAgent)
	c, err := r.dial(key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := open(t, c, "", map[string]string{"LANG": "es_US.UTF-8"})
	var exit *gossh.ExitError
	if err := tm.ended(); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Errorf("no-PTY session ended with %v, want exit status 1", err)
	}
	want := r.bundle.Localizer("es").T("ssh.no_pty")
	if got := strings.TrimSpace(tm.out.raw()); got != want {
		t.Errorf("no-PTY answer = %q, want %q", got, want)
	}
}

// colour matches an SGR sequence that sets a colour (16, 256 or 24-bit).
var colour = regexp.MustCompile(`\x1b\[([0-9;]*;)?(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m`)

func TestTwoSessionsKeepTheirOwnLanguageAndColours(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	es, esKey := r.agent(t, "eva@desk.example", "es", access.RoleAgent)
	fr, frKey := r.agent(t, "fred@desk.example", "fr", access.RoleAgent)
	ces, err := r.dial(esKey)
	if err != nil {
		t.Fatal(err)
	}
	defer ces.Close()
	cfr, err := r.dial(frKey)
	if err != nil {
		t.Fatal(err)
	}
	defer cfr.Close()
	lEs, lFr := r.bundle.Localizer("es"), r.bundle.Localizer("fr")
	tes := open(t, ces, "xterm-256color", map[string]string{"LANG": "es_US.UTF-8"})
	tfr := open(t, cfr, "dumb", map[string]string{"LANG": "fr_FR.UTF-8", "NO_COLOR": "1"})
	// Both sign-in screens are up at once, each in its client's language.
	tes.waitFor(lEs.T("signin.key_hint"))
	tfr.waitFor(lFr.T("signin.key_hint"))
	tes.signIn(r, es, lEs)
	tfr.signIn(r, fr, lFr)
	tes.waitFor(lEs.T("queue.title"))
	tfr.waitFor(lFr.T("queue.title"))
	if n := r.srv.Sessions(); n != 2 {
		t.Errorf("Sessions() = %d, want 2", n)
	}
	tes.keys("\x03")
	tfr.keys("\x03")
	tes.ended()
	tfr.ended()

	esOut, frOut := tes.out.text(), tfr.out.text()
	for _, id := range []string{"signin.key_hint", "queue.title"} {
		if strings.Contains(esOut, lFr.T(id)) {
			t.Errorf("French %s on the Spanish screen", id)
		}
		if strings.Contains(frOut, lEs.T(id)) {
			t.Errorf("Spanish %s on the French screen", id)
		}
	}
	if !colour.MatchString(tes.out.raw()) {
		t.Error("the xterm-256color session shows no colour")
	}
	if m := colour.FindString(tfr.out.raw()); m != "" {
		t.Errorf("the dumb NO_COLOR session got a colour sequence %q", m)
	}
}

func TestDisablingAgentClosesItsSession(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	st, key := r.agent(t, "ana@desk.example", "es", access.RoleAgent)
	c, err := r.dial(key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := open(t, c, "xterm-256color", nil)
	l := r.bundle.Localizer("es")
	tm.signIn(r, st, r.bundle.Localizer("en"))
	tm.waitFor(l.T("queue.title"))
	start := time.Now()
	if _, err := r.svc.Staff.Disable(context.Background(), r.svc.Operator("test"), st.Email); err != nil {
		t.Fatal(err)
	}
	tm.ended()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("closed after %v", d)
	}
	tm.waitFor(l.T("ssh.closed_disabled"))
}

func TestShutdownTellsSessions(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	st, key := r.agent(t, "ana@desk.example", "fr", access.RoleAgent)
	c, err := r.dial(key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := open(t, c, "xterm-256color", nil)
	l := r.bundle.Localizer("fr")
	tm.signIn(r, st, r.bundle.Localizer("en"))
	tm.waitFor(l.T("queue.title"))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	tm.ended()
	tm.waitFor(l.T("ssh.shutdown"))
	if _, err := r.dial(key); err == nil {
		t.Error("a connection was accepted after Shutdown")
	}
}

// A closed session leaves nothing running: no console waits on a timer
// (the idle lock's is 30 minutes) holding its model in memory. The test is
// not parallel: it counts the process's goroutines.
func TestClosedSessionsLeaveNoGoroutines(t *testing.T) {
	r := newRig(t)
	l := r.bundle.Localizer("en")
	session := func(i int) {
		st, key := r.agent(t, fmt.Sprintf("leak%d@desk.example", i), "en", access.RoleAgent)
		c, err := r.dial(key)
		if err != nil {
			t.Fatal(err)
		}
		tm := open(t, c, "xterm-256color", nil)
		tm.signIn(r, st, l)
		tm.waitFor(l.T("queue.title"))
		c.Close()
		deadline := time.Now().Add(5 * time.Second)
		for r.srv.Sessions() != 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	session(0) // warm up: pools and caches that stay
	settle := func() int {
		n := runtime.NumGoroutine()
		for range 50 {
			time.Sleep(20 * time.Millisecond)
			n = min(n, runtime.NumGoroutine())
		}
		return n
	}
	before := settle()
	for i := 1; i <= 5; i++ {
		session(i)
	}
	// Closing a session cancels the console's context; the per-second
	// demo tick aside, nothing is left after a moment.
	time.Sleep(1500 * time.Millisecond)
	if after := settle(); after > before+3 {
		t.Errorf("%d goroutines after five closed sessions, %d before: a console outlives its session", after, before)
	}
}
