package postgres

import (
	"bytes"
	"context"
	"encoding/hex"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/store"
)

// InsertTickets sends the batch's statements in one pgx batch: one round
// trip to the server for the whole batch, where a statement at a time
// waited for each answer (some eight a ticket) before sending the next.
// The tickets go store.BatchRows to a statement: the tally trigger is a
// statement trigger, and a statement a ticket ran its five upserts for
// every ticket.
func (t *txn) InsertTickets(ctx context.Context, ts []store.NewTicket) error {
	if len(ts) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	chunks := store.StatementRows(len(ts))
	off := 0
	for _, n := range chunks {
		var args []any
		for _, nt := range ts[off : off+n] {
			nt.Ticket.Version = 1
			args = append(append(args, nt.Ticket.ID), ticketArgs(nt.Ticket)...)
		}
		b.Queue(insertTicketsText[n], args...)
		off += n
	}
	for _, n := range ts {
		if m := n.Message; m != nil {
			b.Queue(insertMessageSQL, m.TicketID, m.Kind, m.Author, m.Body, ms(m.CreatedAt))
		}
		if e := n.Event; e != nil {
			b.Queue(insertEventSQL, e.TicketID, e.Kind, ms(e.At), ms(e.Due))
		}
		if a := n.Ack; a != nil {
			args, err := store.OutboxValues(a)
			if err != nil {
				return err
			}
			b.Queue(enqueueSQL, args...)
		}
	}
	br := t.tx.SendBatch(ctx, b)
	err := readNewTickets(br, chunks, ts)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return mapErr(err)
}

// insertTicketsText holds the ticket statements of store.StatementRows,
// built once.
var insertTicketsText = map[int]string{1: insertTicketSQL, store.BatchTail: insertTicketsSQL(store.BatchTail), store.BatchRows: insertTicketsSQL(store.BatchRows)}

// readNewTickets reads the batch's answers in the order they were queued.
func readNewTickets(br pgx.BatchResults, chunks []int, ts []store.NewTicket) error {
	for _, n := range chunks {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		if tag.RowsAffected() != int64(n) {
			return conflict("ticket id, ref or idempotency key taken")
		}
	}
	for _, n := range ts {
		if m := n.Message; m != nil {
			if err := br.QueryRow().Scan(&m.ID); err != nil {
				return err
			}
		}
		if e := n.Event; e != nil {
			if err := br.QueryRow().Scan(&e.ID); err != nil {
				return err
			}
		}
		if a := n.Ack; a != nil {
			if err := br.QueryRow().Scan(&a.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// RequesterRecent locks each requester (an advisory lock held to commit),
// in the order of their fingerprints (two writers locking the same requesters in
// other orders could wait for each other), then counts, all in one round
// trip.
func (t *txn) RequesterRecent(ctx context.Context, fps [][]byte, since time.Time, limit int) ([]int, error) {
	if len(fps) == 0 {
		return nil, nil
	}
	b := &pgx.Batch{}
	sorted := slices.Clone(fps)
	slices.SortFunc(sorted, bytes.Compare)
	sorted = slices.CompactFunc(sorted, bytes.Equal)
	for _, fp := range sorted {
		b.Queue("SELECT pg_advisory_xact_lock($1)", lockKey(t.schema, "requester:"+hex.EncodeToString(fp)))
	}
	for _, fp := range fps {
		b.Queue(requesterRecentSQL, fp, ms(since), limit)
	}
	br := t.tx.SendBatch(ctx, b)
	counts := make([]int, len(fps))
	err := func() error {
		for range sorted {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		for i := range fps {
			if err := br.QueryRow().Scan(&counts[i]); err != nil {
				return err
			}
		}
		return nil
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return counts, nil
}

// requesterRecentSQL counts a requester's tickets created after a time,
// up to a limit, from the requester index alone.
const requesterRecentSQL = `SELECT count(*) FROM (SELECT 1 FROM tickets WHERE requester_fp = $1 AND created_at > $2 LIMIT $3) r`

const (
	insertMessageSQL = `INSERT INTO ticket_messages (ticket_id, kind, author, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`
	insertEventSQL   = `INSERT INTO sla_events (ticket_id, kind, at, due) VALUES ($1, $2, $3, $4) RETURNING id`
	enqueueSQL       = `INSERT INTO outbox (` + outboxData + `) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
		RETURNING id`
)
