package sla

import (
	"math/rand/v2"
	"testing"
	"time"

	"supportdesk/core/calendar"
)

func newCal(t testing.TB) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func sameInstant(t *testing.T, what string, got time.Time, want string) {
	t.Helper()
	if w := at(t, want); !got.Equal(w) {
		t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339Nano), want)
	}
}

func TestStart(t *testing.T) {
	t.Parallel()
	cal := newCal(t)
	tests := []struct{ arrival, due string }{
		{"2026-11-25T19:30:00-05:00", "2026-11-30T19:30:00-05:00"},
		{"2026-11-21T03:00:00-05:00", "2026-11-24T20:00:00-05:00"}, // Saturday night
		{"2026-11-18T20:00:00-05:00", "2026-11-20T20:00:00-05:00"}, // at closing: due at closing
	}
	for _, tt := range tests {
		c := Start(cal, at(t, tt.arrival), Target)
		sameInstant(t, "Due of "+tt.arrival, c.Due, tt.due)
		if ev := c.Activated(); ev.Kind != EventActivated || !ev.Due.Equal(c.Due) || !ev.At.Equal(at(t, tt.arrival)) {
			t.Errorf("Activated() = %+v", ev)
		}
		if !c.Running() || c.Left(cal, at(t, tt.arrival)) != Target {
			t.Errorf("fresh clock: running %v, left %v", c.Running(), c.Left(cal, at(t, tt.arrival)))
		}
	}
}

func TestPauseResumeKeepsBusinessTimeAcrossAWeekend(t *testing.T) {
	t.Parallel()
	cal := newCal(t)
	c := Start(cal, at(t, "2026-11-18T10:00:00-05:00"), Target) // Wednesday
	sameInstant(t, "Due", c.Due, "2026-11-20T10:00:00-05:00")

	c, ev := c.Pause(cal, at(t, "2026-11-19T10:00:00-05:00")) // Thursday: 10 h + 2 h used
	if ev.Kind != EventPaused || c.Used != 12*time.Hour || !c.Paused() {
		t.Fatalf("Pause: %+v, used %v", ev, c.Used)
	}
	for _, now := range []string{"2026-11-20T12:00:00-05:00", "2026-11-22T12:00:00-05:00", "2026-12-25T12:00:00-05:00"} {
		if got := c.State(cal, at(t, now)); got != StatePaused {
			t.Errorf("state while paused at %s: %s", now, got)
		}
		if got := c.Left(cal, at(t, now)); got != 12*time.Hour {
			t.Errorf("left while paused at %s: %v", now, got)
		}
		if _, ok := c.Breach(at(t, "2026-11-19T10:00:00-05:00"), at(t, now)); ok {
			t.Error("a paused clock breached")
		}
	}
	if _, ev := c.Pause(cal, at(t, "2026-11-20T10:00:00-05:00")); !ev.IsZero() {
		t.Errorf("second pause logged %+v", ev)
	}

	resumed, ev := c.Resume(cal, at(t, "2026-11-23T09:00:00-05:00")) // Monday
	if ev.Kind != EventResumed || !resumed.Running() {
		t.Fatalf("Resume: %+v", ev)
	}
	sameInstant(t, "Due after resume", resumed.Due, "2026-11-24T09:00:00-05:00")
	if got := resumed.Left(cal, at(t, "2026-11-23T09:00:00-05:00")); got != 12*time.Hour {
		t.Errorf("left at resume: %v", got)
	}
	if _, ev := resumed.Resume(cal, at(t, "2026-11-23T10:00:00-05:00")); !ev.IsZero() {
		t.Errorf("resume of a running clock logged %+v", ev)
	}

	// Resumed on a Saturday: counting starts Monday at opening.
	sat, _ := c.Resume(cal, at(t, "2026-11-21T11:00:00-05:00"))
	sameInstant(t, "Due after a Saturday resume", sat.Due, "2026-11-23T20:00:00-05:00")

	// Paused after running out: resuming gives a due instant in the past.
	late := Start(cal, at(t, "2026-11-18T10:00:00-05:00"), Target)
	late, _ = late.Pause(cal, at(t, "2026-11-20T12:00:00-05:00")) // 2 h over
	late, _ = late.Resume(cal, at(t, "2026-11-23T09:00:00-05:00"))
	sameInstant(t, "overrun Due", late.Due, "2026-11-20T19:00:00-05:00")
	if got := late.State(cal, at(t, "2026-11-23T09:00:00-05:00")); got != StateBreached {
		t.Errorf("overrun state %s", got)
	}
	if got := late.Left(cal, at(t, "2026-11-23T09:00:00-05:00")); got != -2*time.Hour {
		t.Errorf("overrun left %v", got)
	}
}

func TestRestart(t *testing.T) {
	t.Parallel()
	cal := newCal(t)
	c := Start(cal, at(t, "2026-11-18T10:00:00-05:00"), Target)
	if n, ev := c.Restart(cal, at(t, "2026-11-18T11:00:00-05:00")); !ev.IsZero() || n != c {
		t.Errorf("a follow-up before any answer restarted the clock: %+v", ev)
	}
	answered, _ := c.Fulfil(at(t, "2026-11-18T15:00:00-05:00"))
	n, ev := answered.Restart(cal, at(t, "2026-11-25T19:30:00-05:00"))
	if ev.Kind != EventActivated || !n.Running() || n.Used != 0 || n.Target != Target {
		t.Fatalf("Restart after a reply: %+v %+v", ev, n)
	}
	sameInstant(t, "next-reply Due", n.Due, "2026-11-30T19:30:00-05:00")
	pending, _ := c.Pause(cal, at(t, "2026-11-18T12:00:00-05:00"))
	n, ev = pending.Restart(cal, at(t, "2026-11-20T12:00:00-05:00"))
	if ev.Kind != EventActivated || n.Paused() {
		t.Fatalf("Restart of a pending ticket: %+v", ev)
	}
	sameInstant(t, "Due after a reply to a pending ticket", n.Due, "2026-11-24T12:00:00-05:00")
}

func TestFulfil(t *testing.T) {
	t.Parallel()
	cal := newCal(t)
	c := Start(cal, at(t, "2026-11-18T10:00:00-05:00"), Target)
	c, ev := c.Fulfil(at(t, "2026-11-19T10:00:00-05:00"))
	if ev.Kind != EventFulfilled || !ev.At.Equal(at(t, "2026-11-19T10:00:00-05:00")) || !ev.Due.Equal(c.Due) {
		t.Fatalf("Fulfil: %+v", ev)
	}
	if got := c.State(cal, at(t, "2026-12-01T10:00:00-05:00")); got != StateFulfilled {
		t.Errorf("state %s", got)
	}
	if got := c.Left(cal, at(t, "2026-12-01T10:00:00-05:00")); got != 12*time.Hour {
		t.Errorf("left after fulfilment %v, want frozen at 12h", got)
	}
	if _, ev := c.Fulfil(at(t, "2026-11-20T10:00:00-05:00")); !ev.IsZero() {
		t.Error("second fulfilment logged")
	}
	if _, ev := c.Pause(cal, at(t, "2026-11-20T10:00:00-05:00")); !ev.IsZero() {
		t.Error("a fulfilled clock paused")
	}
	if _, ok := c.Breach(at(t, "2026-11-19T00:00:00-05:00"), at(t, "2026-12-01T00:00:00-05:00")); ok {
		t.Error("a clock met in time breached")
	}
	late, _ := Start(cal, at(t, "2026-11-18T10:00:00-05:00"), Target).Fulfil(at(t, "2026-11-23T10:00:00-05:00"))
	if ev, ok := late.Breach(at(t, "2026-11-20T00:00:00-05:00"), at(t, "2026-11-24T00:00:00-05:00")); !ok || ev.Kind != EventBreached {
		t.Error("a late reply hides the breach")
	}
}

func TestStatesAtTheBoundaries(t *testing.T) {
	t.Parallel()
	cal := newCal(t)
	// Due at a closing, Friday 20:00.
	friday := Start(cal, at(t, "2026-11-18T20:00:00-05:00"), Target)
	// Due Monday 10:00, so 4 h before spans the weekend.
	monday := Start(cal, at(t, "2026-11-19T10:00:00-05:00"), Target)
	sameInstant(t, "monday.Due", monday.Due, "2026-11-23T10:00:00-05:00")
	// Due exactly at an opening (only a resumed overrun does that) and the
	// threshold lands on the Friday closing.
	opening := Clock{Target: Target, Used: 12 * time.Hour, Started: at(t, "2026-11-20T08:00:00-05:00"), Due: at(t, "2026-11-23T08:00:00-05:00")}
	tests := []struct {
		name  string
		c     Clock
		now   string
		state State
		left  time.Duration
	}{
		{"4 h left, one ns before", friday.c(), "2026-11-20T15:59:59.999999999-05:00", StateOnTrack, 4*time.Hour + 1},
		{"exactly 4 h left", friday.c(), "2026-11-20T16:00:00-05:00", StateAtRisk, 4 * time.Hour},
		{"at the due instant", friday.c(), "2026-11-20T20:00:00-05:00", StateAtRisk, 0},
		{"one ns after due", friday.c(), "2026-11-20T20:00:00.000000001-05:00", StateBreached, 0},
		{"the weekend after", friday.c(), "2026-11-21T12:00:00-05:00", StateBreached, 0},
		{"Monday after", friday.c(), "2026-11-23T10:00:00-05:00", StateBreached, -2 * time.Hour},
		{"over the weekend: 4 h + 1 ns", monday.c(), "2026-11-20T17:59:59.999999999-05:00", StateOnTrack, 4*time.Hour + 1},
		{"over the weekend: 4 h", monday.c(), "2026-11-20T18:00:00-05:00", StateAtRisk, 4 * time.Hour},
		{"on Saturday: 2 h left", monday.c(), "2026-11-21T12:00:00-05:00", StateAtRisk, 2 * time.Hour},
		{"due at an opening: 4 h", opening, "2026-11-20T16:00:00-05:00", StateAtRisk, 4 * time.Hour},
		{"due at an opening: 4 h + 1 ns", opening, "2026-11-20T15:59:59.999999999-05:00", StateOnTrack, 4*time.Hour + 1},
	}
	for _, tt := range tests {
		now := at(t, tt.now)
		if got := tt.c.State(cal, now); got != tt.state {
			t.Errorf("%s: State = %s, want %s", tt.name, got, tt.state)
		}
		if got := NewClassifier(cal, now).Classify(tt.c.Due, false, false); got != tt.state {
			t.Errorf("%s: Classify = %s, want %s", tt.name, got, tt.state)
		}
		if got := tt.c.Left(cal, now); got != tt.left {
			t.Errorf("%s: Left = %v, want %v", tt.name, got, tt.left)
		}
	}
}

// c returns the clock itself; it keeps the table above readable.
func (c Clock) c() Clock { return c }

func TestBreachIsReportedOnce(t *testing.T) {
	t.Parallel()
	cal := newCal(t)
	c := Start(cal, at(t, "2026-11-18T20:00:00-05:00"), Target) // due Fri 20:00
	var events []Event
	for w := at(t, "2026-11-20T18:00:00-05:00"); w.Before(at(t, "2026-11-21T00:00:00-05:00")); w = w.Add(time.Hour) {
		if ev, ok := c.Breach(w, w.Add(time.Hour)); ok {
			events = append(events, ev)
		}
	}
	if len(events) != 1 || events[0].Kind != EventBreached || !events[0].At.Equal(c.Due) {
		t.Fatalf("breach events %+v", events)
	}
	if _, ok := c.Breach(c.Due, c.Due.Add(time.Nanosecond)); !ok {
		t.Error("window starting at the due instant misses the breach")
	}
	if _, ok := c.Breach(c.Due.Add(-time.Hour), c.Due); ok {
		t.Error("window ending at the due instant reports a breach")
	}
}

func TestEventKindsMatchTheSchema(t *testing.T) {
	t.Parallel()
	for _, k := range []EventKind{EventActivated, EventPaused, EventResumed, EventFulfilled, EventBreached} {
		if !k.Valid() {
			t.Errorf("%q not valid", k)
		}
	}
	want := "activated paused resumed fulfilled breached"
	got := string(EventActivated + " " + EventPaused + " " + EventResumed + " " + EventFulfilled + " " + EventBreached)
	if got != want {
		t.Errorf("kinds %q, want %q (sla_events CHECK)", got, want)
	}
	if EventKind("late").Valid() {
		t.Error("unknown kind valid")
	}
}

// TestClassifierAgreesWithState on random clocks and instants, including
// instants out of hours and clocks resumed after an overrun.
func TestClassifierAgreesWithState(t *testing.T) {
	t.Parallel()
	cal := newCal(t)
	rng := rand.New(rand.NewPCG(5, 6))
	base := at(t, "2025-01-01T00:00:00-05:00")
	span := int64(7 * 365 * 24 * time.Hour / time.Minute)
	for i := range 20000 {
		start := base.Add(time.Duration(rng.Int64N(span)) * time.Minute)
		c := Start(cal, start, Target)
		now := start.Add(time.Duration(rng.IntN(10*24*60)) * time.Minute)
		if i%7 == 0 {
			now = c.Due.Add(time.Duration(rng.IntN(9*60)-6*60) * time.Minute) // near the edges
		}
		if i%11 == 0 {
			c, _ = c.Pause(cal, start.Add(time.Duration(rng.IntN(5*24*60))*time.Minute))
			c, _ = c.Resume(cal, now.Add(-time.Duration(rng.IntN(3*24*60))*time.Minute))
		}
		paused, fulfilled := i%13 == 0, i%17 == 0
		want := c.State(cal, now)
		if paused || fulfilled {
			want = map[bool]State{true: StateFulfilled, false: StatePaused}[fulfilled]
		}
		if got := NewClassifier(cal, now).Classify(c.Due, paused, fulfilled); got != want {
			t.Fatalf("clock %+v at %v: Classify %s, State %s", c, now, got, want)
		}
		if c.Running() && !now.Before(c.Started) {
			left := c.Left(cal, now)
			if b := cal.Between(now, c.Due); left != b {
				t.Fatalf("clock %+v at %v: Left %v, Between(now, Due) %v", c, now, left, b)
			}
		}
	}
}

// A closure day moves a running clock by the business time it had left;
// a closure in the past, a paused clock, an answered or overrun one do not
// move.
func TestRecalendar(t *testing.T) {
	t.Parallel()
	old := newCal(t)
	day := func(s string) calendar.Closure {
		d, err := calendar.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return calendar.Closure{Day: d, Reason: "x"}
	}
	ny := old.Zone()
	mon := time.Date(2026, 12, 7, 9, 0, 0, 0, ny) // a Monday
	now := mon.Add(26 * time.Hour)                // Tuesday 11:00
	running := Start(old, mon, Target)            // due Wednesday 09:00 (24 business hours)
	paused, _ := running.Pause(old, mon.Add(2*time.Hour))
	answered, _ := running.Fulfil(mon.Add(time.Hour))
	overrun := Start(old, mon.Add(-7*24*time.Hour), Target)
	tests := []struct {
		name    string
		c       Clock
		closed  string
		moved   bool
		wantDue time.Time
	}{
		{"closing Wednesday", running, "2026-12-09", true, running.Due.Add(24 * time.Hour)},
		{"closing last Monday", running, "2026-12-07", false, running.Due},
		{"paused", paused, "2026-12-09", false, paused.Due},
		{"answered", answered, "2026-12-09", false, answered.Due},
		{"overrun", overrun, "2026-12-09", false, overrun.Due},
	}
	for _, tt := range tests {
		cal := old.WithClosures([]calendar.Closure{day(tt.closed)})
		got, moved := tt.c.Recalendar(old, cal, now)
		if moved != tt.moved || !got.Due.Equal(tt.wantDue) {
			t.Errorf("%s: due %s (moved %v), want %s (%v)", tt.name, got.Due, moved, tt.wantDue, tt.moved)
		}
		if moved && got.Left(cal, now) != tt.c.Left(old, now) {
			t.Errorf("%s: business time left %v, was %v", tt.name, got.Left(cal, now), tt.c.Left(old, now))
		}
		if moved && got.State(cal, now) != tt.c.State(old, now) {
			t.Errorf("%s: state %s, was %s", tt.name, got.State(cal, now), tt.c.State(old, now))
		}
	}
}
