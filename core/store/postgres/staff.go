package postgres

import (
	"context"
	"supportdesk/core/store"
	"time"
)

func (c *conn) StaffSession(ctx context.Context, tokenHash []byte) (store.StaffSession, error) {
	return store.StaffSession{}, todo()
}

func (c *conn) DualRequest(ctx context.Context, id int64) (store.DualRequest, error) {
	return store.DualRequest{}, todo()
}

func (c *conn) DualRequests(ctx context.Context, state store.DualState, limit int) ([]store.DualRequest, error) {
	return nil, todo()
}

func (c *conn) LiveAgents(ctx context.Context, createdAfter time.Time) ([]string, error) {
	return nil, todo()
}

func (t *txn) InsertStaffSession(ctx context.Context, s store.StaffSession) error {
	return todo()
}

func (t *txn) TouchStaffSession(ctx context.Context, id string, at time.Time) error {
	return todo()
}

func (t *txn) EndStaffSession(ctx context.Context, id string, at time.Time, reason string) error {
	return todo()
}

func (t *txn) EndAgentSessions(ctx context.Context, agentID string, at time.Time, reason string) (int, error) {
	return 0, todo()
}

func (t *txn) InsertDualRequest(ctx context.Context, r *store.DualRequest) error {
	return todo()
}

func (t *txn) UpdateDualRequest(ctx context.Context, r *store.DualRequest) error {
	return todo()
}
