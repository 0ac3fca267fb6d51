package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/audit"
	"supportdesk/core/store"
)

// auditLock is the advisory lock a write transaction holds, from its
// first read of the head to its commit: appends from several processes
// then queue behind it and each builds on the head the last one stored.
const auditLock = "audit"

// SignedAuditHead reads the stored head with its signature.
func (c *conn) SignedAuditHead(ctx context.Context) (audit.Head, error) {
	return store.StoredAuditHead(ctx, c.Meta)
}

// AuditHead reads the stored head's seq and hash.
func (c *conn) AuditHead(ctx context.Context) (int64, []byte, error) {
	h, err := c.SignedAuditHead(ctx)
	return h.Seq, h.Hash, err
}

// lockedHead takes the audit lock and then reads the head; the txn's
// HeadCache calls it once per transaction. The order matters: at READ
// COMMITTED the read after the lock sees every append committed before
// it, so no two writers build on one head. core/auditlog reads the head
// through SignedAuditHead before it inserts, so the wrapped path takes
// the lock here too.
func (t *txn) lockedHead(ctx context.Context) (audit.Head, error) {
	if err := t.lock(ctx, auditLock); err != nil {
		return audit.Head{}, err
	}
	return t.conn.SignedAuditHead(ctx)
}

// SignedAuditHead inside a write transaction sees the entries it appended.
func (t *txn) SignedAuditHead(ctx context.Context) (audit.Head, error) {
	return t.head.Head(ctx, t.lockedHead)
}

// AuditHead inside a write transaction sees the entries it appended.
func (t *txn) AuditHead(ctx context.Context) (int64, []byte, error) {
	h, err := t.SignedAuditHead(ctx)
	return h.Seq, h.Hash, err
}

// AppendAudit seals e on the unkeyed chain after the head and stores it;
// the head is written once, at commit (flushHead). It is what a store not
// wrapped by core/auditlog does, and it refuses a keyed log rather than
// break it.
func (t *txn) AppendAudit(ctx context.Context, e *audit.Entry) error {
	return t.AppendAudits(ctx, []*audit.Entry{e})
}

// AppendAudits seals es on the unkeyed chain and stores them.
func (t *txn) AppendAudits(ctx context.Context, es []*audit.Entry) error {
	return t.head.Append(ctx, es, t.lockedHead, t.InsertAudits)
}

// InsertAudit stores a sealed entry as given.
func (t *txn) InsertAudit(ctx context.Context, e audit.Entry) error {
	return t.InsertAudits(ctx, []audit.Entry{e})
}

// InsertAudits stores sealed entries as given, in one round trip. A seq
// already taken is a conflict the statement does not fail on, so the
// transaction goes on.
func (t *txn) InsertAudits(ctx context.Context, es []audit.Entry) error {
	// Under the lock even when the caller chose the seq: a writer that
	// inserts without reading the head still queues behind other appends.
	if _, err := t.head.Head(ctx, t.lockedHead); err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, e := range es {
		b.Queue(`INSERT INTO audit_log (`+auditCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
			ON CONFLICT (seq) DO NOTHING`, store.AuditValues(e)...)
	}
	br := t.tx.SendBatch(ctx, b)
	err := func() error {
		for _, e := range es {
			tag, err := br.Exec()
			if err != nil {
				return mapErr(err)
			}
			if tag.RowsAffected() == 0 {
				return conflict("audit seq " + strconv.FormatInt(e.Seq, 10) + " is taken")
			}
		}
		return nil
	}()
	if cerr := br.Close(); err == nil && cerr != nil {
		err = mapErr(cerr)
	}
	return err
}

// PutAuditHead stores h now; the transaction's cached head follows it, and
// no unkeyed head is written over it at commit.
func (t *txn) PutAuditHead(ctx context.Context, h audit.Head) error {
	if !t.head.Loaded() {
		if err := t.lock(ctx, auditLock); err != nil {
			return err
		}
	}
	if err := t.PutMeta(ctx, store.AuditHeadMeta, store.EncodeAuditHead(h)); err != nil {
		return err
	}
	t.head.Stored(h)
	return nil
}

// flushHead writes the audit head once, at commit, when AppendAudit moved it.
func (t *txn) flushHead(ctx context.Context) error {
	return t.head.Flush(ctx, t.PutAuditHead)
}

const auditCols = `seq, at, actor_id, actor_role, session, action, target_type, target_id, detail, prev_hash, hash, mac`

func scanEntry(s pgx.Row) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	err := s.Scan(&e.Seq, &at, &e.ActorID, &e.ActorRole, &e.Session, &e.Action, &e.TargetType, &e.TargetID,
		&e.Detail, &e.PrevHash, &e.Hash, &e.MAC)
	e.At = tm(at)
	if len(e.MAC) == 0 {
		e.MAC = nil // an unkeyed entry reads as it was appended
	}
	return e, err
}

// AuditEntry reads one entry by seq.
func (c *conn) AuditEntry(ctx context.Context, seq int64) (audit.Entry, error) {
	return one(c, ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq = $1`, scanEntry, seq)
}

// auditScanBatch is how many entries AuditScan reads per statement.
const auditScanBatch = 1000

// AuditScan walks the log in seq order, a batch per statement: no result
// set is open while fn runs, so fn may read through c too, and a long log
// is never held in memory whole.
func (c *conn) AuditScan(ctx context.Context, fn func(audit.Entry) error) error {
	after := int64(-1 << 63)
	for {
		batch, err := all(c, ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
			scanEntry, after, auditScanBatch)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < auditScanBatch {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}

// AuditTail returns the newest entries, newest first.
func (c *conn) AuditTail(ctx context.Context, limit int) ([]audit.Entry, error) {
	return all(c, ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq DESC LIMIT $1`, scanEntry, limit)
}

// AuditQuery lists the entries f selects, newest first.
func (c *conn) AuditQuery(ctx context.Context, f store.AuditFilter) ([]audit.Entry, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.ActorID != "" {
		where = append(where, `actor_id = `+arg(f.ActorID))
	}
	if f.TargetID != "" {
		where = append(where, `target_id = `+arg(f.TargetID))
	}
	if a := strings.TrimSuffix(f.Action, "."); a != "" {
		// The action itself or one under it. starts_with, not a range or
		// LIKE: a range follows the column's collation, which need not be
		// byte order, and LIKE would read '_' and '%' as wildcards.
		where = append(where, `(action = `+arg(a)+` OR starts_with(action, `+arg(a+".")+`))`)
	}
	if !f.From.IsZero() {
		where = append(where, `at >= `+arg(f.From.UnixMilli()))
	}
	if !f.To.IsZero() {
		where = append(where, `at < `+arg(f.To.UnixMilli()))
	}
	if f.Before > 0 {
		where = append(where, `seq < `+arg(f.Before))
	}
	q := `SELECT ` + auditCols + ` FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY seq DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	return all(c, ctx, q, scanEntry, args...)
}

var _ store.AuditWriter = (*txn)(nil)
