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

// SignIn is the password step. It throttles per account (5 failures in 15
// minutes) and per client address (20), counts toward the NIST hard lock,
// and answers an unknown email exactly like a wrong password.
func (e *Engine) SignIn(ctx context.Context, email, password, ip string) (Pending, error) {
	now := e.clock.Now()
	ipKey := "signin:ip:" + e.fingerprintIP(ip)
	var (
		a        account.Account
		known    bool
		ipThr    store.Throttle
		emailThr store.Throttle // an email on no account is limited like one on an account
	)
	norm, normErr := account.NormalizeEmail(email)
	emailKey := ""
	err := e.st.Read(ctx, func(r store.Reader) error {
		var err error
		if ipThr, err = r.Throttle(ctx, ipKey); err != nil {
			return err
		}
		if normErr != nil {
			return nil
		}
		fp := e.keys.Fingerprint("email", norm)
		id, err := r.AccountIDByEmail(ctx, fp)
		if fault.CodeOf(err) == fault.CodeNotFound {
			emailKey = "signin:email:" + hex.EncodeToString(fp[:12])
			emailThr, err = r.Throttle(ctx, emailKey)
			return err
		}
		if err != nil {
			return err
		}
		a, err = r.Account(ctx, id)
		known = err == nil
		return err
	})
	if err != nil {
		return Pending{}, err
	}
	if inWindow(ipThr, now) && ipThr.Count >= account.SignInIPMaxFailure {
		return Pending{}, fault.Limited("sign_in_ip", account.SignInIPMaxFailure, ipThr.WindowStart.Add(account.SignInWindow))
	}
	if known && now.Before(a.WindowStart.Add(account.SignInWindow)) && a.FailedSignIns >= account.SignInMaxFailures {
		return Pending{}, fault.Limited("sign_in", account.SignInMaxFailures, a.WindowStart.Add(account.SignInWindow))
	}
	if emailKey != "" && inWindow(emailThr, now) && emailThr.Count >= account.SignInMaxFailures {
		return Pending{}, fault.Limited("sign_in", account.SignInMaxFailures, emailThr.WindowStart.Add(account.SignInWindow))
	}
	hash := e.dummyHash
	if known {
		hash = a.PasswordHash
	}
	ok, verr := secret.VerifyPassword(password, hash)
	if verr != nil {
		return Pending{}, fault.Storage(verr)
	}
	if known && ok {
		// The account's state shows only to whoever knows its password.
		switch a.Status {
		case account.StatusLocked:
			return Pending{}, fault.New(fault.CodeHardLocked)
		case account.StatusSuspended:
			return Pending{}, fault.New(fault.CodeSuspended)
		}
		err := e.st.Write(ctx, func(tx store.Tx) error {
			cur, err := tx.Account(ctx, a.ID)
			if err != nil {
				return err
			}
			cur.FailedSignIns = 0
			if err := tx.UpdateAccount(ctx, &cur); err != nil {
				return err
			}
			return record(ctx, tx, access.User(a.ID), now, "auth.password_ok", a.ID, "")
		})
		if err != nil {
			return Pending{}, err
		}
		return Pending{accountID: a.ID, at: now}, nil
	}
	err = e.st.Write(ctx, func(tx store.Tx) error {
		thr, err := tx.Throttle(ctx, ipKey)
		if err != nil {
			return err
		}
		if !inWindow(thr, now) {
			thr = store.Throttle{Key: ipKey, WindowStart: now}
		}
		thr.Count++
		if err := tx.PutThrottle(ctx, thr); err != nil {
			return err
		}
		if !known {
			if emailKey == "" {
				return nil
			}
			et, err := tx.Throttle(ctx, emailKey)
			if err != nil {
				return err
			}
			if !inWindow(et, now) {
				et = store.Throttle{Key: emailKey, WindowStart: now}
			}
			et.Count++
			return tx.PutThrottle(ctx, et)
		}
		cur, err := tx.Account(ctx, a.ID)
		if err != nil {
			return err
		}
		if !now.Before(cur.WindowStart.Add(account.SignInWindow)) {
			cur.WindowStart, cur.FailedSignIns = now, 0
		}
		cur.FailedSignIns++
		if err := event(ctx, tx, cur.ID, account.EventSignInFailed, now, "password"); err != nil {
			return err
		}
		return e.countFailure(ctx, tx, &cur, now, "auth.password_failed")
	})
	if err != nil {
		return Pending{}, err
	}
	return Pending{}, fault.ErrBadCredentials
}

// inWindow reports whether a throttle's window is still open at now.
func inWindow(t store.Throttle, now time.Time) bool {
	return !t.WindowStart.IsZero() && now.Before(t.WindowStart.Add(account.SignInWindow))
}

// countFailure adds one to the consecutive-failure counter, hard-locks the
// account at 100 (NIST SP 800-63B 5.2.2), stores it and audits.
func (e *Engine) countFailure(ctx context.Context, tx store.Tx, a *account.Account, now time.Time, action string) error {
	a.ConsecFailures++
	hardLock := a.ConsecFailures >= account.HardLockFailures && a.Status != account.StatusLocked
	if hardLock {
		a.Status = account.StatusLocked
	}
	if err := tx.UpdateAccount(ctx, a); err != nil {
		return err
	}
	if err := record(ctx, tx, access.User(a.ID), now, action, a.ID, ""); err != nil {
		return err
	}
	if !hardLock {
		return nil
	}
	return announce(ctx, tx, access.System, *a, now, account.EventHardLocked, "account.hard_lock", "",
		notify.TemplateHardLocked, nil)
}
