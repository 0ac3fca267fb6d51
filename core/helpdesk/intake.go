// Package helpdesk runs the ticket side of the support desk: intake with
// group commit, search, and the SLA transitions of the ticket life cycle.
package helpdesk

import (
	"context"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
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
	form    ticket.Valid
	hash    []byte // the keyed SHA-256 of the canonical submission, with a key
	fp      []byte // the requester's address fingerprint
	account string // the account that address belongs to, if any
	source  string
	done    chan result
}

type result struct {
	t       ticket.Ticket
	created bool
	hash    []byte // the submission's, when it came with a key
	err     error
}

// IntakeActor is the audit actor of tickets created from outside.
var IntakeActor = access.Actor{ID: "intake", Role: access.RoleSystem, Session: "http"}

// NewIntake builds an intake; Run must be running for Submit to answer.
func NewIntake(st store.Store, keys *secret.Keyring, c clock.Clock, s SLA, zone *time.Location) *Intake {
	return &Intake{st: st, keys: keys, clock: c, sla: s, zone: zone, in: make(chan *request, 4096), MaxBatch: 512}
}

// Submit validates a form and waits for its ticket to be committed. A
// repeated idempotency key with the same submission returns the first
// ticket, as first answered, with created=false; with another submission
// it fails with ErrKeyReused and stores nothing. Keys last KeyLifetime.
func (in *Intake) Submit(ctx context.Context, f ticket.Form, source string) (ticket.Ticket, bool, error) {
	v, err := ticket.Validate(f)
	if err != nil {
		if fe, ok := fault.As(err); ok && fe.Field == "email" && fe.Max == 0 {
			// the address check names no limit; the text a requester reads does
			e := *fe
			e.Max = account.MaxEmailLength
			err = &e
		}
		return ticket.Ticket{}, false, err
	}
	r := &request{form: v, source: source, done: make(chan result, 1), fp: in.keys.Fingerprint("email", v.Email)}
	if v.IdempotencyKey != "" {
		r.hash = in.keys.Fingerprint("intake_submission", canonical(v))
	}
	// The account the address belongs to is looked up here, on a reader,
	// while the writer commits other batches: inside the batch it was the
	// largest share of the writer's time after the ticket row itself.
	// An address that changes hands in the milliseconds before the commit
	// links the account it belonged to when the form arrived.
	err = in.st.Read(ctx, func(rd store.Reader) error {
		acct, err := rd.AccountIDByEmail(ctx, r.fp)
		if err == nil {
			r.account = acct
		} else if fault.CodeOf(err) != fault.CodeNotFound {
			return err
		}
		return nil
	})
	if err != nil {
		return ticket.Ticket{}, false, err
	}
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

// Run commits queued requests in groups until ctx ends. A group's
// callers hear back once its commit is on disk; meanwhile the next group
// is written (store.Pipeliner), so the writer does not wait for the disk.
// At most inFlight groups wait for the disk at once.
func (in *Intake) Run(ctx context.Context) {
	const inFlight = 4
	synced := make(chan committed, inFlight)
	replied := make(chan struct{})
	go func() {
		defer close(replied)
		for c := range synced {
			c.answer()
		}
	}()
	defer func() {
		close(synced)
		<-replied
	}()
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
		synced <- in.commit(ctx, batch)
	}
}

// committed is a group written, or failed, with the wait for its commit
// to reach the disk.
type committed struct {
	batch   []*request
	results []result
	durable func() error
	err     error
}

// answer tells each caller of the group its outcome, once it is known.
func (c committed) answer() {
	err := c.err
	if err == nil {
		err = c.durable()
	}
	for i, r := range c.batch {
		if err != nil {
			r.done <- result{err: err}
			continue
		}
		r.done <- c.results[i]
	}
}

func (in *Intake) commit(ctx context.Context, batch []*request) committed {
	// A batch is committed or failed whole, whatever happens to ctx; and a
	// context that can end costs the driver a goroutine per statement.
	ctx = context.WithoutCancel(ctx)
	results := make([]result, len(batch))
	durable, err := store.WriteAsync(ctx, in.st, func(tx store.Tx) error {
		now := in.clock.Now()
		maxID, err := tx.MaxTicketID(ctx)
		if err != nil {
			return err
		}
		recs := map[string]result{} // each key's record as this batch leaves it
		for i, r := range batch {
			key := r.form.IdempotencyKey
			if key != "" {
				rec, ok := recs[key]
				if !ok {
					if rec, ok, err = in.keyRecord(ctx, tx, key, now); err != nil {
						return err
					}
				}
				if ok {
					recs[key] = rec
					results[i] = replayOf(rec, r.hash)
					continue
				}
			}
			maxID++
			t, err := in.create(ctx, tx, r, maxID, now)
			if err != nil {
				return err
			}
			results[i] = result{t: t, created: true, hash: r.hash}
			if key != "" {
				recs[key] = results[i]
				if err := in.putKeyRecord(ctx, tx, key, r.hash, t, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return committed{batch: batch, results: results, durable: durable, err: err}
}

// create writes one ticket with its first message, SLA activation, the
// acknowledgement in the outbox and the audit entry.
func (in *Intake) create(ctx context.Context, tx store.Tx, r *request, id int64, now time.Time) (ticket.Ticket, error) {
	f := r.form
	ref := ticket.Ref(now.In(in.zone).Year(), id)
	aad := []byte(ticket.RequesterAAD(ref))
	t := ticket.Ticket{ID: id, Ref: ref, Channel: f.Channel, Language: f.Language, Category: f.Category,
		RequesterSealed: in.keys.Seal([]byte(f.Email), aad), RequesterFP: r.fp, AccountID: r.account,
		NameSealed: in.keys.Seal([]byte(f.Name), aad), Agency: f.Agency, Subject: f.Subject, Body: f.Body,
		Status: ticket.StatusNew, CreatedAt: now, UpdatedAt: now, SLA: in.sla.Start(now)}
	// The key lives in its record (idempotency.go), which expires; on the
	// ticket, a unique column, it would refuse the key's reuse a day later.
	if err := tx.InsertTicket(ctx, &t); err != nil {
		return t, err
	}
	if err := tx.InsertTicketMessage(ctx, &ticket.Message{TicketID: id, Kind: ticket.MessageInbound, Author: "requester", Body: f.Body, CreatedAt: now}); err != nil {
		return t, err
	}
	if err := logEvent(ctx, tx, id, t.SLA.Activated()); err != nil {
		return t, err
	}
	acked, err := acknowledge(ctx, tx, t, in.zone, now)
	if err != nil {
		return t, err
	}
	actor := IntakeActor
	actor.Session = r.source
	detail := "channel=" + string(t.Channel) + " category=" + string(t.Category) + " language=" + t.Language
	if !acked {
		detail += " ack=capped"
	}
	return t, tx.AppendAudit(ctx, audit.Record(actor, now, "ticket.create", "ticket", ref, detail))
}

// AckCap caps the acknowledgements one requester address gets, whatever
// the source addresses: a new ticket is acknowledged only if its address
// opened at most AckCap tickets, this one included, in the AckWindow
// before it. The address is unverified, and the cap keeps the form from
// mail-bombing it; further forms still become tickets.
//
// The count is read from the requester's own tickets of the window (a
// range of the requester index, which intake writes anyway, cut at the
// cap), in the statement that queues the mail (store.Tx.EnqueueCapped),
// not kept in a throttle row: that row, at a random place in its index,
// was a read, a write and a page of WAL for every form.
const (
	AckCap    = 3
	AckWindow = 24 * time.Hour
)

// acknowledge queues the acknowledgement of t, stored in tx, unless the
// recipient's cap is used up, and reports whether it did. The mail carries
// the reference and the due time only: nothing the requester wrote (no
// name, no subject), so an unverified address cannot be sent a text of
// someone else's choosing.
func acknowledge(ctx context.Context, tx store.Tx, t ticket.Ticket, zone *time.Location, now time.Time) (bool, error) {
	ack := &notify.Notification{CreatedAt: now, AccountID: t.AccountID, Channel: notify.ChannelEmail,
		Template: notify.TemplateTicketAck, Language: t.Language, ToSealed: t.RequesterSealed, AAD: ticket.RequesterAAD(t.Ref),
		TicketID: t.ID, NextAttempt: now, Data: map[string]string{"ref": t.Ref, "due": t.SLA.Due.In(zone).Format(time.RFC3339)}}
	return tx.EnqueueCapped(ctx, ack, store.RequesterCap{FP: t.RequesterFP, Since: now.Add(-AckWindow), Max: AckCap})
}
