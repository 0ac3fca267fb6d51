package inbox

import (
	"context"
	"strconv"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/safetext"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// HeldMail is one held message as an agent reviews it: the sender masked,
// the text as received (cleaned by the text policy), why it was held.
type HeldMail struct {
	ID          int64
	ReceivedAt  time.Time
	From        string // masked: j***@example.com
	Subject     string
	Text        string
	Reason      string
	Attachments int
	TicketRef   string // the ticket it was meant for, when one was found
}

// Held lists held mail after an id, oldest first, with the total held.
func (b *Inbox) Held(ctx context.Context, tok staff.Token, after int64, limit int) ([]HeldMail, int64, error) {
	var out []HeldMail
	var total int64
	err := b.staff.Read(ctx, tok, func(r store.Reader, actor access.Actor, _ time.Time) error {
		if err := staff.Check(actor, access.ActMailReview, access.ScopeGlobal, "mail", ""); err != nil {
			return err
		}
		rows, err := r.HeldInbound(ctx, after, max(1, min(limit, 200)))
		if err != nil {
			return err
		}
		out = out[:0]
		for _, m := range rows {
			h, err := b.view(ctx, r, m)
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		total, err = r.CountHeldInbound(ctx)
		return err
	})
	return out, total, err
}

func (b *Inbox) view(ctx context.Context, r store.Reader, m store.Inbound) (HeldMail, error) {
	h := HeldMail{ID: m.ID, ReceivedAt: m.ReceivedAt, Subject: safetext.Line(m.Subject), Reason: m.Reason, Attachments: m.Attachments}
	if from, err := b.keys.Open(m.FromSealed, inboundAAD); err == nil && len(from) > 0 {
		h.From = account.MaskEmail(string(from))
	}
	if text, err := b.keys.Open(m.BodySealed, inboundAAD); err == nil {
		h.Text = safetext.Text(string(text))
	}
	if m.TicketID != 0 {
		t, err := r.Ticket(ctx, m.TicketID)
		if err == nil {
			h.TicketRef = t.Ref
		} else if fault.CodeOf(err) != fault.CodeNotFound {
			return h, err
		}
	}
	return h, nil
}

// Release puts a held message on the ticket ref, as the requester's reply
// (the agent vouches for the sender, for example after calling back): it
// joins the thread and the next-reply clock runs. The agent needs the right
// to reply on that ticket.
func (b *Inbox) Release(ctx context.Context, tok staff.Token, id int64, ref string) error {
	return b.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		m, err := b.heldRow(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		t, err := tx.TicketByRef(ctx, ref)
		if fault.CodeOf(err) == fault.CodeNotFound {
			return fault.Invalid("ticket", fault.CodeNotFound)
		}
		if err != nil {
			return err
		}
		if err := helpdesk.CheckTicket(ctx, tx, actor, access.ActReply, t); err != nil {
			return err
		}
		if t.Status == ticket.StatusClosed {
			return fault.Invalid("ticket", fault.CodeConflict)
		}
		text, err := b.keys.Open(m.BodySealed, inboundAAD)
		if err != nil {
			return fault.Storage(err)
		}
		if err := b.tickets.ThreadMail(ctx, tx, &t, string(text), now); err != nil {
			return err
		}
		m.Disposition, m.TicketID, m.DecidedBy, m.DecidedAt = string(Released), t.ID, actor.ID, now
		if err := tx.DecideInbound(ctx, m); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "mail.release", "ticket", t.Ref, "inbound="+strconv.FormatInt(id, 10)))
	})
}

// Discard drops a held message from the list; the record stays.
func (b *Inbox) Discard(ctx context.Context, tok staff.Token, id int64) error {
	return b.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		m, err := b.heldRow(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		m.Disposition, m.DecidedBy, m.DecidedAt = string(Discarded), actor.ID, now
		if err := tx.DecideInbound(ctx, m); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "mail.discard", "mail", strconv.FormatInt(id, 10), ""))
	})
}

// heldRow authorizes the review and reads a message still held.
func (b *Inbox) heldRow(ctx context.Context, tx store.Tx, actor access.Actor, id int64) (store.Inbound, error) {
	if err := staff.Check(actor, access.ActMailReview, access.ScopeGlobal, "mail", strconv.FormatInt(id, 10)); err != nil {
		return store.Inbound{}, err
	}
	m, err := tx.Inbound(ctx, id)
	if err != nil {
		return m, err
	}
	if m.Disposition != string(Held) {
		return m, fault.New(fault.CodeConflict) // another agent decided it meanwhile
	}
	return m, nil
}
