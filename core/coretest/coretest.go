// Package coretest opens a real core on a temporary database for tests:
// fake clock, cheap Argon2 parameters, and a sender that keeps the codes.
package coretest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/clock"
	"supportdesk/core/secret"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
)

// Start is the fake clock's starting instant: a Wednesday.
var Start = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

// FastArgon keeps tests quick; production uses secret.DefaultArgon2.
var FastArgon = secret.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// Sender remembers the last code sent to each number.
type Sender struct {
	mu    sync.Mutex
	Codes map[string]string
	Sent  int
}

// SendOTP records the code.
func (s *Sender) SendOTP(_ context.Context, e164 string, _ account.Delivery, code, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Codes == nil {
		s.Codes = map[string]string{}
	}
	s.Codes[e164] = code
	s.Sent++
	return nil
}

// Last returns the last code sent to a number.
func (s *Sender) Last(e164 string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Codes[e164]
}

// Open opens a service on a temporary database.
func Open(t testing.TB) (*service.Service, *clock.Fake, *Sender) {
	t.Helper()
	c := clock.NewFake(Start)
	snd := &Sender{}
	path := filepath.Join(t.TempDir(), "test.db")
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.Open(context.Background(), st, service.Config{
		KeyPath: path + ".key", Clock: c, Sender: snd, Argon: FastArgon})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc, c, snd
}

// Totals are the row counts a refused request must leave unchanged, and
// the audit log's length (the head's sequence number).
type Totals struct{ Accounts, Tickets, Outbox, Audit int64 }

// Count reads the totals.
func Count(t testing.TB, svc *service.Service) Totals {
	t.Helper()
	var c Totals
	ctx := context.Background()
	err := svc.Store.Read(ctx, func(r store.Reader) error {
		var err error
		if c.Accounts, err = r.CountAccounts(ctx); err != nil {
			return err
		}
		if c.Tickets, err = r.CountTickets(ctx); err != nil {
			return err
		}
		if c.Outbox, err = r.OutboxCount(ctx); err != nil {
			return err
		}
		c.Audit, _, err = r.AuditHead(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Staff is a staff member a test created, signed in.
type Staff struct {
	staff.SignedIn
	Email    string
	Password string
	Secret   string // TOTP seed
}

// AddStaff creates a staff member through the operator and opens a session
// for it, as sign-in would.
func AddStaff(t testing.TB, svc *service.Service, in staff.NewAgent) Staff {
	t.Helper()
	ctx := context.Background()
	if in.Password == "" {
		in.Password = "correct horse battery staple"
	}
	if in.DisplayName == "" {
		in.DisplayName = string(in.Role) + " " + in.Email
	}
	p, err := svc.Staff.AddAgent(ctx, svc.Operator("test"), in)
	if err != nil {
		t.Fatalf("AddAgent(%s): %v", in.Email, err)
	}
	var si staff.SignedIn
	err = svc.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		si, err = svc.Staff.Issue(ctx, tx, p.AgentID, "tty", svc.Clock.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return Staff{SignedIn: si, Email: in.Email, Password: in.Password, Secret: p.Secret}
}
