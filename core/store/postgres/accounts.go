package postgres

import (
	"context"
	"supportdesk/core/account"
	"supportdesk/core/store"
	"time"
)

func (c *conn) Account(ctx context.Context, id string) (account.Account, error) {
	return account.Account{}, todo()
}

func (c *conn) AccountIDByEmail(ctx context.Context, fp []byte) (string, error) {
	return "", todo()
}

func (c *conn) AccountIDsByPhone(ctx context.Context, fp []byte) ([]string, error) {
	return nil, todo()
}

func (c *conn) Emails(ctx context.Context, accountID string) ([]account.Email, error) {
	return nil, todo()
}

func (c *conn) Phones(ctx context.Context, accountID string) ([]account.Phone, error) {
	return nil, todo()
}

func (c *conn) Methods(ctx context.Context, accountID string) ([]account.Method, error) {
	return nil, todo()
}

func (c *conn) BackupCodes(ctx context.Context, accountID string) ([]account.BackupCode, error) {
	return nil, todo()
}

func (c *conn) Profile(ctx context.Context, accountID string) (*account.Profile, error) {
	return nil, todo()
}

func (c *conn) AgencyLinks(ctx context.Context, accountID string) ([]account.AgencyLink, error) {
	return nil, todo()
}

func (c *conn) Devices(ctx context.Context, accountID string) ([]account.Device, error) {
	return nil, todo()
}

func (c *conn) Events(ctx context.Context, accountID string, limit int) ([]account.Event, error) {
	return nil, todo()
}

func (c *conn) Reset(ctx context.Context, accountID string) (*account.Reset, error) {
	return nil, todo()
}

func (c *conn) ResetsDue(ctx context.Context, requestedBefore time.Time, limit int) ([]account.Reset, error) {
	return nil, todo()
}

func (c *conn) ResetsLapsed(ctx context.Context, grantedBefore time.Time, limit int) ([]account.Reset, error) {
	return nil, todo()
}

func (c *conn) OneTimeCode(ctx context.Context, accountID string) (*store.OneTimeCode, error) {
	return nil, todo()
}

func (c *conn) Agencies(ctx context.Context) ([]store.Agency, error) {
	return nil, todo()
}

func (c *conn) CountAccounts(ctx context.Context) (int64, error) {
	return 0, todo()
}

func (t *txn) InsertAccount(ctx context.Context, a account.Account) error {
	return todo()
}

func (t *txn) UpdateAccount(ctx context.Context, a *account.Account) error {
	return todo()
}

func (t *txn) DeleteAccount(ctx context.Context, id string) error {
	return todo()
}

func (t *txn) InsertEmail(ctx context.Context, e *account.Email) error {
	return todo()
}

func (t *txn) TouchEmail(ctx context.Context, id int64, signIn time.Time) error {
	return todo()
}

func (t *txn) InsertPhone(ctx context.Context, p *account.Phone) error {
	return todo()
}

func (t *txn) DeletePhone(ctx context.Context, accountID string, id int64) error {
	return todo()
}

func (t *txn) InsertMethod(ctx context.Context, m *account.Method) error {
	return todo()
}

func (t *txn) UpdateMethod(ctx context.Context, m account.Method) error {
	return todo()
}

func (t *txn) DeleteMethod(ctx context.Context, accountID string, id int64) error {
	return todo()
}

func (t *txn) PutBackupCodes(ctx context.Context, accountID string, codes []account.BackupCode) error {
	return todo()
}

func (t *txn) UseBackupCode(ctx context.Context, accountID string, index int, at time.Time) error {
	return todo()
}

func (t *txn) PutProfile(ctx context.Context, p account.Profile) error {
	return todo()
}

func (t *txn) PutAgency(ctx context.Context, a store.Agency) error {
	return todo()
}

func (t *txn) PutAgencyLink(ctx context.Context, l account.AgencyLink) error {
	return todo()
}

func (t *txn) InsertDevice(ctx context.Context, d *account.Device) error {
	return todo()
}

func (t *txn) InsertEvent(ctx context.Context, e *account.Event) error {
	return todo()
}

func (t *txn) PutReset(ctx context.Context, r account.Reset) error {
	return todo()
}

func (t *txn) DeleteReset(ctx context.Context, accountID string) error {
	return todo()
}

func (t *txn) PutOneTimeCode(ctx context.Context, c *store.OneTimeCode) error {
	return todo()
}

func (t *txn) ClearOneTimeCode(ctx context.Context, accountID string) error {
	return todo()
}
