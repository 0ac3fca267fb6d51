package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/desk"
	"supportdesk/core/dual"
	"supportdesk/core/staff"
)

// Every backend call runs in one of these commands and comes back as a typed
// message, so Update never waits on the store.

// callAnswer is a message that answers a core call made with the session's
// token. The root reads its error before any page does: a locked, expired
// or ended session is the session's business first.
type callAnswer interface{ callErr() error }

// signedInMsg reports a successful sign-in.
type signedInMsg struct{ agent staff.SignedIn }

// signInFailedMsg reports a refused or failed sign-in.
type signInFailedMsg struct{ err error }

// lookupDoneMsg carries an account read again by its UUID after an action
// that changed it, for the page to (its id); seq ties it to its request so
// a late answer is dropped.
type lookupDoneMsg struct {
	to, seq int
	view    desk.AccountView
	err     error
}

// langSavedMsg reports whether the agent's language was stored.
type langSavedMsg struct {
	lang string
	err  error
}

// touchedMsg answers a Touch: core heard the agent is active.
type touchedMsg struct{ err error }

// unlockedMsg answers an unlock attempt.
type unlockedMsg struct{ err error }

// signedOutMsg answers a sign-out. The console has already gone back to
// the sign-in screen; an error only says core could not record it.
type signedOutMsg struct{ err error }

// changeRequestedMsg answers a dual-control request made from an account
// panel (to is its owner page).
type changeRequestedMsg struct {
	to        int
	accountID string
	view      dual.View
	err       error
}

// requestsLoadedMsg carries the pending dual-control requests.
type requestsLoadedMsg struct {
	to, seq int
	items   []dual.View
	at      time.Time
	err     error
}

// decidedMsg answers an approval or a rejection.
type decidedMsg struct {
	to      int
	req     dual.View
	approve bool
	err     error
}

func (m lookupDoneMsg) callErr() error      { return m.err }
func (m lookupDoneMsg) addressedTo() int    { return m.to }
func (m langSavedMsg) callErr() error       { return m.err }
func (m touchedMsg) callErr() error         { return m.err }
func (m unlockedMsg) callErr() error        { return m.err }
func (m changeRequestedMsg) callErr() error { return m.err }
func (m requestsLoadedMsg) callErr() error  { return m.err }
func (m decidedMsg) callErr() error         { return m.err }

// tickMsg refreshes the demo TOTP codes.
type tickMsg time.Time

func signInCmd(ctx context.Context, b Backend, email, password, code, kind string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		s, err := b.SignIn(ctx, email, password, code, kind)
		if err != nil {
			return signInFailedMsg{err: err}
		}
		return signedInMsg{agent: s}
	}
}

// signInByKeyCmd signs in over SSH with the key's fingerprint and a TOTP
// code; the answers are SignIn's.
func signInByKeyCmd(ctx context.Context, b Backend, fingerprint, code string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		s, err := b.SignInByKey(ctx, fingerprint, code)
		if err != nil {
			return signInFailedMsg{err: err}
		}
		return signedInMsg{agent: s}
	}
}

// lookupCmd reads an account again by its UUID (the page holds it
// already: the caller was verified), after an action that changed it.
func lookupCmd(ctx context.Context, b Backend, tok staff.Token, accountID string, to, seq int) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (desk.AccountView, error) {
			return b.Lookup(ctx, tok, accountID)
		})
		return lookupDoneMsg{to: to, seq: seq, view: v, err: err}
	}
}

func saveLangCmd(ctx context.Context, b Backend, tok staff.Token, lang string) tea.Cmd {
	return func() tea.Msg {
		return langSavedMsg{lang: lang, err: do(ctx, func(ctx context.Context) error {
			return b.SetUILanguage(ctx, tok, lang)
		})}
	}
}

func unlockCmd(ctx context.Context, b Backend, tok staff.Token, password, code string) tea.Cmd {
	return func() tea.Msg {
		return unlockedMsg{err: do(ctx, func(ctx context.Context) error {
			return b.Unlock(ctx, tok, password, code)
		})}
	}
}

func touchCmd(ctx context.Context, b Backend, tok staff.Token) tea.Cmd {
	return func() tea.Msg {
		return touchedMsg{err: do(ctx, func(ctx context.Context) error { return b.Touch(ctx, tok) })}
	}
}

func signOutCmd(ctx context.Context, b Backend, tok staff.Token) tea.Cmd {
	return func() tea.Msg {
		return signedOutMsg{err: do(ctx, func(ctx context.Context) error { return b.SignOut(ctx, tok) })}
	}
}

func requestChangeCmd(ctx context.Context, b Backend, tok staff.Token, kind dual.Kind, accountID, reason string, to int) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (dual.View, error) {
			return b.RequestChange(ctx, tok, kind, accountID, reason)
		})
		return changeRequestedMsg{to: to, accountID: accountID, view: v, err: err}
	}
}

func pendingCmd(ctx context.Context, b Backend, tok staff.Token, now func() time.Time, to, seq int) tea.Cmd {
	return func() tea.Msg {
		items, err := call(ctx, func(ctx context.Context) ([]dual.View, error) {
			return b.PendingRequests(ctx, tok)
		})
		return requestsLoadedMsg{to: to, seq: seq, items: items, at: now(), err: err}
	}
}

func decideCmd(ctx context.Context, b Backend, tok staff.Token, req dual.View, approve bool, to int) tea.Cmd {
	return func() tea.Msg {
		err := do(ctx, func(ctx context.Context) error { return b.Decide(ctx, tok, req.ID, approve) })
		return decidedMsg{to: to, req: req, approve: approve, err: err}
	}
}

// do runs fn under the call timeout.
func do(ctx context.Context, fn func(context.Context) error) error {
	_, err := call(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}

// tickCmd schedules the next demo refresh, reading the injected clock so
// tests see a fixed code.
func tickCmd(ctx context.Context, now func() time.Time) tea.Cmd {
	return tickIn(ctx, time.Second, func(time.Time) tea.Msg { return tickMsg(now()) })
}

// tickIn is tea.Tick that gives up when ctx ends. bubbletea's Tick cannot
// be stopped: a console whose SSH session closed stayed in memory, model
// and renderer, until its longest tick fired (the idle lock's, up to 30
// minutes).
func tickIn(ctx context.Context, d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			return fn(now)
		}
	}
}
