package postgres

import (
	"context"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
	"time"
)

func (c *conn) Ticket(ctx context.Context, id int64) (ticket.Ticket, error) {
	return ticket.Ticket{}, todo()
}

func (c *conn) TicketByRef(ctx context.Context, ref string) (ticket.Ticket, error) {
	return ticket.Ticket{}, todo()
}

func (c *conn) TicketByIdempotencyKey(ctx context.Context, key string) (ticket.Ticket, error) {
	return ticket.Ticket{}, todo()
}

func (c *conn) TicketsByAccount(ctx context.Context, accountID string, limit int) ([]ticket.Ticket, error) {
	return nil, todo()
}

func (c *conn) TicketsByRequester(ctx context.Context, fp []byte, limit int) ([]ticket.Ticket, error) {
	return nil, todo()
}

func (c *conn) SearchTickets(ctx context.Context, words []string, limit int) ([]ticket.Ticket, error) {
	return nil, todo()
}

func (c *conn) TicketMessages(ctx context.Context, ticketID int64) ([]ticket.Message, error) {
	return nil, todo()
}

func (c *conn) SLAEvents(ctx context.Context, ticketID int64) ([]ticket.SLAEvent, error) {
	return nil, todo()
}

func (c *conn) ScanQueue(ctx context.Context, statuses []ticket.Status, fn func(store.QueueRow) error) error {
	return todo()
}

func (c *conn) BreachCandidates(ctx context.Context, now time.Time, limit int) ([]ticket.Ticket, error) {
	return nil, todo()
}

func (c *conn) RunningClocks(ctx context.Context, now time.Time, after store.ClockKey, limit int) ([]ticket.Ticket, error) {
	return nil, todo()
}

func (c *conn) MaxTicketID(ctx context.Context) (int64, error) {
	return 0, todo()
}

func (c *conn) CountTickets(ctx context.Context) (int64, error) {
	return 0, todo()
}

func (c *conn) Closures(ctx context.Context) ([]store.Closure, error) {
	return nil, todo()
}

func (t *txn) InsertTicket(ctx context.Context, tk *ticket.Ticket) error {
	return todo()
}

func (t *txn) UpdateTicket(ctx context.Context, tk *ticket.Ticket) error {
	return todo()
}

func (t *txn) UpdateClock(ctx context.Context, id int64, c ticket.Clock) error {
	return todo()
}

func (t *txn) InsertTicketMessage(ctx context.Context, m *ticket.Message) error {
	return todo()
}

func (t *txn) InsertSLAEvent(ctx context.Context, e *ticket.SLAEvent) error {
	return todo()
}

func (t *txn) PutClosure(ctx context.Context, c store.Closure) error {
	return todo()
}

func (t *txn) DeleteClosure(ctx context.Context, day string) error {
	return todo()
}
