package postgres

import (
	"context"
	"supportdesk/core/notify"
	"time"
)

func (c *conn) DueOutbox(ctx context.Context, now time.Time, channel notify.Channel, limit int) ([]notify.Notification, error) {
	return nil, todo()
}

func (c *conn) TicketOutbox(ctx context.Context, ticketID int64) ([]notify.Notification, error) {
	return nil, todo()
}

func (c *conn) Outbox(ctx context.Context, accountID string) ([]notify.Notification, error) {
	return nil, todo()
}

func (c *conn) OutboxCount(ctx context.Context) (int64, error) {
	return 0, todo()
}

func (c *conn) DueOutboxLane(ctx context.Context, now time.Time, channel notify.Channel, ticketMail bool, limit int) ([]notify.Notification, error) {
	return nil, todo()
}

func (c *conn) OutboxFailed(ctx context.Context) (int64, error) {
	return 0, todo()
}
