package helpdesk

import (
	"context"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/notify"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// MailActor is the audit actor of what arrives by mail (core/inbox).
var MailActor = access.Actor{ID: "mail-in", Role: access.RoleSystem, Session: "mail"}

// ReopenWindow is how long after it was solved a requester's reply
// reopens a ticket; later, or once closed, the reply opens a new ticket
// that follows the old one.
const ReopenWindow = 7 * 24 * time.Hour

// Joins reports whether a requester's reply at now joins t, rather than
// opening a follow-up ticket.
func Joins(t ticket.Ticket, now time.Time) bool {
	switch t.Status {
	case ticket.StatusClosed:
		return false
	case ticket.StatusSolved:
		solved := t.SolvedAt
		if solved.IsZero() {
			solved = t.UpdatedAt // solved before the date was kept
		}
		return now.Before(solved.Add(ReopenWindow))
	}
	return true
}

// ThreadMail records, in tx, the requester's reply on t: it joins the
// thread, reopens the ticket and starts a next-reply target of the same
// length. Replies are never acknowledged. body may be empty (a mail of
// attachments only, which were removed).
func (d *Desk) ThreadMail(ctx context.Context, tx store.Tx, t *ticket.Ticket, body string, now time.Time) error {
	if len(body) > MaxReplyBytes {
		return &fault.Error{Code: fault.CodeInvalidInput, Field: "message", Max: MaxReplyBytes}
	}
	if err := tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: t.ID, Kind: ticket.MessageInbound, Author: "requester", Body: body, CreatedAt: now}); err != nil {
		return err
	}
	var ev sla.Event
	t.SLA, ev = t.SLA.Restart(d.cal(), now)
	if !ev.IsZero() {
		t.BreachLoggedAt = time.Time{}
	}
	if err := logEvent(ctx, tx, t.ID, ev); err != nil {
		return err
	}
	t.Status, t.UpdatedAt = ticket.StatusOpen, now
	if err := tx.UpdateTicket(ctx, t); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, audit.Record(MailActor, now, "ticket.requester_reply", "ticket", t.Ref, "channel=email"))
}

// FollowUp opens, in tx, a new ticket for a reply to old that came too late
// to join it: same requester, language, category and subject, naming old.
// It is acknowledged under the per-recipient cap, as a new ticket is.
func (d *Desk) FollowUp(ctx context.Context, tx store.Tx, old ticket.Ticket, body string, now time.Time) (ticket.Ticket, error) {
	if len(body) > MaxReplyBytes {
		return ticket.Ticket{}, &fault.Error{Code: fault.CodeInvalidInput, Field: "message", Max: MaxReplyBytes}
	}
	oldAAD := []byte(ticket.RequesterAAD(old.Ref))
	email, err := d.keys.Open(old.RequesterSealed, oldAAD)
	if err != nil {
		return ticket.Ticket{}, fault.Storage(err)
	}
	name, err := d.keys.Open(old.NameSealed, oldAAD)
	if err != nil {
		return ticket.Ticket{}, fault.Storage(err)
	}
	maxID, err := tx.MaxTicketID(ctx)
	if err != nil {
		return ticket.Ticket{}, err
	}
	id := maxID + 1
	zone := d.policy.Load().Zone()
	ref := ticket.Ref(now.In(zone).Year(), id)
	aad := []byte(ticket.RequesterAAD(ref))
	t := ticket.Ticket{ID: id, Ref: ref, Channel: ticket.ChannelEmail, Language: old.Language, Category: old.Category,
		RequesterSealed: d.keys.Seal(email, aad), RequesterFP: old.RequesterFP, NameSealed: d.keys.Seal(name, aad),
		AccountID: old.AccountID, Agency: old.Agency, Subject: old.Subject, Body: body, Status: ticket.StatusNew,
		CreatedAt: now, UpdatedAt: now, SLA: d.Start(now), FollowsRef: old.Ref}
	news := []store.NewTicket{firstWrites(&t, now)}
	if err := acknowledge(ctx, tx, news, zone, now); err != nil {
		return t, err
	}
	if err := tx.InsertTickets(ctx, news); err != nil {
		return t, err
	}
	detail := "channel=email follows=" + old.Ref
	if news[0].Ack == nil {
		detail += " ack=capped"
	}
	return t, tx.AppendAudit(ctx, audit.Record(MailActor, now, "ticket.create", "ticket", ref, detail))
}

// AttachmentNotice caps the "attachments removed" mail: one per ticket a day
// is enough to teach, and more would let mail to the desk bomb the requester.
var AttachmentNotice = limit.Limit{Name: "attachment_notice", Max: 1, Window: 24 * time.Hour}

// NoticeAttachments queues, in tx, the mail telling t's requester that the
// attachments of a message were removed and that identity documents are
// never to be sent by email, at most once a day per ticket.
func (d *Desk) NoticeAttachments(ctx context.Context, tx store.Tx, t ticket.Ticket, now time.Time) error {
	if _, err := AttachmentNotice.Take(ctx, tx, t.Ref, now); err != nil {
		if fault.CodeOf(err) == fault.CodeRateLimited {
			return nil
		}
		return err
	}
	return tx.Enqueue(ctx, &notify.Notification{CreatedAt: now, AccountID: t.AccountID, Channel: notify.ChannelEmail,
		Template: notify.TemplateAttachmentsRemoved, Language: t.Language, ToSealed: t.RequesterSealed,
		AAD: ticket.RequesterAAD(t.Ref), TicketID: t.ID, NextAttempt: now, Data: map[string]string{"ref": t.Ref}})
}

// MarkBounced flags t: mail to its requester bounced for good.
func (d *Desk) MarkBounced(ctx context.Context, tx store.Tx, t *ticket.Ticket, now time.Time) error {
	t.MailBouncedAt = now
	if err := tx.UpdateTicket(ctx, t); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, audit.Record(MailActor, now, "ticket.mail_bounced", "ticket", t.Ref, ""))
}

// CheckTicket authorizes actor to take act on t, as read in the caller's
// transaction; a refusal is audited by the caller's staff.Write.
func CheckTicket(ctx context.Context, r store.Reader, actor access.Actor, act access.Action, t ticket.Ticket) error {
	sc, err := ticketScope(ctx, r, actor, t)
	if err != nil {
		return err
	}
	return staff.Check(actor, act, sc, "ticket", t.Ref)
}
