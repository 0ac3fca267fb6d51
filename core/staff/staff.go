// Package staff is who works the desk: agent sign-in, the sessions core
// issues, and the agents themselves. Every other core operation takes the
// session's Token and resolves its actor here, inside its own transaction,
// re-checking on each call that the agent exists, is active and is not
// locked, and that the session is alive. Front ends never build an actor.
package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sync"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// Token is a session's bearer credential, issued by core at sign-in. It is
// opaque: front ends pass it back on every call.
type Token string

// Limits are how long a session lives.
type Limits struct {
	Idle time.Duration // no activity for this long locks the console
	Max  time.Duration // a full sign-in after this long, whatever the activity
}

// DefaultLimits: 30 minutes idle, 12 hours in all.
var DefaultLimits = Limits{Idle: 30 * time.Minute, Max: 12 * time.Hour}

// Staff signs agents in and resolves sessions to actors.
type Staff struct {
	st     store.Store
	keys   *secret.Keyring
	clock  clock.Clock
	argon  secret.Argon2Params
	dummy  string
	limits Limits

	mu        sync.Mutex
	operators map[string]access.Actor // process-local operator tokens, by hash
}

// New builds the staff side of the core.
func New(st store.Store, keys *secret.Keyring, c clock.Clock, p secret.Argon2Params, l Limits) (*Staff, error) {
	dummy, err := secret.HashPassword("dummy agent password", p)
	if err != nil {
		return nil, err
	}
	if l.Idle <= 0 {
		l.Idle = DefaultLimits.Idle
	}
	if l.Max <= 0 {
		l.Max = DefaultLimits.Max
	}
	return &Staff{st: st, keys: keys, clock: c, argon: p, dummy: dummy, limits: l, operators: map[string]access.Actor{}}, nil
}

// Limits returns the session limits in force.
func (s *Staff) Limits() Limits { return s.limits }

// newToken returns a fresh bearer token and the hash that is stored.
func newToken() (Token, []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	tok := Token(base64.RawURLEncoding.EncodeToString(b[:]))
	return tok, tokenHash(tok)
}

func tokenHash(t Token) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// Operator returns a token for the operator who runs a command: whoever
// holds the database and key file. It lives in this process only, so no
// other process (and no console) can present it; the audit trail names
// the OS user.
func (s *Staff) Operator(osUser string) Token {
	tok, h := newToken()
	s.mu.Lock()
	s.operators[string(h)] = access.Actor{ID: "cli:" + osUser, Role: access.RoleSystem, Session: "cli"}
	s.mu.Unlock()
	return tok
}

// Denial is a refusal an operation decided on the row it read: the
// transaction rolls back, and only the denial's audit entry is committed.
type Denial struct {
	Err        error
	Action     access.Action
	TargetType string
	TargetID   string
}

func (d *Denial) Error() string { return "denied " + string(d.Action) + ": " + d.Err.Error() }
func (d *Denial) Unwrap() error { return d.Err }

// Deny returns the refusal of act on a target, as fault.ErrNotPermitted
// unless err says otherwise (an agency desk's out-of-scope account is
// "not found", exactly as a missing one).
func Deny(act access.Action, targetType, targetID string, err error) error {
	if err == nil {
		err = &fault.Error{Code: fault.CodeNotPermitted, Limit: string(act)}
	}
	return &Denial{Err: err, Action: act, TargetType: targetType, TargetID: targetID}
}

// Check authorizes act in scope for a, as a Denial when refused.
func Check(a access.Actor, act access.Action, sc access.Scope, targetType, targetID string) error {
	if err := a.Authorize(act, sc); err != nil {
		return Deny(act, targetType, targetID, err)
	}
	return nil
}

// refusal is a session that did not resolve, with what the audit entry
// needs to name.
type refusal struct {
	err     error
	agentID string
	session store.StaffSession
	expired bool
}

// resolve turns a token into the actor, checking the session and the agent
// as stored now. idleOK lets an idle-locked session through (to unlock it
// or sign out).
func (s *Staff) resolve(ctx context.Context, r store.Reader, tok Token, now time.Time, idleOK bool) (access.Actor, store.StaffSession, *refusal) {
	if tok == "" {
		return access.Actor{}, store.StaffSession{}, &refusal{err: fault.New(fault.CodeSessionEnded)}
	}
	h := tokenHash(tok)
	s.mu.Lock()
	op, isOp := s.operators[string(h)]
	s.mu.Unlock()
	if isOp {
		return op, store.StaffSession{}, nil
	}
	ss, err := r.StaffSession(ctx, h)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return access.Actor{}, ss, &refusal{err: fault.New(fault.CodeSessionEnded)}
	}
	if err != nil {
		return access.Actor{}, ss, &refusal{err: err}
	}
	no := func(code fault.Code) (access.Actor, store.StaffSession, *refusal) {
		return access.Actor{}, ss, &refusal{err: fault.New(code), agentID: ss.AgentID, session: ss}
	}
	if !ss.EndedAt.IsZero() {
		if ss.EndReason == endDisabled {
			return no(fault.CodeAgentDisabled)
		}
		return no(fault.CodeSessionEnded)
	}
	if !now.Before(ss.CreatedAt.Add(s.limits.Max)) {
		a, ss, ref := no(fault.CodeSessionExpired)
		ref.expired = true
		return a, ss, ref
	}
	ag, err := r.Agent(ctx, ss.AgentID)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return no(fault.CodeSessionEnded)
	}
	if err != nil {
		return access.Actor{}, ss, &refusal{err: err}
	}
	if !ag.DisabledAt.IsZero() {
		return no(fault.CodeAgentDisabled)
	}
	if now.Before(ag.LockedUntil) {
		a, ss, ref := no(fault.CodeLocked)
		ref.err = &fault.Error{Code: fault.CodeLocked, Until: ag.LockedUntil}
		return a, ss, ref
	}
	if !idleOK && !now.Before(ss.ActiveAt.Add(s.limits.Idle)) {
		return no(fault.CodeSessionLocked)
	}
	return ag.Actor(ss.ID), ss, nil
}

// touchEvery is how stale a session's recorded activity may be; the idle
// lock may come this much early.
const touchEvery = 15 * time.Second

// The reasons a session ends.
const (
	endSignOut  = "sign_out"
	endExpired  = "expired"
	endDisabled = "agent_disabled"
	// endKeyRemoved ends every live session of an agent whose SSH key was
	// removed: a lost key is a security event, whichever factor a session used.
	endKeyRemoved = "key_removed"
)

// isStorage tells a backend failure from a refusal: failures are not
// audited as refusals, they are returned.
func isStorage(err error) bool { return fault.CodeOf(err) == fault.CodeStorage }

// attempt carries one call's outcome out of its transaction: the actor,
// and the refusal if there was one.
type attempt struct {
	actor access.Actor
	ref   *refusal
	den   *Denial
}

// enter resolves the token on r at the current time; a refused session is
// errRefused, its reason kept in at.
func (s *Staff) enter(ctx context.Context, r store.Reader, tok Token, at *attempt) (store.StaffSession, time.Time, error) {
	*at = attempt{}
	now := s.clock.Now()
	var ss store.StaffSession
	at.actor, ss, at.ref = s.resolve(ctx, r, tok, now, false)
	if at.ref != nil {
		return ss, now, errRefused
	}
	return ss, now, nil
}

// done turns a Denial fn returned into errRefused, keeping it in at.
func (at *attempt) done(err error) error {
	if errors.As(err, &at.den) {
		return errRefused
	}
	return err
}

// finish commits the audit entry of a refusal, or passes err on.
func (s *Staff) finish(ctx context.Context, at *attempt, err error) error {
	if !errors.Is(err, errRefused) {
		return err
	}
	return s.refused(ctx, at.actor, at.ref, at.den)
}

// Write runs fn in one write transaction as the token's actor, resolved and
// checked inside it, and records the activity. A refusal (the session's,
// or a Denial fn returns) rolls the transaction back and commits only the
// audit entry of the denial.
func (s *Staff) Write(ctx context.Context, tok Token, fn func(tx store.Tx, a access.Actor, now time.Time) error) error {
	var at attempt
	err := s.st.Write(ctx, func(tx store.Tx) error {
		ss, now, err := s.enter(ctx, tx, tok, &at)
		if err != nil {
			return err
		}
		// Activity is recorded to the nearest touchEvery: a busy agent's
		// calls do not each rewrite the session row.
		if ss.ID != "" && now.Sub(ss.ActiveAt) >= touchEvery {
			if err := tx.TouchStaffSession(ctx, ss.ID, now); err != nil {
				return err
			}
		}
		return at.done(fn(tx, at.actor, now))
	})
	return s.finish(ctx, &at, err)
}

// Read runs fn on a consistent snapshot as the token's actor. A refusal is
// audited in a write of its own.
func (s *Staff) Read(ctx context.Context, tok Token, fn func(r store.Reader, a access.Actor, now time.Time) error) error {
	var at attempt
	err := s.st.Read(ctx, func(r store.Reader) error {
		_, now, err := s.enter(ctx, r, tok, &at)
		if err != nil {
			return err
		}
		return at.done(fn(r, at.actor, now))
	})
	return s.finish(ctx, &at, err)
}

var errRefused = errors.New("refused")

// refused commits the audit entry of a refusal and returns its error.
func (s *Staff) refused(ctx context.Context, actor access.Actor, ref *refusal, den *Denial) error {
	if ref != nil && isStorage(ref.err) {
		return ref.err
	}
	err := s.st.Write(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		if ref != nil {
			a := access.Actor{ID: ref.agentID, Role: "unverified", Session: ref.session.ID}
			if a.ID == "" {
				a.ID = "unknown"
			}
			if ref.expired {
				if err := tx.EndStaffSession(ctx, ref.session.ID, now, endExpired); err != nil && fault.CodeOf(err) != fault.CodeNotFound {
					return err
				}
			}
			return tx.AppendAudit(ctx, audit.Record(a, now, "session.refused", "session", ref.session.ID,
				"code="+string(fault.CodeOf(ref.err))))
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "access.denied", den.TargetType, den.TargetID,
			"action="+string(den.Action)+" code="+string(fault.CodeOf(den.Err))))
	})
	if err != nil {
		return err
	}
	if ref != nil {
		return ref.err
	}
	return den.Err
}
