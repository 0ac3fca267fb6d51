package postgres

import (
	"context"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

func (c *conn) Inbound(ctx context.Context, id int64) (store.Inbound, error) {
	return store.Inbound{}, todo()
}

func (c *conn) InboundByMessageID(ctx context.Context, messageID string) (store.Inbound, error) {
	return store.Inbound{}, todo()
}

func (c *conn) TicketInbound(ctx context.Context, ticketID int64) ([]store.Inbound, error) {
	return nil, todo()
}

func (c *conn) HeldInbound(ctx context.Context, after int64, limit int) ([]store.Inbound, error) {
	return nil, todo()
}

func (c *conn) CountHeldInbound(ctx context.Context) (int64, error) {
	return 0, todo()
}

func (c *conn) OutboxByMessageID(ctx context.Context, messageID string) (notify.Notification, error) {
	return notify.Notification{}, todo()
}

func (t *txn) InsertInbound(ctx context.Context, m *store.Inbound) error {
	return todo()
}

func (t *txn) DecideInbound(ctx context.Context, m store.Inbound) error {
	return todo()
}
