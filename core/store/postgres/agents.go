package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/access"
)

const agentCols = `id, email_sealed, email_fp, display_name, role, languages, ui_language, agencies,
	password_hash, totp_sealed, totp_last_step, failed_signins, locked_until, created_at, disabled_at`

func scanAgent(r pgx.Row) (access.Agent, error) {
	var a access.Agent
	var langs, agencies string
	var locked, created, disabled int64
	err := r.Scan(&a.ID, &a.EmailSealed, &a.EmailFP, &a.DisplayName, &a.Role, &langs, &a.UILanguage, &agencies,
		&a.PasswordHash, &a.TOTPSealed, &a.TOTPLastStep, &a.FailedSignIn, &locked, &created, &disabled)
	a.Languages, a.Agencies = splitList(langs), splitList(agencies)
	a.LockedUntil, a.CreatedAt, a.DisabledAt = tm(locked), tm(created), tm(disabled)
	return a, err
}

// AgentByEmail finds an agent by email fingerprint; in a write the row is
// locked, since sign-in goes on to count a failure or clear the count.
func (c *conn) AgentByEmail(ctx context.Context, fp []byte) (access.Agent, error) {
	return one(c, ctx, `SELECT `+agentCols+` FROM agents WHERE email_fp = $1`+c.forUpdate(), scanAgent, fp)
}

// Agent reads one agent, locked in a write.
func (c *conn) Agent(ctx context.Context, id string) (access.Agent, error) {
	return one(c, ctx, `SELECT `+agentCols+` FROM agents WHERE id = $1`+c.forUpdate(), scanAgent, id)
}

// Agents lists every agent by display name.
func (c *conn) Agents(ctx context.Context) ([]access.Agent, error) {
	return all(c, ctx, `SELECT `+agentCols+` FROM agents ORDER BY display_name COLLATE "C", id COLLATE "C"`, scanAgent)
}

// InsertAgent stores a new agent; a used id or email is
// fault.CodeConflict.
func (t *txn) InsertAgent(ctx context.Context, a access.Agent) error {
	tag, err := t.exec(ctx, `INSERT INTO agents (`+agentCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
		ON CONFLICT DO NOTHING`,
		a.ID, a.EmailSealed, a.EmailFP, a.DisplayName, a.Role, strings.Join(a.Languages, ","), a.UILanguage,
		strings.Join(a.Agencies, ","), a.PasswordHash, a.TOTPSealed, a.TOTPLastStep, a.FailedSignIn,
		ms(a.LockedUntil), ms(a.CreatedAt), ms(a.DisabledAt))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return conflict("agent id or email taken")
	}
	return nil
}

// UpdateAgent stores an agent's mutable fields.
func (t *txn) UpdateAgent(ctx context.Context, a access.Agent) error {
	return oneChanged(t.exec(ctx, `UPDATE agents SET display_name=$1, role=$2, languages=$3, ui_language=$4, agencies=$5,
		password_hash=$6, totp_last_step=$7, failed_signins=$8, locked_until=$9, disabled_at=$10 WHERE id=$11`,
		a.DisplayName, a.Role, strings.Join(a.Languages, ","), a.UILanguage, strings.Join(a.Agencies, ","),
		a.PasswordHash, a.TOTPLastStep, a.FailedSignIn, ms(a.LockedUntil), ms(a.DisabledAt), a.ID))
}
