package sqlite

import (
	"context"
	"database/sql"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

const accountCols = `id, created_at, email_language, status, ial, password_hash, locked_until,
	failed_signins, window_start, failed_mfa, consec_failures, version`

// Account reads one account.
func (c *conn) Account(ctx context.Context, id string) (account.Account, error) {
	var a account.Account
	var created, locked, window int64
	row, err := c.row(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id)
	err = scanOne(row, err, &a.ID, &created, &a.EmailLanguage, &a.Status, &a.IAL, &a.PasswordHash,
		&locked, &a.FailedSignIns, &window, &a.FailedMFA, &a.ConsecFailures, &a.Version)
	a.CreatedAt, a.LockedUntil, a.WindowStart = tm(created), tm(locked), tm(window)
	return a, err
}

// AccountIDByEmail finds the account that holds the address fingerprint.
func (c *conn) AccountIDByEmail(ctx context.Context, fp []byte) (string, error) {
	var id string
	row, err := c.row(ctx, `SELECT a.id FROM emails e JOIN accounts a ON a.pk = e.account_id WHERE e.fp = ?`, fp)
	return id, scanOne(row, err, &id)
}

// AccountIDsByPhone finds the accounts that hold the phone fingerprint.
func (c *conn) AccountIDsByPhone(ctx context.Context, fp []byte) ([]string, error) {
	rs, err := c.rows(ctx, `SELECT DISTINCT a.id FROM phones p JOIN accounts a ON a.pk = p.account_id WHERE p.fp = ? ORDER BY a.id LIMIT 20`, fp)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var ids []string
	for rs.Next() {
		var id string
		if err := rs.Scan(&id); err != nil {
			return nil, fault.Storage(err)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 && rs.Err() == nil {
		return nil, fault.New(fault.CodeNotFound)
	}
	return ids, storageErr(rs.Err())
}

func storageErr(err error) error {
	if err != nil {
		return fault.Storage(err)
	}
	return nil
}

// collect runs a query and scans each row with scan.
func collect[T any](c *conn, ctx context.Context, q string, scan func(*sql.Rows) (T, error), args ...any) ([]T, error) {
	rs, err := c.rows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []T
	for rs.Next() {
		v, err := scan(rs)
		if err != nil {
			return nil, fault.Storage(err)
		}
		out = append(out, v)
	}
	return out, storageErr(rs.Err())
}

// Emails lists the account's addresses, oldest first.
func (c *conn) Emails(ctx context.Context, accountID string) ([]account.Email, error) {
	return collect(c, ctx, `SELECT id, ?1, sealed, fp, created_at, confirmed_at, last_sign_in
		FROM emails WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) ORDER BY id`, func(rs *sql.Rows) (account.Email, error) {
		var e account.Email
		var cr, co, ls int64
		err := rs.Scan(&e.ID, &e.AccountID, &e.Sealed, &e.FP, &cr, &co, &ls)
		e.CreatedAt, e.ConfirmedAt, e.LastSignIn = tm(cr), tm(co), tm(ls)
		return e, err
	}, accountID)
}

// Phones lists the account's phones, oldest first.
func (c *conn) Phones(ctx context.Context, accountID string) ([]account.Phone, error) {
	return collect(c, ctx, `SELECT id, ?1, sealed, fp, delivery, is_default, created_at, last_used
		FROM phones WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) ORDER BY id`, func(rs *sql.Rows) (account.Phone, error) {
		var p account.Phone
		var cr, lu int64
		err := rs.Scan(&p.ID, &p.AccountID, &p.Sealed, &p.FP, &p.Delivery, &p.Default, &cr, &lu)
		p.CreatedAt, p.LastUsed = tm(cr), tm(lu)
		return p, err
	}, accountID)
}

// Methods lists the account's non-phone MFA methods, oldest first.
func (c *conn) Methods(ctx context.Context, accountID string) ([]account.Method, error) {
	return collect(c, ctx, `SELECT id, ?1, kind, name, created_at, last_used, sealed, last_step, credential
		FROM mfa_methods WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) ORDER BY id`, func(rs *sql.Rows) (account.Method, error) {
		var m account.Method
		var cr, lu int64
		err := rs.Scan(&m.ID, &m.AccountID, &m.Kind, &m.Name, &cr, &lu, &m.Sealed, &m.LastStep, &m.Credential)
		m.CreatedAt, m.LastUsed = tm(cr), tm(lu)
		return m, err
	}, accountID)
}

// BackupCodes lists the account's backup codes by index.
func (c *conn) BackupCodes(ctx context.Context, accountID string) ([]account.BackupCode, error) {
	return collect(c, ctx, `SELECT ?1, idx, hash, used_at FROM backup_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) ORDER BY idx`,
		func(rs *sql.Rows) (account.BackupCode, error) {
			var b account.BackupCode
			var used int64
			err := rs.Scan(&b.AccountID, &b.Index, &b.Hash, &used)
			b.UsedAt = tm(used)
			return b, err
		}, accountID)
}

// Profile reads the IAL2 profile, nil when there is none.
func (c *conn) Profile(ctx context.Context, accountID string) (*account.Profile, error) {
	var p account.Profile
	var ver, pk int64
	row, err := c.row(ctx, `SELECT ?1, state, verified_at, deactivation_reason, personal_key_hash, personal_key_at
		FROM profiles WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1)`, accountID)
	err = scanOne(row, err, &p.AccountID, &p.State, &ver, &p.DeactivationReason, &p.PersonalKeyHash, &pk)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil
	}
	p.VerifiedAt, p.PersonalKeyAt = tm(ver), tm(pk)
	return &p, err
}

// AgencyLinks lists the agencies the user signed in to.
func (c *conn) AgencyLinks(ctx context.Context, accountID string) ([]account.AgencyLink, error) {
	return collect(c, ctx, `SELECT ?1, agency_id, first_at, last_at FROM agency_links
		WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) ORDER BY last_at DESC`, func(rs *sql.Rows) (account.AgencyLink, error) {
		var l account.AgencyLink
		var f, la int64
		err := rs.Scan(&l.AccountID, &l.AgencyID, &f, &la)
		l.FirstAt, l.LastAt = tm(f), tm(la)
		return l, err
	}, accountID)
}

// Devices lists the account's devices, most recent first.
func (c *conn) Devices(ctx context.Context, accountID string) ([]account.Device, error) {
	return collect(c, ctx, `SELECT id, ?1, name, first_at, last_at FROM devices
		WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) ORDER BY last_at DESC`, func(rs *sql.Rows) (account.Device, error) {
		var d account.Device
		var f, la int64
		err := rs.Scan(&d.ID, &d.AccountID, &d.Name, &f, &la)
		d.FirstAt, d.LastAt = tm(f), tm(la)
		return d, err
	}, accountID)
}

// Events lists the newest events first.
func (c *conn) Events(ctx context.Context, accountID string, limit int) ([]account.Event, error) {
	return collect(c, ctx, `SELECT id, ?1, kind, at, detail FROM events
		WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1) ORDER BY at DESC, id DESC LIMIT ?2`, func(rs *sql.Rows) (account.Event, error) {
		var e account.Event
		var at int64
		err := rs.Scan(&e.ID, &e.AccountID, &e.Kind, &at, &e.Detail)
		e.At = tm(at)
		return e, err
	}, accountID, limit)
}

// Reset reads the account-reset request, nil when there is none.
func (c *conn) Reset(ctx context.Context, accountID string) (*account.Reset, error) {
	var r account.Reset
	var req, can, gr, del int64
	row, err := c.row(ctx, `SELECT ?1, requested_at, cancelled_at, cancelled_by, token_hash, granted_at, deleted_at
		FROM account_resets WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1)`, accountID)
	err = scanOne(row, err, &r.AccountID, &req, &can, &r.CancelledBy, &r.TokenHash, &gr, &del)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil
	}
	r.RequestedAt, r.CancelledAt, r.GrantedAt, r.DeletedAt = tm(req), tm(can), tm(gr), tm(del)
	return &r, err
}

// OneTimeCode reads the pending code, nil when there is none.
func (c *conn) OneTimeCode(ctx context.Context, accountID string) (*store.OneTimeCode, error) {
	var o store.OneTimeCode
	var exp int64
	row, err := c.row(ctx, `SELECT ?1, phone_id, hash, expires_at FROM one_time_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = ?1)`, accountID)
	err = scanOne(row, err, &o.AccountID, &o.PhoneID, &o.Hash, &exp)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil
	}
	o.ExpiresAt = tm(exp)
	return &o, err
}

// Throttle reads a counter; a missing one is zero.
func (c *conn) Throttle(ctx context.Context, key string) (store.Throttle, error) {
	t := store.Throttle{Key: key}
	var ws int64
	row, err := c.row(ctx, `SELECT count, window_start FROM throttles WHERE key = ?`, key)
	err = scanOne(row, err, &t.Count, &ws)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return t, nil
	}
	t.WindowStart = tm(ws)
	return t, err
}

// Agencies lists the partner agencies.
func (c *conn) Agencies(ctx context.Context) ([]store.Agency, error) {
	return collect(c, ctx, `SELECT id, name FROM agencies ORDER BY id`, func(rs *sql.Rows) (store.Agency, error) {
		var a store.Agency
		return a, rs.Scan(&a.ID, &a.Name)
	})
}

// CountAccounts counts the accounts.
func (c *conn) CountAccounts(ctx context.Context) (int64, error) {
	var n int64
	row, err := c.row(ctx, `SELECT count(*) FROM accounts`)
	return n, scanOne(row, err, &n)
}

// Meta reads a meta value; a missing key is fault.ErrNotFound.
func (c *conn) Meta(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	row, err := c.row(ctx, `SELECT value FROM meta WHERE key = ?`, key)
	return v, scanOne(row, err, &v)
}

// ResetsDue lists ungranted, uncancelled requests made at or before t.
func (c *conn) ResetsDue(ctx context.Context, requestedBefore time.Time, limit int) ([]account.Reset, error) {
	return c.resets(ctx, `r.granted_at = 0 AND r.cancelled_at = 0 AND r.requested_at <= ? ORDER BY r.requested_at LIMIT ?`,
		ms(requestedBefore), limit)
}

// ResetsLapsed lists granted, uncancelled, unused requests granted at or before t.
func (c *conn) ResetsLapsed(ctx context.Context, grantedBefore time.Time, limit int) ([]account.Reset, error) {
	return c.resets(ctx, `r.granted_at <> 0 AND r.cancelled_at = 0 AND r.deleted_at = 0 AND r.granted_at <= ?
		ORDER BY r.granted_at LIMIT ?`, ms(grantedBefore), limit)
}

func (c *conn) resets(ctx context.Context, where string, args ...any) ([]account.Reset, error) {
	return collect(c, ctx, `SELECT a.id, r.requested_at, r.cancelled_at, r.cancelled_by, r.token_hash, r.granted_at, r.deleted_at
		FROM account_resets r JOIN accounts a ON a.pk = r.account_id WHERE `+where,
		func(rs *sql.Rows) (account.Reset, error) {
			var r account.Reset
			var req, can, gr, del int64
			err := rs.Scan(&r.AccountID, &req, &can, &r.CancelledBy, &r.TokenHash, &gr, &del)
			r.RequestedAt, r.CancelledAt, r.GrantedAt, r.DeletedAt = tm(req), tm(can), tm(gr), tm(del)
			return r, err
		}, args...)
}
