package authn

import (
	"context"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// methodCount counts every MFA method: phones, auth apps, keys, cards and
// the backup-code set.
func methodCount(ctx context.Context, r store.Reader, accountID string) (phones []account.Phone, methods []account.Method, err error) {
	if phones, err = r.Phones(ctx, accountID); err != nil {
		return nil, nil, err
	}
	methods, err = r.Methods(ctx, accountID)
	return phones, methods, err
}

// usableCount counts the methods that can still sign the user in: a set of
// backup codes with every code used is no way back, so it does not count.
func usableCount(ctx context.Context, r store.Reader, accountID string, phones []account.Phone, methods []account.Method) (int, error) {
	n := len(phones)
	for _, m := range methods {
		if m.Kind != account.KindBackupCodes {
			n++
			continue
		}
		left, err := codesLeft(ctx, r, accountID)
		if err != nil {
			return 0, err
		}
		if left > 0 {
			n++
		}
	}
	return n, nil
}

func codesLeft(ctx context.Context, r store.Reader, accountID string) (int, error) {
	codes, err := r.BackupCodes(ctx, accountID)
	left := 0
	for _, c := range codes {
		if c.UsedAt.IsZero() {
			left++
		}
	}
	return left, err
}

// isUsable reports whether the method ref names can still sign in; a
// method that is not found counts as usable, so nothing slips through.
func isUsable(ctx context.Context, r store.Reader, accountID string, ref MethodRef, methods []account.Method) bool {
	if ref.Kind != account.KindBackupCodes {
		return true
	}
	for _, m := range methods {
		if m.ID == ref.ID && m.Kind == account.KindBackupCodes {
			left, err := codesLeft(ctx, r, accountID)
			return err != nil || left > 0
		}
	}
	return true
}

// bound runs fn for a signed-in user and, on success, records the event,
// the audit entry and the notification to every address of record.
func (e *Engine) bound(ctx context.Context, s Session, kind account.EventKind, tmpl notify.Template, detail string,
	fn func(tx store.Tx, a account.Account) error) error {
	if err := e.checkSession(s); err != nil {
		return err
	}
	now := e.clock.Now()
	return e.st.Write(ctx, func(tx store.Tx) error {
		a, err := tx.Account(ctx, s.accountID)
		if err != nil {
			return err
		}
		if err := fn(tx, a); err != nil {
			return err
		}
		return announce(ctx, tx, access.User(a.ID), a, now, kind, "mfa."+string(kind), detail, tmpl,
			map[string]string{"kind": detail})
	})
}

// AddAuthApp binds a TOTP app once the user proves it with a current code.
func (e *Engine) AddAuthApp(ctx context.Context, s Session, name, seed, code string) error {
	if err := e.checkSession(s); err != nil {
		return err // who asks comes before what it sent
	}
	now := e.clock.Now()
	step, ok := MatchTOTP(seed, code, now)
	if !ok {
		return fault.Invalid("code", fault.CodeBadCredentials)
	}
	return e.bound(ctx, s, account.EventAuthenticatorAdded, notify.TemplateMethodAdded, string(account.KindAuthApp),
		func(tx store.Tx, a account.Account) error {
			_, methods, err := methodCount(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			apps := 0
			for _, m := range methods {
				if m.Kind == account.KindAuthApp {
					apps++
				}
			}
			if apps >= account.MaxAuthApps {
				return &fault.Error{Code: fault.CodeLimitReached, Limit: "auth_app", Max: account.MaxAuthApps}
			}
			return tx.InsertMethod(ctx, &account.Method{AccountID: a.ID, Kind: account.KindAuthApp, Name: name,
				CreatedAt: now, Sealed: e.keys.Seal([]byte(seed), MethodAAD(a.ID)), LastStep: step})
		})
}

// AddPhone binds another phone (confirmed by the caller of this function).
func (e *Engine) AddPhone(ctx context.Context, s Session, phone string, d account.Delivery) error {
	num, err := account.NormalizePhone(phone)
	if err != nil {
		return err
	}
	now := e.clock.Now()
	return e.bound(ctx, s, account.EventPhoneConfirmed, notify.TemplateMethodAdded, string(account.KindPhone),
		func(tx store.Tx, a account.Account) error {
			phones, _, err := methodCount(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			if len(phones) >= account.MaxPhones {
				return &fault.Error{Code: fault.CodeLimitReached, Limit: "phone", Max: account.MaxPhones}
			}
			return tx.InsertPhone(ctx, &account.Phone{AccountID: a.ID, Sealed: e.keys.Seal([]byte(num), ContactAAD(a.ID)),
				FP: e.keys.Fingerprint("phone", num), Delivery: d, Default: len(phones) == 0, CreatedAt: now})
		})
}

// RegenerateBackupCodes replaces the set with ten new codes and returns
// them, the only time they exist in plaintext.
func (e *Engine) RegenerateBackupCodes(ctx context.Context, s Session) ([]string, error) {
	codes := make([]string, account.BackupCodeCount)
	for i := range codes {
		codes[i] = secret.RandomCrockford(account.BackupCodeLength)
	}
	now := e.clock.Now()
	err := e.bound(ctx, s, account.EventBackupCodesAdded, notify.TemplateMethodAdded, string(account.KindBackupCodes),
		func(tx store.Tx, a account.Account) error {
			rows := make([]account.BackupCode, len(codes))
			for i, c := range codes {
				rows[i] = account.BackupCode{AccountID: a.ID, Index: i, Hash: e.keys.HashCode("backup:"+a.ID, c)}
			}
			if err := tx.PutBackupCodes(ctx, a.ID, rows); err != nil {
				return err
			}
			_, methods, err := methodCount(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			for _, m := range methods {
				if m.Kind == account.KindBackupCodes {
					return nil
				}
			}
			return tx.InsertMethod(ctx, &account.Method{AccountID: a.ID, Kind: account.KindBackupCodes, CreatedAt: now})
		})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// MethodRef names one MFA method of an account.
type MethodRef struct {
	Kind account.MethodKind // KindPhone for a phone
	ID   int64
}

// RemoveMethod unbinds a method, never the last one.
func (e *Engine) RemoveMethod(ctx context.Context, s Session, ref MethodRef) error {
	kind := account.EventAuthenticatorRemoved
	if ref.Kind == account.KindPhone {
		kind = account.EventPhoneRemoved
	}
	return e.bound(ctx, s, kind, notify.TemplateMethodRemoved, string(ref.Kind),
		func(tx store.Tx, a account.Account) error {
			phones, methods, err := methodCount(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			usable, err := usableCount(ctx, tx, a.ID, phones, methods)
			if err != nil {
				return err
			}
			// Removing a method that is not usable (a used-up code set)
			// leaves the usable ones; removing a usable one needs another.
			if usable <= 1 && isUsable(ctx, tx, a.ID, ref, methods) {
				return fault.ErrLastMethod
			}
			if ref.Kind == account.KindPhone {
				return tx.DeletePhone(ctx, a.ID, ref.ID)
			}
			for _, m := range methods {
				if m.ID == ref.ID && m.Kind == account.KindBackupCodes {
					if err := tx.PutBackupCodes(ctx, a.ID, nil); err != nil {
						return err
					}
				}
			}
			return tx.DeleteMethod(ctx, a.ID, ref.ID)
		})
}

// UsePersonalKey reactivates an IAL2 profile that a password reset
// deactivated, and issues a new key: each key works once.
func (e *Engine) UsePersonalKey(ctx context.Context, s Session, key string) (string, error) {
	if err := e.checkSession(s); err != nil {
		return "", err
	}
	now := e.clock.Now()
	key = secret.NormalizeCrockford(key)
	fresh := secret.RandomCrockford(account.PersonalKeyLength)
	var outcome error
	err := e.st.Write(ctx, func(tx store.Tx) error {
		outcome = nil
		// Only wrong keys count, so the window is read first and taken
		// on a failure.
		st, err := limit.PersonalKey.Status(ctx, tx, s.accountID, now)
		if err != nil {
			return err
		}
		if st.Exhausted() {
			outcome = fault.Limited(limit.PersonalKey.Name, st.Max, st.ClearsAt)
			return nil
		}
		a, err := tx.Account(ctx, s.accountID)
		if err != nil {
			return err
		}
		p, err := tx.Profile(ctx, a.ID)
		if err != nil {
			return err
		}
		if p == nil || !e.keys.CodeMatches("personal_key:"+a.ID, key, p.PersonalKeyHash) {
			outcome = fault.ErrBadCredentials
			if _, err := limit.PersonalKey.Take(ctx, tx, s.accountID, now); err != nil {
				return err
			}
			return record(ctx, tx, access.User(a.ID), now, "profile.personal_key_failed", a.ID, "")
		}
		p.State, p.DeactivationReason = account.ProfileActive, ""
		p.PersonalKeyHash, p.PersonalKeyAt = e.keys.HashCode("personal_key:"+a.ID, fresh), now
		if err := tx.PutProfile(ctx, *p); err != nil {
			return err
		}
		return announce(ctx, tx, access.User(a.ID), a, now, account.EventPersonalKeyUsed, "profile.personal_key_used", "",
			notify.TemplatePersonalKeyUsed, nil)
	})
	if err != nil {
		return "", err
	}
	if outcome != nil {
		return "", outcome
	}
	return secret.FormatPersonalKey(fresh), nil
}
