// Package sqlite is the SQLite backend of the store, through mattn/go-sqlite3.
// Pragmas sit in the DSN so they apply to every pooled connection; writes go
// through one connection with BEGIN IMMEDIATE, reads through a pool.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"sync"

	"github.com/mattn/go-sqlite3"

	"supportdesk/core/fault"
	"supportdesk/core/store"
	"supportdesk/data"
)

// Store is the SQLite store.
type Store struct {
	w *sql.DB // one writer connection
	r *sql.DB // read pool

	// Pool-level statements, prepared once and re-used on every connection
	// (database/sql keeps one driver statement per connection). A query
	// seen for the first time inside a transaction is prepared on that
	// transaction and queued here, then prepared on the pool before the
	// next transaction starts: preparing on the pool while a transaction
	// holds the only writer connection would wait forever.
	mu      sync.Mutex
	parents map[stmtKey]*sql.Stmt
	pending map[stmtKey]bool

	ck  *checkpointer
	dur *syncer
	// quiet is held for each write transaction, so the checkpointer can
	// hold the writer back for a moment (see checkpointer).
	quiet sync.Mutex
}

type stmtKey struct {
	write bool
	query string
}

// preparePending prepares the queued queries of one pool; it runs with no
// transaction of ours open.
func (s *Store) preparePending(ctx context.Context, write bool) {
	s.mu.Lock()
	var todo []stmtKey
	for k := range s.pending {
		if k.write == write {
			todo = append(todo, k)
			delete(s.pending, k)
		}
	}
	s.mu.Unlock()
	db := s.r
	if write {
		db = s.w
	}
	for _, k := range todo {
		st, err := db.PrepareContext(ctx, k.query)
		if err != nil {
			continue // the transaction path prepares it again and reports errors
		}
		s.mu.Lock()
		if s.parents == nil {
			s.mu.Unlock()
			st.Close()
			return
		}
		s.parents[k] = st
		s.mu.Unlock()
	}
}

// parent returns the pool-level statement for q, or queues q.
func (s *Store) parent(write bool, q string) *sql.Stmt {
	k := stmtKey{write, q}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.parents[k]; ok {
		return st
	}
	if s.pending != nil {
		s.pending[k] = true
	}
	return nil
}

var (
	_ store.Store      = (*Store)(nil)
	_ store.Maintainer = (*Store)(nil)
)

// Options tune Open.
type Options struct {
	ReadConns int // read pool size; default GOMAXPROCS*2
}

// driverName is mattn/go-sqlite3 with the connection settings a DSN
// cannot carry. temp_store=MEMORY keeps statement journals and sort
// spills in memory: each ticket insert (its indexes, full-text entry and
// tally triggers) wrote its statement journal to a temporary file, some 33
// writes a ticket; in memory the insert took a third of the CPU and intake
// rose by about a third.
const driverName = "sqlite3_supportdesk"

// writerDriverName is driverName for the one writer connection, which
// never checkpoints: with SQLite's automatic checkpoint, the commit that
// crosses 1 000 WAL pages copies them into the database file and syncs
// it before the writer may go on, so every few intake batches waited for
// a second fsync. The Store's checkpointer does it on a connection of its
// own, beside the writer (see checkpointer).
const writerDriverName = "sqlite3_supportdesk_writer"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA temp_store=MEMORY", nil)
		return err
	}})
	sql.Register(writerDriverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=0", nil)
		return err
	}})
}

func dsn(path string, write bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	// The writer commits without an fsync and Write waits for the syncer's
	// (see syncer): every write reported done is on disk, as with FULL,
	// and the writer does not stand idle while the disk syncs. Readers
	// keep FULL, which matters to the checkpointer: it syncs the WAL
	// before copying it and the database file after.
	q.Set("_synchronous", "FULL")
	if write {
		q.Set("_synchronous", "NORMAL")
	}
	q.Set("_foreign_keys", "1")
	q.Set("_busy_timeout", "10000")
	// 64 MiB of page cache per connection (allocated as pages are read, not
	// up front). Writer: random fingerprint keys touch index pages all over
	// the file, and a larger cache keeps bulk writes off the disk. Readers:
	// the board and queue walk the open-ticket indexes on every refresh; with
	// SQLite's default 2 MB each refresh reads them from the OS again.
	q.Set("_cache_size", "-65536")
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_query_only", "1")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies the
// pending migrations in one transaction. A schema newer than this binary is
// refused with fault.CodeSchemaTooNew.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if err := private(path); err != nil {
		return nil, fault.Storage(err)
	}
	w, err := sql.Open(writerDriverName, dsn(path, true))
	if err != nil {
		return nil, fault.Storage(err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	var before int
	if err := w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&before); err != nil {
		w.Close()
		return nil, fault.Storage(err)
	}
	after, err := Migrate(ctx, w)
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := plannerStats(ctx, w, before > 0 && after > before); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open(driverName, dsn(path, false))
	if err != nil {
		w.Close()
		return nil, fault.Storage(err)
	}
	n := opt.ReadConns
	if n <= 0 {
		n = runtime.GOMAXPROCS(0) * 2
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	ck, err := sql.Open(driverName, dsn(path, false))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fault.Storage(err)
	}
	ck.SetMaxOpenConns(1)
	s := &Store{w: w, r: r, parents: map[stmtKey]*sql.Stmt{}, pending: map[stmtKey]bool{}, dur: newSyncer(path)}
	// The migrations and statistics above committed without an fsync.
	if err := s.dur.flush(); err != nil {
		w.Close()
		r.Close()
		ck.Close()
		return nil, err
	}
	s.ck = startCheckpointer(ck, &s.quiet)
	return s, nil
}

// plannerStats keeps SQLite's planner statistics (sqlite_stat1) current:
// without them it guesses row counts and can walk an index over every open
// ticket, then read each row, where a covering index or a scan is cheaper.
// After migrations changed the schema of an existing database, every table
// is measured again; at every open, PRAGMA optimize measures the tables
// with an index that has no statistics or whose size changed tenfold since.
// Both read whole indexes (under a second per 100 000 tickets, once): a sampled
// analysis (analysis_limit) misjudges low-cardinality columns such as the
// language and the partial indexes, and the planner then sorts pages.
func plannerStats(ctx context.Context, w *sql.DB, analyze bool) error {
	var qs []string
	if analyze {
		qs = append(qs, "ANALYZE")
	}
	// 0x10002: check every table, not only those this connection used.
	qs = append(qs, "PRAGMA optimize = 0x10002")
	for _, q := range qs {
		if _, err := w.ExecContext(ctx, q); err != nil {
			return fault.Storage(fmt.Errorf("%s: %w", q, err))
		}
	}
	return nil
}

// ReadMeta reads one meta value of an existing database without opening
// the store: read-only, no migration, so a front end can check the key
// file against the database before anything writes to it. A database with
// no meta table yet, or no such value, gives nil.
func ReadMeta(ctx context.Context, path, key string) ([]byte, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return nil, fault.Storage(err)
	}
	defer db.Close()
	var found int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).Scan(&found); err != nil {
		return nil, fault.Storage(err)
	}
	if found == 0 {
		return nil, nil
	}
	var v []byte
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fault.Storage(err)
	}
	return v, nil
}

// private makes the database file mode 0600 before SQLite opens it, creating
// it empty when it is new: SQLite gives its WAL and SHM the database file's
// mode, whatever the umask, so all three stay private. A WAL or SHM left
// looser by an older version is tightened too.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	for _, side := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(side, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, st := range s.parents {
		st.Close()
	}
	s.parents, s.pending = nil, nil
	s.mu.Unlock()
	err := errors.Join(s.ck.stop(), s.r.Close(), s.w.Close())
	s.dur.stop()
	return err
}

// Checkpoint folds the WAL into the database file.
func (s *Store) Checkpoint(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// HoldCheckpoints waits for a checkpoint under way and holds off the
// next until release: a measurement of the disk (bench intake's raw
// commit rate) must not share it with the store's own background writes.
// The writer goes on; the WAL keeps what it writes meanwhile.
func (s *Store) HoldCheckpoints() (release func()) { return s.ck.hold() }

// IntegrityCheck runs PRAGMA integrity_check and returns its first line.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := s.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res)
	return res, err
}

// Write runs fn in a BEGIN IMMEDIATE transaction on the writer connection
// and returns once the commit is on disk.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	n, err := s.commit(ctx, fn)
	if err != nil {
		return err
	}
	return s.dur.wait(n)
}

// WriteAsync is Write that returns as soon as the commit is made, before
// it is on disk, with the wait for that (store.Pipeliner): the writer can
// take the next transaction while the disk syncs this one.
func (s *Store) WriteAsync(ctx context.Context, fn func(store.Tx) error) (func() error, error) {
	n, err := s.commit(ctx, fn)
	if err != nil {
		return nil, err
	}
	return func() error { return s.dur.wait(n) }, nil
}

// commit runs fn and commits; it gives the commit's number for the syncer.
func (s *Store) commit(ctx context.Context, fn func(store.Tx) error) (uint64, error) {
	// After a failed fsync nothing more is written (see syncer.err).
	if err := s.dur.failed(); err != nil {
		return 0, err
	}
	s.preparePending(ctx, true)
	s.quiet.Lock()
	defer s.quiet.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fault.Storage(err)
	}
	// Also runs when fn panics, so the only writer connection is never
	// left inside a transaction; after Commit it is a no-op.
	defer tx.Rollback()
	t := &txn{conn: conn{s: s, tx: tx, write: true}}
	if err := fn(t); err != nil {
		return 0, err
	}
	if err := t.tallyNew(ctx); err != nil {
		return 0, err
	}
	if err := t.indexNew(ctx); err != nil {
		return 0, err
	}
	if err := t.flushHead(ctx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fault.Storage(err)
	}
	n := s.dur.committed()
	s.ck.poke()
	return n, nil
}

// Read runs fn in a read transaction on a pooled connection.
func (s *Store) Read(ctx context.Context, fn func(store.Reader) error) error {
	s.preparePending(ctx, false)
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return fault.Storage(err)
	}
	defer tx.Rollback()
	return fn(&conn{s: s, tx: tx})
}

// conn runs statements inside one transaction.
// A transaction is used by one goroutine, so stmts needs no lock.
type conn struct {
	s     *Store
	tx    *sql.Tx
	write bool
	stmts map[string]*sql.Stmt
	// created lists the tickets this write transaction inserted, for
	// their full-text entries at commit (indexNew); the first tallied of
	// them are counted in the tallies already (tallyNew).
	created []int64
	tallied int
	// soon keeps the clocks due soon that a read transaction counted once
	// (the board's cells and its workload both need them); a snapshot
	// does not change under it.
	soon map[[2]int64][]store.DueSoon
}

// stmt prepares q on the transaction's own connection, once per
// transaction. Preparing on the pool instead would wait for a second
// connection that the single writer (or a busy read pool) never frees.
func (c *conn) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := c.stmts[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if p := c.s.parent(c.write, q); p != nil {
		// Re-uses the driver statement already prepared on this connection.
		st = c.tx.StmtContext(ctx, p)
	} else {
		var err error
		if st, err = c.tx.PrepareContext(ctx, q); err != nil {
			return nil, fault.Storage(err)
		}
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[q] = st
	return st, nil
}

func (c *conn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return res, nil
}

func (c *conn) row(ctx context.Context, q string, args ...any) (*sql.Row, error) {
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(ctx, args...), nil
}

func (c *conn) rows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	rs, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fault.Storage(err)
	}
	return rs, nil
}

// one runs a single-row query and scans it; no row is fault.CodeNotFound.
func one[T any](c *conn, ctx context.Context, q string, scan func(scanner) (T, error), args ...any) (T, error) {
	row, err := c.row(ctx, q, args...)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fault.New(fault.CodeNotFound)
	}
	return v, storageErr(err)
}

// scanOne maps sql.ErrNoRows to fault.ErrNotFound.
func scanOne(row *sql.Row, err error, dest ...any) error {
	if err != nil {
		return err
	}
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.CodeNotFound)
		}
		return fault.Storage(err)
	}
	return nil
}

func mapErr(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		return &fault.Error{Code: fault.CodeConflict, Err: err}
	}
	return fault.Storage(err)
}

// txn is a write transaction.
type txn struct {
	conn
	// The audit head, read once and written once per transaction.
	head store.HeadCache
}

var (
	_ store.Tx     = (*txn)(nil)
	_ store.Reader = (*conn)(nil)
)

// Times and list columns are stored as on every backend.
var (
	ms        = store.UnixMS
	tm        = store.TimeOfMS
	splitList = store.SplitList
)

func migrations() ([]data.Migration, error) { return data.Numbered(data.Migrations, "migrations") }

// LatestVersion is the schema version this binary knows.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Migrate applies pending migrations in one transaction and returns the
// resulting version.
func Migrate(ctx context.Context, db *sql.DB) (int, error) {
	all, err := migrations()
	if err != nil {
		return 0, fault.Storage(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fault.Storage(err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fault.Storage(err)
	}
	if v > len(all) {
		return v, &fault.Error{Code: fault.CodeSchemaTooNew, Max: len(all),
			Err: fmt.Errorf("database schema is version %d, this binary knows up to %d", v, len(all))}
	}
	for _, m := range all[v:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return v, fault.Storage(fmt.Errorf("migration %s: %w", m.Name, err))
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(all))); err != nil {
		return v, fault.Storage(err)
	}
	if err := tx.Commit(); err != nil {
		return v, fault.Storage(err)
	}
	return len(all), nil
}

// SchemaVersion reports the database's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Raw exposes the writer pool to tests that tamper with rows on purpose.
func (s *Store) Raw() *sql.DB { return s.w }
