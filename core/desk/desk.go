// Package desk is the agent-facing side of the core: agent sign-in, account
// look-up and the masked account view. Every call is authorized and audited
// here; the console only renders what comes back.
package desk

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
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// Desk serves agents.
type Desk struct {
	st    store.Store
	keys  *secret.Keyring
	clock clock.Clock
	argon secret.Argon2Params
	dummy string
}

// New builds a desk.
func New(st store.Store, keys *secret.Keyring, c clock.Clock, p secret.Argon2Params) (*Desk, error) {
	dummy, err := secret.HashPassword("dummy agent password", p)
	if err != nil {
		return nil, err
	}
	return &Desk{st: st, keys: keys, clock: c, argon: p, dummy: dummy}, nil
}

// Agent sign-in limits: 5 failures lock the agent for 15 minutes.
const (
	agentMaxFailures = 5
	agentLockout     = 15 * time.Minute
)

// AgentAAD binds an agent's sealed email and TOTP seed to the agent.
func AgentAAD(agentID, field string) []byte { return []byte("agent:" + field + ":" + agentID) }

// SignIn checks an agent's email, password and TOTP code (no replay).
func (d *Desk) SignIn(ctx context.Context, email, password, code, session string) (SignedIn, error) {
	now := d.clock.Now()
	norm, nerr := account.NormalizeEmail(email)
	var ag access.Agent
	known := false
	if nerr == nil {
		err := d.st.Read(ctx, func(r store.Reader) error {
			var err error
			ag, err = r.AgentByEmail(ctx, d.keys.Fingerprint("agent_email", norm))
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
	hash := d.dummy
	if known {
		hash = ag.PasswordHash
	}
	pwOK, err := secret.VerifyPassword(password, hash)
	if err != nil {
		return SignedIn{}, fault.Storage(err)
	}
	if !known {
		return SignedIn{}, fault.ErrBadCredentials
	}
	var outcome error
	err = d.st.Write(ctx, func(tx store.Tx) error {
		outcome = nil
		cur, err := tx.Agent(ctx, ag.ID)
		if err != nil {
			return err
		}
		ok := pwOK
		if ok {
			seed, err := d.keys.Open(cur.TOTPSealed, AgentAAD(cur.ID, "totp"))
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
		actor := cur.Actor(session)
		if ok {
			cur.FailedSignIn, cur.LockedUntil = 0, time.Time{}
			if err := tx.UpdateAgent(ctx, cur); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.sign_in", "agent", cur.ID, ""))
		}
		if outcome == nil {
			outcome = fault.ErrBadCredentials
		}
		cur.FailedSignIn++
		if cur.FailedSignIn >= agentMaxFailures {
			cur.FailedSignIn, cur.LockedUntil = 0, now.Add(agentLockout)
		}
		if err := tx.UpdateAgent(ctx, cur); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.sign_in_failed", "agent", cur.ID, ""))
	})
	if err != nil {
		return SignedIn{}, err
	}
	if outcome != nil {
		return SignedIn{}, outcome
	}
	return SignedIn{Actor: ag.Actor(session), DisplayName: ag.DisplayName, UILanguage: ag.UILanguage}, nil
}

// SetUILanguage stores the agent's console language.
func (d *Desk) SetUILanguage(ctx context.Context, actor access.Actor, lang string) error {
	if !slices.Contains(account.Languages, lang) {
		return fault.Invalid("language", fault.CodeInvalidInput)
	}
	now := d.clock.Now()
	return d.st.Write(ctx, func(tx store.Tx) error {
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

// AddAgent creates an agent and its TOTP seed. Admins only.
func (d *Desk) AddAgent(ctx context.Context, actor access.Actor, in NewAgent) (Provisioned, error) {
	if err := actor.Authorize(access.PermAgentManage); err != nil {
		return Provisioned{}, err
	}
	norm, err := account.NormalizeEmail(in.Email)
	if err != nil {
		return Provisioned{}, err
	}
	if err := authn.CheckPassword(in.Password); err != nil {
		return Provisioned{}, err
	}
	name := strings.TrimSpace(in.DisplayName)
	if name == "" || utf8.RuneCountInString(name) > 80 || !utf8.ValidString(name) {
		return Provisioned{}, fault.Invalid("name", fault.CodeInvalidInput)
	}
	if !in.Role.Valid() {
		return Provisioned{}, fault.Invalid("role", fault.CodeInvalidInput)
	}
	if in.UILanguage == "" {
		in.UILanguage = "en"
	}
	if !slices.Contains(account.Languages, in.UILanguage) {
		return Provisioned{}, fault.Invalid("language", fault.CodeInvalidInput)
	}
	if len(in.Languages) == 0 {
		in.Languages = []string{in.UILanguage}
	}
	for _, l := range in.Languages {
		if !slices.Contains(account.Languages, l) {
			return Provisioned{}, fault.Invalid("language", fault.CodeInvalidInput)
		}
	}
	if in.Role == access.RoleAgencyDesk && len(in.Agencies) == 0 {
		return Provisioned{}, fault.Invalid("agency", fault.CodeInvalidInput)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "supportdesk", AccountName: norm})
	if err != nil {
		return Provisioned{}, fault.Storage(err)
	}
	hash, err := secret.HashPassword(in.Password, d.argon)
	if err != nil {
		return Provisioned{}, fault.Storage(err)
	}
	p := Provisioned{AgentID: uuid.NewString(), URI: key.URL(), Secret: key.Secret()}
	return p, d.InsertAgent(ctx, actor, in, norm, hash, p)
}

// InsertAgent stores an agent with a prepared hash and seed; the seeder
// uses it to reuse one precomputed hash.
func (d *Desk) InsertAgent(ctx context.Context, actor access.Actor, in NewAgent, normEmail, hash string, p Provisioned) error {
	now := d.clock.Now()
	ag := access.Agent{ID: p.AgentID, EmailSealed: d.keys.Seal([]byte(normEmail), AgentAAD(p.AgentID, "email")),
		EmailFP: d.keys.Fingerprint("agent_email", normEmail), DisplayName: in.DisplayName, Role: in.Role,
		Languages: in.Languages, UILanguage: in.UILanguage, Agencies: in.Agencies, PasswordHash: hash,
		TOTPSealed: d.keys.Seal([]byte(p.Secret), AgentAAD(p.AgentID, "totp")), CreatedAt: now}
	return d.st.Write(ctx, func(tx store.Tx) error {
		if err := tx.InsertAgent(ctx, ag); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "agent.create", "agent", ag.ID,
			"role="+string(ag.Role)+" languages="+strings.Join(ag.Languages, ",")))
	})
}

// AuditReport is the result of VerifyAudit.
type AuditReport struct {
	Count int64
	Break *audit.Break // nil when the chain holds
}

// VerifyAudit walks the whole audit log and checks the chain.
func (d *Desk) VerifyAudit(ctx context.Context, actor access.Actor) (AuditReport, error) {
	if err := actor.Authorize(access.PermAuditRead); err != nil {
		return AuditReport{}, err
	}
	var v audit.Verifier
	var rep AuditReport
	err := d.st.Read(ctx, func(r store.Reader) error {
		headSeq, headHash, err := r.AuditHead(ctx)
		if err != nil {
			return err
		}
		if err := r.AuditScan(ctx, func(e audit.Entry) error {
			v.Add(e)
			return nil
		}); err != nil {
			return err
		}
		rep.Break = v.Finish(headSeq, headHash)
		return nil
	})
	rep.Count = v.Count()
	return rep, err
}
