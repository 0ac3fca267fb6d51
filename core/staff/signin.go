package staff

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// The kinds of session.
const (
	KindTTY = "tty" // a local console
	KindSSH = "ssh" // a console served over SSH: the key is one factor
)

// Agent sign-in limits: 5 failures lock the agent for 15 minutes.
const (
	agentMaxFailures = 5
	agentLockout     = 15 * time.Minute
)

// AgentAAD binds an agent's sealed email and TOTP seed to the agent.
func AgentAAD(agentID, field string) []byte { return []byte("agent:" + field + ":" + agentID) }

// SignedIn is a session core issued: the token to pass back on every call,
// and what the console shows of the agent. Role, Languages and Agencies
// are for display and for asking access.Can; core re-reads them from the
// agent's record on every call.
type SignedIn struct {
	Token       Token
	SessionID   string
	AgentID     string
	DisplayName string
	Role        access.Role
	Languages   []string
	Agencies    []string
	UILanguage  string
	ExpiresAt   time.Time // the 12-hour limit
}

// Can asks the permission matrix on the signed-in role, for the console
// to hide what core would refuse anyway.
func (s SignedIn) Can(act access.Action, sc access.Scope) bool { return access.Can(s.Role, act, sc) }

// SignIn checks an agent's email, password and TOTP code (no replay) and
// opens a session of kind ("tty", "ssh").
func (s *Staff) SignIn(ctx context.Context, email, password, code, kind string) (SignedIn, error) {
	now := s.clock.Now()
	norm, nerr := account.NormalizeEmail(email)
	var ag access.Agent
	known := false
	if nerr == nil {
		err := s.st.Read(ctx, func(r store.Reader) error {
			var err error
			ag, err = r.AgentByEmail(ctx, s.keys.Fingerprint("agent_email", norm))
			known = err == nil
			if fault.CodeOf(err) == fault.CodeNotFound {
				return nil
			}
			return err
		})
		if err != nil {
			return SignedIn{}, err
		}
	}
	if known && !ag.DisabledAt.IsZero() {
		known = false
	}
	if known && now.Before(ag.LockedUntil) {
		return SignedIn{}, &fault.Error{Code: fault.CodeLocked, Until: ag.LockedUntil}
	}
	hash := s.dummy
	if known {
		hash = ag.PasswordHash
	}
	pwOK, err := secretVerify(password, hash)
	if err != nil {
		return SignedIn{}, err
	}
	if !known {
		return SignedIn{}, fault.ErrBadCredentials
	}
	var out SignedIn
	var outcome error
	err = s.st.Write(ctx, func(tx store.Tx) error {
		cur, err := tx.Agent(ctx, ag.ID)
		if err != nil {
			return err
		}
		out, outcome, err = s.openSession(ctx, tx, cur, pwOK, code, kind, "agent.sign_in", now)
		return err
	})
	if err != nil {
		return SignedIn{}, err
	}
	return out, outcome
}

// openSession checks the TOTP code (after a password or a key, as pwOK
// says) and, when it passes, opens a session of kind for cur. outcome is
// the refusal, audited as action+"_failed"; err is a storage error.
func (s *Staff) openSession(ctx context.Context, tx store.Tx, cur access.Agent, pwOK bool, code, kind, action string,
	now time.Time) (out SignedIn, outcome, err error) {
	sessionID := uuid.NewString()
	if outcome = s.checkSecondStep(ctx, tx, &cur, pwOK, code, now, cur.Actor(sessionID), action); outcome != nil {
		return SignedIn{}, outcome, nil
	}
	tok, h := newToken()
	if err := tx.InsertStaffSession(ctx, store.StaffSession{ID: sessionID, TokenHash: h, AgentID: cur.ID, Kind: kind,
		CreatedAt: now, ActiveAt: now}); err != nil {
		return SignedIn{}, nil, err
	}
	return SignedIn{Token: tok, SessionID: sessionID, AgentID: cur.ID, DisplayName: cur.DisplayName, Role: cur.Role,
		Languages: cur.Languages, Agencies: cur.Agencies, UILanguage: cur.UILanguage, ExpiresAt: now.Add(s.limits.Max)}, nil, nil
}

// checkSecondStep finishes a password check with the TOTP code, counts a
// failure towards the agent's lock-out, and audits the outcome as action
// or action+"_failed". It returns the refusal, or nil once cur is stored.
func (s *Staff) checkSecondStep(ctx context.Context, tx store.Tx, cur *access.Agent, pwOK bool, code string, now time.Time,
	actor access.Actor, action string) error {
	ok := pwOK
	var outcome error
	if ok {
		seed, err := s.keys.Open(cur.TOTPSealed, AgentAAD(cur.ID, "totp"))
		if err != nil {
			return fault.Storage(err)
		}
		step, match := authn.MatchTOTP(string(seed), strings.TrimSpace(code), now)
		switch {
		case !match:
			ok = false
		case step <= cur.TOTPLastStep:
			ok, outcome = false, fault.New(fault.CodeCodeReused)
		default:
			cur.TOTPLastStep = step
		}
	}
	if ok {
		cur.FailedSignIn, cur.LockedUntil = 0, time.Time{}
		if err := tx.UpdateAgent(ctx, *cur); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, action, "agent", cur.ID, ""))
	}
	if outcome == nil {
		outcome = fault.ErrBadCredentials
	}
	cur.FailedSignIn++
	if cur.FailedSignIn >= agentMaxFailures {
		cur.FailedSignIn, cur.LockedUntil = 0, now.Add(agentLockout)
	}
	if err := tx.UpdateAgent(ctx, *cur); err != nil {
		return err
	}
	if err := tx.AppendAudit(ctx, audit.Record(actor, now, action+"_failed", "agent", cur.ID, "")); err != nil {
		return err
	}
	return outcome
}

// Unlock re-authenticates an idle-locked session with the agent's password
// and TOTP code; the session keeps its screen and its 12-hour limit. Over
// SSH the key already proved possession, so the code alone unlocks.
func (s *Staff) Unlock(ctx context.Context, tok Token, password, code string) error {
	var ss store.StaffSession
	var ag access.Agent
	err := s.st.Read(ctx, func(r store.Reader) error {
		var ref *refusal
		_, ss, ref = s.resolve(ctx, r, tok, s.clock.Now(), true)
		if ref != nil {
			return ref.err
		}
		var err error
		ag, err = r.Agent(ctx, ss.AgentID)
		return err
	})
	if err != nil {
		return err
	}
	pwOK := true
	if ss.Kind != KindSSH {
		var err error
		if pwOK, err = secretVerify(password, ag.PasswordHash); err != nil {
			return err
		}
	}
	var outcome error
	err = s.st.Write(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		actor, ss, ref := s.resolve(ctx, tx, tok, now, true)
		if ref != nil {
			outcome = ref.err
			return nil
		}
		cur, err := tx.Agent(ctx, actor.ID)
		if err != nil {
			return err
		}
		if outcome = s.checkSecondStep(ctx, tx, &cur, pwOK, code, now, actor, "session.unlock"); outcome != nil {
			return nil
		}
		return tx.TouchStaffSession(ctx, ss.ID, now)
	})
	if err != nil {
		return err
	}
	return outcome
}

// Touch records the agent's activity (keys pressed), which holds the idle
// lock off. Background refreshes do not call it.
func (s *Staff) Touch(ctx context.Context, tok Token) error {
	return s.Write(ctx, tok, func(store.Tx, access.Actor, time.Time) error { return nil })
}

// SignOut ends the session. It works on an idle-locked session too.
func (s *Staff) SignOut(ctx context.Context, tok Token) error {
	return s.st.Write(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		actor, ss, ref := s.resolve(ctx, tx, tok, now, true)
		if ref != nil {
			return nil // already over: nothing to end
		}
		if ss.ID == "" {
			return nil // an operator token ends with its process
		}
		if err := tx.EndStaffSession(ctx, ss.ID, now, endSignOut); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "session.sign_out", "session", ss.ID, ""))
	})
}

// Whoami resolves the token, for a front end that wants to know whether its
// session still stands (the idle lock, the 12-hour limit, a disabled agent).
func (s *Staff) Whoami(ctx context.Context, tok Token) (access.Actor, error) {
	var out access.Actor
	err := s.Read(ctx, tok, func(_ store.Reader, a access.Actor, _ time.Time) error {
		out = a
		return nil
	})
	return out, err
}
