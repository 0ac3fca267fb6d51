package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// pkOf is the subquery that turns an account uuid into its compact key.
const pkOf = `(SELECT pk FROM accounts WHERE id = ?)`

// IDV reads where an account stands in proofing; nil when it never started.
func (c *conn) IDV(ctx context.Context, accountID string) (*store.IDV, error) {
	v, err := one(c, ctx, `SELECT a.id, i.step, i.identity_sealed, i.doc_at, i.resolved_at, i.verified_at, i.started_at, i.updated_at
		FROM idv i JOIN accounts a ON a.pk = i.account_id WHERE i.account_id = `+pkOf,
		func(s scanner) (store.IDV, error) {
			var v store.IDV
			var doc, res, ver, st, up int64
			err := s.Scan(&v.AccountID, &v.Step, &v.IdentitySealed, &doc, &res, &ver, &st, &up)
			v.DocAt, v.ResolvedAt, v.VerifiedAt, v.StartedAt, v.UpdatedAt = tm(doc), tm(res), tm(ver), tm(st), tm(up)
			return v, err
		}, accountID)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// PutIDV stores an account's proofing state.
func (t *txn) PutIDV(ctx context.Context, v store.IDV) error {
	return affected(t.exec(ctx, `INSERT OR REPLACE INTO idv (account_id, step, identity_sealed, doc_at, resolved_at, verified_at,
		started_at, updated_at) SELECT pk, ?, ?, ?, ?, ?, ?, ? FROM accounts WHERE id = ?`, v.Step, v.IdentitySealed, ms(v.DocAt),
		ms(v.ResolvedAt), ms(v.VerifiedAt), ms(v.StartedAt), ms(v.UpdatedAt), v.AccountID))
}

// IDVAttempts lists an account's attempts, newest first.
func (c *conn) IDVAttempts(ctx context.Context, accountID string, limit int) ([]store.IDVAttempt, error) {
	return collect(c, ctx, `SELECT t.id, a.id, t.step, t.passed, t.reasons, t.detail, t.at
		FROM idv_attempts t JOIN accounts a ON a.pk = t.account_id WHERE t.account_id = `+pkOf+` ORDER BY t.id DESC LIMIT ?`,
		func(rs *sql.Rows) (store.IDVAttempt, error) {
			var x store.IDVAttempt
			var reasons string
			var at int64
			err := rs.Scan(&x.ID, &x.AccountID, &x.Step, &x.Passed, &reasons, &x.Detail, &at)
			x.Reasons, x.At = splitList(reasons), tm(at)
			return x, err
		}, accountID, limit)
}

// InsertIDVAttempt records an attempt and sets its ID.
func (t *txn) InsertIDVAttempt(ctx context.Context, x *store.IDVAttempt) error {
	res, err := t.exec(ctx, `INSERT INTO idv_attempts (account_id, step, passed, reasons, detail, at)
		SELECT pk, ?, ?, ?, ?, ? FROM accounts WHERE id = ?`, x.Step, x.Passed, strings.Join(x.Reasons, ","), x.Detail, ms(x.At), x.AccountID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.CodeNotFound)
	}
	x.ID, _ = res.LastInsertId()
	return nil
}

const enrollmentCols = `a.id, e.code, e.status, e.created_at, e.expires_at, e.updated_at
	FROM ipp_enrollments e JOIN accounts a ON a.pk = e.account_id`

func scanEnrollment(s scanner) (store.Enrollment, error) {
	var e store.Enrollment
	var cr, ex, up int64
	err := s.Scan(&e.AccountID, &e.Code, &e.Status, &cr, &ex, &up)
	e.CreatedAt, e.ExpiresAt, e.UpdatedAt = tm(cr), tm(ex), tm(up)
	return e, err
}

// EnrollmentsLapsed lists pending enrollments that expired at or before t.
func (c *conn) EnrollmentsLapsed(ctx context.Context, t time.Time, limit int) ([]store.Enrollment, error) {
	return collect(c, ctx, `SELECT `+enrollmentCols+` WHERE e.status = 'pending' AND e.expires_at <= ? ORDER BY e.expires_at LIMIT ?`,
		func(rs *sql.Rows) (store.Enrollment, error) { return scanEnrollment(rs) }, ms(t), limit)
}

// Enrollment reads an account's in-person enrollment; nil when none.
func (c *conn) Enrollment(ctx context.Context, accountID string) (*store.Enrollment, error) {
	e, err := one(c, ctx, `SELECT `+enrollmentCols+` WHERE e.account_id = `+pkOf, scanEnrollment, accountID)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// PutEnrollment stores an account's in-person enrollment.
func (t *txn) PutEnrollment(ctx context.Context, e store.Enrollment) error {
	return affected(t.exec(ctx, `INSERT OR REPLACE INTO ipp_enrollments (account_id, code, status, created_at, expires_at, updated_at)
		SELECT pk, ?, ?, ?, ?, ? FROM accounts WHERE id = ?`, e.Code, e.Status, ms(e.CreatedAt), ms(e.ExpiresAt), ms(e.UpdatedAt), e.AccountID))
}

// Letters lists an account's letters, newest first.
func (c *conn) Letters(ctx context.Context, accountID string) ([]store.Letter, error) {
	return collect(c, ctx, `SELECT l.id, a.id, l.code_hash, l.sent_at, l.expires_at, l.used_at
		FROM gpo_letters l JOIN accounts a ON a.pk = l.account_id WHERE l.account_id = `+pkOf+` ORDER BY l.sent_at DESC, l.id DESC`,
		func(rs *sql.Rows) (store.Letter, error) {
			var l store.Letter
			var sent, exp, used int64
			err := rs.Scan(&l.ID, &l.AccountID, &l.CodeHash, &sent, &exp, &used)
			l.SentAt, l.ExpiresAt, l.UsedAt = tm(sent), tm(exp), tm(used)
			return l, err
		}, accountID)
}

// InsertLetter records a letter sent and sets its ID.
func (t *txn) InsertLetter(ctx context.Context, l *store.Letter) error {
	res, err := t.exec(ctx, `INSERT INTO gpo_letters (account_id, code_hash, sent_at, expires_at, used_at)
		SELECT pk, ?, ?, ?, ? FROM accounts WHERE id = ?`, l.CodeHash, ms(l.SentAt), ms(l.ExpiresAt), ms(l.UsedAt), l.AccountID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.CodeNotFound)
	}
	l.ID, _ = res.LastInsertId()
	return nil
}

// UseLetter marks a letter's code used.
func (t *txn) UseLetter(ctx context.Context, id int64, at time.Time) error {
	return affected(t.exec(ctx, `UPDATE gpo_letters SET used_at = ? WHERE id = ? AND used_at = 0`, ms(at), id))
}

// FraudReview reads an account's fraud review; nil when none.
func (c *conn) FraudReview(ctx context.Context, accountID string) (*store.FraudReview, error) {
	f, err := one(c, ctx, `SELECT a.id, f.status, f.opened_at, f.decided_at, f.decided_by
		FROM fraud_reviews f JOIN accounts a ON a.pk = f.account_id WHERE f.account_id = `+pkOf,
		func(s scanner) (store.FraudReview, error) {
			var f store.FraudReview
			var op, dec int64
			err := s.Scan(&f.AccountID, &f.Status, &op, &dec, &f.DecidedBy)
			f.OpenedAt, f.DecidedAt = tm(op), tm(dec)
			return f, err
		}, accountID)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// PutFraudReview stores an account's fraud review.
func (t *txn) PutFraudReview(ctx context.Context, f store.FraudReview) error {
	return affected(t.exec(ctx, `INSERT OR REPLACE INTO fraud_reviews (account_id, status, opened_at, decided_at, decided_by)
		SELECT pk, ?, ?, ?, ? FROM accounts WHERE id = ?`, f.Status, ms(f.OpenedAt), ms(f.DecidedAt), f.DecidedBy, f.AccountID))
}

const callerCols = `id, session_id, account_id, code_hash, tries, created_at, expires_at, verified_at, ends_at, ticket_id`

func scanCallerCheck(s scanner) (store.CallerCheck, error) {
	var k store.CallerCheck
	var cr, ex, ver, end int64
	err := s.Scan(&k.ID, &k.SessionID, &k.AccountID, &k.CodeHash, &k.Tries, &cr, &ex, &ver, &end, &k.TicketID)
	k.CreatedAt, k.ExpiresAt, k.VerifiedAt, k.EndsAt = tm(cr), tm(ex), tm(ver), tm(end)
	return k, err
}

// CallerCheck reads one caller verification.
func (c *conn) CallerCheck(ctx context.Context, id string) (store.CallerCheck, error) {
	return one(c, ctx, `SELECT `+callerCols+` FROM caller_checks WHERE id = ?`, scanCallerCheck, id)
}

// CallerChecks lists a staff session's checks, newest first.
func (c *conn) CallerChecks(ctx context.Context, sessionID string) ([]store.CallerCheck, error) {
	return collect(c, ctx, `SELECT `+callerCols+` FROM caller_checks WHERE session_id = ? ORDER BY created_at DESC, id`,
		func(rs *sql.Rows) (store.CallerCheck, error) { return scanCallerCheck(rs) }, sessionID)
}

// PutCallerCheck stores a caller verification.
func (t *txn) PutCallerCheck(ctx context.Context, k store.CallerCheck) error {
	_, err := t.exec(ctx, `INSERT OR REPLACE INTO caller_checks (`+callerCols+`) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		k.ID, k.SessionID, k.AccountID, k.CodeHash, k.Tries, ms(k.CreatedAt), ms(k.ExpiresAt), ms(k.VerifiedAt), ms(k.EndsAt), k.TicketID)
	return err
}
