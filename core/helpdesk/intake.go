// Package helpdesk runs the ticket side of the support desk: intake with
// group commit, search, and the SLA transitions of the ticket life cycle.
package helpdesk

import (
	"context"
	"encoding/hex"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// SLA is what intake needs of the SLA engine: start a clock at arrival.
type SLA interface {
	Start(at time.Time) ticket.Clock
}

// Intake turns validated forms into tickets. Requests are committed in
// groups: while one transaction syncs to disk, the next requests queue, and
// the next transaction takes them all, so throughput does not stop at one
// fsync per ticket. A caller hears back only after its ticket is committed.
type Intake struct {
	st    store.Store
	keys  *secret.Keyring
	clock clock.Clock
	sla   SLA
	zone  *time.Location
	in    chan *request
	// MaxBatch bounds one transaction.
	MaxBatch int
}

type request struct {
	form   ticket.Valid
	source string
	done   chan result
}

type result struct {
	t       ticket.Ticket
	created bool
	err     error
}

// IntakeActor is the audit actor of tickets created from outside.
var IntakeActor = access.Actor{ID: "intake", Role: access.RoleSystem, Session: "http"}

// NewIntake builds an intake; Run must be running for Submit to answer.
func NewIntake(st store.Store, keys *secret.Keyring, c clock.Clock, s SLA, zone *time.Location) *Intake {
	return &Intake{st: st, keys: keys, clock: c, sla: s, zone: zone, in: make(chan *request, 4096), MaxBatch: 512}
}

// Submit validates a form and waits for its ticket to be committed. A
// repeated idempotency key returns the first ticket with created=false.
func (in *Intake) Submit(ctx context.Context, f ticket.Form, source string) (ticket.Ticket, bool, error) {
	v, err := ticket.Validate(f)
	if err != nil {
		return ticket.Ticket{}, false, err
	}
	r := &request{form: v, source: source, done: make(chan result, 1)}
	select {
	case in.in <- r:
	case <-ctx.Done():
		return ticket.Ticket{}, false, fault.Storage(ctx.Err())
	}
	// Once queued, the request is committed or failed as part of a batch
	// whatever the caller does; wait for the outcome.
	res := <-r.done
	return res.t, res.created, res.err
}

// Run commits queued requests in groups until ctx ends.
func (in *Intake) Run(ctx context.Context) {
	for {
		var first *request
		select {
		case first = <-in.in:
		case <-ctx.Done():
			return
		}
		batch := []*request{first}
	drain:
		for len(batch) < in.MaxBatch {
			select {
			case r := <-in.in:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		in.commit(ctx, batch)
	}
}

func (in *Intake) commit(ctx context.Context, batch []*request) {
	results := make([]result, len(batch))
	err := in.st.Write(context.WithoutCancel(ctx), func(tx store.Tx) error {
		now := in.clock.Now()
		maxID, err := tx.MaxTicketID(ctx)
		if err != nil {
			return err
		}
		seen := map[string]int{}
		for i, r := range batch {
			key := r.form.IdempotencyKey
			if key != "" {
				if j, ok := seen[key]; ok {
					results[i] = result{t: results[j].t}
					continue
				}
				prev, err := tx.TicketByIdempotencyKey(ctx, key)
				if err == nil {
					results[i] = result{t: prev}
					seen[key] = i
					continue
				}
				if fault.CodeOf(err) != fault.CodeNotFound {
					return err
				}
				seen[key] = i
			}
			maxID++
			t, err := in.create(ctx, tx, r, maxID, now)
			if err != nil {
				return err
			}
			results[i] = result{t: t, created: true}
		}
		return nil
	})
	for i, r := range batch {
		if err != nil {
			r.done <- result{err: err}
			continue
		}
		r.done <- results[i]
	}
}

// create writes one ticket with its first message, SLA activation, the
// acknowledgement in the outbox and the audit entry.
func (in *Intake) create(ctx context.Context, tx store.Tx, r *request, id int64, now time.Time) (ticket.Ticket, error) {
	f := r.form
	ref := ticket.Ref(now.In(in.zone).Year(), id)
	aad := []byte(ticket.RequesterAAD(ref))
	t := ticket.Ticket{ID: id, Ref: ref, Channel: f.Channel, Language: f.Language, Category: f.Category,
		RequesterSealed: in.keys.Seal([]byte(f.Email), aad), RequesterFP: in.keys.Fingerprint("email", f.Email),
		NameSealed: in.keys.Seal([]byte(f.Name), aad), Agency: f.Agency, Subject: f.Subject, Body: f.Body,
		Status: ticket.StatusNew, CreatedAt: now, UpdatedAt: now, IdempotencyKey: f.IdempotencyKey, SLA: in.sla.Start(now)}
	if acct, err := tx.AccountIDByEmail(ctx, t.RequesterFP); err == nil {
		t.AccountID = acct
	} else if fault.CodeOf(err) != fault.CodeNotFound {
		return t, err
	}
	if err := tx.InsertTicket(ctx, &t); err != nil {
		return t, err
	}
	if err := tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: id, Kind: ticket.MessageInbound, Author: "requester", Body: f.Body, CreatedAt: now}); err != nil {
		return t, err
	}
	if err := logEvent(ctx, tx, id, t.SLA.Activated()); err != nil {
		return t, err
	}
	ack := &notify.Notification{CreatedAt: now, AccountID: t.AccountID, Channel: notify.ChannelEmail,
		Template: notify.Template("ticket_ack"), Language: t.Language, ToSealed: t.RequesterSealed, AAD: string(aad),
		TicketID: id, NextAttempt: now, Data: map[string]string{"ref": ref, "due": t.SLA.Due.In(in.zone).Format(time.RFC3339),
			// The greeting's name, sealed like the address: the outbox holds no PII in the clear.
			"name_sealed": hex.EncodeToString(t.NameSealed)}}
	if err := tx.Enqueue(ctx, ack); err != nil {
		return t, err
	}
	actor := IntakeActor
	actor.Session = r.source
	detail := "channel=" + string(t.Channel) + " category=" + string(t.Category) + " language=" + t.Language
	return t, tx.AppendAudit(ctx, audit.Record(actor, now, "ticket.create", "ticket", ref, detail))
}
