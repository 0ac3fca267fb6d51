package sqlite

import (
	"context"
	"database/sql"
	"time"

	"supportdesk/core/store"
)

const queueStatsSQL = `SELECT language,` + stateSums + `
	FROM tickets t WHERE ` + openWhere + ` GROUP BY language ORDER BY language`

// QueueStats counts open tickets by language and SLA state, and the
// outbox's backlog and failures. The reads run on the caller's snapshot.
func (c *conn) QueueStats(ctx context.Context, now, risk time.Time) (store.QueueStats, error) {
	type langRow struct {
		lang string
		store.StateCounts
	}
	rows, err := collect(c, ctx, queueStatsSQL,
		func(rs *sql.Rows) (langRow, error) {
			var l langRow
			err := rs.Scan(&l.lang, &l.OnTrack, &l.AtRisk, &l.Breached, &l.Paused, &l.Fulfilled)
			return l, err
		}, stateArgs(now, risk)...)
	if err != nil {
		return store.QueueStats{}, err
	}
	s := store.QueueStats{ByLanguage: make(map[string]store.StateCounts, len(rows))}
	for _, l := range rows {
		s.ByLanguage[l.lang] = l.StateCounts
	}
	row, err := c.row(ctx, `SELECT
		coalesce(sum(CASE WHEN status IN ('queued','sending') THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0)
		FROM outbox WHERE status IN ('queued','sending','failed')`)
	return s, scanOne(row, err, &s.OutboxBacklog, &s.OutboxFailed)
}
