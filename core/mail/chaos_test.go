package mail

import (
	"context"
	"errors"
	"io"
	mathrand "math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/core/clock"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

// chaosRelay is an SMTP relay that misbehaves: per message it hangs, answers
// 4xx or 5xx, drops the connection after the data, or accepts. hang(to)
// says whether a recipient's mail always hangs. It counts the messages it
// accepted (answered 250 to) by Message-ID.
type chaosRelay struct {
	mu       sync.Mutex
	rnd      *mathrand.Rand
	accepted map[string]int
	hang     func(to string) bool
	random   bool // misbehave at random; else only hang
	stop     chan struct{}
}

func startChaos(t *testing.T, random bool, hang func(string) bool) (*chaosRelay, int) {
	t.Helper()
	cr := &chaosRelay{rnd: mathrand.New(mathrand.NewPCG(9, 9)), accepted: map[string]int{}, hang: hang, random: random,
		stop: make(chan struct{})}
	s := smtp.NewServer(cr)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { close(cr.stop); s.Close() })
	return cr, ln.Addr().(*net.TCPAddr).Port
}

func (cr *chaosRelay) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &chaosSession{cr: cr, conn: c}, nil
}

func (cr *chaosRelay) roll() int {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return cr.rnd.IntN(10)
}

type chaosSession struct {
	cr   *chaosRelay
	conn *smtp.Conn
	to   string
}

func (s *chaosSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *chaosSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}

func (s *chaosSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.cr.hang(s.to) {
		<-s.cr.stop
		return errors.New("stopped")
	}
	roll := 9
	if s.cr.random {
		roll = s.cr.roll()
	}
	switch {
	case roll == 0: // hang past the client's data bound
		select {
		case <-time.After(time.Second):
		case <-s.cr.stop:
		}
		return &smtp.SMTPError{Code: 451, Message: "late"}
	case roll == 1:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	case roll == 2 && s.cr.roll() < 3:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "refused"}
	case roll == 3: // drop after the data, before any answer
		s.conn.Conn().Close()
		return errors.New("dropped")
	}
	id := ""
	for line := range strings.SplitSeq(string(data), "\r\n") {
		if v, ok := strings.CutPrefix(line, "Message-ID: "); ok {
			id = v
			break
		}
	}
	s.cr.mu.Lock()
	s.cr.accepted[id]++
	s.cr.mu.Unlock()
	return nil
}

func (s *chaosSession) Reset()        {}
func (s *chaosSession) Logout() error { return nil }

// chaosWorker is a worker on the system clock with short bounds, over the
// relay at port.
func chaosWorker(t *testing.T, port int) *fixture {
	t.Helper()
	tr := &SMTP{Host: "127.0.0.1", Port: port, Mode: TLSNone, ConnectTimeout: time.Second,
		GreetingTimeout: 300 * time.Millisecond, CommandTimeout: 300 * time.Millisecond, DataTimeout: 300 * time.Millisecond}
	f := newFixture(t, tr)
	f.w.Clock = clock.System{}
	f.w.SendTimeout = 2 * time.Second
	f.w.MaxAttempts = 30
	f.w.Batch = 10
	f.w.Backoff = func(int) time.Duration { return 50 * time.Millisecond }
	return f
}

// rows reads every outbox row.
func (f *fixture) rows(t *testing.T, accounts ...string) []notify.Notification {
	t.Helper()
	var all []notify.Notification
	err := f.svc.Store.Read(context.Background(), func(r store.Reader) error {
		for _, a := range accounts {
			rows, err := r.Outbox(context.Background(), a)
			if err != nil {
				return err
			}
			all = append(all, rows...)
		}
		rows, err := r.TicketOutbox(context.Background(), 7)
		all = append(all, rows...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// A relay that hangs, answers 4xx and 5xx at random and drops after the
// data: every row ends sent or failed for good, no Message-ID is accepted
// twice, and the permanent failures are counted.
func TestOutboxAgainstAChaoticRelay(t *testing.T) {
	t.Parallel()
	cr, port := startChaos(t, true, func(string) bool { return false })
	f := chaosWorker(t, port)
	now := time.Now()
	for i := range 40 {
		n := ack("es")
		if i%4 == 0 {
			n = methodAdded()
		}
		n.CreatedAt, n.NextAttempt = now, now
		f.enqueue(t, n, jose)
	}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { f.w.Run(ctx, 20*time.Millisecond); close(done) }()
	deadline := time.Now().Add(60 * time.Second)
	var rows []notify.Notification
	for {
		rows = f.rows(t, accountID)
		open := 0
		for _, r := range rows {
			if r.Status == notify.StatusQueued {
				open++
			}
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d rows still queued after a minute", open, len(rows))
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	<-done
	if len(rows) != 40 {
		t.Fatalf("%d rows, want 40", len(rows))
	}
	var sent, failed int64
	for _, r := range rows {
		switch {
		case r.Status == notify.StatusSent:
			sent++
			// An account notice waits only for its own attempts and their
			// backoff: each attempt is bounded by the SMTP stages (well
			// under a second here), each wait is 50 ms.
			if r.TicketID == 0 {
				if waited, bound := r.SentAt.Sub(r.CreatedAt), time.Duration(r.Attempts)*time.Second+time.Second; waited > bound {
					t.Errorf("account notice %d sent after %v and %d attempts; want within %v", r.ID, waited, r.Attempts, bound)
				}
			}
			if n := cr.accepted[r.MessageID]; n != 1 {
				t.Errorf("row %d sent, its Message-ID accepted %d times", r.ID, n)
			}
		case r.Status == notify.StatusFailed && strings.Contains(r.LastError, "550"):
			failed++
		default:
			t.Errorf("row %d ended %s: %q", r.ID, r.Status, r.LastError)
		}
	}
	for id, n := range cr.accepted {
		if n > 1 {
			t.Errorf("Message-ID %s accepted %d times", id, n)
		}
	}
	var counted int64
	f.svc.Store.Read(context.Background(), func(r store.Reader) (err error) {
		counted, err = r.OutboxFailed(context.Background())
		return err
	})
	if counted != failed || sent+failed != 40 || failed == 0 {
		t.Errorf("sent %d, failed %d, counted failed %d", sent, failed, counted)
	}
	t.Logf("sent %d, failed for good %d", sent, failed)
}

// Ticket mail that hangs at the relay does not hold account notices up:
// they have their own lane, and go out at once.
func TestAccountNoticesHaveTheirOwnLane(t *testing.T) {
	t.Parallel()
	const stuck = "ticket@example.com"
	_, port := startChaos(t, false, func(to string) bool { return to == stuck })
	f := chaosWorker(t, port)
	f.w.SendTimeout = 30 * time.Second // a relay that hangs for as long as a send may last
	f.w.Transport.(*SMTP).DataTimeout = 30 * time.Second
	now := time.Now()
	for range 20 {
		n := ack("es")
		n.CreatedAt, n.NextAttempt = now, now
		f.enqueue(t, n, stuck)
	}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { f.w.Run(ctx, 20*time.Millisecond); close(done) }()
	time.Sleep(200 * time.Millisecond) // every sender of the ticket lane is now stuck
	notices := make([]notify.Notification, 0, 5)
	for range 5 {
		n := methodAdded()
		n.CreatedAt, n.NextAttempt = time.Now(), time.Now()
		notices = append(notices, f.enqueue(t, n, jose))
	}
	begin := time.Now()
	for _, n := range notices {
		for f.row(t, n).Status != notify.StatusSent {
			if time.Since(begin) > 5*time.Second {
				t.Fatalf("account notice %d not sent %v after it was queued, behind hung ticket mail: %+v", n.ID, time.Since(begin), f.row(t, n))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("5 notices out in %v with the ticket lane hung", time.Since(begin))
	stop()
	<-done
	// Graceful stop: the hung ticket rows are released, due now, not leased
	// for 10 minutes.
	for _, r := range f.rows(t) {
		if r.Status == notify.StatusQueued && r.NextAttempt.After(time.Now()) {
			t.Errorf("row %d still leased until %v after the stop", r.ID, r.NextAttempt)
		}
	}
}

// A crash can leave Dir's temporary file behind, often empty: Run clears it.
func TestRunCleansDirTemporaries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, ".tmp-123.eml")
	if err := os.WriteFile(stale, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Dir{Path: dir})
	ctx, stop := context.WithCancel(t.Context())
	stop()
	f.w.Run(ctx, time.Second)
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the empty temporary file is still there: %v", err)
	}
}
