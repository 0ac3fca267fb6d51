package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/core/clock"
	"supportdesk/core/store"
)

// flakyRelay is an SMTP relay that, while misbehaving, hangs, answers 4xx
// or 5xx, or drops the connection after the data, at random. It records,
// per outbox row, every Message-ID it accepted (answered 250 to).
type flakyRelay struct {
	mu       sync.Mutex
	rnd      *mathrand.Rand
	accepted map[int64]map[string]int // row id -> Message-ID -> times accepted
	bad      atomic.Int32             // chance in 10 of misbehaving
	stop     chan struct{}
}

var outboxID = regexp.MustCompile(`(?m)^Message-ID: (<outbox-(\d+)\.[a-z0-9]+@[^>\r\n]+>)`)

func startFlakyRelay(t *testing.T) (*flakyRelay, string) {
	t.Helper()
	fr := &flakyRelay{rnd: mathrand.New(mathrand.NewPCG(6, 10)), accepted: map[int64]map[string]int{}, stop: make(chan struct{})}
	s := smtp.NewServer(fr)
	s.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { close(fr.stop); s.Close() })
	return fr, ln.Addr().String()
}

func (fr *flakyRelay) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &flakySession{fr: fr, conn: c}, nil
}

func (fr *flakyRelay) roll() int {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	return fr.rnd.IntN(10)
}

type flakySession struct {
	fr   *flakyRelay
	conn *smtp.Conn
}

func (s *flakySession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *flakySession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *flakySession) Reset()                               {}
func (s *flakySession) Logout() error                        { return nil }

func (s *flakySession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.fr.roll() < int(s.fr.bad.Load()) {
		switch s.fr.roll() % 4 {
		case 0: // hang past the sender's timeout
			select {
			case <-time.After(5 * time.Second):
			case <-s.fr.stop:
			}
			return &smtp.SMTPError{Code: 451, Message: "late"}
		case 1:
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		case 2:
			if s.fr.roll() < 2 {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "refused"}
			}
			return &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "full"}
		default: // drop after the data, before any answer
			s.conn.Conn().Close()
			return errors.New("dropped")
		}
	}
	m := outboxID.FindSubmatch(data)
	if m == nil {
		return &smtp.SMTPError{Code: 554, Message: "no outbox Message-ID"}
	}
	row, _ := strconv.ParseInt(string(m[2]), 10, 64)
	s.fr.mu.Lock()
	defer s.fr.mu.Unlock()
	if s.fr.accepted[row] == nil {
		s.fr.accepted[row] = map[string]int{}
	}
	s.fr.accepted[row][string(m[1])]++
	return nil
}

func (fr *flakyRelay) total() int {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	n := 0
	for _, ids := range fr.accepted {
		for _, c := range ids {
			n += c
		}
	}
	return n
}

// check compares the outbox rows with what the relay accepted: a row
// reached it under one Message-ID at most, the row's own, and a row marked
// sent reached it. It counts the rows sent, failed for good, and accepted
// more than once (a resend, under the same Message-ID).
func (fr *flakyRelay) check(t *testing.T, rows []outboxRow) (sent, failed, resent int) {
	t.Helper()
	fr.mu.Lock()
	defer fr.mu.Unlock()
	for _, r := range rows {
		ids := fr.accepted[r.id]
		if len(ids) > 1 {
			t.Errorf("row %d reached the relay under %d Message-IDs: %v", r.id, len(ids), ids)
		}
		for id, n := range ids {
			if id != r.messageID {
				t.Errorf("row %d: relay took %s, row keeps %s", r.id, id, r.messageID)
			}
			if n > 1 {
				resent++
			}
		}
		switch r.status {
		case "sent":
			sent++
			if len(ids) == 0 {
				t.Errorf("row %d marked sent, never accepted by the relay", r.id)
			}
		case "failed":
			failed++
		}
	}
	return sent, failed, resent
}

// outboxRow is what the test reads of an outbox row.
type outboxRow struct {
	id        int64
	status    string
	messageID string
}

func readOutbox(t *testing.T, db string) []outboxRow {
	t.Helper()
	h, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rows, err := h.Query(`SELECT id, status, message_id FROM outbox WHERE channel = 'email' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.id, &r.status, &r.messageID); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// SIGKILL while forms pour in and a flaky relay takes the mail, then a
// restart: every acknowledged form is stored, every outbox row ends sent
// or failed for good, and no row ever reached the relay under two
// Message-IDs (a resend after the crash is recognizably the same message).
func TestKillNineDuringMailLoadThenRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	relay, relayAddr := startFlakyRelay(t)
	relay.bad.Store(4)
	db := filepath.Join(t.TempDir(), "mailcrash.db")
	args := []string{"--intake-rate", "0", "--smtp", relayAddr, "--smtp-tls", "none",
		"--mail-timeout", "2s", "--mail-retry", "1s"}
	first := startServe(t, db, args...)
	url := "http://" + serveAddr(t, first.Args) + "/v1/contact"

	load := startFormLoad(url, 4, 25*time.Millisecond, func(w, i int) map[string]string { // a heavy day, not a flood
		return map[string]string{"email": fmt.Sprintf("relay%d.%d@example.com", w, i), "name": "Relay Test",
			"language": []string{"en", "es", "fr"}[i%3], "subject": "crash", "message": "kill -9 while mailing"}
	})
	// Kill once the relay has taken some mail and forms still pour in.
	load.waitFor(t, 150, 60*time.Second)
	for deadline := time.Now().Add(60 * time.Second); relay.total() < 20; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the relay accepted only %d messages", relay.total())
		}
	}
	killedAt := time.Now()
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	acked := load.stop()

	// Restart on the same database; the relay calms down a little.
	relay.bad.Store(2)
	startServe(t, db, args...)
	restartedAt := time.Now()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		queued := 0
		for _, r := range readOutbox(t, db) {
			if r.status != "sent" && r.status != "failed" {
				queued++
			}
		}
		if queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox rows still queued three minutes after the restart", queued)
		}
		time.Sleep(200 * time.Millisecond)
	}

	settled := time.Now()
	svc := openDB(t, db, clock.System{})
	bg := context.Background()
	svc.Store.Read(bg, func(r store.Reader) error {
		for _, ref := range acked {
			if _, err := r.TicketByRef(bg, ref); err != nil {
				t.Errorf("acknowledged %s lost: %v", ref, err)
			}
		}
		return nil
	})
	rows := readOutbox(t, db)
	sent, failed, resent := relay.check(t, rows)
	if len(rows) < len(acked) {
		t.Errorf("%d outbox rows for %d acknowledged forms", len(rows), len(acked))
	}
	t.Logf("%d forms acknowledged, %d rows: %d sent (%d accepted more than once, same Message-ID), %d failed for good; "+
		"all settled %v after the restart (%v after the kill)", len(acked), len(rows), sent, resent, failed,
		settled.Sub(restartedAt).Round(time.Millisecond), settled.Sub(killedAt).Round(time.Millisecond))
}
