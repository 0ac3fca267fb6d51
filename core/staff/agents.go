package staff

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/pquerna/otp/totp"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/safetext"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

func secretVerify(password, hash string) (bool, error) {
	ok, err := secret.VerifyPassword(password, hash)
	if err != nil {
		return false, fault.Storage(err)
	}
	return ok, nil
}

// MaxAgentName bounds an agent's display name, in characters; the name
// also follows the text policy for names (core/safetext).
const MaxAgentName = 80

// NewAgent is what `agent add` collects.
type NewAgent struct {
	Email       string
	DisplayName string
	Role        access.Role
	Languages   []string
	UILanguage  string
	Agencies    []string
	Password    string
}

// Provisioned is a new agent's TOTP enrolment: shown once.
type Provisioned struct {
	AgentID string
	URI     string // otpauth:// provisioning URI
	Secret  string
}

// check validates a new agent and returns its normalized email.
func (in *NewAgent) check() (string, error) {
	norm, err := account.NormalizeEmail(in.Email)
	if err != nil {
		return "", err
	}
	name := strings.TrimSpace(in.DisplayName)
	if name == "" || utf8.RuneCountInString(name) > MaxAgentName || !safetext.ValidLine(name) {
		return "", &fault.Error{Code: fault.CodeInvalidInput, Field: "name", Max: MaxAgentName}
	}
	if !in.Role.Valid() {
		return "", fault.Invalid("role", fault.CodeInvalidInput)
	}
	if in.UILanguage == "" {
		in.UILanguage = "en"
	}
	if !slices.Contains(account.Languages, in.UILanguage) {
		return "", fault.Invalid("language", fault.CodeInvalidInput)
	}
	if len(in.Languages) == 0 {
		in.Languages = []string{in.UILanguage}
	}
	for _, l := range in.Languages {
		if !slices.Contains(account.Languages, l) {
			return "", fault.Invalid("language", fault.CodeInvalidInput)
		}
	}
	if in.Role == access.RoleAgencyDesk && len(in.Agencies) == 0 {
		return "", fault.Invalid("agency", fault.CodeInvalidInput)
	}
	return norm, nil
}

// AddAgent creates an agent and its TOTP seed. Admins and the operator only.
func (s *Staff) AddAgent(ctx context.Context, tok Token, in NewAgent) (Provisioned, error) {
	norm, err := in.check()
	if err != nil {
		return Provisioned{}, err
	}
	if err := authn.CheckPassword(in.Password); err != nil {
		return Provisioned{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "supportdesk", AccountName: norm})
	if err != nil {
		return Provisioned{}, fault.Storage(err)
	}
	hash, err := secret.HashPassword(in.Password, s.argon)
	if err != nil {
		return Provisioned{}, fault.Storage(err)
	}
	p := Provisioned{AgentID: uuid.NewString(), URI: key.URL(), Secret: key.Secret()}
	return p, s.InsertAgent(ctx, tok, in, hash, p)
}

// InsertAgent stores an agent with a prepared password hash and seed; the
// seeder uses it to reuse one precomputed hash.
func (s *Staff) InsertAgent(ctx context.Context, tok Token, in NewAgent, hash string, p Provisioned) error {
	norm, err := in.check()
	if err != nil {
		return err
	}
	return s.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := Check(actor, access.ActManageAgents, access.ScopeGlobal, "agent", ""); err != nil {
			return err
		}
		ag := access.Agent{ID: p.AgentID, EmailSealed: s.keys.Seal([]byte(norm), AgentAAD(p.AgentID, "email")),
			EmailFP: s.keys.Fingerprint("agent_email", norm), DisplayName: strings.TrimSpace(in.DisplayName), Role: in.Role,
			Languages: in.Languages, UILanguage: in.UILanguage, Agencies: in.Agencies, PasswordHash: hash,
			TOTPSealed: s.keys.Seal([]byte(p.Secret), AgentAAD(p.AgentID, "totp")), CreatedAt: now}
		if err := tx.InsertAgent(ctx, ag); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.create", "agent", ag.ID,
			"role="+string(ag.Role)+" languages="+strings.Join(ag.Languages, ",")))
	})
}

// Disable disables the agent with the email and ends its live sessions:
// each is refused on its next call. It returns how many sessions ended.
func (s *Staff) Disable(ctx context.Context, tok Token, email string) (int, error) {
	norm, err := account.NormalizeEmail(email)
	if err != nil {
		return 0, err
	}
	id, fp, err := s.targetID(ctx, norm)
	if err != nil {
		return 0, err
	}
	ended := 0
	err = s.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := Check(actor, access.ActManageAgents, access.ScopeGlobal, "agent", ""); err != nil {
			return err
		}
		if id != "" && id == actor.ID {
			return Deny(access.ActManageAgents, "agent", id, nil) // an admin does not lock itself out
		}
		var ag access.Agent
		if ag, ended, err = endThenLock(ctx, tx, id, fp, now, endDisabled); err != nil {
			return err
		}
		if ag.DisabledAt.IsZero() {
			ag.DisabledAt = now
			if err := tx.UpdateAgent(ctx, ag); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.disable", "agent", ag.ID, ""))
	})
	return ended, err
}

// targetID reads, without a lock, the id of the agent with the normalized
// email ("" when there is none) and gives the email's fingerprint: what a
// write that ends the agent's sessions needs to lock them first
// (endThenLock).
func (s *Staff) targetID(ctx context.Context, norm string) (string, []byte, error) {
	fp := s.keys.Fingerprint("agent_email", norm)
	var id string
	err := s.st.Read(ctx, func(r store.Reader) error {
		ag, err := r.AgentByEmail(ctx, fp)
		if fault.CodeOf(err) == fault.CodeNotFound {
			return nil
		}
		id = ag.ID
		return err
	})
	return id, fp, err
}

// endThenLock ends the sessions of agent id and then reads (and, on
// PostgreSQL, locks) the agent with the email fingerprint fp: the order
// in which every staff call locks its own rows, session then agent. In
// the other order, ending an agent's sessions deadlocked with that
// agent's own call. An address that changed hands since id was read is
// a conflict: the caller tries again.
func endThenLock(ctx context.Context, tx store.Tx, id string, fp []byte, now time.Time, reason string) (access.Agent, int, error) {
	ended := 0
	if id != "" {
		var err error
		if ended, err = tx.EndAgentSessions(ctx, id, now, reason); err != nil {
			return access.Agent{}, 0, err
		}
	}
	ag, err := tx.AgentByEmail(ctx, fp)
	if err != nil {
		return ag, 0, err
	}
	if ag.ID != id {
		return ag, 0, fault.New(fault.CodeConflict)
	}
	return ag, ended, nil
}

// managedAgent authorizes agent management and reads the agent with the
// normalized email, in the caller's transaction.
func (s *Staff) managedAgent(ctx context.Context, tx store.Tx, actor access.Actor, norm string) (access.Agent, error) {
	if err := Check(actor, access.ActManageAgents, access.ScopeGlobal, "agent", ""); err != nil {
		return access.Agent{}, err
	}
	return tx.AgentByEmail(ctx, s.keys.Fingerprint("agent_email", norm))
}

// SetUILanguage stores the signed-in agent's console language.
func (s *Staff) SetUILanguage(ctx context.Context, tok Token, lang string) error {
	if !slices.Contains(account.Languages, lang) {
		return fault.Invalid("language", fault.CodeInvalidInput)
	}
	return s.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := Check(actor, access.ActSessionSelf, access.ScopeOwn, "agent", actor.ID); err != nil {
			return err
		}
		ag, err := tx.Agent(ctx, actor.ID)
		if err != nil {
			return err
		}
		ag.UILanguage = lang
		if err := tx.UpdateAgent(ctx, ag); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.ui_language", "agent", ag.ID, lang))
	})
}

// Issue opens a session for an agent without credentials. It takes a write
// transaction, which only the process holding the store has: tests and
// the seeder use it; front ends sign in.
func (s *Staff) Issue(ctx context.Context, tx store.Tx, agentID, kind string, now time.Time) (SignedIn, error) {
	ag, err := tx.Agent(ctx, agentID)
	if err != nil {
		return SignedIn{}, err
	}
	tok, h := newToken()
	id := uuid.NewString()
	if err := tx.InsertStaffSession(ctx, store.StaffSession{ID: id, TokenHash: h, AgentID: ag.ID, Kind: kind,
		CreatedAt: now, ActiveAt: now}); err != nil {
		return SignedIn{}, err
	}
	if err := tx.AppendAudit(ctx, audit.Record(ag.Actor(id), now, "session.issue", "agent", ag.ID, "kind="+kind)); err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Token: tok, SessionID: id, AgentID: ag.ID, DisplayName: ag.DisplayName, Role: ag.Role,
		Languages: ag.Languages, Agencies: ag.Agencies, UILanguage: ag.UILanguage, ExpiresAt: now.Add(s.limits.Max)}, nil
}
