package authn_test

import (
	"context"
	"slices"
	"testing"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// Sign-in tells nobody whether an email is on an account: the answers to
// repeated wrong passwords are the same for a missing email as for a known
// one, and an account's state (suspended, hard-locked) shows only to whoever
// knows its password.
func TestSignInRevealsNoAccount(t *testing.T) {
	t.Parallel()
	svc, _, _, id := setup(t)
	ctx := context.Background()
	answers := func(addr string) []fault.Code {
		var out []fault.Code
		for i := range 7 {
			_, err := svc.Auth.SignIn(ctx, addr, "wrong password!!", "10.1.0."+string(rune('0'+i)))
			out = append(out, fault.CodeOf(err))
		}
		return out
	}
	known, missing := answers(email), answers("nobody.here@example.com")
	if !slices.Equal(known, missing) {
		t.Fatalf("known %v, missing %v", known, missing)
	}
	if known[len(known)-1] != fault.CodeRateLimited {
		t.Fatalf("no per-address limit after 7 failures: %v", known)
	}
	// A suspended account with a wrong password answers as a missing one.
	err := svc.Store.Write(ctx, func(tx store.Tx) error {
		a, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		a.Status, a.FailedSignIns = account.StatusSuspended, 0
		return tx.UpdateAccount(ctx, &a)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Auth.SignIn(ctx, email, "wrong password!!", "10.2.0.1"); fault.CodeOf(err) != fault.CodeBadCredentials {
		t.Fatalf("a suspended account with a wrong password: %v", err)
	}
	if _, err := svc.Auth.SignIn(ctx, email, password, "10.2.0.2"); fault.CodeOf(err) != fault.CodeSuspended {
		t.Fatalf("a suspended account with its password: %v", err)
	}
}
