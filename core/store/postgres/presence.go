package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"supportdesk/core/fault"
	"supportdesk/core/presence"
)

// Presence is the presence registry every process on one database and
// schema shares (the presence table): an agent on one serve process sees
// who has the ticket open on another. The notice that something changed
// still goes out on the feed (feed.Presence); this is what the other
// processes read when they reload.
//
// It answers exactly as presence.Memory does, to the millisecond (the
// table keeps unix ms), for the states a console may set (a state not
// Valid is refused by the table's CHECK, as a failed call). Each process compares times on its own clock, so
// clocks apart by seconds only move when an entry lapses, within a TTL of
// 30 s.
//
// The Registry interface has no error: presence is a hint, never a gate.
// A database that fails or takes more than callTimeout must not hold up
// or fail the ticket view or the reply it annotates, so Set then reports
// no change and Here lists nobody, and the error waits in Err for whoever
// logs it.
type Presence struct {
	pool *pgxpool.Pool

	mu    sync.Mutex
	err   error     // the latest failure since Err last took it
	sweep time.Time // the next sweep of every ticket's lapsed rows
}

var _ presence.Registry = (*Presence)(nil)

// callTimeout bounds one Set or Here: a console waits for it.
const callTimeout = 2 * time.Second

// Presence returns the store's presence registry. One per process is
// enough; it is safe for concurrent use and lives as long as the store.
func (s *Store) Presence() *Presence { return &Presence{pool: s.pool} }

// Err takes the latest error of a Set or Here since the previous Err,
// nil if none failed: a caller that logs what Err returns, after each
// call or every so often, misses no failure spell.
func (p *Presence) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.err
	p.err = nil
	return err
}

func (p *Presence) note(err error) {
	if err == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = fault.Storage(fmt.Errorf("postgres: presence: %w", err))
}

// A row whose until_ms is not after now has lapsed and counts as absent;
// each Set deletes the ticket's lapsed rows as it goes (all but the
// session's own, which the upsert overwrites: one statement must not touch
// a row twice).
const (
	// $1 ticket, $2 session, $3 now.
	leaveSQL = `WITH gone AS (
  DELETE FROM presence WHERE ticket_id = $1 AND (session = $2 OR until_ms <= $3)
  RETURNING session, until_ms)
SELECT coalesce(bool_or(session = $2 AND until_ms > $3), false) FROM gone`

	// $1 ticket, $2 session, $3 now, $4 agent, $5 name, $6 state, $7 until.
	// The old row is read on the statement's snapshot: two processes
	// setting the same session at once (a console that moved) may both
	// report a change, which costs one more feed notice, nothing else.
	setSQL = `WITH lapsed AS (
  DELETE FROM presence WHERE ticket_id = $1 AND session <> $2 AND until_ms <= $3),
old AS (
  SELECT state, name FROM presence WHERE ticket_id = $1 AND session = $2 AND until_ms > $3),
up AS (
  INSERT INTO presence (ticket_id, session, agent_id, name, state, until_ms)
  VALUES ($1, $2, $4, $5, $6, $7)
  ON CONFLICT (ticket_id, session) DO UPDATE SET
    agent_id = excluded.agent_id, name = excluded.name, state = excluded.state, until_ms = excluded.until_ms)
SELECT NOT EXISTS (SELECT 1 FROM old WHERE state = $6 AND name = $5)`

	// Names and then sessions in byte order (COLLATE "C"), as Memory's
	// strings.Compare orders them, whatever the server's locale.
	hereSQL = `SELECT ticket_id, session, agent_id, name, state, until_ms FROM presence
WHERE ticket_id = $1 AND until_ms > $2
ORDER BY name COLLATE "C", session COLLATE "C"`

	// A console that vanished from a ticket nobody opens again leaves a
	// row no Set on that ticket deletes.
	sweepSQL = `DELETE FROM presence WHERE until_ms <= $1`
)

// Set implements presence.Registry.
func (p *Presence) Set(e presence.Entry, now time.Time) (changed bool) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	at := now.UnixMilli()
	var err error
	if e.State == presence.Left {
		err = p.pool.QueryRow(ctx, leaveSQL, e.Ticket, e.Session, at).Scan(&changed)
	} else {
		until := e.Until
		if until.IsZero() {
			until = now.Add(presence.TTL)
		}
		err = p.pool.QueryRow(ctx, setSQL, e.Ticket, e.Session, at,
			e.AgentID, e.Name, string(e.State), until.UnixMilli()).Scan(&changed)
	}
	if err != nil {
		p.note(err)
		return false
	}
	if p.sweepDue(now) {
		// The entry is set whatever the sweep does.
		_, err = p.pool.Exec(ctx, sweepSQL, at)
		p.note(err)
	}
	return changed
}

// sweepDue reports whether the sweep of every ticket is due, at most once
// a TTL in a process, as Memory sweeps.
func (p *Presence) sweepDue(now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Before(p.sweep) {
		return false
	}
	p.sweep = now.Add(presence.TTL)
	return true
}

// Here implements presence.Registry.
func (p *Presence) Here(ticket int64, now time.Time) []presence.Entry {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	rows, err := p.pool.Query(ctx, hereSQL, ticket, now.UnixMilli())
	var out []presence.Entry
	if err == nil {
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (presence.Entry, error) {
			var e presence.Entry
			var state string
			var until int64
			err := r.Scan(&e.Ticket, &e.Session, &e.AgentID, &e.Name, &state, &until)
			e.State, e.Until = presence.State(state), tm(until)
			return e, err
		})
	}
	p.note(err)
	if err != nil || len(out) == 0 {
		return nil
	}
	return out
}
