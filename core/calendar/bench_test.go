package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
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
