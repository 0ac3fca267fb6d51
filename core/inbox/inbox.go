// Package inbox receives the requester's side of the email conversation:
// one raw message, from the SMTP/LMTP receiver or a pipe from the MTA, is
// parsed (core/mailparse), matched to its ticket by a keyed reply address
// or its threading headers, and committed in one transaction: threaded,
// held for an agent, recorded as automatic, or applied as a bounce.
//
// A reply threads only when everything agrees: the reply address's tag is
// the desk's (or, without one, the headers name a message of the ticket),
// the sender is the ticket's requester (compared by fingerprint), and the
// desk's own MTA did not mark it as failing SPF, DKIM or DMARC. Anything
// else waits in the held list; a reference typed into the subject counts
// for nothing.
package inbox

import (
	"context"
	"errors"
	"io"
	"strings"

	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/mail"
	"supportdesk/core/mailparse"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// Disposition is what became of one delivered message.
type Disposition string

// The dispositions.
const (
	Threaded  Disposition = "threaded"   // joined its ticket's thread; the next-reply clock runs
	Reopened  Disposition = "reopened"   // joined a solved ticket within 7 days and reopened it
	NewTicket Disposition = "new_ticket" // a reply to a closed ticket, or a solved one after 7 days: a new linked ticket
	Held      Disposition = "held"       // waits in the held list for an agent
	Auto      Disposition = "auto"       // an auto-reply: recorded, no clock, no reopening
	Bounce    Disposition = "bounce"     // a delivery failure report: its outbox row failed, its ticket flagged
	Duplicate Disposition = "duplicate"  // this Message-ID was delivered before: stored once
	Released  Disposition = "released"   // held, then put on a ticket by an agent
	Discarded Disposition = "discarded"  // held, then dropped by an agent
)

// Why a message was held.
const (
	ReasonUnmatched     = "unmatched"      // no reply address and no header naming a ticket's mail
	ReasonForgedTag     = "forged_tag"     // a reply address whose tag is not the desk's
	ReasonUnknownTicket = "unknown_ticket" // a valid tag for a ticket that is gone
	ReasonSender        = "sender"         // not the ticket's requester
	ReasonAuth          = "auth"           // the desk's MTA marked SPF, DKIM or DMARC as failing
	ReasonNoReply       = "no_reply"       // a reply to an account notice, which nobody reads
	ReasonNoSender      = "no_sender"      // no usable From address
)

// Result is the outcome of Deliver.
type Result struct {
	Disposition Disposition
	Ref         string // the ticket it joined, opened or bounced for; "" when held or unmatched
	Reason      string // why it was held
}

// Inbox commits inbound mail.
type Inbox struct {
	st      store.Store
	keys    *secret.Keyring
	clock   clock.Clock
	tickets *helpdesk.Desk
	staff   *staff.Staff
	// TrustedAuthServID is the authserv-id of the MTA in front of the
	// desk: only its Authentication-Results headers count.
	TrustedAuthServID string
}

// New returns an inbox over st.
func New(st store.Store, keys *secret.Keyring, c clock.Clock, tickets *helpdesk.Desk, s *staff.Staff) *Inbox {
	return &Inbox{st: st, keys: keys, clock: c, tickets: tickets, staff: s}
}

// ErrTooLarge refuses a message over mailparse.MaxMessage, for good.
var ErrTooLarge = &fault.Error{Code: fault.CodeInvalidInput, Field: "message_size", Max: mailparse.MaxMessage}

// ErrMalformed refuses input that is not mail, for good.
var ErrMalformed = &fault.Error{Code: fault.CodeInvalidInput, Field: "message_format"}

// Permanent reports whether retrying the delivery can never help: the
// message is too large, malformed or otherwise refused for what it is.
// Storage and context errors are temporary.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	fe, ok := fault.As(err)
	return ok && fe.Code != fault.CodeStorage && fe.Code != fault.CodeRateLimited && fe.Code != fault.CodeConflict
}

// inboundAAD binds sealed inbound fields to their table.
var inboundAAD = []byte("inbound_mail")

// Deliver commits one raw message addressed to rcpts (the envelope
// recipients). The message is stored once per Message-ID: a second
// delivery answers Duplicate and changes nothing. The error says whether
// a retry can help: Permanent(err).
func (b *Inbox) Deliver(ctx context.Context, rcpts []string, raw io.Reader) (Result, error) {
	m, err := mailparse.Parse(raw, b.TrustedAuthServID)
	switch {
	case errors.Is(err, mailparse.ErrTooLarge):
		return Result{}, ErrTooLarge
	case errors.Is(err, mailparse.ErrMalformed):
		return Result{}, ErrMalformed
	case err != nil:
		return Result{}, fault.Storage(err) // the stream broke: the MTA may try again
	}
	var res Result
	err = b.st.Write(ctx, func(tx store.Tx) error {
		var err error
		res, err = b.commit(ctx, tx, rcpts, m)
		return err
	})
	if fault.CodeOf(err) == fault.CodeConflict && m.MessageID != "" {
		// Two deliveries of one Message-ID raced: the other one stored it.
		return Result{Disposition: Duplicate}, nil
	}
	return res, err
}

// commit decides and records one parsed message in tx.
func (b *Inbox) commit(ctx context.Context, tx store.Tx, rcpts []string, m *mailparse.Message) (Result, error) {
	now := b.clock.Now()
	if m.MessageID != "" {
		if _, err := tx.InboundByMessageID(ctx, m.MessageID); err == nil {
			return Result{Disposition: Duplicate}, nil
		} else if fault.CodeOf(err) != fault.CodeNotFound {
			return Result{}, err
		}
	}
	from, _ := account.NormalizeEmail(m.From) // "" when it is not one address
	rec := &store.Inbound{ReceivedAt: now, MessageID: m.MessageID, FromSealed: b.keys.Seal([]byte(from), inboundAAD),
		Subject: m.Subject, BodySealed: b.keys.Seal([]byte(m.Text), inboundAAD), Attachments: m.Attachments}
	if from != "" {
		rec.FromFP = b.keys.Fingerprint("email", from)
	} else {
		rec.FromFP = []byte{}
	}
	record := func(res Result, t *ticket.Ticket) (Result, error) {
		rec.Disposition, rec.Reason = string(res.Disposition), res.Reason
		if t != nil {
			rec.TicketID, rec.Language, res.Ref = t.ID, t.Language, t.Ref
		}
		if err := tx.InsertInbound(ctx, rec); err != nil {
			return Result{}, err
		}
		detail := "disposition=" + string(res.Disposition)
		if res.Reason != "" {
			detail += " reason=" + res.Reason
		}
		return res, tx.AppendAudit(ctx, audit.Record(helpdesk.MailActor, now, "mail.received", "ticket", res.Ref, detail))
	}

	if m.Bounce != nil {
		t, err := b.bounce(ctx, tx, m.Bounce)
		if err != nil {
			return Result{}, err
		}
		return record(Result{Disposition: Bounce}, t)
	}
	t, reason, err := b.match(ctx, tx, rcpts, m)
	if err != nil {
		return Result{}, err
	}
	if m.Auto {
		// Recorded, against its ticket when it names one, but it neither
		// reopens the ticket nor starts a clock: robots answering robots
		// must not keep a ticket alive.
		return record(Result{Disposition: Auto}, t)
	}
	switch {
	case reason != "":
	case from == "":
		reason = ReasonNoSender
	case string(t.RequesterFP) != string(rec.FromFP):
		reason = ReasonSender
	case m.Auth.Failed():
		reason = ReasonAuth
	}
	if reason != "" {
		return record(Result{Disposition: Held, Reason: reason}, t)
	}
	res := Result{Disposition: Threaded}
	if helpdesk.Joins(*t, now) {
		if t.Status == ticket.StatusSolved {
			res.Disposition = Reopened
		}
		if err := b.tickets.ThreadMail(ctx, tx, t, m.Text, now); err != nil {
			return Result{}, err
		}
	} else {
		nt, err := b.tickets.FollowUp(ctx, tx, *t, m.Text, now)
		if err != nil {
			return Result{}, err
		}
		res.Disposition, t = NewTicket, &nt
	}
	if m.Attachments > 0 {
		if err := b.tickets.NoticeAttachments(ctx, tx, *t, now); err != nil {
			return Result{}, err
		}
	}
	return record(res, t)
}

// match finds the ticket a message answers: by a reply address whose tag
// is the desk's, else by a Message-ID in its headers that the desk sent
// for a ticket, or received on one. reason is set when the message cannot
// thread; t may still be the ticket it was meant for.
func (b *Inbox) match(ctx context.Context, tx store.Tx, rcpts []string, m *mailparse.Message) (*ticket.Ticket, string, error) {
	ref, forged, noReply := "", false, false
	for _, rcpt := range rcpts {
		if at := strings.LastIndexByte(rcpt, '@'); at > 0 && strings.EqualFold(rcpt[:at], mail.NoReplyLocal) {
			noReply = true
		}
		r, tagged, ok := mail.ParseReplyAddress(b.keys, rcpt)
		switch {
		case ok:
			ref = r
		case tagged:
			forged = true
		}
	}
	if forged {
		return nil, ReasonForgedTag, nil // never threaded, whatever else it carries
	}
	if noReply && ref == "" {
		return nil, ReasonNoReply, nil
	}
	if ref != "" {
		t, err := tx.TicketByRef(ctx, ref)
		if fault.CodeOf(err) == fault.CodeNotFound {
			return nil, ReasonUnknownTicket, nil
		}
		if err != nil {
			return nil, "", err
		}
		return &t, "", nil
	}
	ids := append(append([]string(nil), m.InReplyTo...), m.References...)
	for i := range ids {
		id := ids[i]
		out, err := tx.OutboxByMessageID(ctx, id)
		switch {
		case err == nil && out.TicketID == 0:
			return nil, ReasonNoReply, nil
		case err == nil:
			return b.ticket(ctx, tx, out.TicketID)
		case fault.CodeOf(err) != fault.CodeNotFound:
			return nil, "", err
		}
		in, err := tx.InboundByMessageID(ctx, id)
		switch {
		case err == nil && in.TicketID != 0 && threads(Disposition(in.Disposition)):
			return b.ticket(ctx, tx, in.TicketID)
		case err != nil && fault.CodeOf(err) != fault.CodeNotFound:
			return nil, "", err
		}
	}
	return nil, ReasonUnmatched, nil
}

// threads reports whether mail of this disposition joined a conversation,
// so that a reply to it may follow.
func threads(d Disposition) bool {
	return d == Threaded || d == Reopened || d == NewTicket || d == Released
}

func (b *Inbox) ticket(ctx context.Context, tx store.Tx, id int64) (*ticket.Ticket, string, error) {
	t, err := tx.Ticket(ctx, id)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, ReasonUnknownTicket, nil
	}
	if err != nil {
		return nil, "", err
	}
	return &t, "", nil
}

// bounce applies a delivery status report: the outbox row it names is
// failed for good (when the report says so) and its ticket flagged. It
// returns that ticket, or nil.
func (b *Inbox) bounce(ctx context.Context, tx store.Tx, bn *mailparse.Bounce) (*ticket.Ticket, error) {
	if bn.OriginalMessageID == "" {
		return nil, nil
	}
	row, err := tx.OutboxByMessageID(ctx, bn.OriginalMessageID)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return nil, nil // not ours, or long gone: recorded, nothing to mark
	}
	if err != nil {
		return nil, err
	}
	if !bn.Permanent {
		return nil, nil // a delay report: the relay keeps trying
	}
	row.Status, row.LastError = notify.StatusFailed, "bounced "+bn.Status
	if err := tx.MarkOutbox(ctx, row); err != nil {
		return nil, err
	}
	if row.TicketID == 0 {
		return nil, nil
	}
	t, err := tx.Ticket(ctx, row.TicketID)
	if err != nil {
		return nil, err
	}
	now := b.clock.Now()
	if err := b.tickets.MarkBounced(ctx, tx, &t, now); err != nil {
		return nil, err
	}
	return &t, nil
}
