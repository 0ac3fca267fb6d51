package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"supportdesk/core/feed"
	"supportdesk/core/store/postgres/pgtest"
)

// testChannel is a channel of the test's own, so parallel tests never
// hear each other.
func testChannel() string {
	return pgtest.Name("feedtest")
}

// openFeed opens a feed on a pool of its own, as a serve process would.
func openFeed(t *testing.T, url, ch string, notify func(context.Context, string) error) (*Feed, *pgxpool.Pool) {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	f, err := newFeed(t.Context(), pool, ch, notify)
	if err != nil {
		t.Fatalf("newFeed: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, pool
}

const feedWait = 5 * time.Second

func next(t *testing.T, ch <-chan feed.Change) feed.Change {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return c
	case <-time.After(feedWait):
		t.Fatalf("no notice within %v", feedWait)
	}
	return feed.Change{}
}

// quiet checks that nothing more comes within a moment.
func quiet(t *testing.T, ch <-chan feed.Change) {
	t.Helper()
	select {
	case c := <-ch:
		t.Fatalf("unexpected notice %v", c)
	case <-time.After(300 * time.Millisecond):
	}
}

func tkt(id int64) feed.Change { return feed.Change{Kind: feed.Ticket, Ticket: id} }

func TestFeedAcrossProcesses(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ch := testChannel()
	a, _ := openFeed(t, url, ch, nil)
	b, _ := openFeed(t, url, ch, nil)
	onA, _ := a.Subscribe(t.Context())
	onB, _ := b.Subscribe(t.Context())

	// One at a time, to time the trip from one process to the other (next
	// bounds it generously: the machine may be busy).
	var lat []time.Duration
	for i := range int64(20) {
		start := time.Now()
		a.Publish(tkt(i + 1))
		if got := next(t, onB); got != tkt(i+1) {
			t.Fatalf("B got %v, want %v", got, tkt(i+1))
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	t.Logf("publish on A to delivery on B: median %v, max %v", lat[len(lat)/2], lat[len(lat)-1])

	// A hears its own notices once, through LISTEN only.
	for i := range int64(20) {
		if got := next(t, onA); got != tkt(i+1) {
			t.Fatalf("A got %v, want %v", got, tkt(i+1))
		}
	}
	quiet(t, onA)

	// A burst keeps its order, batched or not.
	for i := range int64(50) {
		a.Publish(tkt(100 + i))
	}
	b.Publish(feed.Change{Kind: feed.Queues})
	var fromA []feed.Change
	sawQueues := false
	for len(fromA) < 50 || !sawQueues {
		switch c := next(t, onB); c.Kind {
		case feed.Queues:
			sawQueues = true
		case feed.Ticket:
			fromA = append(fromA, c)
		default:
			t.Fatalf("B got %v", c)
		}
	}
	for i, c := range fromA {
		if c != tkt(100+int64(i)) {
			t.Fatalf("B got A's notices out of order: %v", fromA)
		}
	}
}

func TestFeedReconnects(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ch := testChannel()
	a, pool := openFeed(t, url, ch, nil)
	b, _ := openFeed(t, url, ch, nil)
	onB, _ := b.Subscribe(t.Context())

	pid := b.pid.Load()
	if _, err := pool.Exec(t.Context(), "SELECT pg_terminate_backend($1)", int64(pid)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if got := next(t, onB); got.Kind != feed.Resync {
		t.Fatalf("after the drop B got %v, want a Resync", got)
	}
	t.Logf("listening again and Resync after %v", time.Since(start))
	if now := b.pid.Load(); now == 0 || now == pid {
		t.Errorf("listening backend %d after the drop of %d", now, pid)
	}
	a.Publish(tkt(7))
	if got := next(t, onB); got != tkt(7) {
		t.Fatalf("after reconnecting B got %v, want %v", got, tkt(7))
	}
}

func TestFeedSendFails(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ch := testChannel()
	var calls atomic.Int32
	var pool *pgxpool.Pool
	ready := make(chan struct{})
	notify := func(ctx context.Context, payload string) error {
		if calls.Add(1) <= 2 {
			return errors.New("server away")
		}
		<-ready
		_, err := pool.Exec(ctx, "SELECT pg_notify($1, $2)", ch, payload)
		return err
	}
	a, p := openFeed(t, url, ch, notify)
	pool = p
	close(ready)
	b, _ := openFeed(t, url, ch, nil)
	onB, _ := b.Subscribe(t.Context())

	// The lost send comes back as a Resync, for B and for A alike.
	a.Publish(tkt(1))
	if got := next(t, onB); got.Kind != feed.Resync {
		t.Fatalf("after failed sends B got %v, want a Resync", got)
	}
	if n := calls.Load(); n < 3 {
		t.Errorf("%d sends, want the failed one retried", n)
	}
	a.Publish(tkt(2))
	if got := next(t, onB); got != tkt(2) {
		t.Fatalf("B got %v, want %v", got, tkt(2))
	}
}

func TestFeedOverflow(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ch := testChannel()
	var pool *pgxpool.Pool
	held := make(chan struct{})
	release := make(chan struct{})
	var first atomic.Bool
	notify := func(ctx context.Context, payload string) error {
		if !first.Swap(true) {
			close(held)
			<-release
		}
		_, err := pool.Exec(ctx, "SELECT pg_notify($1, $2)", ch, payload)
		return err
	}
	a, p := openFeed(t, url, ch, notify)
	pool = p
	b, _ := openFeed(t, url, ch, nil)
	onB, _ := b.Subscribe(t.Context())

	a.Publish(tkt(1))
	<-held // the sender is busy: what comes now must wait
	many := make([]feed.Change, maxPending+1)
	for i := range many {
		many[i] = tkt(int64(i + 2))
	}
	start := time.Now()
	a.Publish(many...)
	a.Publish(tkt(3))
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("Publish blocked %v while the sender was stuck", d)
	}
	close(release)
	if got := next(t, onB); got != tkt(1) {
		t.Fatalf("B got %v, want %v", got, tkt(1))
	}
	if got := next(t, onB); got.Kind != feed.Resync {
		t.Fatalf("B got %v, want a Resync for the overflow", got)
	}
	quiet(t, onB)
}

func TestFeedSplitsLongPayloads(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ch := testChannel()
	a, _ := openFeed(t, url, ch, nil)

	// A bare listener sees the notifications themselves.
	c, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(t.Context(), "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	sent := make([]feed.Change, 1000)
	for i := range sent {
		sent[i] = tkt(int64(1_000_000_000 + i))
	}
	a.Publish(sent...)

	var got []feed.Change
	notes := 0
	for len(got) < len(sent) {
		ctx, cancel := context.WithTimeout(t.Context(), feedWait)
		n, err := c.WaitForNotification(ctx)
		cancel()
		if err != nil {
			t.Fatalf("after %d of %d notices: %v", len(got), len(sent), err)
		}
		notes++
		if len(n.Payload) > maxPayload {
			t.Errorf("payload of %d bytes, over %d", len(n.Payload), maxPayload)
		}
		changes, ok := decode(n.Payload)
		if !ok {
			t.Fatalf("payload %q does not decode", n.Payload)
		}
		got = append(got, changes...)
	}
	if !slices.Equal(got, sent) {
		t.Errorf("the notices came back changed")
	}
	if notes < 2 {
		t.Errorf("%d notifications for %d notices, want them split", notes, len(sent))
	}
}

func TestFeedClose(t *testing.T) {
	t.Parallel()
	url := testURL(t)
	ch := testChannel()
	a, pool := openFeed(t, url, ch, nil)
	b, _ := openFeed(t, url, ch, nil)
	onB, _ := b.Subscribe(t.Context())
	pid := a.pid.Load()

	// What was published just before Close still goes out.
	a.Publish(tkt(9))
	closed := make(chan struct{})
	go func() {
		a.Close()
		close(closed)
	}()
	select {
	case <-closed: // Close waits for both goroutines
	case <-time.After(feedWait):
		t.Fatalf("Close still running after %v", feedWait)
	}
	if got := next(t, onB); got != tkt(9) {
		t.Fatalf("B got %v, want %v", got, tkt(9))
	}
	a.Close()
	a.Publish(tkt(10)) // dropped, no panic
	quiet(t, onB)

	// The listening connection is gone from the server.
	deadline := time.Now().Add(feedWait)
	for {
		var n int
		if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", int64(pid)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backend %d still there after Close", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	many := func(n int) []feed.Change {
		out := make([]feed.Change, n)
		for i := range out {
			out[i] = tkt(int64(i + 1))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		changes []feed.Change
		limit   int
		want    int // payloads
	}{
		{"none", nil, maxPayload, 0},
		{"one", []feed.Change{{Kind: feed.Held}}, maxPayload, 1},
		{"exactly the limit", many(3), len("t:1,t:2,t:3"), 1},
		{"one byte over", many(3), len("t:1,t:2,t:3") - 1, 2},
		{"a notice each", many(5), 3, 5},
		{"many", many(5000), maxPayload, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			payloads := split(tc.changes, tc.limit)
			if len(payloads) != tc.want {
				t.Errorf("%d payloads, want %d", len(payloads), tc.want)
			}
			var back []feed.Change
			for _, p := range payloads {
				if len(p) > tc.limit {
					t.Errorf("payload of %d bytes, over %d", len(p), tc.limit)
				}
				changes, ok := decode(p)
				if !ok {
					t.Fatalf("payload %q does not decode", p)
				}
				back = append(back, changes...)
			}
			if !slices.Equal(back, tc.changes) {
				t.Errorf("split and decoded: %v, want %v", back, tc.changes)
			}
		})
	}
}

func TestChannel(t *testing.T) {
	t.Parallel()
	long1, long2 := strings.Repeat("s", 63), strings.Repeat("s", 62)+"t"
	if got := channel(""); got != "supportdesk_feed" {
		t.Errorf("channel(%q) = %q", "", got)
	}
	if got := channel("t1_2"); got != "supportdesk_feed_t1_2" {
		t.Errorf("channel(%q) = %q", "t1_2", got)
	}
	if a, b := channel(long1), channel(long2); len(a) > 63 || len(b) > 63 || a == b {
		t.Errorf("long schemas: %q and %q", a, b)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"t:42", "q", "t:1,p:2,h,q,r", "", ",", "t:01", "x", "t:1,,t:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		changes, ok := decode(payload)
		if !ok {
			return
		}
		// Only canonical notices decode, so they encode back to the input.
		parts := make([]string, len(changes))
		for i, c := range changes {
			parts[i] = c.String()
		}
		if back := strings.Join(parts, sep); back != payload {
			t.Errorf("decode(%q) encodes back to %q", payload, back)
		}
		if len(payload) <= maxPayload && len(split(changes, maxPayload)) != 1 {
			t.Errorf("%q split in more than one payload", payload)
		}
	})
}
