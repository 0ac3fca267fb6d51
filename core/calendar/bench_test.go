package calendar

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"
)

// randomInstants returns n instants spread over 2025-2031 to the second.
func randomInstants(n int) []time.Time {
	rng := rand.New(rand.NewPCG(7, 8))
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	out := make([]time.Time, n)
	for i := range out {
		out[i] = time.Unix(from+rng.Int64N(to-from), 0)
	}
	return out
}

func BenchmarkAdd24h(b *testing.B) {
	c := mustDefault(b)
	ts := randomInstants(1 << 12)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Add(ts[i&(len(ts)-1)], 24*time.Hour)
		i++
	}
}

func BenchmarkBetween(b *testing.B) {
	c := mustDefault(b)
	ts := randomInstants(1 << 12)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Between(ts[i&(len(ts)-1)], ts[(i+1)&(len(ts)-1)])
		i++
	}
}

func BenchmarkNew(b *testing.B) {
	cfg := DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// rickarCalendar is rickar/cal configured like DefaultConfig: 08:00-20:00,
// Monday to Friday, the same federal holidays, its holiday cache on (its
// fastest configuration). Its day boundaries are taken in the instant's
// location, so instants are passed in New York.
func rickarCalendar() *cal.BusinessCalendar {
	bc := cal.NewBusinessCalendar()
	bc.SetWorkHours(8*time.Hour, 20*time.Hour)
	bc.AddHoliday(us.Holidays...)
	bc.Cacheable = true
	return bc
}

// BenchmarkAddVsRickar times Add(t, 24h) and rickar/cal's AddWorkHours on the
// same 1 024 instants in interleaved rounds (ours, theirs, ours, theirs...)
// and reports the median of the per-round ratios, so a load that comes and
// goes during the run weighs on both sides alike. Ours goes over the
// instants as many times as makes its half of a round last about as long as
// rickar's. One op is one round.
func BenchmarkAddVsRickar(b *testing.B) {
	c := mustDefault(b)
	bc := rickarCalendar()
	ts := randomInstants(1 << 10)
	for i := range ts {
		ts[i] = ts[i].In(c.Zone())
	}
	var sink time.Time
	ours := func(reps int) time.Duration {
		start := time.Now()
		for range reps {
			for _, t := range ts {
				sink = c.Add(t, 24*time.Hour)
			}
		}
		return time.Since(start)
	}
	theirs := func() time.Duration {
		start := time.Now()
		for _, t := range ts {
			sink = bc.AddWorkHours(t, 24*time.Hour)
		}
		return time.Since(start)
	}
	reps := max(1, int(theirs()/ours(1))) // also warms both up
	var ratios, oursNs, theirsNs []float64
	for b.Loop() {
		o, t := ours(reps), theirs()
		perOurs := float64(o) / float64(reps*len(ts))
		perTheirs := float64(t) / float64(len(ts))
		ratios = append(ratios, perTheirs/perOurs)
		oursNs = append(oursNs, perOurs)
		theirsNs = append(theirsNs, perTheirs)
	}
	_ = sink
	b.ReportMetric(median(ratios), "x-vs-rickar")
	b.ReportMetric(median(oursNs), "ns/add")
	b.ReportMetric(median(theirsNs), "rickar-ns/add")
	b.ReportMetric(float64(len(ratios)), "rounds")
}

// median returns the middle value of xs (the mean of the two middle ones
// when their number is even).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
