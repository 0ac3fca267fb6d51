package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/uuid"
	"github.com/pquerna/otp/totp"
	gossh "golang.org/x/crypto/ssh"

	"supportdesk/core/access"
	"supportdesk/core/secret"
	"supportdesk/core/service"
	"supportdesk/core/staff"
)

// sshLoad is one run of `load --ssh`: the agents it seeded, and what the
// sessions measured.
type sshLoad struct {
	addr   string
	moves  int
	think  time.Duration // the pause between keys, ±50 % at random
	agents []loadAgent

	mu       sync.Mutex
	lat      []time.Duration // keystroke to the first bytes of the next frame
	lost     int             // keystrokes that drew no frame within 5 s
	signins  []time.Duration // connect to the queue on screen
	failures map[string]int
}

// loadAgent is an agent the load program made: a key and a TOTP seed, as
// one SSH user needs (a TOTP code is single use, so each session has its
// own agent).
type loadAgent struct {
	email  string
	signer gossh.Signer
	seed   string
}

// loadSSH seeds sessions agents with a key each (on the database at db,
// which `serve` also has open), then opens that many concurrent SSH
// sessions to addr; each signs in with its key and TOTP code, searches,
// and moves through its queue. It reports keystroke-to-frame latency and,
// given serve's pid, its resident memory.
func (a *app) loadSSH(addr, db string, sessions, moves, servePID int, think, ramp time.Duration) int {
	l := &sshLoad{addr: addr, moves: moves, think: think, failures: map[string]int{}}
	seeded := a.withService(db, func(ctx context.Context, svc *service.Service) int {
		agents, err := seedLoadAgents(ctx, svc, sessions)
		if err != nil {
			return a.failErr(err)
		}
		l.agents = agents
		return exitOK
	})
	if seeded != exitOK {
		return seeded
	}
	fmt.Fprintln(a.stdout, a.l.T("cli.load.ssh_seeded", map[string]any{"Count": a.l.Number(int64(sessions))}))
	ctx, cancel := interruptible()
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range l.agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Agents arrive over the ramp, as a shift starts, not in one instant.
			time.Sleep(ramp * time.Duration(i) / time.Duration(len(l.agents)))
			if err := l.session(ctx, l.agents[i]); err != nil {
				l.mu.Lock()
				l.failures[err.Error()]++
				l.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(l.lat)
	slices.Sort(l.signins)
	failed := 0
	for _, n := range l.failures {
		failed += n
	}
	fmt.Fprintln(a.stdout, a.l.T("cli.load.ssh_report", map[string]any{
		"Sessions": a.l.Number(int64(len(l.agents) - failed)), "Failed": a.l.Number(int64(failed)),
		"Keys": a.l.Number(int64(len(l.lat))), "Lost": a.l.Number(int64(l.lost)), "Seconds": a.decimal(elapsed.Seconds(), 1),
		"P50": ms(pct(l.lat, 50)), "P99": ms(pct(l.lat, 99)), "Max": ms(pct(l.lat, 100)),
		"SignInP50": ms(pct(l.signins, 50)), "SignInP99": ms(pct(l.signins, 99))}))
	for reason, n := range l.failures {
		fmt.Fprintf(a.stdout, "  %d × %s\n", n, clean(reason))
	}
	if servePID > 0 {
		rss, hwm, err := memoryOf(servePID)
		if err != nil {
			return a.fail(exitFail, a.l.T("cli.load.no_pid", map[string]any{"PID": servePID}))
		}
		fmt.Fprintln(a.stdout, a.l.T("cli.load.ssh_memory", map[string]any{"RSS": rss >> 20, "Peak": hwm >> 20}))
	}
	if failed > 0 {
		return exitFail
	}
	return exitOK
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// memoryOf reads a process's resident and peak resident memory, in bytes.
func memoryOf(pid int) (rss, hwm int64, err error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm, nil
}

// seedLoadAgents adds n agents (en, es, fr; English console), each with a
// fresh ed25519 key registered and its own TOTP seed. One password hash
// serves them all: they never use it.
func seedLoadAgents(ctx context.Context, svc *service.Service, n int) ([]loadAgent, error) {
	op := operator(svc)
	var pw [16]byte
	rand.Read(pw[:])
	hash, err := secret.HashPassword(base32.StdEncoding.EncodeToString(pw[:]), secret.DefaultArgon2)
	if err != nil {
		return nil, err
	}
	run := strconv.FormatInt(time.Now().Unix(), 36)
	out := make([]loadAgent, 0, n)
	for i := range n {
		email := fmt.Sprintf("load-%s-%d@load.example", run, i)
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "supportdesk", AccountName: email})
		if err != nil {
			return nil, err
		}
		p := staff.Provisioned{AgentID: uuid.NewString(), Secret: key.Secret()}
		in := staff.NewAgent{Email: email, DisplayName: fmt.Sprintf("Load agent %d", i), Role: access.RoleAgent,
			Languages: []string{"en", "es", "fr"}, UILanguage: "en"}
		if err := svc.Staff.InsertAgent(ctx, op, in, hash, p); err != nil {
			return nil, err
		}
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		pk, err := gossh.NewPublicKey(pub)
		if err != nil {
			return nil, err
		}
		if _, err := svc.Staff.AddKey(ctx, op, email, string(gossh.MarshalAuthorizedKey(pk))); err != nil {
			return nil, err
		}
		signer, err := gossh.NewSignerFromKey(priv)
		if err != nil {
			return nil, err
		}
		out = append(out, loadAgent{email: email, signer: signer, seed: key.Secret()})
	}
	return out, nil
}

// screen collects a session's output and tells a waiter when bytes come.
type screen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	last time.Time
	cond *sync.Cond
	done bool
}

func newScreen(r io.Reader) *screen {
	s := &screen{}
	s.cond = sync.NewCond(&s.mu)
	go func() {
		b := make([]byte, 32<<10)
		for {
			n, err := r.Read(b)
			s.mu.Lock()
			if n > 0 {
				s.buf.Write(b[:n])
				s.last = time.Now()
			}
			if err != nil {
				s.done = true
			}
			s.cond.Broadcast()
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

// waitFor waits until the text seen since mark (a byte offset) holds want,
// and returns the new offset.
func (s *screen) waitFor(mark int, want string, limit time.Duration) (int, error) {
	deadline := time.Now().Add(limit)
	timer := time.AfterFunc(limit, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if strings.Contains(ansi.Strip(s.buf.String()[mark:]), want) {
			return s.buf.Len(), nil
		}
		if s.done {
			return s.buf.Len(), errors.New("session closed while waiting for " + strconv.Quote(want))
		}
		if time.Now().After(deadline) {
			return s.buf.Len(), errors.New("timed out waiting for " + strconv.Quote(want))
		}
		s.cond.Wait()
	}
}

// next waits for the first bytes after mark and returns when they came.
func (s *screen) next(mark int, limit time.Duration) (time.Time, error) {
	deadline := time.Now().Add(limit)
	timer := time.AfterFunc(limit, func() { s.mu.Lock(); s.cond.Broadcast(); s.mu.Unlock() })
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.buf.Len() <= mark {
		if s.done || time.Now().After(deadline) {
			return time.Time{}, errors.New("no frame after a key")
		}
		s.cond.Wait()
	}
	return s.last, nil
}

// settle waits until nothing has come for quiet, and returns the offset.
func (s *screen) settle(quiet time.Duration) int {
	for {
		time.Sleep(quiet)
		s.mu.Lock()
		idle := time.Since(s.last) >= quiet
		n := s.buf.Len()
		s.mu.Unlock()
		if idle {
			return n
		}
	}
}

// session runs one agent's session: sign in with key and code, search,
// then move through the queue, timing each key to its frame.
func (l *sshLoad) session(ctx context.Context, ag loadAgent) error {
	begin := time.Now()
	cfg := &gossh.ClientConfig{User: "agent", Auth: []gossh.AuthMethod{gossh.PublicKeys(ag.signer)},
		// A load program on loopback: the host key was made by the serve under test.
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second}
	c, err := gossh.Dial("tcp", l.addr, cfg)
	if err != nil {
		return fmt.Errorf("dial: %w", errors.Unwrap(err))
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		return errors.New("no session")
	}
	defer sess.Close()
	sess.Setenv("LANG", "en_US.UTF-8")
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		return errors.New("no pty")
	}
	in, err := sess.StdinPipe()
	if err != nil {
		return err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return err
	}
	scr := newScreen(out)
	if err := sess.Shell(); err != nil {
		return errors.New("no shell")
	}
	mark, err := scr.waitFor(0, "code", 60*time.Second)
	if err != nil {
		return err
	}
	code, err := totp.GenerateCode(ag.seed, time.Now())
	if err != nil {
		return err
	}
	if _, err := io.WriteString(in, code+"\r"); err != nil {
		return err
	}
	// The queue is on screen once its status line ("1–33 of 57 · as of …")
	// is: keys sent while it loads would go elsewhere.
	if _, err = scr.waitFor(mark, "as of", 60*time.Second); err != nil {
		return err
	}
	l.mu.Lock()
	l.signins = append(l.signins, time.Since(begin))
	l.mu.Unlock()
	mark = scr.settle(150 * time.Millisecond)
	before := mark
	if _, err = l.keys(ctx, in, scr, mark, []string{"/", "l", "o", "s", "t", "\r"}); err != nil {
		return err
	}
	// The search's results, with the status line that counts them.
	if _, err = scr.waitFor(before, "search “lost”", 60*time.Second); err != nil {
		return err
	}
	mark = scr.settle(150 * time.Millisecond)
	// Down and up in turn: every key moves the cursor, so every key draws
	// a frame (a key at the end of the list would draw none).
	var moves []string
	for i := range l.moves {
		moves = append(moves, []string{"j", "k"}[i%2])
	}
	_, err = l.keys(ctx, in, scr, mark, moves)
	return err
}

// keys types keys one at a time, timing each to the first bytes of its
// frame and waiting for the screen to settle before the next.
func (l *sshLoad) keys(ctx context.Context, in io.Writer, scr *screen, mark int, keys []string) (int, error) {
	for _, k := range keys {
		if ctx.Err() != nil {
			return mark, ctx.Err()
		}
		sent := time.Now()
		if _, err := io.WriteString(in, k); err != nil {
			return mark, err
		}
		at, err := scr.next(mark, 5*time.Second)
		if err != nil {
			// No frame in 5 s: counted, and the session goes on (the key
			// may have landed on a screen it does not change).
			l.mu.Lock()
			l.lost++
			l.mu.Unlock()
			continue
		}
		l.mu.Lock()
		l.lat = append(l.lat, at.Sub(sent))
		l.mu.Unlock()
		mark = scr.settle(60 * time.Millisecond)
		if l.think > 0 {
			time.Sleep(l.think/2 + mathrand.N(l.think))
		}
	}
	return mark, nil
}
