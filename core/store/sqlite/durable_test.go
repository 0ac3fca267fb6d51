package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// gatedSync replaces the syncer's fsync: each call records the file and
// waits for the test to let it finish with the error given.
type gatedSync struct {
	mu      sync.Mutex
	files   []string
	started chan struct{}
	finish  chan error
	open    chan struct{} // closed when the test ends: no fsync waits any more
}

// gate opens a store whose fsyncs wait for the test; when the test ends
// they no longer wait, and the store closes.
func gate(t *testing.T) (*Store, *gatedSync) {
	s := openTemp(t, Options{})
	t.Cleanup(func() { s.Close() })
	g := &gatedSync{started: make(chan struct{}, 100), finish: make(chan error), open: make(chan struct{})}
	t.Cleanup(func() { close(g.open) })
	s.dur.mu.Lock()
	s.dur.sync = func(f *os.File) error {
		g.mu.Lock()
		g.files = append(g.files, f.Name())
		g.mu.Unlock()
		g.started <- struct{}{}
		select {
		case err := <-g.finish:
			return err
		case <-g.open:
			return nil
		}
	}
	s.dur.mu.Unlock()
	return s, g
}

func (g *gatedSync) calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.files)
}

func putMeta(key string) func(store.Tx) error {
	return func(tx store.Tx) error { return tx.PutMeta(context.Background(), key, []byte("v")) }
}

func hasMeta(t *testing.T, s *Store, key string) bool {
	t.Helper()
	var v []byte
	err := s.Read(t.Context(), func(r store.Reader) (err error) {
		v, err = r.Meta(t.Context(), key)
		return err
	})
	if err != nil && fault.CodeOf(err) != fault.CodeNotFound {
		t.Fatal(err)
	}
	return v != nil
}

// A write is reported done only once the WAL has been synced past it,
// though readers see it as soon as it commits.
func TestWriteReturnsOnlyOnceTheWALIsSynced(t *testing.T) {
	t.Parallel()
	s, g := gate(t)
	done := make(chan error, 1)
	go func() { done <- s.Write(t.Context(), putMeta("k1")) }()
	<-g.started
	if !hasMeta(t, s, "k1") {
		t.Fatal("the commit is not visible while its fsync runs")
	}
	select {
	case err := <-done:
		t.Fatalf("Write returned (%v) before the WAL was synced", err)
	case <-time.After(50 * time.Millisecond):
	}
	g.finish <- nil
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if g.calls() != 1 || filepath.Base(g.files[0]) != "desk.db-wal" {
		t.Fatalf("synced %v, want the WAL once", g.files)
	}
}

// One fsync covers every commit made before it started; the writer does
// not wait for it between commits.
func TestOneFsyncCoversTheCommitsBeforeIt(t *testing.T) {
	t.Parallel()
	s, g := gate(t)
	var waits []func() error
	for _, k := range []string{"a", "b", "c", "d"} {
		w, err := s.WriteAsync(t.Context(), putMeta(k))
		if err != nil {
			t.Fatal(err)
		}
		waits = append(waits, w)
	}
	if g.calls() != 0 {
		t.Fatalf("%d fsyncs before anyone waited", g.calls())
	}
	errs := make(chan error, len(waits))
	for _, w := range waits {
		go func() { errs <- w() }()
	}
	<-g.started
	g.finish <- nil
	for range waits {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if g.calls() != 1 {
		t.Fatalf("%d fsyncs for four commits written before the first, want 1", g.calls())
	}
	// A commit made while an fsync runs waits for the next one.
	w1, _ := s.WriteAsync(t.Context(), putMeta("e"))
	go func() { errs <- w1() }()
	<-g.started
	w2, _ := s.WriteAsync(t.Context(), putMeta("f"))
	go func() { errs <- w2() }()
	g.finish <- nil
	<-g.started // w2's commit was not covered by the first fsync
	g.finish <- nil
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// After a failed fsync nothing more is written: the waiting write fails,
// and a later one fails without running its transaction.
func TestFailedFsyncRefusesEveryLaterWrite(t *testing.T) {
	t.Parallel()
	s, g := gate(t)
	done := make(chan error, 1)
	go func() { done <- s.Write(t.Context(), putMeta("k1")) }()
	<-g.started
	g.finish <- errors.New("EIO")
	if err := <-done; fault.CodeOf(err) != fault.CodeStorage {
		t.Fatalf("Write after a failed fsync: %v, want a storage error", err)
	}
	ran := false
	err := s.Write(t.Context(), func(tx store.Tx) error {
		ran = true
		return tx.PutMeta(t.Context(), "k2", []byte("v"))
	})
	if fault.CodeOf(err) != fault.CodeStorage || ran || hasMeta(t, s, "k2") {
		t.Fatalf("later Write: %v (ran %v), want refused before it runs", err, ran)
	}
	if _, err := s.WriteAsync(t.Context(), putMeta("k3")); err == nil || hasMeta(t, s, "k3") {
		t.Fatalf("later WriteAsync: %v, want refused", err)
	}
}

// The syncer syncs the WAL that is at its path now: SQLite deletes the WAL
// when its last connection closes and makes a new one when it reopens.
func TestSyncerFollowsAReplacedWAL(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	sy := newSyncer(db)
	var synced []os.FileInfo
	sy.sync = func(f *os.File) error {
		fi, err := f.Stat()
		synced = append(synced, fi)
		return err
	}
	if err := sy.flush(); err != nil || len(synced) != 0 {
		t.Fatalf("no WAL yet: %v, %d fsyncs", err, len(synced))
	}
	write := func() os.FileInfo {
		if err := os.WriteFile(db+"-wal", []byte("frames"), 0o600); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(db + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		sy.committed()
		return fi
	}
	first := write()
	if err := sy.flush(); err != nil || len(synced) != 1 || !os.SameFile(synced[0], first) {
		t.Fatalf("first WAL: %v, synced %d", err, len(synced))
	}
	hold, _ := os.Open(db + "-wal") // keeps the old inode alive, so the new one differs
	defer hold.Close()
	os.Remove(db + "-wal")
	second := write()
	if err := sy.flush(); err != nil || len(synced) != 2 || !os.SameFile(synced[1], second) {
		t.Fatalf("replaced WAL: %v, synced the old file or none", err)
	}
	os.Remove(db + "-wal")
	sy.committed()
	if err := sy.flush(); err != nil || len(synced) != 2 {
		t.Fatalf("WAL gone (folded into the database at close): %v, %d fsyncs", err, len(synced))
	}
	sy.stop()
}
