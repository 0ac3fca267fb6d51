package postgres

import (
	"context"
	"supportdesk/core/store"
)

func (c *conn) AgentKey(ctx context.Context, fingerprint string) (store.AgentKey, error) {
	return store.AgentKey{}, todo()
}

func (c *conn) AgentKeys(ctx context.Context, agentID string) ([]store.AgentKey, error) {
	return nil, todo()
}

func (t *txn) InsertAgentKey(ctx context.Context, k store.AgentKey) error {
	return todo()
}

func (t *txn) DeleteAgentKey(ctx context.Context, fingerprint string) error {
	return todo()
}
