package feed

import (
	"context"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// Wrap returns st whose write transactions note what they change (the
// tickets, held mail and closure days written through them) and publish
// it on pub once the transaction has committed: a rolled-back write
// publishes nothing. Reads pass through.
func Wrap(st store.Store, pub Publisher) store.Store {
	return &notingStore{Store: st, pub: pub}
}

type notingStore struct {
	store.Store
	pub Publisher
}

// Unwrap returns the wrapped store.
func (s *notingStore) Unwrap() store.Store { return s.Store }

// Write runs fn in a write transaction of the wrapped store and, after it
// commits, publishes what it changed. A backend that runs fn again (a
// retry) publishes the last run's changes only.
func (s *notingStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	wait, err := s.WriteAsync(ctx, fn)
	if err != nil {
		return err
	}
	return wait()
}

// WriteAsync is Write through the wrapped store's WriteAsync
// (store.Pipeliner); the changes are published once the commit is durable.
func (s *notingStore) WriteAsync(ctx context.Context, fn func(store.Tx) error) (func() error, error) {
	var nt *notingTx
	wait, err := store.WriteAsync(ctx, s.Store, func(tx store.Tx) error {
		nt = &notingTx{Tx: tx}
		return fn(nt)
	})
	if err != nil {
		return nil, err
	}
	return func() error {
		err := wait()
		if err == nil && nt != nil && len(nt.changes) > 0 {
			s.pub.Publish(Dedup(nt.changes)...)
		}
		return err
	}, nil
}

// notingTx records the changes of one transaction.
type notingTx struct {
	store.Tx
	changes []Change
}

// inboundHeld is store.Inbound's Disposition of mail held for review
// (inbox.Held, which this package does not import).
const inboundHeld = "held"

func (t *notingTx) note(c Change) { t.changes = append(t.changes, c) }

func (t *notingTx) ticket(id int64) {
	if id > 0 {
		t.note(Change{Kind: Ticket, Ticket: id})
	}
}

func (t *notingTx) InsertTicket(ctx context.Context, tk *ticket.Ticket) error {
	if err := t.Tx.InsertTicket(ctx, tk); err != nil {
		return err
	}
	t.ticket(tk.ID)
	return nil
}

func (t *notingTx) UpdateTicket(ctx context.Context, tk *ticket.Ticket) error {
	if err := t.Tx.UpdateTicket(ctx, tk); err != nil {
		return err
	}
	t.ticket(tk.ID)
	return nil
}

func (t *notingTx) InsertTicketMessage(ctx context.Context, m *ticket.Message) error {
	if err := t.Tx.InsertTicketMessage(ctx, m); err != nil {
		return err
	}
	t.ticket(m.TicketID)
	return nil
}

func (t *notingTx) InsertSLAEvent(ctx context.Context, e *ticket.SLAEvent) error {
	if err := t.Tx.InsertSLAEvent(ctx, e); err != nil {
		return err
	}
	t.ticket(e.TicketID)
	return nil
}

func (t *notingTx) InsertTickets(ctx context.Context, ts []store.NewTicket) error {
	if err := t.Tx.InsertTickets(ctx, ts); err != nil {
		return err
	}
	for _, n := range ts {
		t.ticket(n.Ticket.ID)
	}
	return nil
}

func (t *notingTx) InsertInbound(ctx context.Context, m *store.Inbound) error {
	if err := t.Tx.InsertInbound(ctx, m); err != nil {
		return err
	}
	if m.Disposition == inboundHeld {
		t.note(Change{Kind: Held})
	}
	t.ticket(m.TicketID)
	return nil
}

func (t *notingTx) DecideInbound(ctx context.Context, m store.Inbound) error {
	if err := t.Tx.DecideInbound(ctx, m); err != nil {
		return err
	}
	t.note(Change{Kind: Held})
	t.ticket(m.TicketID)
	return nil
}

func (t *notingTx) PutClosure(ctx context.Context, c store.Closure) error {
	if err := t.Tx.PutClosure(ctx, c); err != nil {
		return err
	}
	t.note(Change{Kind: Queues})
	return nil
}

func (t *notingTx) DeleteClosure(ctx context.Context, day string) error {
	if err := t.Tx.DeleteClosure(ctx, day); err != nil {
		return err
	}
	t.note(Change{Kind: Queues})
	return nil
}
