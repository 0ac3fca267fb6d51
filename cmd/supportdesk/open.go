package main

import (
	"context"
	"errors"
	"os/user"
	"time"

	"supportdesk/core/authn"
	"supportdesk/core/secret"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/store/postgres"
	"supportdesk/core/store/sqlite"
)

// withService opens the core on db for the length of fn, under a context
// that Ctrl-C cancels, and closes it afterwards.
func (a *app) withService(db string, fn func(ctx context.Context, svc *service.Service) int) int {
	ctx, cancel := interruptible()
	defer cancel()
	svc, err := a.open(ctx, db, openOptions{})
	if err != nil {
		return a.failOpen(err)
	}
	defer svc.Close()
	return fn(ctx, svc)
}

// openOptions are what a front end adds to the core it opens.
type openOptions struct {
	mail *service.Mail // the outbox; nil runs none
	idle time.Duration // the console's idle lock; 0 keeps the default
}

// open opens the core on the database, creating the folder of the files
// beside it: the one place that picks the store backend.
func (a *app) open(ctx context.Context, db string, o openOptions) (*service.Service, error) {
	d := a.locate(db)
	if err := d.ensureDir(); err != nil {
		return nil, err
	}
	cal, err := a.calendarConfig(db)
	if err != nil {
		return nil, err
	}
	keys, err := a.checkKeys(ctx, d)
	if err != nil {
		return nil, err
	}
	st, err := openBackend(ctx, d)
	if err != nil {
		return nil, err
	}
	cfg := service.Config{KeyPath: d.key, Keys: keys, Sender: &authn.FileSender{Path: d.smsLog},
		Calendar: &cal, Mail: o.mail, Limits: staff.Limits{Idle: o.idle}}
	if pg, ok := st.(*postgres.Store); ok {
		// Every process on the database shares one change feed, so a
		// console sees what another serve process changed,
		f, err := pg.Feed(ctx)
		if err != nil {
			pg.Close()
			return nil, err
		}
		cfg.Feed = f
		// and one presence registry, so "Ana Agent is viewing" shows on
		// every process's consoles.
		cfg.Presence = pg.Presence()
		st = &feedStore{Store: pg, feed: f}
	}
	return service.Open(ctx, st, cfg) // which closes st if it fails
}

// feedStore is a PostgreSQL store that closes its change feed first.
type feedStore struct {
	*postgres.Store
	feed *postgres.Feed
}

func (s *feedStore) Close() error {
	s.feed.Close()
	return s.Store.Close()
}

// Unwrap names the backend beneath (store.Under).
func (s *feedStore) Unwrap() store.Store { return s.Store }

// openStore opens the database without the core, after the key file check
// (the store migrates as it opens).
func (a *app) openStore(ctx context.Context, db string) (store.Store, error) {
	d := a.locate(db)
	if err := d.ensureDir(); err != nil {
		return nil, err
	}
	if _, err := a.checkKeys(ctx, d); err != nil {
		return nil, err
	}
	return openBackend(ctx, d)
}

// openBackend picks the store backend: PostgreSQL for a postgres:// URL,
// else SQLite.
func openBackend(ctx context.Context, d desk) (store.Store, error) {
	if d.pg {
		return postgres.Open(ctx, d.db, postgres.Options{})
	}
	return sqlite.Open(ctx, d.db, sqlite.Options{})
}

// checkKeys loads the key file and, for an existing desk, compares it
// with the database's check tag read-only: before the store opens, so a
// wrong key file stops everything before a migration writes. A new desk
// gets a new key file.
func (a *app) checkKeys(ctx context.Context, d desk) (*secret.Keyring, error) {
	tag, existed, err := d.keyTag(ctx)
	if err != nil {
		return nil, err
	}
	if !existed {
		keys, _, err := secret.LoadOrCreate(d.key)
		return keys, err
	}
	keys, err := secret.Load(d.key)
	if err != nil {
		return nil, err
	}
	return keys, service.CheckKey(keys, tag)
}

// failOpen reports a failure to open the core: a configuration error with
// its file and key, anything else by its code.
func (a *app) failOpen(err error) int {
	var ce *configError
	if errors.As(err, &ce) {
		return a.failConfig(err)
	}
	var ke *secret.KeyFileError
	if errors.As(err, &ke) {
		id := "cli.error.key_file"
		switch {
		case errors.Is(err, secret.ErrKeyFileMissing):
			id = "cli.error.key_missing"
		case errors.Is(err, secret.ErrKeyFileMode):
			id = "cli.error.key_mode"
		case errors.Is(err, secret.ErrKeyFileLength):
			id = "cli.error.key_length"
		}
		return a.fail(exitFail, a.l.T(id, map[string]any{"Path": clean(ke.Path), "Size": secret.KeyFileSize}))
	}
	return a.failErr(err)
}

// operator is the token of whoever runs a command with the database and key
// files: the audit trail names the OS user.
func operator(svc *service.Service) staff.Token {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return svc.Operator(name)
}
