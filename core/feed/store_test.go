package feed_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/coretest"
	"supportdesk/core/feed"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// next waits a moment for a notice; ok is false when none came.
func next(ch <-chan feed.Change) (feed.Change, bool) {
	select {
	case c := <-ch:
		return c, true
	case <-time.After(200 * time.Millisecond):
		return feed.Change{}, false
	}
}

func TestCommittedWritesPublishAndRollbacksDoNot(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	ch, stop := svc.Feed.Subscribe(ctx)
	defer stop()

	boom := errors.New("roll back")
	err := svc.Store.Write(ctx, func(tx store.Tx) error {
		if err := tx.PutClosure(ctx, store.Closure{Day: "2026-12-24", Reason: "x", CreatedBy: "t", CreatedAt: time.Now()}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if c, ok := next(ch); ok {
		t.Fatalf("a rolled-back write published %+v", c)
	}

	sup := coretest.AddStaff(t, svc, staff.NewAgent{Email: "sup@example.gov", Role: access.RoleSupervisor, Languages: []string{"en"}})
	if c, ok := next(ch); ok {
		t.Fatalf("adding an agent published %+v", c)
	}
	if err := svc.Tickets.AddClosure(ctx, sup.Token, "2026-12-24", "Christmas Eve"); err != nil {
		t.Fatal(err)
	}
	if c, ok := next(ch); !ok || c.Kind != feed.Queues {
		t.Fatalf("closure: %+v %v", c, ok)
	}

	// A ticket from intake, then a note on it: one notice each, naming it.
	runIntake(t, svc.Intake.Run)
	tk, _, err := svc.Intake.Submit(ctx, ticket.Form{Email: "req@example.com", Name: "Req", Language: "en",
		Category: "lost_mfa", Subject: "Lost phone", Message: "Help"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	want := feed.Change{Kind: feed.Ticket, Ticket: tk.ID}
	if c, ok := next(ch); !ok || c != want {
		t.Fatalf("new ticket: %+v %v", c, ok)
	}
	if c, ok := next(ch); ok {
		t.Fatalf("one write, two notices: %+v", c)
	}
	if _, err := svc.Tickets.Note(ctx, sup.Token, tk.ID, 0, "checked"); err != nil {
		t.Fatal(err)
	}
	if c, ok := next(ch); !ok || c != want {
		t.Fatalf("note: %+v %v", c, ok)
	}
	// Reading the ticket writes an audit entry, and no notice: viewers
	// reloading on a notice must not set off more notices.
	if _, err := svc.Tickets.Ticket(ctx, sup.Token, tk.ID); err != nil {
		t.Fatal(err)
	}
	if c, ok := next(ch); ok {
		t.Fatalf("a read published %+v", c)
	}
	if _, ok := svc.Maintain(); !ok {
		t.Fatal("the backend's maintenance is lost under the wrappers")
	}
}

func runIntake(t *testing.T, run func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}
