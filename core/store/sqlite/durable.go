package sqlite

import (
	"errors"
	"io/fs"
	"os"
	"sync"

	"supportdesk/core/fault"
)

// syncer makes commits durable beside the writer instead of inside it.
//
// The writer connection commits with synchronous=NORMAL: SQLite writes the
// transaction's WAL frames and returns without an fsync, so the only
// writer is free for the next transaction at once. A commit is not
// reported to its caller (Write returns, a form gets its reference) until
// this goroutine has synced the WAL past it; one fsync covers every commit
// written before it started, however many there were. With
// synchronous=FULL the writer waited for each of those fsyncs itself and
// did nothing meanwhile.
//
// What a caller is told is therefore exactly as durable as with FULL. What
// differs: for the length of one fsync, readers can see a commit that a
// power cut would still undo. Nobody has been told of it yet, and a write
// that builds on it commits after it in the same WAL, so it is reported
// durable only once both are. Work with effects outside the database
// (sending mail) leases its rows in a write first (mail.Worker), so it too
// acts on durable rows only.
//
// SQLite with NORMAL still syncs the WAL header when it starts the log
// over and syncs the WAL before any checkpoint copies frames out of it, so
// the file's consistency does not depend on this goroutine; its
// durability does.
type syncer struct {
	wal string

	mu      sync.Mutex
	cond    *sync.Cond
	written uint64 // commits made
	synced  uint64 // commits known to be on disk
	running bool
	// err is sticky: after a failed fsync the kernel may have dropped the
	// pages it could not write, and a later fsync that succeeds says
	// nothing about them. The store then refuses writes until it is opened
	// again, when SQLite recovers the WAL from what is on disk.
	err error

	f    *os.File // the WAL, opened on first use and again if replaced
	sync func(*os.File) error
}

func newSyncer(db string) *syncer {
	s := &syncer{wal: db + "-wal", sync: (*os.File).Sync}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// failed is the sticky error, if an fsync has failed.
func (s *syncer) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// committed records a commit that has returned and gives its number.
func (s *syncer) committed() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.written++
	return s.written
}

// wait blocks until commit n is on disk. The first waiter to find no
// fsync under way runs one for everyone written so far; the others wait
// for it. Waiters that arrive during an fsync are covered by the next,
// which the one that started the first runs before it leaves.
func (s *syncer) wait(n uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.synced < n && s.err == nil {
		if s.running {
			s.cond.Wait()
			continue
		}
		s.running = true
		target := s.written
		s.mu.Unlock()
		err := s.syncWAL()
		s.mu.Lock()
		s.running = false
		if err != nil && s.err == nil {
			s.err = fault.Storage(err)
		} else if err == nil && target > s.synced {
			s.synced = target
		}
		s.cond.Broadcast()
	}
	return s.err
}

// flush syncs everything committed so far.
func (s *syncer) flush() error {
	s.mu.Lock()
	n := s.written
	s.mu.Unlock()
	return s.wait(n)
}

// syncWAL fsyncs the WAL file that is at its path now. SQLite deletes the
// WAL when its last connection closes, after copying it into the database
// and syncing that; a WAL found gone or replaced holds nothing the file we
// had open still needs.
func (s *syncer) syncWAL() error {
	cur, err := os.Stat(s.wal)
	if errors.Is(err, fs.ErrNotExist) {
		s.close()
		return nil
	}
	if err != nil {
		return err
	}
	if s.f != nil {
		if have, err := s.f.Stat(); err != nil || !os.SameFile(have, cur) {
			s.close()
		}
	}
	if s.f == nil {
		f, err := os.OpenFile(s.wal, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		s.f = f
	}
	return s.sync(s.f)
}

// close drops the open WAL file; the caller holds no lock or is the
// goroutine running the fsync.
func (s *syncer) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// stop closes the WAL file once no fsync is under way.
func (s *syncer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.running {
		s.cond.Wait()
	}
	s.close()
}
