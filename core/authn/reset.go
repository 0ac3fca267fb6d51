package authn

import (
	"context"
	"encoding/hex"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// ResetTokenAAD binds a sealed deletion-link token to its account.
func ResetTokenAAD(accountID string) []byte { return []byte("reset_token:" + accountID) }

// RequestReset starts the account reset for a user who has lost every MFA
// method. It needs the password step and notifies every address of record.
func (e *Engine) RequestReset(ctx context.Context, p Pending) error {
	if err := e.checkPending(p); err != nil {
		return err
	}
	now := e.clock.Now()
	return e.st.Write(ctx, func(tx store.Tx) error {
		a, err := tx.Account(ctx, p.accountID)
		if err != nil {
			return err
		}
		r, err := tx.Reset(ctx, a.ID)
		if err != nil {
			return err
		}
		if st := r.StageAt(now); st == account.StageWaiting || st == account.StageGranted {
			return fault.ErrConflict
		}
		if err := tx.PutReset(ctx, account.Reset{AccountID: a.ID, RequestedAt: now}); err != nil {
			return err
		}
		a.Status = account.StatusResetPending
		if err := tx.UpdateAccount(ctx, &a); err != nil {
			return err
		}
		return announce(ctx, tx, access.User(a.ID), a, now, account.EventResetRequested, "account_reset.request", "",
			notify.TemplateResetRequested, nil)
	})
}

// GrantDue grants every request whose 24-hour wait has passed: it sets a
// deletion token valid 24 hours and queues the "granted" notice carrying
// it, sealed. It returns how many it granted.
func (e *Engine) GrantDue(ctx context.Context) (int, error) {
	now := e.clock.Now()
	granted := 0
	err := e.st.Write(ctx, func(tx store.Tx) error {
		due, err := tx.ResetsDue(ctx, now.Add(-account.ResetWait), 500)
		if err != nil {
			return err
		}
		for _, r := range due {
			if r.StageAt(now) != account.StageGranted {
				continue // expired before the job ran: the user must ask again
			}
			a, err := tx.Account(ctx, r.AccountID)
			if err != nil {
				return err
			}
			token := secret.RandomCrockford(26)
			r.GrantedAt, r.TokenHash = now, e.keys.HashCode("reset:"+a.ID, token)
			if err := tx.PutReset(ctx, r); err != nil {
				return err
			}
			sealed := hex.EncodeToString(e.keys.Seal([]byte(token), ResetTokenAAD(a.ID)))
			if err := announce(ctx, tx, access.System, a, now, account.EventResetGranted, "account_reset.grant", "",
				notify.TemplateResetGranted, map[string]string{"token_sealed": sealed}); err != nil {
				return err
			}
			granted++
		}
		return nil
	})
	return granted, err
}

// ExpireLapsed closes every granted request whose deletion link expired
// unused: the request goes, the account leaves "reset pending", and the
// user must ask again. It returns how many it closed.
func (e *Engine) ExpireLapsed(ctx context.Context) (int, error) {
	now := e.clock.Now()
	n := 0
	err := e.st.Write(ctx, func(tx store.Tx) error {
		n = 0
		lapsed, err := tx.ResetsLapsed(ctx, now.Add(-account.ResetValidity), 500)
		if err != nil {
			return err
		}
		for _, r := range lapsed {
			if r.StageAt(now) != account.StageExpired {
				continue
			}
			a, err := tx.Account(ctx, r.AccountID)
			if err != nil {
				return err
			}
			if err := tx.DeleteReset(ctx, a.ID); err != nil {
				return err
			}
			if a.Status == account.StatusResetPending {
				a.Status = account.StatusActive
				if err := tx.UpdateAccount(ctx, &a); err != nil {
					return err
				}
			}
			if err := record(ctx, tx, access.System, now, "account_reset.expire", a.ID, ""); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// DeleteWithToken deletes the account through the granted link. Addresses
// are notified before the rows go; an IAL2 user proofs again afterwards.
func (e *Engine) DeleteWithToken(ctx context.Context, accountID, token string) error {
	now := e.clock.Now()
	token = secret.NormalizeCrockford(token)
	return e.st.Write(ctx, func(tx store.Tx) error {
		a, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		r, err := tx.Reset(ctx, a.ID)
		if err != nil {
			return err
		}
		switch r.StageAt(now) {
		case account.StageGranted:
		case account.StageExpired:
			return fault.New(fault.CodeResetExpired)
		case account.StageWaiting:
			return fault.New(fault.CodeResetNotGranted)
		default:
			return fault.New(fault.CodeResetNotPending)
		}
		if len(r.TokenHash) == 0 || !e.keys.CodeMatches("reset:"+a.ID, token, r.TokenHash) {
			return fault.ErrBadCredentials
		}
		if err := notifyAll(ctx, tx, a, notify.TemplateAccountDeleted, now, nil); err != nil {
			return err
		}
		if err := tx.DeleteAccount(ctx, a.ID); err != nil {
			return err
		}
		return record(ctx, tx, access.User(a.ID), now, "account_reset.delete", a.ID, "")
	})
}

// CancelReason says why a reset was cancelled.
type CancelReason string

// The reasons.
const (
	CancelByUser         CancelReason = "user"            // the cancel link
	CancelVerifiedCaller CancelReason = "verified_caller" // an agent, on a verified caller's word
	CancelSuspectedFraud CancelReason = "fraud"           // an agent, as fraud
)

// CancelReset is the user's cancel link: a user cancels its own request.
// Staff cancel through the desk, which resolves their session and calls
// CancelResetTx inside its transaction.
func (e *Engine) CancelReset(ctx context.Context, actor access.Actor, accountID string, why CancelReason) error {
	if actor.Role != access.RoleUser || actor.ID != accountID || why != CancelByUser {
		return fault.ErrNotPermitted
	}
	if err := actor.Authorize(access.ActAccountSelf, access.ScopeOwn); err != nil {
		return err
	}
	return e.st.Write(ctx, func(tx store.Tx) error {
		return CancelResetTx(ctx, tx, actor, accountID, why, e.clock.Now())
	})
}

// CancelResetTx cancels a waiting or granted request inside tx, for an
// actor the caller already authorized, and notifies every address.
func CancelResetTx(ctx context.Context, tx store.Tx, actor access.Actor, accountID string, why CancelReason, now time.Time) error {
	switch why {
	case CancelByUser, CancelVerifiedCaller, CancelSuspectedFraud:
	default:
		return fault.Invalid("reason", fault.CodeInvalidInput)
	}
	a, err := tx.Account(ctx, accountID)
	if err != nil {
		return err
	}
	r, err := tx.Reset(ctx, a.ID)
	if err != nil {
		return err
	}
	if st := r.StageAt(now); st != account.StageWaiting && st != account.StageGranted {
		return fault.New(fault.CodeResetNotPending)
	}
	r.CancelledAt, r.CancelledBy, r.TokenHash = now, actor.ID, nil
	if err := tx.PutReset(ctx, *r); err != nil {
		return err
	}
	if a.Status == account.StatusResetPending {
		a.Status = account.StatusActive
	}
	if why == CancelSuspectedFraud {
		a.Status = account.StatusFraudReview
	}
	if err := tx.UpdateAccount(ctx, &a); err != nil {
		return err
	}
	return announce(ctx, tx, actor, a, now, account.EventResetCancelled, "account_reset.cancel", string(why),
		notify.TemplateResetCancelled, nil)
}
