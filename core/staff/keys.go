package staff

import (
	"context"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// An agent's SSH key is one factor, something the agent has: the SSH
// server admits only registered keys, and the console then asks for the
// agent's TOTP code before it opens a session (SignInByKey).

// MaxKeyLine bounds an authorized_keys line; an RSA 16384-bit key is
// under 3 KB.
const MaxKeyLine = 8 << 10

// ParseKey reads one public key in authorized_keys form (a comment and
// options are allowed and dropped) and returns it with its SHA-256
// fingerprint.
func ParseKey(line string) (ssh.PublicKey, string, error) {
	bad := fault.Invalid("key", fault.CodeInvalidInput)
	if len(line) > MaxKeyLine {
		return nil, "", bad
	}
	pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(line)))
	if err != nil {
		return nil, "", bad
	}
	return pk, ssh.FingerprintSHA256(pk), nil
}

// AddKey registers an SSH public key (authorized_keys form) to the agent
// with email; it returns the key's fingerprint. A key registered already,
// to anyone, is refused: a key names one agent.
func (s *Staff) AddKey(ctx context.Context, tok Token, email, line string) (string, error) {
	pk, fp, err := ParseKey(line)
	if err != nil {
		return "", err
	}
	norm, err := account.NormalizeEmail(email)
	if err != nil {
		return "", err
	}
	err = s.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		ag, err := s.managedAgent(ctx, tx, actor, norm)
		if err != nil {
			return err
		}
		if !ag.DisabledAt.IsZero() {
			return fault.Invalid("email", fault.CodeConflict)
		}
		key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
		if err := tx.InsertAgentKey(ctx, store.AgentKey{Fingerprint: fp, AgentID: ag.ID, PublicKey: key, CreatedAt: now,
			CreatedBy: actor.ID}); err != nil {
			if fault.CodeOf(err) == fault.CodeConflict {
				return fault.Invalid("key", fault.CodeConflict)
			}
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.key_add", "agent", ag.ID, "key="+fp))
	})
	return fp, err
}

// RemoveKey drops a registered key, named by its authorized_keys line or
// its fingerprint, from the agent with email. The agent's live sessions
// end (refused on their next call): a key is removed when it is lost.
func (s *Staff) RemoveKey(ctx context.Context, tok Token, email, keyOrFingerprint string) (int, error) {
	fp := strings.TrimSpace(keyOrFingerprint)
	if !strings.HasPrefix(fp, "SHA256:") {
		var err error
		if _, fp, err = ParseKey(fp); err != nil {
			return 0, err
		}
	}
	norm, err := account.NormalizeEmail(email)
	if err != nil {
		return 0, err
	}
	id, emailFP, err := s.targetID(ctx, norm)
	if err != nil {
		return 0, err
	}
	ended := 0
	err = s.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := Check(actor, access.ActManageAgents, access.ScopeGlobal, "agent", ""); err != nil {
			return err
		}
		// Sessions first, then the agent (endThenLock); a key that is not
		// the agent's undoes it all.
		var ag access.Agent
		if ag, ended, err = endThenLock(ctx, tx, id, emailFP, now, endKeyRemoved); err != nil {
			return err
		}
		k, err := tx.AgentKey(ctx, fp)
		if err != nil || k.AgentID != ag.ID {
			return fault.Invalid("key", fault.CodeNotFound)
		}
		if err := tx.DeleteAgentKey(ctx, fp); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.key_remove", "agent", ag.ID, "key="+fp))
	})
	return ended, err
}

// KnownKey reports whether fingerprint is registered to an active agent:
// the SSH server's public-key check, before any screen shows. It changes
// nothing.
func (s *Staff) KnownKey(ctx context.Context, fingerprint string) bool {
	known := false
	s.st.Read(ctx, func(r store.Reader) error {
		k, err := r.AgentKey(ctx, fingerprint)
		if err != nil {
			return nil
		}
		ag, err := r.Agent(ctx, k.AgentID)
		known = err == nil && ag.DisabledAt.IsZero()
		return nil
	})
	return known
}

// SignInByKey opens an SSH session for the agent whose registered key has
// fingerprint, once its TOTP code checks (no replay; failures count
// towards the agent's lock-out, as at the password prompt). The key is
// re-read here: one removed since the connection opened is refused.
func (s *Staff) SignInByKey(ctx context.Context, fingerprint, code string) (SignedIn, error) {
	var out SignedIn
	var outcome error
	err := s.st.Write(ctx, func(tx store.Tx) error {
		now := s.clock.Now()
		out, outcome = SignedIn{}, nil
		k, err := tx.AgentKey(ctx, fingerprint)
		if fault.CodeOf(err) == fault.CodeNotFound {
			outcome = fault.ErrBadCredentials
			return nil
		}
		if err != nil {
			return err
		}
		cur, err := tx.Agent(ctx, k.AgentID)
		if err != nil {
			return err
		}
		if !cur.DisabledAt.IsZero() {
			outcome = fault.ErrBadCredentials
			return nil
		}
		if now.Before(cur.LockedUntil) {
			outcome = &fault.Error{Code: fault.CodeLocked, Until: cur.LockedUntil}
			return nil
		}
		out, outcome, err = s.openSession(ctx, tx, cur, true, code, KindSSH, "agent.sign_in_key", now)
		return err
	})
	if err != nil {
		return SignedIn{}, err
	}
	return out, outcome
}
