package helpdesk

import (
	"context"
	"slices"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// OpenStatuses are the statuses a queue holds.
var OpenStatuses = []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending}

// FilterStatuses are the statuses a queue may be narrowed to: one open
// status, or the solved or the closed tickets (newest first).
var FilterStatuses = []ticket.Status{ticket.StatusNew, ticket.StatusOpen, ticket.StatusPending, ticket.StatusSolved, ticket.StatusClosed}

// Item is a queue row with its SLA state.
type Item struct {
	store.QueueRow
	State sla.State
}

// CountKey is one cell of the state × language counts.
type CountKey struct {
	State    sla.State
	Language string
}

// Board is a classified queue: items ordered by due time (earliest, that
// is most urgent, first) and the counts by state and language.
type Board struct {
	Items  []Item
	Counts map[CountKey]int
}

// Classify orders rows by due time and counts them by state × language.
// It does no calendar arithmetic per row: the classifier holds the at-risk
// threshold.
func Classify(rows []store.QueueRow, c sla.Classifier) Board {
	b := Board{Items: make([]Item, len(rows)), Counts: make(map[CountKey]int, 15)}
	for i, r := range rows {
		st := c.Classify(r.Due, r.Paused, r.Fulfilled)
		b.Items[i] = Item{QueueRow: r, State: st}
		b.Counts[CountKey{st, r.Language}]++
	}
	slices.SortFunc(b.Items, func(x, y Item) int {
		if c := x.Due.Compare(y.Due); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	return b
}

// ClassifyOpen loads the open tickets the actor may see and classifies
// them at the current time (reports and benchmarks; the console pages
// through QueuePage).
func (d *Desk) ClassifyOpen(ctx context.Context, tok staff.Token) (Board, error) {
	var b Board
	err := d.staff.Read(ctx, tok, func(r store.Reader, actor access.Actor, now time.Time) error {
		var q store.QueueQuery
		if err := scopeQueue(&q, actor); err != nil {
			return err
		}
		var rows []store.QueueRow
		if err := r.ScanQueue(ctx, OpenStatuses, func(row store.QueueRow) error {
			if q.Agent == "" || row.Assignee == q.Agent || (row.Assignee == "" && slices.Contains(q.Languages, row.Language)) {
				rows = append(rows, row)
			}
			return nil
		}); err != nil {
			return err
		}
		b = Classify(rows, sla.NewClassifier(d.cal(), now))
		return nil
	})
	return b, err
}
