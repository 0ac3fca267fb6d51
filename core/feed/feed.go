// Package feed carries change notices between the sessions of one core:
// after a write commits, a small notice says what changed (a ticket, the
// queues as a whole, the held mail, who is on a ticket), and every open
// console that shows it reloads. A notice names no person and holds no
// text, so it can travel anywhere; a PostgreSQL LISTEN/NOTIFY feed can
// replace the in-process one behind the same interface.
package feed

import (
	"context"
	"strconv"
	"strings"
	"sync"
)

// Kind is what a notice is about.
type Kind byte

// The kinds of notice. Their letters are the wire form (Change.String).
const (
	// Ticket: a ticket's row, thread or SLA log changed (Ticket names it).
	Ticket Kind = 't'
	// Queues: something that moves every queue at once (a closure day
	// added or removed recomputes the open clocks).
	Queues Kind = 'q'
	// Held: the held mail list changed.
	Held Kind = 'h'
	// Presence: who is viewing or replying on a ticket changed.
	Presence Kind = 'p'
	// Resync: the subscriber missed notices (it was slow): reload all.
	Resync Kind = 'r'
)

// Change is one notice. It stays small and free of PII: a kind and, for
// Ticket and Presence, the ticket's id.
type Change struct {
	Kind   Kind
	Ticket int64 // 0 unless Kind is Ticket or Presence
}

// String is the notice's wire form, as a NOTIFY payload would carry it:
// "t:42", "q", "h", "p:42", "r".
func (c Change) String() string {
	if c.Ticket != 0 {
		return string(rune(c.Kind)) + ":" + strconv.FormatInt(c.Ticket, 10)
	}
	return string(rune(c.Kind))
}

// Parse reads a notice's wire form; ok is false for anything else.
func Parse(s string) (c Change, ok bool) {
	if s == "" {
		return Change{}, false
	}
	k := Kind(s[0])
	switch k {
	case Ticket, Presence:
		// Only the canonical form: ":" then digits without a leading zero.
		if len(s) < 3 || s[1] != ':' || s[2] == '0' || strings.Trim(s[2:], "0123456789") != "" {
			return Change{}, false
		}
		id, err := strconv.ParseInt(s[2:], 10, 64)
		if err != nil {
			return Change{}, false
		}
		return Change{Kind: k, Ticket: id}, true
	case Queues, Held, Resync:
		return Change{Kind: k}, len(s) == 1
	}
	return Change{}, false
}

// Publisher sends notices. Publish never blocks on a subscriber; writers
// call it only after their transaction committed.
type Publisher interface {
	Publish(changes ...Change)
}

// Feed is a Publisher that sessions subscribe to.
type Feed interface {
	Publisher
	// Subscribe returns the channel the notices come on and the function
	// that ends the subscription (it closes the channel; calling it twice
	// is safe). The subscription also ends with ctx. A subscriber that
	// falls behind gets Resync instead of what it missed.
	Subscribe(ctx context.Context) (<-chan Change, func())
}

// Buffer is how many notices wait for one subscriber before the older
// ones are dropped for a Resync.
const Buffer = 64

// Memory is the in-process feed: it fans each notice out to every
// subscriber's buffer, and never waits for one.
type Memory struct {
	mu   sync.Mutex
	subs map[*sub]struct{}
}

// NewMemory returns an in-process feed with no subscribers.
func NewMemory() *Memory { return &Memory{subs: map[*sub]struct{}{}} }

type sub struct {
	mu     sync.Mutex // one sender at a time, and none after close
	ch     chan Change
	closed bool
}

// Subscribe implements Feed.
func (m *Memory) Subscribe(ctx context.Context) (<-chan Change, func()) {
	s := &sub{ch: make(chan Change, Buffer)}
	m.mu.Lock()
	m.subs[s] = struct{}{}
	m.mu.Unlock()
	stop := make(chan struct{})
	var once sync.Once
	cancel := func() {
		once.Do(func() {
			close(stop)
			m.mu.Lock()
			delete(m.subs, s)
			m.mu.Unlock()
			s.mu.Lock()
			s.closed = true
			close(s.ch)
			s.mu.Unlock()
		})
	}
	if done := ctx.Done(); done != nil {
		go func() {
			select {
			case <-done:
				cancel()
			case <-stop:
			}
		}()
	}
	return s.ch, cancel
}

// Subscribers counts the live subscriptions (for metrics and tests).
func (m *Memory) Subscribers() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.subs)
}

// Publish implements Publisher: each subscriber gets the notices in
// order; one whose buffer is full loses what waits there for a single
// Resync, so a slow console costs the writer nothing and reloads once.
func (m *Memory) Publish(changes ...Change) {
	if len(changes) == 0 {
		return
	}
	m.mu.Lock()
	subs := make([]*sub, 0, len(m.subs))
	for s := range m.subs {
		subs = append(subs, s)
	}
	m.mu.Unlock()
	for _, s := range subs {
		s.send(changes)
	}
}

func (s *sub) send(changes []Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for _, c := range changes {
		select {
		case s.ch <- c:
			continue
		default:
		}
		// Full: whatever waits is superseded by one Resync. The reader may
		// take some meanwhile; only this sender puts any in.
		for drained := false; !drained; {
			select {
			case <-s.ch:
			default:
				drained = true
			}
		}
		s.ch <- Change{Kind: Resync}
		return // the Resync covers the rest of this batch too
	}
}

// Dedup returns changes without repeats, in first-seen order.
func Dedup(changes []Change) []Change {
	seen := make(map[Change]bool, len(changes))
	out := changes[:0:0]
	for _, c := range changes {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
