package postgres

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// tallyRecounts are, for each count table, its rows and the same counts
// recomputed from every ticket, both as (key…, n).
var tallyRecounts = []struct{ table, rows, recount string }{
	{"ticket_tally", `SELECT language, agency, category, assignee, status, sla_rank, n FROM ticket_tally`,
		`SELECT language, agency, category, assignee, status, sla_rank, count(*) FROM tickets GROUP BY 1, 2, 3, 4, 5, 6`},
	{"ticket_load", `SELECT assignee, sla_rank, n FROM ticket_load`,
		`SELECT assignee, sla_rank, count(*) FROM tickets WHERE status IN ('new','open','pending') AND assignee <> '' GROUP BY 1, 2`},
	{"ticket_due_cells", `SELECT language, agency, category, day, n FROM ticket_due_cells`,
		`SELECT language, agency, category, sla_due / 86400000, count(*) FROM tickets
		WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 GROUP BY 1, 2, 3, 4`},
	{"ticket_due_assignees", `SELECT assignee, day, n FROM ticket_due_assignees`,
		`SELECT assignee, sla_due / 86400000, count(*) FROM tickets
		WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 AND assignee <> '' GROUP BY 1, 2`},
	{"ticket_days", `SELECT created_day, outcome, due_day, n FROM ticket_days`,
		`SELECT created_at / 86400000, CASE WHEN sla_fulfilled_at <> 0 THEN CASE WHEN sla_fulfilled_at > sla_due THEN 3 ELSE 2 END
			WHEN sla_paused_at <> 0 THEN 1 ELSE 0 END,
		CASE WHEN sla_fulfilled_at = 0 AND sla_paused_at = 0 THEN sla_due / 86400000 ELSE 0 END, count(*) FROM tickets GROUP BY 1, 2, 3`},
}

// checkTallies fails unless every count table holds exactly the counts
// recomputed from the tickets, and no row at zero (the triggers delete
// those).
func checkTallies(t *testing.T, s *Store, what string) {
	t.Helper()
	for _, c := range tallyRecounts {
		var extra, missing int
		err := s.Pool().QueryRow(t.Context(), `SELECT (SELECT count(*) FROM (`+c.rows+` EXCEPT `+c.recount+`) x),
			(SELECT count(*) FROM (`+c.recount+` EXCEPT `+c.rows+`) y)`).Scan(&extra, &missing)
		if err != nil {
			t.Fatalf("%s: %s: %v", what, c.table, err)
		}
		if extra != 0 || missing != 0 {
			t.Errorf("%s: %s has %d rows the tickets do not, lacks %d they do", what, c.table, extra, missing)
		}
	}
}

// tallyTicket is ticket id in one of a few groups, picked by r.
func tallyTicket(id int64, r *rand.Rand) ticket.Ticket {
	base := time.Date(2025, 3, 14, 21, 40, 0, 0, time.UTC)
	created := base.Add(-time.Duration(r.IntN(10*24*60)) * time.Minute)
	tk := ticket.Ticket{ID: id, Ref: fmt.Sprintf("SD-2025-%06d", id), Channel: ticket.ChannelWeb,
		Language: []string{"en", "es", "fr"}[r.IntN(3)], Agency: []string{"", "ssa"}[r.IntN(2)],
		Category:        []ticket.Category{ticket.CategoryLostMFA, ticket.CategoryOther}[r.IntN(2)],
		RequesterSealed: []byte("sealed"), RequesterFP: []byte("fp"), NameSealed: []byte("name"), Subject: "s", Body: "b",
		Status:   []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending, ticket.StatusSolved}[r.IntN(4)],
		Assignee: []string{"", "agent-a", "agent-b"}[r.IntN(3)], CreatedAt: created, UpdatedAt: created,
		SLA: ticket.Clock{Target: 16 * time.Hour, Started: created, Due: created.Add(time.Duration(60+r.IntN(4*24*60)) * time.Minute)}}
	switch r.IntN(3) {
	case 0:
		tk.SLA.FulfilledAt = tk.SLA.Due.Add(time.Duration(r.IntN(600)-300) * time.Minute)
	case 1:
		tk.SLA.PausedAt = created.Add(time.Hour)
	}
	return tk
}

// Statements that change many tickets at once (a bulk insert, as a copy
// makes; updates and deletes of many rows) keep every count exact, and
// deletes leave no count at zero.
func TestTallyStatements(t *testing.T) {
	t.Parallel()
	s := openTemp(t, testURL(t), Options{MaxConns: 4})
	defer s.Close()
	ctx := t.Context()
	checkTallies(t, s, "empty")
	r := rand.New(rand.NewPCG(3, 5))
	err := s.Write(ctx, func(tx store.Tx) error {
		for id := int64(1); id <= 50; id++ {
			tk := tallyTicket(id, r)
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkTallies(t, s, "inserted one by one")
	for _, c := range []struct{ what, sql string }{
		{"a bulk insert", `INSERT INTO tickets (id, ref, channel, language, category, requester_sealed, requester_fp, name_sealed,
			agency, subject, body, status, assignee, created_at, updated_at, sla_target, sla_started, sla_due, sla_paused_at, sla_fulfilled_at)
			SELECT i, 'SD-2025-' || i, 'web', (ARRAY['en','es','fr'])[1 + i % 3], (ARRAY['lost_mfa','other'])[1 + i % 7 % 2],
				'x', 'x', 'x', (ARRAY['','ssa'])[1 + i % 5 % 2], 's', 'b',
				(ARRAY['new','open','pending','solved','closed'])[1 + i % 11 % 5], (ARRAY['','agent-a','agent-b'])[1 + i % 13 % 3],
				1741900000000 + i * 3600000, 0, 1, 1, 1741900000000 + i * 3600000 + i % 17 * 7200000,
				CASE WHEN i % 6 = 0 THEN 1741900000000 ELSE 0 END, CASE WHEN i % 4 = 0 THEN 1741900000000 + i * 3700000 ELSE 0 END
			FROM generate_series(51::bigint, 1000) i`},
		{"an update of many", `UPDATE tickets SET status = 'solved' WHERE id % 7 = 0`},
		{"an update of the clock", `UPDATE tickets SET sla_due = sla_due + 86400000, sla_paused_at = 0 WHERE id % 5 = 1`},
		{"a reassignment", `UPDATE tickets SET assignee = CASE assignee WHEN '' THEN 'agent-c' ELSE '' END WHERE id % 3 = 0`},
		{"a change of no counted column", `UPDATE tickets SET version = version + 1, updated_at = updated_at + 1`},
		{"a delete", `DELETE FROM tickets WHERE id % 4 <> 0`},
	} {
		if _, err := s.Pool().Exec(ctx, c.sql); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		checkTallies(t, s, "after "+c.what)
	}
	// Moves noted and rolled back, with a savepoint or the whole
	// transaction, are never applied.
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE tickets SET status = 'closed' WHERE id % 3 = 1`, `SAVEPOINT a`,
		`UPDATE tickets SET assignee = 'agent-d' WHERE id % 2 = 0`, `ROLLBACK TO a`, `UPDATE tickets SET sla_fulfilled_at = sla_due WHERE id % 5 = 0`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	checkTallies(t, s, "after a savepoint rolled back")
	tx, err = s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE tickets SET status = 'open', sla_paused_at = 0`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	checkTallies(t, s, "after a rollback")
	if _, err := s.Pool().Exec(ctx, `DELETE FROM tickets`); err != nil {
		t.Fatal(err)
	}
	for _, c := range tallyRecounts {
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM `+c.table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s keeps %d rows once every ticket is gone (%v)", c.table, n, err)
		}
	}
}

// Writers in several connections change tickets and open new ones at
// once, at READ COMMITTED, as the desk does: an agent's change reads its
// tickets (in id order), updates them and appends to the audit log;
// intake takes the next id (under the audit lock), inserts and appends.
// No transaction conflicts (the counts' rows are locked only at commit,
// after the audit lock, so a change holding a count cannot wait for the
// lock held by an intake that waits for that count), and the counts end
// exact: no lost or doubled change.
func TestTallyConcurrentWriters(t *testing.T) {
	t.Parallel()
	s := openTemp(t, testURL(t), Options{MaxConns: 8})
	defer s.Close()
	ctx := t.Context()
	const tickets, writers, rounds = 60, 6, 25
	seed := rand.New(rand.NewPCG(1, 2))
	err := s.Write(ctx, func(tx store.Tx) error {
		for id := int64(1); id <= tickets; id++ {
			tk := tallyTicket(id, seed)
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 14, 22, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for w := range writers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for range rounds {
				var ids []int64
				for range 1 + r.IntN(3) {
					ids = append(ids, 1+r.Int64N(tickets))
				}
				slices.Sort(ids)
				ids = slices.Compact(ids)
				intake := r.IntN(3) == 0
				errs <- s.Write(ctx, func(tx store.Tx) error {
					if intake {
						id, err := tx.MaxTicketID(ctx)
						if err != nil {
							return err
						}
						tk := tallyTicket(id+1, r)
						tk.Status, tk.Assignee, tk.SLA.PausedAt, tk.SLA.FulfilledAt = ticket.StatusNew, "", time.Time{}, time.Time{}
						if err := tx.InsertTicket(ctx, &tk); err != nil {
							return err
						}
						return tx.AppendAudit(ctx, audit.Record(access.System, at, "ticket.create", "ticket", tk.Ref, ""))
					}
					for _, id := range ids {
						tk, err := tx.Ticket(ctx, id)
						if err != nil {
							return err
						}
						next := tallyTicket(id, r)
						tk.Status, tk.Assignee, tk.Language, tk.SLA = next.Status, next.Assignee, next.Language, next.SLA
						if err := tx.UpdateTicket(ctx, &tk); err != nil {
							return err
						}
					}
					return tx.AppendAudit(ctx, audit.Record(access.System, at, "ticket.update", "ticket", "", ""))
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Write: %v", err)
		}
	}
	checkTallies(t, s, "after concurrent writers")
}

// A write transaction reads counts that include its own changes: those
// of an insert at once, those of an update (applied at commit) once a
// count is read.
func TestTallyReadsOwnWrites(t *testing.T) {
	t.Parallel()
	s := openTemp(t, testURL(t), Options{MaxConns: 4})
	defer s.Close()
	ctx := t.Context()
	now := time.Date(2025, 3, 14, 22, 0, 0, 0, time.UTC)
	risk := now.Add(4 * time.Hour)
	open := ticket.Ticket{ID: 1, Ref: "SD-2025-000001", Channel: ticket.ChannelWeb, Language: "fr", Category: ticket.CategoryOther,
		RequesterSealed: []byte("sealed"), RequesterFP: []byte("fp"), NameSealed: []byte("name"), Subject: "s", Body: "b",
		Status: ticket.StatusOpen, Assignee: "agent-a", CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour),
		SLA: ticket.Clock{Target: 16 * time.Hour, Started: now.Add(-time.Hour), Due: now.Add(30 * time.Hour)}}
	cells := func(rd store.Reader) []store.BoardCell {
		t.Helper()
		c, err := rd.BoardCells(ctx, now, risk)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	err := s.Write(ctx, func(tx store.Tx) error {
		tk := open
		if err := tx.InsertTicket(ctx, &tk); err != nil {
			return err
		}
		if got, want := cells(tx), []store.BoardCell{{Language: "fr", Category: ticket.CategoryOther,
			StateCounts: store.StateCounts{OnTrack: 1}}}; !slices.Equal(got, want) {
			t.Errorf("after the insert: BoardCells = %+v, want %+v", got, want)
		}
		tk.Status, tk.SLA.PausedAt = ticket.StatusPending, now
		if err := tx.UpdateTicket(ctx, &tk); err != nil {
			return err
		}
		if got, want := cells(tx), []store.BoardCell{{Language: "fr", Category: ticket.CategoryOther,
			StateCounts: store.StateCounts{Paused: 1}}}; !slices.Equal(got, want) {
			t.Errorf("after the update: BoardCells = %+v, want %+v", got, want)
		}
		_, total, err := tx.QueuePage(ctx, store.QueueQuery{Statuses: []ticket.Status{ticket.StatusPending}})
		if err != nil {
			return err
		}
		if total != 1 {
			t.Errorf("after the update: pending queue total %d, want 1", total)
		}
		// Deferred again: this one is applied at commit.
		tk.Status, tk.Assignee = ticket.StatusSolved, ""
		return tx.UpdateTicket(ctx, &tk)
	})
	if err != nil {
		t.Fatal(err)
	}
	checkTallies(t, s, "after commit")
	err = s.Read(ctx, func(rd store.Reader) error {
		if got := cells(rd); len(got) != 0 {
			t.Errorf("after commit: BoardCells = %+v, want none", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every queue and board query can read an index in the order it needs:
// with sorts, sequential and bitmap scans priced out (so that the plan
// is the one a backlog of a million tickets gets, not the one cheapest
// for the test's few thousand), its plan sorts no matches, scans no whole
// ticket or message table, and names the index meant to serve it; and so
// does its generic plan, the one a prepared statement settles on after
// five runs, with parameters unknown: the literal status lists are what
// let the planner prove a partial index serves it.
func TestQueuePlans(t *testing.T) {
	t.Parallel()
	s := openTemp(t, testURL(t), Options{MaxConns: 2})
	defer s.Close()
	ctx := t.Context()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	_, err := s.Pool().Exec(ctx, `INSERT INTO tickets (id, ref, channel, language, category, requester_sealed, requester_fp, name_sealed,
		agency, subject, body, status, assignee, created_at, updated_at, sla_target, sla_started, sla_due, sla_paused_at, sla_fulfilled_at)
		SELECT i, 'SD-2026-' || lpad(i::text, 6, '0'), 'web', (ARRAY['en','es','fr'])[1 + i % 3], (ARRAY['lost_mfa','proofing','other'])[1 + i % 7 % 3],
			'x', convert_to('req' || i, 'UTF8'), 'x', (ARRAY['','ssa','va','irs'])[1 + i % 4], 'subject', 'body words',
			CASE WHEN i % 2 = 0 THEN 'solved' WHEN i % 11 = 0 THEN 'pending' ELSE 'open' END,
			CASE WHEN i % 3 = 0 THEN '' ELSE 'agent-' || i % 20 END,
			$1 - i * 360000, $1 - i * 360000, 57600000, $1 - i * 360000, $1 + (i % 97 - 30) * 3600000,
			CASE WHEN i % 2 = 1 AND i % 11 = 0 THEN $1 - 3600000 ELSE 0 END,
			CASE WHEN i % 2 = 0 THEN $1 - i * 360000 + 3600000 WHEN i % 13 = 0 THEN $1 - 3600000 ELSE 0 END
		FROM generate_series(1::bigint, 6000) i`, ms(now))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Pool().Exec(ctx, `INSERT INTO ticket_messages (ticket_id, kind, author, body, created_at)
		SELECT id, 'public', assignee, 'reply', created_at FROM tickets WHERE assignee <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	risk := now.Add(4 * time.Hour)
	mid := store.QueueKey{Rank: 0, Due: now, ID: 3000}
	page := func(q store.QueueQuery) (string, params) {
		_, sql, _, args, _ := queueSQL(q)
		return sql, args
	}
	count := func(q store.QueueQuery) (string, params) {
		sql, _, args, _, _ := queueSQL(q)
		return sql, args
	}
	fixed := func(sql string, args ...any) func() (string, params) {
		return func() (string, params) { return sql, args }
	}
	of := func(f func(store.QueueQuery) (string, params), q store.QueueQuery) func() (string, params) {
		return func() (string, params) { return f(q) }
	}
	after := func(q store.QueueQuery, back bool) store.QueueQuery {
		q.After, q.Backward = &mid, back
		return q
	}
	agent := store.QueueQuery{Agent: "agent-4", Languages: []string{"es", "en"}}
	agentFr := agent
	agentFr.Language = "fr"
	solved := store.QueueQuery{Statuses: []ticket.Status{ticket.StatusSolved}}
	assignee := "agent-7"
	today := day(now) * dayMS
	cases := []struct {
		name     string
		query    func() (string, params)
		index    string // the index meant to serve it
		sortsFew bool   // sorts a bounded set: a lookup's rows, a day's due tickets
	}{
		{"queue page, supervisor", of(page, store.QueueQuery{}), "tickets_open_queue", false},
		{"queue page, supervisor, after a key", of(page, after(store.QueueQuery{}, false)), "tickets_open_queue", false},
		{"queue page, supervisor, before a key", of(page, after(store.QueueQuery{}, true)), "tickets_open_queue", false},
		{"queue page, supervisor, last", of(page, store.QueueQuery{Backward: true}), "tickets_open_queue", false},
		{"queue page, agent", of(page, agent), "tickets_open_", false},
		{"queue page, agent, after a key", of(page, after(agent, false)), "tickets_open_", false},
		{"queue page, agent, language", of(page, agentFr), "tickets_open_", false},
		{"queue page, language", of(page, after(store.QueueQuery{Language: "fr"}, false)), "tickets_open_queue", false},
		{"queue page, category", of(page, store.QueueQuery{Category: ticket.CategoryLostMFA}), "tickets_open_queue", false},
		{"queue page, agency", of(page, store.QueueQuery{Agency: "va"}), "tickets_open_queue", false},
		{"queue page, status", of(page, store.QueueQuery{Statuses: []ticket.Status{ticket.StatusPending}}), "tickets_open_queue", false},
		{"queue page, assignee", of(page, store.QueueQuery{Assignee: &assignee}), "tickets_open_", false},
		{"queue page, assignee, after a key", of(page, after(store.QueueQuery{Assignee: &assignee}, false)), "tickets_open_", false},
		{"urgent list", of(page, store.QueueQuery{DueBy: risk}), "tickets_open_queue", false},
		{"queue page, solved", of(page, solved), "tickets_done_queue", false},
		{"queue page, solved, after a key", of(page, after(solved, false)), "tickets_done_queue", false},
		{"queue page, ref", of(page, store.QueueQuery{Ref: "SD-2026-000101"}), "tickets_ref_key", true},
		{"queue page, requester", of(page, store.QueueQuery{Requester: []byte("req101")}), "tickets_requester", true},
		{"queue count, supervisor", of(count, store.QueueQuery{}), "ticket_tally", false},
		{"queue count, agent", of(count, agent), "ticket_tally", false},
		{"queue count, solved", of(count, solved), "ticket_tally", false},
		{"urgent count", of(count, store.QueueQuery{DueBy: risk}), "tickets_open_queue", false},
		{"board: due from today to the at-risk bound", fixed(dueNowSQL, ms(now), today, ms(risk)), "tickets_open_queue", true},
		{"workload: replies", fixed(repliesSQL, ms(now.Add(-8*time.Hour))), "ticket_messages_author", false},
		{"attainment: partial days", fixed(attainmentSQL, ms(now.AddDate(0, 0, -30)), today-29*dayMS, ms(now)), "tickets_created", false},
		{"attainment: due today", fixed(dueTodaySQL, today, ms(now), today-29*dayMS, today), "tickets_", false},
		{"mail worker: a ticket's mail, to thread the next", fixed(ticketOutboxSQL, 101), "outbox_ticket", false},
		{"failed mail count", fixed(outboxFailedSQL), "outbox_channel_due", false},
		{"intake: the requester's recent tickets", fixed(requesterRecentSQL, []byte("req101"), ms(now.Add(-24*time.Hour)), 4), "Index Only Scan using tickets_requester", false},
	}
	conn, err := s.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	explain := func(q string, args ...any) string {
		t.Helper()
		rs, err := conn.Query(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		lines, err := pgx.CollectRows(rs, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return strings.Join(lines, "\n")
	}
	for i, c := range cases {
		sql, args := c.query()
		// EXECUTE takes values, not parameters.
		values := make([]string, len(args))
		for j, a := range args {
			values[j] = literal(t, a)
		}
		// A lookup's few rows are sorted, and found by a bitmap scan.
		for _, setting := range []string{"enable_sort", "enable_seqscan", "enable_bitmapscan"} {
			if _, err := conn.Exec(ctx, fmt.Sprintf("SET %s = %v", setting, c.sortsFew)); err != nil {
				t.Fatal(err)
			}
		}
		stmt := fmt.Sprintf("plan_%d", i)
		if _, err := conn.Exec(ctx, "PREPARE "+stmt+" AS "+sql); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
			if _, err := conn.Exec(ctx, "SET plan_cache_mode = "+mode); err != nil {
				t.Fatal(err)
			}
			run := "EXPLAIN EXECUTE " + stmt
			if len(args) > 0 {
				run += "(" + strings.Join(values, ", ") + ")"
			}
			plan := explain(run)
			what := c.name + " (" + mode + ")"
			if strings.Contains(plan, "Sort") && !c.sortsFew {
				t.Errorf("%s sorts its matches:\n%s", what, plan)
			}
			if strings.Contains(plan, "Seq Scan on tickets") || strings.Contains(plan, "Seq Scan on ticket_messages") || strings.Contains(plan, "Seq Scan on outbox") {
				t.Errorf("%s scans a whole table:\n%s", what, plan)
			}
			if !strings.Contains(plan, c.index) {
				t.Errorf("%s does not use %s:\n%s", what, c.index, plan)
			}
		}
	}
}

// literal is a query argument as an SQL literal, for EXECUTE.
func literal(t *testing.T, v any) string {
	t.Helper()
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch v := v.(type) {
	case string:
		return quote(v)
	case int:
		return fmt.Sprint(v)
	case int64:
		return fmt.Sprint(v)
	case []byte:
		return fmt.Sprintf(`'\x%x'::bytea`, v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = quote(s)
		}
		return "ARRAY[" + strings.Join(q, ", ") + "]::text[]"
	}
	t.Fatalf("no literal for %T", v)
	return ""
}
