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
