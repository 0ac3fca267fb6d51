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
		var news []store.NewTicket
		var from []*request // the request of each new ticket
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
			results[i] = result{t: in.ticket(r, maxID, now), created: true, hash: r.hash}
			news = append(news, firstWrites(&results[i].t, now))
			from = append(from, r)
			if key != "" {
				recs[key] = results[i]
				if err := in.putKeyRecord(ctx, tx, key, r.hash, results[i].t, now); err != nil {
					return err
				}
			}
		}
		if err := acknowledge(ctx, tx, news, in.zone, now); err != nil {
			return err
		}
		if err := tx.InsertTickets(ctx, news); err != nil {
			return err
		}
		entries := make([]*audit.Entry, len(news))
		for i, n := range news {
			entries[i] = createdEntry(*n.Ticket, from[i].source, n.Ack != nil, now)
		}
		return tx.AppendAudits(ctx, entries)
	})
	return committed{batch: batch, results: results, durable: durable, err: err}
}

// ticket is the new ticket of r, with id.
func (in *Intake) ticket(r *request, id int64, now time.Time) ticket.Ticket {
	f := r.form
	ref := ticket.Ref(now.In(in.zone).Year(), id)
	aad := []byte(ticket.RequesterAAD(ref))
	// The key lives in its record (idempotency.go), which expires; on the
	// ticket, a unique column, it would refuse the key's reuse a day later.
	return ticket.Ticket{ID: id, Ref: ref, Channel: f.Channel, Language: f.Language, Category: f.Category,
		RequesterSealed: in.keys.Seal([]byte(f.Email), aad), RequesterFP: r.fp, AccountID: r.account,
		NameSealed: in.keys.Seal([]byte(f.Name), aad), Agency: f.Agency, Subject: f.Subject, Body: f.Body,
		Status: ticket.StatusNew, CreatedAt: now, UpdatedAt: now, Version: 1, SLA: in.sla.Start(now)}
}

// firstWrites is what a new ticket is stored with: its first message,
// the requester's text, and the activation of its clock.
func firstWrites(t *ticket.Ticket, now time.Time) store.NewTicket {
	n := store.NewTicket{Ticket: t, Message: &ticket.Message{TicketID: t.ID, Kind: ticket.MessageInbound, Author: "requester", Body: t.Body, CreatedAt: now}}
	if e := t.SLA.Activated(); !e.IsZero() {
		n.Event = ticket.LogEntry(t.ID, e)
	}
	return n
}

// createdEntry is the audit entry of a ticket created from a form that
// came from source.
func createdEntry(t ticket.Ticket, source string, acked bool, now time.Time) *audit.Entry {
	actor := IntakeActor
	actor.Session = source
	detail := "channel=" + string(t.Channel) + " category=" + string(t.Category) + " language=" + t.Language
	if !acked {
		detail += " ack=capped"
	}
	return audit.Record(actor, now, "ticket.create", "ticket", t.Ref, detail)
}

// AckCap caps the acknowledgements one requester address gets, whatever
// the source addresses: a new ticket is acknowledged only if its address
// opened at most AckCap tickets, this one included, in the AckWindow
// before it. The address is unverified, and the cap keeps the form from
// mail-bombing it; further forms still become tickets.
//
// The count is read from the requester's own tickets of the window (a
// range of the requester index, which intake writes anyway, cut at the
// cap; store.Tx.RequesterRecent), once per requester and batch, in the
// transaction that queues the mail; not kept in a throttle row: that row,
// at a random place in its index, was a read, a write and a page of WAL
// for every form.
const (
	AckCap    = 3
	AckWindow = 24 * time.Hour
)

// ackOf is the acknowledgement of t. The mail carries the reference and
// the due time only: nothing the requester wrote (no name, no subject),
// so an unverified address cannot be sent a text of someone else's
// choosing.
func ackOf(t ticket.Ticket, zone *time.Location, now time.Time) *notify.Notification {
	return &notify.Notification{CreatedAt: now, AccountID: t.AccountID, Channel: notify.ChannelEmail,
		Template: notify.TemplateTicketAck, Language: t.Language, ToSealed: t.RequesterSealed, AAD: ticket.RequesterAAD(t.Ref),
		TicketID: t.ID, NextAttempt: now, Data: map[string]string{"ref": t.Ref, "due": t.SLA.Due.In(zone).Format(time.RFC3339)}}
}

// acknowledge gives each new ticket of a batch its acknowledgement
// unless its requester's cap is used up: the tickets a requester opened
// in the window before the batch, counted once per requester, then the
// batch's own in order, each counting itself.
func acknowledge(ctx context.Context, tx store.Tx, news []store.NewTicket, zone *time.Location, now time.Time) error {
	at := map[string]int{} // a requester's place in fps
	var fps [][]byte
	for _, n := range news {
		if _, ok := at[string(n.Ticket.RequesterFP)]; !ok {
			at[string(n.Ticket.RequesterFP)] = len(fps)
			fps = append(fps, n.Ticket.RequesterFP)
		}
	}
	counts, err := tx.RequesterRecent(ctx, fps, now.Add(-AckWindow), AckCap+1)
	if err != nil {
		return err
	}
	for i := range news {
		j := at[string(news[i].Ticket.RequesterFP)]
		if counts[j]++; counts[j] <= AckCap {
			news[i].Ack = ackOf(*news[i].Ticket, zone, now)
		}
	}
	return nil
}
