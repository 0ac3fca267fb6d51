package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"supportdesk/core/callers"
	"supportdesk/core/desk"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// The caller verification of the fakes: fakeContact is the contact of
// record of fakeView (unless noAccount says the fake has no account), and
// the caller reads back fakeCallerCode.
const (
	fakeContact    = "j.doe@example.com"
	fakeCallerCode = "271828"
)

// fakeCheck is the fake's one caller check.
type fakeCheck struct {
	id      string
	account bool // the stated contact is on the account
	tries   int
	expires time.Time
}

// clock is the core's clock of the fake.
func (f *fakeBackend) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return fixedNow
}

// VerifyCaller answers as core does: the same check whether or not the
// stated contact is on an account; a UUID is refused.
func (f *fakeBackend) VerifyCaller(_ context.Context, _ staff.Token, stated string, call int64) (callers.Check, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return callers.Check{}, f.sessionErr
	}
	f.verifies = append(f.verifies, fmt.Sprintf("%s call=%d", stated, call))
	kind, _, err := desk.Classify(stated)
	if err == nil && kind == desk.QueryUUID {
		err = fault.Invalid("query", fault.CodeQueryUnrecognised)
	}
	if err != nil {
		return callers.Check{}, err
	}
	f.check = fakeCheck{id: "check-1", account: strings.EqualFold(strings.TrimSpace(stated), fakeContact) && !f.noAccount,
		expires: f.clock().Add(callers.CodeValidity)}
	return callers.Check{ID: f.check.id, ExpiresAt: f.check.expires}, nil
}

// ConfirmCaller answers as core does: bad_credentials alike for a wrong
// code and for a contact on no account, the third wrong try rate_limited.
func (f *fakeBackend) ConfirmCaller(_ context.Context, _ staff.Token, checkID, code string) (callers.Verified, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return callers.Verified{}, f.sessionErr
	}
	f.confirms = append(f.confirms, code)
	c := &f.check
	switch {
	case checkID != c.id:
		return callers.Verified{}, fault.ErrNotFound
	case !f.clock().Before(c.expires):
		return callers.Verified{}, fault.New(fault.CodeCodeExpired)
	case c.tries >= callers.MaxTries:
		return callers.Verified{}, fault.Limited("caller_code", callers.MaxTries, c.expires)
	}
	c.tries++
	if code != fakeCallerCode || !c.account {
		if c.tries >= callers.MaxTries {
			return callers.Verified{}, fault.Limited("caller_code", callers.MaxTries, c.expires)
		}
		return callers.Verified{}, fault.ErrBadCredentials
	}
	return callers.Verified{CheckID: c.id, Account: f.view, Until: f.clock().Add(callers.Lasts)}, nil
}

// RequestLimiterReset records the request as core would file it.
func (f *fakeBackend) RequestLimiterReset(_ context.Context, _ staff.Token, accountID, limiter, reason string) (dual.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return dual.View{}, f.sessionErr
	}
	f.limiterResets = append(f.limiterResets, limiter+" "+accountID+": "+reason)
	if f.limiterErr != nil {
		return dual.View{}, f.limiterErr
	}
	v := dual.View{DualRequest: store.DualRequest{
		ID: int64(200 + len(f.limiterResets)), Kind: string(dual.KindLimiterReset), Target: accountID, Detail: limiter,
		Reason: reason, RequestedBy: "agent-1", RequestedAt: fixedNow, ExpiresAt: fixedNow.Add(dual.DefaultTTL),
		State: store.DualPending,
	}, RequesterName: "Dana Agent", Mine: true}
	f.requests = append(f.requests, v)
	return v, nil
}

// verifyCaller states fakeContact on the look-up in view and reads the
// right code back, as a caller would.
func verifyCaller(t *testing.T, m *model) {
	t.Helper()
	typeText(m, fakeContact)
	drain(m, send(m, "enter"))
	typeText(m, fakeCallerCode)
	drain(m, send(m, "enter"))
	if m.lookup.view() == nil {
		t.Fatalf("the caller was not verified:\n%s", m.View())
	}
}
