// Package limit is the rate limiters the core shares, kept in the store's
// throttle rows so every process on one database sees the same counts.
// Each limiter is a fixed window that opens with the first attempt.
package limit

import (
	"context"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// Limit is one limiter: at most Max attempts per Window.
type Limit struct {
	Name   string // stable: the key prefix and the name agents see
	Max    int
	Window time.Duration
}

// Limiters the sign-in engine and identity proofing share (Login.gov's
// defaults), defined here so both count on the same rows.
var (
	PhoneOTP    = Limit{Name: "phone_otp", Max: 20, Window: 24 * time.Hour}     // codes sent to a phone
	PersonalKey = Limit{Name: "personal_key", Max: 5, Window: 15 * time.Minute} // wrong personal keys
	OTPBurst    = Limit{Name: "otp_send", Max: 10, Window: 10 * time.Minute}    // codes sent, short term
)

// Status is a limiter as it stands for one subject.
type Status struct {
	Name     string
	Used     int
	Max      int
	ClearsAt time.Time // when the window ends; zero when nothing is used
}

// Exhausted reports whether no attempt is left.
func (s Status) Exhausted() bool { return s.Used >= s.Max }

func (l Limit) key(subject string) string { return "limit:" + l.Name + ":" + subject }

// Record sets the subject's window as it would stand after used attempts
// from start on: the seeder's way to show a limiter mid-window.
func (l Limit) Record(ctx context.Context, tx store.Tx, subject string, used int, start time.Time) error {
	return tx.PutThrottle(ctx, store.Throttle{Key: l.key(subject), Count: used, WindowStart: start})
}

// window returns the subject's current window at now: a lapsed one starts
// afresh.
func (l Limit) window(ctx context.Context, r store.Reader, subject string, now time.Time) (store.Throttle, error) {
	thr, err := r.Throttle(ctx, l.key(subject))
	if err != nil {
		return thr, err
	}
	if thr.WindowStart.IsZero() || !now.Before(thr.WindowStart.Add(l.Window)) {
		return store.Throttle{Key: l.key(subject)}, nil
	}
	return thr, nil
}

// Status reads the subject's limiter at now.
func (l Limit) Status(ctx context.Context, r store.Reader, subject string, now time.Time) (Status, error) {
	thr, err := l.window(ctx, r, subject, now)
	st := Status{Name: l.Name, Used: thr.Count, Max: l.Max}
	if !thr.WindowStart.IsZero() {
		st.ClearsAt = thr.WindowStart.Add(l.Window)
	}
	return st, err
}

// Take counts one attempt, or refuses with fault.CodeRateLimited (naming
// the limiter, its maximum and when it clears) when none is left.
func (l Limit) Take(ctx context.Context, tx store.Tx, subject string, now time.Time) (Status, error) {
	thr, err := l.window(ctx, tx, subject, now)
	if err != nil {
		return Status{}, err
	}
	if thr.WindowStart.IsZero() {
		thr.WindowStart = now
	}
	st := Status{Name: l.Name, Used: thr.Count, Max: l.Max, ClearsAt: thr.WindowStart.Add(l.Window)}
	if thr.Count >= l.Max {
		return st, fault.Limited(l.Name, l.Max, st.ClearsAt)
	}
	thr.Count++
	st.Used = thr.Count
	return st, tx.PutThrottle(ctx, thr)
}

// Clear empties the subject's window (a dual-control reset).
func (l Limit) Clear(ctx context.Context, tx store.Tx, subject string) error {
	return tx.PutThrottle(ctx, store.Throttle{Key: l.key(subject)})
}
