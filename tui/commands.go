package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/access"
	"supportdesk/core/desk"
)

// Every backend call runs in one of these commands and comes back as a typed
// message, so Update never waits on the store.

// signedInMsg reports a successful sign-in.
type signedInMsg struct{ agent desk.SignedIn }

// signInFailedMsg reports a refused or failed sign-in.
type signInFailedMsg struct{ err error }

// lookupDoneMsg carries a look-up's result; seq ties it to its request so a
// late answer to an abandoned search is dropped.
type lookupDoneMsg struct {
	seq  int
	view desk.AccountView
	err  error
}

// langSavedMsg reports whether the agent's language was stored.
type langSavedMsg struct {
	lang string
	err  error
}

// tickMsg refreshes the demo TOTP codes.
type tickMsg time.Time

func signInCmd(ctx context.Context, b Backend, email, password, code, session string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		s, err := b.SignIn(ctx, email, password, code, session)
		if err != nil {
			return signInFailedMsg{err: err}
		}
		return signedInMsg{agent: s}
	}
}

func lookupCmd(ctx context.Context, b Backend, actor access.Actor, query string, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		v, err := b.Lookup(ctx, actor, query)
		return lookupDoneMsg{seq: seq, view: v, err: err}
	}
}

func saveLangCmd(ctx context.Context, b Backend, actor access.Actor, lang string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		return langSavedMsg{lang: lang, err: b.SetUILanguage(ctx, actor, lang)}
	}
}

// tickCmd schedules the next demo refresh, reading the injected clock so
// tests see a fixed code.
func tickCmd(now func() time.Time) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg(now()) })
}
