package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"

	"supportdesk/core/audit"
	"supportdesk/core/fault"
)

// headKey is the meta row that records the chain's head with each write, so
// a deleted tail is noticed.
const headKey = "audit_head"

// AuditHead reads the recorded head.
func (c *conn) AuditHead(ctx context.Context) (int64, []byte, error) {
	v, err := c.Meta(ctx, headKey)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	if len(v) < 8 {
		return 0, nil, fault.Storage(errCorruptHead)
	}
	return int64(binary.BigEndian.Uint64(v[:8])), v[8:], nil
}

var errCorruptHead = errors.New("audit head row is corrupt")

// AuditHead inside a write transaction sees the entries it appended.
func (t *txn) AuditHead(ctx context.Context) (int64, []byte, error) {
	if t.headRead {
		return t.headSeq, t.headHash, nil
	}
	return t.conn.AuditHead(ctx)
}

// AppendAudit seals e after the head and stores it with the new head.
func (t *txn) AppendAudit(ctx context.Context, e *audit.Entry) error {
	if !t.headRead {
		seq, hash, err := t.AuditHead(ctx)
		if err != nil {
			return err
		}
		t.headRead, t.headSeq, t.headHash = true, seq, hash
	}
	e.Seal(t.headSeq, t.headHash)
	prev := e.PrevHash
	if prev == nil {
		prev = []byte{} // the first entry has no predecessor; a nil slice would bind NULL
	}
	if _, err := t.exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_role, session, action, target_type, target_id, detail, prev_hash, hash)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, e.Seq, e.At.UnixMilli(), e.ActorID, e.ActorRole, e.Session, e.Action,
		e.TargetType, e.TargetID, e.Detail, prev, e.Hash); err != nil {
		return err
	}
	t.headSeq, t.headHash, t.headDirty = e.Seq, e.Hash, true
	return nil
}

const auditCols = `seq, at, actor_id, actor_role, session, action, target_type, target_id, detail, prev_hash, hash`

func scanEntry(s scanner) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	err := s.Scan(&e.Seq, &at, &e.ActorID, &e.ActorRole, &e.Session, &e.Action, &e.TargetType, &e.TargetID,
		&e.Detail, &e.PrevHash, &e.Hash)
	e.At = tm(at)
	return e, err
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
