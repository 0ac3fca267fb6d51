package sla

import (
	"time"

	"supportdesk/core/calendar"
)

// State is where a ticket stands against its target.
type State string

// The states. A running clock is on track, at risk or breached; one that is
// not running is paused or fulfilled.
const (
	StateOnTrack   State = "on_track"
	StateAtRisk    State = "at_risk"
	StateBreached  State = "breached"
	StatePaused    State = "paused"
	StateFulfilled State = "fulfilled"
)

// States lists every state, in queue order.
var States = [...]State{StateBreached, StateAtRisk, StateOnTrack, StatePaused, StateFulfilled}

// Classifier classifies clocks at one instant without calendar arithmetic
// per clock: it computes once the last due instant that is at risk.
type Classifier struct {
	now, risk time.Time
}

// NewClassifier prepares classification at now. A due instant is at risk
// when it is at most AtRiskWithin of business time after now, that is, not
// after cal.Add(now, AtRiskWithin) — or, when that lands on a closing, not
// after the next opening, since no business time passes in between.
func NewClassifier(cal *calendar.Calendar, now time.Time) Classifier {
	risk := cal.Add(now, AtRiskWithin)
	if !cal.IsOpen(risk) {
		risk = cal.NextOpen(risk)
	}
	return Classifier{now: now, risk: risk}
}

// Classify returns the state of a clock due at due.
func (k Classifier) Classify(due time.Time, paused, fulfilled bool) State {
	switch {
	case fulfilled:
		return StateFulfilled
	case paused:
		return StatePaused
	case k.now.After(due):
		return StateBreached
	case !due.After(k.risk):
		return StateAtRisk
	}
	return StateOnTrack
}

// Bounds returns the classification instant and the last at-risk due
// instant, so a store can classify in a query exactly as Classify does:
// breached when due is before now, at risk when due is not after risk.
func (k Classifier) Bounds() (now, risk time.Time) { return k.now, k.risk }
