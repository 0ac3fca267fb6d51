// Package callers verifies a caller before an agent discusses an account on
// the phone. The caller states an email or phone; if it is a contact of
// record (in the agent's scope) a 6-digit code goes to it, and the console
// says the same either way, with the same work done, so that a search
// never tells whether an account exists. Only a correct code, read back
// within 10 minutes and 3 tries, opens the account; the verification lasts
// the call, 30 minutes at most, and is audited.
package callers

import (
	"context"
	"encoding/hex"
	"time"

	"github.com/google/uuid"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// The rules.
const (
	CodeLength   = 6
	CodeValidity = 10 * time.Minute
	MaxTries     = 3
	Lasts        = 30 * time.Minute // a verified caller, for the call
)

// Callers runs caller verification.
type Callers struct {
	st    store.Store
	keys  *secret.Keyring
	clock clock.Clock
	staff *staff.Staff
	desk  *desk.Desk
}

// New builds caller verification.
func New(st store.Store, keys *secret.Keyring, c clock.Clock, s *staff.Staff, d *desk.Desk) *Callers {
	return &Callers{st: st, keys: keys, clock: c, staff: s, desk: d}
}

// Check is what the console learns when a code is asked for: the same
// shape, whether or not the contact is on an account.
type Check struct {
	ID        string
	ExpiresAt time.Time
}

// Verified is a caller who read the right code back: the account, as the
// agent may see it, and until when the verification holds.
type Verified struct {
	CheckID string
	Account desk.AccountView
	Until   time.Time
}

// canVerify reports whether the actor verifies callers at all (agents and
// supervisors on any account, agency desks within their agencies).
func canVerify(a access.Actor) bool {
	return a.Can(access.ActCallerVerify, access.ScopeAny) || a.Can(access.ActCallerVerify, access.ScopeAgency)
}

// contact is the contact of record a stated email or phone matched.
type contact struct {
	accountID string
	sealed    []byte // the address or number, sealed under the account
	channel   notify.Channel
	language  string
}

// match finds the contact of record for a normalized email or phone, in
// the actor's scope; the zero contact when there is none.
func (c *Callers) match(ctx context.Context, r store.Reader, actor access.Actor, kind desk.QueryKind, norm string) (contact, error) {
	var ids []string
	var fp []byte
	switch kind {
	case desk.QueryEmail:
		fp = c.keys.Fingerprint("email", norm)
		id, err := r.AccountIDByEmail(ctx, fp)
		if err == nil {
			ids = []string{id}
		} else if fault.CodeOf(err) != fault.CodeNotFound {
			return contact{}, err
		}
	case desk.QueryPhone:
		fp = c.keys.Fingerprint("phone", norm)
		found, err := r.AccountIDsByPhone(ctx, fp)
		if err != nil && fault.CodeOf(err) != fault.CodeNotFound {
			return contact{}, err
		}
		ids = found
	}
	for _, id := range ids {
		sc, err := desk.AccountScope(ctx, r, actor, id)
		if err != nil {
			return contact{}, err
		}
		if !actor.Can(access.ActCallerVerify, sc) {
			continue // out of scope looks like not found
		}
		a, err := r.Account(ctx, id)
		if err != nil {
			return contact{}, err
		}
		aad := authn.ContactAAD(id)
		if kind == desk.QueryEmail {
			emails, err := r.Emails(ctx, id)
			if err != nil {
				return contact{}, err
			}
			for _, e := range emails {
				if plain, err := c.keys.Open(e.Sealed, aad); err == nil && string(plain) == norm {
					return contact{accountID: id, sealed: e.Sealed, channel: notify.ChannelEmail, language: a.EmailLanguage}, nil
				}
			}
			continue
		}
		phones, err := r.Phones(ctx, id)
		if err != nil {
			return contact{}, err
		}
		for _, p := range phones {
			if plain, err := c.keys.Open(p.Sealed, aad); err == nil && string(plain) == norm {
				return contact{accountID: id, sealed: p.Sealed, channel: notify.ChannelSMS, language: a.EmailLanguage}, nil
			}
		}
	}
	// No contact of record: read and open as much as a match would, so
	// the two paths take the same time.
	_, _ = r.Account(ctx, "")
	_, _ = r.Emails(ctx, "")
	_, _ = c.keys.Open(c.keys.Seal([]byte(norm), []byte("void")), []byte("void"))
	return contact{}, nil
}

// Start takes the email or phone the caller states and, if it is a
// contact of record in the agent's scope, sends it a code. The answer, the
// audit entry and the work done are the same either way. call, when not
// 0, is the call on record a verification will be linked to.
func (c *Callers) Start(ctx context.Context, tok staff.Token, stated string, call int64) (Check, error) {
	kind, norm, err := desk.Classify(stated)
	if err == nil && kind == desk.QueryUUID {
		err = fault.Invalid("query", fault.CodeQueryUnrecognised) // a caller states an email or a phone
	}
	if err != nil {
		return Check{}, err
	}
	code := secret.RandomDigits(CodeLength)
	var out Check
	err = c.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if !canVerify(actor) {
			return staff.Deny(access.ActCallerVerify, "caller", "", nil)
		}
		to, err := c.match(ctx, tx, actor, kind, norm)
		if err != nil {
			return err
		}
		id := uuid.NewString()
		chk := store.CallerCheck{ID: id, SessionID: actor.Session, AccountID: to.accountID,
			CodeHash: c.keys.HashCode("caller:"+id, code), CreatedAt: now, ExpiresAt: now.Add(CodeValidity), TicketID: call}
		// The code is sealed either way, so both paths do the same work;
		// only a contact of record gets it.
		sealed := hex.EncodeToString(c.keys.Seal([]byte(code), authn.ContactAAD(to.accountID)))
		if err := tx.PutCallerCheck(ctx, chk); err != nil {
			return err
		}
		// Both paths write the notice; for a contact on no account it is
		// void, never delivered, so that the work and the time are the same.
		n := &notify.Notification{CreatedAt: now, AccountID: to.accountID, Channel: to.channel,
			Template: notify.TemplateCallerCode, Language: to.language, ToSealed: to.sealed, NextAttempt: now,
			Data: map[string]string{"code_sealed": sealed}}
		if to.accountID == "" {
			n.Status, n.Channel, n.Language, n.ToSealed = notify.StatusVoid, notify.ChannelEmail, "en", c.keys.Seal([]byte(norm), []byte("void"))
		}
		if err := tx.Enqueue(ctx, n); err != nil {
			return err
		}
		out = Check{ID: id, ExpiresAt: chk.ExpiresAt}
		// The audit entry names the check, not the account: whether one
		// matched is on the check row, for an investigation.
		return tx.AppendAudit(ctx, audit.Record(actor, now, "caller.code_sent", "caller", id, "kind="+string(kind)))
	})
	return out, err
}

// Confirm checks the code the caller read back. A right code opens the
// account for the call (30 minutes at most); a wrong one, or one for a
// contact that is on no account, answers the same: bad credentials, with
// 3 tries in all within the 10 minutes.
func (c *Callers) Confirm(ctx context.Context, tok staff.Token, checkID, code string) (Verified, error) {
	var out Verified
	var outcome error
	err := c.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		outcome = nil
		if !canVerify(actor) {
			return staff.Deny(access.ActCallerVerify, "caller", checkID, nil)
		}
		chk, err := tx.CallerCheck(ctx, checkID)
		if fault.CodeOf(err) == fault.CodeNotFound || (err == nil && chk.SessionID != actor.Session) {
			// Another console's check is no check of this one.
			return staff.Deny(access.ActCallerVerify, "caller", checkID, fault.ErrNotFound)
		}
		if err != nil {
			return err
		}
		switch {
		case !chk.VerifiedAt.IsZero():
			outcome = fault.New(fault.CodeCodeReused)
			return nil
		case !now.Before(chk.ExpiresAt):
			outcome = fault.New(fault.CodeCodeExpired)
			return nil
		case chk.Tries >= MaxTries:
			outcome = fault.Limited("caller_code", MaxTries, chk.ExpiresAt)
			return nil
		}
		chk.Tries++
		if !c.keys.CodeMatches("caller:"+chk.ID, code, chk.CodeHash) || chk.AccountID == "" {
			outcome = fault.ErrBadCredentials
			if chk.Tries >= MaxTries {
				outcome = fault.Limited("caller_code", MaxTries, chk.ExpiresAt)
			}
			if err := tx.PutCallerCheck(ctx, chk); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, audit.Record(actor, now, "caller.code_wrong", "caller", chk.ID, ""))
		}
		chk.VerifiedAt, chk.EndsAt = now, now.Add(Lasts)
		if err := tx.PutCallerCheck(ctx, chk); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, audit.Record(actor, now, "caller.verified", "account", chk.AccountID, "check="+chk.ID)); err != nil {
			return err
		}
		if chk.TicketID != 0 {
			if err := helpdesk.LinkCall(ctx, tx, actor, chk.TicketID, chk.AccountID, now); err != nil {
				return err
			}
		}
		view, err := c.desk.ViewTx(ctx, tx, actor, chk.AccountID, "caller="+chk.ID, now)
		if err != nil {
			return err
		}
		out = Verified{CheckID: chk.ID, Account: view, Until: chk.EndsAt}
		return nil
	})
	if err != nil {
		return Verified{}, err
	}
	return out, outcome
}
