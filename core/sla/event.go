package sla

import "time"

// EventKind is what happened to a clock. The values are stored in the
// CHECK-constrained sla_events.kind column: do not rename them.
type EventKind string

// The events of a ticket's SLA log.
const (
	EventActivated EventKind = "activated"
	EventPaused    EventKind = "paused"
	EventResumed   EventKind = "resumed"
	EventFulfilled EventKind = "fulfilled"
	EventBreached  EventKind = "breached"
)

// Valid reports whether k is one of the stored kinds.
func (k EventKind) Valid() bool {
	switch k {
	case EventActivated, EventPaused, EventResumed, EventFulfilled, EventBreached:
		return true
	}
	return false
}

// Event is one entry of the SLA log: what happened, when, and the due
// instant at that moment.
type Event struct {
	Kind EventKind
	At   time.Time
	Due  time.Time
}

// IsZero reports whether e is the zero Event, which a transition returns
// when it does not apply (nothing to log).
func (e Event) IsZero() bool { return e.Kind == "" }
