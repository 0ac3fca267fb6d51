package store

// QueueStats are the operational counts of a desk at one instant: open
// tickets by language and SLA state, and the outbox's backlog. Counts
// only, no ticket or person: what a metrics scrape may read.
type QueueStats struct {
	// ByLanguage holds the open tickets of each language by SLA state.
	ByLanguage map[string]StateCounts
	// OutboxBacklog counts rows not yet delivered (queued or being sent).
	OutboxBacklog int64
	// OutboxFailed counts rows failed for good.
	OutboxFailed int64
}

// AddRank counts n open tickets of a clock rank (see Rank): running ones
// (rank 0) count on track until MoveDue moves the breached and at-risk
// ones out.
func (s *StateCounts) AddRank(rank, n int) {
	switch rank {
	case 0:
		s.OnTrack += n
	case 1:
		s.Paused += n
	default:
		s.Fulfilled += n
	}
}

// MoveDue moves running tickets from on track to breached and at risk.
func (s *StateCounts) MoveDue(breached, atRisk int) {
	s.OnTrack -= breached + atRisk
	s.Breached += breached
	s.AtRisk += atRisk
}

// ByLanguage sums board cells by language, as QueueStats reports them.
func ByLanguage(cells []BoardCell) map[string]StateCounts {
	out := map[string]StateCounts{}
	for _, b := range cells {
		l := out[b.Language]
		l.OnTrack += b.OnTrack
		l.AtRisk += b.AtRisk
		l.Breached += b.Breached
		l.Paused += b.Paused
		l.Fulfilled += b.Fulfilled
		out[b.Language] = l
	}
	return out
}
