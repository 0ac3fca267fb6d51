package desk

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/notify"
	"supportdesk/core/proofing"
	"supportdesk/core/safetext"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// CancelReset cancels an account reset on a verified caller's word or as
// suspected fraud. Audited, and every address of record is notified.
func (d *Desk) CancelReset(ctx context.Context, tok staff.Token, accountID string, why authn.CancelReason) error {
	if why != authn.CancelVerifiedCaller && why != authn.CancelSuspectedFraud {
		return fault.Invalid("reason", fault.CodeInvalidInput)
	}
	return d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		sc, err := AccountScope(ctx, tx, actor, accountID)
		if err != nil {
			return err
		}
		if err := staff.Check(actor, access.ActResetCancel, sc, "account", accountID); err != nil {
			return err
		}
		if why == authn.CancelVerifiedCaller {
			ok, err := CallerVerified(ctx, tx, actor, accountID, now)
			if err != nil {
				return err
			}
			if !ok {
				return staff.Deny(access.ActResetCancel, "account", accountID, fault.New(fault.CodeCallerUnverified))
			}
		}
		return authn.CancelResetTx(ctx, tx, actor, accountID, why, now)
	})
}

// ResendLimit bounds how often the reset notice goes out again: 3 an hour.
var ResendLimit = limit.Limit{Name: "reset_resend", Max: 3, Window: time.Hour}

// ResendResetNotice sends the account reset's current notice again to every
// address of record: the request while it waits, the grant once granted
// (the deletion link is on the user's account page, never in the notice).
func (d *Desk) ResendResetNotice(ctx context.Context, tok staff.Token, accountID string) error {
	return d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		sc, err := AccountScope(ctx, tx, actor, accountID)
		if err != nil {
			return err
		}
		if err := staff.Check(actor, access.ActResetResend, sc, "account", accountID); err != nil {
			return err
		}
		a, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		r, err := tx.Reset(ctx, accountID)
		if err != nil {
			return err
		}
		tmpl := notify.TemplateResetRequested
		switch r.StageAt(now) {
		case account.StageWaiting:
		case account.StageGranted:
			tmpl = notify.TemplateResetGranted
		default:
			return fault.New(fault.CodeResetNotPending)
		}
		if _, err := ResendLimit.Take(ctx, tx, accountID, now); err != nil {
			return err
		}
		if err := authn.NotifyAll(ctx, tx, a, tmpl, now, nil); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, string(access.ActResetResend), "account", accountID, "template="+string(tmpl)))
	})
}

// DecideFraudReview closes a proofing fraud review (supervisors): passed
// lets the user finish with a personal key, rejected deactivates the
// pending profile.
func (d *Desk) DecideFraudReview(ctx context.Context, tok staff.Token, accountID string, passed bool) error {
	return d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		sc, err := AccountScope(ctx, tx, actor, accountID)
		if err != nil {
			return err
		}
		if err := staff.Check(actor, access.ActFraudDecide, sc, "account", accountID); err != nil {
			return err
		}
		return proofing.DecideFraud(ctx, tx, actor, accountID, passed, now)
	})
}

// CallerVerified reports whether this session verified a caller for the
// account within the last 30 minutes: what "on a verified caller's word"
// means.
func CallerVerified(ctx context.Context, r store.Reader, actor access.Actor, accountID string, now time.Time) (bool, error) {
	if actor.Session == "" || accountID == "" {
		return false, nil
	}
	checks, err := r.CallerChecks(ctx, actor.Session)
	for _, c := range checks {
		if c.AccountID == accountID && !c.VerifiedAt.IsZero() && now.Before(c.EndsAt) {
			return true, err
		}
	}
	return false, err
}

// UnmaskFor is how long an unmasked value may stay on a supervisor's screen.
const UnmaskFor = 15 * time.Minute

// MaxReason bounds a reason staff give for an audited action.
const MaxReason = 200

// CheckReason validates a reason staff give: present, one line, bounded,
// under the text policy for names and subjects (core/safetext).
func CheckReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > MaxReason || !safetext.ValidLine(reason) {
		return "", &fault.Error{Code: fault.CodeInvalidInput, Field: "reason", Max: MaxReason}
	}
	return reason, nil
}

// Unmasked is one field shown in full until Until.
type Unmasked struct {
	Field string // email or phone
	Index int
	Value string
	Until time.Time
}

// Unmask shows one email or phone of record in full, for 15 minutes, to a
// supervisor who gives a reason. The reason and the field (never the
// value) go to the audit log.
func (d *Desk) Unmask(ctx context.Context, tok staff.Token, accountID, field string, index int, reason string) (Unmasked, error) {
	reason, err := CheckReason(reason)
	if err != nil {
		return Unmasked{}, err
	}
	if field != "email" && field != "phone" {
		return Unmasked{}, fault.Invalid("field", fault.CodeInvalidInput)
	}
	var out Unmasked
	err = d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		sc, err := AccountScope(ctx, tx, actor, accountID)
		if err != nil {
			return err
		}
		if err := staff.Check(actor, access.ActUnmask, sc, "account", accountID); err != nil {
			return err
		}
		var sealed [][]byte
		if field == "email" {
			emails, err := tx.Emails(ctx, accountID)
			if err != nil {
				return err
			}
			for _, e := range emails {
				sealed = append(sealed, e.Sealed)
			}
		} else {
			phones, err := tx.Phones(ctx, accountID)
			if err != nil {
				return err
			}
			for _, p := range phones {
				sealed = append(sealed, p.Sealed)
			}
		}
		if index < 0 || index >= len(sealed) {
			return fault.ErrNotFound
		}
		plain, err := d.keys.Open(sealed[index], authn.ContactAAD(accountID))
		if err != nil {
			return fault.Storage(err)
		}
		out = Unmasked{Field: field, Index: index, Value: string(plain), Until: now.Add(UnmaskFor)}
		return tx.AppendAudit(ctx, audit.Record(actor, now, string(access.ActUnmask), "account", accountID,
			"field="+field+" reason="+reason))
	})
	return out, err
}
