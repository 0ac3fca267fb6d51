package tui

import (
	"context"
	"fmt"
	"time"

	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
)

// fakeContacts are fakeView's contacts of record in full, as core would
// decrypt them: the values a test must never find on screen once hidden.
var fakeContacts = map[string][]string{
	"email": {"jane.doe@example.com", "maria.ortiz@example.org"},
	"phone": {"+12025550143"},
}

// Unmask answers as core does: the value until 15 minutes from the fake's
// clock, the reason recorded.
func (f *fakeBackend) Unmask(_ context.Context, _ staff.Token, accountID, field string, index int, reason string) (desk.Unmasked, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return desk.Unmasked{}, f.sessionErr
	}
	f.unmasks = append(f.unmasks, fmt.Sprintf("%s %d: %s", field, index, reason))
	if f.unmaskErr != nil {
		return desk.Unmasked{}, f.unmaskErr
	}
	values := fakeContacts[field]
	if accountID != fakeUUID || index < 0 || index >= len(values) {
		return desk.Unmasked{}, fault.ErrNotFound
	}
	now := fixedNow
	if f.now != nil {
		now = f.now()
	}
	return desk.Unmasked{Field: field, Index: index, Value: values[index], Until: now.Add(15 * time.Minute)}, nil
}
