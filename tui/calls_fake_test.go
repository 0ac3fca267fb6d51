package tui

import (
	"context"
	"fmt"
	"slices"

	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

// fakeCallID is the first call the fake puts on record.
const fakeCallID = 9001

// StartCall puts a phone ticket on record, assigned to the agent and
// answered, with the call.start line core writes.
func (f *fakeTickets) StartCall(_ context.Context, _ staff.Token, language string, category ticket.Category) (ticket.Ticket, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.callLog = append(f.callLog, "start "+language+" "+string(category))
	if f.callErr != nil {
		return ticket.Ticket{}, f.callErr
	}
	id := int64(fakeCallID + len(f.callViews))
	ref := fmt.Sprintf("SD-2026-%06d", id)
	v := &helpdesk.TicketView{ID: id, Version: 1, Ref: ref, Channel: ticket.ChannelPhone, Language: language,
		Category: category, Status: ticket.StatusOpen, Assignee: "agent-1", AssigneeName: "Dana Agent",
		CreatedAt: fixedNow, State: sla.StateFulfilled,
		Messages: []helpdesk.MessageView{{Kind: ticket.MessageInternal, AuthorName: "Dana Agent",
			Body: helpdesk.FormatStep("call.start", "answered", ""), At: fixedNow}}}
	f.tickets[id] = v
	f.callViews = append(f.callViews, id)
	return ticket.Ticket{ID: id, Ref: ref, Channel: ticket.ChannelPhone, Language: language, Category: category,
		Status: ticket.StatusOpen, Assignee: "agent-1", CreatedAt: fixedNow}, nil
}

// RecordStep writes the step line on the call, as core does.
func (f *fakeTickets) RecordStep(_ context.Context, _ staff.Token, id int64, step, outcome, note string) (helpdesk.TicketView, error) {
	return f.callWrite(id, fmt.Sprintf("step %d %s %s: %s", id, step, outcome, note), func(v *helpdesk.TicketView) {
		v.Messages = append(v.Messages, helpdesk.MessageView{Kind: ticket.MessageInternal, AuthorName: "Dana Agent",
			Body: helpdesk.FormatStep(step, outcome, note), At: fixedNow})
	})
}

// EndCall closes the call, solved, with its outcome.
func (f *fakeTickets) EndCall(_ context.Context, _ staff.Token, id int64, outcome, note string) (helpdesk.TicketView, error) {
	return f.callWrite(id, fmt.Sprintf("end %d %s: %s", id, outcome, note), func(v *helpdesk.TicketView) {
		v.Status = ticket.StatusSolved
		v.Messages = append(v.Messages, helpdesk.MessageView{Kind: ticket.MessageInternal, AuthorName: "Dana Agent",
			Body: helpdesk.FormatStep("call.end", outcome, note), At: fixedNow})
	})
}

// callWrite records what and applies fn to a call's ticket; calls carry
// no version, as in core.
func (f *fakeTickets) callWrite(id int64, what string, fn func(v *helpdesk.TicketView)) (helpdesk.TicketView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.callLog = append(f.callLog, what)
	if f.callErr != nil {
		return helpdesk.TicketView{}, f.callErr
	}
	v, ok := f.tickets[id]
	if !ok || v.Channel != ticket.ChannelPhone {
		return helpdesk.TicketView{}, fault.Invalid("ticket", fault.CodeInvalidInput)
	}
	fn(v)
	v.Version++
	out := *v
	out.Messages = slices.Clone(v.Messages)
	return out, nil
}
