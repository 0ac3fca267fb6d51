package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// refCal is a slow, obviously correct business calendar: it walks minute by
// minute and asks of each minute whether its wall clock, in the zone, falls
// on a working weekday that is not closed, between opening and closing. It
// shares no code with Calendar, and its holidays are the pinned table.
type refCal struct {
	zone        *time.Location
	open, close int // minutes since midnight, wall clock
	workday     [7]bool
	closed      map[Date]string
}

func defaultRef(t testing.TB) refCal {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	r := refCal{zone: ny, open: 8 * 60, close: 20 * 60, closed: pinnedHolidays(t)}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		r.workday[wd] = true
	}
	return r
}

// openMinute reports whether the minute starting at u is business time.
func (r refCal) openMinute(u time.Time) bool {
	l := u.In(r.zone)
	y, m, d := l.Date()
	if !r.workday[l.Weekday()] {
		return false
	}
	if _, ok := r.closed[Date{y, m, d}]; ok {
		return false
	}
	min := l.Hour()*60 + l.Minute()
	return min >= r.open && min < r.close
}

// add returns the earliest instant at which d (whole minutes, > 0) of
// business time has elapsed since t (a whole minute).
func (r refCal) add(t time.Time, d time.Duration) time.Time {
	for u := t; ; u = u.Add(time.Minute) {
		if r.openMinute(u) {
			d -= time.Minute
			if d == 0 {
				return u.Add(time.Minute)
			}
		}
	}
}

// between counts business minutes from a to b (a <= b).
func (r refCal) between(a, b time.Time) time.Duration {
	var n time.Duration
	for u := a; u.Before(b); u = u.Add(time.Minute) {
		if r.openMinute(u) {
			n += time.Minute
		}
	}
	return n
}

// sampleInstants returns whole-minute instants from 2025 to 2031: random
// ones, and ones on the edges that matter (every holiday and observed day,
// the days around them, DST changes, 31 Dec 2027, exact openings and
// closings, nights and weekends).
func sampleInstants(t testing.TB, r refCal, rng *rand.Rand, random int) []time.Time {
	var out []time.Time
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, r.zone).Unix() / 60
	to := time.Date(2031, 12, 20, 0, 0, 0, 0, r.zone).Unix() / 60
	for range random {
		out = append(out, time.Unix((from+rng.Int64N(to-from))*60, 0))
	}
	at := func(d Date, h, m int) time.Time {
		return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, r.zone)
	}
	for d := range r.closed {
		if d.Year < 2025 || d.Year > 2031 || (d.Year == 2031 && d.Month == time.December) {
			continue
		}
		out = append(out, at(d, 7, 59), at(d, 8, 0), at(d, 13, 17), at(d, 20, 0), at(d.AddDays(-1), 20, 0), at(d.AddDays(-1), 19, 59))
	}
	// DST changes: find them with the zone, not with the calendar.
	for u := time.Date(2025, 1, 1, 0, 0, 0, 0, r.zone); u.Year() < 2032; {
		_, end := u.ZoneBounds()
		if end.IsZero() {
			break
		}
		sun := DateOf(end.In(r.zone))
		fri := sun.AddDays(-2)
		out = append(out, end.Add(-30*time.Minute), end, end.Add(30*time.Minute),
			at(fri, 8, 0), at(fri, 19, 0), at(fri, 20, 0), at(fri, 23, 0), at(sun.AddDays(-1), 12, 0),
			at(sun.AddDays(1), 7, 59), at(sun.AddDays(1), 8, 0), at(sun.AddDays(1), 19, 59), at(sun.AddDays(1), 20, 0))
		u = end
	}
	for _, s := range []string{
		"2027-12-30T19:00:00-05:00", "2027-12-30T20:00:00-05:00", "2027-12-31T10:00:00-05:00",
		"2028-01-01T09:00:00-05:00", "2028-01-03T07:59:00-05:00", "2028-01-03T08:00:00-05:00",
		"2026-11-25T19:30:00-05:00", "2025-12-31T23:59:00-05:00", "2030-12-31T20:00:00-05:00",
	} {
		out = append(out, mustTime(t, s))
	}
	return out
}

func TestAddAgreesWithReference(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	r := defaultRef(t)
	rng := rand.New(rand.NewPCG(1, 2))
	samples := sampleInstants(t, r, rng, 300)
	if len(samples) < 700 {
		t.Fatalf("only %d samples", len(samples))
	}
	// 24 h for every sample; random whole-minute durations for some.
	type job struct {
		from time.Time
		d    time.Duration
	}
	var jobs []job
	for i, s := range samples {
		jobs = append(jobs, job{s, 24 * time.Hour})
		if i%3 == 0 {
			jobs = append(jobs, job{s, time.Duration(1+rng.IntN(100*60)) * time.Minute})
		}
	}
	for _, d := range []time.Duration{time.Minute, 4 * time.Hour, 12 * time.Hour, 36 * time.Hour} {
		jobs = append(jobs, job{samples[0], d}, job{samples[len(samples)-1], d})
	}
	t.Logf("%d samples, %d additions", len(samples), len(jobs))
	for part := range 4 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			for i := part; i < len(jobs); i += 4 {
				j := jobs[i]
				want := r.add(j.from, j.d)
				got := c.Add(j.from, j.d)
				if !got.Equal(want) {
					t.Errorf("Add(%s, %v) = %s, reference %s", j.from.In(r.zone).Format(time.RFC3339), j.d,
						got.Format(time.RFC3339), want.In(r.zone).Format(time.RFC3339))
				}
			}
		})
	}
}

func TestBetweenAgreesWithReference(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	r := defaultRef(t)
	rng := rand.New(rand.NewPCG(3, 4))
	samples := sampleInstants(t, r, rng, 200)
	ends := make([]time.Time, len(samples))
	for i, a := range samples {
		ends[i] = a.Add(time.Duration(rng.IntN(2*8*24*60)-8*24*60) * time.Minute)
	}
	t.Logf("%d pairs", len(samples))
	for part := range 4 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			for i := part; i < len(samples); i += 4 {
				a, b := samples[i], ends[i]
				want := r.between(a, b)
				if b.Before(a) {
					want = -r.between(b, a)
				}
				if got := c.Between(a, b); got != want {
					t.Errorf("Between(%s, %s) = %v, reference %v", a.In(r.zone).Format(time.RFC3339),
						b.In(r.zone).Format(time.RFC3339), got, want)
				}
			}
		})
	}
}

// TestIrregularDaysAgreeWithReference covers centers whose hours contain a
// clock change (the slow path): every day, 00:00-24:00 or 01:00-03:00 or
// from 02:30, around the 2026 and 2027 changes.
func TestIrregularDaysAgreeWithReference(t *testing.T) {
	t.Parallel()
	ny := DefaultConfig().Zone
	every := []time.Weekday{0, 1, 2, 3, 4, 5, 6}
	for _, h := range []struct{ open, close time.Duration }{
		{0, 24 * time.Hour}, {time.Hour, 3 * time.Hour}, {2*time.Hour + 30*time.Minute, 20 * time.Hour},
	} {
		c, err := New(Config{Zone: ny, Open: h.open, Close: h.close, Weekdays: every, Holidays: USFederal()})
		if err != nil {
			t.Fatal(err)
		}
		r := refCal{zone: ny, open: int(h.open / time.Minute), close: int(h.close / time.Minute), closed: pinnedHolidays(t)}
		r.workday = [7]bool{true, true, true, true, true, true, true}
		for _, s := range []string{
			"2026-03-06T10:00:00-05:00", "2026-03-07T23:30:00-05:00", "2026-03-08T01:30:00-05:00", "2026-03-08T03:10:00-04:00",
			"2026-10-31T10:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "2026-11-01T00:10:00-04:00",
			"2027-03-13T12:00:00-05:00", "2027-11-06T12:00:00-04:00",
		} {
			from := mustTime(t, s)
			for _, d := range []time.Duration{time.Minute, 90 * time.Minute, 3 * time.Hour, 24 * time.Hour, 50 * time.Hour} {
				want := r.add(from, d)
				if got := c.Add(from, d); !got.Equal(want) {
					t.Errorf("%v-%v: Add(%s, %v) = %s, reference %s", h.open, h.close, s, d, got.Format(time.RFC3339), want.In(ny).Format(time.RFC3339))
				}
				to := from.Add(3 * d)
				if got, want := c.Between(from, to), r.between(from, to); got != want {
					t.Errorf("%v-%v: Between(%s, +%v) = %v, reference %v", h.open, h.close, s, 3*d, got, want)
				}
			}
		}
	}
}
