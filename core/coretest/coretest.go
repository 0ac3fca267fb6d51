// Package coretest opens a real core on a temporary database for tests:
// fake clock, cheap Argon2 parameters, and a sender that keeps the codes.
package coretest

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
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

// Open opens a service on a temporary database. Options adjust the
// configuration before the service opens (session limits, for example).
func Open(t testing.TB, opts ...func(*service.Config)) (*service.Service, *clock.Fake, *Sender) {
	t.Helper()
	svc, _, c, snd := OpenSQLite(t, opts...)
	return svc, c, snd
}

// OpenSQLite is Open that also returns the SQLite backend it opened, for
// tests that look at the raw database (svc.Store is the store interface).
func OpenSQLite(t testing.TB, opts ...func(*service.Config)) (*service.Service, *sqlite.Store, *clock.Fake, *Sender) {
	t.Helper()
	c := clock.NewFake(Start)
	snd := &Sender{}
	path := filepath.Join(t.TempDir(), "test.db")
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := service.Config{KeyPath: path + ".key", Clock: c, Sender: snd, Argon: FastArgon}
	for _, o := range opts {
		o(&cfg)
	}
	svc, err := service.Open(context.Background(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc, st, c, snd
}

// LongSessions keeps staff sessions open for a year, idle or not, for
// tests whose clock jumps days while one agent works.
func LongSessions(cfg *service.Config) {
	cfg.Limits = staff.Limits{Idle: 365 * 24 * time.Hour, Max: 365 * 24 * time.Hour}
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
	s := Issue(t, svc, p.AgentID)
	s.Email, s.Password, s.Secret = in.Email, in.Password, p.Secret
	return s
}

// Issue opens a session for an existing agent, as sign-in would.
func Issue(t testing.TB, svc *service.Service, agentID string) Staff {
	t.Helper()
	ctx := context.Background()
	var si staff.SignedIn
	err := svc.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		si, err = svc.Staff.Issue(ctx, tx, agentID, "tty", svc.Clock.Now())
		return err
	})
	if err != nil {
		t.Fatalf("Issue(%s): %v", agentID, err)
	}
	return Staff{SignedIn: si}
}

// AgentID finds an agent by email; ok is false when there is none.
func AgentID(t testing.TB, svc *service.Service, email string) (id string, ok bool) {
	t.Helper()
	ctx := context.Background()
	norm, err := account.NormalizeEmail(email)
	if err != nil {
		t.Fatal(err)
	}
	err = svc.Store.Read(ctx, func(r store.Reader) error {
		ag, err := r.AgentByEmail(ctx, svc.Keys.Fingerprint("agent_email", norm))
		if fault.CodeOf(err) == fault.CodeNotFound {
			return nil
		}
		id, ok = ag.ID, err == nil
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, ok
}

// Session opens a session for the existing agent with the email (a seeded
// demo agent, say).
func Session(t testing.TB, svc *service.Service, email string) Staff {
	t.Helper()
	id, ok := AgentID(t, svc, email)
	if !ok {
		t.Fatalf("no agent %s", email)
	}
	s := Issue(t, svc, id)
	s.Email = email
	return s
}

// VerifyAudit walks the whole audit log and checks its hash chain against
// the stored head, as desk.VerifyAudit did before it moved out of the
// desk. It returns how many entries verified and the first break (nil
// when the chain holds).
func VerifyAudit(t testing.TB, svc *service.Service) (int64, *audit.Break) {
	t.Helper()
	rep, err := auditlog.Verify(context.Background(), svc.Store, svc.Keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Count, rep.Break
}

// CallerCode opens the newest caller-verification code queued for an
// account, and the channel it goes by: what the caller reads on its side.
func CallerCode(t testing.TB, svc *service.Service, accountID string) (string, notify.Channel) {
	t.Helper()
	ctx := context.Background()
	var rows []notify.Notification
	if err := svc.Store.Read(ctx, func(r store.Reader) error {
		var err error
		rows, err = r.Outbox(ctx, accountID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Template != notify.TemplateCallerCode {
			continue
		}
		raw, err := hex.DecodeString(rows[i].Data["code_sealed"])
		if err != nil {
			t.Fatal(err)
		}
		plain, err := svc.Keys.Open(raw, authn.ContactAAD(accountID))
		if err != nil {
			t.Fatal(err)
		}
		return string(plain), rows[i].Channel
	}
	t.Fatal("no caller code queued")
	return "", ""
}
