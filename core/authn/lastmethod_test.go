package authn_test

import (
	"context"
	"errors"
	"testing"

	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
)

// A set of backup codes with none left is no way back in: it does not
// count as an MFA method, so the phone beside it stays the last method.
func TestUsedUpBackupCodesAreNotAMethod(t *testing.T) {
	t.Parallel()
	svc, _, snd, id := setup(t)
	ctx := context.Background()
	s := session(t, svc, snd)
	codes, err := svc.Auth.RegenerateBackupCodes(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if _, err := svc.Auth.VerifyBackupCode(ctx, signIn(t, svc), c); err != nil {
			t.Fatalf("backup code: %v", err)
		}
	}
	s = session(t, svc, snd)
	err = svc.Auth.RemoveMethod(ctx, s, authn.MethodRef{Kind: account.KindPhone, ID: phoneID(t, svc, id)})
	if !errors.Is(err, fault.ErrLastMethod) {
		t.Fatalf("removed the phone, the last usable method, beside a used-up code set: %v", err)
	}
}
