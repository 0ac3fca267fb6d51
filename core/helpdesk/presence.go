package helpdesk

import (
	"context"
	"strconv"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/feed"
	"supportdesk/core/presence"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// UseLive gives the desk a presence registry and the feed its changes go
// out on; without them SetPresence refuses and views list nobody.
func (d *Desk) UseLive(reg presence.Registry, pub feed.Publisher) {
	d.presence, d.feed = reg, pub
}

// SetPresence records that the session behind tok views a ticket, writes
// a reply on it, or has left it (presence.Left), and returns the other
// agents on the ticket now. The actor and its name come from the session,
// never from the caller; a ticket the actor may not view is refused as
// Ticket refuses it. An entry lapses after presence.TTL: a console
// refreshes it every presence.Refresh while the ticket is open. A change
// others would see goes out on the feed (feed.Presence); nothing is
// audited, since nothing about the ticket or an account is read out.
func (d *Desk) SetPresence(ctx context.Context, tok staff.Token, id int64, state presence.State) ([]presence.Viewer, error) {
	if d.presence == nil {
		return nil, fault.New(fault.CodeNotPermitted)
	}
	if !state.Valid() {
		return nil, fault.Invalid("state", fault.CodeInvalidInput)
	}
	var (
		actor access.Actor
		name  string
		at    time.Time
	)
	err := d.staff.Read(ctx, tok, func(r store.Reader, a access.Actor, now time.Time) error {
		t, err := r.Ticket(ctx, id)
		if fault.CodeOf(err) == fault.CodeNotFound {
			return staff.Deny(access.ActTicketView, "ticket", strconv.FormatInt(id, 10), err)
		}
		if err != nil {
			return err
		}
		sc, err := ticketScope(ctx, r, a, t)
		if err != nil {
			return err
		}
		if err := staff.Check(a, access.ActTicketView, sc, "ticket", t.Ref); err != nil {
			return err
		}
		ag, err := r.Agent(ctx, a.ID)
		if err != nil {
			return err
		}
		actor, name, at = a, ag.DisplayName, now
		return nil
	})
	if err != nil {
		return nil, err
	}
	e := presence.Entry{Ticket: id, Session: actor.Session, AgentID: actor.ID, Name: name, State: state}
	if d.presence.Set(e, at) && d.feed != nil {
		d.feed.Publish(feed.Change{Kind: feed.Presence, Ticket: id})
	}
	return d.others(id, actor.ID, at), nil
}

// others lists the agents other than self on a ticket at now.
func (d *Desk) others(id int64, self string, now time.Time) []presence.Viewer {
	if d.presence == nil {
		return nil
	}
	return presence.Others(d.presence.Here(id, now), self)
}
