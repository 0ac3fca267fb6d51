package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"supportdesk/core/access"
)

const agentCols = `id, email_sealed, email_fp, display_name, role, languages, ui_language, agencies,
	password_hash, totp_sealed, totp_last_step, failed_signins, locked_until, created_at, disabled_at`

type scanner interface{ Scan(...any) error }

func scanAgent(s scanner) (access.Agent, error) {
	var a access.Agent
	var langs, agencies string
	var locked, created, disabled int64
	err := s.Scan(&a.ID, &a.EmailSealed, &a.EmailFP, &a.DisplayName, &a.Role, &langs, &a.UILanguage, &agencies,
		&a.PasswordHash, &a.TOTPSealed, &a.TOTPLastStep, &a.FailedSignIn, &locked, &created, &disabled)
	a.Languages, a.Agencies = splitList(langs), splitList(agencies)
	a.LockedUntil, a.CreatedAt, a.DisabledAt = tm(locked), tm(created), tm(disabled)
	return a, err
}

// AgentByEmail finds an agent by email fingerprint.
func (c *conn) AgentByEmail(ctx context.Context, fp []byte) (access.Agent, error) {
	return c.oneAgent(ctx, `SELECT `+agentCols+` FROM agents WHERE email_fp = ?`, fp)
}

// Agent reads one agent.
func (c *conn) Agent(ctx context.Context, id string) (access.Agent, error) {
	return c.oneAgent(ctx, `SELECT `+agentCols+` FROM agents WHERE id = ?`, id)
}

func (c *conn) oneAgent(ctx context.Context, q string, arg any) (access.Agent, error) {
	return one(c, ctx, q, scanAgent, arg)
}

// Agents lists every agent by display name.
func (c *conn) Agents(ctx context.Context) ([]access.Agent, error) {
	return collect(c, ctx, `SELECT `+agentCols+` FROM agents ORDER BY display_name`,
		func(rs *sql.Rows) (access.Agent, error) { return scanAgent(rs) })
}

// InsertAgent stores a new agent.
func (t *txn) InsertAgent(ctx context.Context, a access.Agent) error {
	_, err := t.exec(ctx, `INSERT INTO agents (`+agentCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		a.ID, a.EmailSealed, a.EmailFP, a.DisplayName, a.Role, strings.Join(a.Languages, ","), a.UILanguage,
		strings.Join(a.Agencies, ","), a.PasswordHash, a.TOTPSealed, a.TOTPLastStep, a.FailedSignIn,
		ms(a.LockedUntil), ms(a.CreatedAt), ms(a.DisabledAt))
	return err
}

// UpdateAgent stores an agent's mutable fields.
func (t *txn) UpdateAgent(ctx context.Context, a access.Agent) error {
	return affected(t.exec(ctx, `UPDATE agents SET display_name=?, role=?, languages=?, ui_language=?, agencies=?,
		password_hash=?, totp_last_step=?, failed_signins=?, locked_until=?, disabled_at=? WHERE id=?`,
		a.DisplayName, a.Role, strings.Join(a.Languages, ","), a.UILanguage, strings.Join(a.Agencies, ","),
		a.PasswordHash, a.TOTPLastStep, a.FailedSignIn, ms(a.LockedUntil), ms(a.DisabledAt), a.ID))
}
