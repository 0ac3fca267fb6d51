package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// drain runs cmd and every command its messages lead to, as the runtime
// would, skipping ticks (they would wait) and quitting.
func drain(m *model, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < 1000; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg, ok := runQuick(c)
		if !ok {
			continue // a tick: it would wait
		}
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case nil, tea.QuitMsg, boardTickMsg, tickMsg:
			continue
		}
		_, next := m.Update(msg)
		queue = append(queue, next)
	}
}

// quickWait is how long runQuick gives a command. A timer (a tick) is
// given up on after it; a fake backend's answer must come within it even
// under -race on a loaded 2-core machine, where 100 ms was once too short
// (a dropped answer failed TestQuitKeys and TestLimiterResetRequest).
const quickWait = 250 * time.Millisecond

// runQuick runs cmd, giving up on commands that wait (tea.Tick) after
// quickWait; the abandoned goroutine ends when its timer fires.
func runQuick(cmd tea.Cmd) (tea.Msg, bool) {
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg, true
	case <-time.After(quickWait):
		return nil, false
	}
}

// signIn2 signs in and runs the commands that load the home screen.
func signIn2(t *testing.T, m *model) {
	t.Helper()
	typeText(m, fakeEmail)
	send(m, "tab")
	typeText(m, fakePassword)
	send(m, "tab")
	typeText(m, fakeCode)
	drain(m, send(m, "enter"))
	if m.c.agent == nil {
		t.Fatal("sign-in failed")
	}
}
