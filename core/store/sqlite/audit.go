package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// SignedAuditHead reads the stored head with its signature.
func (c *conn) SignedAuditHead(ctx context.Context) (audit.Head, error) {
	return store.StoredAuditHead(ctx, c.Meta)
}

// AuditHead reads the stored head's seq and hash.
func (c *conn) AuditHead(ctx context.Context) (int64, []byte, error) {
	h, err := c.SignedAuditHead(ctx)
	return h.Seq, h.Hash, err
}

// SignedAuditHead inside a write transaction sees the entries it appended.
func (t *txn) SignedAuditHead(ctx context.Context) (audit.Head, error) {
	return t.head.Head(ctx, t.conn.SignedAuditHead)
}

// AuditHead inside a write transaction sees the entries it appended.
func (t *txn) AuditHead(ctx context.Context) (int64, []byte, error) {
	h, err := t.SignedAuditHead(ctx)
	return h.Seq, h.Hash, err
}

// AppendAudit seals e on the unkeyed chain after the head and stores it;
// the head is written once, at commit (flushHead). It is what a store not
// wrapped by core/auditlog does, as before the keyed log, and it refuses a
// keyed log rather than break it.
func (t *txn) AppendAudit(ctx context.Context, e *audit.Entry) error {
	return t.AppendAudits(ctx, []*audit.Entry{e})
}

// AppendAudits seals es on the unkeyed chain and stores them.
func (t *txn) AppendAudits(ctx context.Context, es []*audit.Entry) error {
	return t.head.Append(ctx, es, t.conn.SignedAuditHead, t.InsertAudits)
}

// InsertAudit stores a sealed entry as given.
func (t *txn) InsertAudit(ctx context.Context, e audit.Entry) error {
	return t.InsertAudits(ctx, []audit.Entry{e})
}

// InsertAudits stores sealed entries as given, in multi-row statements.
func (t *txn) InsertAudits(ctx context.Context, es []audit.Entry) error {
	rows := make([]any, 0, len(es)*12)
	for _, e := range es {
		rows = append(rows, store.AuditValues(e)...)
	}
	return t.insertRows(ctx, `INSERT INTO audit_log (`+auditCols+`)`, 12, rows)
}

// PutAuditHead stores h now; the transaction's cached head follows it, and
// no unkeyed head is written over it at commit.
func (t *txn) PutAuditHead(ctx context.Context, h audit.Head) error {
	if err := t.PutMeta(ctx, store.AuditHeadMeta, store.EncodeAuditHead(h)); err != nil {
		return err
	}
	t.head.Stored(h)
	return nil
}

// flushHead stores the unkeyed head if AppendAudit appended entries.
func (t *txn) flushHead(ctx context.Context) error {
	return t.head.Flush(ctx, t.PutAuditHead)
}

const auditCols = `seq, at, actor_id, actor_role, session, action, target_type, target_id, detail, prev_hash, hash, mac`

func scanEntry(s scanner) (audit.Entry, error) {
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
	return one(c, ctx, `SELECT `+auditCols+` FROM audit_log WHERE seq = ?`, scanEntry, seq)
}

// AuditScan walks the log in stored (rowid) order.
func (c *conn) AuditScan(ctx context.Context, fn func(audit.Entry) error) error {
	rs, err := c.rows(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY rowid`)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		e, err := scanEntry(rs)
		if err != nil {
			return fault.Storage(err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return storageErr(rs.Err())
}

// AuditTail returns the newest entries, newest first.
func (c *conn) AuditTail(ctx context.Context, limit int) ([]audit.Entry, error) {
	return collect(c, ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq DESC LIMIT ?`,
		func(rs *sql.Rows) (audit.Entry, error) { return scanEntry(rs) }, limit)
}

// AuditQuery lists the entries f selects, newest first. The query text
// depends only on which fields are set, so each shape is prepared once.
func (c *conn) AuditQuery(ctx context.Context, f store.AuditFilter) ([]audit.Entry, error) {
	var where []string
	var args []any
	if f.ActorID != "" {
		where, args = append(where, `actor_id = ?`), append(args, f.ActorID)
	}
	if f.TargetID != "" {
		where, args = append(where, `target_id = ?`), append(args, f.TargetID)
	}
	if a := strings.TrimSuffix(f.Action, "."); a != "" {
		// The action itself or one under it: between "a." and "a/" ('/'
		// follows '.' in byte order), a range the planner can use.
		where, args = append(where, `(action = ? OR (action >= ? AND action < ?))`), append(args, a, a+".", a+"/")
	}
	if !f.From.IsZero() {
		where, args = append(where, `at >= ?`), append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		where, args = append(where, `at < ?`), append(args, f.To.UnixMilli())
	}
	if f.Before > 0 {
		where, args = append(where, `seq < ?`), append(args, f.Before)
	}
	q := `SELECT ` + auditCols + ` FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY seq DESC`
	if f.Limit > 0 {
		q, args = q+` LIMIT ?`, append(args, f.Limit)
	}
	return collect(c, ctx, q, func(rs *sql.Rows) (audit.Entry, error) { return scanEntry(rs) }, args...)
}

var _ store.AuditWriter = (*txn)(nil)
