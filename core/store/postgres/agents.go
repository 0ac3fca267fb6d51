package postgres

import (
	"context"
	"supportdesk/core/access"
)

func (c *conn) AgentByEmail(ctx context.Context, fp []byte) (access.Agent, error) {
	return access.Agent{}, todo()
}

func (c *conn) Agent(ctx context.Context, id string) (access.Agent, error) {
	return access.Agent{}, todo()
}

func (c *conn) Agents(ctx context.Context) ([]access.Agent, error) {
	return nil, todo()
}

func (t *txn) InsertAgent(ctx context.Context, a access.Agent) error {
	return todo()
}

func (t *txn) UpdateAgent(ctx context.Context, a access.Agent) error {
	return todo()
}
