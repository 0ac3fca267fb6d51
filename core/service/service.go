// Package service is the one place that builds the core: over any store
// backend, it opens the key file and wires the staff sessions, the auth
// engine, the account desk, the ticket desk, intake, dual control and the
// jobs runner. Front ends (console, serve, SSH) stay thin over a Service.
package service

import (
	"bytes"
	"context"
	"errors"
	"os"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/authn"
	"supportdesk/core/calendar"
	"supportdesk/core/callers"
	"supportdesk/core/clock"
	"supportdesk/core/desk"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
	"supportdesk/core/feed"
	"supportdesk/core/helpdesk"
	"supportdesk/core/inbox"
	"supportdesk/core/jobs"
	"supportdesk/core/mail"
	"supportdesk/core/presence"
	"supportdesk/core/proofing"
	"supportdesk/core/secret"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// Config says what the core runs with. KeyPath is required unless Keys is
// set.
type Config struct {
	KeyPath  string
	Keys     *secret.Keyring     // the key file, already loaded and checked: KeyPath is then not read
	Clock    clock.Clock         // default: the system clock
	Sender   authn.Sender        // one-time codes; required
	Argon    secret.Argon2Params // default: secret.DefaultArgon2
	Limits   staff.Limits        // default: 30 minutes idle, 12 hours in all
	Calendar *calendar.Config    // default: calendar.DefaultConfig()
	Mail     *Mail               // nil: this process runs no outbox
	Vendors  proofing.Vendors    // zero: the deterministic fake vendors
	// Feed carries change notices between sessions; nil: an in-process
	// feed (feed.Memory). Presence holds who has which ticket open; nil:
	// in this process (presence.Memory).
	Feed     feed.Feed
	Presence presence.Registry
}

// Mail is how the outbox delivers: what the worker needs beyond the core.
type Mail struct {
	Transport    mail.Transport
	From         string
	Renderer     mail.Renderer
	Texts        mail.TextSender
	TextRenderer mail.TextRenderer
	OnError      func(error)
	SendTimeout  time.Duration                   // bound on one send; 0: the worker's default (2 min)
	Backoff      func(attempt int) time.Duration // wait after a failed attempt; nil: mail.DefaultBackoff
}

// Service is the opened core.
type Service struct {
	Store    store.Store
	Keys     *secret.Keyring
	Clock    clock.Clock
	Staff    *staff.Staff
	Auth     *authn.Engine
	Desk     *desk.Desk
	Tickets  *helpdesk.Desk
	Intake   *helpdesk.Intake
	Dual     *dual.Control
	Proofing *proofing.Engine
	Callers  *callers.Callers
	Inbox    *inbox.Inbox
	Jobs     *jobs.Runner
	// Feed publishes what each committed write changed (tickets, held
	// mail, closures) and who is on which ticket; consoles follow it.
	Feed feed.Feed
	// Presence is who has which ticket open (Config.Presence).
	Presence presence.Registry
}

// keyCheck is the meta row that ties the database to its key file.
const keyCheck = "key_check"

// KeyCheckMeta is the meta key of the key check tag, for a front end that
// compares it (CheckKey) before opening the store.
const KeyCheckMeta = keyCheck

// CheckKey compares a database's stored check tag with the key file's: nil
// (a database not yet bound) passes, another key is fault.CodeKeyMismatch.
func CheckKey(keys *secret.Keyring, tag []byte) error {
	if tag != nil && !bytes.Equal(tag, keys.CheckTag()) {
		return fault.New(fault.CodeKeyMismatch)
	}
	return nil
}

// Open builds the core over an opened store, which it then owns (Close
// closes it, and so does a failed Open). Without cfg.Keys the key file is
// loaded, or created with mode 0600 on first start; a front end that opens
// an existing database loads it first (LoadKeys), before the store. A key
// that does not match the database is refused.
func Open(ctx context.Context, st store.Store, cfg Config) (*Service, error) {
	svc, err := open(ctx, st, cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	return svc, nil
}

func open(ctx context.Context, st store.Store, cfg Config) (*Service, error) {
	if (cfg.KeyPath == "" && cfg.Keys == nil) || cfg.Sender == nil {
		return nil, fault.Invalid("config", fault.CodeInvalidInput)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Argon == (secret.Argon2Params{}) {
		cfg.Argon = secret.DefaultArgon2
	}
	calCfg := calendar.DefaultConfig()
	if cfg.Calendar != nil {
		calCfg = *cfg.Calendar
	}
	keys := cfg.Keys
	if keys == nil {
		var err error
		if keys, _, err = secret.LoadOrCreate(cfg.KeyPath); err != nil {
			return nil, &fault.Error{Code: fault.CodeKeyMismatch, Err: err}
		}
	}
	// Every write from here on seals its audit entries with the key file's
	// MAC and signs the head: the store.init entry too.
	st = auditlog.Wrap(st, keys)
	// Every committed write then says what it changed, for the consoles
	// that show it (after the commit: a rollback says nothing).
	if cfg.Feed == nil {
		cfg.Feed = feed.NewMemory()
	}
	if cfg.Presence == nil {
		cfg.Presence = presence.NewMemory()
	}
	st = feed.Wrap(st, cfg.Feed)
	if err := bindKey(ctx, st, keys, cfg.Clock); err != nil {
		return nil, err
	}
	auth, err := authn.New(st, keys, cfg.Clock, cfg.Sender, cfg.Argon)
	if err != nil {
		return nil, err
	}
	sf, err := staff.New(st, keys, cfg.Clock, cfg.Argon, cfg.Limits)
	if err != nil {
		return nil, err
	}
	policy, err := helpdesk.LoadPolicy(ctx, st, calCfg)
	if err != nil {
		return nil, err
	}
	dk := desk.New(st, keys, cfg.Clock, sf)
	tickets := helpdesk.NewDesk(st, keys, cfg.Clock, policy, dk, sf)
	tickets.UseLive(cfg.Presence, cfg.Feed)
	svc := &Service{Store: st, Keys: keys, Clock: cfg.Clock, Staff: sf, Auth: auth, Desk: dk, Tickets: tickets,
		Intake: helpdesk.NewIntake(st, keys, cfg.Clock, tickets, policy.Zone()), Dual: dual.New(st, sf, cfg.Clock),
		Proofing: proofing.New(st, keys, cfg.Clock, auth, cfg.Vendors), Callers: callers.New(st, keys, cfg.Clock, sf, dk)}
	svc.Inbox = inbox.New(st, keys, cfg.Clock, tickets, sf)
	svc.Feed, svc.Presence = cfg.Feed, cfg.Presence
	svc.Dual.Register(dual.KindLimiterReset, proofing.CheckLimiter,
		func(ctx context.Context, tx store.Tx, approver access.Actor, r store.DualRequest, now time.Time) error {
			return proofing.ClearLimiter(ctx, tx, approver, r.Target, r.Detail, now)
		})
	var outbox *mail.Worker
	if m := cfg.Mail; m != nil {
		outbox = &mail.Worker{Store: st, Keys: keys, Clock: cfg.Clock, Renderer: m.Renderer, Transport: m.Transport,
			From: m.From, OnError: m.OnError, Texts: m.Texts, TextRenderer: m.TextRenderer,
			SendTimeout: m.SendTimeout, Backoff: m.Backoff}
	}
	svc.Jobs = jobs.New(auth, tickets, svc.Intake, svc.Proofing, outbox)
	return svc, nil
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

// Operator returns the token of the command-line operator, audited as the
// OS user; it is valid in this process only.
func (s *Service) Operator(osUser string) staff.Token { return s.Staff.Operator(osUser) }

// Zone is the center's time zone.
func (s *Service) Zone() *time.Location { return s.Tickets.Zone() }

// Maintain returns the backend's maintenance, when it has any, under the
// wrappers (the keyed audit log, the change feed).
func (s *Service) Maintain() (store.Maintainer, bool) { return store.Under[store.Maintainer](s.Store) }

// Close closes the store.
func (s *Service) Close() error { return s.Store.Close() }

// LoadKeys loads the key file of the database at db before anything opens
// the database: for a database that exists the key file must exist too (a
// fresh key would only be refused), with mode 0600 and one key's length; for
// a new database it is created. Errors are *secret.KeyFileError.
func LoadKeys(db, keyPath string) (*secret.Keyring, error) {
	if Exists(db) {
		return secret.Load(keyPath)
	}
	k, _, err := secret.LoadOrCreate(keyPath)
	return k, err
}

// Exists reports whether a database file is already at path.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
