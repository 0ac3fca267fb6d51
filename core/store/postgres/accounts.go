package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// The child tables key on accounts.pk, a compact integer; the contract
// speaks the account uuid. Reads select the uuid back as $1 rather than
// joining accounts, so that a read FOR UPDATE locks the child row alone
// and never the account row behind it.

const accountCols = `id, created_at, email_language, status, ial, password_hash, locked_until,
	failed_signins, window_start, failed_mfa, consec_failures, version`

func scanAccount(r pgx.Row) (account.Account, error) {
	var a account.Account
	var created, locked, window int64
	err := r.Scan(&a.ID, &created, &a.EmailLanguage, &a.Status, &a.IAL, &a.PasswordHash,
		&locked, &a.FailedSignIns, &window, &a.FailedMFA, &a.ConsecFailures, &a.Version)
	a.CreatedAt, a.LockedUntil, a.WindowStart = tm(created), tm(locked), tm(window)
	return a, err
}

// Account reads one account; in a write it is locked to commit, so that
// every change to an account (and to what it owns) waits for the last.
func (c *conn) Account(ctx context.Context, id string) (account.Account, error) {
	return one(c, ctx, `SELECT `+accountCols+` FROM accounts WHERE id = $1`+c.forUpdate(), scanAccount, id)
}

// AccountIDByEmail finds the account that holds the address fingerprint.
func (c *conn) AccountIDByEmail(ctx context.Context, fp []byte) (string, error) {
	var id string
	err := c.scanOne(ctx, `SELECT a.id FROM emails e JOIN accounts a ON a.pk = e.account_id WHERE e.fp = $1`, []any{fp}, &id)
	return id, err
}

// AccountIDsByPhone finds the accounts that hold the phone fingerprint, at
// most 20; none is fault.CodeNotFound.
func (c *conn) AccountIDsByPhone(ctx context.Context, fp []byte) ([]string, error) {
	ids, err := all(c, ctx, `SELECT id FROM accounts WHERE pk IN (SELECT account_id FROM phones WHERE fp = $1)
		ORDER BY id COLLATE "C" LIMIT 20`, func(r pgx.Row) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, fp)
	if err == nil && len(ids) == 0 {
		return nil, fault.New(fault.CodeNotFound)
	}
	return ids, err
}

// Emails lists the account's addresses, oldest first.
func (c *conn) Emails(ctx context.Context, accountID string) ([]account.Email, error) {
	return all(c, ctx, `SELECT id, $1::text, sealed, fp, created_at, confirmed_at, last_sign_in
		FROM emails WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY id`, func(r pgx.Row) (account.Email, error) {
		var e account.Email
		var cr, co, ls int64
		err := r.Scan(&e.ID, &e.AccountID, &e.Sealed, &e.FP, &cr, &co, &ls)
		e.CreatedAt, e.ConfirmedAt, e.LastSignIn = tm(cr), tm(co), tm(ls)
		return e, err
	}, accountID)
}

// Phones lists the account's phones, oldest first.
func (c *conn) Phones(ctx context.Context, accountID string) ([]account.Phone, error) {
	return all(c, ctx, `SELECT id, $1::text, sealed, fp, delivery, is_default, created_at, last_used
		FROM phones WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY id`, func(r pgx.Row) (account.Phone, error) {
		var p account.Phone
		var def, cr, lu int64
		err := r.Scan(&p.ID, &p.AccountID, &p.Sealed, &p.FP, &p.Delivery, &def, &cr, &lu)
		p.Default, p.CreatedAt, p.LastUsed = def != 0, tm(cr), tm(lu)
		return p, err
	}, accountID)
}

// Methods lists the account's non-phone MFA methods, oldest first.
func (c *conn) Methods(ctx context.Context, accountID string) ([]account.Method, error) {
	return all(c, ctx, `SELECT id, $1::text, kind, name, created_at, last_used, sealed, last_step, credential
		FROM mfa_methods WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY id`, func(r pgx.Row) (account.Method, error) {
		var m account.Method
		var cr, lu int64
		err := r.Scan(&m.ID, &m.AccountID, &m.Kind, &m.Name, &cr, &lu, &m.Sealed, &m.LastStep, &m.Credential)
		m.CreatedAt, m.LastUsed = tm(cr), tm(lu)
		return m, err
	}, accountID)
}

// BackupCodes lists the account's backup codes by index.
func (c *conn) BackupCodes(ctx context.Context, accountID string) ([]account.BackupCode, error) {
	return all(c, ctx, `SELECT $1::text, idx, hash, used_at
		FROM backup_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY idx`, func(r pgx.Row) (account.BackupCode, error) {
		var b account.BackupCode
		var used int64
		err := r.Scan(&b.AccountID, &b.Index, &b.Hash, &used)
		b.UsedAt = tm(used)
		return b, err
	}, accountID)
}

// orNil turns a missing optional row into nil: a row an account may
// simply not have is no error.
func orNil[T any](v T, err error) (*T, error) {
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Profile reads the IAL2 profile, nil when there is none.
func (c *conn) Profile(ctx context.Context, accountID string) (*account.Profile, error) {
	return orNil(one(c, ctx, `SELECT $1::text, state, verified_at, deactivation_reason, personal_key_hash, personal_key_at
		FROM profiles WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`+c.forUpdate(), func(r pgx.Row) (account.Profile, error) {
		var p account.Profile
		var ver, pk int64
		err := r.Scan(&p.AccountID, &p.State, &ver, &p.DeactivationReason, &p.PersonalKeyHash, &pk)
		p.VerifiedAt, p.PersonalKeyAt = tm(ver), tm(pk)
		return p, err
	}, accountID))
}

// AgencyLinks lists the agencies the user signed in to, latest first.
func (c *conn) AgencyLinks(ctx context.Context, accountID string) ([]account.AgencyLink, error) {
	return all(c, ctx, `SELECT $1::text, agency_id, first_at, last_at FROM agency_links
		WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY last_at DESC`, func(r pgx.Row) (account.AgencyLink, error) {
		var l account.AgencyLink
		var f, la int64
		err := r.Scan(&l.AccountID, &l.AgencyID, &f, &la)
		l.FirstAt, l.LastAt = tm(f), tm(la)
		return l, err
	}, accountID)
}

// Devices lists the account's devices, most recent first.
func (c *conn) Devices(ctx context.Context, accountID string) ([]account.Device, error) {
	return all(c, ctx, `SELECT id, $1::text, name, first_at, last_at FROM devices
		WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY last_at DESC`, func(r pgx.Row) (account.Device, error) {
		var d account.Device
		var f, la int64
		err := r.Scan(&d.ID, &d.AccountID, &d.Name, &f, &la)
		d.FirstAt, d.LastAt = tm(f), tm(la)
		return d, err
	}, accountID)
}

// Events lists the newest events first; events of one instant, the last
// stored first.
func (c *conn) Events(ctx context.Context, accountID string, limit int) ([]account.Event, error) {
	return all(c, ctx, `SELECT id, $1::text, kind, at, detail FROM events
		WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY at DESC, id DESC LIMIT $2`, func(r pgx.Row) (account.Event, error) {
		var e account.Event
		var at int64
		err := r.Scan(&e.ID, &e.AccountID, &e.Kind, &at, &e.Detail)
		e.At = tm(at)
		return e, err
	}, accountID, rowLimit(limit))
}

// rowLimit is a LIMIT argument: a negative limit is none, as in SQLite,
// where PostgreSQL would refuse it.
func rowLimit(n int) any {
	if n < 0 {
		return nil
	}
	return n
}

const resetCols = `requested_at, cancelled_at, cancelled_by, token_hash, granted_at, deleted_at`

func scanReset(r pgx.Row) (account.Reset, error) {
	var rs account.Reset
	var req, can, gr, del int64
	err := r.Scan(&rs.AccountID, &req, &can, &rs.CancelledBy, &rs.TokenHash, &gr, &del)
	rs.RequestedAt, rs.CancelledAt, rs.GrantedAt, rs.DeletedAt = tm(req), tm(can), tm(gr), tm(del)
	return rs, err
}

// Reset reads the account-reset request, nil when there is none.
func (c *conn) Reset(ctx context.Context, accountID string) (*account.Reset, error) {
	return orNil(one(c, ctx, `SELECT $1::text, `+resetCols+`
		FROM account_resets WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`+c.forUpdate(), scanReset, accountID))
}

// ResetsDue lists ungranted, uncancelled requests made at or before t,
// oldest first.
func (c *conn) ResetsDue(ctx context.Context, requestedBefore time.Time, limit int) ([]account.Reset, error) {
	return c.resets(ctx, `r.granted_at = 0 AND r.cancelled_at = 0 AND r.requested_at <= $1
		ORDER BY r.requested_at, r.account_id LIMIT $2`, ms(requestedBefore), rowLimit(limit))
}

// ResetsLapsed lists granted, uncancelled, unused requests granted at or
// before t, oldest first.
func (c *conn) ResetsLapsed(ctx context.Context, grantedBefore time.Time, limit int) ([]account.Reset, error) {
	return c.resets(ctx, `r.granted_at <> 0 AND r.cancelled_at = 0 AND r.deleted_at = 0 AND r.granted_at <= $1
		ORDER BY r.granted_at, r.account_id LIMIT $2`, ms(grantedBefore), rowLimit(limit))
}

// resets lists requests for the jobs' sweeps. In a write the rows listed
// are locked, the account before its request as every other writer takes
// them, and a request another writer changed meanwhile is checked against
// the condition again: a sweep never grants or closes a request that was
// cancelled after it listed it, nor writes back a stale copy of it.
func (c *conn) resets(ctx context.Context, where string, args ...any) ([]account.Reset, error) {
	return all(c, ctx, `SELECT a.id, r.requested_at, r.cancelled_at, r.cancelled_by, r.token_hash, r.granted_at, r.deleted_at
		FROM accounts a JOIN account_resets r ON r.account_id = a.pk WHERE `+where+c.forUpdate(), scanReset, args...)
}

// OneTimeCode reads the pending code, nil when there is none; in a write
// it is locked, so that one code is accepted once.
func (c *conn) OneTimeCode(ctx context.Context, accountID string) (*store.OneTimeCode, error) {
	return orNil(one(c, ctx, `SELECT $1::text, phone_id, hash, expires_at
		FROM one_time_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`+c.forUpdate(), func(r pgx.Row) (store.OneTimeCode, error) {
		var o store.OneTimeCode
		var exp int64
		err := r.Scan(&o.AccountID, &o.PhoneID, &o.Hash, &exp)
		o.ExpiresAt = tm(exp)
		return o, err
	}, accountID))
}

// Agencies lists the partner agencies.
func (c *conn) Agencies(ctx context.Context) ([]store.Agency, error) {
	return all(c, ctx, `SELECT id, name FROM agencies ORDER BY id COLLATE "C"`, func(r pgx.Row) (store.Agency, error) {
		var a store.Agency
		return a, r.Scan(&a.ID, &a.Name)
	})
}

// CountAccounts counts the accounts.
func (c *conn) CountAccounts(ctx context.Context) (int64, error) {
	var n int64
	return n, c.scanOne(ctx, `SELECT count(*) FROM accounts`, nil, &n)
}

// oneChanged is fault.CodeNotFound when a statement changed no row.
func oneChanged(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.CodeNotFound)
	}
	return nil
}

// insertedID reads the id an INSERT … RETURNING id gave back. No row means
// the insert did nothing: the account is missing or a unique key taken
// (ON CONFLICT DO NOTHING), which SQLite reports as a constraint
// violation, so here too it is fault.CodeConflict.
func insertedID(row pgx.Row, id *int64, what string) error {
	err := row.Scan(id)
	if errors.Is(err, pgx.ErrNoRows) {
		return conflict(what)
	}
	return mapErr(err)
}

// InsertAccount stores a new account at version 1; a used id is
// fault.CodeConflict.
func (t *txn) InsertAccount(ctx context.Context, a account.Account) error {
	tag, err := t.exec(ctx, `INSERT INTO accounts (`+accountCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,1)
		ON CONFLICT DO NOTHING`,
		a.ID, ms(a.CreatedAt), a.EmailLanguage, a.Status, a.IAL, a.PasswordHash, ms(a.LockedUntil),
		a.FailedSignIns, ms(a.WindowStart), a.FailedMFA, a.ConsecFailures)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return conflict("account id taken")
	}
	return nil
}

// UpdateAccount stores a if nobody changed it since it was read.
func (t *txn) UpdateAccount(ctx context.Context, a *account.Account) error {
	tag, err := t.exec(ctx, `UPDATE accounts SET email_language=$1, status=$2, ial=$3, password_hash=$4,
		locked_until=$5, failed_signins=$6, window_start=$7, failed_mfa=$8, consec_failures=$9, version=version+1
		WHERE id=$10 AND version=$11`,
		a.EmailLanguage, a.Status, a.IAL, a.PasswordHash, ms(a.LockedUntil), a.FailedSignIns,
		ms(a.WindowStart), a.FailedMFA, a.ConsecFailures, a.ID, a.Version)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return conflict("account changed meanwhile")
	}
	a.Version++
	return nil
}

// DeleteAccount removes the account and, by cascade, everything it owns.
func (t *txn) DeleteAccount(ctx context.Context, id string) error {
	return oneChanged(t.exec(ctx, `DELETE FROM accounts WHERE id = $1`, id))
}

// InsertEmail stores an address and sets its ID; an address held by any
// account is fault.CodeConflict.
func (t *txn) InsertEmail(ctx context.Context, e *account.Email) error {
	return insertedID(t.tx.QueryRow(ctx, `INSERT INTO emails (account_id, sealed, fp, created_at, confirmed_at, last_sign_in)
		SELECT pk, $2, $3, $4, $5, $6 FROM accounts WHERE id = $1 ON CONFLICT DO NOTHING RETURNING id`,
		e.AccountID, e.Sealed, e.FP, ms(e.CreatedAt), ms(e.ConfirmedAt), ms(e.LastSignIn)), &e.ID, "email address taken")
}

// TouchEmail records a sign-in with the address.
func (t *txn) TouchEmail(ctx context.Context, id int64, signIn time.Time) error {
	return oneChanged(t.exec(ctx, `UPDATE emails SET last_sign_in = $1 WHERE id = $2`, ms(signIn), id))
}

// InsertPhone stores a phone and sets its ID.
func (t *txn) InsertPhone(ctx context.Context, p *account.Phone) error {
	return insertedID(t.tx.QueryRow(ctx, `INSERT INTO phones (account_id, sealed, fp, delivery, is_default, created_at, last_used)
		SELECT pk, $2, $3, $4, $5, $6, $7 FROM accounts WHERE id = $1 RETURNING id`,
		p.AccountID, p.Sealed, p.FP, p.Delivery, bit(p.Default), ms(p.CreatedAt), ms(p.LastUsed)), &p.ID, "no such account")
}

// bit stores a flag as SQLite does: 0 or 1.
func bit(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// DeletePhone removes a phone of the account.
func (t *txn) DeletePhone(ctx context.Context, accountID string, id int64) error {
	return oneChanged(t.exec(ctx, `DELETE FROM phones WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) AND id = $2`, accountID, id))
}

// InsertMethod stores an MFA method and sets its ID.
func (t *txn) InsertMethod(ctx context.Context, m *account.Method) error {
	return insertedID(t.tx.QueryRow(ctx, `INSERT INTO mfa_methods (account_id, kind, name, created_at, last_used, sealed, last_step, credential)
		SELECT pk, $2, $3, $4, $5, $6, $7, $8 FROM accounts WHERE id = $1 RETURNING id`,
		m.AccountID, m.Kind, m.Name, ms(m.CreatedAt), ms(m.LastUsed), m.Sealed, m.LastStep, m.Credential), &m.ID, "no such account")
}

// UpdateMethod stores the nickname, last use and the TOTP replay guard.
func (t *txn) UpdateMethod(ctx context.Context, m account.Method) error {
	return oneChanged(t.exec(ctx, `UPDATE mfa_methods SET name = $1, last_used = $2, last_step = $3
		WHERE account_id = (SELECT pk FROM accounts WHERE id = $4) AND id = $5`,
		m.Name, ms(m.LastUsed), m.LastStep, m.AccountID, m.ID))
}

// DeleteMethod removes an MFA method of the account.
func (t *txn) DeleteMethod(ctx context.Context, accountID string, id int64) error {
	return oneChanged(t.exec(ctx, `DELETE FROM mfa_methods WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) AND id = $2`, accountID, id))
}

// PutBackupCodes replaces the account's backup codes, in one statement
// for the set.
func (t *txn) PutBackupCodes(ctx context.Context, accountID string, codes []account.BackupCode) error {
	if _, err := t.exec(ctx, `DELETE FROM backup_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`, accountID); err != nil {
		return err
	}
	if len(codes) == 0 {
		return nil
	}
	idx, hashes, used := make([]int64, len(codes)), make([][]byte, len(codes)), make([]int64, len(codes))
	for i, c := range codes {
		idx[i], hashes[i], used[i] = int64(c.Index), c.Hash, ms(c.UsedAt)
	}
	tag, err := t.exec(ctx, `INSERT INTO backup_codes (account_id, idx, hash, used_at)
		SELECT a.pk, c.idx, c.hash, c.used_at FROM accounts a, unnest($2::bigint[], $3::bytea[], $4::bigint[]) AS c(idx, hash, used_at)
		WHERE a.id = $1`, accountID, idx, hashes, used)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != int64(len(codes)) {
		return conflict("no such account")
	}
	return nil
}

// UseBackupCode marks a code used, once: a used code is fault.CodeCodeReused.
func (t *txn) UseBackupCode(ctx context.Context, accountID string, index int, at time.Time) error {
	tag, err := t.exec(ctx, `UPDATE backup_codes SET used_at = $1
		WHERE account_id = (SELECT pk FROM accounts WHERE id = $2) AND idx = $3 AND used_at = 0`, ms(at), accountID, index)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return fault.New(fault.CodeCodeReused)
	}
	return nil
}

// putChild runs an upsert of an account's child row (INSERT … SELECT pk
// FROM accounts WHERE id = $1 ON CONFLICT … DO UPDATE); it stores nothing
// when the account is missing, which SQLite reports as a constraint
// violation: fault.CodeConflict.
func (t *txn) putChild(ctx context.Context, q string, args ...any) error {
	tag, err := t.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return conflict("no such account")
	}
	return nil
}

// PutProfile inserts or replaces the IAL2 profile.
func (t *txn) PutProfile(ctx context.Context, p account.Profile) error {
	return t.putChild(ctx, `INSERT INTO profiles (account_id, state, verified_at, deactivation_reason, personal_key_hash, personal_key_at)
		SELECT pk, $2, $3, $4, $5, $6 FROM accounts WHERE id = $1
		ON CONFLICT (account_id) DO UPDATE SET state = excluded.state, verified_at = excluded.verified_at,
			deactivation_reason = excluded.deactivation_reason, personal_key_hash = excluded.personal_key_hash,
			personal_key_at = excluded.personal_key_at`,
		p.AccountID, p.State, ms(p.VerifiedAt), p.DeactivationReason, p.PersonalKeyHash, ms(p.PersonalKeyAt))
}

// PutAgency inserts or renames an agency.
func (t *txn) PutAgency(ctx context.Context, a store.Agency) error {
	_, err := t.exec(ctx, `INSERT INTO agencies (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name`, a.ID, a.Name)
	return err
}

// PutAgencyLink records a sign-in to an agency, keeping the first time.
func (t *txn) PutAgencyLink(ctx context.Context, l account.AgencyLink) error {
	return t.putChild(ctx, `INSERT INTO agency_links (account_id, agency_id, first_at, last_at)
		SELECT pk, $2, $3, $4 FROM accounts WHERE id = $1
		ON CONFLICT (account_id, agency_id) DO UPDATE SET last_at = excluded.last_at`,
		l.AccountID, l.AgencyID, ms(l.FirstAt), ms(l.LastAt))
}

// InsertDevice stores a device and sets its ID.
func (t *txn) InsertDevice(ctx context.Context, d *account.Device) error {
	return insertedID(t.tx.QueryRow(ctx, `INSERT INTO devices (account_id, name, first_at, last_at)
		SELECT pk, $2, $3, $4 FROM accounts WHERE id = $1 RETURNING id`,
		d.AccountID, d.Name, ms(d.FirstAt), ms(d.LastAt)), &d.ID, "no such account")
}

// InsertEvent appends to the account's history and sets the event's ID.
func (t *txn) InsertEvent(ctx context.Context, e *account.Event) error {
	return insertedID(t.tx.QueryRow(ctx, `INSERT INTO events (account_id, kind, at, detail)
		SELECT pk, $2, $3, $4 FROM accounts WHERE id = $1 RETURNING id`,
		e.AccountID, e.Kind, ms(e.At), e.Detail), &e.ID, "no such account")
}

// PutReset inserts or replaces the account-reset request.
func (t *txn) PutReset(ctx context.Context, r account.Reset) error {
	return t.putChild(ctx, `INSERT INTO account_resets (account_id, `+resetCols+`)
		SELECT pk, $2, $3, $4, $5, $6, $7 FROM accounts WHERE id = $1
		ON CONFLICT (account_id) DO UPDATE SET requested_at = excluded.requested_at, cancelled_at = excluded.cancelled_at,
			cancelled_by = excluded.cancelled_by, token_hash = excluded.token_hash, granted_at = excluded.granted_at,
			deleted_at = excluded.deleted_at`,
		r.AccountID, ms(r.RequestedAt), ms(r.CancelledAt), r.CancelledBy, r.TokenHash, ms(r.GrantedAt), ms(r.DeletedAt))
}

// DeleteReset removes an account's reset request.
func (t *txn) DeleteReset(ctx context.Context, accountID string) error {
	return oneChanged(t.exec(ctx, `DELETE FROM account_resets WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`, accountID))
}

// PutOneTimeCode replaces the account's pending code.
func (t *txn) PutOneTimeCode(ctx context.Context, c *store.OneTimeCode) error {
	if c == nil { // a nil code names no account to clear: ClearOneTimeCode does that
		return fault.Invalid("one_time_code", fault.CodeInvalidInput)
	}
	return t.putChild(ctx, `INSERT INTO one_time_codes (account_id, phone_id, hash, expires_at)
		SELECT pk, $2, $3, $4 FROM accounts WHERE id = $1
		ON CONFLICT (account_id) DO UPDATE SET phone_id = excluded.phone_id, hash = excluded.hash, expires_at = excluded.expires_at`,
		c.AccountID, c.PhoneID, c.Hash, ms(c.ExpiresAt))
}

// ClearOneTimeCode removes the pending code, if any.
func (t *txn) ClearOneTimeCode(ctx context.Context, accountID string) error {
	_, err := t.exec(ctx, `DELETE FROM one_time_codes WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`, accountID)
	return err
}
