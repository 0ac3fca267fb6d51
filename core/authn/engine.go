// Package authn is the auth engine the identity provider signs users in
// with: accounts, passwords, second factors, lockouts, MFA method changes
// and the account reset. The support console inspects the same rows.
package authn

import (
	"context"
	"encoding/hex"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// Sender delivers a one-time code by SMS or voice.
type Sender interface {
	SendOTP(ctx context.Context, e164 string, d account.Delivery, code, lang string) error
}

// Engine runs the auth operations over a store.
type Engine struct {
	st     store.Store
	keys   *secret.Keyring
	clock  clock.Clock
	sender Sender
	argon  secret.Argon2Params
	// dummyHash is verified against when the email is unknown, so timing
	// does not tell whether an account exists.
	dummyHash string
}

// New builds an engine.
func New(st store.Store, keys *secret.Keyring, c clock.Clock, s Sender, p secret.Argon2Params) (*Engine, error) {
	dummy, err := secret.HashPassword("dummy password for timing", p)
	if err != nil {
		return nil, err
	}
	return &Engine{st: st, keys: keys, clock: c, sender: s, argon: p, dummyHash: dummy}, nil
}

// ContactAAD binds a sealed email or phone to its account.
func ContactAAD(accountID string) []byte { return []byte("contact:" + accountID) }

// Pending is a sign-in past the password step, waiting for a second factor.
type Pending struct {
	accountID string
	at        time.Time
}

// AccountID is the account signing in.
func (p Pending) AccountID() string { return p.accountID }

// Session is a fully authenticated user (password and second factor).
type Session struct {
	accountID string
	at        time.Time
}

// AccountID is the signed-in account.
func (s Session) AccountID() string { return s.accountID }

// pendingValidity bounds how long a password step stays usable.
const pendingValidity = 15 * time.Minute

func (e *Engine) checkPending(p Pending) error {
	if p.accountID == "" || e.clock.Now().After(p.at.Add(pendingValidity)) {
		return fault.New(fault.CodeNotPermitted)
	}
	return nil
}

// CheckSession refuses a session that is empty or older than 12 hours, for
// the other parts of the core that act for a signed-in user.
func (e *Engine) CheckSession(s Session) error { return e.checkSession(s) }

// CheckPending refuses a password step that is empty or stale.
func (e *Engine) CheckPending(p Pending) error { return e.checkPending(p) }

func (e *Engine) checkSession(s Session) error {
	if s.accountID == "" || e.clock.Now().After(s.at.Add(12*time.Hour)) {
		return fault.New(fault.CodeNotPermitted)
	}
	return nil
}

// record appends an audit entry in tx.
func record(ctx context.Context, tx store.Tx, actor access.Actor, at time.Time, action, accountID, detail string) error {
	return tx.AppendAudit(ctx, audit.Record(actor, at, action, "account", accountID, detail))
}

// event appends to the account's history.
func event(ctx context.Context, tx store.Tx, accountID string, kind account.EventKind, at time.Time, detail string) error {
	return tx.InsertEvent(ctx, &account.Event{AccountID: accountID, Kind: kind, At: at, Detail: detail})
}

// notifyAll queues a notification to every address of record: each email
// and each phone. The sealed contact is copied, never decrypted.
func notifyAll(ctx context.Context, tx store.Tx, a account.Account, t notify.Template, at time.Time, data map[string]string) error {
	emails, err := tx.Emails(ctx, a.ID)
	if err != nil {
		return err
	}
	phones, err := tx.Phones(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, em := range emails {
		n := &notify.Notification{CreatedAt: at, AccountID: a.ID, Channel: notify.ChannelEmail, Template: t,
			Language: a.EmailLanguage, ToSealed: em.Sealed, Data: data, NextAttempt: at}
		if err := tx.Enqueue(ctx, n); err != nil {
			return err
		}
	}
	for _, ph := range phones {
		n := &notify.Notification{CreatedAt: at, AccountID: a.ID, Channel: notify.ChannelSMS, Template: t,
			Language: a.EmailLanguage, ToSealed: ph.Sealed, Data: data, NextAttempt: at}
		if err := tx.Enqueue(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// Announce records an account event and its audit entry and notifies every
// address of record, in tx: the one way other parts of the core tell a
// user what happened to its account.
func Announce(ctx context.Context, tx store.Tx, actor access.Actor, a account.Account, at time.Time,
	kind account.EventKind, action, detail string, t notify.Template, data map[string]string) error {
	return announce(ctx, tx, actor, a, at, kind, action, detail, t, data)
}

// NotifyAll queues a notice to every address of record, in tx.
func NotifyAll(ctx context.Context, tx store.Tx, a account.Account, t notify.Template, at time.Time, data map[string]string) error {
	return notifyAll(ctx, tx, a, t, at, data)
}

// fingerprintIP keys a throttle by client address without storing it.
func (e *Engine) fingerprintIP(ip string) string {
	return hex.EncodeToString(e.keys.Fingerprint("ip", ip)[:12])
}

// Keys exposes the keyring to the desk and the seeder, which share it.
func (e *Engine) Keys() *secret.Keyring { return e.keys }

// announce records a change three ways in the change's own transaction:
// the account's history, the audit chain and a notice to every address of
// record.
func announce(ctx context.Context, tx store.Tx, actor access.Actor, a account.Account, at time.Time,
	kind account.EventKind, action, detail string, tmpl notify.Template, data map[string]string) error {
	if err := event(ctx, tx, a.ID, kind, at, detail); err != nil {
		return err
	}
	if err := record(ctx, tx, actor, at, action, a.ID, detail); err != nil {
		return err
	}
	return notifyAll(ctx, tx, a, tmpl, at, data)
}
