package calendar

import (
	"math"
	"slices"
	"time"
)

// zoneTable is the calendar's zone over the precomputed years, read without
// time.Location: its offset changes, and a bit set of the days that contain
// one. On any other day the offset is the same from midnight to midnight, so
// a day number and an opening follow from Unix seconds by addition.
type zoneTable struct {
	// Segment i starts at instant utc[i] (Unix seconds) and wall-clock
	// second local[i] (utc[i] + off[i]) and has offset off[i] seconds.
	// utc[0] and local[0] are MinInt64; the last segment runs to the end.
	utc, local, off []int64
	// from and to bound the instants (Unix seconds) the table answers for.
	// Offset changes fall on whole seconds (tzdata counts in seconds).
	from, to int64
	changes  []uint64 // bit set over [lo, hi): the day contains a change
	// dayOff is the offset of each steady day in [lo, hi), as an index
	// into offsets; nil when the zone has more than 256 offsets.
	lo      int
	dayOff  []uint8
	offsets []int64
}

const secondsPerDay = 86400

// newZoneTable walks the zone's offset changes over the day numbers
// [lo, hi), with two days of margin on each side.
func newZoneTable(zone *time.Location, lo, hi int) zoneTable {
	z := zoneTable{
		from:    int64(lo-2) * secondsPerDay,
		to:      int64(hi+2) * secondsPerDay,
		changes: make([]uint64, (hi-lo+63)/64),
	}
	t := time.Unix(z.from, 0).In(zone)
	_, off := t.Zone()
	z.utc = append(z.utc, math.MinInt64)
	z.local = append(z.local, math.MinInt64)
	z.off = append(z.off, int64(off))
	for {
		next := nextChange(t)
		if next.IsZero() || next.Unix() >= z.to {
			break
		}
		t = next
		_, o := t.Zone()
		s, prev, o2 := t.Unix(), z.off[len(z.off)-1], int64(o)
		if o2 == prev {
			continue // a change of name only
		}
		// Every day whose wall clock the change skips or repeats, and the
		// day before when it happens at midnight.
		first := floorDiv64(min(s+prev, s+o2)-1, secondsPerDay)
		last := floorDiv64(max(s+prev, s+o2), secondsPerDay)
		for dn := first; dn <= last; dn++ {
			if i := int(dn) - lo; i >= 0 && i < hi-lo {
				z.changes[i>>6] |= 1 << (i & 63)
			}
		}
		z.utc = append(z.utc, s)
		z.local = append(z.local, s+o2)
		z.off = append(z.off, o2)
	}
	z.lo = lo
	z.dayOff = make([]uint8, hi-lo)
	seg := 0
	for i := range z.dayOff {
		for w := int64(lo+i) * secondsPerDay; seg+1 < len(z.local) && z.local[seg+1] <= w; {
			seg++
		}
		o := z.off[seg]
		k := slices.Index(z.offsets, o)
		if k < 0 {
			if k = len(z.offsets); k > math.MaxUint8 {
				z.dayOff = nil
				break
			}
			z.offsets = append(z.offsets, o)
		}
		z.dayOff[i] = uint8(k)
	}
	return z
}

// nextChange returns the first instant after t whose zone offset or name
// differs from t's, or the zero Time when there is none. ZoneBounds alone
// is not enough: past the zone's transition table (2037 for New York) Go
// computes the bounds from the zone's rule, and at the end of a leap year
// the end it gives is a day early and then never moves on (Go 1.26: from
// 2040-12-30T19:00-05:00, ZoneBounds keeps giving that same instant). There
// it steps an hour at a time, and finds the second by bisection.
func nextChange(t time.Time) time.Time {
	_, next := t.ZoneBounds()
	if next.IsZero() || next.After(t) {
		return next
	}
	name, off := t.Zone()
	for u := t.Add(time.Hour); u.Sub(t) < 366*24*time.Hour; u = u.Add(time.Hour) {
		if n, o := u.Zone(); n != name || o != off {
			lo, hi := u.Add(-time.Hour).Unix(), u.Unix() // lo same as t, hi not
			for hi-lo > 1 {
				m := lo + (hi-lo)/2
				if n, o := time.Unix(m, 0).In(t.Location()).Zone(); n != name || o != off {
					hi = m
				} else {
					lo = m
				}
			}
			return time.Unix(hi, 0).In(t.Location())
		}
		if _, e := u.ZoneBounds(); e.IsZero() || e.After(u) {
			return nextChange(u)
		}
	}
	return time.Time{} // a year with no change and no bound: none
}

// offsetAt returns the zone offset at Unix second u, and false when u lies
// outside the table.
func (z *zoneTable) offsetAt(u int64) (int64, bool) {
	if u < z.from || u >= z.to {
		return 0, false
	}
	// Guess the offset of the day whose number is u's UTC date; it is
	// right when the local date it gives is a steady day with that offset.
	if j := int(floorDiv64(u, secondsPerDay)) - z.lo; z.dayOff != nil && j >= 0 && j < len(z.dayOff) {
		k := z.dayOff[j]
		o := z.offsets[k]
		if l := int(floorDiv64(u+o, secondsPerDay)) - z.lo; l >= 0 && l < len(z.dayOff) && z.dayOff[l] == k && z.steady(l) {
			return o, true
		}
	}
	return z.off[lastAtOrBefore(z.utc, u)], true
}

// steady reports whether day i (counted from the table's first day) has one
// offset from midnight to midnight.
func (z *zoneTable) steady(i int) bool {
	return z.changes[i>>6]&(1<<(i&63)) == 0
}

// dayOffset returns the offset of a steady day dn.
func (z *zoneTable) dayOffset(dn int) int64 {
	if z.dayOff != nil {
		return z.offsets[z.dayOff[dn-z.lo]]
	}
	return z.off[lastAtOrBefore(z.local, int64(dn)*secondsPerDay)]
}

// lastAtOrBefore returns the last index i with s[i] <= v; s[0] <= v.
func lastAtOrBefore(s []int64, v int64) int {
	lo, hi := 0, len(s) // s[lo] <= v; s[hi] > v or hi = len
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if s[m] <= v {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
