package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"supportdesk/core/notify"
	"supportdesk/core/store"
)

// outboxData are the columns Enqueue writes; outboxCols adds the id.
const (
	outboxData = `created_at, account_id, channel, template, language, to_sealed, data, status, attempts,
	next_attempt, message_id, aad, ticket_id, last_error, sent_at`
	outboxCols = `id, ` + outboxData
)

func scanNotification(rs *sql.Rows) (notify.Notification, error) { return scanNotificationRow(rs) }

func scanNotificationRow(rs scanner) (notify.Notification, error) {
	var n notify.Notification
	var cr, next, sent int64
	var data string
	err := rs.Scan(&n.ID, &cr, &n.AccountID, &n.Channel, &n.Template, &n.Language, &n.ToSealed, &data,
		&n.Status, &n.Attempts, &next, &n.MessageID, &n.AAD, &n.TicketID, &n.LastError, &sent)
	if err == nil {
		err = json.Unmarshal([]byte(data), &n.Data)
	}
	n.CreatedAt, n.NextAttempt, n.SentAt = tm(cr), tm(next), tm(sent)
	return n, err
}

// Enqueue adds a notification to the outbox and sets its ID.
func (t *txn) Enqueue(ctx context.Context, n *notify.Notification) error {
	args, err := store.OutboxValues(n)
	if err != nil {
		return err
	}
	res, err := t.exec(ctx, `INSERT INTO outbox (`+outboxData+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
	if err != nil {
		return err
	}
	n.ID, _ = res.LastInsertId()
	return nil
}

// MarkOutbox stores the outcome of a delivery attempt.
func (t *txn) MarkOutbox(ctx context.Context, n notify.Notification) error {
	return affected(t.exec(ctx, `UPDATE outbox SET status = ?, attempts = ?, next_attempt = ?, last_error = ?, sent_at = ?, message_id = ?
		WHERE id = ?`, n.Status, n.Attempts, ms(n.NextAttempt), n.LastError, ms(n.SentAt), n.MessageID, n.ID))
}

// Outbox lists an account's notifications, oldest first.
func (c *conn) Outbox(ctx context.Context, accountID string) ([]notify.Notification, error) {
	return collect(c, ctx, `SELECT `+outboxCols+` FROM outbox WHERE account_id = ? ORDER BY id`, scanNotification, accountID)
}

// ticketOutboxSQL lists a ticket's mail; the mail worker reads it for
// every ticket message it sends, to thread it.
const ticketOutboxSQL = `SELECT ` + outboxCols + ` FROM outbox WHERE ticket_id = ? AND ticket_id <> 0 ORDER BY id`

// TicketOutbox lists a ticket's mail, oldest first.
func (c *conn) TicketOutbox(ctx context.Context, ticketID int64) ([]notify.Notification, error) {
	return collect(c, ctx, ticketOutboxSQL, scanNotification, ticketID)
}

// dueOutboxSQL lists the queued mail of a channel due at a time.
const dueOutboxSQL = `SELECT ` + outboxCols + ` FROM outbox WHERE status = 'queued' AND channel = ? AND next_attempt <= ?`

// DueOutbox lists queued rows due at now, oldest first.
func (c *conn) DueOutbox(ctx context.Context, now time.Time, channel notify.Channel, limit int) ([]notify.Notification, error) {
	return collect(c, ctx, dueOutboxSQL+` ORDER BY next_attempt, id LIMIT ?`, scanNotification, channel, ms(now), limit)
}

// OutboxCount counts every outbox row.
func (c *conn) OutboxCount(ctx context.Context) (int64, error) {
	var n int64
	row, err := c.row(ctx, `SELECT count(*) FROM outbox`)
	return n, scanOne(row, err, &n)
}

// DueOutboxLane lists queued rows of one lane due at now, oldest first.
func (c *conn) DueOutboxLane(ctx context.Context, now time.Time, channel notify.Channel, ticketMail bool, limit int) ([]notify.Notification, error) {
	lane := "ticket_id = 0"
	if ticketMail {
		lane = "ticket_id <> 0"
	}
	return collect(c, ctx, dueOutboxSQL+` AND `+lane+` ORDER BY next_attempt, id LIMIT ?`, scanNotification, channel, ms(now), limit)
}

// outboxFailedSQL counts the mail failed for good.
const outboxFailedSQL = `SELECT count(*) FROM outbox WHERE status = 'failed'`

// OutboxFailed counts the rows failed for good.
func (c *conn) OutboxFailed(ctx context.Context) (int64, error) {
	var n int64
	row, err := c.row(ctx, outboxFailedSQL)
	return n, scanOne(row, err, &n)
}
