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

// open opens the core on the database, creating its folder: the one place
// that picks the store backend.
func (a *app) open(ctx context.Context, db string, o openOptions) (*service.Service, error) {
	if err := ensureDir(db); err != nil {
		return nil, err
	}
	cal, err := a.calendarConfig(db)
	if err != nil {
		return nil, err
	}
	keys, err := checkKeys(ctx, db)
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	return service.Open(ctx, st, service.Config{KeyPath: db + ".key", Keys: keys, Sender: &authn.FileSender{Path: db + ".sms.log"},
		Calendar: &cal, Mail: o.mail, Limits: staff.Limits{Idle: o.idle}})
}

// openStore opens the database without the core, after the key file check
// (the store migrates as it opens): the one place that picks the backend.
func openStore(ctx context.Context, db string) (store.Store, error) {
	if _, err := checkKeys(ctx, db); err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, db, sqlite.Options{})
}

// checkKeys loads the key file and, for an existing database, compares it
// with the database's check tag read-only: before the store opens, so a
// wrong key file stops everything before a migration writes.
func checkKeys(ctx context.Context, db string) (*secret.Keyring, error) {
	existed := service.Exists(db)
	keys, err := service.LoadKeys(db, db+".key")
	if err != nil || !existed {
		return keys, err
	}
	tag, err := sqlite.ReadMeta(ctx, db, service.KeyCheckMeta)
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
