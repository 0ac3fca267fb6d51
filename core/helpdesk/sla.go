package helpdesk

import (
	"context"
	"time"

	"supportdesk/core/calendar"
	"supportdesk/core/sla"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// Policy is the center's SLA: its business calendar and reply target.
type Policy struct {
	Cal    *calendar.Calendar
	Target time.Duration
}

// Start starts a ticket's clock at arrival.
func (p Policy) Start(at time.Time) ticket.Clock { return sla.Start(p.Cal, at, p.Target) }

// Zone is the center's time zone.
func (p Policy) Zone() *time.Location { return p.Cal.Zone() }

// LoadPolicy builds the policy from a calendar configuration and the
// closure days supervisors stored, which replace any closures in cfg (the
// store is where closures live, so a reload after a removal reopens the
// day). A stored day that does not parse is skipped rather than failing
// intake; the editor validates days on entry.
func LoadPolicy(ctx context.Context, st store.Store, cfg calendar.Config) (Policy, error) {
	var rows []store.Closure
	err := st.Read(ctx, func(r store.Reader) error {
		var err error
		rows, err = r.Closures(ctx)
		return err
	})
	if err != nil {
		return Policy{}, err
	}
	cfg.Closures = closuresOf(rows)
	cal, err := calendar.New(cfg)
	if err != nil {
		return Policy{}, err
	}
	return Policy{Cal: cal, Target: sla.Target}, nil
}

// closuresOf turns stored closure days into the calendar's.
func closuresOf(rows []store.Closure) []calendar.Closure {
	var out []calendar.Closure
	for _, row := range rows {
		d, err := calendar.ParseDate(row.Day)
		if err != nil {
			continue
		}
		out = append(out, calendar.Closure{Day: d, Reason: row.Reason})
	}
	return out
}

// recalendarBatch bounds one read of running clocks.
const recalendarBatch = 1000

// recalendar moves, in tx, the due time of every open ticket whose clock
// runs onto the calendar with the closure days now stored (sla.Clock's
// Recalendar), and returns how many moved. Only the clock columns are
// written, with the version bumped, so a console that read the ticket
// before gets a conflict rather than writing the old clock back.
func (d *Desk) recalendar(ctx context.Context, tx store.Tx, now time.Time) (int, error) {
	rows, err := tx.Closures(ctx)
	if err != nil {
		return 0, err
	}
	old := d.cal()
	cal := old.WithClosures(closuresOf(rows))
	moved := 0
	var after store.ClockKey
	for {
		batch, err := tx.RunningClocks(ctx, now, after, recalendarBatch)
		if err != nil {
			return moved, err
		}
		for _, t := range batch {
			c, ok := t.SLA.Recalendar(old, cal, now)
			if !ok {
				continue
			}
			if err := tx.UpdateClock(ctx, t.ID, c); err != nil {
				return moved, err
			}
			moved++
		}
		if len(batch) < recalendarBatch {
			return moved, nil
		}
		last := batch[len(batch)-1]
		after = store.ClockKey{Due: last.SLA.Due, ID: last.ID}
	}
}

// Zone is the center's time zone.
func (d *Desk) Zone() *time.Location { return d.cal().Zone() }

// Policy is the SLA policy in force (the calendar with today's closures).
func (d *Desk) Policy() Policy { return *d.policy.Load() }
