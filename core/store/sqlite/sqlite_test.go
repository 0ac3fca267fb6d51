package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/store"
	"supportdesk/core/store/storetest"
)

func openTemp(t *testing.T, opt Options) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "desk.db"), opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t, Options{}) })
}

// A pool of one read connection must still serve reads: statements are
// prepared inside the transaction, never on a second connection.
func TestConformanceOneReadConn(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t, Options{ReadConns: 1}) })
}

func TestMigrationsAppliedOnOpen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "desk.db")
	if LatestVersion() < 1 {
		t.Fatalf("LatestVersion = %d, want at least 1", LatestVersion())
	}
	for i := range 2 { // a second open finds nothing to do
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		var v int
		if err := s.Raw().QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != LatestVersion() {
			t.Errorf("open #%d: user_version = %d, want %d", i+1, v, LatestVersion())
		}
		if sv, err := s.SchemaVersion(ctx); sv != v || err != nil {
			t.Errorf("SchemaVersion = %d, %v; want %d", sv, err, v)
		}
		if res, err := s.IntegrityCheck(ctx); res != "ok" || err != nil {
			t.Errorf("IntegrityCheck = %q, %v", res, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSchemaTooNewRefused(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "desk.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Raw().ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", LatestVersion()+1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path, Options{})
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a schema newer than the binary")
	}
	if fault.CodeOf(err) != fault.CodeSchemaTooNew {
		t.Errorf("Open = %v, want code %s", err, fault.CodeSchemaTooNew)
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{ReadConns: 3})
	defer s.Close()
	want := map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "10000",
	}
	check := func(t *testing.T, c *sql.Conn, extra map[string]string) {
		t.Helper()
		for _, m := range []map[string]string{want, extra} {
			for p, w := range m {
				var got string
				if err := c.QueryRowContext(ctx, "PRAGMA "+p).Scan(&got); err != nil {
					t.Fatalf("PRAGMA %s: %v", p, err)
				}
				if strings.ToLower(got) != w {
					t.Errorf("PRAGMA %s = %s, want %s", p, got, w)
				}
			}
		}
	}
	t.Run("write", func(t *testing.T) {
		c, err := s.w.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// NORMAL: the syncer, not the commit, syncs the WAL (durable_test.go).
		check(t, c, map[string]string{"query_only": "0", "synchronous": "1"})
	})
	t.Run("read", func(t *testing.T) {
		// Hold every pooled connection at once so each is a distinct one.
		var conns []*sql.Conn
		for range 3 {
			c, err := s.r.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			// FULL: the checkpointer, on a reader's settings, syncs the WAL
			// before copying it out and the database file after.
			check(t, c, map[string]string{"query_only": "1", "synchronous": "2"})
			c.Close()
		}
	})
}

// auditStore returns a store with five chained entries.
func auditStore(t *testing.T) *Store {
	t.Helper()
	s := openTemp(t, Options{})
	t.Cleanup(func() { s.Close() })
	at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	actor := access.Actor{ID: "agent-1", Role: access.RoleAgent, Session: "s1"}
	for i := range 5 {
		err := s.Write(t.Context(), func(tx store.Tx) error {
			return tx.AppendAudit(t.Context(), audit.Record(actor, at.Add(time.Duration(i)*time.Minute),
				"account.view", "account", fmt.Sprintf("acct-%d", i+1), fmt.Sprintf("detail %d", i+1)))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// verifyStored runs the verifier over the stored log and head.
func verifyStored(t *testing.T, s *Store) *audit.Break {
	t.Helper()
	var v audit.Verifier
	var brk *audit.Break
	err := s.Read(t.Context(), func(r store.Reader) error {
		if err := r.AuditScan(t.Context(), func(e audit.Entry) error {
			brk = v.Add(e)
			return nil
		}); err != nil {
			return err
		}
		seq, hash, err := r.AuditHead(t.Context())
		if err != nil {
			return err
		}
		brk = v.Finish(seq, hash)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return brk
}

func TestAuditTampering(t *testing.T) {
	t.Parallel()
	const contentCols = `at, actor_id, actor_role, session, action, target_type, target_id, detail, prev_hash, hash`
	tests := []struct {
		name   string
		tamper []string
		want   *audit.Break
	}{
		{"intact", nil, nil},
		{"edited detail", []string{`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3`},
			&audit.Break{Seq: 3, Reason: "edited"}},
		{"edited time", []string{`UPDATE audit_log SET at = at + 1 WHERE seq = 2`},
			&audit.Break{Seq: 2, Reason: "edited"}},
		{"rehashed row", []string{`UPDATE audit_log SET hash = zeroblob(32) WHERE seq = 4`},
			&audit.Break{Seq: 4, Reason: "edited"}},
		{"deleted middle row", []string{`DELETE FROM audit_log WHERE seq = 3`},
			&audit.Break{Seq: 4, Reason: "missing_before"}},
		{"swapped rows", []string{
			`CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN (2, 3)`,
			`UPDATE audit_log SET (` + contentCols + `) = (SELECT ` + contentCols + ` FROM swap WHERE swap.seq = 5 - audit_log.seq) WHERE seq IN (2, 3)`,
			`DROP TABLE swap`,
		}, &audit.Break{Seq: 2, Reason: "reordered"}},
		{"deleted last row", []string{`DELETE FROM audit_log WHERE seq = 5`},
			&audit.Break{Seq: 5, Reason: "tail_missing"}},
		{"edited last row", []string{`UPDATE audit_log SET detail = 'x' WHERE seq = 5`},
			&audit.Break{Seq: 5, Reason: "edited"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := auditStore(t)
			c, err := s.Raw().Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range tc.tamper {
				if _, err := c.ExecContext(t.Context(), q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			c.Close()
			got := verifyStored(t, s)
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Errorf("verify = %v, want %v", got, tc.want)
			}
		})
	}
}

// A panic inside a write must not leave the only writer connection inside
// an open transaction.
func TestWritePanicReleasesWriter(t *testing.T) {
	t.Parallel()
	s := openTemp(t, Options{})
	defer s.Close()
	func() {
		defer func() { recover() }()
		s.Write(t.Context(), func(tx store.Tx) error {
			if err := tx.PutMeta(t.Context(), "k", []byte("v")); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := s.Write(ctx, func(tx store.Tx) error {
		_, err := tx.Meta(ctx, "k")
		if fault.CodeOf(err) != fault.CodeNotFound {
			t.Errorf("Meta after a panicked write = %v, want not found", err)
		}
		return nil
	}); err != nil {
		t.Fatalf("Write after a panicked write: %v", err)
	}
}

// Every connection of a store keeps temporary data in memory (see
// driverName), the writer's and the readers'.
func TestConnectionsKeepTempInMemory(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{ReadConns: 2})
	defer s.Close()
	for name, db := range map[string]*sql.DB{"writer": s.w, "reader": s.r} {
		var v int
		if err := db.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&v); err != nil || v != 2 {
			t.Errorf("%s: temp_store %d (2 is memory): %v", name, v, err)
		}
	}
}

// openFile opens a store on a new file, closed when the test ends, and
// gives the file's path.
func openFile(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "desk.db")
	s, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// The writer connection never checkpoints (its commits sync the WAL only);
// the store's checkpointer folds the WAL into the database file on its
// own connection, soon after commits, while the store stays open.
func TestCheckpointerFoldsTheWALBesideTheWriter(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, path := openFile(t)
	var auto int
	if err := s.Raw().QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil {
		t.Fatal(err)
	}
	if auto != 0 {
		t.Errorf("writer's wal_autocheckpoint = %d, want 0", auto)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	for i := range 20 {
		err := s.Write(ctx, func(tx store.Tx) error {
			return tx.PutMeta(ctx, fmt.Sprintf("blob-%d", i), make([]byte, 64*1024))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for size() < before+20*64*1024 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes, %d before 1.3 MB of commits: no checkpoint while open", size(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Under writes that never pause, with readers on the WAL, the log still
// starts over once it passes the restart size, instead of growing for as
// long as the load lasts (each new page of a growing WAL costs the
// writer a fresh page of the file, and every read a longer WAL index).
func TestWALStartsOverUnderUnbrokenWrites(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, _ := openFile(t)
	s.ck.mu.Lock()
	s.ck.restartPages = 256 // 1 MiB
	s.ck.mu.Unlock()
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			s.Read(ctx, func(r store.Reader) error {
				_, err := r.Meta(ctx, "blob-0")
				return err
			})
		}
	}()
	defer func() { close(stop); readers.Wait() }()
	// One writer that never pauses, as intake's: a transaction begins as
	// soon as the last commits (WriteAsync), so a checkpoint that waits
	// its turn for the write lock (polling it) all but never gets it.
	var waits []func() error
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; s.ck.restarts.Load() < 3; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("the WAL started over %d times in 5 s of unbroken writes, want 3", s.ck.restarts.Load())
		}
		wait, err := s.WriteAsync(ctx, func(tx store.Tx) error {
			time.Sleep(5 * time.Millisecond) // a batch's work: the lock is free only between batches
			return tx.PutMeta(ctx, fmt.Sprintf("blob-%d", i%500), make([]byte, 64*1024))
		})
		if err != nil {
			t.Fatal(err)
		}
		waits = append(waits, wait)
	}
	for _, w := range waits {
		if err := w(); err != nil {
			t.Fatal(err)
		}
	}
}

// While checkpoints are held (bench intake's raw commit rate is measured
// so), the writer goes on and its commits stay in the WAL: the database
// file does not grow. Once released, the checkpointer folds them in.
func TestHoldCheckpointsKeepsTheDatabaseFileStill(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, path := openFile(t)
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	release := s.HoldCheckpoints()
	before := size()
	for i := range 32 {
		if err := s.Write(ctx, func(tx store.Tx) error {
			return tx.PutMeta(ctx, fmt.Sprintf("blob-%d", i), make([]byte, 64*1024))
		}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(3 * checkpointEvery) // turns the checkpointer would have taken
	if got := size(); got != before {
		t.Fatalf("the database file went from %d to %d bytes while checkpoints were held", before, got)
	}
	release()
	deadline := time.Now().Add(5 * time.Second)
	for size() < before+2<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is %d bytes 5 s after the release, want at least %d", size(), before+2<<20)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
