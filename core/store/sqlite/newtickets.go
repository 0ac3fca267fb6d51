package sqlite

import (
	"context"
	"strings"
	"time"

	"supportdesk/core/store"
)

// Rows per multi-row INSERT of InsertTickets: a batch goes newRows rows to
// a statement, what is left newTail at a time, then row by row, so each
// table has three statements prepared at most, whatever the batch sizes.
const (
	newRows = 128
	newTail = 8
)

// InsertTickets writes a batch a table at a time, in multi-row INSERTs:
// one statement for many rows opens the table's and each index's cursor
// once, where a statement a row opened them for every row (ten cursors
// for a ticket), and crosses from Go into SQLite once, where a statement
// a row crossed for every row and, binding, for every value. The
// messages, events and notifications take the keys SQLite would give them
// one by one (max+1), read once per batch.
func (t *txn) InsertTickets(ctx context.Context, ts []store.NewTicket) error {
	if len(ts) == 0 {
		return nil
	}
	rows := make([]any, 0, len(ts)*ticketColumns)
	for _, n := range ts {
		n.Ticket.Version = 1
		rows = append(rows, n.Ticket.ID)
		rows = append(rows, ticketArgs(n.Ticket)...)
	}
	if err := t.insertRows(ctx, `INSERT INTO tickets (`+ticketCols+`)`, ticketColumns, rows); err != nil {
		return err
	}
	for _, n := range ts {
		t.created = append(t.created, n.Ticket.ID)
	}

	next, err := t.nextKey(ctx, "ticket_messages")
	if err != nil {
		return err
	}
	rows = rows[:0]
	for _, n := range ts {
		m := n.Message
		if m == nil {
			continue
		}
		m.ID, next = next, next+1
		rows = append(rows, m.ID, m.TicketID, m.Kind, m.Author, m.Body, ms(m.CreatedAt))
	}
	if err := t.insertRows(ctx, `INSERT INTO ticket_messages (id, ticket_id, kind, author, body, created_at)`, 6, rows); err != nil {
		return err
	}

	if next, err = t.nextKey(ctx, "sla_events"); err != nil {
		return err
	}
	rows = rows[:0]
	for _, n := range ts {
		e := n.Event
		if e == nil {
			continue
		}
		e.ID, next = next, next+1
		rows = append(rows, e.ID, e.TicketID, e.Kind, ms(e.At), ms(e.Due))
	}
	if err := t.insertRows(ctx, `INSERT INTO sla_events (id, ticket_id, kind, at, due)`, 5, rows); err != nil {
		return err
	}

	if next, err = t.nextKey(ctx, "outbox"); err != nil {
		return err
	}
	rows = rows[:0]
	for _, n := range ts {
		if n.Ack == nil {
			continue
		}
		args, err := store.OutboxValues(n.Ack)
		if err != nil {
			return err
		}
		n.Ack.ID, next = next, next+1
		rows = append(append(rows, n.Ack.ID), args...)
	}
	return t.insertRows(ctx, `INSERT INTO outbox (id, `+outboxData+`)`, 16, rows)
}

// ticketColumns is the number of columns of ticketCols.
var ticketColumns = strings.Count(ticketCols, ",") + 1

// nextKey is the key SQLite would give the next row of table (which has
// an INTEGER PRIMARY KEY id, without AUTOINCREMENT).
func (t *txn) nextKey(ctx context.Context, table string) (int64, error) {
	var next int64
	row, err := t.row(ctx, `SELECT coalesce(max(id), 0) + 1 FROM `+table)
	return next, scanOne(row, err, &next)
}

// insertRows inserts rows, cols values each, with head (INSERT INTO t
// (cols)) in statements of newRows, newTail and single rows. Each is run
// as a query: the driver binds and steps a query in one call into C,
// where an exec crosses once per value.
func (t *txn) insertRows(ctx context.Context, head string, cols int, rows []any) error {
	for off := 0; off < len(rows); {
		n := (len(rows) - off) / cols
		switch {
		case n >= newRows:
			n = newRows
		case n >= newTail:
			n = newTail
		default:
			n = 1
		}
		st, err := t.stmt(ctx, head+` VALUES `+strings.TrimSuffix(strings.Repeat("("+marks(cols)+"),", n), ","))
		if err != nil {
			return err
		}
		rs, err := st.QueryContext(ctx, rows[off:off+n*cols]...)
		if err != nil {
			return mapErr(err)
		}
		if err := rs.Close(); err != nil {
			return mapErr(err)
		}
		off += n * cols
	}
	return nil
}

// RequesterRecent counts each requester's recent tickets from the
// requester index, a range each that stops at limit. The writer takes
// one transaction at a time, so the counts hold until it commits.
func (c *conn) RequesterRecent(ctx context.Context, fps [][]byte, since time.Time, limit int) ([]int, error) {
	counts := make([]int, len(fps))
	q := requesterRecentSQL(limit)
	for i, fp := range fps {
		row, err := c.row(ctx, q, fp, ms(since))
		if err := scanOne(row, err, &counts[i]); err != nil {
			return nil, err
		}
	}
	return counts, nil
}
