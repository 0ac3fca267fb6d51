// Package postgres is the PostgreSQL backend of the store, through
// jackc/pgx/v5: the database several serve processes share.
//
// Write transactions run at READ COMMITTED, each statement on a fresh
// snapshot, and take row locks where the core reads before it writes, so
// that what SQLite's single writer gives for free holds across processes:
//   - a row a write transaction reads by its key (an account, a ticket, a
//     dual-control request, a caller check) is read FOR UPDATE, so a second
//     writer of the same row waits for the first to commit and then sees its
//     change; version checks (UPDATE … WHERE version = $n) catch the rest;
//   - a counter (a throttle, a limiter) is read under a transaction-scoped
//     advisory lock on its key, so two processes cannot both take the last
//     attempt;
//   - the audit chain is appended under one advisory lock held to commit,
//     so the chain has one head: no gap, no fork;
//   - new ticket ids are taken under an advisory lock too (the reference
//     is made from the id);
//   - outbox rows are leased with FOR UPDATE SKIP LOCKED.
//
// Read transactions run at REPEATABLE READ, READ ONLY: one snapshot.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"supportdesk/core/fault"
	"supportdesk/core/store"
	"supportdesk/data"
)

// Store is the PostgreSQL store.
type Store struct {
	pool   *pgxpool.Pool
	schema string
}

var (
	_ store.Store      = (*Store)(nil)
	_ store.Maintainer = (*Store)(nil)
	_ store.Tx         = (*txn)(nil)
	_ store.Reader     = (*conn)(nil)
)

// Options tune Open.
type Options struct {
	// MaxConns bounds the pool; 0 keeps pgxpool's default (4 per CPU, at
	// least 4).
	MaxConns int32
	// Schema puts every table in this schema, created if missing: tests
	// give each store its own. "" keeps the connection's search_path.
	Schema string
}

// IsURL reports whether a --db value names a PostgreSQL database rather
// than a SQLite file.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// ConnectError is a database that could not be reached or refused the
// connection: the operator's problem (address, credentials, a database
// not created), not the desk's. Its text is pgx's, which names the host,
// user and database but never the password.
type ConnectError struct{ Err error }

func (e *ConnectError) Error() string { return "postgres: " + e.Err.Error() }
func (e *ConnectError) Unwrap() error { return e.Err }

// Open connects to the database at url (postgres://…) and applies the
// pending migrations, one process at a time. A schema newer than this
// binary is refused with fault.CodeSchemaTooNew.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, &ConnectError{redact(err)}
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	if opt.Schema != "" {
		if err := createSchema(ctx, cfg.ConnConfig, opt.Schema); err != nil {
			return nil, err
		}
		cfg.ConnConfig.RuntimeParams["search_path"] = opt.Schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, &ConnectError{redact(err)}
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &ConnectError{redact(err)}
	}
	s := &Store{pool: pool, schema: opt.Schema}
	if _, err := s.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func createSchema(ctx context.Context, cc *pgx.ConnConfig, schema string) error {
	c, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return &ConnectError{redact(err)}
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fault.Storage(err)
	}
	return nil
}

// redact drops a connection string's password from an error: pgx names
// the host and user, never the password, but a parse error quotes input.
func redact(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return ErrBadURL
	}
	return err
}

// ErrBadURL is a postgres:// URL that does not parse; the parser's own
// message would quote it, password and all.
var ErrBadURL = errors.New("cannot parse the database URL")

// ReadMeta reads one meta value without opening the store: no migration,
// so a front end can check the key file against the database before
// anything writes to it. A database with no meta table yet, or no such
// value, gives nil.
func ReadMeta(ctx context.Context, url, key string) ([]byte, error) {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, &ConnectError{redact(err)}
	}
	defer c.Close(context.WithoutCancel(ctx))
	var found bool
	if err := c.QueryRow(ctx, `SELECT to_regclass('meta') IS NOT NULL`).Scan(&found); err != nil {
		return nil, fault.Storage(err)
	}
	if !found {
		return nil, nil
	}
	var v []byte
	err = c.QueryRow(ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fault.Storage(err)
	}
	return v, nil
}

// Pool is the connection pool, for the change feed's LISTEN and for tests
// that tamper with rows on purpose.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Checkpoint does nothing: the server folds its write-ahead log on its
// own schedule, and a CHECKPOINT needs a role the desk's user should not
// have. (SQLite's checkpoint is the one a seeded file needs before it is
// copied.)
func (s *Store) Checkpoint(ctx context.Context) error {
	return nil
}

// IntegrityCheck reads every table once; PostgreSQL checks pages as it
// reads them, so a damaged one fails the read.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := s.pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
	if err != nil {
		return "", fault.Storage(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fault.Storage(err)
	}
	for _, t := range tables {
		if _, err := s.pool.Exec(ctx, "SELECT count(*) FROM "+pgx.Identifier{t}.Sanitize()); err != nil {
			return t + ": " + err.Error(), nil
		}
	}
	return "ok", nil
}

// Write runs fn in a READ COMMITTED transaction. A deadlock or a
// serialization failure the server reports is fault.ErrConflict: nothing
// was written, and the caller may try again.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fault.Storage(err)
	}
	// Also runs when fn panics; after Commit it is a no-op.
	defer tx.Rollback(context.WithoutCancel(ctx))
	t := &txn{conn: conn{tx: tx, write: true, schema: s.schema}}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.flushHead(ctx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return mapErr(err)
	}
	return nil
}

// Read runs fn on one snapshot (REPEATABLE READ, READ ONLY).
func (s *Store) Read(ctx context.Context, fn func(store.Reader) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fault.Storage(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return fn(&conn{tx: tx, schema: s.schema})
}

// conn runs statements inside one transaction.
type conn struct {
	tx     pgx.Tx
	write  bool
	schema string // the store's Options.Schema: it names its locks
}

// txn is a write transaction.
type txn struct {
	conn
	// The audit head, read once (under the audit lock, see audit.go) and
	// written once per transaction.
	head store.HeadCache
}

// forUpdate is " FOR UPDATE" inside a write transaction, "" in a read:
// a row read by key before a write is locked until commit.
func (c *conn) forUpdate() string {
	if c.write {
		return " FOR UPDATE"
	}
	return ""
}

// lock takes a transaction-scoped advisory lock on name, held to commit
// or rollback. Only write transactions lock; a read returns at once.
func (c *conn) lock(ctx context.Context, name string) error {
	if !c.write {
		return nil
	}
	_, err := c.tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey(c.schema, name))
	return mapErr(err)
}

// lockKey is an advisory lock's 64-bit key for a name in a schema.
// Advisory locks are per database: two desks in two schemas of one
// database must not queue behind each other's audit lock.
func lockKey(schema, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("supportdesk:" + schema + ":" + name))
	return int64(h.Sum64())
}

func (c *conn) exec(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error) {
	tag, err := c.tx.Exec(ctx, q, args...)
	if err != nil {
		return tag, mapErr(err)
	}
	return tag, nil
}

func (c *conn) rows(ctx context.Context, q string, args ...any) (pgx.Rows, error) {
	rs, err := c.tx.Query(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return rs, nil
}

// one runs a single-row query and scans it; no row is fault.CodeNotFound.
func one[T any](c *conn, ctx context.Context, q string, scan func(pgx.Row) (T, error), args ...any) (T, error) {
	v, err := scan(c.tx.QueryRow(ctx, q, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fault.New(fault.CodeNotFound)
	}
	if err != nil {
		return v, mapErr(err)
	}
	return v, nil
}

// scanOne scans a single-row query into dest; no row is
// fault.CodeNotFound.
func (c *conn) scanOne(ctx context.Context, q string, args []any, dest ...any) error {
	err := c.tx.QueryRow(ctx, q, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return fault.New(fault.CodeNotFound)
	}
	return mapErr(err)
}

// all collects every row of a query with scan.
func all[T any](c *conn, ctx context.Context, q string, scan func(pgx.Row) (T, error), args ...any) ([]T, error) {
	rs, err := c.rows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return nil, mapErr(err)
	}
	return out, nil
}

// mapErr maps an integrity constraint violation (class 23: unique,
// foreign key, check) to fault.CodeConflict, as SQLite's constraint error
// is, and a serialization failure or deadlock to fault.CodeConflict too;
// anything else is a storage error. Note that any error aborts a
// PostgreSQL transaction: a method whose conflict a caller may step over
// inserts with ON CONFLICT DO NOTHING and reports the conflict itself.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if strings.HasPrefix(pe.Code, "23") || pe.Code == "40001" || pe.Code == "40P01" {
			return &fault.Error{Code: fault.CodeConflict, Err: err}
		}
	}
	return fault.Storage(err)
}

// conflict is fault.CodeConflict for a write that matched no row it could
// change (a stale version, a key already taken).
func conflict(what string) error {
	return &fault.Error{Code: fault.CodeConflict, Err: errors.New(what)}
}

// Times and list columns are stored as on every backend.
var (
	ms        = store.UnixMS
	tm        = store.TimeOfMS
	splitList = store.SplitList
)

func migrations() ([]data.Migration, error) { return data.Numbered(data.Postgres, "postgres") }

// LatestVersion is the schema version this binary knows.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Migrate applies the pending migrations in one transaction, under an
// advisory lock so that serve processes starting together migrate once,
// and returns the resulting version.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	all, err := migrations()
	if err != nil {
		return 0, fault.Storage(err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fault.Storage(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey(s.schema, "migrate")); err != nil {
		return 0, fault.Storage(err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
		return 0, fault.Storage(err)
	}
	var v int
	err = tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return 0, fault.Storage(err)
		}
	case err != nil:
		return 0, fault.Storage(err)
	}
	if v > len(all) {
		return v, &fault.Error{Code: fault.CodeSchemaTooNew, Max: len(all),
			Err: fmt.Errorf("database schema is version %d, this binary knows up to %d", v, len(all))}
	}
	for _, m := range all[v:] {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return v, fault.Storage(fmt.Errorf("migration %s: %w", m.Name, err))
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, len(all)); err != nil {
		return v, fault.Storage(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return v, fault.Storage(err)
	}
	return len(all), nil
}

// SchemaVersion reports the database's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
	return v, err
}
