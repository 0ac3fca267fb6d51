package main

import (
	"sync"
	"testing"
	"time"
)

// formLoad posts contact forms from several workers until stopped, and
// keeps the references answered 201: what a crash or a stop must not lose.
type formLoad struct {
	mu    sync.Mutex
	acked []string
	stopc chan struct{}
	wg    sync.WaitGroup
}

// startFormLoad starts workers posting form(w, i) to url, pausing between
// forms (0: none; a refused connection always waits 5 ms).
func startFormLoad(url string, workers int, pause time.Duration, form func(w, i int) map[string]string) *formLoad {
	l := &formLoad{stopc: make(chan struct{})}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stopc:
					return
				default:
				}
				code, ref, err := postForm(url, form(w, i))
				switch {
				case err != nil:
					time.Sleep(5 * time.Millisecond) // refused, or the server went away
					continue
				case code == 201:
					l.mu.Lock()
					l.acked = append(l.acked, ref)
					l.mu.Unlock()
				}
				if pause > 0 {
					time.Sleep(pause)
				}
			}
		}()
	}
	return l
}

// count is how many forms were acknowledged so far.
func (l *formLoad) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// waitFor waits until n forms were acknowledged, and fails the test after
// limit.
func (l *formLoad) waitFor(t *testing.T, n int, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); l.count() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d forms acknowledged in %v", l.count(), limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stop ends the workers and returns every acknowledged reference.
func (l *formLoad) stop() []string {
	close(l.stopc)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acked
}
