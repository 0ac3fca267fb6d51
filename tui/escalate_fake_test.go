package tui

import (
	"context"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

// Escalate records the escalation and answers as core does: agency desks
// only, a new reference, or escalateErr.
func (f *fakeTickets) Escalate(_ context.Context, tok staff.Token, e helpdesk.Escalation) (ticket.Ticket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.escalations = append(f.escalations, e)
	if roleOf(tok) != access.RoleAgencyDesk {
		return ticket.Ticket{}, fault.ErrNotPermitted
	}
	if f.escalateErr != nil {
		return ticket.Ticket{}, f.escalateErr
	}
	return ticket.Ticket{ID: 123, Ref: ticket.Ref(2026, 123), AccountID: e.AccountID, Category: e.Category,
		Subject: e.Subject, Body: e.Body, Status: ticket.StatusNew}, nil
}
