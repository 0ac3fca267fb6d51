package authn

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strconv"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// totpOpts are Login.gov's TOTP settings: 6 digits, 30 s steps.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPSkew is how many steps either side of now are accepted.
const TOTPSkew = 1

// verdict is what a second-factor check decided inside its transaction.
type verdict struct {
	ok     bool
	reused bool   // a code that was already used
	detail string // method kind, for the event
}

// secondFactor runs check inside one write transaction with the MFA lock,
// failure counters, hard lock, success bookkeeping and audit around it.
// Failures are committed even though an error is returned.
func (e *Engine) secondFactor(ctx context.Context, p Pending, check func(tx store.Tx, a *account.Account, now time.Time) (verdict, error)) (Session, error) {
	if err := e.checkPending(p); err != nil {
		return Session{}, err
	}
	now := e.clock.Now()
	var outcome error
	err := e.st.Write(ctx, func(tx store.Tx) error {
		outcome = nil
		a, err := tx.Account(ctx, p.accountID)
		if err != nil {
			return err
		}
		if a.Status == account.StatusLocked {
			outcome = fault.New(fault.CodeHardLocked)
			return nil
		}
		if now.Before(a.LockedUntil) {
			outcome = &fault.Error{Code: fault.CodeLocked, Until: a.LockedUntil}
			return nil
		}
		v, err := check(tx, &a, now)
		if err != nil {
			return err
		}
		if v.ok {
			return e.succeed(ctx, tx, &a, now, v.detail)
		}
		a.FailedMFA++
		outcome = fault.ErrBadCredentials
		if v.reused {
			outcome = fault.New(fault.CodeCodeReused)
		}
		if err := event(ctx, tx, a.ID, account.EventSignIn2FAFailed, now, v.detail); err != nil {
			return err
		}
		if a.FailedMFA >= account.MFAMaxAttempts {
			a.FailedMFA = 0
			a.LockedUntil = now.Add(account.MFALockout)
			outcome = &fault.Error{Code: fault.CodeLocked, Until: a.LockedUntil}
			if err := event(ctx, tx, a.ID, account.EventMFALocked, now, ""); err != nil {
				return err
			}
		}
		return e.countFailure(ctx, tx, &a, now, "auth.mfa_failed")
	})
	if err != nil {
		return Session{}, err
	}
	if outcome != nil {
		return Session{}, outcome
	}
	return Session{accountID: p.accountID, at: now}, nil
}

// succeed clears the counters, records the sign-in and cancels a pending
// account reset: signing in proves the user still holds a method.
func (e *Engine) succeed(ctx context.Context, tx store.Tx, a *account.Account, now time.Time, detail string) error {
	a.FailedMFA, a.ConsecFailures, a.LockedUntil = 0, 0, time.Time{}
	r, err := tx.Reset(ctx, a.ID)
	if err != nil {
		return err
	}
	cancel := r != nil && r.DeletedAt.IsZero() && (r.StageAt(now) == account.StageWaiting || r.StageAt(now) == account.StageGranted)
	if cancel {
		r.CancelledAt, r.CancelledBy = now, "sign_in"
		if err := tx.PutReset(ctx, *r); err != nil {
			return err
		}
		if a.Status == account.StatusResetPending {
			a.Status = account.StatusActive
		}
	}
	if err := tx.UpdateAccount(ctx, a); err != nil {
		return err
	}
	if err := event(ctx, tx, a.ID, account.EventSignIn, now, detail); err != nil {
		return err
	}
	if err := record(ctx, tx, access.User(a.ID), now, "auth.sign_in", a.ID, detail); err != nil {
		return err
	}
	if !cancel {
		return nil
	}
	return announce(ctx, tx, access.User(a.ID), *a, now, account.EventResetCancelled, "account_reset.cancel", "sign_in",
		notify.TemplateResetCancelled, nil)
}

// SendOTP sends a 6-digit code valid 10 minutes to one of the account's
// phones, at most 10 sends in 10 minutes. A new code replaces the old.
func (e *Engine) SendOTP(ctx context.Context, p Pending, phoneID int64) error {
	if err := e.checkPending(p); err != nil {
		return err
	}
	now := e.clock.Now()
	code := secret.RandomDigits(account.OTPLength)
	var phone account.Phone
	var lang string
	err := e.st.Write(ctx, func(tx store.Tx) error {
		// 10 in 10 minutes, and 20 a day (the limiter agents see).
		for _, l := range []limit.Limit{limit.OTPBurst, limit.PhoneOTP} {
			if st, err := l.Status(ctx, tx, p.accountID, now); err != nil {
				return err
			} else if st.Exhausted() {
				return fault.Limited(l.Name, l.Max, st.ClearsAt)
			}
		}
		for _, l := range []limit.Limit{limit.OTPBurst, limit.PhoneOTP} {
			if _, err := l.Take(ctx, tx, p.accountID, now); err != nil {
				return err
			}
		}
		a, err := tx.Account(ctx, p.accountID)
		if err != nil {
			return err
		}
		lang = a.EmailLanguage
		phones, err := tx.Phones(ctx, p.accountID)
		if err != nil {
			return err
		}
		found := false
		for _, ph := range phones {
			if ph.ID == phoneID {
				phone, found = ph, true
			}
		}
		if !found {
			return fault.New(fault.CodeNotFound)
		}
		oc := &store.OneTimeCode{AccountID: p.accountID, PhoneID: phoneID,
			Hash: e.keys.HashCode("otp:"+p.accountID, code), ExpiresAt: now.Add(account.OTPValidity)}
		if err := tx.PutOneTimeCode(ctx, oc); err != nil {
			return err
		}
		return record(ctx, tx, access.User(p.accountID), now, "auth.otp_sent", p.accountID, string(phone.Delivery))
	})
	if err != nil {
		return err
	}
	num, err := e.keys.Open(phone.Sealed, ContactAAD(p.accountID))
	if err != nil {
		return fault.Storage(fmt.Errorf("open phone: %w", err))
	}
	return e.sender.SendOTP(ctx, string(num), phone.Delivery, code, lang)
}

// VerifyOTP checks the SMS/voice code: single use, 10 minutes.
func (e *Engine) VerifyOTP(ctx context.Context, p Pending, code string) (Session, error) {
	var expired bool
	s, err := e.secondFactor(ctx, p, func(tx store.Tx, a *account.Account, now time.Time) (verdict, error) {
		v := verdict{detail: string(account.KindPhone)}
		oc, err := tx.OneTimeCode(ctx, a.ID)
		if err != nil || oc == nil {
			return v, err
		}
		if !now.Before(oc.ExpiresAt) {
			expired = true
			return v, tx.ClearOneTimeCode(ctx, a.ID)
		}
		if !e.keys.CodeMatches("otp:"+a.ID, code, oc.Hash) {
			return v, nil
		}
		v.ok = true
		return v, tx.ClearOneTimeCode(ctx, a.ID)
	})
	if expired && fault.CodeOf(err) == fault.CodeBadCredentials {
		return s, fault.New(fault.CodeCodeExpired)
	}
	return s, err
}

// VerifyTOTP checks a code from one of the account's auth apps, accepting
// one step either side and refusing any step at or before the last one
// accepted (replay).
func (e *Engine) VerifyTOTP(ctx context.Context, p Pending, code string) (Session, error) {
	return e.secondFactor(ctx, p, func(tx store.Tx, a *account.Account, now time.Time) (verdict, error) {
		v := verdict{detail: string(account.KindAuthApp)}
		methods, err := tx.Methods(ctx, a.ID)
		if err != nil {
			return v, err
		}
		for _, m := range methods {
			if m.Kind != account.KindAuthApp {
				continue
			}
			seed, err := e.keys.Open(m.Sealed, MethodAAD(a.ID))
			if err != nil {
				return v, fault.Storage(err)
			}
			step, match := MatchTOTP(string(seed), code, now)
			if !match {
				continue
			}
			if step <= m.LastStep {
				v.reused = true
				return v, nil
			}
			m.LastStep, m.LastUsed = step, now
			v.ok = true
			return v, tx.UpdateMethod(ctx, m)
		}
		return v, nil
	})
}

// MethodAAD binds a sealed TOTP seed to its account.
func MethodAAD(accountID string) []byte { return []byte("totp:" + accountID) }

// MatchTOTP returns the step whose code equals code, within the skew.
func MatchTOTP(seed, code string, now time.Time) (int64, bool) {
	cur := now.Unix() / int64(totpOpts.Period)
	for d := -TOTPSkew; d <= TOTPSkew; d++ {
		step := cur + int64(d)
		want, err := totp.GenerateCodeCustom(seed, time.Unix(step*int64(totpOpts.Period), 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if len(code) == len(want) && subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// VerifyBackupCode spends one of the ten single-use backup codes and tells
// every address of record.
func (e *Engine) VerifyBackupCode(ctx context.Context, p Pending, code string) (Session, error) {
	code = secret.NormalizeCrockford(code)
	return e.secondFactor(ctx, p, func(tx store.Tx, a *account.Account, now time.Time) (verdict, error) {
		v := verdict{detail: string(account.KindBackupCodes)}
		codes, err := tx.BackupCodes(ctx, a.ID)
		if err != nil {
			return v, err
		}
		remaining := 0
		matched := -1
		for _, c := range codes {
			hit := e.keys.CodeMatches("backup:"+a.ID, code, c.Hash)
			if hit && !c.UsedAt.IsZero() {
				v.reused = true
				return v, nil
			}
			if hit {
				matched = c.Index
			} else if c.UsedAt.IsZero() {
				remaining++
			}
		}
		if matched < 0 {
			return v, nil
		}
		if err := tx.UseBackupCode(ctx, a.ID, matched, now); err != nil {
			return v, err
		}
		if err := event(ctx, tx, a.ID, account.EventBackupCodeUsed, now, strconv.Itoa(remaining)); err != nil {
			return v, err
		}
		v.ok = true
		return v, notifyAll(ctx, tx, *a, notify.TemplateBackupCodeUsed, now, map[string]string{"remaining": strconv.Itoa(remaining)})
	})
}
