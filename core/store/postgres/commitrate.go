package postgres

import (
	"context"
	"errors"
	"time"

	"supportdesk/core/fault"
)

// CommitRate measures the server's raw durable commit rate: one
// single-row INSERT and its commit after another, for d, into a scratch
// table (not a temporary one, which would skip the write-ahead log), so
// each commit waits for one WAL flush. It is the yardstick
// intake is compared with; the table is dropped afterwards.
func (s *Store) CommitRate(ctx context.Context, d time.Duration) (float64, error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, fault.Storage(err)
	}
	defer c.Release()
	name := "commit_rate_scratch"
	if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+name+` (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v bytea NOT NULL)`); err != nil {
		return 0, fault.Storage(err)
	}
	defer c.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+name)
	row := make([]byte, 200) // about an intake ticket's row
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		if _, err := c.Exec(ctx, `INSERT INTO `+name+` (v) VALUES ($1)`, row); err != nil {
			if errors.Is(err, context.Canceled) {
				break
			}
			return 0, fault.Storage(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
