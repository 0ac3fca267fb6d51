package postgres

import (
	"context"
	"supportdesk/core/store"
	"time"
)

func (c *conn) IDV(ctx context.Context, accountID string) (*store.IDV, error) {
	return nil, todo()
}

func (c *conn) IDVAttempts(ctx context.Context, accountID string, limit int) ([]store.IDVAttempt, error) {
	return nil, todo()
}

func (c *conn) Enrollment(ctx context.Context, accountID string) (*store.Enrollment, error) {
	return nil, todo()
}

func (c *conn) EnrollmentsLapsed(ctx context.Context, t time.Time, limit int) ([]store.Enrollment, error) {
	return nil, todo()
}

func (c *conn) Letters(ctx context.Context, accountID string) ([]store.Letter, error) {
	return nil, todo()
}

func (c *conn) FraudReview(ctx context.Context, accountID string) (*store.FraudReview, error) {
	return nil, todo()
}

func (c *conn) CallerCheck(ctx context.Context, id string) (store.CallerCheck, error) {
	return store.CallerCheck{}, todo()
}

func (c *conn) CallerChecks(ctx context.Context, sessionID string) ([]store.CallerCheck, error) {
	return nil, todo()
}

func (t *txn) PutIDV(ctx context.Context, v store.IDV) error {
	return todo()
}

func (t *txn) InsertIDVAttempt(ctx context.Context, a *store.IDVAttempt) error {
	return todo()
}

func (t *txn) PutEnrollment(ctx context.Context, e store.Enrollment) error {
	return todo()
}

func (t *txn) InsertLetter(ctx context.Context, l *store.Letter) error {
	return todo()
}

func (t *txn) UseLetter(ctx context.Context, id int64, at time.Time) error {
	return todo()
}

func (t *txn) PutFraudReview(ctx context.Context, f store.FraudReview) error {
	return todo()
}

func (t *txn) PutCallerCheck(ctx context.Context, c store.CallerCheck) error {
	return todo()
}
