package sqlite

import (
	"context"
	"database/sql"

	"supportdesk/core/store"
)

const agentKeyCols = `fingerprint, agent_id, public_key, created_at, created_by`

func scanAgentKey(s scanner) (store.AgentKey, error) {
	var k store.AgentKey
	var at int64
	err := s.Scan(&k.Fingerprint, &k.AgentID, &k.PublicKey, &at, &k.CreatedBy)
	k.CreatedAt = tm(at)
	return k, err
}

// AgentKey reads a registered key by fingerprint.
func (c *conn) AgentKey(ctx context.Context, fingerprint string) (store.AgentKey, error) {
	return one(c, ctx, `SELECT `+agentKeyCols+` FROM agent_keys WHERE fingerprint = ?`, scanAgentKey, fingerprint)
}

// AgentKeys lists an agent's keys, oldest first.
func (c *conn) AgentKeys(ctx context.Context, agentID string) ([]store.AgentKey, error) {
	return collect(c, ctx, `SELECT `+agentKeyCols+` FROM agent_keys WHERE agent_id = ? ORDER BY created_at, fingerprint`,
		func(rs *sql.Rows) (store.AgentKey, error) { return scanAgentKey(rs) }, agentID)
}

// InsertAgentKey registers a key.
func (t *txn) InsertAgentKey(ctx context.Context, k store.AgentKey) error {
	_, err := t.exec(ctx, `INSERT INTO agent_keys (`+agentKeyCols+`) VALUES (?,?,?,?,?)`,
		k.Fingerprint, k.AgentID, k.PublicKey, ms(k.CreatedAt), k.CreatedBy)
	return err
}

// DeleteAgentKey drops a key.
func (t *txn) DeleteAgentKey(ctx context.Context, fingerprint string) error {
	return affected(t.exec(ctx, `DELETE FROM agent_keys WHERE fingerprint = ?`, fingerprint))
}
