// Package calendar is the support center's business calendar: opening hours
// in the center's zone, working weekdays, observed public holidays and
// closure days, and arithmetic in business time.
//
// Opening hours are wall-clock times in the zone, so a business day from
// 08:00 to 20:00 is 12 hours long even on a day that changes to or from
// daylight saving time. All results are in the calendar's zone.
package calendar

import (
	"errors"
	"math/bits"
	"slices"
	"time"

	"supportdesk/core/fault"
)

// Config describes a business calendar. Everything is data, so a deployment
// can load it from configuration.
type Config struct {
	Zone *time.Location
	// Open and Close are wall-clock times of day as durations since local
	// midnight (8h and 20h for 08:00-20:00). 0 <= Open < Close <= 24h.
	Open, Close time.Duration
	Weekdays    []time.Weekday
	Holidays    HolidaySource // nil: no holidays
	Closures    []Closure
}

// Closure is a day a supervisor closed the center.
type Closure struct {
	Day    Date // in the center's zone
	Reason string
}

// DefaultConfig is the center's calendar: America/New_York, 08:00-20:00,
// Monday to Friday, the US federal holidays as observed.
func DefaultConfig() Config {
	return Config{
		Zone:     newYork(),
		Open:     8 * time.Hour,
		Close:    20 * time.Hour,
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Holidays: USFederal(),
	}
}

// newYork loads the zone; the binary embeds tzdata elsewhere if the system
// lacks it, and New refuses a nil zone.
func newYork() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return nil
	}
	return loc
}

// The years whose days are precomputed in bitsets. Instants outside take a
// slower day-by-day path that gives the same answers.
const (
	firstYear = 1970
	lastYear  = 2199
)

// Calendar answers business-time questions. It is immutable and safe for
// concurrent use.
type Calendar struct {
	cfg      Config
	workday  [7]bool
	open     hms // Open as a wall-clock time
	close    hms
	nominal  time.Duration // Close - Open: the length of a regular day
	closures map[int]bool  // day numbers

	// Precomputed for the day numbers [lo, hi).
	lo, hi int
	biz    []uint64 // bit set: business day
	rank   []int32  // business days before each word
	// irregular lists business days, sorted, whose hours contain a zone
	// offset change, so they last other than nominal (24-hour centers).
	irregular []int
	zone      zoneTable
}

// hms is a wall-clock time of day.
type hms struct{ h, m, s, ns int }

func toHMS(d time.Duration) hms {
	return hms{int(d / time.Hour), int(d % time.Hour / time.Minute), int(d % time.Minute / time.Second), int(d % time.Second)}
}

// New validates cfg and precomputes the calendar.
func New(cfg Config) (*Calendar, error) {
	switch {
	case cfg.Zone == nil:
		return nil, invalid("zone", "no time zone")
	case cfg.Open < 0 || cfg.Close > 24*time.Hour || cfg.Open >= cfg.Close:
		return nil, invalid("hours", "opening hours must satisfy 0 <= open < close <= 24h")
	case len(cfg.Weekdays) == 0:
		return nil, invalid("weekdays", "no working weekday")
	}
	c := &Calendar{
		cfg:     cfg,
		open:    toHMS(cfg.Open),
		close:   toHMS(cfg.Close),
		nominal: cfg.Close - cfg.Open,
		lo:      Date{firstYear, time.January, 1}.number(),
		hi:      Date{lastYear + 1, time.January, 1}.number(),
	}
	c.cfg.Weekdays = slices.Clone(cfg.Weekdays)
	for _, wd := range cfg.Weekdays {
		if wd < time.Sunday || wd > time.Saturday {
			return nil, invalid("weekdays", "not a weekday")
		}
		c.workday[wd] = true
	}
	c.zone = newZoneTable(cfg.Zone, c.lo, c.hi)
	c.irregular = c.findIrregular()
	c.setClosures(cfg.Closures)
	return c, nil
}

func invalid(field, msg string) error {
	e := fault.Invalid("calendar."+field, fault.CodeInvalidInput)
	e.Err = errors.New(msg)
	return e
}

// WithClosures returns a copy of the calendar whose closure days are
// closures (replacing the configured ones).
func (c *Calendar) WithClosures(closures []Closure) *Calendar {
	n := *c
	n.setClosures(closures)
	return &n
}

// setClosures records the closures and rebuilds the business-day bitset.
func (c *Calendar) setClosures(closures []Closure) {
	c.cfg.Closures = slices.Clone(closures)
	c.closures = make(map[int]bool, len(closures))
	for _, cl := range closures {
		c.closures[cl.Day.number()] = true
	}
	n := c.hi - c.lo
	c.biz = make([]uint64, (n+63)/64)
	for dn := c.lo; dn < c.hi; dn++ {
		if c.workday[weekdayOf(dn)] && !c.closures[dn] {
			i := dn - c.lo
			c.biz[i>>6] |= 1 << (i & 63)
		}
	}
	if c.cfg.Holidays != nil {
		for y := firstYear; y <= lastYear; y++ {
			for _, h := range c.cfg.Holidays.Observed(y) {
				if i := h.Date.number() - c.lo; i >= 0 && i < n {
					c.biz[i>>6] &^= 1 << (i & 63)
				}
			}
		}
	}
	c.rank = make([]int32, len(c.biz))
	var sum int32
	for w, word := range c.biz {
		c.rank[w] = sum
		sum += int32(bits.OnesCount64(word))
	}
}

// findIrregular lists the working weekdays in the precomputed range whose
// opening hours contain a change of zone offset. Only the days around a
// change can be irregular; the zone table lists the changes.
func (c *Calendar) findIrregular() []int {
	var out []int
	for _, s := range c.zone.utc[1:] {
		for _, u := range [2]time.Time{time.Unix(s, -1), time.Unix(s, 0)} {
			dn := DateOf(u.In(c.cfg.Zone)).number()
			if dn < c.lo || dn >= c.hi || !c.workday[weekdayOf(dn)] {
				continue
			}
			open, close := c.hoursExact(dn)
			if close.Sub(open) != c.nominal && !slices.Contains(out, dn) {
				out = append(out, dn)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Config returns the calendar's configuration.
func (c *Calendar) Config() Config {
	cfg := c.cfg
	cfg.Weekdays = slices.Clone(cfg.Weekdays)
	cfg.Closures = slices.Clone(cfg.Closures)
	return cfg
}

// Zone returns the center's zone.
func (c *Calendar) Zone() *time.Location { return c.cfg.Zone }

// Closures returns the closure days.
func (c *Calendar) Closures() []Closure { return slices.Clone(c.cfg.Closures) }

// IsBusinessDay reports whether the center opens on day: a working weekday
// that is neither an observed holiday nor a closure day.
func (c *Calendar) IsBusinessDay(day Date) bool { return c.isBiz(day.number()) }

// IsOpen reports whether the center is open at t: opening is inside, closing
// is not.
func (c *Calendar) IsOpen(t time.Time) bool {
	dn := c.dayOf(t)
	if !c.isBiz(dn) {
		return false
	}
	open, close := c.hours(dn)
	return !t.Before(open) && t.Before(close)
}

// NextOpen returns t when the center is open at t, else the next opening.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	_, off, open := c.locate(t)
	return open.Add(off)
}

// dayOf returns the day number of t's date in the zone.
func (c *Calendar) dayOf(t time.Time) int {
	u := t.Unix()
	if off, ok := c.zone.offsetAt(u); ok {
		return int(floorDiv64(u+off, secondsPerDay))
	}
	return DateOf(t.In(c.cfg.Zone)).number()
}

// steady reports whether day dn is in the precomputed range and keeps one
// zone offset from midnight to midnight, so its hours are regular and
// follow from its midnight by addition.
func (c *Calendar) steady(dn int) bool {
	i := dn - c.lo
	return i >= 0 && i < c.hi-c.lo && c.zone.steady(i)
}

// steadyOpen returns the opening of a steady day dn whose offset is off.
func (c *Calendar) steadyOpen(dn int, off int64) time.Time {
	return time.Unix(int64(dn)*secondsPerDay-off, int64(c.cfg.Open)).In(c.cfg.Zone)
}

// isBiz reports whether day number dn is a business day.
func (c *Calendar) isBiz(dn int) bool {
	if dn >= c.lo && dn < c.hi {
		i := dn - c.lo
		return c.biz[i>>6]&(1<<(i&63)) != 0
	}
	return c.isBizSlow(dn)
}

// isBizSlow decides outside the precomputed range.
func (c *Calendar) isBizSlow(dn int) bool {
	if !c.workday[weekdayOf(dn)] || c.closures[dn] {
		return false
	}
	if c.cfg.Holidays == nil {
		return true
	}
	d := dateOf(dn)
	for _, h := range c.cfg.Holidays.Observed(d.Year) {
		if h.Date == d {
			return false
		}
	}
	return true
}

// hours returns the opening and closing instants of day dn.
func (c *Calendar) hours(dn int) (open, close time.Time) {
	if c.steady(dn) {
		open = c.steadyOpen(dn, c.zone.dayOffset(dn))
		return open, open.Add(c.nominal)
	}
	if !c.isRegular(dn) {
		return c.hoursExact(dn)
	}
	d := dateOf(dn)
	open = time.Date(d.Year, d.Month, d.Day, c.open.h, c.open.m, c.open.s, c.open.ns, c.cfg.Zone)
	return open, open.Add(c.nominal)
}

// hoursExact computes both ends from the wall clock.
func (c *Calendar) hoursExact(dn int) (open, close time.Time) {
	d := dateOf(dn)
	return c.wall(d, c.open), c.wall(d, c.close)
}

// wall returns the first instant of day d whose wall clock reads w or later.
// time.Date resolves a wall time that a spring-forward gap skips to an
// instant before the gap; the hours start at the end of the gap instead. An
// ambiguous wall time (fall back) is its first occurrence, as time.Date
// gives it.
func (c *Calendar) wall(d Date, w hms) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, w.h, w.m, w.s, w.ns, c.cfg.Zone)
	if h, m, s := t.Clock(); w.h < 24 && (h != w.h || m != w.m || s != w.s) {
		_, end := t.ZoneBounds()
		if !end.IsZero() {
			return end
		}
	}
	return t
}

// isRegular reports whether day dn's hours last the nominal length.
func (c *Calendar) isRegular(dn int) bool {
	if dn < c.lo || dn >= c.hi {
		return false // unknown: hours computes both ends
	}
	_, found := slices.BinarySearch(c.irregular, dn)
	return !found
}

// anyIrregular reports whether a business day in [a, b] may not last the
// nominal length, or the span leaves the precomputed range.
func (c *Calendar) anyIrregular(a, b int) bool {
	if a > b {
		a, b = b, a
	}
	if a < c.lo || b >= c.hi {
		return true
	}
	if len(c.irregular) == 0 {
		return false
	}
	i, _ := slices.BinarySearch(c.irregular, a)
	return i < len(c.irregular) && c.irregular[i] <= b
}
