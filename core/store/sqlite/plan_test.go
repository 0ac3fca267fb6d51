package sqlite

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// fullScan is a plan line that reads a whole table, not an index.
var fullScan = regexp.MustCompile(`^SCAN (t|tickets|m|ticket_messages|outbox)$`)

// Every console query reads an index in the order it needs: EXPLAIN QUERY
// PLAN, on a database of some thousands of tickets after ANALYZE, shows no
// sort of the matches (temp B-tree) and no scan of a whole table, and names
// the index meant to serve it.
func TestQueryPlans(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{ReadConns: 1})
	defer s.Close()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx store.Tx) error {
		for i := 1; i <= 6000; i++ {
			tk := testTicket(i, now, time.Duration(i%97-30)*time.Hour)
			tk.CreatedAt = now.Add(-time.Duration(i) * time.Hour / 10)
			switch {
			case i%2 == 0: // solved history, half of all
				tk.Status, tk.SLA.FulfilledAt = ticket.StatusSolved, tk.CreatedAt.Add(time.Hour)
			case i%11 == 0:
				tk.Status, tk.SLA.PausedAt = ticket.StatusPending, now.Add(-time.Hour)
			case i%13 == 0:
				tk.SLA.FulfilledAt = now.Add(-time.Hour)
			}
			if i%3 != 0 {
				tk.Assignee = fmt.Sprint("agent-", i%20)
			}
			tk.Agency = []string{"", "ssa", "va", "irs"}[i%4]
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
			if tk.Assignee != "" {
				m := ticket.Message{TicketID: tk.ID, Kind: ticket.MessagePublic, Author: tk.Assignee, Body: "reply", CreatedAt: tk.CreatedAt}
				if err := tx.InsertTicketMessage(ctx, &m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Raw().ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	risk := now.Add(4 * time.Hour)
	mid := store.QueueKey{Rank: 0, Due: now, ID: 3000}
	page := func(q store.QueueQuery) (string, []any) {
		_, sql, _, args := queueSQL(q)
		return sql, args
	}
	count := func(q store.QueueQuery) (string, []any) {
		sql, _, args, _ := queueSQL(q)
		return sql, args
	}
	fixed := func(sql string, args ...any) func() (string, []any) {
		return func() (string, []any) { return sql, args }
	}
	of := func(f func(store.QueueQuery) (string, []any), q store.QueueQuery) func() (string, []any) {
		return func() (string, []any) { return f(q) }
	}
	after := func(q store.QueueQuery, back bool) store.QueueQuery {
		q.After, q.Backward = &mid, back
		return q
	}
	agent := store.QueueQuery{Agent: "agent-4", Languages: []string{"es", "en"}}
	agentFr := agent
	agentFr.Language = "fr"
	today := day(now) * dayMS
	cases := []struct {
		name      string
		query     func() (string, []any)
		index     string // the index meant to serve it
		sortsFew  bool   // sorts a bounded set: a lookup's rows, a tally's, a day's due tickets
		scansPart bool   // reads an index from end to end (a tally, or a count over open tickets)
	}{
		{"queue page, supervisor", of(page, store.QueueQuery{}), "tickets_open_queue", false, false},
		{"queue page, supervisor, after a key", of(page, after(store.QueueQuery{}, false)), "tickets_open_queue", false, false},
		{"queue page, supervisor, before a key", of(page, after(store.QueueQuery{}, true)), "tickets_open_queue", false, false},
		{"queue page, supervisor, last", of(page, store.QueueQuery{Backward: true}), "tickets_open_queue", false, false},
		{"queue page, agent", of(page, agent), "tickets_open_queue", false, false},
		{"queue page, agent, after a key", of(page, after(agent, false)), "tickets_open_queue", false, false},
		{"queue page, agent, language", of(page, agentFr), "tickets_open_queue", false, false},
		{"queue page, language", of(page, after(store.QueueQuery{Language: "fr"}, false)), "tickets_open_queue", false, false},
		{"queue page, category", of(page, store.QueueQuery{Category: ticket.CategoryLostMFA}), "tickets_open_queue", false, false},
		{"queue page, agency", of(page, store.QueueQuery{Agency: "va"}), "tickets_open_queue", false, false},
		{"queue page, status", of(page, store.QueueQuery{Statuses: []ticket.Status{ticket.StatusPending}}), "tickets_open_queue", false, false},
		{"queue page, assignee", of(page, store.QueueQuery{Assignee: new("agent-7")}), "tickets_open_load", false, false},
		{"queue page, assignee, after a key", of(page, after(store.QueueQuery{Assignee: new("agent-7")}, false)), "tickets_open_load", false, false},
		{"queue page, unassigned", of(page, store.QueueQuery{Assignee: new("")}), "tickets_open_load", false, false},
		{"urgent list", of(page, store.QueueQuery{DueBy: risk}), "tickets_open_queue", false, false},
		{"queue page, solved", of(page, store.QueueQuery{Statuses: []ticket.Status{ticket.StatusSolved}}), "tickets_done_queue", false, false},
		{"queue page, solved, after a key", of(page, after(store.QueueQuery{Statuses: []ticket.Status{ticket.StatusSolved}}, false)), "tickets_done_queue", false, false},
		{"queue count, solved", of(count, store.QueueQuery{Statuses: []ticket.Status{ticket.StatusSolved}}), "ticket_tally", false, true},
		{"queue page, ref", of(page, store.QueueQuery{Ref: "SD-2026-000101"}), "sqlite_autoindex_tickets", true, false},
		{"queue page, requester", of(page, store.QueueQuery{Requester: []byte("req101")}), "tickets_requester", true, false},
		{"queue count, supervisor", of(count, store.QueueQuery{}), "ticket_tally", false, true},
		{"queue count, agent", of(count, agent), "ticket_tally", false, true},
		{"queue count, agent, language", of(count, agentFr), "ticket_tally", false, true},
		{"queue count, assignee", of(count, store.QueueQuery{Assignee: new("agent-7")}), "ticket_tally_assignee", false, false},
		{"urgent count", of(count, store.QueueQuery{DueBy: risk}), "tickets_open_queue", false, true},
		{"open tickets, classified", func() (string, []any) { return scanQueueSQL(openStatuses) }, "tickets_open", false, true},
		{"board: tickets by cell and rank", fixed(tallyCellsSQL), "ticket_tally", false, true},
		{"board: running clocks due before today", fixed(dueCellsSQL, day(now)), "ticket_due_cells", false, true},
		{"board: due from today to the at-risk bound", fixed(dueNowSQL, ms(now), ms(now), today, ms(risk)), "tickets_open_queue", true, false},
		{"workload: tickets by assignee and rank", fixed(tallyLoadSQL), "ticket_load", false, true},
		{"workload: running clocks due before today", fixed(dueLoadSQL, day(now)), "ticket_due_assignees", false, true},
		{"workload: replies", fixed(repliesSQL, ms(now.Add(-8*time.Hour))), "ticket_messages_author", false, true},
		{"attainment: partial days", fixed(attainmentSQL, ms(now.AddDate(0, 0, -30)), today-29*dayMS, ms(now)), "tickets_created", false, false},
		{"attainment: whole days", fixed(attainmentDaysSQL, day(now), day(now)-30, day(now)), "ticket_days", false, false},
		{"attainment: due today", fixed(dueTodaySQL, today, ms(now), today-29*dayMS, today), "tickets_unanswered", false, false},
		{"running clocks", fixed(runningClocksSQL, ms(now), ms(now), 0, 100), "tickets_open_queue", false, false},
		{"breach candidates", fixed(breachCandidatesSQL, ms(now), 100), "tickets_open_queue", false, false},
		{"mail worker: a ticket's mail, to thread the next", fixed(ticketOutboxSQL, 101), "outbox_ticket", false, false},
		{"mail worker: due mail", fixed(dueOutboxSQL+` ORDER BY next_attempt, id LIMIT 10`, "email", ms(now)), "outbox_channel_due", false, false},
		{"mail worker: ticket mail due", fixed(dueOutboxSQL+` AND ticket_id <> 0 ORDER BY next_attempt, id LIMIT 10`, "email", ms(now)), "outbox_channel_due", false, false},
		{"failed mail count", fixed(outboxFailedSQL), "outbox_channel_due", false, false},
		{"intake: the requester's recent tickets", fixed(requesterRecentSQL(4), []byte("req101"), ms(now.Add(-24*time.Hour))), "COVERING INDEX tickets_requester", false, false},
	}
	for _, c := range cases {
		sql, args := c.query()
		rs, err := s.Raw().QueryContext(ctx, "EXPLAIN QUERY PLAN "+sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var lines []string
		for rs.Next() {
			var id, parent, notused int
			var detail string
			if err := rs.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
		if err := rs.Close(); err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(lines, "; ")
		t.Logf("%s: %s", c.name, plan)
		for _, l := range lines {
			if strings.Contains(l, "USE TEMP B-TREE") && !c.sortsFew {
				t.Errorf("%s sorts its matches: %s", c.name, plan)
			}
			if fullScan.MatchString(l) {
				t.Errorf("%s scans a whole table: %s", c.name, plan)
			}
			if strings.HasPrefix(l, "SCAN ") && !strings.HasPrefix(l, "SCAN (subquery-") && !c.scansPart && !strings.Contains(l, "tickets_open_queue") && !strings.Contains(l, "tickets_done_queue") {
				t.Errorf("%s scans where a search is meant to serve: %s", c.name, plan)
			}
		}
		if !strings.Contains(plan, c.index) {
			t.Errorf("%s does not use %s: %s", c.name, c.index, plan)
		}
	}
}
