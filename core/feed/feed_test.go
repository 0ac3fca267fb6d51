package feed_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"supportdesk/core/feed"
)

func TestWireFormRoundTrips(t *testing.T) {
	t.Parallel()
	for _, c := range []feed.Change{
		{Kind: feed.Ticket, Ticket: 42}, {Kind: feed.Presence, Ticket: 7}, {Kind: feed.Queues}, {Kind: feed.Held}, {Kind: feed.Resync},
	} {
		got, ok := feed.Parse(c.String())
		if !ok || got != c {
			t.Errorf("Parse(%q) = %+v %v", c.String(), got, ok)
		}
	}
	for _, bad := range []string{"", "t", "t:", "t:0", "t:-1", "t42", "qq", "x", "p:1a", "h:1", "p:01", "t:+1", "t:99999999999999999999"} {
		if c, ok := feed.Parse(bad); ok {
			t.Errorf("Parse(%q) = %+v", bad, c)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"t:1", "q", "h", "p:99", "r", "t:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := feed.Parse(s)
		if ok && c.String() != s {
			t.Fatalf("%q parsed to %+v, which reads %q", s, c, c.String())
		}
	})
}

func TestEverySubscriberGetsEachNoticeInOrder(t *testing.T) {
	t.Parallel()
	m := feed.NewMemory()
	a, stopA := m.Subscribe(context.Background())
	b, stopB := m.Subscribe(context.Background())
	defer stopA()
	defer stopB()
	m.Publish(feed.Change{Kind: feed.Ticket, Ticket: 1}, feed.Change{Kind: feed.Held})
	for _, ch := range []<-chan feed.Change{a, b} {
		if c := <-ch; c != (feed.Change{Kind: feed.Ticket, Ticket: 1}) {
			t.Fatalf("first %+v", c)
		}
		if c := <-ch; c.Kind != feed.Held {
			t.Fatalf("second %+v", c)
		}
	}
}

func TestCancelAndContextEndTheSubscription(t *testing.T) {
	t.Parallel()
	m := feed.NewMemory()
	ch, cancel := m.Subscribe(context.Background())
	cancel()
	cancel() // twice is safe
	if _, open := <-ch; open {
		t.Fatal("channel open after cancel")
	}
	ctx, end := context.WithCancel(context.Background())
	ch, _ = m.Subscribe(ctx)
	end()
	select {
	case _, open := <-ch:
		if open {
			t.Fatal("a notice after the context ended")
		}
	case <-time.After(time.Second):
		t.Fatal("the context's end did not close the channel")
	}
	m.Publish(feed.Change{Kind: feed.Queues}) // nobody left: nothing to do
	if n := m.Subscribers(); n != 0 {
		t.Fatalf("%d subscribers left", n)
	}
}

// A subscriber that never reads costs the writers nothing: they go on at
// full speed, and the subscriber finds one Resync when it looks.
func TestASlowSubscriberNeverBlocksWriters(t *testing.T) {
	t.Parallel()
	m := feed.NewMemory()
	slow, stop := m.Subscribe(context.Background())
	defer stop()
	fast, stopFast := m.Subscribe(context.Background())
	defer stopFast()
	var got sync.WaitGroup
	got.Add(1)
	n := 0
	go func() {
		defer got.Done()
		for range fast {
			n++
		}
	}()
	done := make(chan struct{})
	start := time.Now()
	go func() {
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 1; i <= 10_000; i++ {
					m.Publish(feed.Change{Kind: feed.Ticket, Ticket: int64(i)})
				}
			}()
		}
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("writers blocked on a subscriber that does not read")
	}
	t.Logf("80 000 notices published in %s past a stalled subscriber", time.Since(start))
	if len(slow) > feed.Buffer {
		t.Fatalf("%d waiting", len(slow))
	}
	sawResync := false
	for len(slow) > 0 {
		if c := <-slow; c.Kind == feed.Resync {
			sawResync = true
		}
	}
	if !sawResync {
		t.Fatal("the slow subscriber was not told to resync")
	}
	stopFast()
	got.Wait()
	if n == 0 {
		t.Fatal("the reading subscriber got nothing")
	}
}

func BenchmarkPublish(b *testing.B) {
	m := feed.NewMemory()
	for range 50 {
		ch, stop := m.Subscribe(context.Background())
		defer stop()
		go func() {
			for range ch {
			}
		}()
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Publish(feed.Change{Kind: feed.Ticket, Ticket: 1})
	}
}
