package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/store"
)

// take counts one attempt on l in its own write transaction.
func take(t *testing.T, s store.Store, l limit.Limit, subject string, now time.Time) (limit.Status, error) {
	var st limit.Status
	err := s.Write(t.Context(), func(tx store.Tx) (err error) {
		st, err = l.Take(t.Context(), tx, subject, now)
		return err
	})
	return st, err
}

func limitStatus(t *testing.T, s store.Store, l limit.Limit, subject string, now time.Time) limit.Status {
	t.Helper()
	var st limit.Status
	read(t, s, func(r store.Reader) (err error) {
		st, err = l.Status(t.Context(), r, subject, now)
		return err
	})
	return st
}

// testLimiter runs core/limit's fixed windows on the store's throttle
// rows: attempts count up to the maximum within the window, the next is
// refused and not counted, the window lapses exactly at its end, a reset
// empties it, and subjects (even one a prefix of another) count apart.
func testLimiter(t *testing.T, s store.Store) {
	ctx := t.Context()
	l := limit.Limit{Name: "conformance", Max: 3, Window: 10 * time.Minute}
	end := t0.Add(10 * time.Minute)
	same(t, "Status of an unused limiter", limitStatus(t, s, l, "subj", t0), limit.Status{Name: l.Name, Max: 3})
	for i := range 3 {
		st, err := take(t, s, l, "subj", t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatalf("Take %d: %v", i+1, err)
		}
		same(t, "Take", st, limit.Status{Name: l.Name, Used: i + 1, Max: 3, ClearsAt: end})
	}
	for _, at := range []time.Time{t0.Add(3 * time.Minute), end.Add(-time.Millisecond)} {
		_, err := take(t, s, l, "subj", at)
		wantCode(t, "Take past the maximum at "+at.Format(time.StampMilli), err, fault.CodeRateLimited)
		var fe *fault.Error
		if errors.As(err, &fe) && (fe.Limit != l.Name || fe.Max != 3 || !fe.Until.Equal(end)) {
			t.Errorf("refusal names %q, max %d, until %v; want %q, 3, %v", fe.Limit, fe.Max, fe.Until, l.Name, end)
		}
	}
	same(t, "Status after refusals", limitStatus(t, s, l, "subj", end.Add(-time.Millisecond)),
		limit.Status{Name: l.Name, Used: 3, Max: 3, ClearsAt: end})
	read(t, s, func(r store.Reader) error {
		th, err := r.Throttle(ctx, "limit:conformance:subj")
		same(t, "the throttle row", th, store.Throttle{Key: "limit:conformance:subj", Count: 3, WindowStart: t0})
		return err
	})

	// Another subject, whose key extends this one's, counts apart.
	if st, err := take(t, s, l, "subj2", t0.Add(5*time.Minute)); st.Used != 1 || err != nil {
		t.Errorf("Take on another subject = %+v, %v; want 1 used", st, err)
	}

	// The window lapses at its end: a new one opens with the attempt.
	st, err := take(t, s, l, "subj", end)
	if err != nil {
		t.Fatalf("Take when the window ends: %v", err)
	}
	same(t, "Take when the window ends", st, limit.Status{Name: l.Name, Used: 1, Max: 3, ClearsAt: end.Add(10 * time.Minute)})

	// A reset empties the window; the next attempt opens a new one.
	write(t, s, func(tx store.Tx) error { return l.Clear(ctx, tx, "subj") })
	same(t, "Status after Clear", limitStatus(t, s, l, "subj", end), limit.Status{Name: l.Name, Max: 3})
	read(t, s, func(r store.Reader) error {
		th, err := r.Throttle(ctx, "limit:conformance:subj")
		same(t, "the throttle row after Clear", th, store.Throttle{Key: "limit:conformance:subj"})
		return err
	})
	later := end.Add(time.Minute)
	st, err = take(t, s, l, "subj", later)
	if err != nil {
		t.Fatalf("Take after Clear: %v", err)
	}
	same(t, "Take after Clear", st, limit.Status{Name: l.Name, Used: 1, Max: 3, ClearsAt: later.Add(10 * time.Minute)})
	same(t, "Status of the other subject", limitStatus(t, s, l, "subj2", later),
		limit.Status{Name: l.Name, Used: 1, Max: 3, ClearsAt: t0.Add(15 * time.Minute)})
}

// testLimiterConcurrent: writers taking from one limiter at once get
// exactly its maximum between them; the rest are refused.
func testLimiterConcurrent(t *testing.T, s store.Store) {
	l := limit.Limit{Name: "conformance", Max: 20, Window: time.Hour}
	const writers, each = 8, 5
	var ok, refused [writers]int
	var errs [writers]error
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			for i := range each {
				_, err := take(t, s, l, "shared", t0.Add(time.Duration(w*each+i)*time.Millisecond))
				switch {
				case err == nil:
					ok[w]++
				case fault.CodeOf(err) == fault.CodeRateLimited:
					refused[w]++
				default:
					errs[w] = err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	var nOK, nRefused int
	for w := range writers {
		if errs[w] != nil {
			t.Errorf("writer %d: %v", w, errs[w])
		}
		nOK, nRefused = nOK+ok[w], nRefused+refused[w]
	}
	if nOK != l.Max || nRefused != writers*each-l.Max {
		t.Errorf("%d attempts taken, %d refused; want %d and %d", nOK, nRefused, l.Max, writers*each-l.Max)
	}
	if st := limitStatus(t, s, l, "shared", t0.Add(time.Minute)); st.Used != l.Max {
		t.Errorf("Used = %d after the writers, want %d", st.Used, l.Max)
	}
}
