package sqlite

import (
	"context"
	"database/sql"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

const sessionCols = `id, token_hash, agent_id, kind, created_at, active_at, ended_at, end_reason`

func scanSession(s scanner) (store.StaffSession, error) {
	var ss store.StaffSession
	var created, active, ended int64
	err := s.Scan(&ss.ID, &ss.TokenHash, &ss.AgentID, &ss.Kind, &created, &active, &ended, &ss.EndReason)
	ss.CreatedAt, ss.ActiveAt, ss.EndedAt = tm(created), tm(active), tm(ended)
	return ss, err
}

// StaffSession finds a session by its token hash.
func (c *conn) StaffSession(ctx context.Context, tokenHash []byte) (store.StaffSession, error) {
	return one(c, ctx, `SELECT `+sessionCols+` FROM staff_sessions WHERE token_hash = ?`, scanSession, tokenHash)
}

// LiveAgents lists the agents with a live session created after a time.
func (c *conn) LiveAgents(ctx context.Context, createdAfter time.Time) ([]string, error) {
	return collect(c, ctx, `SELECT DISTINCT agent_id FROM staff_sessions WHERE ended_at = 0 AND created_at > ? ORDER BY agent_id`,
		func(rs *sql.Rows) (string, error) {
			var id string
			return id, rs.Scan(&id)
		}, ms(createdAfter))
}

// InsertStaffSession stores a new session.
func (t *txn) InsertStaffSession(ctx context.Context, s store.StaffSession) error {
	_, err := t.exec(ctx, `INSERT INTO staff_sessions (`+sessionCols+`) VALUES (?,?,?,?,?,?,?,?)`,
		s.ID, s.TokenHash, s.AgentID, s.Kind, ms(s.CreatedAt), ms(s.ActiveAt), ms(s.EndedAt), s.EndReason)
	return err
}

// TouchStaffSession records activity on a live session.
func (t *txn) TouchStaffSession(ctx context.Context, id string, at time.Time) error {
	return affected(t.exec(ctx, `UPDATE staff_sessions SET active_at = max(active_at, ?) WHERE id = ? AND ended_at = 0`, ms(at), id))
}

// EndStaffSession ends one live session.
func (t *txn) EndStaffSession(ctx context.Context, id string, at time.Time, reason string) error {
	return affected(t.exec(ctx, `UPDATE staff_sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at = 0`,
		ms(at), reason, id))
}

// EndAgentSessions ends every live session of an agent.
func (t *txn) EndAgentSessions(ctx context.Context, agentID string, at time.Time, reason string) (int, error) {
	res, err := t.exec(ctx, `UPDATE staff_sessions SET ended_at = ?, end_reason = ? WHERE agent_id = ? AND ended_at = 0`,
		ms(at), reason, agentID)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const dualCols = `id, kind, target, detail, reason, requested_by, requested_at, expires_at, state, decided_by, decided_at, version`

func scanDual(s scanner) (store.DualRequest, error) {
	var r store.DualRequest
	var req, exp, dec int64
	err := s.Scan(&r.ID, &r.Kind, &r.Target, &r.Detail, &r.Reason, &r.RequestedBy, &req, &exp, &r.State, &r.DecidedBy, &dec, &r.Version)
	r.RequestedAt, r.ExpiresAt, r.DecidedAt = tm(req), tm(exp), tm(dec)
	return r, err
}

// DualRequest reads one request.
func (c *conn) DualRequest(ctx context.Context, id int64) (store.DualRequest, error) {
	return one(c, ctx, `SELECT `+dualCols+` FROM dual_requests WHERE id = ?`, scanDual, id)
}

// DualRequests lists requests in a state ("" for all), newest first.
func (c *conn) DualRequests(ctx context.Context, state store.DualState, limit int) ([]store.DualRequest, error) {
	return collect(c, ctx, `SELECT `+dualCols+` FROM dual_requests WHERE (? = '' OR state = ?) ORDER BY id DESC LIMIT ?`,
		func(rs *sql.Rows) (store.DualRequest, error) { return scanDual(rs) }, string(state), string(state), limit)
}

// InsertDualRequest stores a new request at version 1 and sets its ID.
func (t *txn) InsertDualRequest(ctx context.Context, r *store.DualRequest) error {
	r.Version = 1
	res, err := t.exec(ctx, `INSERT INTO dual_requests (kind, target, detail, reason, requested_by, requested_at, expires_at,
		state, decided_by, decided_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, r.Kind, r.Target, r.Detail, r.Reason,
		r.RequestedBy, ms(r.RequestedAt), ms(r.ExpiresAt), r.State, r.DecidedBy, ms(r.DecidedAt), r.Version)
	if err != nil {
		return err
	}
	r.ID, _ = res.LastInsertId()
	return nil
}

// UpdateDualRequest stores a decision if nobody decided meanwhile.
func (t *txn) UpdateDualRequest(ctx context.Context, r *store.DualRequest) error {
	res, err := t.exec(ctx, `UPDATE dual_requests SET state = ?, decided_by = ?, decided_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, r.State, r.DecidedBy, ms(r.DecidedAt), r.ID, r.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.CodeConflict)
	}
	r.Version++
	return nil
}
