package tui

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/access"
	"supportdesk/core/coretest"
	"supportdesk/core/helpdesk"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

var helpdeskFilter helpdesk.QueueFilter

// console is one session's model under a small Bubble Tea runtime: each
// command runs in its own goroutine, as the real runtime runs them, and
// its message comes back to the test goroutine, the only one that calls
// Update.
type console struct {
	m    *model
	msgs chan tea.Msg
}

func newConsole(t *testing.T, svc *service.Service, who coretest.Staff) *console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := newTestModel(t, Options{Backend: svc, Tickets: svc, Lang: "en", Now: svc.Clock.Now, Context: ctx}, 120, 36)
	c := &console{m: m, msgs: make(chan tea.Msg, 1024)}
	c.update(signedInMsg{agent: who.SignedIn}) // as the sign-in form would, with the session core issued
	return c
}

func (c *console) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		if msg := cmd(); msg != nil {
			c.msgs <- msg
		}
	}()
}

func (c *console) update(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, cmd := range msg {
			c.run(cmd)
		}
		return
	case tea.QuitMsg:
		return
	}
	_, cmd := c.m.Update(msg)
	c.run(cmd)
}

func (c *console) key(k string) { c.update(keyMsg(k)) }

// until runs both consoles until ok holds, and returns how long it took;
// the test fails after limit.
func until(t *testing.T, limit time.Duration, what string, ok func() bool, cs ...*console) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.After(limit)
	for !ok() {
		select {
		case msg := <-cs[0].msgs:
			cs[0].update(msg)
		case msg := <-cs[1].msgs:
			cs[1].update(msg)
		case <-deadline:
			t.Fatalf("%s: not within %s", what, limit)
		}
	}
	return time.Since(start)
}

// inQueue reports whether the console's queue lists ref.
func inQueue(c *console, ref string) bool {
	q := c.m.queue
	for i := 0; i < max(0, q.total); i++ {
		if it, ok := q.item(i); ok && it.Ref == ref {
			return true
		}
	}
	return false
}

// Two agents, two consoles, one core: what one does shows in the other's
// queue within a second, and each sees the other on a ticket they share.
func TestTwoConsolesSeeEachOthersChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end")
	}
	svc, _, _ := coretest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.Intake.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	ana := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", DisplayName: "Ana Agent", Role: access.RoleAgent, Languages: []string{"en"}})
	bob := coretest.AddStaff(t, svc, staff.NewAgent{Email: "bob@desk.example", DisplayName: "Bob Berg", Role: access.RoleAgent, Languages: []string{"en"}})
	a, b := newConsole(t, svc, ana), newConsole(t, svc, bob)
	until(t, 5*time.Second, "both queues load", func() bool { return a.m.queue.total == 0 && b.m.queue.total == 0 }, a, b)

	var lat []time.Duration
	// A form arrives: both queues list it.
	tk, _, err := svc.Intake.Submit(context.Background(), ticket.Form{Email: "req@example.com", Name: "Req", Language: "en",
		Category: "lost_mfa", Subject: "Lost my phone", Message: "Help"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	if qp, err := svc.Queue(context.Background(), ana.Token, helpdeskFilter, helpdesk.PageAt{}, 10); err != nil || qp.Total != 1 {
		t.Fatalf("Ana's queue in core: %d %v", qp.Total, err)
	}
	d := until(t, time.Second, "a new ticket in both queues", func() bool { return inQueue(a, tk.Ref) && inQueue(b, tk.Ref) }, a, b)
	lat = append(lat, d)
	t.Logf("intake → both queues: %s", d)

	// Both open it: each sees the other.
	a.key("enter")
	until(t, 2*time.Second, "Ana's ticket view", func() bool { tp, ok := a.m.active().(*ticketPage); return ok && tp.view != nil }, a, b)
	start := time.Now()
	b.key("enter")
	d = until(t, time.Second, "Ana sees Bob viewing", func() bool { return strings.Contains(a.m.View(), "Bob Berg is viewing") }, a, b)
	lat = append(lat, d)
	t.Logf("Bob opens → Ana sees him: %s", time.Since(start))
	until(t, time.Second, "Bob sees Ana viewing", func() bool { return strings.Contains(b.m.View(), "Ana Agent is viewing") }, a, b)
	start = time.Now()
	a.key("r")
	until(t, time.Second, "Bob sees Ana replying", func() bool { return strings.Contains(b.m.View(), "Ana Agent is replying") }, a, b)
	t.Logf("Ana opens the composer → Bob sees her replying: %s", time.Since(start))

	// Bob goes back to his queue; Ana answers. The reply assigns the
	// ticket to her, so it leaves Bob's queue.
	b.key("esc")
	until(t, time.Second, "Bob's queue", func() bool { _, ok := b.m.active().(*queuePage); return ok }, a, b)
	until(t, time.Second, "Ana no longer sees Bob", func() bool { return !strings.Contains(a.m.View(), "Bob Berg is viewing") }, a, b)
	for _, r := range "Follow these steps." {
		a.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	a.key("ctrl+s")
	a.key("y") // the preview asks before sending
	var sent time.Time
	until(t, 2*time.Second, "Ana's reply", func() bool {
		tp := a.m.active().(*ticketPage)
		if sent.IsZero() && tp.writing == "" && tp.mode == "" {
			sent = time.Now() // the answer is in: the write committed just before
		}
		return !sent.IsZero()
	}, a, b)
	until(t, time.Second, "the ticket leaves Bob's queue", func() bool { return !inQueue(b, tk.Ref) }, a, b)
	d = time.Since(sent)
	lat = append(lat, d)
	t.Logf("Ana's reply → gone from Bob's queue: %s", d)

	// And a supervisor's assignment back to Bob brings it to his queue.
	sup := coretest.AddStaff(t, svc, staff.NewAgent{Email: "sup@desk.example", Role: access.RoleSupervisor, Languages: []string{"en"}})
	v, err := svc.Ticket(context.Background(), sup.Token, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assign(context.Background(), sup.Token, tk.ID, v.Version, bob.AgentID); err != nil {
		t.Fatal(err)
	}
	d = until(t, time.Second, "the ticket back in Bob's queue", func() bool { return inQueue(b, tk.Ref) }, a, b)
	lat = append(lat, d)
	t.Logf("assignment → Bob's queue: %s", d)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("change → other console: max %s over %d changes", lat[len(lat)-1], len(lat))
}
