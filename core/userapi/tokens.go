package userapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"

	"supportdesk/core/authn"
	"supportdesk/core/fault"
)

// Token lifetimes: the core's own limits on a password step and a session.
const (
	PendingTTL = 15 * time.Minute
	SessionTTL = 12 * time.Hour
)

// MaxTokens bounds the process's token map; the per-address rate limit
// keeps it far below this in practice.
const MaxTokens = 100_000

// kind tells a password step from a full sign-in.
type kind int

const (
	kindPending kind = iota + 1
	kindSession
)

// grant is what a bearer token stands for.
type grant struct {
	kind    kind
	pending authn.Pending
	session authn.Session
	account string
	expires time.Time
}

// tokens maps SHA-256(token) to its grant: the token itself is never kept,
// so a dump of the process's memory yields no usable bearer.
type tokens struct {
	mu    sync.Mutex
	m     map[[sha256.Size]byte]grant
	swept time.Time
}

func newTokens() *tokens { return &tokens{m: map[[sha256.Size]byte]grant{}} }

// tokenBytes is the token's entropy.
const tokenBytes = 32

// issue stores g under a new random token and returns the token.
func (t *tokens) issue(g grant, now time.Time) (string, error) {
	var raw [tokenBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fault.Storage(err)
	}
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.m) >= MaxTokens || now.Sub(t.swept) > time.Minute {
		t.sweepLocked(now)
	}
	if len(t.m) >= MaxTokens {
		return "", fault.Storage(nil)
	}
	t.m[sha256.Sum256([]byte(tok))] = g
	return tok, nil
}

// lookup returns the live grant of tok; an expired one is dropped.
func (t *tokens) lookup(tok string, now time.Time) (grant, bool) {
	if tok == "" || len(tok) > 128 {
		return grant{}, false
	}
	key := sha256.Sum256([]byte(tok))
	t.mu.Lock()
	defer t.mu.Unlock()
	g, ok := t.m[key]
	if ok && !now.Before(g.expires) {
		delete(t.m, key)
		return grant{}, false
	}
	return g, ok
}

// revoke forgets tok.
func (t *tokens) revoke(tok string) {
	key := sha256.Sum256([]byte(tok))
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}

// revokeAccount forgets every token of an account (it was deleted).
func (t *tokens) revokeAccount(accountID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, g := range t.m {
		if g.account == accountID {
			delete(t.m, k)
		}
	}
}

func (t *tokens) sweepLocked(now time.Time) {
	for k, g := range t.m {
		if !now.Before(g.expires) {
			delete(t.m, k)
		}
	}
	t.swept = now
}
