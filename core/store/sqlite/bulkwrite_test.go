package sqlite

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/store"
)

// Outside a bulk load (foreign keys on), a bulk write inserts each account
// before its rows, updates a buffered account in place, and reads back as
// Write would have stored it.
func TestBulkWriteWithForeignKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t, Options{})
	at := time.UnixMilli(1_700_000_000_000).UTC()
	err := s.BulkWrite(ctx, func(tx store.Tx) error {
		for i, id := range []string{"b-account", "a-account"} {
			a := account.Account{ID: id, CreatedAt: at, EmailLanguage: "en", Status: account.StatusActive, IAL: 1, PasswordHash: "h"}
			if err := tx.InsertAccount(ctx, a); err != nil {
				return err
			}
			e := &account.Email{AccountID: id, Sealed: []byte{1}, FP: []byte{byte(2 - i)}, CreatedAt: at}
			if err := tx.InsertEmail(ctx, e); err != nil {
				return err
			}
			if e.ID != int64(i+1) {
				t.Errorf("email ID %d, want %d", e.ID, i+1)
			}
			if err := tx.InsertEvent(ctx, &account.Event{AccountID: id, Kind: account.EventAccountCreated, At: at}); err != nil {
				return err
			}
			a.IAL, a.Version = 2, 1 // as stored
			if err := tx.UpdateAccount(ctx, &a); err != nil {
				return err
			}
			if a.Version != 2 {
				t.Errorf("version after update %d, want 2", a.Version)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Read(ctx, func(r store.Reader) error {
		for i, id := range []string{"b-account", "a-account"} {
			a, err := r.Account(ctx, id)
			if err != nil {
				return err
			}
			if a.IAL != 2 || a.Version != 2 {
				t.Errorf("%s: IAL %d version %d, want 2 and 2", id, a.IAL, a.Version)
			}
			if got, err := r.AccountIDByEmail(ctx, []byte{byte(2 - i)}); err != nil || got != id {
				t.Errorf("address %d belongs to %q (%v), want %q", i, got, err, id)
			}
			if evs, err := r.Events(ctx, id, 10); err != nil || len(evs) != 1 {
				t.Errorf("%s: events %v (%v), want one", id, evs, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.Raw().Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if rs.Next() {
		t.Errorf("foreign key violations after a bulk write")
	}
}
