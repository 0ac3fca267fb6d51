package sshd

import (
	"context"
	"sync"

	"supportdesk/core/staff"
	"supportdesk/tui"
)

// watched is the console's backend with the session's token and language
// noted on the way through, for the watcher and the closing line. Every
// other call goes straight to the service.
type watched struct {
	tui.Backend
	mu   sync.Mutex
	tok  staff.Token
	lang string
}

func (w *watched) token() staff.Token {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tok
}

func (w *watched) language() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lang
}

func (w *watched) signedIn(si staff.SignedIn) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.tok, w.lang = si.Token, si.UILanguage
}

// SignInByKey notes the session it opens.
func (w *watched) SignInByKey(ctx context.Context, fingerprint, code string) (staff.SignedIn, error) {
	si, err := w.Backend.SignInByKey(ctx, fingerprint, code)
	if err == nil {
		w.signedIn(si)
	}
	return si, err
}

// SignIn notes the session it opens.
func (w *watched) SignIn(ctx context.Context, email, password, code, kind string) (staff.SignedIn, error) {
	si, err := w.Backend.SignIn(ctx, email, password, code, kind)
	if err == nil {
		w.signedIn(si)
	}
	return si, err
}

// SignOut forgets the token before core ends the session, so the watcher
// does not take the agent's own sign-out for an administrator's.
func (w *watched) SignOut(ctx context.Context, tok staff.Token) error {
	w.mu.Lock()
	if w.tok == tok {
		w.tok = ""
	}
	w.mu.Unlock()
	return w.Backend.SignOut(ctx, tok)
}

// SetUILanguage notes the language the agent chose.
func (w *watched) SetUILanguage(ctx context.Context, tok staff.Token, lang string) error {
	err := w.Backend.SetUILanguage(ctx, tok, lang)
	if err == nil {
		w.mu.Lock()
		w.lang = lang
		w.mu.Unlock()
	}
	return err
}
