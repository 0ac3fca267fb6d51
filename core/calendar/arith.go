package calendar

import (
	"math/bits"
	"time"
)

// Add returns the instant at which d of business time, counted from t, has
// elapsed. Counting from an instant out of hours starts at the next opening,
// and time that runs out exactly at a closing gives that closing, not the
// next opening: the answer is the earliest instant u with Between(t, u) = d.
// Add(t, 0) is t. A negative d counts back: the answer is then the latest u
// with Between(u, t) = -d, so time that runs out exactly at an opening gives
// that opening.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	t = t.In(c.cfg.Zone)
	if d == 0 {
		return t
	}
	dn, off, open := c.locate(t)
	total := off + d
	if d > 0 && total < d { // overflow: saturate
		total = 1<<63 - 1
	} else if d < 0 && total > off {
		total = -1 << 63
	}
	var k int
	if d > 0 {
		k = int((total - 1) / c.nominal)
	} else {
		k = int(total / c.nominal)
		if total%c.nominal < 0 {
			k--
		}
	}
	if k == 0 && c.isRegular(dn) {
		return open.Add(total)
	}
	if target, ok := c.skip(dn, k); ok && !c.anyIrregular(dn, target) {
		open, _ := c.hours(target)
		return open.Add(total - time.Duration(k)*c.nominal)
	}
	return c.addSlow(dn, total)
}

// addSlow walks day by day from business day dn, where total is measured
// from dn's opening.
func (c *Calendar) addSlow(dn int, total time.Duration) time.Time {
	for total < 0 {
		dn = c.prevBiz(dn - 1)
		open, close := c.hours(dn)
		total += close.Sub(open)
	}
	for {
		open, close := c.hours(dn)
		if l := close.Sub(open); total > l {
			total -= l
			dn = c.nextBiz(dn + 1)
			continue
		}
		return open.Add(total)
	}
}

// Between returns the business time from a to b. It is antisymmetric:
// Between(a, b) = -Between(b, a), so it is negative when b is before a and
// zero when they are equal or no business time lies between them.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	switch b.Compare(a) {
	case 0:
		return 0
	case -1:
		return -c.Between(b, a)
	}
	dnA, offA, _ := c.locate(a)
	dnB, offB, _ := c.locate(b)
	if !c.anyIrregular(dnA, dnB) {
		return time.Duration(c.rankOf(dnB)-c.rankOf(dnA))*c.nominal + offB - offA
	}
	sum := offB - offA
	for dn := dnA; dn < dnB; dn = c.nextBiz(dn + 1) {
		open, close := c.hours(dn)
		sum += close.Sub(open)
	}
	return sum
}

// locate places t on the business timeline: the business day dn where
// counting from t starts, the business time off already past in dn, and dn's
// opening. An instant out of hours maps to the next opening (off 0).
func (c *Calendar) locate(t time.Time) (dn int, off time.Duration, open time.Time) {
	u := t.Unix()
	if zoff, ok := c.zone.offsetAt(u); ok {
		// On a steady day the offset at t is the day's offset.
		if dn = int(floorDiv64(u+zoff, secondsPerDay)); c.steady(dn) {
			if c.isBiz(dn) {
				open = c.steadyOpen(dn, zoff)
				if !t.After(open) {
					return dn, 0, open
				}
				if close := open.Add(c.nominal); t.Before(close) {
					return dn, t.Sub(open), open
				}
			}
			dn = c.nextBiz(dn + 1)
			open, _ = c.hours(dn)
			return dn, 0, open
		}
	}
	dn = c.dayOf(t)
	if c.isBiz(dn) {
		var close time.Time
		open, close = c.hours(dn)
		if !t.After(open) {
			return dn, 0, open
		}
		if t.Before(close) {
			return dn, t.Sub(open), open
		}
	}
	dn = c.nextBiz(dn + 1)
	open, _ = c.hours(dn)
	return dn, 0, open
}

// nextBiz returns the first business day on or after day number dn.
func (c *Calendar) nextBiz(dn int) int {
	if dn >= c.lo && dn < c.hi {
		i := dn - c.lo
		w := i >> 6
		word := c.biz[w] &^ (1<<(i&63) - 1)
		for word == 0 {
			w++
			if w == len(c.biz) {
				return c.nextBiz(c.hi)
			}
			word = c.biz[w]
		}
		if n := c.lo + w<<6 + bits.TrailingZeros64(word); n < c.hi {
			return n
		}
		return c.nextBiz(c.hi)
	}
	for !c.isBiz(dn) {
		dn++
	}
	return dn
}

// prevBiz returns the last business day on or before day number dn.
func (c *Calendar) prevBiz(dn int) int {
	if c.isBiz(dn) {
		return dn
	}
	if n, ok := c.skip(dn, -1); ok {
		return n
	}
	for !c.isBiz(dn) {
		dn--
	}
	return dn
}

// skip returns the business day k business days after dn (before, when k is
// negative); dn need not be a business day when k != 0. It reports false
// when the answer lies outside the precomputed range. Whole 64-day words are
// skipped by population count.
func (c *Calendar) skip(dn, k int) (int, bool) {
	if dn < c.lo || dn >= c.hi {
		return 0, false
	}
	i := dn - c.lo
	w, b := i>>6, uint(i&63)
	switch {
	case k == 0:
		return dn, true
	case k > 0:
		word := c.biz[w] & (^uint64(0) << b << 1) // days after dn
		for {
			if n := bits.OnesCount64(word); k > n {
				k -= n
				w++
				if w == len(c.biz) {
					return 0, false
				}
				word = c.biz[w]
				continue
			}
			for ; k > 1; k-- {
				word &= word - 1
			}
			n := c.lo + w<<6 + bits.TrailingZeros64(word)
			return n, n < c.hi
		}
	default:
		k = -k
		word := c.biz[w] & (1<<b - 1) // days before dn
		for {
			if n := bits.OnesCount64(word); k > n {
				k -= n
				w--
				if w < 0 {
					return 0, false
				}
				word = c.biz[w]
				continue
			}
			for ; k > 1; k-- {
				word &^= 1 << (63 - bits.LeadingZeros64(word))
			}
			return c.lo + w<<6 + 63 - bits.LeadingZeros64(word), true
		}
	}
}

// rankOf returns the number of business days in [lo, dn), for dn in range.
func (c *Calendar) rankOf(dn int) int {
	i := dn - c.lo
	w := i >> 6
	if w == len(c.biz) {
		return int(c.rank[w-1]) + bits.OnesCount64(c.biz[w-1])
	}
	return int(c.rank[w]) + bits.OnesCount64(c.biz[w]&(1<<(i&63)-1))
}
