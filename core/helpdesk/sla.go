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
	cfg.Closures = nil
	for _, row := range rows {
		d, err := calendar.ParseDate(row.Day)
		if err != nil {
			continue
		}
		cfg.Closures = append(cfg.Closures, calendar.Closure{Day: d, Reason: row.Reason})
	}
	cal, err := calendar.New(cfg)
	if err != nil {
		return Policy{}, err
	}
	return Policy{Cal: cal, Target: sla.Target}, nil
}

// Zone is the center's time zone.
func (d *Desk) Zone() *time.Location { return d.cal().Zone() }

// Policy is the SLA policy in force (the calendar with today's closures).
func (d *Desk) Policy() Policy { return *d.policy.Load() }
