// Package presence knows which staff sessions have a ticket open, and
// whether they are only viewing it or writing a reply, so that two agents
// on one ticket see each other before both answer. Entries live for a TTL
// unless refreshed: a console that went away without saying so drops out
// on its own. The registry is an interface so that several serve
// processes can share one later (PostgreSQL); the in-process one is
// Memory.
package presence

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// State is what a session does on a ticket.
type State string

// The states a console sets.
const (
	Viewing  State = "viewing"
	Replying State = "replying"
	Left     State = "left" // the ticket is closed in that console: the entry goes
)

// Valid reports whether s is a state a console may set.
func (s State) Valid() bool { return s == Viewing || s == Replying || s == Left }

// TTL is how long an entry lasts without a refresh; a console refreshes
// well within it (Refresh) while the ticket is open.
const TTL = 30 * time.Second

// Refresh is how often a console with a ticket open sets its presence
// again.
const Refresh = 10 * time.Second

// Entry is one session on one ticket.
type Entry struct {
	Ticket  int64
	Session string // the staff session: one agent may have two consoles
	AgentID string
	Name    string // the agent's display name as stored
	State   State
	Until   time.Time // the entry lapses at Until unless refreshed
}

// Viewer is another agent on a ticket, as a ticket view shows it.
type Viewer struct {
	AgentID string
	Name    string // sanitize before display
	State   State  // Viewing or Replying
}

// Registry holds the entries.
type Registry interface {
	// Set records e (State Left removes the session's entry) and reports
	// whether what others see changed: a new entry, another state, a
	// removal. A refresh in the same state changes nothing.
	Set(e Entry, now time.Time) (changed bool)
	// Here lists the live entries on a ticket at now, ordered by name.
	Here(ticket int64, now time.Time) []Entry
}

// Others turns a ticket's entries into the viewers an agent sees: not
// itself (in any of its sessions), one line per other agent, replying
// winning over viewing.
func Others(entries []Entry, self string) []Viewer {
	var out []Viewer
	for _, e := range entries {
		if e.AgentID == self {
			continue
		}
		i := slices.IndexFunc(out, func(v Viewer) bool { return v.AgentID == e.AgentID })
		if i < 0 {
			out = append(out, Viewer{AgentID: e.AgentID, Name: e.Name, State: e.State})
			continue
		}
		if e.State == Replying {
			out[i].State = Replying
		}
	}
	return out
}

// Memory is the in-process registry.
type Memory struct {
	mu      sync.Mutex
	tickets map[int64]map[string]Entry // ticket → session → entry
	sweep   time.Time                  // the next sweep of lapsed entries
}

// NewMemory returns an empty registry.
func NewMemory() *Memory { return &Memory{tickets: map[int64]map[string]Entry{}} }

// Set implements Registry.
func (m *Memory) Set(e Entry, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweepLocked(now)
	on := m.tickets[e.Ticket]
	old, had := on[e.Session]
	live := had && now.Before(old.Until)
	if e.State == Left {
		if !had {
			return false
		}
		delete(on, e.Session)
		if len(on) == 0 {
			delete(m.tickets, e.Ticket)
		}
		return live
	}
	if on == nil {
		on = map[string]Entry{}
		m.tickets[e.Ticket] = on
	}
	if e.Until.IsZero() {
		e.Until = now.Add(TTL)
	}
	on[e.Session] = e
	return !live || old.State != e.State || old.Name != e.Name
}

// Here implements Registry.
func (m *Memory) Here(ticket int64, now time.Time) []Entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Entry
	for _, e := range m.tickets[ticket] {
		if now.Before(e.Until) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Session, b.Session)
	})
	return out
}

// sweepLocked drops lapsed entries at most once a TTL, so the map does
// not grow with consoles that vanished.
func (m *Memory) sweepLocked(now time.Time) {
	if now.Before(m.sweep) {
		return
	}
	m.sweep = now.Add(TTL)
	for id, on := range m.tickets {
		for s, e := range on {
			if !now.Before(e.Until) {
				delete(on, s)
			}
		}
		if len(on) == 0 {
			delete(m.tickets, id)
		}
	}
}
