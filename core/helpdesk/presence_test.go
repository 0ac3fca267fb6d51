package helpdesk_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/feed"
	"supportdesk/core/presence"
	"supportdesk/core/staff"
)

func TestPresenceComesFromTheSessionAndLapses(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	svc, ctx := f.svc, context.Background()
	ch, stop := svc.Feed.Subscribe(ctx)
	defer stop()
	notice := func() (feed.Change, bool) {
		select {
		case c := <-ch:
			return c, true
		case <-time.After(100 * time.Millisecond):
			return feed.Change{}, false
		}
	}
	id := f.enTicket.ID
	want := feed.Change{Kind: feed.Presence, Ticket: id}

	if others, err := svc.SetPresence(ctx, f.bob.Token, id, presence.Viewing); err != nil || len(others) != 0 {
		t.Fatalf("bob alone: %v %v", others, err)
	}
	if c, ok := notice(); !ok || c != want {
		t.Fatalf("bob's arrival: %+v %v", c, ok)
	}
	others, err := svc.SetPresence(ctx, f.sup.Token, id, presence.Viewing)
	if err != nil || len(others) != 1 || others[0].AgentID != f.bob.AgentID || others[0].State != presence.Viewing ||
		others[0].Name != f.bob.DisplayName {
		t.Fatalf("the supervisor sees %+v %v", others, err)
	}
	notice()
	// A refresh in the same state tells nobody.
	if _, err := svc.SetPresence(ctx, f.bob.Token, id, presence.Viewing); err != nil {
		t.Fatal(err)
	}
	if c, ok := notice(); ok {
		t.Fatalf("a refresh published %+v", c)
	}
	if _, err := svc.SetPresence(ctx, f.bob.Token, id, presence.Replying); err != nil {
		t.Fatal(err)
	}
	if c, ok := notice(); !ok || c != want {
		t.Fatalf("bob replying: %+v %v", c, ok)
	}
	v, err := svc.Ticket(ctx, f.sup.Token, id)
	if err != nil || len(v.Present) != 1 || v.Present[0].State != presence.Replying {
		t.Fatalf("the view carries %+v %v", v.Present, err)
	}
	// Nobody sees itself.
	v, _ = svc.Ticket(ctx, f.bob.Token, id)
	if len(v.Present) != 1 || v.Present[0].AgentID != f.sup.AgentID {
		t.Fatalf("bob's view carries %+v", v.Present)
	}

	// Refused: a made-up token, a ticket out of the agent's scope, a
	// state that is none.
	if _, err := svc.SetPresence(ctx, staff.Token("forged"), id, presence.Viewing); fault.CodeOf(err) != fault.CodeSessionEnded {
		t.Fatalf("a forged token: %v", err)
	}
	if _, err := svc.SetPresence(ctx, f.ana.Token, id, presence.Viewing); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("ana, out of scope: %v", err)
	}
	if _, err := svc.SetPresence(ctx, f.bob.Token, id, "typing"); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Fatalf("a bad state: %v", err)
	}
	if c, ok := notice(); ok {
		t.Fatalf("a refusal published %+v", c)
	}

	// Bob's console goes quiet: after the TTL the supervisor no longer sees him.
	fc := svc.Clock.(*clock.Fake)
	fc.Advance(presence.TTL - time.Second)
	if _, err := svc.SetPresence(ctx, f.sup.Token, id, presence.Viewing); err != nil {
		t.Fatal(err)
	}
	fc.Advance(2 * time.Second)
	if others, err := svc.SetPresence(ctx, f.sup.Token, id, presence.Viewing); err != nil || len(others) != 0 {
		t.Fatalf("bob lapsed, still %+v %v", others, err)
	}
	// Leaving says so at once.
	notice()
	if _, err := svc.SetPresence(ctx, f.sup.Token, id, presence.Left); err != nil {
		t.Fatal(err)
	}
	if c, ok := notice(); !ok || c != want {
		t.Fatalf("leaving: %+v %v", c, ok)
	}
}
