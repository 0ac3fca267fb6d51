package tui

import (
	"context"

	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
)

// CancelReset answers as core does: the reset in fakeView is cancelled
// (the account goes to fraud review when cancelled as fraud), so the next
// look-up shows it so; cancelErr refuses.
func (f *fakeBackend) CancelReset(_ context.Context, _ staff.Token, accountID string, why authn.CancelReason) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return f.sessionErr
	}
	f.cancels = append(f.cancels, string(why)+" "+accountID)
	if f.cancelErr != nil {
		return f.cancelErr
	}
	if accountID != f.view.ID {
		return fault.ErrNotFound
	}
	r := f.view.Reset
	if r == nil || (r.Stage != account.StageWaiting && r.Stage != account.StageGranted) {
		return fault.New(fault.CodeResetNotPending)
	}
	cancelled := *r
	cancelled.Stage, cancelled.CancelledAt, cancelled.CancelledBy = account.StageCancelled, fixedNow, "agent-1"
	f.view.Reset = &cancelled
	if why == authn.CancelSuspectedFraud {
		f.view.Status = account.StatusFraudReview
	}
	return nil
}

// ResendResetNotice answers as core does: only a waiting or granted reset
// has a notice to send again; resendErr refuses (3 an hour).
func (f *fakeBackend) ResendResetNotice(_ context.Context, _ staff.Token, accountID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return f.sessionErr
	}
	f.resends = append(f.resends, accountID)
	if f.resendErr != nil {
		return f.resendErr
	}
	if r := f.view.Reset; accountID != f.view.ID || r == nil || (r.Stage != account.StageWaiting && r.Stage != account.StageGranted) {
		return fault.New(fault.CodeResetNotPending)
	}
	return nil
}
