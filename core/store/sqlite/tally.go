package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"supportdesk/core/store"
)

// The board, the workload, attainment and the queue's totals read the
// counts that migration 0009's triggers keep, not the tickets. Only what
// depends on the time of reading is counted from tickets: those due from
// the start of today (UTC) to the end of the at-risk window, read in due
// order from the open-ticket index.

// day is the tallies' day number of t.
func day(t time.Time) int64 { return store.CountDay(t) }

const dayMS = store.CountDayMS

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

// tallyLoadSQL counts open assigned tickets by assignee and rank.
const tallyLoadSQL = `SELECT assignee, sla_rank, n FROM ticket_load ORDER BY assignee, sla_rank`

// dueLoadSQL counts open assigned tickets whose clock runs, due before a day.
const dueLoadSQL = `SELECT assignee, sum(n) FROM ticket_due_assignees WHERE day < ? GROUP BY assignee`

// repliesSQL counts each assignee's public replies since a time, one
// index range of ticket_messages_author an assignee, in one statement.
const repliesSQL = `SELECT l.assignee, (SELECT count(*) FROM ticket_messages m
		WHERE m.author = l.assignee AND m.kind = 'public' AND m.created_at >= ?)
	FROM (SELECT DISTINCT assignee FROM ticket_load) l`

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

// countQueries are the queries behind the board, the workload and
// attainment (store.CountBoard and the rest).
var countQueries = store.CountQueries{TallyCells: tallyCellsSQL, DueCells: dueCellsSQL, TallyLoad: tallyLoadSQL,
	DueLoad: dueLoadSQL, Replies: repliesSQL, Attainment: attainmentSQL, AttainmentDays: attainmentDaysSQL, DueToday: dueTodaySQL}

// countRows runs a query of countQueries for the store's count functions.
func (c *conn) countRows(ctx context.Context, q string, fn func(scan func(...any) error) error, args ...any) error {
	return each(c, ctx, q, func(rs *sql.Rows) error { return fn(rs.Scan) }, args...)
}

// dueSoon reads the clocks due from the start of now's day to risk, once
// per read transaction: the board and the workload of one refresh both
// need them.
func (c *conn) dueSoon(ctx context.Context, now, risk time.Time) ([]store.DueSoon, error) {
	k := [2]int64{ms(now), ms(risk)}
	if d, ok := c.soon[k]; ok && !c.write {
		return d, nil
	}
	d, err := collect(c, ctx, dueNowSQL, func(rs *sql.Rows) (store.DueSoon, error) {
		var d store.DueSoon
		err := rs.Scan(&d.Language, &d.Agency, &d.Category, &d.Assignee, &d.Breached, &d.AtRisk)
		return d, err
	}, ms(now), ms(now), day(now)*dayMS, ms(risk))
	if err == nil && !c.write {
		if c.soon == nil {
			c.soon = map[[2]int64][]store.DueSoon{}
		}
		c.soon[k] = d
	}
	return d, err
}

// BoardCells counts open tickets by language, agency, category and state.
func (c *conn) BoardCells(ctx context.Context, now, risk time.Time) ([]store.BoardCell, error) {
	if err := c.tallyNew(ctx); err != nil {
		return nil, err
	}
	soon, err := c.dueSoon(ctx, now, risk)
	if err != nil {
		return nil, err
	}
	return store.CountBoard(ctx, c.countRows, countQueries, now, soon)
}

// Workload counts open tickets by assignee and state, with replies.
func (c *conn) Workload(ctx context.Context, now, risk, repliesSince time.Time) ([]store.LoadRow, error) {
	if err := c.tallyNew(ctx); err != nil {
		return nil, err
	}
	soon, err := c.dueSoon(ctx, now, risk)
	if err != nil {
		return nil, err
	}
	return store.CountWorkload(ctx, c.countRows, countQueries, now, repliesSince, soon)
}

// Attainment counts tickets created in [from, now) whose target has passed
// or been met, and those answered in time (store.CountAttainment).
func (c *conn) Attainment(ctx context.Context, from, now time.Time) (int, int, error) {
	if err := c.tallyNew(ctx); err != nil {
		return 0, 0, err
	}
	return store.CountAttainment(ctx, c.countRows, countQueries, from, now)
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
