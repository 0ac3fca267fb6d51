package storecopy_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/store/postgres"
	"supportdesk/core/store/postgres/pgtest"
	"supportdesk/core/store/sqlite"
	"supportdesk/core/store/storecopy"
	"supportdesk/core/ticket"
)

// testURL is the PostgreSQL server the tests use (see pgtest).
func testURL(t *testing.T) string { return pgtest.URL(t) }

// openTarget opens a PostgreSQL store in a schema of its own, dropped when
// the test ends.
func openTarget(t *testing.T, url string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(t.Context(), url, postgres.Options{Schema: pgtest.Schema(t, url, "copy"), MaxConns: 4})
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fastHash is a cheap Argon2id hash every seeded account shares.
const fastHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// desk is a SQLite desk made through the core.
type desk struct {
	path string
	svc  *service.Service
	now  time.Time
}

// seedDesk makes a SQLite desk with rows in every table: the demo seed
// (accounts, agents, tickets with their messages and SLA events, the audit
// trail), a staff session, and a row of each kind the seed does not make.
func seedDesk(t *testing.T) desk {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "desk.db")
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := clock.NewFake(coretest.Start)
	svc, err := service.Open(ctx, st, service.Config{KeyPath: path + ".key", Clock: c, Sender: &coretest.Sender{}, Argon: coretest.FastArgon})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, svc.Operator("test"),
		seed.Options{Accounts: 40, Seed: 7, Now: c.Now(), PasswordHash: fastHash}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Tickets(ctx, svc.Store, svc.Keys, seed.TicketOptions{Tickets: 120, Seed: 7, Now: c.Now(),
		Accounts: 40, Policy: svc.Tickets.Policy()}); err != nil {
		t.Fatal(err)
	}
	sup := coretest.Session(t, svc, "supervisor@demo.example")
	now := c.Now().Truncate(time.Millisecond)
	acct := func(i int) string { return seed.AccountID(7, i) }
	seal := func(s string) []byte { return svc.Keys.Seal([]byte(s), []byte("test")) }
	err = svc.Store.Write(ctx, func(tx store.Tx) error {
		steps := []error{
			tx.PutThrottle(ctx, store.Throttle{Key: "signin:ip:0a1b", Count: 2, WindowStart: now}),
			tx.Enqueue(ctx, &notify.Notification{CreatedAt: now, AccountID: acct(0), Channel: notify.ChannelEmail,
				Template: notify.TemplateNewDevice, Language: "fr", ToSealed: seal("a@example.com"),
				Data: map[string]string{"device": "Firefox, Linux"}, Status: notify.StatusQueued, NextAttempt: now}),
			tx.PutClosure(ctx, store.Closure{Day: "2026-12-24", Reason: "Nochebuena", CreatedBy: sup.AgentID, CreatedAt: now}),
			tx.InsertDualRequest(ctx, &store.DualRequest{Kind: "account.suspend", Target: acct(0), Reason: "fraude signalée",
				RequestedBy: sup.AgentID, RequestedAt: now, ExpiresAt: now.Add(24 * time.Hour), State: store.DualPending}),
			tx.PutIDV(ctx, store.IDV{AccountID: acct(1), Step: "document", IdentitySealed: seal("identity"), StartedAt: now, UpdatedAt: now}),
			tx.InsertIDVAttempt(ctx, &store.IDVAttempt{AccountID: acct(1), Step: "document", Reasons: []string{"doc_expired", "glare"}, At: now}),
			tx.PutEnrollment(ctx, store.Enrollment{AccountID: acct(1), Code: "2048102410241024", Status: "pending",
				CreatedAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour), UpdatedAt: now}),
			tx.InsertLetter(ctx, &store.Letter{AccountID: acct(2), CodeHash: []byte{1, 2, 3}, SentAt: now, ExpiresAt: now.Add(720 * time.Hour)}),
			tx.PutFraudReview(ctx, store.FraudReview{AccountID: acct(2), Status: "pending", OpenedAt: now}),
			tx.PutCallerCheck(ctx, store.CallerCheck{ID: "cc-1", SessionID: sup.SessionID, AccountID: acct(0), CodeHash: []byte{4, 5},
				CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)}),
			tx.InsertInbound(ctx, &store.Inbound{ReceivedAt: now, MessageID: "<m1@example.com>", FromFP: []byte{6, 7}, FromSealed: seal("b@example.com"),
				Subject: "Re: ¿ayuda?", BodySealed: seal("body"), Language: "es", Disposition: "held", Reason: "no_match"}),
			tx.InsertAgentKey(ctx, store.AgentKey{Fingerprint: "SHA256:copytest", AgentID: sup.AgentID,
				PublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG1vY2s=", CreatedAt: now, CreatedBy: sup.AgentID}),
			tx.PutReset(ctx, account.Reset{AccountID: acct(3), RequestedAt: now}),
			tx.PutOneTimeCode(ctx, &store.OneTimeCode{AccountID: acct(3), PhoneID: 1, Hash: []byte{8}, ExpiresAt: now.Add(10 * time.Minute)}),
		}
		if err := errors.Join(steps...); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(access.System, now, "test.extras", "store", "", ""))
	})
	if err != nil {
		t.Fatal(err)
	}
	return desk{path: path, svc: svc, now: now}
}

// rawSQLite opens the desk's file for the test's own reads.
func rawSQLite(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The tallies the target's triggers keep: not copied, compared.
var tallies = []string{"ticket_tally", "ticket_load", "ticket_due_cells", "ticket_due_assignees", "ticket_days"}

func TestCopy(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	d := seedDesk(t)
	ctx := context.Background()
	dst := openTarget(t, url)
	var progress []string
	rep, err := storecopy.Copy(ctx, d.path, dst, d.svc.Keys, storecopy.Options{
		Progress: func(table string, done, total int) { progress = append(progress, table) }})
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	src := rawSQLite(t, d.path)

	t.Run("every table row for row", func(t *testing.T) {
		var names []string
		var sum int64
		for _, tb := range rep.Tables {
			names = append(names, tb.Name)
			sum += tb.Rows
			if got := sqliteCount(t, src, tb.Name); got != tb.Rows {
				t.Errorf("%s: report says %d rows, SQLite has %d", tb.Name, tb.Rows, got)
			}
			compareTable(t, src, dst, tb.Name)
		}
		if sum != rep.Rows {
			t.Errorf("report: %d rows in all, tables sum to %d", rep.Rows, sum)
		}
		if !slices.Equal(names, progress) {
			t.Errorf("progress named %v, report %v", progress, names)
		}
		for _, want := range []string{"meta", "accounts", "emails", "agents", "audit_log", "tickets", "ticket_messages",
			"sla_events", "outbox", "closures", "staff_sessions", "dual_requests", "idv", "idv_attempts", "ipp_enrollments",
			"gpo_letters", "fraud_reviews", "caller_checks", "inbound_mail", "agent_keys", "throttles", "account_resets",
			"one_time_codes"} {
			i := slices.Index(names, want)
			if i < 0 {
				t.Errorf("table %s not copied", want)
				continue
			}
			if rep.Tables[i].Rows == 0 {
				t.Errorf("table %s: the seeded desk left it empty, so the test compares nothing", want)
			}
		}
		for _, name := range names {
			if slices.Contains(tallies, name) || strings.HasPrefix(name, "tickets_fts") || strings.HasPrefix(name, "sqlite_") {
				t.Errorf("%s copied: the target rebuilds it", name)
			}
		}
		// Parents before children: the foreign keys held as rows went in,
		// but the order is the plan's promise.
		before := func(a, b string) {
			if ia, ib := slices.Index(names, a), slices.Index(names, b); ia < 0 || ib < 0 || ia > ib {
				t.Errorf("%s copied after %s", a, b)
			}
		}
		before("accounts", "emails")
		before("agencies", "agency_links")
		before("tickets", "ticket_messages")
		before("agents", "staff_sessions")
	})

	t.Run("tallies rebuilt by the target", func(t *testing.T) {
		for _, name := range tallies {
			if !pgHasTable(t, dst, name) {
				t.Logf("%s: not a table on PostgreSQL", name)
				continue
			}
			compareTable(t, src, dst, name)
		}
	})

	t.Run("audit chain verifies", func(t *testing.T) {
		if rep.Audit.Break != nil {
			t.Fatalf("audit on the copy: %v", rep.Audit.Break)
		}
		if n := sqliteCount(t, src, "audit_log"); rep.Audit.Count != n || n == 0 {
			t.Errorf("verified %d entries, the log holds %d", rep.Audit.Count, n)
		}
		want, err := auditlog.Verify(ctx, d.svc.Store, d.svc.Keys, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Audit.Head.Seq != want.Head.Seq || !slices.Equal(rep.Audit.Head.Hash, want.Head.Hash) {
			t.Errorf("head on the copy %d %x, on SQLite %d %x", rep.Audit.Head.Seq, rep.Audit.Head.Hash, want.Head.Seq, want.Head.Hash)
		}
	})

	t.Run("identities continue after the copied ids", func(t *testing.T) {
		rows, err := dst.Pool().Query(ctx, `
			SELECT c.relname, a.attname, pg_get_serial_sequence(quote_ident(c.relname), a.attname)
			FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
			  AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`)
		if err != nil {
			t.Fatal(err)
		}
		type seq struct{ table, column, name string }
		var seqs []seq
		var s seq
		if _, err := pgx.ForEachRow(rows, []any{&s.table, &s.column, &s.name}, func() error {
			seqs = append(seqs, s)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(seqs) == 0 {
			t.Fatal("no identity column on PostgreSQL")
		}
		for _, s := range seqs {
			var last int64
			var called bool
			if err := dst.Pool().QueryRow(ctx, "SELECT last_value, is_called FROM "+s.name).Scan(&last, &called); err != nil {
				t.Fatal(err)
			}
			next := last
			if called {
				next++
			}
			var top int64
			q := "SELECT coalesce(max(" + pgx.Identifier{s.column}.Sanitize() + "), 0) FROM " + pgx.Identifier{s.table}.Sanitize()
			if err := dst.Pool().QueryRow(ctx, q).Scan(&top); err != nil {
				t.Fatal(err)
			}
			if next != top+1 {
				t.Errorf("%s.%s: next value %d, largest copied %d", s.table, s.column, next, top)
			}
		}
	})

	t.Run("reads match", func(t *testing.T) {
		compareReads(t, d, dst)
	})

	t.Run("the core carries on over the copy", func(t *testing.T) {
		c := clock.NewFake(d.now.Add(time.Hour))
		svc, err := service.Open(ctx, dst, service.Config{Keys: d.svc.Keys, Clock: c, Sender: &coretest.Sender{}, Argon: coretest.FastArgon})
		if err != nil {
			t.Fatalf("service on the copy: %v", err)
		}
		// Not svc.Close: the test's cleanup closes the store.
		coretest.AddStaff(t, svc, staff.NewAgent{Email: "new.agent@example.com", Role: access.RoleAgent,
			Languages: []string{"en"}, UILanguage: "en"})
		n, b := coretest.VerifyAudit(t, svc)
		if b != nil || n <= rep.Audit.Count {
			t.Errorf("after a write on the copy: %d entries verified, break %v", n, b)
		}
	})
}

// compareReads asks both stores the questions the board, the queue and
// search ask, and expects the same answers: the tallies the target's
// triggers built hold the source's counts.
func compareReads(t *testing.T, d desk, dst *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	now := d.now
	risk := now.Add(4 * time.Hour)
	words := searchWords(t, d)
	type answers struct {
		Tickets, Accounts int64
		Board             []store.BoardCell
		Load              []store.LoadRow
		Total, InTime     int
		Stats             store.QueueStats
		Queue             []int64
		QueueTotal        int
		Found             [][]int64
		Closures          []store.Closure
	}
	ask := func(st store.Store) answers {
		var a answers
		err := st.Read(ctx, func(r store.Reader) error {
			var err error
			if a.Tickets, err = r.CountTickets(ctx); err != nil {
				return fmt.Errorf("CountTickets: %w", err)
			}
			if a.Accounts, err = r.CountAccounts(ctx); err != nil {
				return fmt.Errorf("CountAccounts: %w", err)
			}
			if a.Board, err = r.BoardCells(ctx, now, risk); err != nil {
				return fmt.Errorf("BoardCells: %w", err)
			}
			if a.Load, err = r.Workload(ctx, now, risk, now.Add(-24*time.Hour)); err != nil {
				return fmt.Errorf("Workload: %w", err)
			}
			if a.Total, a.InTime, err = r.Attainment(ctx, now.Add(-30*24*time.Hour), now); err != nil {
				return fmt.Errorf("Attainment: %w", err)
			}
			if a.Stats, err = r.QueueStats(ctx, now, risk); err != nil {
				return fmt.Errorf("QueueStats: %w", err)
			}
			page, total, err := r.QueuePage(ctx, store.QueueQuery{
				Statuses: []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending}, Limit: 50})
			if err != nil {
				return fmt.Errorf("QueuePage: %w", err)
			}
			a.QueueTotal = total
			for _, tk := range page {
				a.Queue = append(a.Queue, tk.ID)
			}
			for _, w := range words {
				found, err := r.SearchTickets(ctx, []string{w}, 1000)
				if err != nil {
					return fmt.Errorf("SearchTickets: %w", err)
				}
				ids := make([]int64, 0, len(found))
				for _, tk := range found {
					ids = append(ids, tk.ID)
				}
				// Best first is each backend's own ranking: compare sets.
				slices.Sort(ids)
				a.Found = append(a.Found, ids)
			}
			a.Closures, err = r.Closures(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	want, got := ask(d.svc.Store), ask(dst)
	if want.Tickets == 0 || len(want.Board) == 0 || len(want.Queue) == 0 {
		t.Fatalf("the seeded desk has nothing to compare: %+v", want)
	}
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		if !reflect.DeepEqual(wv.Field(i).Interface(), gv.Field(i).Interface()) {
			t.Errorf("%s: SQLite %+v\nPostgreSQL %+v", wv.Type().Field(i).Name, wv.Field(i).Interface(), gv.Field(i).Interface())
		}
	}
	for i, ids := range want.Found {
		if len(ids) == 0 {
			t.Errorf("search %q found nothing on SQLite", words[i])
		}
	}
}

// searchWords are a few whole words of seeded subjects.
func searchWords(t *testing.T, d desk) []string {
	t.Helper()
	var out []string
	err := d.svc.Store.Read(context.Background(), func(r store.Reader) error {
		for _, id := range []int64{1, 2, 3} {
			tk, err := r.Ticket(context.Background(), id)
			if err != nil {
				return err
			}
			for _, w := range strings.Fields(tk.Subject) {
				if len(w) >= 4 && strings.IndexFunc(w, func(r rune) bool { return r > 'z' || r < 'A' }) < 0 {
					out = append(out, strings.ToLower(w))
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no plain word in the seeded subjects")
	}
	return out
}

func TestCopyRefusesATargetThatHoldsADesk(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	d := seedDesk(t)
	ctx := context.Background()

	t.Run("a copy already there", func(t *testing.T) {
		dst := openTarget(t, url)
		if _, err := storecopy.Copy(ctx, d.path, dst, d.svc.Keys, storecopy.Options{}); err != nil {
			t.Fatal(err)
		}
		before := pgCounts(t, dst)
		_, err := storecopy.Copy(ctx, d.path, dst, d.svc.Keys, storecopy.Options{})
		var ne *storecopy.NotEmptyError
		if !errors.As(err, &ne) {
			t.Fatalf("second copy: %v, want NotEmptyError", err)
		}
		if after := pgCounts(t, dst); !reflect.DeepEqual(before, after) {
			t.Errorf("the refused copy wrote: %v, then %v", before, after)
		}
	})

	t.Run("a desk opened on PostgreSQL", func(t *testing.T) {
		dst := openTarget(t, url)
		// Opening the core binds the key and writes the first audit entry.
		_, err := service.Open(ctx, dst, service.Config{Keys: d.svc.Keys, Sender: &coretest.Sender{}, Argon: coretest.FastArgon})
		if err != nil {
			t.Fatalf("service on PostgreSQL: %v", err)
		}
		before := pgCounts(t, dst)
		_, err = storecopy.Copy(ctx, d.path, dst, d.svc.Keys, storecopy.Options{})
		var ne *storecopy.NotEmptyError
		if !errors.As(err, &ne) || ne.Table != "audit_log" {
			t.Fatalf("copy over a bound desk: %v, want audit_log not empty", err)
		}
		if after := pgCounts(t, dst); !reflect.DeepEqual(before, after) {
			t.Errorf("the refused copy wrote: %v, then %v", before, after)
		}
	})
}

func TestCopyRefusesAnotherKeyFile(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	d := seedDesk(t)
	other, err := secret.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	dst := openTarget(t, url)
	_, err = storecopy.Copy(context.Background(), d.path, dst, other, storecopy.Options{})
	if fault.CodeOf(err) != fault.CodeKeyMismatch {
		t.Fatalf("copy with another key: %v, want key mismatch", err)
	}
	assertEmpty(t, dst)
}

func TestCopyRefusesWhatItCannotCarry(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		sql   string
		check func(error) bool
	}{
		{"an older schema", "PRAGMA user_version = 1", func(err error) bool {
			var se *storecopy.SchemaError
			return errors.As(err, &se) && se.Have == 1 && se.Want == sqlite.LatestVersion()
		}},
		{"a newer schema", fmt.Sprintf("PRAGMA user_version = %d", sqlite.LatestVersion()+1), func(err error) bool {
			return fault.CodeOf(err) == fault.CodeSchemaTooNew
		}},
		{"a table PostgreSQL lacks, with rows", "CREATE TABLE extra (x INTEGER); INSERT INTO extra VALUES (1)", func(err error) bool {
			var me *storecopy.MissingError
			return errors.As(err, &me) && me.Table == "extra" && me.Column == ""
		}},
		{"a column PostgreSQL lacks", "ALTER TABLE closures ADD COLUMN note TEXT NOT NULL DEFAULT ''", func(err error) bool {
			var me *storecopy.MissingError
			return errors.As(err, &me) && me.Table == "closures" && me.Column == "note"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := seedDesk(t)
			d.svc.Close()
			raw, err := sql.Open("sqlite3", d.path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			dst := openTarget(t, url)
			_, err = storecopy.Copy(ctx, d.path, dst, d.svc.Keys, storecopy.Options{})
			if !tc.check(err) {
				t.Fatalf("copy: %v", err)
			}
			assertEmpty(t, dst)
		})
	}
}

func TestCopySkipsAnEmptyTablePostgreSQLLacks(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	d := seedDesk(t)
	d.svc.Close()
	raw, err := sql.Open("sqlite3", d.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE extra (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	rep, err := storecopy.Copy(context.Background(), d.path, openTarget(t, url), d.svc.Keys, storecopy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range rep.Tables {
		if tb.Name == "extra" {
			t.Error("extra copied")
		}
	}
}

// compareTable expects the same rows in a table on both sides, over the
// columns both have (generated ones included: each side computes its own,
// and they must agree).
func compareTable(t *testing.T, src *sql.DB, dst *postgres.Store, table string) {
	t.Helper()
	ctx := context.Background()
	pgCols := map[string]bool{}
	rows, err := dst.Pool().Query(ctx, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		t.Fatal(err)
	}
	var c string
	if _, err := pgx.ForEachRow(rows, []any{&c}, func() error { pgCols[c] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	srows, err := src.Query(`SELECT name FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid`, table)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for srows.Next() {
		if err := srows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		if pgCols[c] {
			cols = append(cols, c)
		}
	}
	srows.Close()
	if len(cols) == 0 {
		t.Fatalf("%s: no column in common", table)
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	q := "SELECT " + strings.Join(quoted, ", ") + " FROM " + `"` + table + `"`

	var want []string
	srows, err = src.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for srows.Next() {
		if err := srows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		want = append(want, canonRow(vals))
	}
	if err := srows.Close(); err != nil {
		t.Fatal(err)
	}
	prows, err := dst.Pool().Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for prows.Next() {
		v, err := prows.Values()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, canonRow(v))
	}
	if err := prows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) != len(got) {
		t.Errorf("%s: %d rows on SQLite, %d on PostgreSQL", table, len(want), len(got))
	}
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			t.Errorf("%s (%s): first difference\nSQLite     %s\nPostgreSQL %s", table, strings.Join(cols, ", "), want[i], got[i])
			break
		}
	}
}

// canonRow writes a row's values so that the same value reads the same
// from either driver: integers of any width alike, bytes in hex.
func canonRow(vals []any) string {
	out := make([]string, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case nil:
			out[i] = "NULL"
		case int64:
			out[i] = strconv.FormatInt(v, 10)
		case int32:
			out[i] = strconv.FormatInt(int64(v), 10)
		case int16:
			out[i] = strconv.FormatInt(int64(v), 10)
		case string:
			out[i] = strconv.Quote(v)
		case []byte:
			out[i] = "x'" + hex.EncodeToString(v) + "'"
		default:
			out[i] = fmt.Sprintf("%T(%v)", v, v)
		}
	}
	return strings.Join(out, "|")
}

func sqliteCount(t *testing.T, db *sql.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func pgHasTable(t *testing.T, st *postgres.Store, table string) bool {
	t.Helper()
	var ok bool
	if err := st.Pool().QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, pgx.Identifier{table}.Sanitize()).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// pgCounts is every table's row count on PostgreSQL.
func pgCounts(t *testing.T, st *postgres.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	rows, err := st.Pool().Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, table := range tables {
		var n int64
		if err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// assertEmpty expects no row in any table but the schema version the
// store's migrations wrote.
func assertEmpty(t *testing.T, st *postgres.Store) {
	t.Helper()
	for table, n := range pgCounts(t, st) {
		if n != 0 && table != "schema_version" {
			t.Errorf("%s: %d rows written", table, n)
		}
	}
}

func TestCopyWritesNothingWhenATableFails(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	d := seedDesk(t)
	ctx := context.Background()

	t.Run("a row the target refuses", func(t *testing.T) {
		dst := openTarget(t, url)
		// closures come late in the plan: accounts, tickets and the audit
		// log went in before it.
		if _, err := dst.Pool().Exec(ctx, `ALTER TABLE closures ADD CONSTRAINT closures_no_christmas_eve CHECK (day <> '2026-12-24')`); err != nil {
			t.Fatal(err)
		}
		_, err := storecopy.Copy(ctx, d.path, dst, d.svc.Keys, storecopy.Options{})
		var te *storecopy.TableError
		if !errors.As(err, &te) || te.Table != "closures" {
			t.Fatalf("copy: %v, want a failure in closures", err)
		}
		if got := storecopy.Detail(err); !strings.Contains(got, "closures_no_christmas_eve") || strings.Contains(got, "2026-12-24") {
			t.Errorf("Detail: %q, want the constraint's name and no value", got)
		}
		assertEmpty(t, dst)
	})

	t.Run("interrupted", func(t *testing.T) {
		dst := openTarget(t, url)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		_, err := storecopy.Copy(cctx, d.path, dst, d.svc.Keys, storecopy.Options{Progress: func(table string, done, total int) {
			if table == "tickets" {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("copy: %v, want context.Canceled", err)
		}
		assertEmpty(t, dst)
	})
}
