package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

// outboxData are the columns Enqueue writes; outboxCols adds the id.
const (
	outboxData = `created_at, account_id, channel, template, language, to_sealed, data, status, attempts,
	next_attempt, message_id, aad, ticket_id, last_error, sent_at`
	outboxCols = `id, ` + outboxData
)

func scanNotification(r pgx.Row) (notify.Notification, error) {
	var n notify.Notification
	var cr, next, sent int64
	var channel, template, status, data string
	err := r.Scan(&n.ID, &cr, &n.AccountID, &channel, &template, &n.Language, &n.ToSealed, &data,
		&status, &n.Attempts, &next, &n.MessageID, &n.AAD, &n.TicketID, &n.LastError, &sent)
	if err != nil {
		return n, err
	}
	n.Channel, n.Template, n.Status = notify.Channel(channel), notify.Template(template), notify.Status(status)
	n.CreatedAt, n.NextAttempt, n.SentAt = tm(cr), tm(next), tm(sent)
	if err := json.Unmarshal([]byte(data), &n.Data); err != nil {
		return n, fault.Storage(err)
	}
	return n, nil
}

// Enqueue adds a notification to the outbox and sets its ID.
func (t *txn) Enqueue(ctx context.Context, n *notify.Notification) error {
	args, err := store.OutboxValues(n)
	if err != nil {
		return err
	}
	return t.scanOne(ctx, enqueueSQL, args, &n.ID)
}

// MarkOutbox stores the outcome of a delivery attempt; a missing row is
// fault.ErrNotFound.
func (t *txn) MarkOutbox(ctx context.Context, n notify.Notification) error {
	tag, err := t.exec(ctx, `UPDATE outbox SET status = $1, attempts = $2, next_attempt = $3, last_error = $4, sent_at = $5,
		message_id = $6 WHERE id = $7`,
		string(n.Status), n.Attempts, ms(n.NextAttempt), n.LastError, ms(n.SentAt), n.MessageID, n.ID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.CodeNotFound)
	}
	return nil
}

// Outbox lists an account's notifications, oldest first.
func (c *conn) Outbox(ctx context.Context, accountID string) ([]notify.Notification, error) {
	return all(c, ctx, `SELECT `+outboxCols+` FROM outbox WHERE account_id = $1 ORDER BY id`, scanNotification, accountID)
}

// ticketOutboxSQL lists a ticket's mail; the mail worker reads it for
// every ticket message it sends, to thread it. The partial index
// outbox_ticket serves a prepared statement's generic plan only if the
// query itself rules out ticket 0.
const ticketOutboxSQL = `SELECT ` + outboxCols + ` FROM outbox WHERE ticket_id = $1 AND ticket_id <> 0 ORDER BY id`

// TicketOutbox lists a ticket's mail, oldest first.
func (c *conn) TicketOutbox(ctx context.Context, ticketID int64) ([]notify.Notification, error) {
	return all(c, ctx, ticketOutboxSQL, scanNotification, ticketID)
}

// skipLocked leases the rows a due list returns: inside a write
// transaction they stay locked to commit, and a second worker reading at
// the same time passes over them rather than wait and then send them too.
// After the first commits, their pushed next attempt keeps them out of a
// later read. A read transaction locks nothing.
func (c *conn) skipLocked() string {
	if c.write {
		return ` FOR UPDATE SKIP LOCKED`
	}
	return ``
}

// DueOutbox lists queued rows due at now, oldest first.
func (c *conn) DueOutbox(ctx context.Context, now time.Time, channel notify.Channel, limit int) ([]notify.Notification, error) {
	return all(c, ctx, `SELECT `+outboxCols+` FROM outbox WHERE status = 'queued' AND channel = $1 AND next_attempt <= $2
		ORDER BY next_attempt, id LIMIT $3`+c.skipLocked(), scanNotification, string(channel), ms(now), limit)
}

// DueOutboxLane lists queued rows of one lane due at now, oldest first.
func (c *conn) DueOutboxLane(ctx context.Context, now time.Time, channel notify.Channel, ticketMail bool, limit int) ([]notify.Notification, error) {
	lane := "ticket_id = 0"
	if ticketMail {
		lane = "ticket_id <> 0"
	}
	return all(c, ctx, `SELECT `+outboxCols+` FROM outbox WHERE status = 'queued' AND channel = $1 AND next_attempt <= $2 AND `+lane+`
		ORDER BY next_attempt, id LIMIT $3`+c.skipLocked(), scanNotification, string(channel), ms(now), limit)
}

// OutboxCount counts every outbox row.
func (c *conn) OutboxCount(ctx context.Context) (int64, error) {
	var n int64
	return n, c.scanOne(ctx, `SELECT count(*) FROM outbox`, nil, &n)
}

// outboxFailedSQL counts the mail failed for good.
const outboxFailedSQL = `SELECT count(*) FROM outbox WHERE status = 'failed'`

// OutboxFailed counts the rows failed for good.
func (c *conn) OutboxFailed(ctx context.Context) (int64, error) {
	var n int64
	return n, c.scanOne(ctx, outboxFailedSQL, nil, &n)
}
