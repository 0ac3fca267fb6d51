package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/store"
)

const agentKeyCols = `fingerprint, agent_id, public_key, created_at, created_by`

func scanAgentKey(r pgx.Row) (store.AgentKey, error) {
	var k store.AgentKey
	var at int64
	err := r.Scan(&k.Fingerprint, &k.AgentID, &k.PublicKey, &at, &k.CreatedBy)
	k.CreatedAt = tm(at)
	return k, err
}

// AgentKey reads a registered key by fingerprint.
func (c *conn) AgentKey(ctx context.Context, fingerprint string) (store.AgentKey, error) {
	return one(c, ctx, `SELECT `+agentKeyCols+` FROM agent_keys WHERE fingerprint = $1`+c.forUpdate(), scanAgentKey, fingerprint)
}

// AgentKeys lists an agent's keys, oldest first.
func (c *conn) AgentKeys(ctx context.Context, agentID string) ([]store.AgentKey, error) {
	return all(c, ctx, `SELECT `+agentKeyCols+` FROM agent_keys WHERE agent_id = $1 ORDER BY created_at, fingerprint COLLATE "C"`,
		scanAgentKey, agentID)
}

// InsertAgentKey registers a key; a fingerprint registered already, to
// anyone, is fault.CodeConflict (and so is an unknown agent, as in SQLite).
func (t *txn) InsertAgentKey(ctx context.Context, k store.AgentKey) error {
	tag, err := t.exec(ctx, `INSERT INTO agent_keys (`+agentKeyCols+`) VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING`,
		k.Fingerprint, k.AgentID, k.PublicKey, ms(k.CreatedAt), k.CreatedBy)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return conflict("key registered already")
	}
	return nil
}

// DeleteAgentKey drops a key.
func (t *txn) DeleteAgentKey(ctx context.Context, fingerprint string) error {
	return oneChanged(t.exec(ctx, `DELETE FROM agent_keys WHERE fingerprint = $1`, fingerprint))
}
