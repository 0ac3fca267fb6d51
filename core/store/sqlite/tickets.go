package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

const ticketData = `ref, channel, language, category, requester_sealed, requester_fp, name_sealed, account_id, agency,
	subject, body, status, assignee, created_at, updated_at, version, idempotency_key, sla_target, sla_started,
	sla_used, sla_due, sla_paused_at, sla_fulfilled_at, first_reply_at, breach_logged_at, opened_by, follows_ref,
	mail_bounced_at, solved_at`

const ticketCols = `id, ` + ticketData

func scanTicket(s scanner) (ticket.Ticket, error) {
	var t ticket.Ticket
	var account, idem sql.NullString
	var cr, up, target, started, used, due, paused, fulfilled, first, breach, bounced, solved int64
	err := s.Scan(&t.ID, &t.Ref, &t.Channel, &t.Language, &t.Category, &t.RequesterSealed, &t.RequesterFP, &t.NameSealed,
		&account, &t.Agency, &t.Subject, &t.Body, &t.Status, &t.Assignee, &cr, &up, &t.Version, &idem, &target, &started,
		&used, &due, &paused, &fulfilled, &first, &breach, &t.OpenedBy, &t.FollowsRef, &bounced, &solved)
	t.AccountID, t.IdempotencyKey = account.String, idem.String
	t.MailBouncedAt, t.SolvedAt = tm(bounced), tm(solved)
	t.CreatedAt, t.UpdatedAt, t.FirstReplyAt, t.BreachLoggedAt = tm(cr), tm(up), tm(first), tm(breach)
	t.SLA = ticket.Clock{Target: time.Duration(target) * time.Millisecond, Started: tm(started),
		Used: time.Duration(used) * time.Millisecond, Due: tm(due), PausedAt: tm(paused), FulfilledAt: tm(fulfilled)}
	return t, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (c *conn) oneTicket(ctx context.Context, where string, arg any) (ticket.Ticket, error) {
	return one(c, ctx, `SELECT `+ticketCols+` FROM tickets WHERE `+where, scanTicket, arg)
}

// ticketRows scans the rows of a multi-ticket query.
func ticketRows(rs *sql.Rows) (ticket.Ticket, error) { return scanTicket(rs) }

// Ticket reads one ticket.
func (c *conn) Ticket(ctx context.Context, id int64) (ticket.Ticket, error) {
	return c.oneTicket(ctx, `id = ?`, id)
}

// TicketByRef reads a ticket by its human reference.
func (c *conn) TicketByRef(ctx context.Context, ref string) (ticket.Ticket, error) {
	return c.oneTicket(ctx, `ref = ?`, strings.ToUpper(strings.TrimSpace(ref)))
}

// TicketByIdempotencyKey reads the ticket a client key created.
func (c *conn) TicketByIdempotencyKey(ctx context.Context, key string) (ticket.Ticket, error) {
	return c.oneTicket(ctx, `idempotency_key = ?`, key)
}

// TicketsByRequester lists a requester's tickets, newest first.
func (c *conn) TicketsByRequester(ctx context.Context, fp []byte, limit int) ([]ticket.Ticket, error) {
	return collect(c, ctx, `SELECT `+ticketCols+` FROM tickets WHERE requester_fp = ? ORDER BY id DESC LIMIT ?`,
		ticketRows, fp, limit)
}

// TicketsByAccount lists an account's tickets, newest first.
func (c *conn) TicketsByAccount(ctx context.Context, accountID string, limit int) ([]ticket.Ticket, error) {
	return collect(c, ctx, `SELECT `+ticketCols+` FROM tickets WHERE account_id = ? ORDER BY id DESC LIMIT ?`,
		ticketRows, accountID, limit)
}

// SearchTickets finds the tickets holding every word, best match first.
func (c *conn) SearchTickets(ctx context.Context, words []string, limit int) ([]ticket.Ticket, error) {
	out, err := collect(c, ctx, `SELECT `+prefixed("t.", ticketCols)+` FROM tickets_fts f JOIN tickets t ON t.id = f.rowid
		WHERE tickets_fts MATCH ? ORDER BY f.rank LIMIT ?`,
		ticketRows, ftsQuery(words), limit)
	return out, ftsErr(err)
}

// ftsQuery is words as an FTS5 query: each a quoted string, so none is
// read as FTS5 syntax (OR, NEAR, a column filter), all of them required.
func ftsQuery(words []string) string {
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return strings.Join(terms, " ")
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, s := range parts {
		parts[i] = p + strings.TrimSpace(s)
	}
	return strings.Join(parts, ", ")
}

// TicketMessages lists the thread, oldest first.
func (c *conn) TicketMessages(ctx context.Context, ticketID int64) ([]ticket.Message, error) {
	return collect(c, ctx, `SELECT id, ticket_id, kind, author, body, created_at FROM ticket_messages WHERE ticket_id = ? ORDER BY id`,
		func(rs *sql.Rows) (ticket.Message, error) {
			var m ticket.Message
			var at int64
			err := rs.Scan(&m.ID, &m.TicketID, &m.Kind, &m.Author, &m.Body, &at)
			m.CreatedAt = tm(at)
			return m, err
		}, ticketID)
}

// SLAEvents lists the SLA log, oldest first.
func (c *conn) SLAEvents(ctx context.Context, ticketID int64) ([]ticket.SLAEvent, error) {
	return collect(c, ctx, `SELECT id, ticket_id, kind, at, due FROM sla_events WHERE ticket_id = ? ORDER BY id`,
		func(rs *sql.Rows) (ticket.SLAEvent, error) {
			var e ticket.SLAEvent
			var at, due int64
			err := rs.Scan(&e.ID, &e.TicketID, &e.Kind, &at, &due)
			e.At, e.Due = tm(at), tm(due)
			return e, err
		}, ticketID)
}

// ScanQueue streams the queue rows of tickets in the given statuses.
func (c *conn) ScanQueue(ctx context.Context, statuses []ticket.Status, fn func(store.QueueRow) error) error {
	if len(statuses) == 0 {
		return nil
	}
	q, args := scanQueueSQL(statuses)
	rs, err := c.rows(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var r store.QueueRow
		var cr, due, paused, fulfilled int64
		if err := rs.Scan(&r.ID, &r.Ref, &r.Language, &r.Category, &r.Agency, &r.Status, &r.Assignee, &cr, &due, &paused, &fulfilled); err != nil {
			return fault.Storage(err)
		}
		r.CreatedAt, r.Due, r.Paused, r.Fulfilled, r.FulfilledAt = tm(cr), tm(due), paused != 0, fulfilled != 0, tm(fulfilled)
		if err := fn(r); err != nil {
			return err
		}
	}
	return storageErr(rs.Err())
}

// scanQueueSQL selects the queue rows of tickets in statuses. The open
// ones are named literally, so SQLite reads an open-ticket index and never
// walks the solved history.
func scanQueueSQL(statuses []ticket.Status) (string, []any) {
	where, args := openWhere, []any(nil)
	if !allOpen(statuses) {
		where = "t.status IN (" + marks(len(statuses)) + ")"
		for _, s := range statuses {
			args = append(args, string(s))
		}
	}
	return `SELECT id, ref, language, category, agency, status, assignee, created_at, sla_due, sla_paused_at, sla_fulfilled_at
		FROM tickets t WHERE ` + where, args
}

// MaxTicketID is the largest ticket id.
func (c *conn) MaxTicketID(ctx context.Context) (int64, error) {
	var n int64
	row, err := c.row(ctx, `SELECT coalesce(max(id), 0) FROM tickets`)
	return n, scanOne(row, err, &n)
}

// CountTickets counts the tickets.
func (c *conn) CountTickets(ctx context.Context) (int64, error) {
	var n int64
	row, err := c.row(ctx, `SELECT count(*) FROM tickets`)
	return n, scanOne(row, err, &n)
}

// Closures lists the closure days in date order.
func (c *conn) Closures(ctx context.Context) ([]store.Closure, error) {
	return collect(c, ctx, `SELECT day, reason, created_by, created_at FROM closures ORDER BY day`,
		func(rs *sql.Rows) (store.Closure, error) {
			var cl store.Closure
			var at int64
			err := rs.Scan(&cl.Day, &cl.Reason, &cl.CreatedBy, &at)
			cl.CreatedAt = tm(at)
			return cl, err
		})
}

func ticketArgs(t *ticket.Ticket) []any {
	return []any{t.Ref, t.Channel, t.Language, t.Category, t.RequesterSealed, t.RequesterFP, t.NameSealed,
		nullable(t.AccountID), t.Agency, t.Subject, t.Body, t.Status, t.Assignee, ms(t.CreatedAt), ms(t.UpdatedAt),
		t.Version, nullable(t.IdempotencyKey), t.SLA.Target.Milliseconds(), ms(t.SLA.Started), t.SLA.Used.Milliseconds(),
		ms(t.SLA.Due), ms(t.SLA.PausedAt), ms(t.SLA.FulfilledAt), ms(t.FirstReplyAt), ms(t.BreachLoggedAt), t.OpenedBy,
		t.FollowsRef, ms(t.MailBouncedAt), ms(t.SolvedAt)}
}

// InsertTicket stores a new ticket with its id and ref set.
func (t *txn) InsertTicket(ctx context.Context, tk *ticket.Ticket) error {
	tk.Version = 1
	args := append([]any{tk.ID}, ticketArgs(tk)...)
	if _, err := t.exec(ctx, `INSERT INTO tickets (`+ticketCols+`) VALUES (`+marks(len(args))+`)`, args...); err != nil {
		return err
	}
	t.created = append(t.created, tk.ID)
	return nil
}

// indexNew writes the full-text entries of the tickets this transaction
// created, in one statement, just before commit (see migration 0010: an
// entry written per ticket costs FTS5 a segment per ticket).
func (t *txn) indexNew(ctx context.Context) error {
	return t.execIDs(ctx, `INSERT INTO tickets_fts (rowid, subject, body)
		SELECT id, subject, body FROM tickets WHERE `+idsIn, t.created)
}

// idsIn selects the ticket ids execIDs gives, as a JSON array.
const idsIn = `id IN (SELECT value FROM json_each(?))`

// execIDs runs q, which selects tickets with idsIn, over ids; with no
// ids it runs nothing.
func (c *conn) execIDs(ctx context.Context, q string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fault.Storage(err)
	}
	_, err = c.exec(ctx, q, string(list))
	return err
}

// updateSets is the SET list of UpdateTicket: every data column but subject
// and body, which never change after creation. Writing them would fire the
// full-text trigger (AFTER UPDATE OF subject, body) on every status change,
// assignment and reply, re-indexing text that did not change.
var updateSets, updateSkip = func() (string, map[int]bool) {
	var sets []string
	skip := map[int]bool{}
	for i, s := range strings.Split(ticketData, ",") {
		s = strings.TrimSpace(s)
		if s == "subject" || s == "body" {
			skip[i] = true
			continue
		}
		sets = append(sets, s+" = ?")
	}
	return strings.Join(sets, ", "), skip
}()

// UpdateTicket stores tk if nobody changed it since it was read. Subject
// and body are not written (see updateSets).
func (t *txn) UpdateTicket(ctx context.Context, tk *ticket.Ticket) error {
	// The update's trigger takes the row out of the counts it is in.
	if err := t.tallyNew(ctx); err != nil {
		return err
	}
	next := *tk
	next.Version++
	var args []any
	for i, a := range ticketArgs(&next) {
		if !updateSkip[i] {
			args = append(args, a)
		}
	}
	args = append(args, tk.ID, tk.Version)
	res, err := t.exec(ctx, `UPDATE tickets SET `+updateSets+` WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.CodeConflict)
	}
	tk.Version = next.Version
	return nil
}

// UpdateClock stores the SLA clock alone, bumping the version; the
// full-text trigger does not fire (subject and body are not written).
func (t *txn) UpdateClock(ctx context.Context, id int64, c ticket.Clock) error {
	if err := t.tallyNew(ctx); err != nil {
		return err
	}
	return affected(t.exec(ctx, `UPDATE tickets SET sla_target = ?, sla_started = ?, sla_used = ?, sla_due = ?,
		sla_paused_at = ?, sla_fulfilled_at = ?, version = version + 1 WHERE id = ?`,
		c.Target.Milliseconds(), ms(c.Started), c.Used.Milliseconds(), ms(c.Due), ms(c.PausedAt), ms(c.FulfilledAt), id))
}

const runningClocksSQL = `SELECT ` + ticketCols + ` FROM tickets t WHERE ` + openWhere + `
	AND sla_rank = 0 AND sla_due > ? AND (sla_due, id) > (?, ?) ORDER BY sla_due, id LIMIT ?`

// RunningClocks lists open tickets with a running clock due after now.
func (c *conn) RunningClocks(ctx context.Context, now time.Time, after store.ClockKey, limit int) ([]ticket.Ticket, error) {
	return collect(c, ctx, runningClocksSQL, ticketRows, ms(now), ms(after.Due), after.ID, limit)
}

// InsertTicketMessage appends to the thread and sets the message's ID.
func (t *txn) InsertTicketMessage(ctx context.Context, m *ticket.Message) error {
	res, err := t.exec(ctx, `INSERT INTO ticket_messages (ticket_id, kind, author, body, created_at) VALUES (?,?,?,?,?)`,
		m.TicketID, m.Kind, m.Author, m.Body, ms(m.CreatedAt))
	if err != nil {
		return err
	}
	m.ID, _ = res.LastInsertId()
	return nil
}

// InsertSLAEvent appends to the SLA log and sets the event's ID.
func (t *txn) InsertSLAEvent(ctx context.Context, e *ticket.SLAEvent) error {
	res, err := t.exec(ctx, `INSERT INTO sla_events (ticket_id, kind, at, due) VALUES (?,?,?,?)`, e.TicketID, e.Kind, ms(e.At), ms(e.Due))
	if err != nil {
		return err
	}
	e.ID, _ = res.LastInsertId()
	return nil
}

// PutClosure adds or updates a closure day.
func (t *txn) PutClosure(ctx context.Context, cl store.Closure) error {
	_, err := t.exec(ctx, `INSERT OR REPLACE INTO closures (day, reason, created_by, created_at) VALUES (?,?,?,?)`,
		cl.Day, cl.Reason, cl.CreatedBy, ms(cl.CreatedAt))
	return err
}

// DeleteClosure removes a closure day.
func (t *txn) DeleteClosure(ctx context.Context, day string) error {
	return affected(t.exec(ctx, `DELETE FROM closures WHERE day = ?`, day))
}

const breachCandidatesSQL = `SELECT ` + ticketCols + ` FROM tickets t WHERE ` + openWhere + `
	AND sla_rank = 0 AND sla_due <= ? AND breach_logged_at = 0 ORDER BY sla_due LIMIT ?`

// BreachCandidates lists running clocks past due with no breach logged.
func (c *conn) BreachCandidates(ctx context.Context, now time.Time, limit int) ([]ticket.Ticket, error) {
	return collect(c, ctx, breachCandidatesSQL, ticketRows, ms(now), limit)
}

// openWhere selects open tickets in the words of the partial indexes'
// WHERE clause (migration 0008): SQLite uses a partial index only for a
// query whose WHERE names the same terms, literally, not as parameters.
const openWhere = `t.status IN ('new','open','pending')`

var openStatuses = []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending}

// onlyOpen reports whether every status is an open one.
func onlyOpen(statuses []ticket.Status) bool {
	for _, s := range statuses {
		if s != ticket.StatusNew && s != ticket.StatusOpen && s != ticket.StatusPending {
			return false
		}
	}
	return true
}

// doneWhere names solved and closed tickets as tickets_done_queue's
// WHERE clause does.
const doneWhere = `t.status IN ('solved','closed')`

// onlyDone reports whether every status is solved or closed: such a
// queue reads tickets_done_queue, newest first.
func onlyDone(statuses []ticket.Status) bool {
	for _, s := range statuses {
		if s != ticket.StatusSolved && s != ticket.StatusClosed {
			return false
		}
	}
	return len(statuses) > 0
}

// allOpen reports whether statuses are exactly the open ones.
func allOpen(statuses []ticket.Status) bool {
	return onlyOpen(statuses) && slices.Contains(statuses, ticket.StatusNew) &&
		slices.Contains(statuses, ticket.StatusOpen) && slices.Contains(statuses, ticket.StatusPending)
}

// queueWhere builds the WHERE clause of a queue query.
func queueWhere(q store.QueueQuery) (string, []any) {
	var where []string
	var args []any
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = openStatuses
	}
	switch {
	case onlyOpen(statuses):
		// The literal list lets SQLite use the partial indexes on open
		// tickets; a narrower status filter is checked in the index.
		where = append(where, openWhere)
	case onlyDone(statuses):
		where = append(where, doneWhere)
	}
	if !allOpen(statuses) {
		where = append(where, "+t.status IN ("+marks(len(statuses))+")")
		for _, s := range statuses {
			args = append(args, string(s))
		}
	}
	// The unary plus keeps SQLite from looking the filters up in an index
	// and sorting every match: tickets_open_queue holds them, so a page
	// reads that index in queue order and tests them there, stopping at
	// the end of the page.
	w, a := scopeTerms(q, func(name string, filter bool) string {
		if filter && name != "assignee" {
			return "+t." + name
		}
		return "t." + name
	})
	where, args = append(where, w...), append(args, a...)
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if q.Ref != "" {
		add("t.ref = ?", strings.ToUpper(strings.TrimSpace(q.Ref)))
	}
	if q.Requester != nil {
		add("t.requester_fp = ?", q.Requester)
	}
	if len(q.Words) > 0 {
		add("t.id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?)", ftsQuery(q.Words))
	}
	if !q.DueBy.IsZero() {
		add("t.sla_rank = 0 AND t.sla_due <= ?", ms(q.DueBy))
	}
	return strings.Join(where, " AND "), args
}

// scopeTerms are the WHERE terms of a queue's scope and filters (an
// agent's own and unassigned tickets in its languages, language,
// category, agency, assignee), each column named by col: filter is false
// for the agent's scope, true for a filter.
func scopeTerms(q store.QueueQuery, col func(name string, filter bool) string) (where []string, args []any) {
	if q.Agent != "" {
		cond := col("assignee", false) + " = ?"
		args = append(args, q.Agent)
		if len(q.Languages) > 0 {
			cond += " OR (" + col("assignee", false) + " = '' AND " + col("language", false) + " IN (" + marks(len(q.Languages)) + "))"
			for _, l := range q.Languages {
				args = append(args, l)
			}
		}
		where = append(where, "("+cond+")")
	}
	for _, f := range q.Filters() {
		where = append(where, col(f.Column, true)+" = ?")
		args = append(args, f.Value)
	}
	return where, args
}

// marks is n comma-separated SQL parameters.
func marks(n int) string { return "?" + strings.Repeat(",?", n-1) }

// QueuePage returns one window of the queue and the number of matches.
// The window is read by key from the index in queue order; the number
// comes from the tallies when they hold every filter, else it is counted.
func (c *conn) QueuePage(ctx context.Context, q store.QueueQuery) ([]ticket.Ticket, int, error) {
	if err := c.tallyNew(ctx); err != nil {
		return nil, 0, err
	}
	count, page, args, pageArgs := queueSQL(q)
	var total int
	row, err := c.row(ctx, count, args...)
	if err := scanOne(row, err, &total); err != nil {
		return nil, 0, ftsErr(err)
	}
	rows, err := collect(c, ctx, page, ticketRows, pageArgs...)
	if q.Backward {
		slices.Reverse(rows)
	}
	return rows, total, ftsErr(err)
}

// queueSQL is a queue query's count and page, with the arguments of each.
// The page reads tickets_open_queue in its order (sla_rank, sla_due, id),
// from a key on when one is given, backwards for the window before a key.
func queueSQL(q store.QueueQuery) (count, page string, countArgs, pageArgs []any) {
	where, args := queueWhere(q)
	cols := strings.Replace(prefixed("t.", ticketCols), "t.body", "'' AS body", 1)
	count, countArgs, ok := tallyCount(q)
	if !ok {
		count, countArgs = `SELECT count(*) FROM tickets t WHERE `+where, args
	}
	// Solved and closed tickets show newest first: the index is read
	// backwards, and "after" a key means before it in the index.
	order, cmp := "t.sla_rank, t.sla_due, t.id", ">"
	if q.Backward != onlyDone(q.Statuses) {
		order, cmp = "t.sla_rank DESC, t.sla_due DESC, t.id DESC", "<"
	}
	pageArgs = slices.Clone(args)
	if q.After != nil {
		where += " AND (t.sla_rank, t.sla_due, t.id) " + cmp + " (?, ?, ?)"
		pageArgs = append(pageArgs, q.After.Rank, ms(q.After.Due), q.After.ID)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	pageArgs = append(pageArgs, limit)
	return count, `SELECT ` + cols + ` FROM tickets t WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ?`, countArgs, pageArgs
}

// ftsErr turns an FTS5 syntax error into bad input.
func ftsErr(err error) error {
	if err != nil && strings.Contains(err.Error(), "fts5") {
		return &fault.Error{Code: fault.CodeInvalidInput, Field: "query", Err: err}
	}
	return err
}
