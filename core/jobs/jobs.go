// Package jobs runs the core's background duties in one place: granting
// account resets whose 24 hours have passed, closing granted ones whose
// link lapsed, expiring in-person enrollments, logging SLA breaches,
// reloading closure days, and the outbox. Every duty is idempotent and safe with several processes on one
// database (each runs in its own write transaction, which serializes),
// so a console and a serve may both run it.
package jobs

import (
	"context"
	"sync"
	"time"

	"supportdesk/core/authn"
	"supportdesk/core/helpdesk"
	"supportdesk/core/mail"
	"supportdesk/core/proofing"
)

// Duty is one background task; it reports how many things it did.
type Duty struct {
	Name string
	Run  func(ctx context.Context) (int, error)
}

// Runner runs the duties every Interval and the outbox worker beside them.
type Runner struct {
	Duties   []Duty
	Interval time.Duration // default 15 s
	Outbox   *mail.Worker  // nil: this process sends no mail
	// OutboxEvery is the outbox's polling interval; default 2 s.
	OutboxEvery time.Duration
	// OnError is told of a duty that failed (by name); may be nil.
	OnError func(duty string, err error)
}

// New returns the runner of the core's duties.
func New(auth *authn.Engine, tickets *helpdesk.Desk, intake *helpdesk.Intake, idv *proofing.Engine, outbox *mail.Worker) *Runner {
	return &Runner{Outbox: outbox, Duties: []Duty{
		{"account_reset.grant", auth.GrantDue},
		{"account_reset.expire", auth.ExpireLapsed},
		{"idv.in_person_expire", idv.ExpireEnrollments},
		{"closures.reload", func(ctx context.Context) (int, error) { return 0, tickets.ReloadClosures(ctx) }},
		{"sla.breaches", tickets.LogBreaches},
		{"intake.sweep_keys", intake.SweepKeys},
	}}
}

// RunOnce runs every duty once, in order, and returns what each did.
func (r *Runner) RunOnce(ctx context.Context) map[string]int {
	done := map[string]int{}
	for _, d := range r.Duties {
		n, err := d.Run(ctx)
		if err != nil && ctx.Err() == nil && r.OnError != nil {
			r.OnError(d.Name, err)
		}
		done[d.Name] = n
	}
	return done
}

// Run runs the duties at once and then every Interval, and the outbox, until
// ctx ends; it returns when both have stopped.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	if r.Outbox != nil {
		every := r.OutboxEvery
		if every <= 0 {
			every = 2 * time.Second
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Outbox.Run(ctx, every)
		}()
	}
	every := r.Interval
	if every <= 0 {
		every = 15 * time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		r.RunOnce(ctx)
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-tick.C:
		}
	}
}
