package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// The board, the workload, attainment and the queue's totals read the
// counts that migration 0004's triggers keep, not the tickets. Only what
// depends on the time of reading is counted from tickets: those due from
// the start of today (UTC) to the end of the at-risk window, read in due
// order from tickets_open_queue. Triggers delete a count taken to zero;
// the reads skip zero rows all the same, so a count kept at zero would
// show no empty cell or idle assignee either.

const dayMS = store.CountDayMS

// day is the tallies' day number of t, as the triggers compute it
// (sla_due / 86400000: both truncate).
func day(t time.Time) int64 { return store.CountDay(t) }

// openStatusSQL selects open tickets in the words of the partial indexes'
// WHERE clause: the planner proves a partial index serves a query from
// its literal terms, which a parameter would hide from a generic plan.
const openStatusSQL = `t.status IN ('new','open','pending')`

// doneStatusSQL names solved and closed tickets as tickets_done_queue's
// WHERE clause does.
const doneStatusSQL = `t.status IN ('solved','closed')`

var queueOpen = []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending}

func isOpenStatus(s ticket.Status) bool {
	return s == ticket.StatusNew || s == ticket.StatusOpen || s == ticket.StatusPending
}

// statusesOpen reports whether every status is an open one.
func statusesOpen(statuses []ticket.Status) bool {
	for _, s := range statuses {
		if !isOpenStatus(s) {
			return false
		}
	}
	return true
}

// statusesDone reports whether every status is solved or closed: such a
// queue reads tickets_done_queue, newest first.
func statusesDone(statuses []ticket.Status) bool {
	return len(statuses) > 0 && !slices.ContainsFunc(statuses, func(s ticket.Status) bool {
		return s != ticket.StatusSolved && s != ticket.StatusClosed
	})
}

// statusesAllOpen reports whether statuses are exactly the open ones.
func statusesAllOpen(statuses []ticket.Status) bool {
	return statusesOpen(statuses) && slices.Contains(statuses, ticket.StatusNew) &&
		slices.Contains(statuses, ticket.StatusOpen) && slices.Contains(statuses, ticket.StatusPending)
}

// params collects a statement's arguments; add returns the placeholder
// of the one it appends.
type params []any

func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

func statusNames(statuses []ticket.Status) []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = string(s)
	}
	return out
}

// queueStatuses are the statuses a queue query selects: the open ones
// when it names none.
func queueStatuses(q store.QueueQuery) []ticket.Status {
	if len(q.Statuses) == 0 {
		return queueOpen
	}
	return q.Statuses
}

// queueWhere builds the WHERE clause of a queue query over tickets t.
func queueWhere(q store.QueueQuery, p *params) string {
	var where []string
	statuses := queueStatuses(q)
	switch {
	case statusesOpen(statuses):
		// A narrower status filter is then tested in the partial index.
		where = append(where, openStatusSQL)
	case statusesDone(statuses):
		where = append(where, doneStatusSQL)
	}
	switch {
	case len(statuses) == 1:
		// Equality, not ANY: btree keeps its order with an equality on a
		// later column as an index condition, but before PostgreSQL 17
		// not with an array one, which then only filters the rows read.
		where = append(where, "t.status = "+p.add(string(statuses[0])))
	case !statusesAllOpen(statuses):
		where = append(where, "t.status = ANY("+p.add(statusNames(statuses))+")")
	}
	where = append(where, scopeTerms(q, "t.", p)...)
	if q.Ref != "" {
		where = append(where, "t.ref = "+p.add(strings.ToUpper(strings.TrimSpace(q.Ref))))
	}
	if q.Requester != nil {
		where = append(where, "t.requester_fp = "+p.add(q.Requester))
	}
	if len(q.Words) > 0 {
		where = append(where, wordsMatch("t", q.Words, p.add))
	}
	if !q.DueBy.IsZero() {
		where = append(where, "t.sla_rank = 0 AND t.sla_due <= "+p.add(ms(q.DueBy)))
	}
	return strings.Join(where, " AND ")
}

// scopeTerms are the WHERE terms of a queue's scope and filters (an
// agent's own and unassigned tickets in its languages, language,
// category, agency, assignee), each column prefixed by prefix: the same
// terms filter tickets and ticket_tally, which has those columns too.
func scopeTerms(q store.QueueQuery, prefix string, p *params) []string {
	var where []string
	if q.Agent != "" {
		cond := prefix + "assignee = " + p.add(q.Agent)
		if len(q.Languages) > 0 {
			cond += " OR (" + prefix + "assignee = '' AND " + prefix + "language = ANY(" + p.add(q.Languages) + "))"
		}
		where = append(where, "("+cond+")")
	}
	for _, f := range q.Filters() {
		where = append(where, prefix+f.Column+" = "+p.add(f.Value))
	}
	return where
}

// tallyCount builds the count of a queue query from the tallies, when
// they hold every column it filters on: the statuses, language, category,
// agency, assignee and an agent's scope, from ticket_tally; a running
// clock's due time (DueBy), without other filters, from the due days. ok
// is false for a search by text, reference or requester, whose matches
// are few or found by their own index.
func tallyCount(q store.QueueQuery) (query string, args params, ok bool) {
	if len(q.Words) > 0 || q.Ref != "" || q.Requester != nil {
		return "", nil, false
	}
	statuses := queueStatuses(q)
	if !q.DueBy.IsZero() {
		if q.Agent != "" || q.Language != "" || q.Category != "" || q.Agency != "" || q.Assignee != nil || !statusesAllOpen(statuses) {
			return "", nil, false
		}
		// Whole days before the bound's day from the tally, that day up to
		// the bound from tickets_open_queue.
		return `SELECT (SELECT coalesce(sum(n), 0)::bigint FROM ticket_due_cells WHERE day < ` + args.add(day(q.DueBy)) + `) +
			(SELECT count(*) FROM tickets t WHERE ` + openStatusSQL + ` AND t.sla_rank = 0
				AND t.sla_due >= ` + args.add(day(q.DueBy)*dayMS) + ` AND t.sla_due <= ` + args.add(ms(q.DueBy)) + `)`, args, true
	}
	where := append([]string{"status = ANY(" + args.add(statusNames(statuses)) + ")"}, scopeTerms(q, "", &args)...)
	return `SELECT coalesce(sum(n), 0)::bigint FROM ticket_tally WHERE ` + strings.Join(where, " AND "), args, true
}

// queueSQL is a queue query's count and page, with the arguments of each,
// and whether the count reads the tallies.
// The page reads a queue index in its order (sla_rank, sla_due, id), from
// a key on when one is given, backwards for the window before a key: a
// range of the index, never an OFFSET.
func queueSQL(q store.QueueQuery) (count, page string, countArgs, pageArgs params, tallied bool) {
	where := queueWhere(q, &pageArgs)
	count, countArgs, tallied = tallyCount(q)
	if !tallied {
		count, countArgs = `SELECT count(*) FROM tickets t WHERE `+where, slices.Clone(pageArgs)
	}
	// Solved and closed tickets show newest first: the index is read
	// backwards, and "after" a key means before it in the index.
	order, cmp := "t.sla_rank, t.sla_due, t.id", ">"
	if q.Backward != statusesDone(q.Statuses) {
		order, cmp = "t.sla_rank DESC, t.sla_due DESC, t.id DESC", "<"
	}
	if q.After != nil {
		where += " AND (t.sla_rank, t.sla_due, t.id) " + cmp + " (" + pageArgs.add(int64(q.After.Rank)) + ", " +
			pageArgs.add(ms(q.After.Due)) + ", " + pageArgs.add(q.After.ID) + ")"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	page = `SELECT ` + ticketSelect("t", false) + ` FROM tickets t WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ` + pageArgs.add(limit)
	return count, page, countArgs, pageArgs, tallied
}

// QueuePage returns one window of the queue (subjects, no bodies) and the
// number of matches. The window is read by key from a queue index in
// order; the number comes from the tallies when they hold every filter,
// else it is counted.
func (c *conn) QueuePage(ctx context.Context, q store.QueueQuery) ([]ticket.Ticket, int, error) {
	count, page, countArgs, pageArgs, tallied := queueSQL(q)
	if tallied {
		if err := c.settleCounts(ctx); err != nil {
			return nil, 0, err
		}
	}
	var total int
	if err := c.scanOne(ctx, count, countArgs, &total); err != nil {
		return nil, 0, err
	}
	rows, err := all(c, ctx, page, scanTicket, pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	if q.Backward {
		slices.Reverse(rows)
	}
	return rows, total, nil
}

// tallyCellsSQL counts open tickets by cell and rank from ticket_tally,
// read in its key's order (cell, rank, status, assignee): some thousands
// of rows, whatever the backlog.
const tallyCellsSQL = `SELECT language, agency, category, sla_rank, sum(n)::bigint FROM ticket_tally
	WHERE status IN ('new','open','pending') AND n <> 0 GROUP BY language, agency, category, sla_rank`

// dueCellsSQL counts open tickets whose clock runs by cell, due before a day.
const dueCellsSQL = `SELECT language, agency, category, sum(n)::bigint FROM ticket_due_cells
	WHERE day < $1 AND n <> 0 GROUP BY language, agency, category`

// dueNowSQL reads the running clocks due from the start of today to the
// end of the at-risk window ($2 to $3), from tickets_open_queue in due
// order: breached ones are due before now ($1), the rest are at risk.
const dueNowSQL = `SELECT t.language, t.agency, t.category, t.assignee,
	count(*) FILTER (WHERE t.sla_due < $1), count(*) FILTER (WHERE t.sla_due >= $1)
	FROM tickets t WHERE ` + openStatusSQL + ` AND t.sla_rank = 0 AND t.sla_due >= $2 AND t.sla_due <= $3
	GROUP BY t.language, t.agency, t.category, t.assignee`

// tallyLoadSQL counts open assigned tickets by assignee and rank.
const tallyLoadSQL = `SELECT assignee, sla_rank, n FROM ticket_load WHERE n <> 0 ORDER BY assignee, sla_rank`

// dueLoadSQL counts open assigned tickets whose clock runs, due before a day.
const dueLoadSQL = `SELECT assignee, sum(n)::bigint FROM ticket_due_assignees WHERE day < $1 AND n <> 0 GROUP BY assignee`

// repliesSQL counts each assignee's public replies since a time, one
// range of ticket_messages_author an assignee, in one statement.
const repliesSQL = `SELECT l.assignee, (SELECT count(*) FROM ticket_messages m
		WHERE m.author = l.assignee AND m.kind = 'public' AND m.created_at >= $1)
	FROM (SELECT DISTINCT assignee FROM ticket_load WHERE n <> 0) l`

// attainmentSQL counts, exactly, the tickets created in [$1, $2) whose
// target has passed at $3 or been met, and those answered in time. It
// serves the partial days at the window's two ends.
const attainmentSQL = `SELECT count(*), count(*) FILTER (WHERE sla_fulfilled_at <> 0 AND sla_fulfilled_at <= sla_due)
	FROM tickets WHERE created_at >= $1 AND created_at < $2 AND (sla_fulfilled_at <> 0 OR (sla_paused_at = 0 AND sla_due < $3))`

// attainmentDaysSQL counts the whole creation days strictly between two
// days ($2, $3) from ticket_days: answered tickets, and running clocks due
// before the last day ($1, the day of reading).
const attainmentDaysSQL = `SELECT
	coalesce(sum(n) FILTER (WHERE outcome >= 2 OR (outcome = 0 AND due_day < $1)), 0)::bigint,
	coalesce(sum(n) FILTER (WHERE outcome = 2), 0)::bigint
	FROM ticket_days WHERE created_day > $2 AND created_day < $3`

// dueTodaySQL counts running clocks never answered, created in [$3, $4),
// due today before now ([$1, $2)): their target passed today.
const dueTodaySQL = `SELECT count(*) FROM tickets
	WHERE sla_fulfilled_at = 0 AND sla_paused_at = 0 AND sla_due >= $1 AND sla_due < $2 AND created_at >= $3 AND created_at < $4`

// countQueries are the queries behind the board, the workload and
// attainment (store.CountBoard and the rest).
var countQueries = store.CountQueries{TallyCells: tallyCellsSQL, DueCells: dueCellsSQL, TallyLoad: tallyLoadSQL,
	DueLoad: dueLoadSQL, Replies: repliesSQL, Attainment: attainmentSQL, AttainmentDays: attainmentDaysSQL, DueToday: dueTodaySQL}

// countRows runs a query of countQueries for the store's count functions.
func (c *conn) countRows(ctx context.Context, q string, fn func(scan func(...any) error) error, args ...any) error {
	return eachRow(c, ctx, q, func(r pgx.Row) error { return fn(r.Scan) }, args...)
}

// dueSoon reads the clocks due from the start of now's day to risk.
func (c *conn) dueSoon(ctx context.Context, now, risk time.Time) ([]store.DueSoon, error) {
	return all(c, ctx, dueNowSQL, func(r pgx.Row) (store.DueSoon, error) {
		var d store.DueSoon
		err := r.Scan(&d.Language, &d.Agency, &d.Category, &d.Assignee, &d.Breached, &d.AtRisk)
		return d, err
	}, ms(now), day(now)*dayMS, ms(risk))
}

// BoardCells counts open tickets by language, agency, category and state.
func (c *conn) BoardCells(ctx context.Context, now, risk time.Time) ([]store.BoardCell, error) {
	if err := c.settleCounts(ctx); err != nil {
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
	if err := c.settleCounts(ctx); err != nil {
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
	if err := c.settleCounts(ctx); err != nil {
		return 0, 0, err
	}
	return store.CountAttainment(ctx, c.countRows, countQueries, from, now)
}

// QueueStats counts open tickets by language and SLA state, and the
// outbox's backlog and failures, on the caller's snapshot.
func (c *conn) QueueStats(ctx context.Context, now, risk time.Time) (store.QueueStats, error) {
	cells, err := c.BoardCells(ctx, now, risk)
	if err != nil {
		return store.QueueStats{}, err
	}
	s := store.QueueStats{ByLanguage: store.ByLanguage(cells)}
	err = c.scanOne(ctx, `SELECT count(*) FILTER (WHERE status IN ('queued','sending')), count(*) FILTER (WHERE status = 'failed')
		FROM outbox WHERE status IN ('queued','sending','failed')`, nil, &s.OutboxBacklog, &s.OutboxFailed)
	return s, err
}

// settleCounts applies, in a write transaction, the count moves of its
// own ticket updates, which migration 0004 defers to commit, so that the
// counts it reads next include them; later updates are deferred again.
// Only a write that reads counts after changing tickets pays for it, and
// takes the counts' rows before commit (nothing in the core does).
func (c *conn) settleCounts(ctx context.Context) error {
	if !c.write {
		return nil
	}
	if _, err := c.exec(ctx, `SET CONSTRAINTS tickets_tally_settle, tickets_tally_settle_insert IMMEDIATE`); err != nil {
		return err
	}
	_, err := c.exec(ctx, `SET CONSTRAINTS tickets_tally_settle, tickets_tally_settle_insert DEFERRED`)
	return err
}

// eachRow runs a query and calls fn for each row.
func eachRow(c *conn, ctx context.Context, q string, fn func(pgx.Row) error, args ...any) error {
	rs, err := c.rows(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return mapErr(err)
		}
	}
	return mapErr(rs.Err())
}
