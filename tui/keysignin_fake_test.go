package tui

import (
	"context"

	"supportdesk/core/fault"
	"supportdesk/core/staff"
)

// fakeKey is the fingerprint of the SSH key the fake knows.
const fakeKey = "SHA256:fakeKeyFingerprintForTheConsoleTests000000"

// SignInByKey accepts fakeKey with fakeCode, as SignIn accepts the fake
// agent's email, password and code; the session is of kind ssh.
func (f *fakeBackend) SignInByKey(ctx context.Context, fingerprint, code string) (staff.SignedIn, error) {
	if fingerprint != fakeKey {
		f.mu.Lock()
		f.signIns++
		f.mu.Unlock()
		return staff.SignedIn{}, fault.ErrBadCredentials
	}
	return f.SignIn(ctx, fakeEmail, fakePassword, code, staff.KindSSH)
}

// overSSH reports whether the last session opened was over SSH, where the
// code alone unlocks (the caller holds f.mu).
func (f *fakeBackend) overSSH() bool {
	return len(f.kinds) > 0 && f.kinds[len(f.kinds)-1] == staff.KindSSH
}
