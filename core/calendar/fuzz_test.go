package calendar

import (
	"testing"
	"time"
)

// FuzzAddBetween: Between(t, Add(t, d)) == d for any instant from 2025 to
// 2031 and any d in [0, 200h], and the result is never out of hours unless
// it is a closing.
func FuzzAddBetween(f *testing.F) {
	c := mustDefault(f)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC).Sub(base)
	for _, seed := range []struct{ off, d int64 }{
		{0, 0}, {int64(100 * 24 * time.Hour), int64(24 * time.Hour)}, {1e15, 1}, {-5, int64(200 * time.Hour)},
	} {
		f.Add(seed.off, seed.d)
	}
	f.Fuzz(func(t *testing.T, off, dv int64) {
		from := base.Add(time.Duration(uint64(off) % uint64(span)))
		d := time.Duration(uint64(dv) % uint64(200*time.Hour+1))
		got := c.Add(from, d)
		if b := c.Between(from, got); b != d {
			t.Fatalf("Between(%v, Add(%v)) = %v", from, d, b)
		}
		if d > 0 && !c.IsOpen(got) && !c.IsOpen(got.Add(-time.Nanosecond)) {
			t.Fatalf("Add(%v, %v) = %v is out of hours", from, d, got)
		}
		if got.Before(from) {
			t.Fatalf("Add(%v, %v) = %v goes back", from, d, got)
		}
		if back := c.Add(got, -d); d > 0 && c.Between(back, got) != d {
			t.Fatalf("Add(Add(%v, %v), -d) = %v", from, d, back)
		}
	})
}
