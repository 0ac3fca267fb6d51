package calendar

import (
	"errors"
	"testing"
	"time"

	"supportdesk/core/fault"
)

func mustDefault(t testing.TB) *Calendar {
	t.Helper()
	c, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"no zone", func(c *Config) { c.Zone = nil }},
		{"open after close", func(c *Config) { c.Open, c.Close = 20*time.Hour, 8*time.Hour }},
		{"open equals close", func(c *Config) { c.Close = c.Open }},
		{"negative open", func(c *Config) { c.Open = -time.Hour }},
		{"close after midnight", func(c *Config) { c.Close = 25 * time.Hour }},
		{"no weekdays", func(c *Config) { c.Weekdays = nil }},
		{"bad weekday", func(c *Config) { c.Weekdays = []time.Weekday{9} }},
	}
	for _, tt := range tests {
		cfg := DefaultConfig()
		tt.edit(&cfg)
		_, err := New(cfg)
		if !errors.Is(err, fault.New(fault.CodeInvalidInput)) {
			t.Errorf("%s: New() error = %v, want invalid input", tt.name, err)
		}
	}
	if _, err := New(DefaultConfig()); err != nil {
		t.Fatalf("default config: %v", err)
	}
}

func TestAdd(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	tests := []struct {
		name, from string
		d          time.Duration
		want       string
	}{
		{"issue example: Thanksgiving, Friday open", "2026-11-25T19:30:00-05:00", 24 * time.Hour, "2026-11-30T19:30:00-05:00"},
		{"same instant given in UTC", "2026-11-26T00:30:00Z", 24 * time.Hour, "2026-11-30T19:30:00-05:00"},
		{"arrival at 20:00 exactly ends at a closing", "2026-11-18T20:00:00-05:00", 24 * time.Hour, "2026-11-20T20:00:00-05:00"},
		{"arrival at 08:00", "2026-11-18T08:00:00-05:00", 24 * time.Hour, "2026-11-19T20:00:00-05:00"},
		{"arrival at 07:59", "2026-11-18T07:59:00-05:00", 24 * time.Hour, "2026-11-19T20:00:00-05:00"},
		{"arrival at 19:59", "2026-11-18T19:59:00-05:00", 24 * time.Hour, "2026-11-20T19:59:00-05:00"},
		{"arrival on a Saturday", "2026-11-21T10:00:00-05:00", 24 * time.Hour, "2026-11-24T20:00:00-05:00"},
		{"arrival on an observed holiday", "2026-07-03T10:00:00-04:00", 24 * time.Hour, "2026-07-07T20:00:00-04:00"},
		{"arrival on the holiday itself (Saturday)", "2026-07-04T10:00:00-04:00", 24 * time.Hour, "2026-07-07T20:00:00-04:00"},
		{"time runs out at closing", "2026-11-18T19:00:00-05:00", time.Hour, "2026-11-18T20:00:00-05:00"},
		{"one nanosecond past closing time", "2026-11-18T19:00:00-05:00", time.Hour + time.Nanosecond, "2026-11-19T08:00:00.000000001-05:00"},
		{"New Year 2028 observed on 31 December 2027", "2027-12-30T19:00:00-05:00", 2 * time.Hour, "2028-01-03T09:00:00-05:00"},
		{"year end with New Year on a Friday", "2026-12-31T15:00:00-05:00", 24 * time.Hour, "2027-01-05T15:00:00-05:00"},
		{"spring forward 2026", "2026-03-06T19:00:00-05:00", 2 * time.Hour, "2026-03-09T09:00:00-04:00"},
		{"spring forward week", "2026-03-06T14:00:00-05:00", 24 * time.Hour, "2026-03-10T14:00:00-04:00"},
		{"fall back 2026", "2026-10-30T19:00:00-04:00", 2 * time.Hour, "2026-11-02T09:00:00-05:00"},
		{"fall back week", "2026-10-30T14:00:00-04:00", 24 * time.Hour, "2026-11-03T14:00:00-05:00"},
		{"out of hours in the gap hour", "2026-03-08T02:30:00-05:00", 12 * time.Hour, "2026-03-09T20:00:00-04:00"},
		{"many days", "2026-11-25T19:30:00-05:00", 200 * time.Hour, "2026-12-21T15:30:00-05:00"},
		{"zero is the instant itself", "2026-11-21T10:00:00-05:00", 0, "2026-11-21T10:00:00-05:00"},
		{"back to an opening", "2026-11-30T09:00:00-05:00", -time.Hour, "2026-11-30T08:00:00-05:00"},
		{"back over the weekend", "2026-11-30T09:00:00-05:00", -2 * time.Hour, "2026-11-27T19:00:00-05:00"},
		{"back from out of hours", "2026-11-28T10:00:00-05:00", -12 * time.Hour, "2026-11-27T08:00:00-05:00"},
		{"back over Thanksgiving", "2026-11-30T19:30:00-05:00", -24 * time.Hour, "2026-11-25T19:30:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := c.Add(mustTime(t, tt.from), tt.d)
			if s := got.Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("Add(%s, %v) = %s, want %s", tt.from, tt.d, s, tt.want)
			}
			if got.Location() != c.Zone() {
				t.Errorf("result in %v, want the calendar's zone", got.Location())
			}
			if tt.d >= 0 {
				if b := c.Between(mustTime(t, tt.from), got); b != tt.d {
					t.Errorf("Between(from, Add) = %v, want %v", b, tt.d)
				}
			}
		})
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	tests := []struct {
		a, b string
		want time.Duration
	}{
		{"2026-11-25T19:30:00-05:00", "2026-11-30T19:30:00-05:00", 24 * time.Hour},
		{"2026-11-30T19:30:00-05:00", "2026-11-25T19:30:00-05:00", -24 * time.Hour},
		{"2026-11-27T20:00:00-05:00", "2026-11-30T08:00:00-05:00", 0},
		{"2026-11-28T00:00:00-05:00", "2026-11-29T23:00:00-05:00", 0},
		{"2026-11-28T00:00:00-05:00", "2026-11-30T08:30:00-05:00", 30 * time.Minute},
		{"2026-03-06T08:00:00-05:00", "2026-03-09T20:00:00-04:00", 24 * time.Hour},
		{"2026-10-30T08:00:00-04:00", "2026-11-02T20:00:00-05:00", 24 * time.Hour},
		{"2027-12-30T00:00:00-05:00", "2028-01-04T00:00:00-05:00", 24 * time.Hour},
		{"2026-01-01T00:00:00-05:00", "2027-01-01T00:00:00-05:00", time.Duration(261-11) * 12 * time.Hour},
	}
	for _, tt := range tests {
		if got := c.Between(mustTime(t, tt.a), mustTime(t, tt.b)); got != tt.want {
			t.Errorf("Between(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestOpenAndNextOpen(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	tests := []struct {
		at   string
		open bool
		next string
	}{
		{"2026-11-25T08:00:00-05:00", true, "2026-11-25T08:00:00-05:00"},
		{"2026-11-25T07:59:59-05:00", false, "2026-11-25T08:00:00-05:00"},
		{"2026-11-25T19:59:59-05:00", true, "2026-11-25T19:59:59-05:00"},
		{"2026-11-25T20:00:00-05:00", false, "2026-11-27T08:00:00-05:00"},
		{"2026-11-26T12:00:00-05:00", false, "2026-11-27T08:00:00-05:00"},
		{"2027-12-30T21:00:00-05:00", false, "2028-01-03T08:00:00-05:00"},
		{"2026-03-08T12:00:00-04:00", false, "2026-03-09T08:00:00-04:00"},
	}
	for _, tt := range tests {
		at := mustTime(t, tt.at)
		if got := c.IsOpen(at); got != tt.open {
			t.Errorf("IsOpen(%s) = %v", tt.at, got)
		}
		if got := c.NextOpen(at).Format(time.RFC3339); got != tt.next {
			t.Errorf("NextOpen(%s) = %s, want %s", tt.at, got, tt.next)
		}
	}
}

func TestWithClosures(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	closed := c.WithClosures([]Closure{{Day: Date{2026, time.November, 27}, Reason: "office move"}})
	from := mustTime(t, "2026-11-25T19:30:00-05:00")
	if got := closed.Add(from, 24*time.Hour).Format(time.RFC3339); got != "2026-12-01T19:30:00-05:00" {
		t.Errorf("with a closure on 27 Nov: %s", got)
	}
	if got := c.Add(from, 24*time.Hour).Format(time.RFC3339); got != "2026-11-30T19:30:00-05:00" {
		t.Errorf("the original calendar changed: %s", got)
	}
	if closed.IsBusinessDay(Date{2026, time.November, 27}) || len(closed.Closures()) != 1 || len(c.Closures()) != 0 {
		t.Error("closure not recorded on the copy only")
	}
	// A closure outside the precomputed years still counts.
	far := c.WithClosures([]Closure{{Day: Date{2300, time.March, 1}}})
	if far.IsBusinessDay(Date{2300, time.March, 1}) || !far.IsBusinessDay(Date{2300, time.March, 2}) {
		t.Error("closure in 2300 ignored")
	}
}

// TestDSTDayLength: hours are wall-clock, so a business day is as long on a
// day the clocks change as on any other, unless the change falls inside the
// hours.
func TestDSTDayLength(t *testing.T) {
	t.Parallel()
	every := []time.Weekday{0, 1, 2, 3, 4, 5, 6}
	ny := DefaultConfig().Zone
	tests := []struct {
		name        string
		open, close time.Duration
		day         Date
		want        time.Duration
	}{
		{"spring 08-20", 8 * time.Hour, 20 * time.Hour, Date{2026, 3, 8}, 12 * time.Hour},
		{"fall 08-20", 8 * time.Hour, 20 * time.Hour, Date{2026, 11, 1}, 12 * time.Hour},
		{"spring 24h", 0, 24 * time.Hour, Date{2026, 3, 8}, 23 * time.Hour},
		{"fall 24h", 0, 24 * time.Hour, Date{2026, 11, 1}, 25 * time.Hour},
		{"spring 01-03", time.Hour, 3 * time.Hour, Date{2026, 3, 8}, time.Hour},
		{"fall 01-03", time.Hour, 3 * time.Hour, Date{2026, 11, 1}, 3 * time.Hour},
		{"spring, opening in the gap", 2*time.Hour + 30*time.Minute, 20 * time.Hour, Date{2026, 3, 8}, 17 * time.Hour},
	}
	for _, tt := range tests {
		c, err := New(Config{Zone: ny, Open: tt.open, Close: tt.close, Weekdays: every})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(tt.day.Year, tt.day.Month, tt.day.Day, 0, 0, 0, 0, ny)
		end := time.Date(tt.day.Year, tt.day.Month, tt.day.Day+1, 0, 0, 0, 0, ny)
		if got := c.Between(start, end); got != tt.want {
			t.Errorf("%s: day length %v, want %v", tt.name, got, tt.want)
		}
		// Across the week around it, too.
		if got, want := c.Between(start.AddDate(0, 0, -3), end.AddDate(0, 0, 3)), 6*(tt.close-tt.open)+tt.want; got != want {
			t.Errorf("%s: week %v, want %v", tt.name, got, want)
		}
	}
}

func TestOutsidePrecomputedYears(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	if c.IsBusinessDay(Date{2205, time.December, 25}) || !c.IsBusinessDay(Date{2205, time.December, 24}) {
		t.Error("holidays outside the precomputed years")
	}
	// Crossing the boundaries gives what the fast path would.
	for _, s := range []string{"1969-12-31T15:00:00-05:00", "2199-12-30T15:00:00-05:00", "1965-06-01T09:00:00-04:00"} {
		from := mustTime(t, s)
		for _, d := range []time.Duration{time.Hour, 24 * time.Hour, 100 * time.Hour, -30 * time.Hour} {
			got := c.Add(from, d)
			if d > 0 {
				if b := c.Between(from, got); b != d {
					t.Errorf("Between(%s, Add(%v)) = %v", s, d, b)
				}
			} else if b := c.Between(got, from); b != -d {
				t.Errorf("Between(Add(%s, %v), from) = %v", s, d, b)
			}
		}
	}
	from := mustTime(t, "2199-12-30T15:00:00-05:00") // Monday
	if got := c.Add(from, 24*time.Hour).Format(time.RFC3339); got != "2200-01-02T15:00:00-05:00" {
		t.Errorf("across 2200: %s", got) // 31 Dec 2199 Tue open, 1 Jan holiday, 2 Jan Thu
	}
}
