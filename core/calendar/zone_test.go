package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // the same zones on every machine
)

// The functions below are Add, Between and the helpers they used before the
// zone table: every day number and every opening from time.Date and the
// time package's own zone lookup. They are the oracle for the fast paths.

func (c *Calendar) dayOfByDate(t time.Time) int { return DateOf(t.In(c.cfg.Zone)).number() }

func (c *Calendar) hoursByDate(dn int) (open, close time.Time) {
	if !c.isRegular(dn) {
		return c.hoursExact(dn)
	}
	d := dateOf(dn)
	open = time.Date(d.Year, d.Month, d.Day, c.open.h, c.open.m, c.open.s, c.open.ns, c.cfg.Zone)
	return open, open.Add(c.nominal)
}

func (c *Calendar) locateByDate(t time.Time) (dn int, off time.Duration, open time.Time) {
	dn = c.dayOfByDate(t)
	if c.isBiz(dn) {
		var close time.Time
		open, close = c.hoursByDate(dn)
		if !t.After(open) {
			return dn, 0, open
		}
		if t.Before(close) {
			return dn, t.Sub(open), open
		}
	}
	dn = c.nextBiz(dn + 1)
	open, _ = c.hoursByDate(dn)
	return dn, 0, open
}

func (c *Calendar) addByDate(t time.Time, d time.Duration) time.Time {
	t = t.In(c.cfg.Zone)
	if d == 0 {
		return t
	}
	dn, off, _ := c.locateByDate(t)
	total := off + d
	if d > 0 && total < d {
		total = 1<<63 - 1
	} else if d < 0 && total > off {
		total = -1 << 63
	}
	for total < 0 {
		dn = c.prevBiz(dn - 1)
		open, close := c.hoursByDate(dn)
		total += close.Sub(open)
	}
	for {
		open, close := c.hoursByDate(dn)
		if l := close.Sub(open); total > l {
			total -= l
			dn = c.nextBiz(dn + 1)
			continue
		}
		return open.Add(total)
	}
}

func (c *Calendar) betweenByDate(a, b time.Time) time.Duration {
	switch b.Compare(a) {
	case 0:
		return 0
	case -1:
		return -c.betweenByDate(b, a)
	}
	dnA, offA, _ := c.locateByDate(a)
	dnB, offB, _ := c.locateByDate(b)
	sum := offB - offA
	for dn := dnA; dn < dnB; dn = c.nextBiz(dn + 1) {
		open, close := c.hoursByDate(dn)
		sum += close.Sub(open)
	}
	return sum
}

// zoneCalendars are calendars whose zones change offsets in every way the
// fast paths must survive: DST on Sundays (the default), on weekdays at
// midnight (São Paulo until 2019), by 30 minutes (Lord Howe), by a whole
// day (Apia skipped 30 December 2011), at +14h (Kiritimati), at -3:30 (St
// John's), never (Kolkata, UTC); with hours that span a change or the whole
// day.
func zoneCalendars(t *testing.T) map[string]*Calendar {
	every := []time.Weekday{0, 1, 2, 3, 4, 5, 6}
	weekdays := DefaultConfig().Weekdays
	out := map[string]*Calendar{"default": mustDefault(t)}
	for _, z := range []struct {
		name, zone  string
		open, close time.Duration
		days        []time.Weekday
	}{
		{"ny-24h", "America/New_York", 0, 24 * time.Hour, every},
		{"ny-night", "America/New_York", time.Hour, 3 * time.Hour, every},
		{"saopaulo", "America/Sao_Paulo", 0, 20 * time.Hour, weekdays},
		{"lordhowe", "Australia/Lord_Howe", time.Hour + 45*time.Minute, 2*time.Hour + 15*time.Minute, every},
		{"apia", "Pacific/Apia", 0, 24 * time.Hour, every},
		{"kiritimati", "Pacific/Kiritimati", 9*time.Hour + 1, 17 * time.Hour, weekdays},
		{"stjohns", "America/St_Johns", 8 * time.Hour, 20 * time.Hour, every},
		{"kolkata", "Asia/Kolkata", 9*time.Hour + 30*time.Minute, 18 * time.Hour, weekdays},
		{"utc", "UTC", 0, 24 * time.Hour, weekdays},
	} {
		loc, err := time.LoadLocation(z.zone)
		if err != nil {
			t.Fatal(err)
		}
		c, err := New(Config{Zone: loc, Open: z.open, Close: z.close, Weekdays: z.days, Holidays: USFederal()})
		if err != nil {
			t.Fatal(err)
		}
		out[z.name] = c
	}
	return out
}

// TestHoursMatchTimeDate checks every day's opening and closing in the
// precomputed years against time.Date, in every test zone.
func TestHoursMatchTimeDate(t *testing.T) {
	t.Parallel()
	for name, c := range zoneCalendars(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for dn := c.lo - 3; dn < c.hi+3; dn++ {
				open, close := c.hours(dn)
				wantOpen, wantClose := c.hoursByDate(dn)
				if !open.Equal(wantOpen) || !close.Equal(wantClose) || open.Location() != c.Zone() {
					t.Fatalf("day %v: hours %s-%s, time.Date %s-%s", dateOf(dn),
						open.Format(time.RFC3339Nano), close.Format(time.RFC3339Nano),
						wantOpen.Format(time.RFC3339Nano), wantClose.Format(time.RFC3339Nano))
				}
			}
		})
	}
}

// TestFastPathsMatchTimeDate compares Add, Between, NextOpen, IsOpen and
// the day number with the time.Date versions on random instants to the
// nanosecond (100 000 on the default calendar, 2025-2031, holidays and DST
// weeks included; 1969-2201 on the others) and on every instant around a
// zone change.
func TestFastPathsMatchTimeDate(t *testing.T) {
	t.Parallel()
	for name, c := range zoneCalendars(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(21, uint64(len(name))))
			n, from, to := 10_000, time.Date(1969, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2201, 6, 1, 0, 0, 0, 0, time.UTC)
			if name == "default" {
				n, from, to = 100_000, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			if testing.Short() {
				n /= 10
			}
			var ts []time.Time
			for range n {
				ts = append(ts, time.Unix(0, from.UnixNano()+rng.Int64N(to.UnixNano()-from.UnixNano())))
			}
			for i := 1; i < len(c.zone.utc); i++ {
				ch := time.Unix(c.zone.utc[i], 0)
				for _, d := range []time.Duration{-24 * time.Hour, -time.Hour, -time.Nanosecond, 0, time.Nanosecond, time.Hour, 24 * time.Hour} {
					ts = append(ts, ch.Add(d))
				}
			}
			for i, a := range ts {
				span := []time.Duration{400 * time.Hour, 60 * 24 * time.Hour}[i%2]
				b := a.Add(time.Duration(rng.Int64N(int64(span))) - span/2)
				d := []time.Duration{24 * time.Hour, -24 * time.Hour, time.Nanosecond, time.Duration(rng.Int64N(int64(400*time.Hour))) - 200*time.Hour}[i%4]
				if got, want := c.dayOf(a), c.dayOfByDate(a); got != want {
					t.Errorf("dayOf(%s) = %v, time.Date %v", a.Format(time.RFC3339Nano), dateOf(got), dateOf(want))
				}
				if got, want := c.Add(a, d), c.addByDate(a, d); got != want {
					t.Errorf("Add(%s, %v) = %s, time.Date %s", a.Format(time.RFC3339Nano), d, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
				}
				if got, want := c.Between(a, b), c.betweenByDate(a, b); got != want {
					t.Errorf("Between(%s, %s) = %v, time.Date %v", a.Format(time.RFC3339Nano), b.Format(time.RFC3339Nano), got, want)
				}
				_, off, open := c.locateByDate(a)
				if got, want := c.NextOpen(a), open.Add(off); got != want {
					t.Errorf("NextOpen(%s) = %s, time.Date %s", a.Format(time.RFC3339Nano), got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
				}
				dn := c.dayOfByDate(a)
				o, cl := c.hoursByDate(dn)
				if got, want := c.IsOpen(a), c.isBiz(dn) && !a.Before(o) && a.Before(cl); got != want {
					t.Errorf("IsOpen(%s) = %v, time.Date %v", a.Format(time.RFC3339Nano), got, want)
				}
				if t.Failed() {
					t.FailNow()
				}
			}
			t.Logf("%d instants, %d zone changes", len(ts), len(c.zone.utc)-1)
		})
	}
}
