package limit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Addresses limits requests per client address in this process: a token
// bucket each, idle ones swept every minute so the map stays small. The
// zero value is ready to use.
type Addresses struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// Allow takes a token from the address's bucket of r per second, burst
// deep; r 0 lets everything through (load tests).
func (a *Addresses) Allow(host string, r rate.Limit, burst int) bool {
	if r == 0 {
		return true
	}
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.buckets == nil {
		a.buckets = map[string]*bucket{}
	}
	if now.Sub(a.swept) > time.Minute {
		for k, b := range a.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(a.buckets, k)
			}
		}
		a.swept = now
	}
	b, ok := a.buckets[host]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(r, burst)}
		a.buckets[host] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}
