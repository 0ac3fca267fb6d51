package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

const inboundCols = `id, received_at, message_id, from_fp, from_sealed, subject, body_sealed, language, ticket_id,
	disposition, reason, attachments, decided_by, decided_at`

func scanInbound(r pgx.Row) (store.Inbound, error) {
	var m store.Inbound
	var received, decided int64
	err := r.Scan(&m.ID, &received, &m.MessageID, &m.FromFP, &m.FromSealed, &m.Subject, &m.BodySealed, &m.Language,
		&m.TicketID, &m.Disposition, &m.Reason, &m.Attachments, &m.DecidedBy, &decided)
	m.ReceivedAt, m.DecidedAt = tm(received), tm(decided)
	return m, err
}

// Inbound reads one received message. In a write transaction the row is
// locked: a review reads it before deciding it, and a second reviewer
// then waits and finds it decided.
func (c *conn) Inbound(ctx context.Context, id int64) (store.Inbound, error) {
	return one(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE id = $1`+c.forUpdate(), scanInbound, id)
}

// InboundByMessageID reads a received message by its Message-ID.
func (c *conn) InboundByMessageID(ctx context.Context, messageID string) (store.Inbound, error) {
	return one(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE message_id = $1 AND message_id <> ''`, scanInbound, messageID)
}

// TicketInbound lists a ticket's received mail, oldest first.
func (c *conn) TicketInbound(ctx context.Context, ticketID int64) ([]store.Inbound, error) {
	return all(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE ticket_id = $1 ORDER BY id`, scanInbound, ticketID)
}

// HeldInbound lists held mail after an id, oldest first.
func (c *conn) HeldInbound(ctx context.Context, after int64, limit int) ([]store.Inbound, error) {
	return all(c, ctx, `SELECT `+inboundCols+` FROM inbound_mail WHERE disposition = 'held' AND id > $1 ORDER BY id LIMIT $2`,
		scanInbound, after, limit)
}

// CountHeldInbound counts held mail.
func (c *conn) CountHeldInbound(ctx context.Context) (int64, error) {
	var n int64
	return n, c.scanOne(ctx, `SELECT count(*) FROM inbound_mail WHERE disposition = 'held'`, nil, &n)
}

// OutboxByMessageID finds the outbox row sent under a Message-ID. In a
// write transaction the row is locked: a bounce reads it and marks it
// failed, and a mail worker's lease must not change it in between.
func (c *conn) OutboxByMessageID(ctx context.Context, messageID string) (notify.Notification, error) {
	return one(c, ctx, `SELECT `+outboxCols+` FROM outbox WHERE message_id = $1 AND message_id <> '' ORDER BY id LIMIT 1`+
		c.forUpdate(), scanNotification, messageID)
}

// InsertInbound stores a received message and sets its ID. A Message-ID
// stored before is fault.ErrConflict, reported without failing the
// statement: a failed statement would abort the transaction, and the
// caller treats the conflict as a duplicate delivery.
func (t *txn) InsertInbound(ctx context.Context, m *store.Inbound) error {
	err := t.tx.QueryRow(ctx, `INSERT INTO inbound_mail (received_at, message_id, from_fp, from_sealed, subject, body_sealed,
		language, ticket_id, disposition, reason, attachments, decided_by, decided_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT DO NOTHING RETURNING id`,
		ms(m.ReceivedAt), m.MessageID, m.FromFP, m.FromSealed, m.Subject, m.BodySealed, m.Language, m.TicketID,
		m.Disposition, m.Reason, m.Attachments, m.DecidedBy, ms(m.DecidedAt)).Scan(&m.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return conflict("inbound message id already stored")
	}
	return mapErr(err)
}

// DecideInbound stores a held message's outcome; a missing message is
// fault.ErrNotFound.
func (t *txn) DecideInbound(ctx context.Context, m store.Inbound) error {
	tag, err := t.exec(ctx, `UPDATE inbound_mail SET disposition = $1, ticket_id = $2, decided_by = $3, decided_at = $4 WHERE id = $5`,
		m.Disposition, m.TicketID, m.DecidedBy, ms(m.DecidedAt), m.ID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.CodeNotFound)
	}
	return nil
}
