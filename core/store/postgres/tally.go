package postgres

import (
	"context"
	"time"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

func (c *conn) QueuePage(ctx context.Context, q store.QueueQuery) ([]ticket.Ticket, int, error) {
	return nil, 0, todo()
}

func (c *conn) BoardCells(ctx context.Context, now, risk time.Time) ([]store.BoardCell, error) {
	return nil, todo()
}

func (c *conn) Workload(ctx context.Context, now, risk, repliesSince time.Time) ([]store.LoadRow, error) {
	return nil, todo()
}

func (c *conn) Attainment(ctx context.Context, from, now time.Time) (total, inTime int, err error) {
	return 0, 0, todo()
}

func (c *conn) QueueStats(ctx context.Context, now, risk time.Time) (store.QueueStats, error) {
	return store.QueueStats{}, todo()
}
