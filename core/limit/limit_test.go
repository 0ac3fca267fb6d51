package limit_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/store"
)

func TestWindowTakeAndClear(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	l := limit.Limit{Name: "test", Max: 2, Window: time.Hour}
	take := func() (limit.Status, error) {
		var st limit.Status
		err := svc.Store.Write(ctx, func(tx store.Tx) error {
			var err error
			st, err = l.Take(ctx, tx, "acct", clk.Now())
			return err
		})
		return st, err
	}
	start := clk.Now()
	for i := 1; i <= 2; i++ {
		if st, err := take(); err != nil || st.Used != i || !st.ClearsAt.Equal(start.Add(time.Hour)) {
			t.Fatalf("take %d: %+v %v", i, st, err)
		}
	}
	clk.Advance(59 * time.Minute)
	_, err := take()
	fe, _ := fault.As(err)
	if fault.CodeOf(err) != fault.CodeRateLimited || fe.Max != 2 || !fe.Until.Equal(start.Add(time.Hour)) {
		t.Fatalf("third take: %v", err)
	}
	clk.Advance(time.Minute) // the window ends: a fresh one opens
	if st, err := take(); err != nil || st.Used != 1 || !st.ClearsAt.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("after the window: %+v %v", st, err)
	}
	err = svc.Store.Write(ctx, func(tx store.Tx) error { return l.Clear(ctx, tx, "acct") })
	if err != nil {
		t.Fatal(err)
	}
	svc.Store.Read(ctx, func(r store.Reader) error {
		st, err := l.Status(ctx, r, "acct", clk.Now())
		if err != nil || st.Used != 0 || !st.ClearsAt.IsZero() || st.Exhausted() {
			t.Errorf("after clear: %+v %v", st, err)
		}
		return nil
	})
}

func TestAddresses(t *testing.T) {
	t.Parallel()
	var a limit.Addresses
	for i := range 3 {
		if !a.Allow("192.0.2.1", 1, 3) {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	if a.Allow("192.0.2.1", 1, 3) {
		t.Fatal("a fourth request at once passed a burst of 3")
	}
	if !a.Allow("192.0.2.2", 1, 3) {
		t.Fatal("another address shares the bucket")
	}
	if !a.Allow("192.0.2.1", 0, 0) {
		t.Fatal("rate 0 limits")
	}
}
