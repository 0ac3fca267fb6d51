package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// testTallies checks what a backend counts without counting rows (the
// board's cells, the workload, attainment, the queue's totals) and its
// paging by key against a full recomputation from every ticket, read
// through ScanQueue, after each round of changes: tickets opened, paused
// and resumed, answered, reopened by a requester's reply with a new
// target, reassigned, solved, closed, and due times moved by a closure
// day; and each time read at instants that cross due times, the at-risk
// bound and midnight UTC.
func testTallies(t *testing.T, s store.Store) {
	ctx := t.Context()
	r := rand.New(rand.NewPCG(7, 11))
	base := time.Date(2025, 3, 14, 21, 40, 0, 0, time.UTC) // late in the UTC day: reads cross midnight
	langs := []string{"en", "es", "fr"}
	agencies := []string{"", "ssa", "va"}
	cats := []ticket.Category{ticket.CategoryLostMFA, ticket.CategoryProofing, ticket.CategoryOther}
	agents := []string{"", "", "agent-a", "agent-b", "agent-c"}
	statuses := []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusOpen, ticket.StatusPending,
		ticket.StatusSolved, ticket.StatusClosed}
	pick := func(n int) int { return r.IntN(n) }
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+pick(hi-lo)) * time.Minute }
	next := int64(0)
	newTicket := func() ticket.Ticket {
		next++
		created := base.Add(-minutes(0, 45*24*60))
		tk := ticket.Ticket{ID: next, Ref: fmt.Sprintf("SD-2025-%06d", next), Channel: ticket.ChannelWeb,
			Language: langs[pick(3)], Agency: agencies[pick(3)], Category: cats[pick(3)], RequesterSealed: []byte("sealed"),
			RequesterFP: fp(fmt.Sprint("req", next)), NameSealed: []byte("name"), Subject: "s", Body: "b",
			Status: statuses[pick(len(statuses))], Assignee: agents[pick(len(agents))], CreatedAt: created, UpdatedAt: created,
			SLA: ticket.Clock{Target: 16 * time.Hour, Started: created, Due: created.Add(minutes(60, 6*24*60))}}
		switch pick(4) {
		case 0:
			tk.SLA.FulfilledAt = tk.SLA.Due.Add(minutes(-3000, 3000))
		case 1:
			tk.SLA.PausedAt = created.Add(time.Hour)
		}
		return tk
	}
	write(t, s, func(tx store.Tx) error {
		for range 300 {
			tk := newTicket()
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
			if tk.Assignee != "" && pick(2) == 0 {
				m := ticket.Message{TicketID: tk.ID, Kind: ticket.MessagePublic, Author: tk.Assignee, Body: "r",
					CreatedAt: base.Add(-minutes(0, 3*24*60))}
				if err := tx.InsertTicketMessage(ctx, &m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	// change is one random change to a ticket, as the desk makes them.
	change := func(tx store.Tx, id int64) error {
		tk, err := tx.Ticket(ctx, id)
		if err != nil {
			return err
		}
		at := base.Add(-minutes(0, 24*60))
		switch pick(8) {
		case 0: // pending pauses the clock
			tk.Status, tk.SLA.PausedAt = ticket.StatusPending, at
		case 1: // back from pending with a new due time
			tk.Status, tk.SLA.PausedAt, tk.SLA.Due = ticket.StatusOpen, time.Time{}, tk.SLA.Due.Add(minutes(0, 48*60))
		case 2: // an agent's first reply
			if tk.SLA.FulfilledAt.IsZero() {
				tk.SLA.FulfilledAt = at
			}
		case 3: // the requester writes again: reopened, a new target
			tk.Status, tk.SLA.FulfilledAt, tk.SLA.PausedAt, tk.SLA.Due = ticket.StatusOpen, time.Time{}, time.Time{}, at.Add(minutes(60, 3*24*60))
		case 4:
			tk.Assignee = agents[pick(len(agents))]
		case 5:
			tk.Status = ticket.StatusSolved
		case 6:
			tk.Status = ticket.StatusClosed
		case 7: // a closure day moves the clock alone
			c := tk.SLA
			c.Due = c.Due.Add(24 * time.Hour)
			return tx.UpdateClock(ctx, id, c)
		}
		return tx.UpdateTicket(ctx, &tk)
	}
	instants := []time.Duration{0, 19 * time.Minute, 2*time.Hour + 20*time.Minute, 26 * time.Hour, -5 * time.Hour}
	for round := range 4 {
		if round > 0 {
			write(t, s, func(tx store.Tx) error {
				for range 120 {
					if err := change(tx, 1+int64(pick(int(next)))); err != nil {
						return err
					}
				}
				for range 20 {
					tk := newTicket()
					if err := tx.InsertTicket(ctx, &tk); err != nil {
						return err
					}
				}
				return nil
			})
		}
		var all []store.QueueRow
		var msgs []ticket.Message
		read(t, s, func(rd store.Reader) error {
			all = all[:0]
			err := rd.ScanQueue(ctx, []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending,
				ticket.StatusSolved, ticket.StatusClosed}, func(q store.QueueRow) error {
				all = append(all, q)
				return nil
			})
			if err != nil {
				return err
			}
			msgs = msgs[:0]
			for id := int64(1); id <= next; id++ {
				m, err := rd.TicketMessages(ctx, id)
				if err != nil {
					return err
				}
				msgs = append(msgs, m...)
			}
			return nil
		})
		if len(all) != int(next) {
			t.Fatalf("round %d: ScanQueue read %d tickets of %d", round, len(all), next)
		}
		for _, d := range instants {
			now := base.Add(d)
			risk := now.Add(4 * time.Hour)
			what := fmt.Sprintf("round %d at %s", round, now.Format(time.RFC3339))
			read(t, s, func(rd store.Reader) error {
				cells, err := rd.BoardCells(ctx, now, risk)
				if err != nil {
					return err
				}
				same(t, what+": BoardCells", nonEmpty(cells), recountCells(all, now, risk))
				since := now.Add(-20 * time.Hour)
				loads, err := rd.Workload(ctx, now, risk, since)
				if err != nil {
					return err
				}
				same(t, what+": Workload", loads, recountLoads(all, msgs, now, risk, since))
				for _, days := range []int{7, 30} {
					from := now.AddDate(0, 0, -days)
					total, inTime, err := rd.Attainment(ctx, from, now)
					if err != nil {
						return err
					}
					wt, wi := recountAttainment(all, from, now)
					same(t, fmt.Sprintf("%s: Attainment %d days", what, days), [2]int{total, inTime}, [2]int{wt, wi})
				}
				return nil
			})
			checkQueues(t, s, what, all, now, risk)
		}
	}
}

// nonEmpty drops cells with no ticket (a backend may keep none).
func nonEmpty(cells []store.BoardCell) []store.BoardCell {
	return slices.DeleteFunc(slices.Clone(cells), func(b store.BoardCell) bool { return b.StateCounts == store.StateCounts{} })
}

func isOpen(s ticket.Status) bool {
	return s == ticket.StatusNew || s == ticket.StatusOpen || s == ticket.StatusPending
}

// count adds one ticket to its state at now, as sla.Classifier does:
// answered, else paused, else breached when due before now, at risk when
// due no later than risk.
func count(c *store.StateCounts, q store.QueueRow, now, risk time.Time) {
	switch {
	case q.Fulfilled:
		c.Fulfilled++
	case q.Paused:
		c.Paused++
	case now.After(q.Due):
		c.Breached++
	case !q.Due.After(risk):
		c.AtRisk++
	default:
		c.OnTrack++
	}
}

func recountCells(all []store.QueueRow, now, risk time.Time) []store.BoardCell {
	byCell := map[[3]string]*store.BoardCell{}
	for _, q := range all {
		if !isOpen(q.Status) {
			continue
		}
		k := [3]string{q.Language, q.Agency, string(q.Category)}
		if byCell[k] == nil {
			byCell[k] = &store.BoardCell{Language: q.Language, Agency: q.Agency, Category: q.Category}
		}
		count(&byCell[k].StateCounts, q, now, risk)
	}
	var out []store.BoardCell
	for _, b := range byCell {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b store.BoardCell) int {
		return cmp.Or(strings.Compare(a.Language, b.Language), strings.Compare(a.Agency, b.Agency),
			strings.Compare(string(a.Category), string(b.Category)))
	})
	return out
}

func recountLoads(all []store.QueueRow, msgs []ticket.Message, now, risk, since time.Time) []store.LoadRow {
	by := map[string]*store.LoadRow{}
	for _, q := range all {
		if !isOpen(q.Status) || q.Assignee == "" {
			continue
		}
		if by[q.Assignee] == nil {
			by[q.Assignee] = &store.LoadRow{Assignee: q.Assignee}
		}
		count(&by[q.Assignee].StateCounts, q, now, risk)
	}
	for _, m := range msgs {
		if l := by[m.Author]; l != nil && m.Kind == ticket.MessagePublic && !m.CreatedAt.Before(since) {
			l.Replies++
		}
	}
	var out []store.LoadRow
	for _, l := range by {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b store.LoadRow) int { return strings.Compare(a.Assignee, b.Assignee) })
	return out
}

// recountAttainment counts tickets created in [from, now) answered, or
// whose running clock ran out before now, and those answered in time.
func recountAttainment(all []store.QueueRow, from, now time.Time) (total, inTime int) {
	for _, q := range all {
		if q.CreatedAt.Before(from) || !q.CreatedAt.Before(now) {
			continue
		}
		switch {
		case q.Fulfilled:
			total++
			if !q.FulfilledAt.After(q.Due) {
				inTime++
			}
		case !q.Paused && q.Due.Before(now):
			total++
		}
	}
	return total, inTime
}

// rank is a ticket's first queue key: running, paused, answered.
func rank(q store.QueueRow) int { return store.Rank(q.Fulfilled, q.Paused) }

// checkQueues pages through queues by key, forwards and backwards, and
// checks every window and total against the tickets filtered and sorted.
func checkQueues(t *testing.T, s store.Store, what string, all []store.QueueRow, now, risk time.Time) {
	t.Helper()
	agent := "agent-a"
	unassigned := ""
	queries := []struct {
		name string
		q    store.QueueQuery
		keep func(store.QueueRow) bool
	}{
		{"supervisor", store.QueueQuery{}, func(store.QueueRow) bool { return true }},
		{"agent", store.QueueQuery{Agent: agent, Languages: []string{"es", "fr"}}, func(q store.QueueRow) bool {
			return q.Assignee == agent || q.Assignee == "" && (q.Language == "es" || q.Language == "fr")
		}},
		{"agent, agency", store.QueueQuery{Agent: agent, Languages: []string{"en"}, Agency: "ssa"}, func(q store.QueueRow) bool {
			return (q.Assignee == agent || q.Assignee == "" && q.Language == "en") && q.Agency == "ssa"
		}},
		{"language and category", store.QueueQuery{Language: "fr", Category: ticket.CategoryLostMFA}, func(q store.QueueRow) bool {
			return q.Language == "fr" && q.Category == ticket.CategoryLostMFA
		}},
		{"pending", store.QueueQuery{Statuses: []ticket.Status{ticket.StatusPending}}, func(q store.QueueRow) bool {
			return q.Status == ticket.StatusPending
		}},
		{"unassigned", store.QueueQuery{Assignee: &unassigned}, func(q store.QueueRow) bool { return q.Assignee == "" }},
		{"due by the at-risk bound", store.QueueQuery{DueBy: risk}, func(q store.QueueRow) bool {
			return !q.Paused && !q.Fulfilled && !q.Due.After(risk)
		}},
		{"solved, newest first", store.QueueQuery{Statuses: []ticket.Status{ticket.StatusSolved}}, func(q store.QueueRow) bool {
			return q.Status == ticket.StatusSolved
		}},
		{"solved and closed, language", store.QueueQuery{Statuses: []ticket.Status{ticket.StatusSolved, ticket.StatusClosed}, Language: "es"},
			func(q store.QueueRow) bool { return q.Language == "es" }},
	}
	for _, c := range queries {
		var want []int64
		rows := slices.Clone(all)
		slices.SortFunc(rows, func(a, b store.QueueRow) int {
			return cmp.Or(cmp.Compare(rank(a), rank(b)), a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID))
		})
		statuses := c.q.Statuses
		if len(statuses) == 0 {
			statuses = []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending}
		}
		done := !slices.ContainsFunc(statuses, isOpen)
		if done {
			slices.Reverse(rows)
		}
		for _, q := range rows {
			if slices.Contains(statuses, q.Status) && c.keep(q) {
				want = append(want, q.ID)
			}
		}
		for _, back := range []bool{false, true} {
			var got []int64
			q := c.q
			q.Limit, q.Backward = 7, back
			for pages := 0; ; pages++ {
				if pages > len(all) {
					t.Fatalf("%s: %s: paging does not end", what, c.name)
				}
				var page []ticket.Ticket
				var total int
				read(t, s, func(rd store.Reader) error {
					var err error
					page, total, err = rd.QueuePage(t.Context(), q)
					return err
				})
				if total != len(want) {
					t.Errorf("%s: %s: total %d, recounted %d", what, c.name, total, len(want))
				}
				ids := make([]int64, len(page))
				for i, tk := range page {
					ids[i] = tk.ID
				}
				if back {
					got = append(ids, got...)
				} else {
					got = append(got, ids...)
				}
				if len(page) < q.Limit {
					break
				}
				edge := page[len(page)-1]
				if back {
					edge = page[0]
				}
				k := store.KeyOf(edge)
				q.After = &k
			}
			same(t, fmt.Sprintf("%s: %s queue, backwards %v", what, c.name, back), got, want)
		}
	}
}
