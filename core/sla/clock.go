// Package sla is the email SLA engine: a clock per ticket that counts
// business time towards a reply target, pauses while the ticket waits on the
// requester, and says whether the ticket is on track, at risk or breached.
//
// The clock is a value: transitions return the new clock and the event to
// log, so the store can write both in one transaction.
package sla

import (
	"time"

	"supportdesk/core/calendar"
)

// Target is the reply target: 2 business days of 12 hours.
const Target = 24 * time.Hour

// AtRiskWithin is how little business time left makes a ticket at risk.
const AtRiskWithin = 4 * time.Hour

// Clock is a ticket's SLA clock. Business time used is Used plus the
// business time from Started to now while the clock runs.
type Clock struct {
	Target      time.Duration // business time allowed
	Started     time.Time     // the running segment counts from here (its next opening, out of hours)
	Used        time.Duration // business time used before Started
	Due         time.Time     // when the clock runs out if it keeps running; stale while paused
	PausedAt    time.Time     // zero while running
	FulfilledAt time.Time     // zero until the first public agent reply
}

// Start returns a running clock for a ticket that arrived at at. An arrival
// out of hours starts counting at the next opening.
func Start(cal *calendar.Calendar, at time.Time, target time.Duration) Clock {
	return Clock{Target: target, Started: at, Due: cal.Add(at, target)}
}

// Activated is the event that logs the start of c.
func (c Clock) Activated() Event {
	return Event{Kind: EventActivated, At: c.Started, Due: c.Due}
}

// Paused reports whether the clock is paused (the ticket is pending).
func (c Clock) Paused() bool { return !c.PausedAt.IsZero() }

// Fulfilled reports whether an agent has replied publicly.
func (c Clock) Fulfilled() bool { return !c.FulfilledAt.IsZero() }

// Running reports whether the clock counts: neither paused nor fulfilled.
func (c Clock) Running() bool { return !c.Paused() && !c.Fulfilled() }

// Pause stops a running clock at at (the ticket went pending) and keeps the
// business time used so far. On a clock that is not running it changes
// nothing and returns the zero Event.
func (c Clock) Pause(cal *calendar.Calendar, at time.Time) (Clock, Event) {
	if !c.Running() {
		return c, Event{}
	}
	c.Used += max(cal.Between(c.Started, at), 0)
	c.PausedAt = at
	return c, Event{Kind: EventPaused, At: at, Due: c.Due}
}

// Resume restarts a paused clock at at with the business time it had left:
// the due instant is recomputed from there. A clock paused after it ran out
// gets a due instant in the past, as far back in business time as it had
// overrun. On a clock that is not paused, or is fulfilled, it changes
// nothing and returns the zero Event.
func (c Clock) Resume(cal *calendar.Calendar, at time.Time) (Clock, Event) {
	if !c.Paused() || c.Fulfilled() {
		return c, Event{}
	}
	c.Started = at
	c.PausedAt = time.Time{}
	c.Due = cal.Add(at, c.Target-c.Used)
	return c, Event{Kind: EventResumed, At: at, Due: c.Due}
}

// Restart answers a requester's reply: it starts a next-reply target of the
// same length, a fresh clock, when the previous target was met (fulfilled)
// or the ticket was waiting on the requester (paused). A follow-up while
// the clock still runs unanswered changes nothing (zero Event), or a
// requester could push back the due time by writing again.
func (c Clock) Restart(cal *calendar.Calendar, at time.Time) (Clock, Event) {
	if c.Running() {
		return c, Event{}
	}
	n := Start(cal, at, c.Target)
	return n, n.Activated()
}

// Recalendar moves a running clock that has not run out onto a new
// calendar (a closure day added or removed): it keeps the business time
// it had left at now, measured on the old calendar, and counts it again on
// the new one. The time used stays used. A paused clock needs nothing (it
// resumes on whatever calendar is in force); a fulfilled or overrun one
// does not move. moved reports whether Due changed.
func (c Clock) Recalendar(old, cal *calendar.Calendar, now time.Time) (_ Clock, moved bool) {
	if !c.Running() || !now.Before(c.Due) {
		return c, false
	}
	left := old.Between(now, c.Due)
	due := cal.Add(now, left)
	if due.Equal(c.Due) {
		return c, false
	}
	c.Used, c.Started, c.Due = c.Target-left, now, due
	return c, true
}

// Fulfil records the first public agent reply at at, which meets the
// target. A second call changes nothing and returns the zero Event.
func (c Clock) Fulfil(at time.Time) (Clock, Event) {
	if c.Fulfilled() {
		return c, Event{}
	}
	c.FulfilledAt = at
	return c, Event{Kind: EventFulfilled, At: at, Due: c.Due}
}

// Left returns the business time left at now: negative once the target is
// overrun. It stops moving while paused and after fulfilment.
func (c Clock) Left(cal *calendar.Calendar, now time.Time) time.Duration {
	if c.Paused() {
		return c.Target - c.Used
	}
	stop := now
	if c.Fulfilled() && c.FulfilledAt.Before(stop) {
		stop = c.FulfilledAt
	}
	return c.Target - c.Used - max(cal.Between(c.Started, stop), 0)
}

// State returns the clock's state at now. A running clock is breached once
// now is after Due, and at risk when AtRiskWithin or less of business time
// separates now from Due (Left, for a running clock). To classify many
// clocks at one instant, use a Classifier: it gives the same answers.
func (c Clock) State(cal *calendar.Calendar, now time.Time) State {
	switch {
	case c.Fulfilled():
		return StateFulfilled
	case c.Paused():
		return StatePaused
	case now.After(c.Due):
		return StateBreached
	case cal.Between(now, c.Due) <= AtRiskWithin:
		return StateAtRisk
	}
	return StateOnTrack
}

// Breach returns the breached event when the clock's due instant falls in
// [from, to): the clock was not breached at from and is at to. A worker that
// checks over consecutive windows logs each breach once. A paused clock
// does not breach; a clock fulfilled after its due instant did.
func (c Clock) Breach(from, to time.Time) (Event, bool) {
	if c.Paused() || (c.Fulfilled() && !c.FulfilledAt.After(c.Due)) {
		return Event{}, false
	}
	if from.After(c.Due) || !to.After(c.Due) {
		return Event{}, false
	}
	return Event{Kind: EventBreached, At: c.Due, Due: c.Due}, true
}
