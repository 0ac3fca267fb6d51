package sqlite

import (
	"context"
	"database/sql"

	"supportdesk/core/notify"
	"supportdesk/core/store"
)

const inboundCols = `id, received_at, message_id, from_fp, from_sealed, subject, body_sealed, language, ticket_id,
	disposition, reason, attachments, decided_by, decided_at`

func scanInbound(s scanner) (store.Inbound, error) {
	var m store.Inbound
	var received, decided int64
	err := s.Scan(&m.ID, &received, &m.MessageID, &m.FromFP, &m.FromSealed, &m.Subject, &m.BodySealed, &m.Language,
		&m.TicketID, &m.Disposition, &m.Reason, &m.Attachments, &m.DecidedBy, &decided)
	m.ReceivedAt, m.DecidedAt = tm(received), tm(decided)
	return m, err
}

func inboundRows(rs *sql.Rows) (store.Inbound, error) { return scanInbound(rs) }

// Inbound reads one received message.
func (c *conn) Inbound(ctx context.Context, id int64) (store.Inbound, error) {
	return one(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE id = ?`, scanInbound, id)
}

// InboundByMessageID reads a received message by its Message-ID.
func (c *conn) InboundByMessageID(ctx context.Context, messageID string) (store.Inbound, error) {
	return one(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE message_id = ? AND message_id <> ''`, scanInbound, messageID)
}

// TicketInbound lists a ticket's received mail, oldest first.
func (c *conn) TicketInbound(ctx context.Context, ticketID int64) ([]store.Inbound, error) {
	return collect(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE ticket_id = ? ORDER BY id`, inboundRows, ticketID)
}

// HeldInbound lists held mail after an id, oldest first.
func (c *conn) HeldInbound(ctx context.Context, after int64, limit int) ([]store.Inbound, error) {
	return collect(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE disposition = 'held' AND id > ? ORDER BY id LIMIT ?`,
		inboundRows, after, limit)
}

// CountHeldInbound counts held mail.
func (c *conn) CountHeldInbound(ctx context.Context) (int64, error) {
	var n int64
	row, err := c.row(ctx, `SELECT count(*) FROM inbound_mail WHERE disposition = 'held'`)
	return n, scanOne(row, err, &n)
}

// OutboxByMessageID finds the outbox row sent under a Message-ID.
func (c *conn) OutboxByMessageID(ctx context.Context, messageID string) (notify.Notification, error) {
	return one(c, ctx, `SELECT `+outboxCols+` FROM outbox WHERE message_id = ? AND message_id <> '' ORDER BY id LIMIT 1`,
		scanNotificationRow, messageID)
}

// InsertInbound stores a received message and sets its ID.
func (t *txn) InsertInbound(ctx context.Context, m *store.Inbound) error {
	res, err := t.exec(ctx, `INSERT INTO inbound_mail (received_at, message_id, from_fp, from_sealed, subject, body_sealed,
		language, ticket_id, disposition, reason, attachments, decided_by, decided_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		ms(m.ReceivedAt), m.MessageID, m.FromFP, m.FromSealed, m.Subject, m.BodySealed, m.Language, m.TicketID,
		m.Disposition, m.Reason, m.Attachments, m.DecidedBy, ms(m.DecidedAt))
	if err != nil {
		return err
	}
	m.ID, _ = res.LastInsertId()
	return nil
}

// DecideInbound stores a held message's outcome.
func (t *txn) DecideInbound(ctx context.Context, m store.Inbound) error {
	return affected(t.exec(ctx, `UPDATE inbound_mail SET disposition = ?, ticket_id = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
		m.Disposition, m.TicketID, m.DecidedBy, ms(m.DecidedAt), m.ID))
}
