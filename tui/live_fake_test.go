package tui

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/feed"
	"supportdesk/core/helpdesk"
	"supportdesk/core/presence"
	"supportdesk/core/staff"
)

// liveFake is the ticket fake with a change feed (an in-process one) and
// presence: it implements Live, so the console follows it. Others on a
// ticket are whatever the test puts in here.
type liveFake struct {
	*fakeTickets
	feed *feed.Memory

	mu        sync.Mutex
	presences []string                    // "7 viewing", as the console set them
	here      map[int64][]presence.Viewer // the others core would answer
	tickets   int                         // Ticket calls
	boards    int                         // Board calls
	refuse    error                       // when set, Ticket fails with it
}

func newLiveFake() *liveFake {
	return &liveFake{fakeTickets: newFakeTickets(), feed: feed.NewMemory(), here: map[int64][]presence.Viewer{}}
}

func (f *liveFake) Changes(ctx context.Context) (<-chan feed.Change, func()) {
	return f.feed.Subscribe(ctx)
}

func (f *liveFake) SetPresence(_ context.Context, _ staff.Token, id int64, st presence.State) ([]presence.Viewer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presences = append(f.presences, fmt.Sprintf("%d %s", id, st))
	return f.here[id], nil
}

func (f *liveFake) Ticket(ctx context.Context, tok staff.Token, id int64) (helpdesk.TicketView, error) {
	f.mu.Lock()
	f.tickets++
	here, refuse := f.here[id], f.refuse
	f.mu.Unlock()
	if refuse != nil {
		return helpdesk.TicketView{}, refuse
	}
	v, err := f.fakeTickets.Ticket(ctx, tok, id)
	v.Present = here
	return v, err
}

func (f *liveFake) Board(ctx context.Context, tok staff.Token) (helpdesk.BoardView, error) {
	f.mu.Lock()
	f.boards++
	f.mu.Unlock()
	return f.fakeTickets.Board(ctx, tok)
}

// calls reads the counters and the presences set so far.
func (f *liveFake) calls() (tickets, boards int, presences []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tickets, f.boards, append([]string(nil), f.presences...)
}

// liveModel signs in to a console over lf as role, in lang.
func liveModel(t *testing.T, lf *liveFake, role access.Role, lang string) *model {
	t.Helper()
	f := newFake(lang)
	f.role = role
	opts := testOptions(f, lang)
	opts.Tickets = lf
	m := newTestModel(t, opts, 120, 36)
	signIn2(t, m)
	if m.feed.ch == nil {
		t.Fatal("the console did not subscribe to the feed")
	}
	return m
}

// deliver plays what the runtime would on notices: the wait returns
// them, then the debounce window closes. (The model's own wait may be
// running in a goroutine drain gave up on, so the test hands the notices
// over itself; TestWaitChanges covers the channel.)
func deliver(t *testing.T, m *model, changes ...feed.Change) {
	t.Helper()
	_, cmd := m.Update(changesMsg{gen: m.feed.gen, changes: changes})
	if cmd == nil {
		t.Fatal("no wait and no flush after notices")
	}
	_, cmd = m.Update(liveFlushMsg{gen: m.feed.gen})
	drain(m, cmd)
}
