package helpdesk

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// A call on record is a ticket on the phone channel, assigned to the agent
// who took it. The caller was answered live, so its SLA target is met at
// once; every guided step, its outcome and the agent's note go on it as
// internal lines, and it shows in the queue, the account's tickets and the
// board like any other ticket.

// stepPrefix starts how a guided step is written on a call's thread: a step and
// an outcome code the console localizes, then the agent's note.
const stepPrefix = "step:"

// FormatStep writes a guided step's line.
func FormatStep(step, outcome, note string) string {
	line := stepPrefix + step + " outcome:" + outcome
	if note = strings.TrimSpace(note); note != "" {
		line += "\n" + note
	}
	return line
}

// ParseStep reads a guided step's line back; ok is false for other lines.
func ParseStep(body string) (step, outcome, note string, ok bool) {
	head, note, _ := strings.Cut(body, "\n")
	rest, found := strings.CutPrefix(head, stepPrefix)
	if !found {
		return "", "", "", false
	}
	step, outcome, found = strings.Cut(rest, " outcome:")
	return step, outcome, note, found
}

// validCode is a step or outcome code: lower-case words, dots and underscores.
func validCode(s string) bool {
	return s != "" && len(s) <= 64 && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_')
	})
}

// StartCall puts a call on record: a phone ticket in the caller's language,
// assigned to the agent, answered at once.
func (d *Desk) StartCall(ctx context.Context, tok staff.Token, language string, category ticket.Category) (ticket.Ticket, error) {
	if !slices.Contains(account.Languages, language) {
		return ticket.Ticket{}, fault.Invalid("language", fault.CodeInvalidInput)
	}
	if category == "" {
		category = ticket.CategoryOther
	}
	if !slices.Contains(ticket.Categories, category) {
		return ticket.Ticket{}, fault.Invalid("category", fault.CodeInvalidInput)
	}
	var out ticket.Ticket
	err := d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		// Whoever verifies callers and works their own tickets takes calls.
		if !actor.Can(access.ActCallerVerify, access.ScopeAny) || !actor.Can(access.ActNote, access.ScopeOwn) {
			return staff.Deny(access.ActCallerVerify, "ticket", "", nil)
		}
		id, err := tx.MaxTicketID(ctx)
		if err != nil {
			return err
		}
		id++
		ref := ticket.Ref(now.In(d.cal().Zone()).Year(), id)
		aad := []byte(ticket.RequesterAAD(ref))
		t := ticket.Ticket{ID: id, Ref: ref, Channel: ticket.ChannelPhone, Language: language, Category: category,
			RequesterSealed: d.keys.Seal(nil, aad), RequesterFP: []byte{}, NameSealed: d.keys.Seal(nil, aad),
			Status: ticket.StatusOpen, Assignee: actor.ID, CreatedAt: now, UpdatedAt: now, SLA: d.Start(now), FirstReplyAt: now}
		activated := t.SLA.Activated()
		var answered sla.Event
		t.SLA, answered = t.SLA.Fulfil(now)
		if err := tx.InsertTicket(ctx, &t); err != nil {
			return err
		}
		for _, ev := range []sla.Event{activated, answered} {
			if err := logEvent(ctx, tx, id, ev); err != nil {
				return err
			}
		}
		if err := tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: id, Kind: ticket.MessageInternal, Author: actor.ID,
			Body: FormatStep("call.start", "answered", ""), CreatedAt: now}); err != nil {
			return err
		}
		out = t
		return tx.AppendAudit(ctx, audit.Record(actor, now, "call.start", "ticket", ref, "language="+language))
	})
	return out, err
}

// RecordStep writes a guided step, its outcome and the agent's note on a
// call's ticket.
func (d *Desk) RecordStep(ctx context.Context, tok staff.Token, id int64, step, outcome, note string) (TicketView, error) {
	if !validCode(step) || !validCode(outcome) {
		return TicketView{}, fault.Invalid("step", fault.CodeInvalidInput)
	}
	if strings.TrimSpace(note) != "" {
		if _, err := checkText(note); err != nil {
			return TicketView{}, err
		}
	}
	if utf8.RuneCountInString(note) > 2000 {
		return TicketView{}, &fault.Error{Code: fault.CodeInvalidInput, Field: "message", Max: 2000}
	}
	err := d.change(ctx, tok, id, 0, access.ActNote, "step="+step+" outcome="+outcome,
		func(tx store.Tx, actor access.Actor, t *ticket.Ticket, now time.Time) error {
			if t.Channel != ticket.ChannelPhone {
				return fault.Invalid("ticket", fault.CodeInvalidInput)
			}
			return tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: t.ID, Kind: ticket.MessageInternal, Author: actor.ID,
				Body: FormatStep(step, outcome, note), CreatedAt: now})
		})
	return d.then(ctx, tok, id, err)
}

// EndCall closes the call with its outcome: solved.
func (d *Desk) EndCall(ctx context.Context, tok staff.Token, id int64, outcome, note string) (TicketView, error) {
	if !validCode(outcome) {
		return TicketView{}, fault.Invalid("step", fault.CodeInvalidInput)
	}
	err := d.change(ctx, tok, id, 0, access.ActSetStatus, "status=solved outcome="+outcome,
		func(tx store.Tx, actor access.Actor, t *ticket.Ticket, now time.Time) error {
			if t.Channel != ticket.ChannelPhone {
				return fault.Invalid("ticket", fault.CodeInvalidInput)
			}
			t.Status = ticket.StatusSolved
			return tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: t.ID, Kind: ticket.MessageInternal, Author: actor.ID,
				Body: FormatStep("call.end", outcome, note), CreatedAt: now})
		})
	return d.then(ctx, tok, id, err)
}

// LinkCall ties a call to the account of a caller this session verified,
// inside the verification's transaction (callers calls it).
func LinkCall(ctx context.Context, tx store.Tx, actor access.Actor, id int64, accountID string, now time.Time) error {
	t, err := tx.Ticket(ctx, id)
	if err != nil {
		return err
	}
	if t.Channel != ticket.ChannelPhone || t.Assignee != actor.ID {
		return staff.Deny(access.ActNote, "ticket", t.Ref, nil)
	}
	t.AccountID, t.UpdatedAt = accountID, now
	if err := tx.UpdateTicket(ctx, &t); err != nil {
		return err
	}
	if err := tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: t.ID, Kind: ticket.MessageInternal, Author: actor.ID,
		Body: FormatStep("caller.verify", "verified", ""), CreatedAt: now}); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, audit.Record(actor, now, "call.link", "ticket", t.Ref, "account="+accountID))
}
