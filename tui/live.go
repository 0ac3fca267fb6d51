package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/feed"
	"supportdesk/core/presence"
	"supportdesk/core/staff"
)

// Live updates: once signed in, the root model follows the change feed.
// A command waits on the subscription's channel and returns what came as
// a changesMsg; the root gathers notices for liveDebounce (one reload for
// a burst), then hands them to the screen in view, which reloads if they
// concern it. Screens under it reload when they come back into view, as
// they always did; behind the idle lock nothing reloads (the unlock
// does). Without a feed the screens' own periodic refresh goes on alone.

// liveDebounce is how long notices gather before the screen reloads: a
// bulk reassignment or a burst of mail is one reload, not fifty.
const liveDebounce = 100 * time.Millisecond

// liveBatch bounds the notices one changesMsg carries.
const liveBatch = 256

// follow is the root's subscription.
type follow struct {
	gen     int // bumped when a subscription starts or ends: older answers are dropped
	ch      <-chan feed.Change
	cancel  func()
	pending []feed.Change // gathered until the flush
	waiting bool          // a flush is on its way
}

// changesMsg carries the notices that came on subscription gen; closed
// says the channel closed (the feed went away): the periodic refresh
// carries on alone.
type changesMsg struct {
	gen     int
	changes []feed.Change
	closed  bool
}

// liveFlushMsg ends a debounce window.
type liveFlushMsg struct{ gen int }

// follower is a screen that reloads on notices that concern it.
type follower interface {
	follow(changes []feed.Change) tea.Cmd
}

// leaver is a screen that tells core when it closes (presence).
type leaver interface {
	leave() tea.Cmd
}

// liveOf is the session's feed: Options.Live, else the ticket backend
// when it offers one.
func liveOf(opts Options) Live {
	if opts.Live != nil {
		return opts.Live
	}
	l, _ := opts.Tickets.(Live)
	return l
}

// startFeed subscribes for the signed-in session; its context ends the
// subscription with the session.
func (m *model) startFeed() tea.Cmd {
	c := m.c
	if c.live == nil || c.tickets == nil {
		return nil
	}
	m.stopFeed()
	ch, cancel := c.live.Changes(c.ctx)
	m.feed.ch, m.feed.cancel = ch, cancel
	return waitChanges(ch, m.feed.gen)
}

// stopFeed ends the subscription, if any, and drops what it gathered.
func (m *model) stopFeed() {
	if m.feed.cancel != nil {
		m.feed.cancel()
	}
	m.feed = follow{gen: m.feed.gen + 1}
}

// waitChanges waits for the next notices on ch, taking what is already
// there with the first.
func waitChanges(ch <-chan feed.Change, gen int) tea.Cmd {
	return func() tea.Msg {
		first, ok := <-ch
		if !ok {
			return changesMsg{gen: gen, closed: true}
		}
		out := []feed.Change{first}
		for len(out) < liveBatch {
			select {
			case c, ok := <-ch:
				if !ok {
					return changesMsg{gen: gen, changes: out}
				}
				out = append(out, c)
			default:
				return changesMsg{gen: gen, changes: out}
			}
		}
		return changesMsg{gen: gen, changes: out}
	}
}

// changes gathers notices, starts the debounce window if none is open,
// and waits for more. After the channel closes nothing waits any more.
func (m *model) changes(msg changesMsg) tea.Cmd {
	if msg.gen != m.feed.gen || m.feed.cancel == nil {
		return nil
	}
	if msg.closed {
		m.stopFeed()
		return nil
	}
	m.feed.pending = append(m.feed.pending, msg.changes...)
	next := m.rewait()
	if m.feed.waiting {
		return next
	}
	m.feed.waiting = true
	gen := m.feed.gen
	flush := tea.Tick(liveDebounce, func(time.Time) tea.Msg { return liveFlushMsg{gen: gen} })
	return tea.Batch(next, flush)
}

// rewait is the next wait on the subscription the root holds.
func (m *model) rewait() tea.Cmd {
	if m.feed.ch == nil {
		return nil
	}
	return waitChanges(m.feed.ch, m.feed.gen)
}

// flush hands the gathered notices to the screen in view, unless the lock
// is up (the unlock reloads the screen anyway).
func (m *model) flush(msg liveFlushMsg) tea.Cmd {
	if msg.gen != m.feed.gen {
		return nil
	}
	changes := feed.Dedup(m.feed.pending)
	m.feed.pending, m.feed.waiting = nil, false
	if m.c.locked || m.c.agent == nil || len(changes) == 0 {
		return nil
	}
	if f, ok := m.active().(follower); ok {
		return f.follow(changes)
	}
	return nil
}

// leave is what a screen sends as it closes; nil for most screens.
func leave(p page) tea.Cmd {
	if l, ok := p.(leaver); ok {
		return l.leave()
	}
	return nil
}

// leavingThen leaves every open ticket in core and then runs next, in
// one command: a sign-out must not end the session before its tickets
// are left, or the others would see this agent until the entries lapse.
func (m *model) leavingThen(next tea.Cmd) tea.Cmd {
	c := m.c
	if c.live == nil || c.agent == nil {
		return next
	}
	var ids []int64
	for _, p := range m.stack {
		if tp, ok := p.(*ticketPage); ok && tp.sent != "" && tp.sent != presence.Left {
			tp.sent = presence.Left
			ids = append(ids, tp.ticketID)
		}
	}
	if len(ids) == 0 {
		return next
	}
	live, tok := c.live, c.token()
	return func() tea.Msg {
		for _, id := range ids {
			_ = leaveCmd(c.base, live, tok, id)()
		}
		return next()
	}
}

// leaveAll closes every screen of a session that ends.
func (m *model) leaveAll() tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range m.stack {
		cmds = append(cmds, leave(p))
	}
	return tea.Batch(cmds...)
}

// concerns reports whether changes ask a list to reload: a notice of one
// of kinds, or a Resync.
func concerns(changes []feed.Change, kinds ...feed.Kind) bool {
	for _, c := range changes {
		if c.Kind == feed.Resync {
			return true
		}
		for _, k := range kinds {
			if c.Kind == k {
				return true
			}
		}
	}
	return false
}

// presenceMsg answers a presence call: the other agents on the ticket.
type presenceMsg struct {
	to     int
	others []presence.Viewer
	err    error
}

func (m presenceMsg) addressedTo() int { return m.to }
func (m presenceMsg) callErr() error   { return m.err }

// presenceTickMsg asks a ticket page to set its presence again before the
// entry lapses.
type presenceTickMsg struct{ to int }

func (m presenceTickMsg) addressedTo() int { return m.to }

func presenceTickCmd(ctx context.Context, to int) tea.Cmd {
	return tickIn(ctx, presence.Refresh, func(time.Time) tea.Msg { return presenceTickMsg{to: to} })
}

func presenceCmd(ctx context.Context, l Live, tok staff.Token, id int64, st presence.State, to int) tea.Cmd {
	return func() tea.Msg {
		others, err := call(ctx, func(ctx context.Context) ([]presence.Viewer, error) {
			return l.SetPresence(ctx, tok, id, st)
		})
		return presenceMsg{to: to, others: others, err: err}
	}
}

// leaveCmd tells core a ticket closed in this console. Nobody waits for
// the answer: if it fails the entry lapses on its own.
func leaveCmd(ctx context.Context, l Live, tok staff.Token, id int64) tea.Cmd {
	return func() tea.Msg {
		_, _ = call(ctx, func(ctx context.Context) ([]presence.Viewer, error) {
			return l.SetPresence(ctx, tok, id, presence.Left)
		})
		return nil
	}
}
