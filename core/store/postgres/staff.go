package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/store"
)

const sessionCols = `id, token_hash, agent_id, kind, created_at, active_at, ended_at, end_reason`

func scanSession(r pgx.Row) (store.StaffSession, error) {
	var ss store.StaffSession
	var created, active, ended int64
	err := r.Scan(&ss.ID, &ss.TokenHash, &ss.AgentID, &ss.Kind, &created, &active, &ended, &ss.EndReason)
	ss.CreatedAt, ss.ActiveAt, ss.EndedAt = tm(created), tm(active), tm(ended)
	return ss, err
}

// StaffSession finds a session by its token hash. In a write it is
// locked: a call that resolves its actor from the session then touches or
// ends it, and a sign-out racing a call must not be undone by it.
func (c *conn) StaffSession(ctx context.Context, tokenHash []byte) (store.StaffSession, error) {
	return one(c, ctx, `SELECT `+sessionCols+` FROM staff_sessions WHERE token_hash = $1`+c.forUpdate(), scanSession, tokenHash)
}

// LiveAgents lists, once each, the agents with a live session created
// after a time.
func (c *conn) LiveAgents(ctx context.Context, createdAfter time.Time) ([]string, error) {
	return all(c, ctx, `SELECT agent_id FROM staff_sessions WHERE ended_at = 0 AND created_at > $1
		GROUP BY agent_id ORDER BY agent_id COLLATE "C"`, func(r pgx.Row) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, ms(createdAfter))
}

// InsertStaffSession stores a new session; a used id or token hash is
// fault.CodeConflict.
func (t *txn) InsertStaffSession(ctx context.Context, s store.StaffSession) error {
	tag, err := t.exec(ctx, `INSERT INTO staff_sessions (`+sessionCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
		s.ID, s.TokenHash, s.AgentID, s.Kind, ms(s.CreatedAt), ms(s.ActiveAt), ms(s.EndedAt), s.EndReason)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return conflict("session id or token taken")
	}
	return nil
}

// TouchStaffSession records activity on a live session; activity moves
// forward only.
func (t *txn) TouchStaffSession(ctx context.Context, id string, at time.Time) error {
	return oneChanged(t.exec(ctx, `UPDATE staff_sessions SET active_at = GREATEST(active_at, $1) WHERE id = $2 AND ended_at = 0`, ms(at), id))
}

// EndStaffSession ends one live session.
func (t *txn) EndStaffSession(ctx context.Context, id string, at time.Time, reason string) error {
	return oneChanged(t.exec(ctx, `UPDATE staff_sessions SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at = 0`,
		ms(at), reason, id))
}

// EndAgentSessions ends every live session of an agent.
func (t *txn) EndAgentSessions(ctx context.Context, agentID string, at time.Time, reason string) (int, error) {
	tag, err := t.exec(ctx, `UPDATE staff_sessions SET ended_at = $1, end_reason = $2 WHERE agent_id = $3 AND ended_at = 0`,
		ms(at), reason, agentID)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

const dualCols = `id, kind, target, detail, reason, requested_by, requested_at, expires_at, state, decided_by, decided_at, version`

func scanDual(r pgx.Row) (store.DualRequest, error) {
	var d store.DualRequest
	var req, exp, dec int64
	err := r.Scan(&d.ID, &d.Kind, &d.Target, &d.Detail, &d.Reason, &d.RequestedBy, &req, &exp, &d.State, &d.DecidedBy, &dec, &d.Version)
	d.RequestedAt, d.ExpiresAt, d.DecidedAt = tm(req), tm(exp), tm(dec)
	return d, err
}

// DualRequest reads one request, locked in a write: two supervisors
// deciding at once take turns, and the second sees the first's decision.
func (c *conn) DualRequest(ctx context.Context, id int64) (store.DualRequest, error) {
	return one(c, ctx, `SELECT `+dualCols+` FROM dual_requests WHERE id = $1`+c.forUpdate(), scanDual, id)
}

// DualRequests lists requests in a state ("" for all), newest first.
func (c *conn) DualRequests(ctx context.Context, state store.DualState, limit int) ([]store.DualRequest, error) {
	return all(c, ctx, `SELECT `+dualCols+` FROM dual_requests WHERE ($1::text = '' OR state = $1::text) ORDER BY id DESC LIMIT $2`,
		scanDual, string(state), rowLimit(limit))
}

// InsertDualRequest stores a new request at version 1 and sets its ID.
func (t *txn) InsertDualRequest(ctx context.Context, r *store.DualRequest) error {
	err := t.tx.QueryRow(ctx, `INSERT INTO dual_requests (kind, target, detail, reason, requested_by, requested_at, expires_at,
		state, decided_by, decided_at, version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,1) RETURNING id`, r.Kind, r.Target, r.Detail, r.Reason,
		r.RequestedBy, ms(r.RequestedAt), ms(r.ExpiresAt), r.State, r.DecidedBy, ms(r.DecidedAt)).Scan(&r.ID)
	if err != nil {
		return mapErr(err)
	}
	r.Version = 1
	return nil
}

// UpdateDualRequest stores a decision if nobody decided meanwhile; a
// stale version, or a request that is gone, is fault.CodeConflict.
func (t *txn) UpdateDualRequest(ctx context.Context, r *store.DualRequest) error {
	tag, err := t.exec(ctx, `UPDATE dual_requests SET state = $1, decided_by = $2, decided_at = $3, version = version + 1
		WHERE id = $4 AND version = $5`, r.State, r.DecidedBy, ms(r.DecidedAt), r.ID, r.Version)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return conflict("request decided meanwhile")
	}
	r.Version++
	return nil
}
