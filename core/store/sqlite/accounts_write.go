package sqlite

import (
	"context"
	"database/sql"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// InsertAccount stores a new account at version 1.
func (t *txn) InsertAccount(ctx context.Context, a account.Account) error {
	_, err := t.exec(ctx, `INSERT INTO accounts (`+accountCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,1)`,
		a.ID, ms(a.CreatedAt), a.EmailLanguage, a.Status, a.IAL, a.PasswordHash, ms(a.LockedUntil),
		a.FailedSignIns, ms(a.WindowStart), a.FailedMFA, a.ConsecFailures)
	return err
}

// UpdateAccount stores a if nobody changed it since it was read.
func (t *txn) UpdateAccount(ctx context.Context, a *account.Account) error {
	res, err := t.exec(ctx, `UPDATE accounts SET email_language=?, status=?, ial=?, password_hash=?,
		locked_until=?, failed_signins=?, window_start=?, failed_mfa=?, consec_failures=?, version=version+1
		WHERE id=? AND version=?`,
		a.EmailLanguage, a.Status, a.IAL, a.PasswordHash, ms(a.LockedUntil), a.FailedSignIns,
		ms(a.WindowStart), a.FailedMFA, a.ConsecFailures, a.ID, a.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.CodeConflict)
	}
	a.Version++
	return nil
}

// DeleteAccount removes the account and, by cascade, everything it owns.
func (t *txn) DeleteAccount(ctx context.Context, id string) error {
	return affected(t.exec(ctx, `DELETE FROM accounts WHERE id = ?`, id))
}

func affected(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.New(fault.CodeNotFound)
	}
	return nil
}

// InsertEmail stores an address and sets its ID.
func (t *txn) InsertEmail(ctx context.Context, e *account.Email) error {
	res, err := t.exec(ctx, `INSERT INTO emails (account_id, sealed, fp, created_at, confirmed_at, last_sign_in)
		VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?,?,?)`, e.AccountID, e.Sealed, e.FP, ms(e.CreatedAt), ms(e.ConfirmedAt), ms(e.LastSignIn))
	if err != nil {
		return err
	}
	e.ID, _ = res.LastInsertId()
	return nil
}

// TouchEmail records a sign-in with the address.
func (t *txn) TouchEmail(ctx context.Context, id int64, signIn time.Time) error {
	return affected(t.exec(ctx, `UPDATE emails SET last_sign_in = ? WHERE id = ?`, ms(signIn), id))
}

// InsertPhone stores a phone and sets its ID.
func (t *txn) InsertPhone(ctx context.Context, p *account.Phone) error {
	res, err := t.exec(ctx, `INSERT INTO phones (account_id, sealed, fp, delivery, is_default, created_at, last_used)
		VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?,?,?,?)`, p.AccountID, p.Sealed, p.FP, p.Delivery, p.Default, ms(p.CreatedAt), ms(p.LastUsed))
	if err != nil {
		return err
	}
	p.ID, _ = res.LastInsertId()
	return nil
}

// DeletePhone removes a phone of the account.
func (t *txn) DeletePhone(ctx context.Context, accountID string, id int64) error {
	return affected(t.exec(ctx, `DELETE FROM phones WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) AND id = ?2`, accountID, id))
}

// InsertMethod stores an MFA method and sets its ID.
func (t *txn) InsertMethod(ctx context.Context, m *account.Method) error {
	res, err := t.exec(ctx, `INSERT INTO mfa_methods (account_id, kind, name, created_at, last_used, sealed, last_step, credential)
		VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?,?,?,?,?)`, m.AccountID, m.Kind, m.Name, ms(m.CreatedAt), ms(m.LastUsed), m.Sealed, m.LastStep, m.Credential)
	if err != nil {
		return err
	}
	m.ID, _ = res.LastInsertId()
	return nil
}

// UpdateMethod stores last use and the TOTP replay guard.
func (t *txn) UpdateMethod(ctx context.Context, m account.Method) error {
	return affected(t.exec(ctx, `UPDATE mfa_methods SET name = ?, last_used = ?, last_step = ? WHERE account_id = (SELECT pk FROM accounts WHERE id = ?) AND id = ?`,
		m.Name, ms(m.LastUsed), m.LastStep, m.AccountID, m.ID))
}

// DeleteMethod removes an MFA method of the account.
func (t *txn) DeleteMethod(ctx context.Context, accountID string, id int64) error {
	return affected(t.exec(ctx, `DELETE FROM mfa_methods WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) AND id = ?2`, accountID, id))
}

// PutBackupCodes replaces the account's backup codes.
func (t *txn) PutBackupCodes(ctx context.Context, accountID string, codes []account.BackupCode) error {
	if _, err := t.exec(ctx, `DELETE FROM backup_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1)`, accountID); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := t.exec(ctx, `INSERT INTO backup_codes (account_id, idx, hash, used_at) VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?)`,
			accountID, c.Index, c.Hash, ms(c.UsedAt)); err != nil {
			return err
		}
	}
	return nil
}

// UseBackupCode marks a code used, once: a used code is fault.CodeCodeReused.
func (t *txn) UseBackupCode(ctx context.Context, accountID string, index int, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE backup_codes SET used_at = ? WHERE account_id = (SELECT pk FROM accounts WHERE id = ?) AND idx = ? AND used_at = 0`,
		ms(at), accountID, index)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.CodeCodeReused)
	}
	return nil
}

// PutProfile inserts or replaces the IAL2 profile.
func (t *txn) PutProfile(ctx context.Context, p account.Profile) error {
	_, err := t.exec(ctx, `INSERT OR REPLACE INTO profiles (account_id, state, verified_at, deactivation_reason, personal_key_hash, personal_key_at)
		VALUES ((SELECT pk FROM accounts WHERE id = ?),?,?,?,?,?)`, p.AccountID, p.State, ms(p.VerifiedAt), p.DeactivationReason, p.PersonalKeyHash, ms(p.PersonalKeyAt))
	return err
}

// PutAgency inserts or renames an agency.
func (t *txn) PutAgency(ctx context.Context, a store.Agency) error {
	_, err := t.exec(ctx, `INSERT INTO agencies (id, name) VALUES (?,?) ON CONFLICT(id) DO UPDATE SET name = excluded.name`, a.ID, a.Name)
	return err
}

// PutAgencyLink records a sign-in to an agency, keeping the first time.
func (t *txn) PutAgencyLink(ctx context.Context, l account.AgencyLink) error {
	_, err := t.exec(ctx, `INSERT INTO agency_links (account_id, agency_id, first_at, last_at) VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?)
		ON CONFLICT(account_id, agency_id) DO UPDATE SET last_at = excluded.last_at`,
		l.AccountID, l.AgencyID, ms(l.FirstAt), ms(l.LastAt))
	return err
}

// InsertDevice stores a device and sets its ID.
func (t *txn) InsertDevice(ctx context.Context, d *account.Device) error {
	res, err := t.exec(ctx, `INSERT INTO devices (account_id, name, first_at, last_at) VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?)`,
		d.AccountID, d.Name, ms(d.FirstAt), ms(d.LastAt))
	if err != nil {
		return err
	}
	d.ID, _ = res.LastInsertId()
	return nil
}

// InsertEvent appends to the account's history and sets the event's ID.
func (t *txn) InsertEvent(ctx context.Context, e *account.Event) error {
	res, err := t.exec(ctx, `INSERT INTO events (account_id, kind, at, detail) VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?)`,
		e.AccountID, e.Kind, ms(e.At), e.Detail)
	if err != nil {
		return err
	}
	e.ID, _ = res.LastInsertId()
	return nil
}

// PutReset inserts or replaces the account-reset request.
func (t *txn) PutReset(ctx context.Context, r account.Reset) error {
	_, err := t.exec(ctx, `INSERT OR REPLACE INTO account_resets (account_id, requested_at, cancelled_at, cancelled_by, token_hash, granted_at, deleted_at)
		VALUES ((SELECT pk FROM accounts WHERE id = ?),?,?,?,?,?,?)`, r.AccountID, ms(r.RequestedAt), ms(r.CancelledAt), r.CancelledBy, r.TokenHash, ms(r.GrantedAt), ms(r.DeletedAt))
	return err
}

// PutOneTimeCode replaces the account's pending code.
func (t *txn) PutOneTimeCode(ctx context.Context, c *store.OneTimeCode) error {
	if c == nil { // a nil code names no account to clear: ClearOneTimeCode does that
		return fault.Invalid("one_time_code", fault.CodeInvalidInput)
	}
	_, err := t.exec(ctx, `INSERT OR REPLACE INTO one_time_codes (account_id, phone_id, hash, expires_at) VALUES ((SELECT pk FROM accounts WHERE id = ?1),?,?,?)`,
		c.AccountID, c.PhoneID, c.Hash, ms(c.ExpiresAt))
	return err
}

// ClearOneTimeCode removes the pending code, if any.
func (t *txn) ClearOneTimeCode(ctx context.Context, accountID string) error {
	_, err := t.exec(ctx, `DELETE FROM one_time_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1)`, accountID)
	return err
}

// PutThrottle stores a counter.
func (t *txn) PutThrottle(ctx context.Context, th store.Throttle) error {
	_, err := t.exec(ctx, `INSERT OR REPLACE INTO throttles (key, count, window_start) VALUES (?,?,?)`,
		th.Key, th.Count, ms(th.WindowStart))
	return err
}

// PutMeta stores a meta value.
func (t *txn) PutMeta(ctx context.Context, key string, value []byte) error {
	_, err := t.exec(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)`, key, value)
	return err
}

// DeleteMeta removes a meta row; a missing one is not an error.
func (t *txn) DeleteMeta(ctx context.Context, key string) error {
	_, err := t.exec(ctx, `DELETE FROM meta WHERE key = ?`, key)
	return err
}

// MetaKeys lists meta keys with a prefix after a key, in order.
func (c *conn) MetaKeys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	// A range on the primary key, not LIKE: the prefix is matched byte for byte.
	return collect(c, ctx, `SELECT key FROM meta WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT ?`,
		func(rs *sql.Rows) (string, error) {
			var k string
			return k, rs.Scan(&k)
		}, prefix, prefix+"\xff", after, limit)
}

// DeleteReset removes an account's reset request.
func (t *txn) DeleteReset(ctx context.Context, accountID string) error {
	return affected(t.exec(ctx, `DELETE FROM account_resets WHERE account_id = (SELECT pk FROM accounts WHERE id = ?)`, accountID))
}
