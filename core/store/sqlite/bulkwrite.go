package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"slices"
	"strings"
	"unsafe"

	"github.com/mattn/go-sqlite3"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// bulkRows is how many rows one multi-row INSERT of a bulk write carries;
// what is left goes bulkTail rows at a time, then row by row. A table is
// flushed when bulkFlush statements' worth wait: small buffers, used again,
// stay in the CPU's cache.
const (
	bulkRows  = 256
	bulkTail  = 16
	bulkFlush = 4
)

var errNotSQLite = errors.New("bulk write: the driver connection is not mattn/go-sqlite3's")

// bulkTable is one buffered table of a bulk write.
type bulkTable struct {
	name string
	head string // INSERT … (cols): VALUES and tail follow
	tail string // an upsert clause, or ""
	cols int
	// next is the integer key the next row gets (max+1, as SQLite gives
	// it), read at the first row; 0 when the table has none or not yet.
	next  int64
	keyed bool
	// hold keeps the rows until the transaction ends, then inserts them in
	// the order of column sortBy (when not -1): a unique index on random
	// keys (account uuids, address fingerprints) then takes its entries in
	// order, page after page, instead of each on a page anywhere.
	hold   bool
	sortBy int
	rows   []driver.Value      // flattened, cols a row
	stmts  map[int]driver.Stmt // by rows per statement
}

func newBulkTable(head, tail string, cols int, keyed bool) *bulkTable {
	name := strings.Fields(strings.TrimPrefix(strings.TrimPrefix(head, "INSERT OR REPLACE INTO "), "INSERT INTO "))[0]
	return &bulkTable{name: name, head: head, tail: tail, cols: cols, keyed: keyed, sortBy: -1, stmts: map[int]driver.Stmt{}}
}

// query is the statement inserting n rows.
func (b *bulkTable) query(n int) string {
	row := "(" + marks(b.cols) + ")"
	return b.head + " VALUES " + strings.TrimSuffix(strings.Repeat(row+",", n), ",") + b.tail
}

// BulkWrite runs fn in one write transaction, as Write does, to fill a
// new database with accounts: the rows of the accounts fn inserts and of
// their addresses, phones, methods, backup codes, profiles, agency links,
// devices, events and resets are buffered, then inserted bulkRows to a
// statement straight on the driver connection, with the keys they would
// get one by one. The addresses, and the accounts when foreign keys are off
// (as in BulkLoad), wait for the end of the transaction and go in the order
// of their unique keys (see bulkTable.hold). fn may make those writes,
// UpdateAccount of an account it inserted, and the proofing writes of
// seeding (which run as in Write, after the accounts); anything else,
// reads included, panics. The audit log is not offered: a keyed log is
// written through its own wrapper's Write.
func (s *Store) BulkWrite(ctx context.Context, fn func(store.Tx) error) error {
	s.preparePending(ctx, true)
	// No cancellation below: database/sql and the driver would start a
	// goroutine per statement to watch it. The caller stops between calls.
	bg := context.WithoutCancel(ctx)
	c, err := s.w.Conn(bg)
	if err != nil {
		return fault.Storage(err)
	}
	defer c.Close()
	tx, err := c.BeginTx(bg, nil)
	if err != nil {
		return fault.Storage(err)
	}
	defer tx.Rollback()
	b := newBulkTx(&txn{conn: conn{s: s, tx: tx, write: true}}, c)
	// With foreign keys off (in a bulk load), the accounts of the whole
	// transaction are held and inserted last, in key order; otherwise an
	// account's row must precede its children's.
	var fk bool
	if err := tx.QueryRowContext(bg, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fault.Storage(err)
	}
	b.accounts.hold = !fk
	defer b.closeStmts()
	if err := fn(b); err != nil {
		return err
	}
	if err := b.flushAll(); err != nil {
		return err
	}
	for _, op := range b.later {
		if err := op(); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fault.Storage(err)
	}
	s.ck.poke()
	return nil
}

// bulkTx is the store.Tx of BulkWrite. Its embedded Tx is nil: a method
// it does not offer is a bug and panics.
type bulkTx struct {
	store.Tx
	t *txn
	c *sql.Conn
	// pk holds the keys of the accounts inserted in this transaction, so
	// child rows name their account with no look-up; at holds where a
	// buffered account's row starts, for UpdateAccount.
	pk   map[string]driver.Value
	last struct {
		id string
		pk driver.Value
	}
	at    map[string]int
	codes map[string]bool // accounts whose backup codes are buffered
	// later holds the proofing writes while the accounts they name are
	// held: they find their account by its id, so they run after.
	later []func() error
	final bool // the transaction's last flush: held tables go too

	accounts, emails, phones, methods, backup, profiles, links, devices, events, resets *bulkTable
	all                                                                                 []*bulkTable // flush order: accounts first
	args                                                                                []driver.NamedValue
}

func newBulkTx(t *txn, c *sql.Conn) *bulkTx {
	b := &bulkTx{t: t, c: c, pk: map[string]driver.Value{}, at: map[string]int{}, codes: map[string]bool{},
		accounts: newBulkTable(`INSERT INTO accounts (pk, `+accountCols+`)`, "", 13, true),
		emails:   newBulkTable(`INSERT INTO emails (id, account_id, sealed, fp, created_at, confirmed_at, last_sign_in)`, "", 7, true),
		phones:   newBulkTable(`INSERT INTO phones (id, account_id, sealed, fp, delivery, is_default, created_at, last_used)`, "", 8, true),
		methods:  newBulkTable(`INSERT INTO mfa_methods (id, account_id, kind, name, created_at, last_used, sealed, last_step, credential)`, "", 9, true),
		backup:   newBulkTable(`INSERT INTO backup_codes (account_id, idx, hash, used_at)`, "", 4, false),
		profiles: newBulkTable(`INSERT OR REPLACE INTO profiles (account_id, state, verified_at, deactivation_reason, personal_key_hash, personal_key_at)`, "", 6, false),
		links: newBulkTable(`INSERT INTO agency_links (account_id, agency_id, first_at, last_at)`,
			` ON CONFLICT(account_id, agency_id) DO UPDATE SET last_at = excluded.last_at`, 4, false),
		devices: newBulkTable(`INSERT INTO devices (id, account_id, name, first_at, last_at)`, "", 5, true),
		events:  newBulkTable(`INSERT INTO events (id, account_id, kind, at, detail)`, "", 5, true),
		resets:  newBulkTable(`INSERT OR REPLACE INTO account_resets (account_id, requested_at, cancelled_at, cancelled_by, token_hash, granted_at, deleted_at)`, "", 7, false),
	}
	b.accounts.sortBy = 1                    // id
	b.emails.hold, b.emails.sortBy = true, 3 // fp
	b.all = []*bulkTable{b.accounts, b.emails, b.phones, b.methods, b.backup, b.profiles, b.links, b.devices, b.events, b.resets}
	return b
}

// key returns the next integer key of tb, reading max+1 at first use.
func (b *bulkTx) key(ctx context.Context, tb *bulkTable) (int64, error) {
	if tb.next == 0 {
		col := "id"
		if tb == b.accounts {
			col = "pk"
		}
		if err := b.t.tx.QueryRowContext(ctx, `SELECT coalesce(max(`+col+`), 0) + 1 FROM `+tb.name).Scan(&tb.next); err != nil {
			return 0, fault.Storage(err)
		}
	}
	tb.next++
	return tb.next - 1, nil
}

// accountPK returns the key of account id: from this transaction, or read.
// It comes boxed once per account, not once for each of its rows.
func (b *bulkTx) accountPK(ctx context.Context, id string) (driver.Value, error) {
	if id == b.last.id && id != "" {
		return b.last.pk, nil // the account just inserted: its rows follow it
	}
	if pk, ok := b.pk[id]; ok {
		return pk, nil
	}
	var pk int64
	return pk, scanOne(b.t.tx.QueryRowContext(ctx, `SELECT pk FROM accounts WHERE id = ?`, id), nil, &pk)
}

// flush inserts the buffered rows of tables, in order.
func (b *bulkTx) flush(tables ...*bulkTable) error {
	return b.c.Raw(func(dc any) error {
		sc, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fault.Storage(errNotSQLite)
		}
		for _, tb := range tables {
			if tb.hold && !b.final {
				continue
			}
			for off := 0; off < len(tb.rows); {
				n := (len(tb.rows) - off) / tb.cols
				switch {
				case n >= bulkRows:
					n = bulkRows
				case n >= bulkTail:
					n = bulkTail
				default:
					n = 1
				}
				if err := b.insert(sc, tb, tb.rows[off:off+n*tb.cols], n); err != nil {
					return err
				}
				off += n * tb.cols
			}
			clear(tb.rows) // the values of a batch are garbage now
			tb.rows = tb.rows[:0]
			if tb == b.accounts {
				clear(b.at)
			}
			if tb == b.backup {
				clear(b.codes)
			}
		}
		return nil
	})
}

// flushAll inserts every buffered row, the held tables' in key order.
func (b *bulkTx) flushAll() error {
	b.final = true
	for _, tb := range b.all {
		if tb.hold && tb.sortBy >= 0 {
			tb.sortRows()
		}
	}
	return b.flush(b.all...)
}

// sortRows orders the rows by column sortBy, as its index orders it
// (bytewise, for text and blobs alike). The keys are taken out first: a
// comparison that reached into the rows' interfaces took a tenth of the
// whole load.
func (tb *bulkTable) sortRows() {
	type keyed struct {
		key string
		row int
	}
	ks := make([]keyed, len(tb.rows)/tb.cols)
	for i := range ks {
		ks[i].row = i
		switch v := tb.rows[i*tb.cols+tb.sortBy].(type) {
		case string:
			ks[i].key = v
		case []byte:
			ks[i].key = unsafe.String(unsafe.SliceData(v), len(v)) // compared, never kept
		}
	}
	slices.SortFunc(ks, func(x, y keyed) int { return strings.Compare(x.key, y.key) })
	out := make([]driver.Value, 0, len(tb.rows))
	for _, k := range ks {
		out = append(out, tb.rows[k.row*tb.cols:(k.row+1)*tb.cols]...)
	}
	tb.rows = out
}

// afterAccounts runs op, which names an account by its id, once the
// accounts are in the table: at the end when they are held, else now.
func (b *bulkTx) afterAccounts(op func() error) error {
	if b.accounts.hold {
		b.later = append(b.later, op)
		return nil
	}
	if err := b.flush(b.accounts); err != nil {
		return err
	}
	return op()
}

// insert runs tb's statement of n rows with vals.
func (b *bulkTx) insert(sc *sqlite3.SQLiteConn, tb *bulkTable, vals []driver.Value, n int) error {
	st, ok := tb.stmts[n]
	if !ok {
		var err error
		if st, err = sc.Prepare(tb.query(n)); err != nil {
			return fault.Storage(err)
		}
		tb.stmts[n] = st
	}
	args := b.args[:0]
	for i, v := range vals {
		args = append(args, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	b.args = args
	// Query, not Exec: the driver binds and steps a query in one call
	// into C, where Exec crosses once per value. A context that cannot
	// end: one that can costs a watcher per statement.
	rs, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), args)
	if err != nil {
		return mapErr(err)
	}
	return storageErr(rs.Close())
}

// closeStmts closes the prepared statements.
func (b *bulkTx) closeStmts() {
	_ = b.c.Raw(func(any) error {
		for _, tb := range b.all {
			for _, st := range tb.stmts {
				st.Close()
			}
		}
		return nil
	})
}

// InsertAccount buffers a new account at version 1.
func (b *bulkTx) InsertAccount(ctx context.Context, a account.Account) error {
	if _, dup := b.pk[a.ID]; dup {
		return fault.New(fault.CodeConflict)
	}
	pk, err := b.key(ctx, b.accounts)
	if err != nil {
		return err
	}
	pkv := driver.Value(pk)
	b.pk[a.ID], b.at[a.ID] = pkv, len(b.accounts.rows)
	b.last.id, b.last.pk = a.ID, pkv
	b.accounts.rows = append(b.accounts.rows, pkv, a.ID, ms(a.CreatedAt), a.EmailLanguage, string(a.Status), int64(a.IAL),
		a.PasswordHash, ms(a.LockedUntil), int64(a.FailedSignIns), ms(a.WindowStart), int64(a.FailedMFA), int64(a.ConsecFailures), int64(1))
	if !b.accounts.hold && len(b.accounts.rows) >= bulkFlush*bulkRows*b.accounts.cols {
		return b.flush(b.accounts)
	}
	return nil
}

// UpdateAccount changes a buffered account in place; any other goes
// through Write's path.
func (b *bulkTx) UpdateAccount(ctx context.Context, a *account.Account) error {
	off, ok := b.at[a.ID]
	if !ok {
		if err := b.flush(b.accounts); err != nil {
			return err
		}
		return b.t.UpdateAccount(ctx, a)
	}
	row := b.accounts.rows[off : off+b.accounts.cols]
	if row[12] != a.Version {
		return fault.New(fault.CodeConflict)
	}
	copy(row[3:], []driver.Value{a.EmailLanguage, string(a.Status), int64(a.IAL), a.PasswordHash, ms(a.LockedUntil),
		int64(a.FailedSignIns), ms(a.WindowStart), int64(a.FailedMFA), int64(a.ConsecFailures), a.Version + 1})
	a.Version++
	return nil
}

// child buffers one row of tb for account id: key (when tb has one) and
// account key first, then vals. It returns the row's key.
func (b *bulkTx) child(ctx context.Context, tb *bulkTable, id string, vals ...driver.Value) (int64, error) {
	pk, err := b.accountPK(ctx, id)
	if err != nil {
		return 0, err
	}
	var key int64
	if tb.keyed {
		if key, err = b.key(ctx, tb); err != nil {
			return 0, err
		}
		tb.rows = append(tb.rows, key)
	}
	tb.rows = append(append(tb.rows, pk), vals...)
	if !tb.hold && len(tb.rows) >= bulkFlush*bulkRows*tb.cols {
		// Accounts first: foreign keys, when on, check at each statement.
		return key, b.flush(b.accounts, tb)
	}
	return key, nil
}

// InsertEmail buffers an address and sets its ID.
func (b *bulkTx) InsertEmail(ctx context.Context, e *account.Email) (err error) {
	e.ID, err = b.child(ctx, b.emails, e.AccountID, e.Sealed, e.FP, ms(e.CreatedAt), ms(e.ConfirmedAt), ms(e.LastSignIn))
	return err
}

// InsertPhone buffers a phone and sets its ID.
func (b *bulkTx) InsertPhone(ctx context.Context, p *account.Phone) (err error) {
	def := int64(0)
	if p.Default {
		def = 1
	}
	p.ID, err = b.child(ctx, b.phones, p.AccountID, p.Sealed, p.FP, string(p.Delivery), def, ms(p.CreatedAt), ms(p.LastUsed))
	return err
}

// InsertMethod buffers an MFA method and sets its ID.
func (b *bulkTx) InsertMethod(ctx context.Context, m *account.Method) (err error) {
	m.ID, err = b.child(ctx, b.methods, m.AccountID, string(m.Kind), m.Name, ms(m.CreatedAt), ms(m.LastUsed), m.Sealed, m.LastStep, m.Credential)
	return err
}

// PutBackupCodes buffers the codes of an account inserted here; for any
// other, or a second time, it replaces them as Write does.
func (b *bulkTx) PutBackupCodes(ctx context.Context, accountID string, codes []account.BackupCode) error {
	if _, fresh := b.pk[accountID]; !fresh || b.codes[accountID] {
		return b.afterAccounts(func() error {
			if err := b.flush(b.backup); err != nil {
				return err
			}
			return b.t.PutBackupCodes(ctx, accountID, codes)
		})
	}
	b.codes[accountID] = true
	for _, c := range codes {
		if _, err := b.child(ctx, b.backup, accountID, int64(c.Index), c.Hash, ms(c.UsedAt)); err != nil {
			return err
		}
	}
	return nil
}

// PutProfile buffers the IAL2 profile (insert or replace).
func (b *bulkTx) PutProfile(ctx context.Context, p account.Profile) error {
	_, err := b.child(ctx, b.profiles, p.AccountID, string(p.State), ms(p.VerifiedAt), p.DeactivationReason, p.PersonalKeyHash, ms(p.PersonalKeyAt))
	return err
}

// PutAgencyLink buffers a sign-in to an agency, keeping the first time.
func (b *bulkTx) PutAgencyLink(ctx context.Context, l account.AgencyLink) error {
	_, err := b.child(ctx, b.links, l.AccountID, l.AgencyID, ms(l.FirstAt), ms(l.LastAt))
	return err
}

// InsertDevice buffers a device and sets its ID.
func (b *bulkTx) InsertDevice(ctx context.Context, d *account.Device) (err error) {
	d.ID, err = b.child(ctx, b.devices, d.AccountID, d.Name, ms(d.FirstAt), ms(d.LastAt))
	return err
}

// InsertEvent buffers a history event and sets its ID.
func (b *bulkTx) InsertEvent(ctx context.Context, e *account.Event) (err error) {
	e.ID, err = b.child(ctx, b.events, e.AccountID, string(e.Kind), ms(e.At), e.Detail)
	return err
}

// PutReset buffers an account-reset request (insert or replace).
func (b *bulkTx) PutReset(ctx context.Context, r account.Reset) error {
	_, err := b.child(ctx, b.resets, r.AccountID, ms(r.RequestedAt), ms(r.CancelledAt), r.CancelledBy, r.TokenHash, ms(r.GrantedAt), ms(r.DeletedAt))
	return err
}

// The proofing writes of seeding run as in Write, once the accounts they
// name are in the table (see afterAccounts). Pointers they fill (an ID)
// may be filled only when the transaction ends.

// PutIDV stores proofing progress.
func (b *bulkTx) PutIDV(ctx context.Context, v store.IDV) error {
	return b.afterAccounts(func() error { return b.t.PutIDV(ctx, v) })
}

// InsertIDVAttempt stores a proofing attempt.
func (b *bulkTx) InsertIDVAttempt(ctx context.Context, a *store.IDVAttempt) error {
	return b.afterAccounts(func() error { return b.t.InsertIDVAttempt(ctx, a) })
}

// PutEnrollment stores an in-person enrollment.
func (b *bulkTx) PutEnrollment(ctx context.Context, e store.Enrollment) error {
	return b.afterAccounts(func() error { return b.t.PutEnrollment(ctx, e) })
}

// InsertLetter stores a letter by mail.
func (b *bulkTx) InsertLetter(ctx context.Context, l *store.Letter) error {
	return b.afterAccounts(func() error { return b.t.InsertLetter(ctx, l) })
}

// PutFraudReview stores a fraud review.
func (b *bulkTx) PutFraudReview(ctx context.Context, f store.FraudReview) error {
	return b.afterAccounts(func() error { return b.t.PutFraudReview(ctx, f) })
}

// PutThrottle stores a counter.
func (b *bulkTx) PutThrottle(ctx context.Context, th store.Throttle) error {
	return b.t.PutThrottle(ctx, th)
}
