package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/presence"
)

// pt0 is the presence tests' clock origin; every offset from it is whole
// milliseconds, the precision the table keeps.
var pt0 = time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)

// presenceStep is one call on a registry: a Set (set != nil) and the
// change it must report, or a Here on ticket and what it must list
// (entries as "session/agent/name/state/until", until after pt0) and, with
// self, the viewers Others makes of it ("agent/name/state").
type presenceStep struct {
	at      time.Duration // after pt0
	set     *presence.Entry
	changed bool
	ticket  int64
	here    []string
	self    string
	others  []string
}

func set(at time.Duration, e presence.Entry, changed bool) presenceStep {
	return presenceStep{at: at, set: &e, changed: changed}
}

func here(at time.Duration, ticket int64, want ...string) presenceStep {
	return presenceStep{at: at, ticket: ticket, here: want}
}

func others(at time.Duration, ticket int64, self string, want ...string) presenceStep {
	return presenceStep{at: at, ticket: ticket, self: self, others: want}
}

func entry(ticket int64, session, agent, name string, state presence.State) presence.Entry {
	return presence.Entry{Ticket: ticket, Session: session, AgentID: agent, Name: name, State: state}
}

func left(ticket int64, session string) presence.Entry {
	return presence.Entry{Ticket: ticket, Session: session, State: presence.Left}
}

const sec = time.Second

// presenceCases are what presence.Memory does; the PostgreSQL registry
// must do the same.
var presenceCases = []struct {
	name  string
	steps []presenceStep
}{
	{"a new entry is a change", []presenceStep{
		here(0, 1),
		set(0, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		here(0, 1, "s1/ana/Ana Agent/viewing/30s"),
	}},
	{"a refresh in the same state is not", []presenceStep{
		set(0, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		set(20*sec, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), false),
		here(49*sec+999*time.Millisecond, 1, "s1/ana/Ana Agent/viewing/50s"),
		here(50*sec, 1),
	}},
	{"another state is a change", []presenceStep{
		set(0, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		set(1*sec, entry(1, "s1", "ana", "Ana Agent", presence.Replying), true),
		here(1*sec, 1, "s1/ana/Ana Agent/replying/31s"),
		set(2*sec, entry(1, "s1", "ana", "Ana Agent", presence.Replying), false),
		set(3*sec, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		here(3*sec, 1, "s1/ana/Ana Agent/viewing/33s"),
	}},
	{"a new name is a change", []presenceStep{
		set(0, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		set(1*sec, entry(1, "s1", "ana", "Ana Lead", presence.Viewing), true),
		here(1*sec, 1, "s1/ana/Ana Lead/viewing/31s"),
	}},
	{"left removes", []presenceStep{
		set(0, left(1, "s1"), false),
		set(0, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		set(1*sec, left(1, "s1"), true),
		here(1*sec, 1),
		set(2*sec, left(1, "s1"), false),
		set(3*sec, entry(1, "s1", "ana", "Ana Agent", presence.Replying), true),
		here(3*sec, 1, "s1/ana/Ana Agent/replying/33s"),
	}},
	{"a lapsed entry is absent and setting it again is a change", []presenceStep{
		set(0, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		here(29*sec+999*time.Millisecond, 1, "s1/ana/Ana Agent/viewing/30s"),
		here(30*sec, 1),
		set(31*sec, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		here(31*sec, 1, "s1/ana/Ana Agent/viewing/1m1s"),
	}},
	{"leaving after lapsing is no change", []presenceStep{
		set(0, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
		set(40*sec, left(1, "s1"), false),
		set(41*sec, entry(1, "s1", "ana", "Ana Agent", presence.Viewing), true),
	}},
	{"an entry lapses at its own Until", []presenceStep{
		set(0, presence.Entry{Ticket: 1, Session: "s1", AgentID: "ana", Name: "Ana", State: presence.Viewing, Until: pt0.Add(5 * sec)}, true),
		here(4*sec, 1, "s1/ana/Ana/viewing/5s"),
		here(5*sec, 1),
		set(6*sec, entry(1, "s1", "ana", "Ana", presence.Viewing), true),
	}},
	{"one ticket's entries are its own", []presenceStep{
		set(0, entry(1, "s1", "ana", "Ana", presence.Viewing), true),
		set(0, entry(2, "s1", "ana", "Ana", presence.Replying), true),
		here(0, 1, "s1/ana/Ana/viewing/30s"),
		here(0, 2, "s1/ana/Ana/replying/30s"),
		here(0, 3),
		set(1*sec, left(1, "s1"), true),
		here(1*sec, 2, "s1/ana/Ana/replying/30s"),
	}},
	{"two sessions of one agent", []presenceStep{
		set(0, entry(1, "s1", "ana", "Ana", presence.Viewing), true),
		set(0, entry(1, "s2", "ana", "Ana", presence.Viewing), true),
		set(0, entry(1, "s3", "bob", "Bob", presence.Viewing), true),
		here(0, 1, "s1/ana/Ana/viewing/30s", "s2/ana/Ana/viewing/30s", "s3/bob/Bob/viewing/30s"),
		others(0, 1, "bob", "ana/Ana/viewing"),
		others(0, 1, "ana", "bob/Bob/viewing"),
		set(1*sec, entry(1, "s2", "ana", "Ana", presence.Replying), true),
		others(1*sec, 1, "bob", "ana/Ana/replying"),
		set(2*sec, left(1, "s2"), true),
		others(2*sec, 1, "bob", "ana/Ana/viewing"),
		here(2*sec, 1, "s1/ana/Ana/viewing/30s", "s3/bob/Bob/viewing/30s"),
	}},
	{"others over the entries", []presenceStep{
		set(0, entry(1, "s4", "me", "Me", presence.Replying), true),
		set(0, entry(1, "s3", "bob", "Bob", presence.Viewing), true),
		set(0, entry(1, "s2", "ana", "Ana", presence.Replying), true),
		set(0, entry(1, "s1", "ana", "Ana", presence.Viewing), true),
		others(0, 1, "me", "ana/Ana/replying", "bob/Bob/viewing"),
		others(0, 1, "nobody", "ana/Ana/replying", "bob/Bob/viewing", "me/Me/replying"),
		others(31*sec, 1, "nobody"),
	}},
	{"names in byte order, then sessions", []presenceStep{
		set(0, entry(1, "s2", "e", "Émile", presence.Viewing), true),
		set(0, entry(1, "s1", "b", "bob", presence.Viewing), true),
		set(0, entry(1, "s9", "z", "Zoe", presence.Viewing), true),
		set(0, entry(1, "s5", "a2", "ana", presence.Viewing), true),
		set(0, entry(1, "s4", "a1", "ana", presence.Viewing), true),
		here(0, 1, "s9/z/Zoe/viewing/30s", "s4/a1/ana/viewing/30s", "s5/a2/ana/viewing/30s",
			"s1/b/bob/viewing/30s", "s2/e/Émile/viewing/30s"),
	}},
}

// runPresence plays steps on reg.
func runPresence(t *testing.T, reg presence.Registry, steps []presenceStep) {
	t.Helper()
	for i, st := range steps {
		now := pt0.Add(st.at)
		if st.set != nil {
			if got := reg.Set(*st.set, now); got != st.changed {
				t.Fatalf("step %d: Set(%+v) at %v changed %v, want %v", i, *st.set, st.at, got, st.changed)
			}
			continue
		}
		es := reg.Here(st.ticket, now)
		if st.self != "" {
			var got []string
			for _, v := range presence.Others(es, st.self) {
				got = append(got, v.AgentID+"/"+v.Name+"/"+string(v.State))
			}
			if !slices.Equal(got, st.others) {
				t.Fatalf("step %d: Others(Here(%d) at %v, %s) = %q, want %q", i, st.ticket, st.at, st.self, got, st.others)
			}
			continue
		}
		var got []string
		for _, e := range es {
			if e.Ticket != st.ticket {
				t.Fatalf("step %d: Here(%d) listed %+v", i, st.ticket, e)
			}
			got = append(got, fmt.Sprintf("%s/%s/%s/%s/%v", e.Session, e.AgentID, e.Name, e.State, e.Until.Sub(pt0)))
		}
		if !slices.Equal(got, st.here) {
			t.Fatalf("step %d: Here(%d) at %v = %q, want %q", i, st.ticket, st.at, got, st.here)
		}
	}
}

// TestPresenceLikeMemory plays the same calls on presence.Memory and on
// the PostgreSQL registry, with the same expectations.
func TestPresenceLikeMemory(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	regs := []struct {
		name string
		open func(t *testing.T) presence.Registry
	}{
		{"memory", func(*testing.T) presence.Registry { return presence.NewMemory() }},
		{"postgres", func(t *testing.T) presence.Registry {
			s := openPresenceStore(t, url)
			p := s.Presence()
			t.Cleanup(func() {
				if err := p.Err(); err != nil {
					t.Errorf("Err: %v", err)
				}
			})
			return p
		}},
	}
	for _, r := range regs {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range presenceCases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					runPresence(t, r.open(t), c.steps)
				})
			}
		})
	}
}

// openPresenceStore is openTemp, closed when the test ends (before its
// schema is dropped).
func openPresenceStore(t *testing.T, url string) *Store {
	t.Helper()
	s := openTemp(t, url, Options{MaxConns: 2})
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPresenceAcrossProcesses: two stores on one schema, as two serve
// processes on one database, see each other's entries.
func TestPresenceAcrossProcesses(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	a := openPresenceStore(t, url)
	b, err := Open(t.Context(), url, Options{MaxConns: 2, Schema: a.schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if a.pool == b.pool {
		t.Fatal("one pool")
	}
	pa, pb := a.Presence(), b.Presence()

	// Steps alternate: A, B, A, B, ...
	runPresence(t, &alternate{ps: []*Presence{pa, pb}}, []presenceStep{
		set(0, entry(7, "sa", "ana", "Ana Agent", presence.Viewing), true), // A
		here(0, 7, "sa/ana/Ana Agent/viewing/30s"),                         // B
		set(1*sec, entry(7, "sb", "bob", "Bob", presence.Replying), true),  // A
		others(1*sec, 7, "bob", "ana/Ana Agent/viewing"),                   // B
		// Ana's console moves from A to B: her entry is the same one.
		set(2*sec, entry(7, "sa", "ana", "Ana Agent", presence.Viewing), false),    // A
		set(3*sec, entry(7, "sa", "ana", "Ana Agent", presence.Replying), true),    // B
		here(3*sec, 7, "sa/ana/Ana Agent/replying/33s", "sb/bob/Bob/replying/31s"), // A
		set(4*sec, left(7, "sa"), true),                                            // B
		set(4*sec, left(7, "sa"), false),                                           // A
		others(4*sec, 7, "ana", "bob/Bob/replying"),                                // B
	})
	for _, p := range []*Presence{pa, pb} {
		if err := p.Err(); err != nil {
			t.Errorf("Err: %v", err)
		}
	}
}

// alternate plays each call on the next of its registries in turn.
type alternate struct {
	ps []*Presence
	i  int
}

func (a *alternate) next() *Presence {
	p := a.ps[a.i%len(a.ps)]
	a.i++
	return p
}

func (a *alternate) Set(e presence.Entry, now time.Time) bool { return a.next().Set(e, now) }
func (a *alternate) Here(id int64, now time.Time) []presence.Entry {
	return a.next().Here(id, now)
}

// TestPresenceSweepsLapsedRows: the table holds the live entries and few
// more, whether or not anyone sets the lapsed ones' tickets again.
func TestPresenceSweepsLapsedRows(t *testing.T) {
	t.Parallel()
	s := openPresenceStore(t, testURL(t))
	p := s.Presence()
	count := func() (n int) {
		t.Helper()
		if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM presence`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// 20 consoles that vanished 5 s in; the first Set sweeps (nothing),
	// the next sweep is due at 30 s.
	for i := range 20 {
		e := entry(int64(i), "s", "ana", "Ana", presence.Viewing)
		e.Until = pt0.Add(5 * sec)
		p.Set(e, pt0)
	}
	if n := count(); n != 20 {
		t.Fatalf("%d rows, want 20", n)
	}
	// Before the sweep is due, a Set drops its own ticket's lapsed rows.
	p.Set(entry(1, "t", "bob", "Bob", presence.Viewing), pt0.Add(10*sec))
	p.Set(entry(1, "t", "bob", "Bob", presence.Viewing), pt0.Add(29*sec))
	if n := count(); n != 20 {
		t.Fatalf("%d rows, want 20 (ticket 1's lapsed row gone, Bob's in)", n)
	}
	// The sweep drops every ticket's.
	p.Set(entry(1, "t", "bob", "Bob", presence.Viewing), pt0.Add(30*sec))
	if n := count(); n != 1 {
		t.Fatalf("%d rows after the sweep, want 1", n)
	}
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestPresenceDegrades: with the database gone, Set changes nothing and
// Here lists nobody, promptly, and Err has the reason once.
func TestPresenceDegrades(t *testing.T) {
	t.Parallel()
	s := openPresenceStore(t, testURL(t))
	p := s.Presence()
	if !p.Set(entry(1, "s", "ana", "Ana", presence.Viewing), pt0) {
		t.Fatal("a new entry is a change")
	}
	s.Close()
	start := time.Now()
	if p.Set(entry(1, "s", "ana", "Ana", presence.Replying), pt0) {
		t.Fatal("a failed Set reported a change")
	}
	if got := p.Here(1, pt0); got != nil {
		t.Fatalf("a failed Here listed %+v", got)
	}
	if d := time.Since(start); d > 2*callTimeout {
		t.Fatalf("the failures took %v", d)
	}
	err := p.Err()
	if fault.CodeOf(err) != fault.CodeStorage || !strings.Contains(err.Error(), "presence") {
		t.Fatalf("Err = %v", err)
	}
	if err := p.Err(); err != nil {
		t.Fatalf("Err again = %v, want nil (taken)", err)
	}
}

// TestPresenceHoldsUnderConcurrentSets: many consoles on one ticket from
// two processes at once; each entry's first Set is the one change it
// reports, and all are listed.
func TestPresenceHoldsUnderConcurrentSets(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	a := openPresenceStore(t, url)
	b, err := Open(t.Context(), url, Options{MaxConns: 2, Schema: a.schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	regs := []*Presence{a.Presence(), b.Presence()}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	const n = 16
	changes := make(chan bool, 2*n)
	for i := range n {
		go func() {
			e := entry(9, fmt.Sprintf("s%02d", i), fmt.Sprintf("a%02d", i), fmt.Sprintf("Agent %02d", i), presence.Viewing)
			p := regs[i%2]
			changes <- p.Set(e, pt0)
			changes <- p.Set(e, pt0.Add(sec))
		}()
	}
	got := 0
	for range 2 * n {
		select {
		case c := <-changes:
			if c {
				got++
			}
		case <-ctx.Done():
			t.Fatal("Sets did not return")
		}
	}
	if got != n {
		t.Fatalf("%d changes, want %d", got, n)
	}
	if es := regs[1].Here(9, pt0.Add(sec)); len(es) != n {
		t.Fatalf("Here listed %d, want %d", len(es), n)
	}
	for _, p := range regs {
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
	}
}
