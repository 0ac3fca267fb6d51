package helpdesk_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/sla"
	"supportdesk/core/ticket"
)

// Stats agrees with the classification agents see, by language and state,
// counts the acknowledgements waiting in the outbox, and leaves paused
// clocks out of the running states.
func TestStatsCountsQueueByLanguageAndState(t *testing.T) {
	t.Parallel()
	svc, c, in, desk := deskAt(t, "2026-11-23 09:00")
	agent := addAgent(t, svc)
	ctx := context.Background()
	var last ticket.Ticket
	for i := range 6 {
		c.Advance(time.Hour)
		f := form(i)
		if i == 5 {
			f.Language = "es"
		}
		tk, _, err := in.Submit(ctx, f, "test")
		if err != nil {
			t.Fatal(err)
		}
		if i == 4 {
			last = tk
		}
	}
	if _, err := desk.SetStatus(ctx, agent.Token, last.ID, last.Version, ticket.StatusPending); err != nil {
		t.Fatal(err)
	}
	c.Set(time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC))
	got, err := desk.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	board, err := desk.ClassifyOpen(ctx, agent.Token)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range board.Counts {
		if got.Queue[k.Language][k.State] != n {
			t.Errorf("%s %s: stats %d, board %d", k.Language, k.State, got.Queue[k.Language][k.State], n)
		}
	}
	if got.Queue["fr"][sla.StatePaused] != 1 || got.Queue["es"][sla.StateOnTrack]+got.Queue["es"][sla.StateAtRisk] != 1 {
		t.Errorf("queue %v", got.Queue)
	}
	if got.Queue["fr"][sla.StateAtRisk] == 0 {
		t.Errorf("no fr ticket at risk: %v", got.Queue)
	}
	if got.OutboxBacklog != 6 || got.OutboxFailed != 0 {
		t.Errorf("outbox backlog %d failed %d, want 6 acknowledgements queued", got.OutboxBacklog, got.OutboxFailed)
	}
}
