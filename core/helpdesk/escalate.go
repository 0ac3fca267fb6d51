package helpdesk

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/safetext"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// Escalation is what an agency help desk sends the contact center about an
// account linked to its agency.
type Escalation struct {
	AccountID string
	Category  ticket.Category
	Subject   string
	Body      string
}

// Escalate opens a ticket for the contact center about an account in the
// agency desk's scope: linked to the account, addressed to its first email
// of record (replies reach the user), in the account's language, marked as
// opened by the desk, which then sees it. No acknowledgement goes out: the
// desk has just spoken with the user.
func (d *Desk) Escalate(ctx context.Context, tok staff.Token, e Escalation) (ticket.Ticket, error) {
	subject := strings.TrimSpace(e.Subject)
	if n := utf8.RuneCountInString(subject); n == 0 || n > ticket.MaxSubjectLength || !safetext.ValidLine(subject) {
		return ticket.Ticket{}, &fault.Error{Code: fault.CodeInvalidInput, Field: "subject", Max: ticket.MaxSubjectLength}
	}
	body, err := checkText(e.Body)
	if err != nil {
		return ticket.Ticket{}, err
	}
	if e.Category == "" {
		e.Category = ticket.CategoryOther
	}
	if !slices.Contains(ticket.Categories, e.Category) {
		return ticket.Ticket{}, fault.Invalid("category", fault.CodeInvalidInput)
	}
	var out ticket.Ticket
	err = d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		links, err := tx.AgencyLinks(ctx, e.AccountID)
		if err != nil {
			return err
		}
		var linked []string
		for _, l := range links {
			linked = append(linked, l.AgencyID)
		}
		sc := actor.AccountScope(linked)
		if sc == access.ScopeOutside {
			// Out of scope answers as a missing account does.
			return staff.Deny(access.ActEscalate, "account", e.AccountID, fault.ErrNotFound)
		}
		if err := staff.Check(actor, access.ActEscalate, sc, "account", e.AccountID); err != nil {
			return err
		}
		a, err := tx.Account(ctx, e.AccountID)
		if err != nil {
			return err
		}
		emails, err := tx.Emails(ctx, a.ID)
		if err != nil {
			return err
		}
		if len(emails) == 0 {
			return fault.ErrNotFound
		}
		plain, err := d.keys.Open(emails[0].Sealed, authn.ContactAAD(a.ID))
		if err != nil {
			return fault.Storage(err)
		}
		agency := ""
		for _, ag := range linked {
			if slices.Contains(actor.Agencies, ag) {
				agency = ag
				break
			}
		}
		id, err := tx.MaxTicketID(ctx)
		if err != nil {
			return err
		}
		id++
		ref := ticket.Ref(now.In(d.cal().Zone()).Year(), id)
		aad := []byte(ticket.RequesterAAD(ref))
		// The channel is the web console's; OpenedBy marks the escalation.
		t := ticket.Ticket{ID: id, Ref: ref, Channel: ticket.ChannelWeb, Language: a.EmailLanguage, Category: e.Category,
			RequesterSealed: d.keys.Seal(plain, aad), RequesterFP: d.keys.Fingerprint("email", string(plain)),
			NameSealed: d.keys.Seal(nil, aad), AccountID: a.ID, Agency: agency, Subject: subject, Body: body,
			Status: ticket.StatusNew, CreatedAt: now, UpdatedAt: now, SLA: d.Start(now), OpenedBy: actor.ID}
		if err := tx.InsertTicket(ctx, &t); err != nil {
			return err
		}
		if err := tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: id, Kind: ticket.MessageInternal, Author: actor.ID,
			Body: body, CreatedAt: now}); err != nil {
			return err
		}
		if err := logEvent(ctx, tx, id, t.SLA.Activated()); err != nil {
			return err
		}
		out = t
		return tx.AppendAudit(ctx, audit.Record(actor, now, string(access.ActEscalate), "ticket", ref,
			"account="+a.ID+" agency="+agency+" category="+string(e.Category)))
	})
	return out, err
}
