package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/fault"
	"supportdesk/core/staff"
	"supportdesk/i18n"
)

// The session's life in the console, all in the root model: sign-in, the
// idle lock, the activity core hears of, the refusals that end a session,
// and signing out.

// idleTickMsg asks whether the console has been idle long enough to lock;
// gen drops the ticks of a timer since replaced.
type idleTickMsg struct{ gen int }

// idleTickCmd checks again after the given time, read from the injected
// clock, so a test can move the clock and deliver the tick itself.
func idleTickCmd(ctx context.Context, gen int, after time.Duration) tea.Cmd {
	return tickIn(ctx, max(after, time.Second), func(time.Time) tea.Msg { return idleTickMsg{gen: gen} })
}

// drafter is a page that holds text the agent has not sent yet.
type drafter interface{ hasDraft() bool }

// signedIn opens the agent's home screen under a context of its own, which
// ends with the session, and starts the idle timer.
func (m *model) signedIn(agent staff.SignedIn) tea.Cmd {
	c := m.c
	c.agent = &agent
	c.ctx, c.cancel = context.WithCancel(c.base)
	now := c.now()
	c.lastKey, c.touched = now, now
	// A language chosen on the sign-in screen wins, and becomes the
	// profile's; otherwise the profile's language applies.
	var save tea.Cmd
	switch {
	case c.loc.Tag() == i18n.PseudoLanguage:
		// A review in the pseudo-locale stays in it, and is not saved.
	case m.langChosen && c.loc.Lang() != i18n.Normalize(agent.UILanguage):
		save = saveLangCmd(c.ctx, c.backend, c.token(), c.loc.Lang())
	case !m.langChosen && i18n.Supported(agent.UILanguage):
		c.setLang(agent.UILanguage) // the pseudo-locale too, for review
	}
	m.langChosen = false
	m.signIn.clearSecrets()
	m.lookup = newLookupPage(c)
	idle := m.armIdle()
	if c.worksTickets() {
		m.queue = newQueuePage(c)
		return tea.Batch(m.push(m.queue), idle, m.startFeed(), save)
	}
	m.lookup.home = true
	return tea.Batch(m.push(m.lookup), idle, save)
}

// armIdle starts a new idle timer from the last key.
func (m *model) armIdle() tea.Cmd {
	m.idleGen++
	return idleTickCmd(m.c.base, m.idleGen, m.c.idleLock-m.c.now().Sub(m.c.lastKey))
}

// idleTick locks the console once no key has come for the idle limit, or
// waits for the rest of it.
func (m *model) idleTick(msg idleTickMsg) tea.Cmd {
	c := m.c
	if msg.gen != m.idleGen || c.agent == nil || m.lock != nil {
		return nil
	}
	if left := c.idleLock - c.now().Sub(c.lastKey); left > 0 {
		return idleTickCmd(m.c.base, msg.gen, left)
	}
	m.lockUp(false)
	return nil
}

// keyPressed notes a key while the console is open and, at most once a
// minute, tells core from a command. Background refreshes never do.
func (m *model) keyPressed() tea.Cmd {
	c := m.c
	if c.agent == nil || m.lock != nil {
		return nil
	}
	now := c.now()
	c.lastKey = now
	if now.Sub(c.touched) < touchEvery {
		return nil
	}
	c.touched = now
	return touchCmd(c.ctx, c.backend, c.token())
}

// lockUp puts the lock screen over the stack. Nothing under it changes:
// pages, drafts and half-typed text wait for the unlock. byCore says core
// refused a call as idle-locked before the console's own timer ran out.
func (m *model) lockUp(byCore bool) {
	if m.lock != nil {
		return
	}
	m.lock = newLockPage(m.c, byCore)
	m.c.locked = true
	m.confirmOut = false
	m.help.ShowAll = false
	m.layout()
}

// unlocked takes the unlock's answer: the screen under the lock comes back
// as it was and reloads what may have changed; a refusal stays on the lock.
func (m *model) unlocked(msg unlockedMsg) tea.Cmd {
	if m.lock == nil {
		return nil
	}
	if msg.err != nil {
		m.lock.failed(msg.err)
		return nil
	}
	c := m.c
	m.lock = nil
	c.locked = false
	now := c.now()
	c.lastKey, c.touched = now, now // an unlock is activity to core too
	m.help.ShowAll = false
	m.layout()
	cmds := []tea.Cmd{m.armIdle()}
	if m.langLater {
		m.langLater = false
		cmds = append(cmds, saveLangCmd(c.ctx, c.backend, c.token(), c.loc.Lang()))
	}
	if r, ok := m.active().(reloader); ok {
		cmds = append(cmds, r.reload(false))
	}
	return tea.Batch(cmds...)
}

// sessionFault reads a core call's error for the session's state. An
// idle-locked session raises the lock (the page still sees its error); an
// expired, ended or disabled one goes back to the sign-in screen, and the
// answer goes no further.
func (m *model) sessionFault(err error) (tea.Cmd, bool) {
	if err == nil || m.c.agent == nil {
		return nil, false
	}
	switch fault.CodeOf(err) {
	case fault.CodeSessionLocked:
		m.lockUp(true)
	case fault.CodeSessionExpired, fault.CodeSessionEnded, fault.CodeAgentDisabled:
		return m.endSession(signInNotice{err: err}), true
	}
	return nil, false
}

// unsent reports whether signing out would drop text the agent wrote: a
// draft kept for a ticket, or text in an open composer or reason form.
func (m *model) unsent() bool {
	if len(m.c.drafts) > 0 {
		return true
	}
	for _, p := range m.open() {
		if d, ok := p.(drafter); ok && d.hasDraft() {
			return true
		}
	}
	return false
}

// signOut ends the session in core from a command and, without waiting,
// here: the token and every screen go.
func (m *model) signOut() tea.Cmd {
	c := m.c
	out := m.leavingThen(signOutCmd(c.base, c.backend, c.token()))
	return tea.Batch(out, m.endSession(signInNotice{id: "signout.done"}))
}

// endSession drops everything the session held (screens, drafts, the
// token), cancels its calls in flight and shows the sign-in screen with
// the reason: what comes next is a full sign-in.
func (m *model) endSession(n signInNotice) tea.Cmd {
	c := m.c
	left := m.leaveAll() // before the token goes; on the terminal's context
	m.stopFeed()
	c.cancel()
	c.ctx, c.cancel = c.base, func() {}
	c.agent = nil
	c.locked = false
	c.drafts = map[int64]draft{}
	clear(m.stack)
	m.stack, m.lookup, m.queue, m.lock = nil, nil, nil, nil
	m.confirmOut, m.langLater = false, false
	m.idleGen++ // the idle timer in flight finds nothing to lock
	m.help.ShowAll = false
	m.signIn.reset(n)
	m.layout()
	return tea.Batch(left, m.signIn.Init())
}
