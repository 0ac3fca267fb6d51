package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// The board, the workload, attainment and the queue's totals read the
// counts that migration 0009's triggers keep, not the tickets. Only what
// depends on the time of reading is counted from tickets: those due from
// the start of today (UTC) to the end of the at-risk window, read in due
// order from the open-ticket index.

const dayMS = 86_400_000

// day is the tallies' day number of t.
func day(t time.Time) int64 { return ms(t) / dayMS }

// cellKey names a board cell.
type cellKey struct{ language, agency, category string }

// tallyCellsSQL counts open tickets by cell and rank, reading ticket_tally
// in its key's order (cell, rank, status, assignee): grouped as the rows
// come, the rows of solved and closed tickets passed over. Some thousands
// of rows, whatever the backlog.
const tallyCellsSQL = `SELECT language, agency, category, sla_rank, sum(n) FROM ticket_tally
	WHERE status IN ('new','open','pending') GROUP BY language, agency, category, sla_rank`

// dueCellsSQL counts open tickets whose clock runs by cell, due before a day.
const dueCellsSQL = `SELECT language, agency, category, sum(n) FROM ticket_due_cells
	WHERE day < ? GROUP BY language, agency, category`

// dueNowSQL reads the running clocks due from the start of today to the
// end of the at-risk window (parameters: now, now, from, to), from
// tickets_open_queue in due order: breached ones are due before now, the
// rest are at risk.
const dueNowSQL = `SELECT language, agency, category, assignee,
	sum(sla_due < ?), sum(sla_due >= ?)
	FROM tickets t WHERE ` + openWhere + ` AND t.sla_rank = 0 AND t.sla_due >= ? AND t.sla_due <= ?
	GROUP BY language, agency, category, assignee`

// dueNow is one row of dueNowSQL.
type dueNow struct {
	cell     cellKey
	assignee string
	breached int
	atRisk   int
}

// dueSoon reads the clocks due from the start of now's day to risk, once
// per read transaction.
func (c *conn) dueSoon(ctx context.Context, now, risk time.Time) ([]dueNow, error) {
	k := [2]int64{ms(now), ms(risk)}
	if d, ok := c.soon[k]; ok && !c.write {
		return d, nil
	}
	d, err := collect(c, ctx, dueNowSQL, func(rs *sql.Rows) (dueNow, error) {
		var d dueNow
		err := rs.Scan(&d.cell.language, &d.cell.agency, &d.cell.category, &d.assignee, &d.breached, &d.atRisk)
		return d, err
	}, ms(now), ms(now), day(now)*dayMS, ms(risk))
	if err == nil && !c.write {
		if c.soon == nil {
			c.soon = map[[2]int64][]dueNow{}
		}
		c.soon[k] = d
	}
	return d, err
}

// grouping is one way of grouping the open tickets' states: the tally by
// group and rank, the running clocks due before a day by group, a row's
// group (scan reads its key columns, then rest), and the group of a clock
// due soon.
type grouping[K comparable] struct {
	tally, due string
	scan       func(rs *sql.Rows, rest ...any) (K, error)
	soon       func(dueNow) K
}

// stateGroups counts open tickets by group and state at now. Groups come
// from the tally; due clocks of a group it lacks (the unassigned, for the
// workload) are left out.
func stateGroups[K comparable](c *conn, ctx context.Context, now, risk time.Time, g grouping[K]) (map[K]*store.StateCounts, error) {
	if err := c.tallyNew(ctx); err != nil {
		return nil, err
	}
	groups := map[K]*store.StateCounts{}
	err := each(c, ctx, g.tally, func(rs *sql.Rows) error {
		var rank, n int
		k, err := g.scan(rs, &rank, &n)
		if err != nil {
			return err
		}
		if groups[k] == nil {
			groups[k] = &store.StateCounts{}
		}
		groups[k].AddRank(rank, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(c, ctx, g.due, func(rs *sql.Rows) error {
		var n int
		k, err := g.scan(rs, &n)
		if s := groups[k]; err == nil && s != nil {
			s.MoveDue(n, 0)
		}
		return err
	}, day(now))
	if err != nil {
		return nil, err
	}
	soon, err := c.dueSoon(ctx, now, risk)
	if err != nil {
		return nil, err
	}
	for _, d := range soon {
		if s := groups[g.soon(d)]; s != nil {
			s.MoveDue(d.breached, d.atRisk)
		}
	}
	return groups, nil
}

// BoardCells counts open tickets by language, agency, category and state.
func (c *conn) BoardCells(ctx context.Context, now, risk time.Time) ([]store.BoardCell, error) {
	groups, err := stateGroups(c, ctx, now, risk, grouping[cellKey]{tally: tallyCellsSQL, due: dueCellsSQL,
		scan: func(rs *sql.Rows, rest ...any) (cellKey, error) {
			var k cellKey
			return k, rs.Scan(append([]any{&k.language, &k.agency, &k.category}, rest...)...)
		},
		soon: func(d dueNow) cellKey { return d.cell },
	})
	if err != nil {
		return nil, err
	}
	out := make([]store.BoardCell, 0, len(groups))
	for k, sc := range groups {
		out = append(out, store.BoardCell{Language: k.language, Agency: k.agency, Category: ticket.Category(k.category), StateCounts: *sc})
	}
	slices.SortFunc(out, func(a, b store.BoardCell) int {
		return cmp.Or(strings.Compare(a.Language, b.Language), strings.Compare(a.Agency, b.Agency),
			strings.Compare(string(a.Category), string(b.Category)))
	})
	return out, nil
}

// tallyLoadSQL counts open assigned tickets by assignee and rank.
const tallyLoadSQL = `SELECT assignee, sla_rank, n FROM ticket_load ORDER BY assignee, sla_rank`

// dueLoadSQL counts open assigned tickets whose clock runs, due before a day.
const dueLoadSQL = `SELECT assignee, sum(n) FROM ticket_due_assignees WHERE day < ? GROUP BY assignee`

// repliesSQL counts each assignee's public replies since a time, one
// index range of ticket_messages_author an assignee, in one statement.
const repliesSQL = `SELECT l.assignee, (SELECT count(*) FROM ticket_messages m
		WHERE m.author = l.assignee AND m.kind = 'public' AND m.created_at >= ?)
	FROM (SELECT DISTINCT assignee FROM ticket_load) l`

// Workload counts open tickets by assignee and state, with replies.
func (c *conn) Workload(ctx context.Context, now, risk, repliesSince time.Time) ([]store.LoadRow, error) {
	groups, err := stateGroups(c, ctx, now, risk, grouping[string]{tally: tallyLoadSQL, due: dueLoadSQL,
		scan: func(rs *sql.Rows, rest ...any) (string, error) {
			var a string
			return a, rs.Scan(append([]any{&a}, rest...)...)
		},
		soon: func(d dueNow) string { return d.assignee },
	})
	if err != nil {
		return nil, err
	}
	replies := map[string]int{}
	err = each(c, ctx, repliesSQL, func(rs *sql.Rows) error {
		var a string
		var n int
		err := rs.Scan(&a, &n)
		replies[a] = n
		return err
	}, ms(repliesSince))
	if err != nil {
		return nil, err
	}
	out := make([]store.LoadRow, 0, len(groups))
	for a, sc := range groups {
		out = append(out, store.LoadRow{Assignee: a, StateCounts: *sc, Replies: replies[a]})
	}
	slices.SortFunc(out, func(a, b store.LoadRow) int { return strings.Compare(a.Assignee, b.Assignee) })
	return out, nil
}

// attainmentSQL counts, exactly, the tickets created in [?, ?) whose
// target has passed at ? or been met, and those answered in time. It
// serves the partial days at the window's two ends.
const attainmentSQL = `SELECT count(*), coalesce(sum(CASE WHEN sla_fulfilled_at <> 0 AND sla_fulfilled_at <= sla_due THEN 1 ELSE 0 END), 0)
	FROM tickets WHERE created_at >= ? AND created_at < ? AND (sla_fulfilled_at <> 0 OR (sla_paused_at = 0 AND sla_due < ?))`

// attainmentDaysSQL counts the whole creation days strictly between two
// days from ticket_days: answered tickets, and running clocks due before
// the last day (the day of reading).
const attainmentDaysSQL = `SELECT
	coalesce(sum(CASE WHEN outcome >= 2 OR (outcome = 0 AND due_day < ?) THEN n ELSE 0 END), 0),
	coalesce(sum(CASE WHEN outcome = 2 THEN n ELSE 0 END), 0)
	FROM ticket_days WHERE created_day > ? AND created_day < ?`

// dueTodaySQL counts running clocks never answered, created in [?, ?),
// due today before now ([?, ?)): their target passed today.
const dueTodaySQL = `SELECT count(*) FROM tickets
	WHERE sla_fulfilled_at = 0 AND sla_paused_at = 0 AND sla_due >= ? AND sla_due < ? AND created_at >= ? AND created_at < ?`

// Attainment counts tickets created in [from, now) whose target has passed
// or been met, and those answered in time: the whole days between from's
// day and now's from ticket_days, the two partial days from tickets.
func (c *conn) Attainment(ctx context.Context, from, now time.Time) (int, int, error) {
	if !from.Before(now) {
		return 0, 0, nil
	}
	if err := c.tallyNew(ctx); err != nil {
		return 0, 0, err
	}
	edge := func(lo, hi int64) (total, inTime int, err error) {
		if lo >= hi {
			return 0, 0, nil
		}
		row, err := c.row(ctx, attainmentSQL, lo, hi, ms(now))
		return total, inTime, scanOne(row, err, &total, &inTime)
	}
	fromDay, nowDay := day(from), day(now)
	if fromDay == nowDay {
		return edge(ms(from), ms(now))
	}
	total, inTime, err := edge(ms(from), (fromDay+1)*dayMS)
	if err != nil {
		return 0, 0, err
	}
	t, in, err := edge(nowDay*dayMS, ms(now))
	if err != nil {
		return 0, 0, err
	}
	total, inTime = total+t, inTime+in
	row, err := c.row(ctx, attainmentDaysSQL, nowDay, fromDay, nowDay)
	if err := scanOne(row, err, &t, &in); err != nil {
		return 0, 0, err
	}
	total, inTime = total+t, inTime+in
	row, err = c.row(ctx, dueTodaySQL, nowDay*dayMS, ms(now), (fromDay+1)*dayMS, nowDay*dayMS)
	if err := scanOne(row, err, &t); err != nil {
		return 0, 0, err
	}
	return total + t, inTime, nil
}

// QueueStats counts open tickets by language and SLA state, and the
// outbox's backlog and failures. The reads run on the caller's snapshot.
func (c *conn) QueueStats(ctx context.Context, now, risk time.Time) (store.QueueStats, error) {
	cells, err := c.BoardCells(ctx, now, risk)
	if err != nil {
		return store.QueueStats{}, err
	}
	s := store.QueueStats{ByLanguage: store.ByLanguage(cells)}
	row, err := c.row(ctx, `SELECT
		coalesce(sum(CASE WHEN status IN ('queued','sending') THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0)
		FROM outbox WHERE status IN ('queued','sending','failed')`)
	return s, scanOne(row, err, &s.OutboxBacklog, &s.OutboxFailed)
}

// tallyCount builds the count of a queue query from ticket_tally, when
// the tally holds every column it filters on: the statuses, language,
// category, agency, assignee and an agent's scope. A running clock's due
// time (DueBy) is counted from the due days, without other filters. ok is
// false for a search by text, reference or requester, whose matches are
// few or found by their own index.
func tallyCount(q store.QueueQuery) (query string, args []any, ok bool) {
	if len(q.Words) > 0 || q.Ref != "" || q.Requester != nil {
		return "", nil, false
	}
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = openStatuses
	}
	if !q.DueBy.IsZero() {
		if q.Agent != "" || q.Language != "" || q.Category != "" || q.Agency != "" || q.Assignee != nil || !allOpen(statuses) {
			return "", nil, false
		}
		// Whole days before the bound's day from the tally, that day up to
		// the bound from tickets_open_queue.
		return `SELECT (SELECT coalesce(sum(n), 0) FROM ticket_due_cells WHERE day < ?) +
			(SELECT count(*) FROM tickets t WHERE ` + openWhere + ` AND t.sla_rank = 0 AND t.sla_due >= ? AND t.sla_due <= ?)`,
			[]any{day(q.DueBy), day(q.DueBy) * dayMS, ms(q.DueBy)}, true
	}
	where := []string{"status IN (" + marks(len(statuses)) + ")"}
	for _, s := range statuses {
		args = append(args, string(s))
	}
	w, a := scopeTerms(q, func(name string, _ bool) string { return name })
	where, args = append(where, w...), append(args, a...)
	return `SELECT coalesce(sum(n), 0) FROM ticket_tally WHERE ` + strings.Join(where, " AND "), args, true
}

// each runs a query and calls fn for each row.
func each(c *conn, ctx context.Context, q string, fn func(*sql.Rows) error, args ...any) error {
	rs, err := c.rows(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return storageErr(err)
		}
	}
	return storageErr(rs.Err())
}

// tallyNewSQL counts the new tickets that where selects in the tallies.
// The tickets are grouped by everything the apply trigger of migration
// 0009 derives from a row (the filters, the status, the rank, the due and
// created days, and whether it was paused, answered, answered late), and
// each group goes through ticket_tally_delta once with its size as the
// sign: the trigger files it as it would each of its tickets, in one
// firing instead of one per ticket. Any row of a group stands for all.
func tallyNewSQL(where string) string {
	return `INSERT INTO ticket_tally_delta
	SELECT count(*), language, agency, category, assignee, status, sla_rank, sla_due, sla_paused_at, sla_fulfilled_at, created_at
	FROM tickets WHERE ` + where + `
	GROUP BY language, agency, category, assignee, status, sla_rank, sla_due / 86400000, created_at / 86400000,
		sla_paused_at <> 0, sla_fulfilled_at <> 0, sla_fulfilled_at > sla_due`
}

// tallyNew counts the tickets this transaction inserted (migration 0011:
// new tickets have no insert trigger). It runs at commit, and before
// anything reads the counts or changes a ticket, whose update trigger
// takes the row out of counts it must already be in.
func (c *conn) tallyNew(ctx context.Context) error {
	fresh := c.created[c.tallied:]
	c.tallied = len(c.created)
	return c.execIDs(ctx, tallyNewSQL(idsIn), fresh)
}
