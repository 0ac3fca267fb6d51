package postgres

import (
	"context"
	"supportdesk/core/audit"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

func (c *conn) Meta(ctx context.Context, key string) ([]byte, error) {
	return nil, todo()
}

func (c *conn) MetaKeys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	return nil, todo()
}

func (t *txn) AppendAudit(ctx context.Context, e *audit.Entry) error {
	return todo()
}

func (t *txn) Enqueue(ctx context.Context, n *notify.Notification) error {
	return todo()
}

func (t *txn) MarkOutbox(ctx context.Context, n notify.Notification) error {
	return todo()
}

func (t *txn) PutMeta(ctx context.Context, key string, value []byte) error {
	return todo()
}

func (t *txn) DeleteMeta(ctx context.Context, key string) error {
	return todo()
}

func (t *txn) PutThrottle(ctx context.Context, th store.Throttle) error {
	return todo()
}

func (c *conn) Throttle(ctx context.Context, key string) (store.Throttle, error) {
	return store.Throttle{}, todo()
}
