package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// The proofing rows, unlike the rest of the account model, answer
// fault.CodeNotFound for a missing account, as the SQLite backend does:
// they are stored with INSERT … SELECT FROM accounts, and no row is no
// account.

// IDV reads where an account stands in proofing; nil when it never
// started. In a write it is locked: the step is read, checked and moved.
func (c *conn) IDV(ctx context.Context, accountID string) (*store.IDV, error) {
	return orNil(one(c, ctx, `SELECT $1::text, step, identity_sealed, doc_at, resolved_at, verified_at, started_at, updated_at
		FROM idv WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`+c.forUpdate(), func(r pgx.Row) (store.IDV, error) {
		var v store.IDV
		var doc, res, ver, st, up int64
		err := r.Scan(&v.AccountID, &v.Step, &v.IdentitySealed, &doc, &res, &ver, &st, &up)
		v.DocAt, v.ResolvedAt, v.VerifiedAt, v.StartedAt, v.UpdatedAt = tm(doc), tm(res), tm(ver), tm(st), tm(up)
		return v, err
	}, accountID))
}

// putProofing runs an upsert of an account's proofing row; no row stored
// means no account.
func (t *txn) putProofing(ctx context.Context, q string, args ...any) error {
	return oneChanged(t.exec(ctx, q, args...))
}

// PutIDV stores an account's proofing state.
func (t *txn) PutIDV(ctx context.Context, v store.IDV) error {
	return t.putProofing(ctx, `INSERT INTO idv (account_id, step, identity_sealed, doc_at, resolved_at, verified_at, started_at, updated_at)
		SELECT pk, $2, $3, $4, $5, $6, $7, $8 FROM accounts WHERE id = $1
		ON CONFLICT (account_id) DO UPDATE SET step = excluded.step, identity_sealed = excluded.identity_sealed,
			doc_at = excluded.doc_at, resolved_at = excluded.resolved_at, verified_at = excluded.verified_at,
			started_at = excluded.started_at, updated_at = excluded.updated_at`,
		v.AccountID, v.Step, v.IdentitySealed, ms(v.DocAt), ms(v.ResolvedAt), ms(v.VerifiedAt), ms(v.StartedAt), ms(v.UpdatedAt))
}

// IDVAttempts lists an account's attempts, newest first.
func (c *conn) IDVAttempts(ctx context.Context, accountID string, limit int) ([]store.IDVAttempt, error) {
	return all(c, ctx, `SELECT id, $1::text, step, passed, reasons, detail, at
		FROM idv_attempts WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY id DESC LIMIT $2`,
		func(r pgx.Row) (store.IDVAttempt, error) {
			var x store.IDVAttempt
			var reasons string
			var passed, at int64
			err := r.Scan(&x.ID, &x.AccountID, &x.Step, &passed, &reasons, &x.Detail, &at)
			x.Passed, x.Reasons, x.At = passed != 0, splitList(reasons), tm(at)
			return x, err
		}, accountID, rowLimit(limit))
}

// insertedProofing reads the id an INSERT … SELECT FROM accounts …
// RETURNING id gave back; no row is no account.
func insertedProofing(row pgx.Row, id *int64) error {
	err := row.Scan(id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fault.New(fault.CodeNotFound)
	}
	return mapErr(err)
}

// InsertIDVAttempt records an attempt and sets its ID.
func (t *txn) InsertIDVAttempt(ctx context.Context, x *store.IDVAttempt) error {
	return insertedProofing(t.tx.QueryRow(ctx, `INSERT INTO idv_attempts (account_id, step, passed, reasons, detail, at)
		SELECT pk, $2, $3, $4, $5, $6 FROM accounts WHERE id = $1 RETURNING id`,
		x.AccountID, x.Step, bit(x.Passed), strings.Join(x.Reasons, ","), x.Detail, ms(x.At)), &x.ID)
}

func scanEnrollment(r pgx.Row) (store.Enrollment, error) {
	var e store.Enrollment
	var cr, ex, up int64
	err := r.Scan(&e.AccountID, &e.Code, &e.Status, &cr, &ex, &up)
	e.CreatedAt, e.ExpiresAt, e.UpdatedAt = tm(cr), tm(ex), tm(up)
	return e, err
}

// Enrollment reads an account's in-person enrollment, nil when none;
// locked in a write.
func (c *conn) Enrollment(ctx context.Context, accountID string) (*store.Enrollment, error) {
	return orNil(one(c, ctx, `SELECT $1::text, code, status, created_at, expires_at, updated_at
		FROM ipp_enrollments WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`+c.forUpdate(), scanEnrollment, accountID))
}

// EnrollmentsLapsed lists pending enrollments that expired at or before
// t, soonest first. In a write the enrollments listed are locked (their
// accounts are not: the sweep changes the enrollment alone), and one that
// another writer changed meanwhile is checked again, so the sweep never
// marks expired an enrollment that passed after it listed it.
func (c *conn) EnrollmentsLapsed(ctx context.Context, t time.Time, limit int) ([]store.Enrollment, error) {
	lock := ""
	if c.write {
		lock = " FOR UPDATE OF e"
	}
	return all(c, ctx, `SELECT a.id, e.code, e.status, e.created_at, e.expires_at, e.updated_at
		FROM ipp_enrollments e JOIN accounts a ON a.pk = e.account_id
		WHERE e.status = 'pending' AND e.expires_at <= $1 ORDER BY e.expires_at, e.account_id LIMIT $2`+lock,
		scanEnrollment, ms(t), rowLimit(limit))
}

// PutEnrollment stores an account's in-person enrollment.
func (t *txn) PutEnrollment(ctx context.Context, e store.Enrollment) error {
	return t.putProofing(ctx, `INSERT INTO ipp_enrollments (account_id, code, status, created_at, expires_at, updated_at)
		SELECT pk, $2, $3, $4, $5, $6 FROM accounts WHERE id = $1
		ON CONFLICT (account_id) DO UPDATE SET code = excluded.code, status = excluded.status, created_at = excluded.created_at,
			expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
		e.AccountID, e.Code, e.Status, ms(e.CreatedAt), ms(e.ExpiresAt), ms(e.UpdatedAt))
}

// Letters lists an account's letters, newest first.
func (c *conn) Letters(ctx context.Context, accountID string) ([]store.Letter, error) {
	return all(c, ctx, `SELECT id, $1::text, code_hash, sent_at, expires_at, used_at
		FROM gpo_letters WHERE account_id = (SELECT pk FROM accounts WHERE id = $1) ORDER BY sent_at DESC, id DESC`,
		func(r pgx.Row) (store.Letter, error) {
			var l store.Letter
			var sent, exp, used int64
			err := r.Scan(&l.ID, &l.AccountID, &l.CodeHash, &sent, &exp, &used)
			l.SentAt, l.ExpiresAt, l.UsedAt = tm(sent), tm(exp), tm(used)
			return l, err
		}, accountID)
}

// InsertLetter records a letter sent and sets its ID.
func (t *txn) InsertLetter(ctx context.Context, l *store.Letter) error {
	return insertedProofing(t.tx.QueryRow(ctx, `INSERT INTO gpo_letters (account_id, code_hash, sent_at, expires_at, used_at)
		SELECT pk, $2, $3, $4, $5 FROM accounts WHERE id = $1 RETURNING id`,
		l.AccountID, l.CodeHash, ms(l.SentAt), ms(l.ExpiresAt), ms(l.UsedAt)), &l.ID)
}

// UseLetter marks a letter's code used, once: a used or missing letter is
// fault.CodeNotFound.
func (t *txn) UseLetter(ctx context.Context, id int64, at time.Time) error {
	return oneChanged(t.exec(ctx, `UPDATE gpo_letters SET used_at = $1 WHERE id = $2 AND used_at = 0`, ms(at), id))
}

// FraudReview reads an account's fraud review, nil when none; locked in
// a write, so that one supervisor decides it.
func (c *conn) FraudReview(ctx context.Context, accountID string) (*store.FraudReview, error) {
	return orNil(one(c, ctx, `SELECT $1::text, status, opened_at, decided_at, decided_by
		FROM fraud_reviews WHERE account_id = (SELECT pk FROM accounts WHERE id = $1)`+c.forUpdate(), func(r pgx.Row) (store.FraudReview, error) {
		var f store.FraudReview
		var op, dec int64
		err := r.Scan(&f.AccountID, &f.Status, &op, &dec, &f.DecidedBy)
		f.OpenedAt, f.DecidedAt = tm(op), tm(dec)
		return f, err
	}, accountID))
}

// PutFraudReview stores an account's fraud review.
func (t *txn) PutFraudReview(ctx context.Context, f store.FraudReview) error {
	return t.putProofing(ctx, `INSERT INTO fraud_reviews (account_id, status, opened_at, decided_at, decided_by)
		SELECT pk, $2, $3, $4, $5 FROM accounts WHERE id = $1
		ON CONFLICT (account_id) DO UPDATE SET status = excluded.status, opened_at = excluded.opened_at,
			decided_at = excluded.decided_at, decided_by = excluded.decided_by`,
		f.AccountID, f.Status, ms(f.OpenedAt), ms(f.DecidedAt), f.DecidedBy)
}

const callerCols = `id, session_id, account_id, code_hash, tries, created_at, expires_at, verified_at, ends_at, ticket_id`

func scanCallerCheck(r pgx.Row) (store.CallerCheck, error) {
	var k store.CallerCheck
	var cr, ex, ver, end int64
	err := r.Scan(&k.ID, &k.SessionID, &k.AccountID, &k.CodeHash, &k.Tries, &cr, &ex, &ver, &end, &k.TicketID)
	k.CreatedAt, k.ExpiresAt, k.VerifiedAt, k.EndsAt = tm(cr), tm(ex), tm(ver), tm(end)
	return k, err
}

// CallerCheck reads one caller verification; locked in a write, so that
// two tries at once count as two.
func (c *conn) CallerCheck(ctx context.Context, id string) (store.CallerCheck, error) {
	return one(c, ctx, `SELECT `+callerCols+` FROM caller_checks WHERE id = $1`+c.forUpdate(), scanCallerCheck, id)
}

// CallerChecks lists a staff session's checks, newest first.
func (c *conn) CallerChecks(ctx context.Context, sessionID string) ([]store.CallerCheck, error) {
	return all(c, ctx, `SELECT `+callerCols+` FROM caller_checks WHERE session_id = $1 ORDER BY created_at DESC, id COLLATE "C"`,
		scanCallerCheck, sessionID)
}

// PutCallerCheck stores a caller verification, replacing one of the same id.
func (t *txn) PutCallerCheck(ctx context.Context, k store.CallerCheck) error {
	_, err := t.exec(ctx, `INSERT INTO caller_checks (`+callerCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
		ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, account_id = excluded.account_id,
			code_hash = excluded.code_hash, tries = excluded.tries, created_at = excluded.created_at,
			expires_at = excluded.expires_at, verified_at = excluded.verified_at, ends_at = excluded.ends_at,
			ticket_id = excluded.ticket_id`,
		k.ID, k.SessionID, k.AccountID, k.CodeHash, k.Tries, ms(k.CreatedAt), ms(k.ExpiresAt), ms(k.VerifiedAt), ms(k.EndsAt), k.TicketID)
	return err
}
