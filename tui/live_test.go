package tui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/feed"
	"supportdesk/core/presence"
	"supportdesk/core/ticket"
)

func TestQueueFollowsTheFeedAndKeepsTheCursorOnItsTicket(t *testing.T) {
	t.Parallel()
	lf := newLiveFake()
	m := liveModel(t, lf, access.RoleAgent, "en")
	q := m.queue
	drain(m, send(m, "down", "down"))
	on, _ := q.item(q.cursor)

	// A notice the queue does not show: nothing happens.
	before := len(lf.queueCalls)
	deliver(t, m, feed.Change{Kind: feed.Held})
	if len(lf.queueCalls) != before {
		t.Fatal("held mail reloaded the queue")
	}
	// A new ticket comes in above the cursor in another session.
	lf.mu.Lock()
	lf.fakeTickets.mu.Lock()
	fresh := lf.items[0]
	fresh.ID, fresh.Ref, fresh.Subject = 999, ticket.Ref(2026, 999), "Arrived just now"
	lf.items = slices.Insert(lf.items, 0, fresh)
	lf.fakeTickets.mu.Unlock()
	lf.mu.Unlock()
	deliver(t, m, feed.Change{Kind: feed.Ticket, Ticket: 999})
	if len(lf.queueCalls) == before {
		t.Fatal("a ticket notice did not reload the queue")
	}
	if !strings.Contains(m.View(), "Arrived just now") {
		t.Fatal("the new ticket is not on screen")
	}
	if now, _ := q.item(q.cursor); now.ID != on.ID || q.cursor != 3 {
		t.Fatalf("the cursor is on %d (row %d), was on %d", now.ID, q.cursor, on.ID)
	}

	// Behind the idle lock nothing reloads.
	m.lockUp(false)
	before = len(lf.queueCalls)
	deliver(t, m, feed.Change{Kind: feed.Ticket, Ticket: 1})
	if len(lf.queueCalls) != before {
		t.Fatal("the queue reloaded behind the lock")
	}
}

func TestBurstsAreOneReload(t *testing.T) {
	t.Parallel()
	lf := newLiveFake()
	m := liveModel(t, lf, access.RoleAgent, "en")
	before := len(lf.queueCalls)
	var burst []feed.Change
	for i := range 40 {
		burst = append(burst, feed.Change{Kind: feed.Ticket, Ticket: int64(i%5 + 1)})
	}
	deliver(t, m, burst...)
	// One reload: the pages in view, once.
	if got := len(lf.queueCalls) - before; got != 1 {
		t.Fatalf("%d queue calls for one burst", got)
	}
}

func TestBoardFollowsTheFeed(t *testing.T) {
	t.Parallel()
	lf := newLiveFake()
	m := liveModel(t, lf, access.RoleSupervisor, "en")
	drain(m, send(m, "b"))
	if _, ok := m.active().(*boardPage); !ok {
		t.Fatalf("active %T", m.active())
	}
	_, boards, _ := lf.calls()
	deliver(t, m, feed.Change{Kind: feed.Presence, Ticket: 1})
	if _, n, _ := lf.calls(); n != boards {
		t.Fatal("presence reloaded the board")
	}
	deliver(t, m, feed.Change{Kind: feed.Queues})
	if _, n, _ := lf.calls(); n != boards+1 {
		t.Fatalf("board loads %d, want %d", n, boards+1)
	}
}

func TestTicketFollowsTheFeedAndSetsPresence(t *testing.T) {
	t.Parallel()
	lf := newLiveFake()
	m := liveModel(t, lf, access.RoleAgent, "en")
	tp := openTicket(t, m, 0)
	id := tp.ticketID
	_, _, ps := lf.calls()
	if want := []string{itoa(id) + " viewing"}; !slices.Equal(ps, want) {
		t.Fatalf("presence on open %v, want %v", ps, want)
	}
	tickets, _, _ := lf.calls()
	deliver(t, m, feed.Change{Kind: feed.Ticket, Ticket: id + 1000})
	if n, _, _ := lf.calls(); n != tickets {
		t.Fatal("another ticket's notice reloaded this one")
	}
	deliver(t, m, feed.Change{Kind: feed.Ticket, Ticket: id})
	if n, _, _ := lf.calls(); n != tickets+1 {
		t.Fatal("the ticket's notice did not reload it")
	}

	// Someone else opens it: the presence notice asks for the list only.
	lf.mu.Lock()
	lf.here[id] = []presence.Viewer{{AgentID: "agent-2", Name: "Ana Agent", State: presence.Replying}}
	lf.mu.Unlock()
	deliver(t, m, feed.Change{Kind: feed.Presence, Ticket: id})
	if n, _, _ := lf.calls(); n != tickets+1 {
		t.Fatal("a presence notice reloaded the whole ticket")
	}
	if !strings.Contains(m.View(), "Ana Agent is replying") {
		t.Fatalf("no presence line:\n%s", m.View())
	}

	// The reply composer says replying; leaving it empty, viewing again;
	// leaving the ticket, left.
	drain(m, send(m, "r"))
	drain(m, send(m, "esc"))
	drain(m, send(m, "esc"))
	if _, ok := m.active().(*queuePage); !ok {
		t.Fatalf("active %T after esc esc", m.active())
	}
	_, _, ps = lf.calls()
	want := []string{"viewing", "viewing", "replying", "viewing", "left"}
	var got []string
	for _, p := range ps {
		got = append(got, strings.TrimPrefix(p, itoa(id)+" "))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("presence %v, want %v", got, want)
	}
}

func TestPresenceLineInEveryLanguage(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string][]string{
		"en": {"Ana Agent is replying", "Bob Ng is viewing"},
		"es": {"Ana Agent está respondiendo", "Bob Ng la está viendo"},
		"fr": {"Ana Agent est en train de répondre", "Bob Ng la consulte"},
	} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			lf := newLiveFake()
			m := liveModel(t, lf, access.RoleAgent, lang)
			first, _ := m.queue.item(0)
			lf.here[first.ID] = []presence.Viewer{
				{AgentID: "a", Name: "Ana Agent", State: presence.Replying},
				{AgentID: "b", Name: "Bob Ng\x1b[31m", State: presence.Viewing},
			}
			openTicket(t, m, 0)
			view := m.View()
			for _, w := range want {
				if !strings.Contains(view, w) {
					t.Errorf("%s: no %q in\n%s", lang, w, view)
				}
			}
			if strings.Contains(view, "\x1b[31m") {
				t.Error("a name's escape reached the terminal")
			}
		})
	}
}

// Without a feed the console works as before: no subscription, no
// presence, the periodic refresh.
func TestNoFeedNoLive(t *testing.T) {
	t.Parallel()
	m := ticketModel(t, newFakeTickets(), access.RoleAgent, "en", 120, 36)
	if m.c.live != nil || m.feed.ch != nil {
		t.Fatal("a feed without Live")
	}
	tp := openTicket(t, m, 0)
	if tp.sent != "" || tp.leave() != nil {
		t.Fatal("presence without Live")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestWaitChanges(t *testing.T) {
	t.Parallel()
	f := feed.NewMemory()
	ch, cancel := f.Subscribe(context.Background())
	f.Publish(feed.Change{Kind: feed.Ticket, Ticket: 1}, feed.Change{Kind: feed.Held})
	msg := waitChanges(ch, 7)().(changesMsg)
	if msg.gen != 7 || len(msg.changes) != 2 || msg.closed {
		t.Fatalf("%+v", msg)
	}
	cancel()
	if msg := waitChanges(ch, 7)().(changesMsg); !msg.closed {
		t.Fatalf("after cancel %+v", msg)
	}
	// The root drops a closed feed's answers and stops waiting.
	lf := newLiveFake()
	m := liveModel(t, lf, access.RoleAgent, "en")
	gen := m.feed.gen
	if _, cmd := m.Update(changesMsg{gen: gen, closed: true}); cmd != nil || m.feed.ch != nil {
		t.Fatal("still following a closed feed")
	}
	if _, cmd := m.Update(changesMsg{gen: gen, changes: []feed.Change{{Kind: feed.Queues}}}); cmd != nil {
		t.Fatal("a stale subscription's notice was taken")
	}
	// Signing out ends the subscription.
	m2 := liveModel(t, lf, access.RoleAgent, "en")
	drain(m2, send(m2, "ctrl+x"))
	if m2.c.agent == nil && lf.feed.Subscribers() > 1 {
		t.Fatalf("%d subscribers after sign-out", lf.feed.Subscribers())
	}
}

// Signing out leaves the open ticket first, in the same command, so the
// session still stands when core hears it.
func TestSignOutLeavesTheTicketFirst(t *testing.T) {
	t.Parallel()
	lf := newLiveFake()
	m := liveModel(t, lf, access.RoleAgent, "en")
	tp := openTicket(t, m, 0)
	cmd := send(m, "ctrl+x")
	if m.c.agent != nil {
		t.Fatal("still signed in")
	}
	_, _, ps := lf.calls()
	if len(ps) == 0 || strings.HasSuffix(ps[len(ps)-1], "left") {
		t.Fatalf("left before the command ran: %v", ps)
	}
	drain(m, cmd)
	_, _, ps = lf.calls()
	if want := itoa(tp.ticketID) + " left"; ps[len(ps)-1] != want || slices.Index(ps, want) != len(ps)-1 {
		t.Fatalf("presences %v, want one %q at the end", ps, want)
	}
}

// A ticket that another agent took out of this agent's reach no longer
// reloads: the screen says the ticket shown is stale, and drops who was on
// it, instead of showing the old state as current.
func TestTicketThatCannotReloadSaysItIsStale(t *testing.T) {
	t.Parallel()
	lf := newLiveFake()
	m := liveModel(t, lf, access.RoleAgent, "en")
	tp := openTicket(t, m, 0)
	id := tp.ticketID
	lf.mu.Lock()
	lf.here[id] = []presence.Viewer{{AgentID: "agent-2", Name: "Ana Agent", State: presence.Replying}}
	lf.mu.Unlock()
	deliver(t, m, feed.Change{Kind: feed.Ticket, Ticket: id})
	if !strings.Contains(m.View(), "Ana Agent is replying") {
		t.Fatalf("no presence line:\n%s", m.View())
	}
	height := lipgloss.Height(m.View())
	lf.mu.Lock()
	lf.refuse = fault.New(fault.CodeNotPermitted)
	lf.mu.Unlock()
	deliver(t, m, feed.Change{Kind: feed.Ticket, Ticket: id})
	v := m.View()
	if !strings.Contains(v, "This ticket changed and could not be reloaded") || strings.Contains(v, "Ana Agent is replying") {
		t.Fatalf("after a refused reload:\n%s", v)
	}
	if h := lipgloss.Height(v); h != height {
		t.Errorf("the screen is %d lines, was %d", h, height)
	}
}
