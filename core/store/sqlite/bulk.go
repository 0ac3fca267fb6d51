package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"supportdesk/core/fault"
)

// bulkTables are the tables a seeding run fills. Their secondary indexes
// are dropped for a bulk load and built once at the end: keeping random
// keys (fingerprints, uuids) indexed row by row rewrites index pages all
// over the file on every commit. Unique constraints stay, as declared.
var bulkTables = []string{
	"accounts", "emails", "phones", "mfa_methods", "backup_codes", "profiles", "agency_links",
	"devices", "events", "account_resets", "audit_log", "idv", "idv_attempts", "ipp_enrollments",
	"gpo_letters", "fraud_reviews", "ticket_messages", "sla_events",
}

// BulkLoad runs fn, which fills a new database through Write and
// BulkWrite, with the writer tuned for a bulk load: no fsync, an in-memory
// rollback journal instead of the WAL (see journalOff), foreign keys off,
// a 1 GiB page cache (4 GiB, the whole 1 000 000-account file, saved no
// time), and the secondary indexes of the seeded tables whose keys arrive
// out of order dropped, then rebuilt once (see bulkKept), followed by a
// full ANALYZE and the return to WAL.
// A crash meanwhile can corrupt the file: it is for a database that is
// being created, never for one that holds work.
func (s *Store) BulkLoad(ctx context.Context, fn func(context.Context) error) (err error) {
	// Leaving WAL and coming back need the only connection: the
	// checkpointer closes its own and waits until the load is over.
	defer s.ck.pause()()
	// The writer pool holds one connection, so these apply to every Write
	// that fn runs.
	// Foreign keys are off too: every seeded child row names the parent it
	// was generated with, and the check costs a look-up per row.
	for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA wal_autocheckpoint=0", "PRAGMA foreign_keys=OFF",
		"PRAGMA cache_size=-1048576", "PRAGMA temp_store=MEMORY", "PRAGMA threads=2"} {
		if _, err := s.w.ExecContext(ctx, p); err != nil {
			return fault.Storage(err)
		}
	}
	defer func() {
		// Back to the DSN's settings, whatever happened.
		for _, p := range []string{"PRAGMA synchronous=NORMAL", "PRAGMA wal_autocheckpoint=0", "PRAGMA foreign_keys=ON",
			"PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY"} {
			if _, e := s.w.ExecContext(context.WithoutCancel(ctx), p); e != nil && err == nil {
				err = fault.Storage(e)
			}
		}
	}()
	wal, err := s.journalOff(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if e := s.journalBack(context.WithoutCancel(ctx), wal); e != nil && err == nil {
			err = e
		}
	}()
	indexes, err := s.dropIndexes(ctx)
	if err != nil {
		return err
	}
	ferr := fn(ctx)
	// The indexes come back even when fn failed: the schema must stay whole.
	if e := s.execAll(context.WithoutCancel(ctx), indexes); e != nil {
		return errors.Join(ferr, e)
	}
	if ferr != nil {
		return ferr
	}
	// A full ANALYZE, not a sampled one: sampled statistics misjudged the
	// open tickets per language thirtyfold (1 000 for 33 000), and the
	// planner then chose a sort over an ordered index.
	if _, err := s.w.ExecContext(ctx, "ANALYZE"); err != nil {
		return fault.Storage(err)
	}
	return nil
}

// journalOff takes the database out of WAL for a bulk load, into an
// in-memory rollback journal: in WAL every page a batch changes is written
// twice (to the log, then by the checkpoint), and a page changed by several
// batches is logged again each time. It reports whether the database was
// in WAL. The idle readers are closed first: leaving WAL needs the only
// connection; when that cannot be had, the load runs in WAL, only slower.
func (s *Store) journalOff(ctx context.Context) (bool, error) {
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return false, fault.Storage(err)
	}
	if mode != "wal" {
		return false, nil
	}
	s.r.SetMaxIdleConns(0)
	defer s.r.SetMaxIdleConns(s.r.Stats().MaxOpenConnections)
	if err := s.Checkpoint(ctx); err != nil {
		return true, fault.Storage(err)
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode=MEMORY").Scan(&mode); err != nil {
		return true, fault.Storage(err)
	}
	return true, nil
}

// journalBack puts a database that was in WAL back into it, or, when it
// never left, folds the log into the file.
func (s *Store) journalBack(ctx context.Context, wal bool) error {
	if !wal {
		return nil
	}
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fault.Storage(err)
	}
	if mode == "wal" {
		return s.Checkpoint(ctx)
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return fault.Storage(err)
	}
	if mode != "wal" {
		return fault.Storage(fmt.Errorf("bulk load: journal mode %q after the load, want wal", mode))
	}
	return nil
}

// bulkKept are the secondary indexes a bulk load keeps: their keys
// arrive in order (the account key, which grows with each account; the
// audit actor and time, the same for every seeded entry, then the
// sequence), so each entry lands on the last page, where maintaining
// them costs less than sorting them all again at the end.
var bulkKept = map[string]bool{
	"emails_account": true, "phones_account": true, "mfa_methods_account": true, "devices_account": true,
	"events_account_at": true, "idv_attempts_account": true, "audit_log_actor": true, "audit_log_at": true,
}

// dropIndexes drops the declared secondary indexes of bulkTables in one
// transaction and returns the statements that recreate them.
func (s *Store) dropIndexes(ctx context.Context) ([]string, error) {
	args := make([]any, len(bulkTables))
	for i, t := range bulkTables {
		args[i] = t
	}
	rs, err := s.w.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (`+marks(len(bulkTables))+`) ORDER BY name`, args...)
	if err != nil {
		return nil, fault.Storage(err)
	}
	var names, sqls []string
	for rs.Next() {
		var n, q string
		if err := rs.Scan(&n, &q); err != nil {
			rs.Close()
			return nil, fault.Storage(err)
		}
		if !bulkKept[n] {
			names, sqls = append(names, n), append(sqls, q)
		}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, fault.Storage(err)
	}
	drops := make([]string, len(names))
	for i, n := range names {
		drops[i] = `DROP INDEX "` + strings.ReplaceAll(n, `"`, `""`) + `"`
	}
	return sqls, s.execAll(ctx, drops)
}

// execAll runs the statements in one write transaction.
func (s *Store) execAll(ctx context.Context, qs []string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fault.Storage(err)
	}
	defer tx.Rollback()
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fault.Storage(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fault.Storage(err)
	}
	return nil
}
