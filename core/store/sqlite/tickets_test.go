package sqlite

import (
	"fmt"
	"testing"
	"time"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// testTicket is an open ticket with a running clock, due in due.
func testTicket(i int, now time.Time, due time.Duration) ticket.Ticket {
	langs := []string{"en", "es", "fr"}
	return ticket.Ticket{ID: int64(i), Ref: fmt.Sprintf("SD-2026-%06d", i), Channel: ticket.ChannelWeb,
		Language: langs[i%3], Category: ticket.Categories[i%len(ticket.Categories)],
		RequesterSealed: []byte("sealed"), RequesterFP: []byte(fmt.Sprint("req", i)), NameSealed: []byte("name"),
		Subject: fmt.Sprintf("passport photo %d", i), Body: "cannot sign in", Status: ticket.StatusOpen,
		CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour),
		SLA: ticket.Clock{Target: 24 * time.Hour, Started: now.Add(-time.Hour), Due: now.Add(due)}}
}

// An update (status, assignment, clock) leaves the full-text index alone:
// subject and body are not written, so the FTS trigger does not fire, and
// search still finds the ticket.
func TestUpdateTicketLeavesFullTextAlone(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{ReadConns: 1})
	defer s.Close()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	tk := testTicket(1, now, 4*time.Hour)
	if err := s.Write(ctx, func(tx store.Tx) error { return tx.InsertTicket(ctx, &tk) }); err != nil {
		t.Fatal(err)
	}
	// A temporary trigger on the one writer connection counts what would
	// reach the full-text trigger.
	for _, q := range []string{
		`CREATE TEMP TABLE fts_fired (n INTEGER NOT NULL)`,
		`CREATE TEMP TRIGGER count_fts AFTER UPDATE OF subject, body ON main.tickets BEGIN INSERT INTO fts_fired VALUES (1); END`,
	} {
		if _, err := s.Raw().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	tk.Status, tk.Assignee = ticket.StatusPending, "agent-1"
	tk.SLA.PausedAt = now
	for range 3 {
		if err := s.Write(ctx, func(tx store.Tx) error { return tx.UpdateTicket(ctx, &tk) }); err != nil {
			t.Fatal(err)
		}
	}
	var fired int
	if err := s.Raw().QueryRowContext(ctx, `SELECT count(*) FROM fts_fired`).Scan(&fired); err != nil {
		t.Fatal(err)
	}
	if fired != 0 {
		t.Errorf("full-text trigger fired %d times on 3 updates, want 0", fired)
	}
	// A stale version is still refused.
	stale := tk
	stale.Version--
	if err := s.Write(ctx, func(tx store.Tx) error { return tx.UpdateTicket(ctx, &stale) }); err == nil {
		t.Error("update of a stale version succeeded")
	}
	err := s.Read(ctx, func(r store.Reader) error {
		got, err := r.Ticket(ctx, tk.ID)
		if err != nil {
			return err
		}
		if got.Status != ticket.StatusPending || got.Assignee != "agent-1" || got.Version != 4 ||
			got.Subject != tk.Subject || got.Body != tk.Body {
			t.Errorf("after updates: %+v", got)
		}
		found, err := r.SearchTickets(ctx, []string{"passport"}, 10)
		if err != nil {
			return err
		}
		if len(found) != 1 || found[0].ID != tk.ID {
			t.Errorf("search after updates found %d tickets, want ticket %d", len(found), tk.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Search takes words, not a query: FTS5 syntax in them is plain text, and
// every word must appear.
func TestSearchTakesWords(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{})
	defer s.Close()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx store.Tx) error {
		for i, subj := range []string{"passport photo rejected", "lost phone OR tablet", "passport renewal"} {
			tk := testTicket(i+1, now, time.Hour)
			tk.Subject = subj
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		words []string
		want  int
	}{
		{[]string{"passport"}, 2},
		{[]string{"passport", "photo"}, 1},
		{[]string{"phone", "OR"}, 1},      // OR is a word here, not an operator
		{[]string{"subject:passport"}, 0}, // no column filter
		{[]string{`"passport`, "NEAR(x"}, 0},
	} {
		err := s.Read(ctx, func(r store.Reader) error {
			found, err := r.SearchTickets(ctx, c.words, 10)
			if err != nil || len(found) != c.want {
				t.Errorf("%q: %d found, want %d: %v", c.words, len(found), c.want, err)
			}
			_, total, err := r.QueuePage(ctx, store.QueueQuery{Words: c.words})
			if err != nil || total != c.want {
				t.Errorf("%q in the queue: %d, want %d: %v", c.words, total, c.want, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The tickets one transaction creates go into the full-text index in one
// statement at commit: one new FTS5 segment for the lot, not one per
// ticket (each single-row insert's statement savepoint made FTS5 write out
// a segment), and every one of them is found.
func TestNewTicketsIndexedOncePerTransaction(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{ReadConns: 1})
	defer s.Close()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	segments := func() int {
		var n int
		if err := s.Raw().QueryRowContext(ctx, `SELECT count(DISTINCT segid) FROM tickets_fts_idx`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := segments()
	const n = 200
	err := s.Write(ctx, func(tx store.Tx) error {
		for i := 1; i <= n; i++ {
			tk := testTicket(i, now, time.Hour)
			tk.Subject = fmt.Sprintf("lost authenticator w%d", i)
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := segments() - before; got != 1 {
		t.Errorf("%d tickets in one transaction added %d full-text segments, want 1", n, got)
	}
	err = s.Read(ctx, func(r store.Reader) error {
		for _, i := range []int{1, n / 2, n} {
			found, err := r.SearchTickets(ctx, []string{fmt.Sprintf("w%d", i)}, 5)
			if err != nil {
				return err
			}
			if len(found) != 1 || found[0].ID != int64(i) {
				t.Errorf("search w%d: %d found", i, len(found))
			}
		}
		all, err := r.SearchTickets(ctx, []string{"authenticator"}, 1000)
		if len(all) != n {
			t.Errorf("search authenticator: %d found, want %d", len(all), n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// recountDiff compares every count table with a recount from the tickets
// (zero counts are no rows): the rows one side has and the other lacks.
func recountDiff(t *testing.T, s *Store) []string {
	t.Helper()
	pairs := [][2]string{
		{`SELECT language, agency, category, assignee, status, sla_rank, n FROM ticket_tally WHERE n <> 0`,
			`SELECT language, agency, category, assignee, status, sla_rank, count(*) FROM tickets GROUP BY 1, 2, 3, 4, 5, 6`},
		{`SELECT assignee, sla_rank, n FROM ticket_load WHERE n <> 0`,
			`SELECT assignee, sla_rank, count(*) FROM tickets WHERE status IN ('new','open','pending') AND assignee <> '' GROUP BY 1, 2`},
		{`SELECT language, agency, category, day, n FROM ticket_due_cells WHERE n <> 0`,
			`SELECT language, agency, category, sla_due / 86400000, count(*) FROM tickets
			WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 GROUP BY 1, 2, 3, 4`},
		{`SELECT assignee, day, n FROM ticket_due_assignees WHERE n <> 0`,
			`SELECT assignee, sla_due / 86400000, count(*) FROM tickets
			WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 AND assignee <> '' GROUP BY 1, 2`},
		{`SELECT created_day, outcome, due_day, n FROM ticket_days WHERE n <> 0`,
			`SELECT created_at / 86400000,
			CASE WHEN sla_fulfilled_at <> 0 THEN 2 + (sla_fulfilled_at > sla_due) WHEN sla_paused_at <> 0 THEN 1 ELSE 0 END,
			CASE WHEN sla_fulfilled_at = 0 AND sla_paused_at = 0 THEN sla_due / 86400000 ELSE 0 END, count(*) FROM tickets GROUP BY 1, 2, 3`},
	}
	var diff []string
	for _, p := range pairs {
		for _, q := range []string{p[0] + " EXCEPT " + p[1], p[1] + " EXCEPT " + p[0]} {
			var n int
			if err := s.Raw().QueryRowContext(t.Context(), "SELECT count(*) FROM ("+q+")").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				diff = append(diff, fmt.Sprintf("%d rows of %.60s…", n, q))
			}
		}
	}
	return diff
}

// A transaction that creates tickets and then changes, deletes or reads
// them before commit, or rolls back, leaves every count equal to a
// recount, and reads its own tickets' counts.
func TestCountsFollowATransactionsOwnTickets(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{ReadConns: 1})
	defer s.Close()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx store.Tx) error {
		for i := 1; i <= 6; i++ {
			tk := testTicket(i, now, time.Duration(i)*time.Hour)
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
		}
		// changed before commit: paused, reassigned, answered
		for i, f := range []func(*ticket.Ticket){
			func(tk *ticket.Ticket) { tk.SLA.PausedAt, tk.Status = now, ticket.StatusPending },
			func(tk *ticket.Ticket) { tk.Assignee = "agent-7" },
			func(tk *ticket.Ticket) { tk.SLA.FulfilledAt = now; tk.Status = ticket.StatusSolved },
		} {
			tk, err := tx.Ticket(ctx, int64(i+1))
			if err != nil {
				return err
			}
			f(&tk)
			if err := tx.UpdateTicket(ctx, &tk); err != nil {
				return err
			}
		}
		// read before commit: the board counts this transaction's tickets
		cells, err := tx.BoardCells(ctx, now, now.Add(2*time.Hour))
		if err != nil {
			return err
		}
		total := 0
		for _, c := range cells {
			total += c.OnTrack + c.AtRisk + c.Breached + c.Paused + c.Fulfilled
		}
		if total != 5 { // six, one solved
			t.Errorf("board inside the transaction counts %d open tickets, want 5", total)
		}
		// and a ticket changed after that read
		tk, err := tx.Ticket(ctx, 4)
		if err != nil {
			return err
		}
		tk.Assignee = "agent-8"
		return tx.UpdateTicket(ctx, &tk)
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := recountDiff(t, s); len(d) > 0 {
		t.Errorf("after commit: %v", d)
	}
	// a transaction that creates a ticket and fails counts nothing
	err = s.Write(ctx, func(tx store.Tx) error {
		tk := testTicket(7, now, time.Hour)
		if err := tx.InsertTicket(ctx, &tk); err != nil {
			return err
		}
		return fmt.Errorf("rolled back")
	})
	if err == nil {
		t.Fatal("the failing write committed")
	}
	// a ticket deleted in the transaction that made it
	err = s.Write(ctx, func(tx store.Tx) error {
		tk := testTicket(8, now, time.Hour)
		if err := tx.InsertTicket(ctx, &tk); err != nil {
			return err
		}
		// as every statement that changes tickets does (TestTicketWritesCountNewTicketsFirst)
		if err := tx.(*txn).tallyNew(ctx); err != nil {
			return err
		}
		_, err := tx.(*txn).exec(ctx, `DELETE FROM tickets WHERE id = 8`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := recountDiff(t, s); len(d) > 0 {
		t.Errorf("after a rollback and a delete: %v", d)
	}
}
