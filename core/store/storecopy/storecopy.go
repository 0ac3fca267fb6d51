// Package storecopy moves a SQLite desk into an empty PostgreSQL database,
// table by table, in one PostgreSQL transaction: the two schemas keep the
// same tables, columns and value encodings, so rows go across unconverted.
// The audit chain moves with its head and the key check tag (both in
// meta), so the same key file verifies the copy.
package storecopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"supportdesk/core/auditlog"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/service"
	"supportdesk/core/store/postgres"
	"supportdesk/core/store/sqlite"
)

// derived are the SQLite tables the target keeps itself: the ticket
// tallies, which PostgreSQL's triggers on tickets rebuild as the ticket
// rows go in. (The full-text index is a virtual table, skipped as such;
// PostgreSQL's is a generated column.)
var derived = []string{"ticket_tally", "ticket_load", "ticket_due_cells", "ticket_due_assignees", "ticket_days"}

// occupied are the tables whose rows make a database a desk already: a
// copy goes only into a database where all of them are empty.
var occupied = []string{"accounts", "agents", "tickets", "audit_log"}

// Table is one copied table and its rows.
type Table struct {
	Name string
	Rows int64
}

// Report is what Copy did.
type Report struct {
	Tables []Table // in the order copied (parents before children)
	Rows   int64
	// Audit is the audit log's verification on the copy, with the key file
	// of the source.
	Audit auditlog.Report
}

// Options tune Copy.
type Options struct {
	// Progress, when set, is called before each table is copied: done
	// tables of total so far.
	Progress func(table string, done, total int)
}

// SchemaError is a source database at an older schema version than this
// binary's: migrate it first (a newer one is fault.CodeSchemaTooNew).
type SchemaError struct{ Have, Want int }

func (e *SchemaError) Error() string {
	return fmt.Sprintf("storecopy: the SQLite database is at schema version %d, not %d", e.Have, e.Want)
}

// MissingError is a source table holding rows, or a source column, that
// the target has no place for: copying would lose them.
type MissingError struct {
	Table  string
	Column string // "" for a whole table
}

func (e *MissingError) Error() string {
	if e.Column == "" {
		return "storecopy: the target has no table " + e.Table
	}
	return "storecopy: the target has no column " + e.Table + "." + e.Column
}

// NotEmptyError is a target that holds a desk already: Table has rows.
type NotEmptyError struct{ Table string }

func (e *NotEmptyError) Error() string {
	return "storecopy: the target is not empty: " + e.Table + " has rows"
}

// CountError is a table whose row count differs between source and target
// after the copy; the transaction was rolled back.
type CountError struct {
	Table          string
	Source, Target int64
}

func (e *CountError) Error() string {
	return fmt.Sprintf("storecopy: %s: %d rows in the source, %d in the target", e.Table, e.Source, e.Target)
}

// TableError is a failure while copying one table; the transaction was
// rolled back. Detail(e.Err) says what went wrong without quoting a row.
type TableError struct {
	Table string
	Err   error
}

func (e *TableError) Error() string { return "storecopy: " + e.Table + ": " + e.Err.Error() }
func (e *TableError) Unwrap() error { return e.Err }

// Copy copies the SQLite database at from into the PostgreSQL store to,
// which must hold no desk yet, and verifies the copy: every table's row
// count, then the audit chain with keys (the source's key file, which must
// match the source's check tag). Everything is written in one transaction:
// on any error before the audit check nothing is written. An audit chain
// that does not verify on the committed copy is returned as *audit.Break
// with the report.
func Copy(ctx context.Context, from string, to *postgres.Store, keys *secret.Keyring, opt Options) (Report, error) {
	src, err := openSource(from)
	if err != nil {
		return Report{}, err
	}
	defer src.Close()
	// One read transaction: every table is read from the same snapshot,
	// whoever writes to the file meanwhile.
	stx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Report{}, fault.Storage(err)
	}
	defer stx.Rollback()
	if err := checkSource(ctx, stx, keys); err != nil {
		return Report{}, err
	}
	tables, err := sourceTables(ctx, stx)
	if err != nil {
		return Report{}, err
	}

	tx, err := to.Pool().BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return Report{}, fault.Storage(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	target, err := targetSchema(ctx, tx)
	if err != nil {
		return Report{}, err
	}
	plan, err := planCopy(ctx, stx, tables, target)
	if err != nil {
		return Report{}, err
	}
	if err := claim(ctx, tx, plan, target); err != nil {
		return Report{}, err
	}
	var rep Report
	for i, t := range plan {
		if opt.Progress != nil {
			opt.Progress(t.name, i, len(plan))
		}
		n, err := copyTable(ctx, stx, tx, t)
		if err != nil {
			return Report{}, err
		}
		rep.Tables = append(rep.Tables, Table{Name: t.name, Rows: n})
		rep.Rows += n
	}
	if err := resetIdentities(ctx, tx, plan); err != nil {
		return Report{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Report{}, fault.Storage(err)
	}
	stx.Rollback()
	// COPY leaves the planner without statistics until autovacuum comes
	// round: a desk opened right after the copy would plan its first
	// queries blind (seconds for a look-up over a million accounts).
	if _, err := to.Pool().Exec(ctx, "ANALYZE"); err != nil {
		return rep, fault.Storage(err)
	}

	rep.Audit, err = auditlog.Verify(ctx, to, keys, nil)
	if err != nil {
		return rep, err
	}
	if rep.Audit.Break != nil {
		return rep, rep.Audit.Break
	}
	return rep, nil
}

// openSource opens the SQLite file read-only: the copy never changes its
// source, not even by a migration.
func openSource(path string) (*sql.DB, error) {
	// The file name is a URI path: escape what would end it.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite3", "file:"+esc+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return nil, fault.Storage(err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// checkSource refuses a source at another schema version, whose tables
// would not match the target's, and a key file that is not the source's.
func checkSource(ctx context.Context, stx *sql.Tx, keys *secret.Keyring) error {
	var v int
	if err := stx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fault.Storage(err)
	}
	switch want := sqlite.LatestVersion(); {
	case v > want:
		return &fault.Error{Code: fault.CodeSchemaTooNew, Max: want,
			Err: fmt.Errorf("storecopy: the SQLite database is at schema version %d, this binary knows up to %d", v, want)}
	case v < want:
		return &SchemaError{Have: v, Want: want}
	}
	var tag []byte
	err := stx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, service.KeyCheckMeta).Scan(&tag)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fault.Storage(err)
	}
	return service.CheckKey(keys, tag)
}

// sourceTable is a SQLite table: its columns and the tables it refers to.
type sourceTable struct {
	name      string
	columns   []string
	generated map[string]bool
	parents   []string
}

// sourceTables lists the SQLite tables that hold the desk's rows, in
// creation order: not SQLite's own, not a virtual table (the full-text
// index) or its shadow tables, not a tally the target rebuilds.
func sourceTables(ctx context.Context, stx *sql.Tx) ([]sourceTable, error) {
	rows, err := stx.QueryContext(ctx, `SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY rowid`)
	if err != nil {
		return nil, fault.Storage(err)
	}
	type entry struct{ name, sql string }
	var all []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.name, &e.sql); err != nil {
			rows.Close()
			return nil, fault.Storage(err)
		}
		all = append(all, e)
	}
	if err := rows.Close(); err != nil {
		return nil, fault.Storage(err)
	}
	var virtual []string
	for _, e := range all {
		if strings.HasPrefix(strings.ToUpper(e.sql), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, e.name)
		}
	}
	skip := func(name string) bool {
		if strings.HasPrefix(name, "sqlite_") || slices.Contains(derived, name) {
			return true
		}
		for _, v := range virtual {
			if name == v || strings.HasPrefix(name, v+"_") {
				return true
			}
		}
		return false
	}
	var out []sourceTable
	for _, e := range all {
		if skip(e.name) {
			continue
		}
		t := sourceTable{name: e.name, generated: map[string]bool{}}
		if err := tableInfo(ctx, stx, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// tableInfo reads a table's columns (generated ones included: table_xinfo,
// not table_info) and foreign keys.
func tableInfo(ctx context.Context, stx *sql.Tx, t *sourceTable) error {
	rows, err := stx.QueryContext(ctx, `SELECT name, hidden FROM pragma_table_xinfo(?) ORDER BY cid`, t.name)
	if err != nil {
		return fault.Storage(err)
	}
	for rows.Next() {
		var name string
		var hidden int
		if err := rows.Scan(&name, &hidden); err != nil {
			rows.Close()
			return fault.Storage(err)
		}
		// 2 and 3 are generated columns (virtual, stored); 1 would be a
		// virtual table's hidden column.
		if hidden == 1 {
			continue
		}
		t.columns = append(t.columns, name)
		t.generated[name] = hidden >= 2
	}
	if err := rows.Close(); err != nil {
		return fault.Storage(err)
	}
	rows, err = stx.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, t.name)
	if err != nil {
		return fault.Storage(err)
	}
	for rows.Next() {
		var parent string
		if err := rows.Scan(&parent); err != nil {
			rows.Close()
			return fault.Storage(err)
		}
		t.parents = append(t.parents, parent)
	}
	if err := rows.Close(); err != nil {
		return fault.Storage(err)
	}
	return nil
}

// schema is the target's tables in the current schema: their columns
// (true when generated) and the tables each refers to.
type schema struct {
	columns map[string]map[string]bool
	parents map[string][]string
}

func targetSchema(ctx context.Context, tx pgx.Tx) (schema, error) {
	s := schema{columns: map[string]map[string]bool{}, parents: map[string][]string{}}
	rows, err := tx.Query(ctx, `
		SELECT c.relname, a.attname, a.attgenerated <> ''
		FROM pg_class c
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')`)
	if err != nil {
		return s, fault.Storage(err)
	}
	var table, column string
	var generated bool
	_, err = pgx.ForEachRow(rows, []any{&table, &column, &generated}, func() error {
		if s.columns[table] == nil {
			s.columns[table] = map[string]bool{}
		}
		s.columns[table][column] = generated
		return nil
	})
	if err != nil {
		return s, fault.Storage(err)
	}
	rows, err = tx.Query(ctx, `
		SELECT DISTINCT c.relname, p.relname
		FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid
		JOIN pg_class p ON p.oid = k.confrelid
		WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`)
	if err != nil {
		return s, fault.Storage(err)
	}
	var parent string
	_, err = pgx.ForEachRow(rows, []any{&table, &parent}, func() error {
		s.parents[table] = append(s.parents[table], parent)
		return nil
	})
	if err != nil {
		return s, fault.Storage(err)
	}
	return s, nil
}

// step is one table to copy: the columns both sides have.
type step struct {
	name    string
	columns []string
}

// planCopy matches the source's tables and columns with the target's and
// orders the tables parents first (by the foreign keys of both sides). A
// source table the target lacks is skipped when empty and refused when it
// holds rows; a source column the target lacks is refused, unless the
// source generates it; a column the target generates is left to it.
func planCopy(ctx context.Context, stx *sql.Tx, tables []sourceTable, target schema) ([]step, error) {
	var steps []step
	parents := map[string][]string{}
	for _, t := range tables {
		cols, ok := target.columns[t.name]
		if !ok {
			var held int
			if err := stx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+quoteSQLite(t.name)+")").Scan(&held); err != nil {
				return nil, fault.Storage(err)
			}
			if held != 0 {
				return nil, &MissingError{Table: t.name}
			}
			continue
		}
		s := step{name: t.name}
		for _, c := range t.columns {
			generated, ok := cols[c]
			switch {
			case !ok && !t.generated[c]:
				return nil, &MissingError{Table: t.name, Column: c}
			case ok && !generated:
				s.columns = append(s.columns, c)
			}
		}
		steps = append(steps, s)
		parents[t.name] = append(append(parents[t.name], t.parents...), target.parents[t.name]...)
	}
	return order(steps, parents), nil
}

// order sorts steps so that a table comes after the tables it refers to,
// keeping the source's creation order otherwise. A cycle (none in the
// schema) keeps the remaining tables in creation order.
func order(steps []step, parents map[string][]string) []step {
	pending := map[string]bool{}
	for _, s := range steps {
		pending[s.name] = true
	}
	out := make([]step, 0, len(steps))
	for len(out) < len(steps) {
		progress := false
		for _, s := range steps {
			if !pending[s.name] {
				continue
			}
			ready := true
			for _, p := range parents[s.name] {
				if p != s.name && pending[p] {
					ready = false
					break
				}
			}
			if ready {
				out = append(out, s)
				pending[s.name] = false
				progress = true
				break // from the start: keep creation order among the ready
			}
		}
		if !progress {
			for _, s := range steps {
				if pending[s.name] {
					out = append(out, s)
					pending[s.name] = false
				}
			}
		}
	}
	return out
}

// claim locks the tables the copy writes against other writers until
// commit, then refuses a target that holds a desk already.
func claim(ctx context.Context, tx pgx.Tx, plan []step, target schema) error {
	names := make([]string, 0, len(plan))
	for _, s := range plan {
		names = append(names, pgx.Identifier{s.name}.Sanitize())
	}
	if len(names) > 0 {
		if _, err := tx.Exec(ctx, "LOCK TABLE "+strings.Join(names, ", ")+" IN EXCLUSIVE MODE"); err != nil {
			return fault.Storage(err)
		}
	}
	for _, t := range occupied {
		if _, ok := target.columns[t]; !ok {
			continue
		}
		var found bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{t}.Sanitize()+")").Scan(&found); err != nil {
			return fault.Storage(err)
		}
		if found {
			return &NotEmptyError{Table: t}
		}
	}
	return nil
}

// copyTable streams one table's rows into the target with COPY and checks
// that the target then holds as many rows as the source.
func copyTable(ctx context.Context, stx *sql.Tx, tx pgx.Tx, s step) (int64, error) {
	var want int64
	if err := stx.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteSQLite(s.name)).Scan(&want); err != nil {
		return 0, &TableError{Table: s.name, Err: err}
	}
	quoted := make([]string, len(s.columns))
	for i, c := range s.columns {
		quoted[i] = quoteSQLite(c)
	}
	rows, err := stx.QueryContext(ctx, "SELECT "+strings.Join(quoted, ", ")+" FROM "+quoteSQLite(s.name))
	if err != nil {
		return 0, &TableError{Table: s.name, Err: err}
	}
	defer rows.Close()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{s.name}, s.columns, newSource(rows, len(s.columns)))
	if err != nil {
		return 0, &TableError{Table: s.name, Err: err}
	}
	var got int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{s.name}.Sanitize()).Scan(&got); err != nil {
		return 0, &TableError{Table: s.name, Err: err}
	}
	if got != want || n != want {
		return 0, &CountError{Table: s.name, Source: want, Target: got}
	}
	return n, nil
}

// source feeds COPY from SQLite rows. The values are scanned as the driver
// gives them (int64, float64, string, []byte, nil): the two schemas store
// the same encodings, so none needs converting.
type source struct {
	rows *sql.Rows
	vals []any
	ptrs []any
	err  error
}

func newSource(rows *sql.Rows, n int) *source {
	s := &source{rows: rows, vals: make([]any, n), ptrs: make([]any, n)}
	for i := range s.vals {
		s.ptrs[i] = &s.vals[i]
	}
	return s
}

func (s *source) Next() bool { return s.err == nil && s.rows.Next() }

// Values reuses one slice: COPY encodes each row before asking for the
// next, and Scan copies a []byte it gives.
func (s *source) Values() ([]any, error) {
	if err := s.rows.Scan(s.ptrs...); err != nil {
		s.err = err
		return nil, err
	}
	return s.vals, nil
}

func (s *source) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

// resetIdentities moves every identity (or serial) column's sequence past
// the largest value copied: rows went in with their own ids, which leaves
// the sequences at their start, and the next insert would take id 1.
func resetIdentities(ctx context.Context, tx pgx.Tx, plan []step) error {
	for _, s := range plan {
		table := pgx.Identifier{s.name}.Sanitize()
		rows, err := tx.Query(ctx, `
			SELECT a.attname, pg_get_serial_sequence($1, a.attname)
			FROM pg_attribute a
			WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
			  AND pg_get_serial_sequence($1, a.attname) IS NOT NULL`, table)
		if err != nil {
			return &TableError{Table: s.name, Err: err}
		}
		type seq struct{ column, name string }
		var seqs []seq
		var q seq
		if _, err := pgx.ForEachRow(rows, []any{&q.column, &q.name}, func() error {
			seqs = append(seqs, q)
			return nil
		}); err != nil {
			return &TableError{Table: s.name, Err: err}
		}
		for _, q := range seqs {
			// false: the value given is the next one handed out.
			if _, err := tx.Exec(ctx, "SELECT setval($1, coalesce(max("+pgx.Identifier{q.column}.Sanitize()+"), 0) + 1, false) FROM "+table, q.name); err != nil {
				return &TableError{Table: s.name, Err: err}
			}
		}
	}
	return nil
}

// quoteSQLite quotes an identifier for SQLite.
func quoteSQLite(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Detail describes a copy's failure for an operator without quoting any
// row: a constraint violation or a missing object by the server's message
// (which names the constraint or column; the values are in its detail,
// left out), any other server error by its SQLSTATE code, a connection
// failure by pgx's message (host and user, never the password). Anything
// else (a value pgx could not encode quotes the value) is "".
func Detail(err error) string {
	// First: a refused connection carries the server's error inside.
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return ce.Error()
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if strings.HasPrefix(pe.Code, "23") || strings.HasPrefix(pe.Code, "42") {
			return pe.Message + " (SQLSTATE " + pe.Code + ")"
		}
		return "SQLSTATE " + pe.Code
	}
	return ""
}
