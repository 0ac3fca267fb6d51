package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
)

// accountTables are the tables of schema 1, which mirror SQLite's.
var accountTables = []string{
	"agencies", "accounts", "emails", "phones", "mfa_methods", "backup_codes", "profiles", "agency_links",
	"devices", "events", "account_resets", "one_time_codes", "agents", "staff_sessions", "dual_requests",
	"idv", "idv_attempts", "ipp_enrollments", "gpo_letters", "fraud_reviews", "caller_checks", "agent_keys",
}

// TestAccountSchemaMirrorsSQLite: every table of schema 1 has SQLite's
// columns, in SQLite's order, with the same type, nullability and default,
// so that a copy moves rows between the backends without converting them.
func TestAccountSchemaMirrorsSQLite(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	lite, err := sql.Open("sqlite3", "file:"+t.TempDir()+"/mirror.db?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	lite.SetMaxOpenConns(1)
	if _, err := sqlite.Migrate(ctx, lite); err != nil {
		if strings.Contains(err.Error(), "no such module: fts5") {
			t.Skip("SQLite built without FTS5: run the tests with -tags sqlite_fts5")
		}
		t.Fatal(err)
	}
	s := openTemp(t, testURL(t), Options{})
	t.Cleanup(func() { s.Close() })

	liteType := map[string]string{"INTEGER": "bigint", "TEXT": "text", "BLOB": "bytea"}
	for _, table := range accountTables {
		var want []string
		rs, err := lite.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var name, typ string
			var notNull, pk int
			var def sql.NullString
			if err := rs.Scan(&name, &typ, &notNull, &def, &pk); err != nil {
				t.Fatal(err)
			}
			// A primary key holds no NULL in either backend, whatever
			// SQLite's table_info says of a rowid alias.
			want = append(want, column(name, liteType[typ], notNull == 1 || pk > 0, def.String))
		}
		if err := rs.Close(); err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("SQLite has no table %s", table)
		}

		pgRows, err := s.pool.Query(ctx, `SELECT column_name, data_type, is_nullable = 'NO', coalesce(column_default, '')
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for pgRows.Next() {
			var name, typ, def string
			var notNull bool
			if err := pgRows.Scan(&name, &typ, &notNull, &def); err != nil {
				t.Fatal(err)
			}
			got = append(got, column(name, typ, notNull, strings.TrimSuffix(def, "::text")))
		}
		if err := pgRows.Err(); err != nil {
			t.Fatal(err)
		}
		if g, w := strings.Join(got, "\n  "), strings.Join(want, "\n  "); g != w {
			t.Errorf("table %s:\n got (PostgreSQL)\n  %s\n want (SQLite)\n  %s", table, g, w)
		}
	}
}

func column(name, typ string, notNull bool, def string) string {
	null := "NULL"
	if notNull {
		null = "NOT NULL"
	}
	return fmt.Sprintf("%s %s %s DEFAULT %q", name, typ, null, def)
}

// TestAccountConflictsKeepTheTransaction: a taken key, or a missing
// account behind a child row, is reported without aborting the
// PostgreSQL transaction, so a caller that steps over it can go on and
// commit.
func TestAccountConflictsKeepTheTransaction(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, testURL(t), Options{})
	t.Cleanup(func() { s.Close() })
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	agent := access.Agent{ID: "agent-1", EmailSealed: []byte("s"), EmailFP: []byte("fp-agent"), DisplayName: "A",
		Role: access.RoleAgent, Languages: []string{"en"}, UILanguage: "en", PasswordHash: "h", TOTPSealed: []byte("t"), CreatedAt: t0}
	acct := account.Account{ID: "acct-1", CreatedAt: t0, EmailLanguage: "en", Status: account.StatusActive, IAL: 1, PasswordHash: "h"}
	session := store.StaffSession{ID: "s1", TokenHash: []byte("tok"), AgentID: "agent-1", Kind: "tty", CreatedAt: t0, ActiveAt: t0}
	key := store.AgentKey{Fingerprint: "SHA256:k", AgentID: "agent-1", PublicKey: "ssh-ed25519 AAAA", CreatedAt: t0, CreatedBy: "x"}
	if err := s.Write(ctx, func(tx store.Tx) error {
		return errors.Join(tx.InsertAccount(ctx, acct), tx.InsertAgent(ctx, agent), tx.InsertStaffSession(ctx, session),
			tx.InsertAgentKey(ctx, key), tx.InsertEmail(ctx, &account.Email{AccountID: "acct-1", Sealed: []byte("e"), FP: []byte("fp-a"), CreatedAt: t0}))
	}); err != nil {
		t.Fatal(err)
	}

	err := s.Write(ctx, func(tx store.Tx) error {
		for _, c := range []struct {
			what string
			err  error
			code fault.Code
		}{
			{"InsertAccount", tx.InsertAccount(ctx, acct), fault.CodeConflict},
			{"InsertAgent", tx.InsertAgent(ctx, agent), fault.CodeConflict},
			{"InsertStaffSession", tx.InsertStaffSession(ctx, session), fault.CodeConflict},
			{"InsertAgentKey", tx.InsertAgentKey(ctx, key), fault.CodeConflict},
			{"InsertEmail", tx.InsertEmail(ctx, &account.Email{AccountID: "acct-1", Sealed: []byte("e"), FP: []byte("fp-a"), CreatedAt: t0}), fault.CodeConflict},
			{"InsertEvent of no account", tx.InsertEvent(ctx, &account.Event{AccountID: "nobody", Kind: account.EventSignIn, At: t0}), fault.CodeConflict},
			{"PutReset of no account", tx.PutReset(ctx, account.Reset{AccountID: "nobody", RequestedAt: t0}), fault.CodeConflict},
			{"PutBackupCodes of no account", tx.PutBackupCodes(ctx, "nobody", []account.BackupCode{{Index: 0, Hash: []byte("h")}}), fault.CodeConflict},
			{"PutIDV of no account", tx.PutIDV(ctx, store.IDV{AccountID: "nobody", Step: "document"}), fault.CodeNotFound},
			{"InsertLetter of no account", tx.InsertLetter(ctx, &store.Letter{AccountID: "nobody", CodeHash: []byte("c")}), fault.CodeNotFound},
		} {
			if got := fault.CodeOf(c.err); got != c.code {
				t.Errorf("%s: got %v (code %s), want %s", c.what, c.err, got, c.code)
			}
		}
		// The transaction is still usable.
		return tx.InsertEvent(ctx, &account.Event{AccountID: "acct-1", Kind: account.EventSignIn, At: t0})
	})
	if err != nil {
		t.Fatalf("Write after stepping over conflicts: %v", err)
	}
	if err := s.Read(ctx, func(r store.Reader) error {
		evs, err := r.Events(ctx, "acct-1", -1) // a negative limit is none, as in SQLite
		if len(evs) != 1 || err != nil {
			t.Errorf("Events = %d, %v; want the one committed", len(evs), err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestAccountKeyReadsLock: a row a write transaction reads by its key is
// locked to commit, so a second writer reading it waits and then sees the
// first one's change; a read-only snapshot never waits.
func TestAccountKeyReadsLock(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, testURL(t), Options{MaxConns: 4})
	t.Cleanup(func() { s.Close() })
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	var dualID int64
	agent := access.Agent{ID: "agent-1", EmailSealed: []byte("s"), EmailFP: []byte("fp-agent"), DisplayName: "A",
		Role: access.RoleSupervisor, Languages: []string{"en"}, UILanguage: "en", PasswordHash: "h", TOTPSealed: []byte("t"), CreatedAt: t0}
	if err := s.Write(ctx, func(tx store.Tx) error {
		dual := store.DualRequest{Kind: "account.suspend", Target: "acct-1", Reason: "r", RequestedBy: "agent-1",
			RequestedAt: t0, ExpiresAt: t0.Add(time.Hour), State: store.DualPending}
		err := errors.Join(
			tx.InsertAccount(ctx, account.Account{ID: "acct-1", CreatedAt: t0, EmailLanguage: "en", Status: account.StatusActive, IAL: 1, PasswordHash: "h"}),
			tx.InsertAgent(ctx, agent),
			tx.PutProfile(ctx, account.Profile{AccountID: "acct-1", State: account.ProfileActive}),
			tx.PutReset(ctx, account.Reset{AccountID: "acct-1", RequestedAt: t0}),
			tx.PutOneTimeCode(ctx, &store.OneTimeCode{AccountID: "acct-1", PhoneID: 1, Hash: []byte("h"), ExpiresAt: t0}),
			tx.PutIDV(ctx, store.IDV{AccountID: "acct-1", Step: "document", StartedAt: t0, UpdatedAt: t0}),
			tx.PutEnrollment(ctx, store.Enrollment{AccountID: "acct-1", Code: "1", Status: "pending", CreatedAt: t0, ExpiresAt: t0, UpdatedAt: t0}),
			tx.PutFraudReview(ctx, store.FraudReview{AccountID: "acct-1", Status: "pending", OpenedAt: t0}),
			tx.PutCallerCheck(ctx, store.CallerCheck{ID: "cc-1", SessionID: "s1", CodeHash: []byte("c"), CreatedAt: t0, ExpiresAt: t0}),
			tx.InsertStaffSession(ctx, store.StaffSession{ID: "s1", TokenHash: []byte("tok"), AgentID: "agent-1", Kind: "tty", CreatedAt: t0, ActiveAt: t0}),
			tx.InsertAgentKey(ctx, store.AgentKey{Fingerprint: "SHA256:k", AgentID: "agent-1", PublicKey: "k", CreatedAt: t0, CreatedBy: "x"}),
			tx.InsertDualRequest(ctx, &dual))
		dualID = dual.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	reads := []struct {
		what string
		read func(r store.Reader) error
	}{
		{"Account", func(r store.Reader) error { _, err := r.Account(ctx, "acct-1"); return err }},
		{"Profile", func(r store.Reader) error { _, err := r.Profile(ctx, "acct-1"); return err }},
		{"Reset", func(r store.Reader) error { _, err := r.Reset(ctx, "acct-1"); return err }},
		{"OneTimeCode", func(r store.Reader) error { _, err := r.OneTimeCode(ctx, "acct-1"); return err }},
		{"IDV", func(r store.Reader) error { _, err := r.IDV(ctx, "acct-1"); return err }},
		{"Enrollment", func(r store.Reader) error { _, err := r.Enrollment(ctx, "acct-1"); return err }},
		{"FraudReview", func(r store.Reader) error { _, err := r.FraudReview(ctx, "acct-1"); return err }},
		{"CallerCheck", func(r store.Reader) error { _, err := r.CallerCheck(ctx, "cc-1"); return err }},
		{"StaffSession", func(r store.Reader) error { _, err := r.StaffSession(ctx, []byte("tok")); return err }},
		{"Agent", func(r store.Reader) error { _, err := r.Agent(ctx, "agent-1"); return err }},
		{"AgentByEmail", func(r store.Reader) error { _, err := r.AgentByEmail(ctx, []byte("fp-agent")); return err }},
		{"AgentKey", func(r store.Reader) error { _, err := r.AgentKey(ctx, "SHA256:k"); return err }},
		{"DualRequest", func(r store.Reader) error { _, err := r.DualRequest(ctx, dualID); return err }},
	}
	for _, c := range reads {
		held, release, firstDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			firstDone <- s.Write(ctx, func(tx store.Tx) error {
				err := c.read(tx)
				close(held)
				<-release
				return err
			})
		}()
		<-held
		// A snapshot reads through the lock.
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := s.Read(rctx, c.read); err != nil {
			t.Errorf("%s: Read while a writer holds the row: %v", c.what, err)
		}
		cancel()
		secondDone := make(chan error, 1)
		go func() { secondDone <- s.Write(ctx, func(tx store.Tx) error { return c.read(tx) }) }()
		select {
		case err := <-secondDone:
			t.Errorf("%s: a second writer read the row (%v) while the first held it", c.what, err)
			secondDone <- err
		case <-time.After(150 * time.Millisecond):
		}
		close(release)
		if err := <-firstDone; err != nil {
			t.Errorf("%s: first writer: %v", c.what, err)
		}
		select {
		case err := <-secondDone:
			if err != nil {
				t.Errorf("%s: second writer: %v", c.what, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the second writer still waits after the first committed", c.what)
		}
	}
}

// TestAccountUpdatesTakeTurns: two writers that each read an account and
// update it from what they read both succeed, one after the other, and
// neither change is lost.
func TestAccountUpdatesTakeTurns(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, testURL(t), Options{MaxConns: 8})
	t.Cleanup(func() { s.Close() })
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	if err := s.Write(ctx, func(tx store.Tx) error {
		return tx.InsertAccount(ctx, account.Account{ID: "acct-1", CreatedAt: t0, EmailLanguage: "en", Status: account.StatusActive, IAL: 1, PasswordHash: "h"})
	}); err != nil {
		t.Fatal(err)
	}
	const writers = 6
	errs := make(chan error, writers)
	for range writers {
		go func() {
			errs <- s.Write(ctx, func(tx store.Tx) error {
				a, err := tx.Account(ctx, "acct-1")
				if err != nil {
					return err
				}
				a.FailedSignIns++
				return tx.UpdateAccount(ctx, &a)
			})
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Errorf("writer: %v", err)
		}
	}
	if err := s.Read(ctx, func(r store.Reader) error {
		a, err := r.Account(ctx, "acct-1")
		if a.FailedSignIns != writers || a.Version != writers+1 {
			t.Errorf("after %d writers: FailedSignIns %d, Version %d; want %d, %d", writers, a.FailedSignIns, a.Version, writers, writers+1)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestAccountSweepsSkipWhatChanged: a sweep that lists requests or
// enrollments in a write waits for a writer holding one of them, then
// checks it again and leaves it out when it no longer qualifies: a reset
// cancelled, an enrollment passed while the sweep waited.
func TestAccountSweepsSkipWhatChanged(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, testURL(t), Options{MaxConns: 4})
	t.Cleanup(func() { s.Close() })
	t0 := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	if err := s.Write(ctx, func(tx store.Tx) error {
		var errs []error
		for _, id := range []string{"acct-1", "acct-2"} {
			errs = append(errs,
				tx.InsertAccount(ctx, account.Account{ID: id, CreatedAt: t0, EmailLanguage: "en", Status: account.StatusResetPending, IAL: 1, PasswordHash: "h"}),
				tx.PutReset(ctx, account.Reset{AccountID: id, RequestedAt: t0}),
				tx.PutEnrollment(ctx, store.Enrollment{AccountID: id, Code: id, Status: "pending", CreatedAt: t0, ExpiresAt: t0, UpdatedAt: t0}))
		}
		return errors.Join(errs...)
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what   string
		change func(tx store.Tx) error // on acct-1, by a user
		sweep  func(tx store.Tx) ([]string, error)
	}{
		{"ResetsDue", func(tx store.Tx) error {
			if _, err := tx.Account(ctx, "acct-1"); err != nil {
				return err
			}
			r, err := tx.Reset(ctx, "acct-1")
			if err != nil {
				return err
			}
			r.CancelledAt, r.CancelledBy = t0.Add(time.Minute), "sign_in"
			return tx.PutReset(ctx, *r)
		}, func(tx store.Tx) ([]string, error) {
			rs, err := tx.ResetsDue(ctx, t0.Add(time.Hour), 10)
			var ids []string
			for _, r := range rs {
				ids = append(ids, r.AccountID)
			}
			return ids, err
		}},
		{"EnrollmentsLapsed", func(tx store.Tx) error {
			e, err := tx.Enrollment(ctx, "acct-1")
			if err != nil {
				return err
			}
			e.Status = "passed"
			return tx.PutEnrollment(ctx, *e)
		}, func(tx store.Tx) ([]string, error) {
			es, err := tx.EnrollmentsLapsed(ctx, t0.Add(time.Hour), 10)
			var ids []string
			for _, e := range es {
				ids = append(ids, e.AccountID)
			}
			return ids, err
		}},
	} {
		held, release, userDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			userDone <- s.Write(ctx, func(tx store.Tx) error {
				err := c.change(tx)
				close(held)
				<-release
				return err
			})
		}()
		<-held
		var listed []string
		sweepDone := make(chan error, 1)
		go func() {
			sweepDone <- s.Write(ctx, func(tx store.Tx) (err error) {
				listed, err = c.sweep(tx)
				return err
			})
		}()
		select {
		case err := <-sweepDone:
			t.Errorf("%s: the sweep listed (%v) while a writer held a row it lists", c.what, err)
			sweepDone <- err
		case <-time.After(150 * time.Millisecond):
		}
		close(release)
		if err := <-userDone; err != nil {
			t.Fatalf("%s: user: %v", c.what, err)
		}
		if err := <-sweepDone; err != nil {
			t.Fatalf("%s: sweep: %v", c.what, err)
		}
		if strings.Join(listed, ",") != "acct-2" {
			t.Errorf("%s listed %q after acct-1 changed; want acct-2 alone", c.what, listed)
		}
	}
}
