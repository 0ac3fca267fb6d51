package helpdesk

import (
	"context"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/singleflight"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/calendar"
	"supportdesk/core/clock"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/feed"
	"supportdesk/core/notify"
	"supportdesk/core/presence"
	"supportdesk/core/secret"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// Desk works tickets: queue, replies, notes, status, assignment, requester
// replies, the SLA log and the supervisor board, each change audited in the
// transaction that makes it. One Desk serves every console session.
type Desk struct {
	st       store.Store
	keys     *secret.Keyring
	clock    clock.Clock
	policy   atomic.Pointer[Policy] // replaced when closures change
	accounts *desk.Desk
	staff    *staff.Staff
	presence presence.Registry // nil: no presence (UseLive)
	feed     feed.Publisher    // presence notices; nil: none
	// boards lets supervisors whose boards refresh at the same moment
	// share one read of it (every one of them authorized first).
	boards singleflight.Group
}

// NewDesk builds the ticket desk; accounts shows linked accounts, masked;
// staff resolves every call's session to its actor.
func NewDesk(st store.Store, keys *secret.Keyring, c clock.Clock, p Policy, accounts *desk.Desk, s *staff.Staff) *Desk {
	d := &Desk{st: st, keys: keys, clock: c, accounts: accounts, staff: s}
	d.policy.Store(&p)
	return d
}

// ticketScope places a ticket for the actor, from the row as read: agency
// desks need the linked account's agencies as stored now.
func ticketScope(ctx context.Context, r store.Reader, actor access.Actor, t ticket.Ticket) (access.Scope, error) {
	f := access.TicketFacts{Assignee: t.Assignee, Language: t.Language, OpenedBy: t.OpenedBy}
	if actor.Role == access.RoleAgencyDesk && t.AccountID != "" {
		links, err := r.AgencyLinks(ctx, t.AccountID)
		if err != nil {
			return "", err
		}
		for _, l := range links {
			f.AccountAgencies = append(f.AccountAgencies, l.AgencyID)
		}
	}
	return actor.TicketScope(f), nil
}

// cal is the current business calendar.
func (d *Desk) cal() *calendar.Calendar { return d.policy.Load().Cal }

// MaxReplyBytes bounds a reply or note.
const MaxReplyBytes = ticket.MaxBodyBytes

// logEvent appends an SLA event unless the transition did nothing.
func logEvent(ctx context.Context, tx store.Tx, id int64, e sla.Event) error {
	if e.IsZero() {
		return nil
	}
	return tx.InsertSLAEvent(ctx, ticket.LogEntry(id, e))
}

// change loads a ticket at the version the caller saw, authorizes act on
// it as read, lets fn change it, and stores it with an audit entry, all in
// one transaction. A refusal changes nothing but the audit log; a ticket
// changed meanwhile is fault.ErrConflict: the caller reloads.
func (d *Desk) change(ctx context.Context, tok staff.Token, id, version int64, act access.Action, detail string,
	fn func(tx store.Tx, actor access.Actor, t *ticket.Ticket, now time.Time) error) error {
	return d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		t, err := tx.Ticket(ctx, id)
		if fault.CodeOf(err) == fault.CodeNotFound {
			return staff.Deny(act, "ticket", strconv.FormatInt(id, 10), err)
		}
		if err != nil {
			return err
		}
		sc, err := ticketScope(ctx, tx, actor, t)
		if err != nil {
			return err
		}
		if err := staff.Check(actor, act, sc, "ticket", t.Ref); err != nil {
			return err
		}
		if version != 0 && t.Version != version {
			return fault.New(fault.CodeConflict)
		}
		if err := fn(tx, actor, &t, now); err != nil {
			return err
		}
		t.UpdatedAt = now
		if err := tx.UpdateTicket(ctx, &t); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, string(act), "ticket", t.Ref, detail))
	})
}

func checkText(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" || len(s) > MaxReplyBytes || !utf8.ValidString(s) {
		return "", &fault.Error{Code: fault.CodeInvalidInput, Field: "message", Max: MaxReplyBytes}
	}
	return s, nil
}

// reply adds an agent's public reply: it is mailed to the requester in the
// ticket's language, and the first one meets the SLA target.
func (d *Desk) reply(ctx context.Context, tok staff.Token, id, version int64, body string) error {
	body, err := checkText(body)
	if err != nil {
		return err
	}
	return d.change(ctx, tok, id, version, access.ActReply, "", func(tx store.Tx, actor access.Actor, t *ticket.Ticket, now time.Time) error {
		if err := tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: t.ID, Kind: ticket.MessagePublic, Author: actor.ID, Body: body, CreatedAt: now}); err != nil {
			return err
		}
		var ev sla.Event
		t.SLA, ev = t.SLA.Fulfil(now)
		if err := logEvent(ctx, tx, t.ID, ev); err != nil {
			return err
		}
		if t.FirstReplyAt.IsZero() {
			t.FirstReplyAt = now
		}
		if t.Status == ticket.StatusNew {
			t.Status = ticket.StatusOpen
		}
		if t.Assignee == "" {
			t.Assignee = actor.ID
		}
		return tx.Enqueue(ctx, &notify.Notification{CreatedAt: now, AccountID: t.AccountID, Channel: notify.ChannelEmail,
			Template: notify.TemplateTicketReply, Language: t.Language, ToSealed: t.RequesterSealed,
			AAD: ticket.RequesterAAD(t.Ref), TicketID: t.ID, NextAttempt: now,
			Data: map[string]string{"ref": t.Ref, "body": body, "name_sealed": hex.EncodeToString(t.NameSealed)}})
	})
}

// note adds an internal note: never mailed, no effect on the SLA.
func (d *Desk) note(ctx context.Context, tok staff.Token, id, version int64, body string) error {
	body, err := checkText(body)
	if err != nil {
		return err
	}
	return d.change(ctx, tok, id, version, access.ActNote, "", func(tx store.Tx, actor access.Actor, t *ticket.Ticket, now time.Time) error {
		return tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: t.ID, Kind: ticket.MessageInternal, Author: actor.ID, Body: body, CreatedAt: now})
	})
}

// setStatus moves a ticket. Pending pauses the clock; leaving pending
// resumes it with the business time it had left.
func (d *Desk) setStatus(ctx context.Context, tok staff.Token, id, version int64, status ticket.Status) error {
	switch status {
	case ticket.StatusOpen, ticket.StatusPending, ticket.StatusSolved, ticket.StatusClosed:
	default:
		return fault.Invalid("status", fault.CodeInvalidInput)
	}
	return d.change(ctx, tok, id, version, access.ActSetStatus, "status="+string(status), func(tx store.Tx, _ access.Actor, t *ticket.Ticket, now time.Time) error {
		var ev sla.Event
		switch {
		case status == ticket.StatusPending:
			t.SLA, ev = t.SLA.Pause(d.cal(), now)
		case t.Status == ticket.StatusPending:
			t.SLA, ev = t.SLA.Resume(d.cal(), now)
		}
		if status == ticket.StatusSolved && t.Status != ticket.StatusSolved {
			t.SolvedAt = now // a reply within ReopenWindow reopens it
		}
		t.Status = status
		return logEvent(ctx, tx, t.ID, ev)
	})
}

// assign gives the ticket to an agent, or to nobody with "".
func (d *Desk) assign(ctx context.Context, tok staff.Token, id, version int64, agentID string) error {
	return d.change(ctx, tok, id, version, access.ActAssign, "assignee="+agentID, func(tx store.Tx, _ access.Actor, t *ticket.Ticket, now time.Time) error {
		if err := checkAssignee(ctx, tx, agentID, t.Language, now); err != nil {
			return err
		}
		t.Assignee = agentID
		return nil
	})
}

// checkAssignee refuses a target that is not active staff working tickets
// in the ticket's language: no admin, no agency desk, no disabled agent.
func checkAssignee(ctx context.Context, r store.Reader, agentID, language string, now time.Time) error {
	if agentID == "" {
		return nil
	}
	ag, err := r.Agent(ctx, agentID)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return fault.Invalid("assignee", fault.CodeInvalidInput)
	}
	if err != nil {
		return err
	}
	if !ag.Role.WorksTickets() || !ag.DisabledAt.IsZero() || !slices.Contains(ag.Languages, language) {
		return fault.Invalid("assignee", fault.CodeInvalidInput)
	}
	return nil
}

// RequesterReply records a reply from the requester to the ticket ref in
// its own transaction (see ThreadMail; core/inbox calls ThreadMail in the
// transaction that records the mail).
func (d *Desk) RequesterReply(ctx context.Context, ref, body string) (ticket.Ticket, error) {
	body, err := checkText(body)
	if err != nil {
		return ticket.Ticket{}, err
	}
	var out ticket.Ticket
	err = d.st.Write(ctx, func(tx store.Tx) error {
		t, err := tx.TicketByRef(ctx, ref)
		if err != nil {
			return err
		}
		if err := d.ThreadMail(ctx, tx, &t, body, d.clock.Now()); err != nil {
			return err
		}
		out = t
		return nil
	})
	return out, err
}

// LogBreaches writes the "breached" SLA event once for every running clock
// that ran out, and returns how many it logged. The serve loop calls it.
func (d *Desk) LogBreaches(ctx context.Context) (int, error) {
	n := 0
	err := d.st.Write(ctx, func(tx store.Tx) error {
		now := d.clock.Now()
		due, err := tx.BreachCandidates(ctx, now, 1000)
		if err != nil {
			return err
		}
		for _, t := range due {
			t.BreachLoggedAt = now
			if err := logEvent(ctx, tx, t.ID, sla.Event{Kind: sla.EventBreached, At: t.SLA.Due, Due: t.SLA.Due}); err != nil {
				return err
			}
			if err := tx.UpdateTicket(ctx, &t); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, audit.Record(access.System, now, "ticket.sla_breached", "ticket", t.Ref, "")); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
