package authn

import (
	"context"
	"slices"
	"unicode/utf8"

	"github.com/google/uuid"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// NewAccount is what sign-up collects: an email, a password, the language
// of emails, and a first MFA method (a phone).
type NewAccount struct {
	Email    string
	Password string
	Language string
	Phone    string
	Delivery account.Delivery
}

// CheckPassword applies the length rule (12..128 characters).
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < account.PasswordMinLength || n > account.PasswordMaxLength {
		return &fault.Error{Code: fault.CodePasswordLength, Field: "password", Max: account.PasswordMaxLength}
	}
	return nil
}

// CreateAccount signs a user up. The account starts with its phone as the
// one MFA method it must always keep.
func (e *Engine) CreateAccount(ctx context.Context, actor access.Actor, in NewAccount) (string, error) {
	if err := actor.Authorize(access.ActAccountCreate, access.ScopeGlobal); err != nil {
		return "", err
	}
	email, err := account.NormalizeEmail(in.Email)
	if err != nil {
		return "", err
	}
	phone, err := account.NormalizePhone(in.Phone)
	if err != nil {
		return "", err
	}
	if err := CheckPassword(in.Password); err != nil {
		return "", err
	}
	if !slices.Contains(account.Languages, in.Language) {
		return "", fault.Invalid("language", fault.CodeInvalidInput)
	}
	if in.Delivery == "" {
		in.Delivery = account.DeliverySMS
	}
	hash, err := secret.HashPassword(in.Password, e.argon)
	if err != nil {
		return "", fault.Storage(err)
	}
	now := e.clock.Now()
	id := uuid.NewString()
	a := account.Account{ID: id, CreatedAt: now, EmailLanguage: in.Language, Status: account.StatusActive,
		IAL: 1, PasswordHash: hash}
	err = e.st.Write(ctx, func(tx store.Tx) error {
		if err := tx.InsertAccount(ctx, a); err != nil {
			return err
		}
		em := &account.Email{AccountID: id, Sealed: e.keys.Seal([]byte(email), ContactAAD(id)),
			FP: e.keys.Fingerprint("email", email), CreatedAt: now, ConfirmedAt: now}
		if err := tx.InsertEmail(ctx, em); err != nil {
			return err
		}
		ph := &account.Phone{AccountID: id, Sealed: e.keys.Seal([]byte(phone), ContactAAD(id)),
			FP: e.keys.Fingerprint("phone", phone), Delivery: in.Delivery, Default: true, CreatedAt: now}
		if err := tx.InsertPhone(ctx, ph); err != nil {
			return err
		}
		if err := event(ctx, tx, id, account.EventAccountCreated, now, ""); err != nil {
			return err
		}
		if err := event(ctx, tx, id, account.EventPhoneConfirmed, now, string(in.Delivery)); err != nil {
			return err
		}
		return record(ctx, tx, actor, now, "account.create", id, "")
	})
	if err != nil {
		return "", err
	}
	return id, nil
}
