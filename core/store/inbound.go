package store

import (
	"context"
	"time"

	"supportdesk/core/notify"
)

// Inbound is one message received by mail (core/inbox). The sender and
// the text are sealed: a held message's sender is unverified.
type Inbound struct {
	ID          int64
	ReceivedAt  time.Time
	MessageID   string // "" when the message had none
	FromFP      []byte
	FromSealed  []byte
	Subject     string
	BodySealed  []byte
	Language    string
	TicketID    int64
	Disposition string // threaded, reopened, new_ticket, held, auto, bounce, released, discarded
	Reason      string // why it was held: a code
	Attachments int
	DecidedBy   string
	DecidedAt   time.Time
}

// InboundReader reads received mail. Missing rows are fault.ErrNotFound.
type InboundReader interface {
	Inbound(ctx context.Context, id int64) (Inbound, error)
	InboundByMessageID(ctx context.Context, messageID string) (Inbound, error)
	// TicketInbound lists the mail received for one ticket, oldest first.
	TicketInbound(ctx context.Context, ticketID int64) ([]Inbound, error)
	// HeldInbound lists held mail with an id above after, oldest first.
	HeldInbound(ctx context.Context, after int64, limit int) ([]Inbound, error)
	CountHeldInbound(ctx context.Context) (int64, error)
	// OutboxByMessageID finds the outbox row that went out under a
	// Message-ID (angle brackets included).
	OutboxByMessageID(ctx context.Context, messageID string) (notify.Notification, error)
}

// InboundWriter records received mail.
type InboundWriter interface {
	// InsertInbound stores m and sets its ID; a Message-ID stored before
	// is fault.CodeConflict.
	InsertInbound(ctx context.Context, m *Inbound) error
	// DecideInbound stores a held message's new Disposition, TicketID,
	// DecidedBy and DecidedAt.
	DecideInbound(ctx context.Context, m Inbound) error
}
