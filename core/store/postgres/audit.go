package postgres

import (
	"context"
	"supportdesk/core/audit"
	"supportdesk/core/store"
)

func (c *conn) AuditHead(ctx context.Context) (int64, []byte, error) {
	return 0, nil, todo()
}

func (c *conn) SignedAuditHead(ctx context.Context) (audit.Head, error) {
	return audit.Head{}, todo()
}

func (c *conn) AuditEntry(ctx context.Context, seq int64) (audit.Entry, error) {
	return audit.Entry{}, todo()
}

func (c *conn) AuditScan(ctx context.Context, fn func(audit.Entry) error) error {
	return todo()
}

func (c *conn) AuditTail(ctx context.Context, limit int) ([]audit.Entry, error) {
	return nil, todo()
}

func (c *conn) AuditQuery(ctx context.Context, f store.AuditFilter) ([]audit.Entry, error) {
	return nil, todo()
}

func (t *txn) InsertAudit(ctx context.Context, e audit.Entry) error {
	return todo()
}

func (t *txn) PutAuditHead(ctx context.Context, h audit.Head) error {
	return todo()
}

// flushHead writes the audit head once, at commit, when AppendAudit moved it.
func (t *txn) flushHead(ctx context.Context) error {
	return nil
}
