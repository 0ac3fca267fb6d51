package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/fault"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// ticketData are the stored columns of a ticket but its id, in the order
// of ticketArgs and scanTicket; the computed sla_rank and search are read
// by queries, never written.
const ticketData = `ref, channel, language, category, requester_sealed, requester_fp, name_sealed, account_id, agency,
	subject, body, status, assignee, created_at, updated_at, version, idempotency_key, sla_target, sla_started,
	sla_used, sla_due, sla_paused_at, sla_fulfilled_at, first_reply_at, breach_logged_at, opened_by, follows_ref,
	mail_bounced_at, solved_at`

const ticketCols = `id, ` + ticketData

// ticketSelect is the select list scanTicket reads, each column qualified
// by alias; without the body, an empty text stands in for it (a queue
// page shows subjects only).
func ticketSelect(alias string, withBody bool) string {
	parts := strings.Split(ticketCols, ",")
	for i, s := range parts {
		s = strings.TrimSpace(s)
		if s == "body" && !withBody {
			parts[i] = "'' AS body"
			continue
		}
		parts[i] = alias + "." + s
	}
	return strings.Join(parts, ", ")
}

// scanTicket reads a row of ticketSelect.
func scanTicket(r pgx.Row) (ticket.Ticket, error) {
	var t ticket.Ticket
	var account, idem *string
	var cr, up, target, started, used, due, paused, fulfilled, first, breach, bounced, solved int64
	err := r.Scan(&t.ID, &t.Ref, &t.Channel, &t.Language, &t.Category, &t.RequesterSealed, &t.RequesterFP, &t.NameSealed,
		&account, &t.Agency, &t.Subject, &t.Body, &t.Status, &t.Assignee, &cr, &up, &t.Version, &idem, &target, &started,
		&used, &due, &paused, &fulfilled, &first, &breach, &t.OpenedBy, &t.FollowsRef, &bounced, &solved)
	if account != nil {
		t.AccountID = *account
	}
	if idem != nil {
		t.IdempotencyKey = *idem
	}
	t.MailBouncedAt, t.SolvedAt = tm(bounced), tm(solved)
	t.CreatedAt, t.UpdatedAt, t.FirstReplyAt, t.BreachLoggedAt = tm(cr), tm(up), tm(first), tm(breach)
	t.SLA = ticket.Clock{Target: time.Duration(target) * time.Millisecond, Started: tm(started),
		Used: time.Duration(used) * time.Millisecond, Due: tm(due), PausedAt: tm(paused), FulfilledAt: tm(fulfilled)}
	return t, err
}

// ticketArgs are tk's values for the columns of ticketData. An empty
// account or idempotency key is NULL, as in SQLite: unique keys that
// are absent never collide.
func ticketArgs(t *ticket.Ticket) []any {
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	// A nil slice would be NULL in a NOT NULL column.
	bytes := func(b []byte) []byte {
		if b == nil {
			return []byte{}
		}
		return b
	}
	return []any{t.Ref, t.Channel, t.Language, t.Category, bytes(t.RequesterSealed), bytes(t.RequesterFP), bytes(t.NameSealed),
		null(t.AccountID), t.Agency, t.Subject, t.Body, t.Status, t.Assignee, ms(t.CreatedAt), ms(t.UpdatedAt),
		t.Version, null(t.IdempotencyKey), t.SLA.Target.Milliseconds(), ms(t.SLA.Started), t.SLA.Used.Milliseconds(),
		ms(t.SLA.Due), ms(t.SLA.PausedAt), ms(t.SLA.FulfilledAt), ms(t.FirstReplyAt), ms(t.BreachLoggedAt), t.OpenedBy,
		t.FollowsRef, ms(t.MailBouncedAt), ms(t.SolvedAt)}
}

// oneTicket reads the ticket where cond holds, locked to commit in a
// write transaction: the core reads a ticket to change it, and a second
// writer then waits and reads the first one's change.
func (c *conn) oneTicket(ctx context.Context, cond string, arg any) (ticket.Ticket, error) {
	return one(c, ctx, `SELECT `+ticketSelect("t", true)+` FROM tickets t WHERE `+cond+c.forUpdate(), scanTicket, arg)
}

// Ticket reads one ticket.
func (c *conn) Ticket(ctx context.Context, id int64) (ticket.Ticket, error) {
	return c.oneTicket(ctx, `t.id = $1`, id)
}

// TicketByRef reads a ticket by its human reference, as typed or quoted.
func (c *conn) TicketByRef(ctx context.Context, ref string) (ticket.Ticket, error) {
	return c.oneTicket(ctx, `t.ref = $1`, strings.ToUpper(strings.TrimSpace(ref)))
}

// TicketByIdempotencyKey reads the ticket a client key created. Intake
// reads it to replay an answer, not to change the ticket: no row lock.
func (c *conn) TicketByIdempotencyKey(ctx context.Context, key string) (ticket.Ticket, error) {
	return one(c, ctx, `SELECT `+ticketSelect("t", true)+` FROM tickets t WHERE t.idempotency_key = $1`, scanTicket, key)
}

// TicketsByAccount lists an account's tickets, newest first.
func (c *conn) TicketsByAccount(ctx context.Context, accountID string, limit int) ([]ticket.Ticket, error) {
	return all(c, ctx, `SELECT `+ticketSelect("t", true)+` FROM tickets t WHERE t.account_id = $1 ORDER BY t.id DESC LIMIT $2`,
		scanTicket, accountID, limit)
}

// TicketsByRequester lists a requester's tickets, newest first.
func (c *conn) TicketsByRequester(ctx context.Context, fp []byte, limit int) ([]ticket.Ticket, error) {
	return all(c, ctx, `SELECT `+ticketSelect("t", true)+` FROM tickets t WHERE t.requester_fp = $1 ORDER BY t.id DESC LIMIT $2`,
		scanTicket, fp, limit)
}

// ticketLanguages are the text search configurations by ticket language,
// as the search column (migration 0008) picks them: the desk's own, which
// fold accents where the unaccent extension could be created.
var ticketLanguages = []struct{ lang, config string }{
	{"en", "sd_english"}, {"es", "sd_spanish"}, {"fr", "sd_french"},
}

// wordsMatch is a condition true for the tickets (table alias alias)
// whose subject or body hold every word, each stemmed as the ticket's
// language is. The words are one parameter, added by arg (which returns
// its placeholder), read by plainto_tsquery: never SQL, never tsquery
// syntax. One branch per language, each with a constant configuration,
// lets the planner read the GIN index on search for each.
func wordsMatch(alias string, words []string, arg func(any) string) string {
	return wordsCond(alias, arg(strings.Join(words, " ")))
}

// wordsCond is wordsMatch's condition over the words already in
// parameter p.
func wordsCond(alias, p string) string {
	branches := make([]string, len(ticketLanguages))
	for i, l := range ticketLanguages {
		branches[i] = fmt.Sprintf("(%[1]s.language = '%[2]s' AND %[1]s.search @@ plainto_tsquery('%[3]s', %[4]s))",
			alias, l.lang, l.config, p)
	}
	return "(" + strings.Join(branches, " OR ") + ")"
}

// searchConfig is the text search configuration of a ticket's language,
// as an expression over the row.
func searchConfig(alias string) string {
	var b strings.Builder
	b.WriteString("CASE " + alias + ".language")
	for _, l := range ticketLanguages {
		fmt.Fprintf(&b, " WHEN '%s' THEN '%s'::regconfig", l.lang, l.config)
	}
	b.WriteString(" END")
	return b.String()
}

// SearchTickets finds the tickets holding every word, best match first,
// then newest.
func (c *conn) SearchTickets(ctx context.Context, words []string, limit int) ([]ticket.Ticket, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	p := arg(strings.Join(words, " "))
	// The rank's query is the matching one, built with the row's
	// configuration.
	q := `SELECT ` + ticketSelect("t", true) + ` FROM tickets t WHERE ` + wordsCond("t", p) + `
		ORDER BY ts_rank(t.search, plainto_tsquery(` + searchConfig("t") + `, ` + p + `)) DESC, t.id DESC LIMIT ` + arg(limit)
	return all(c, ctx, q, scanTicket, args...)
}

// TicketMessages lists the thread, oldest first.
func (c *conn) TicketMessages(ctx context.Context, ticketID int64) ([]ticket.Message, error) {
	return all(c, ctx, `SELECT id, ticket_id, kind, author, body, created_at FROM ticket_messages WHERE ticket_id = $1 ORDER BY id`,
		func(r pgx.Row) (ticket.Message, error) {
			var m ticket.Message
			var at int64
			err := r.Scan(&m.ID, &m.TicketID, &m.Kind, &m.Author, &m.Body, &at)
			m.CreatedAt = tm(at)
			return m, err
		}, ticketID)
}

// SLAEvents lists the SLA log, oldest first.
func (c *conn) SLAEvents(ctx context.Context, ticketID int64) ([]ticket.SLAEvent, error) {
	return all(c, ctx, `SELECT id, ticket_id, kind, at, due FROM sla_events WHERE ticket_id = $1 ORDER BY id`,
		func(r pgx.Row) (ticket.SLAEvent, error) {
			var e ticket.SLAEvent
			var at, due int64
			err := r.Scan(&e.ID, &e.TicketID, &e.Kind, &at, &due)
			e.At, e.Due = tm(at), tm(due)
			return e, err
		}, ticketID)
}

// ScanQueue streams the queue rows of tickets in the given statuses. fn
// runs while the rows are read, so it must not use the transaction.
func (c *conn) ScanQueue(ctx context.Context, statuses []ticket.Status, fn func(store.QueueRow) error) error {
	if len(statuses) == 0 {
		return nil
	}
	names := make([]string, len(statuses))
	for i, s := range statuses {
		names[i] = string(s)
	}
	q := `SELECT id, ref, language, category, agency, status, assignee, created_at, sla_due, sla_paused_at, sla_fulfilled_at
		FROM tickets WHERE status = ANY($1)`
	if !slices.ContainsFunc(statuses, func(s ticket.Status) bool { return s == ticket.StatusSolved || s == ticket.StatusClosed }) {
		// The literal list lets the planner read an open-ticket index
		// rather than the solved history.
		q += ` AND status IN ('new','open','pending')`
	}
	rs, err := c.rows(ctx, q, names)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var r store.QueueRow
		var cr, due, paused, fulfilled int64
		if err := rs.Scan(&r.ID, &r.Ref, &r.Language, &r.Category, &r.Agency, &r.Status, &r.Assignee, &cr, &due, &paused, &fulfilled); err != nil {
			return mapErr(err)
		}
		r.CreatedAt, r.Due, r.Paused, r.Fulfilled, r.FulfilledAt = tm(cr), tm(due), paused != 0, fulfilled != 0, tm(fulfilled)
		if err := fn(r); err != nil {
			return err
		}
	}
	return mapErr(rs.Err())
}

// BreachCandidates lists running clocks past due with no breach logged,
// by due time.
func (c *conn) BreachCandidates(ctx context.Context, now time.Time, limit int) ([]ticket.Ticket, error) {
	return all(c, ctx, `SELECT `+ticketSelect("t", true)+` FROM tickets t WHERE t.status IN ('new','open','pending')
		AND t.sla_rank = 0 AND t.sla_due <= $1 AND t.breach_logged_at = 0 ORDER BY t.sla_due, t.id LIMIT $2`,
		scanTicket, ms(now), limit)
}

// RunningClocks lists open tickets with a running clock due after now,
// by due time then id, after the key.
func (c *conn) RunningClocks(ctx context.Context, now time.Time, after store.ClockKey, limit int) ([]ticket.Ticket, error) {
	return all(c, ctx, `SELECT `+ticketSelect("t", true)+` FROM tickets t WHERE t.status IN ('new','open','pending')
		AND t.sla_rank = 0 AND t.sla_due > $1 AND (t.sla_due, t.id) > ($2, $3) ORDER BY t.sla_due, t.id LIMIT $4`,
		scanTicket, ms(now), ms(after.Due), after.ID, limit)
}

// MaxTicketID is the largest ticket id. Intake inserts the next ones, and
// the reference is made from the id: in a write transaction the lock,
// held to commit, makes processes creating tickets take turns, and the
// max read after it (READ COMMITTED: a fresh snapshot per statement)
// sees the tickets the previous holder committed. The lock is the audit
// chain's (auditLock): every transaction that creates a ticket appends to
// the log too, and two locks taken in either order by two transactions
// could deadlock.
func (c *conn) MaxTicketID(ctx context.Context) (int64, error) {
	if err := c.lock(ctx, auditLock); err != nil {
		return 0, err
	}
	var n int64
	return n, c.scanOne(ctx, `SELECT coalesce(max(id), 0) FROM tickets`, nil, &n)
}

// CountTickets counts the tickets.
func (c *conn) CountTickets(ctx context.Context) (int64, error) {
	var n int64
	return n, c.scanOne(ctx, `SELECT count(*) FROM tickets`, nil, &n)
}

// Closures lists the closure days in date order.
func (c *conn) Closures(ctx context.Context) ([]store.Closure, error) {
	return all(c, ctx, `SELECT day, reason, created_by, created_at FROM closures ORDER BY day`,
		func(r pgx.Row) (store.Closure, error) {
			var cl store.Closure
			var at int64
			err := r.Scan(&cl.Day, &cl.Reason, &cl.CreatedBy, &at)
			cl.CreatedAt = tm(at)
			return cl, err
		})
}

// insertTicketSQL stores every column of ticketCols. A taken id, ref or
// idempotency key inserts nothing rather than failing the statement,
// which would abort the caller's transaction.
var insertTicketSQL = insertTicketsSQL(1)

// insertTicketsSQL is insertTicketSQL for n tickets in one statement.
func insertTicketsSQL(n int) string {
	cols := len(strings.Split(ticketCols, ","))
	rows := make([]string, n)
	for r := range rows {
		ps := make([]string, cols)
		for i := range ps {
			ps[i] = fmt.Sprintf("$%d", r*cols+i+1)
		}
		rows[r] = "(" + strings.Join(ps, ", ") + ")"
	}
	return `INSERT INTO tickets (` + ticketCols + `) VALUES ` + strings.Join(rows, ", ") + ` ON CONFLICT DO NOTHING`
}

// InsertTicket stores a new ticket with its id and ref set.
func (t *txn) InsertTicket(ctx context.Context, tk *ticket.Ticket) error {
	tk.Version = 1
	tag, err := t.exec(ctx, insertTicketSQL, append([]any{tk.ID}, ticketArgs(tk)...)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return conflict("ticket id, ref or idempotency key taken")
	}
	return nil
}

// updateTicketSQL writes every data column but subject and body, which
// never change after creation: leaving them out of the SET list keeps
// PostgreSQL from computing the search vector again on every status
// change, assignment and reply. The id and the version read come last.
var updateTicketSQL, updateTicketSkip = func() (string, map[int]bool) {
	var sets []string
	skip := map[int]bool{}
	for i, s := range strings.Split(ticketData, ",") {
		s = strings.TrimSpace(s)
		if s == "subject" || s == "body" {
			skip[i] = true
			continue
		}
		sets = append(sets, fmt.Sprintf("%s = $%d", s, len(sets)+1))
	}
	n := len(sets)
	return fmt.Sprintf(`UPDATE tickets SET %s WHERE id = $%d AND version = $%d`, strings.Join(sets, ", "), n+1, n+2), skip
}()

// UpdateTicket stores tk if nobody changed it since it was read; a stale
// version or a missing ticket is a conflict, as in SQLite. Subject and
// body are not written (see updateTicketSQL).
func (t *txn) UpdateTicket(ctx context.Context, tk *ticket.Ticket) error {
	next := *tk
	next.Version++
	var args []any
	for i, a := range ticketArgs(&next) {
		if !updateTicketSkip[i] {
			args = append(args, a)
		}
	}
	args = append(args, tk.ID, tk.Version)
	tag, err := t.exec(ctx, updateTicketSQL, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return conflict("ticket changed since it was read")
	}
	tk.Version = next.Version
	return nil
}

// UpdateClock stores the SLA clock alone, bumping the version; the search
// vector is not computed again (subject and body are not written).
func (t *txn) UpdateClock(ctx context.Context, id int64, c ticket.Clock) error {
	tag, err := t.exec(ctx, `UPDATE tickets SET sla_target = $1, sla_started = $2, sla_used = $3, sla_due = $4,
		sla_paused_at = $5, sla_fulfilled_at = $6, version = version + 1 WHERE id = $7`,
		c.Target.Milliseconds(), ms(c.Started), c.Used.Milliseconds(), ms(c.Due), ms(c.PausedAt), ms(c.FulfilledAt), id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.CodeNotFound)
	}
	return nil
}

// InsertTicketMessage appends to the thread and sets the message's ID.
func (t *txn) InsertTicketMessage(ctx context.Context, m *ticket.Message) error {
	return t.scanOne(ctx, insertMessageSQL,
		[]any{m.TicketID, m.Kind, m.Author, m.Body, ms(m.CreatedAt)}, &m.ID)
}

// InsertSLAEvent appends to the SLA log and sets the event's ID.
func (t *txn) InsertSLAEvent(ctx context.Context, e *ticket.SLAEvent) error {
	return t.scanOne(ctx, insertEventSQL,
		[]any{e.TicketID, e.Kind, ms(e.At), ms(e.Due)}, &e.ID)
}

// PutClosure adds or replaces a closure day.
func (t *txn) PutClosure(ctx context.Context, cl store.Closure) error {
	_, err := t.exec(ctx, `INSERT INTO closures (day, reason, created_by, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (day) DO UPDATE SET reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at`,
		cl.Day, cl.Reason, cl.CreatedBy, ms(cl.CreatedAt))
	return err
}

// DeleteClosure removes a closure day; a day not there is not found.
func (t *txn) DeleteClosure(ctx context.Context, day string) error {
	tag, err := t.exec(ctx, `DELETE FROM closures WHERE day = $1`, day)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.CodeNotFound)
	}
	return nil
}
