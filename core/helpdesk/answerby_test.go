package helpdesk_test

import (
	"context"
	"testing"

	"supportdesk/core/helpdesk"
	"supportdesk/core/sla"
)

// TestAnswerByIsAheadOnTheCalendar checks the date a reply may promise:
// the due time while a ticket is on track, and otherwise (breached, at
// risk, paused, answered) a full reply target from now on the business
// calendar, never a date already past.
func TestAnswerByIsAheadOnTheCalendar(t *testing.T) {
	t.Parallel()
	_, d, supervisor := seededDesk(t)
	ctx := context.Background()
	page, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{}, helpdesk.PageAt{}, 400)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[sla.State]bool{}
	for _, it := range page.Items {
		if seen[it.State] {
			continue
		}
		seen[it.State] = true
		v, err := d.Ticket(ctx, supervisor.Token, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		fresh := sla.Start(d.Policy().Cal, page.At, sla.Target).Due
		switch {
		case v.AnswerBy.IsZero() || !v.AnswerBy.After(page.At):
			t.Errorf("%s (%s): answer by %v, not after now %v", v.Ref, v.State, v.AnswerBy, page.At)
		case v.State == sla.StateOnTrack && !v.AnswerBy.Equal(v.Due):
			t.Errorf("%s on track: answer by %v, want the due time %v", v.Ref, v.AnswerBy, v.Due)
		case v.State != sla.StateOnTrack && !v.AnswerBy.Equal(fresh):
			t.Errorf("%s (%s, due %v): answer by %v, want a fresh target %v", v.Ref, v.State, v.Due, v.AnswerBy, fresh)
		}
	}
	if !seen[sla.StateBreached] || !seen[sla.StateOnTrack] {
		t.Fatalf("the seeded queue has no breached or no on-track ticket: %v", seen)
	}
}
