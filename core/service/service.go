// Package service wires the core together over a database file and a key
// file: the store, the keyring, the auth engine and the desk.
package service

import (
	"bytes"
	"context"
	"errors"
	"os"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
)

// Config says where the data lives and what the service runs with.
type Config struct {
	DBPath  string
	KeyPath string // default: DBPath + ".key"
	Clock   clock.Clock
	Sender  authn.Sender // default: a FileSender next to the database
	Argon   secret.Argon2Params
}

// Service is the opened core.
type Service struct {
	Store *sqlite.Store
	Keys  *secret.Keyring
	Auth  *authn.Engine
	Desk  *desk.Desk
	Clock clock.Clock
}

// keyCheck is the meta row that ties the database to its key file.
const keyCheck = "key_check"

// Open opens the database (applying migrations) and the key file (creating
// it with mode 0600 on first start), and refuses a key that does not match
// the database.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.KeyPath == "" {
		cfg.KeyPath = cfg.DBPath + ".key"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Argon == (secret.Argon2Params{}) {
		cfg.Argon = secret.DefaultArgon2
	}
	if cfg.Sender == nil {
		cfg.Sender = &authn.FileSender{Path: cfg.DBPath + ".sms.log"}
	}
	st, err := sqlite.Open(ctx, cfg.DBPath, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	keys, _, err := secret.LoadOrCreate(cfg.KeyPath)
	if err != nil {
		st.Close()
		return nil, &fault.Error{Code: fault.CodeKeyMismatch, Err: err}
	}
	if err := bindKey(ctx, st, keys, cfg.Clock); err != nil {
		st.Close()
		return nil, err
	}
	auth, err := authn.New(st, keys, cfg.Clock, cfg.Sender, cfg.Argon)
	if err != nil {
		st.Close()
		return nil, err
	}
	dk, err := desk.New(st, keys, cfg.Clock, cfg.Argon)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &Service{Store: st, Keys: keys, Auth: auth, Desk: dk, Clock: cfg.Clock}, nil
}

// bindKey stores the key's check tag in a new database, or compares it.
func bindKey(ctx context.Context, st store.Store, keys *secret.Keyring, c clock.Clock) error {
	return st.Write(ctx, func(tx store.Tx) error {
		tag, err := tx.Meta(ctx, keyCheck)
		switch {
		case fault.CodeOf(err) == fault.CodeNotFound:
			if err := tx.PutMeta(ctx, keyCheck, keys.CheckTag()); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, audit.Record(access.System, c.Now(), "store.init", "store", "", ""))
		case err != nil:
			return err
		case !bytes.Equal(tag, keys.CheckTag()):
			return fault.New(fault.CodeKeyMismatch)
		}
		return nil
	})
}

// Close closes the store.
func (s *Service) Close() error { return s.Store.Close() }

// Exists reports whether a database file is already at path.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
