package helpdesk

import (
	"context"

	"supportdesk/core/sla"
	"supportdesk/core/store"
)

// Stats are the desk's operational counts at one instant, for metrics:
// open tickets by language and SLA state, and the outbox's backlog.
type Stats struct {
	// Queue counts open tickets by language, then SLA state (on track, at
	// risk, breached, paused; fulfilled ones wait on no clock).
	Queue         map[string]map[sla.State]int
	OutboxBacklog int64 // rows not yet delivered
	OutboxFailed  int64 // rows failed for good
}

// Stats reads the operational counts on one snapshot. It takes no actor:
// it returns counts only, never a ticket, person or account, and writes
// nothing, so a metrics scrape may call it.
func (d *Desk) Stats(ctx context.Context) (Stats, error) {
	now := d.clock.Now()
	_, risk := sla.NewClassifier(d.cal(), now).Bounds()
	var qs store.QueueStats
	err := d.st.Read(ctx, func(r store.Reader) error {
		var err error
		qs, err = r.QueueStats(ctx, now, risk)
		return err
	})
	if err != nil {
		return Stats{}, err
	}
	s := Stats{Queue: make(map[string]map[sla.State]int, len(qs.ByLanguage)),
		OutboxBacklog: qs.OutboxBacklog, OutboxFailed: qs.OutboxFailed}
	for lang, c := range qs.ByLanguage {
		s.Queue[lang] = map[sla.State]int{sla.StateOnTrack: c.OnTrack, sla.StateAtRisk: c.AtRisk,
			sla.StateBreached: c.Breached, sla.StatePaused: c.Paused}
	}
	return s, nil
}
