// Package proofing is the identity-proofing engine (IAL2): document
// capture and authentication, resolution of the identity data, phone or
// address verification, then a personal key, with Login.gov's rate
// limiters kept in the store, in-person enrollment at a post office,
// verify by mail and fraud review. Vendors sit behind interfaces; Fake is
// the deterministic one of demos and tests. The user drives it (over HTTP
// in serve); agents only read where a user stands, and clearing a limiter
// early is a dual-control change.
package proofing

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// The steps, in order, and the fallbacks.
const (
	StepDocument    = "document"
	StepResolution  = "resolution"
	StepVerify      = "verify" // phone, or a letter by mail
	StepPersonalKey = "personal_key"
	StepInPerson    = "in_person"
	StepByMail      = "by_mail"
	StepFraudReview = "fraud_review"
	StepDone        = "done"
)

// The limiters (Login.gov's defaults).
var (
	DocAuth      = limit.Limit{Name: "idv_doc_auth", Max: 5, Window: 6 * time.Hour}
	Resolve      = limit.Limit{Name: "idv_resolution", Max: 5, Window: 6 * time.Hour}
	PhoneAddress = limit.Limit{Name: "idv_phone_address", Max: 5, Window: 6 * time.Hour}
	PhoneOTP     = limit.PhoneOTP    // counted by every code sent to a phone
	PersonalKey  = limit.PersonalKey // counted by wrong personal keys
)

// Limiters lists the proofing limiters an agent sees and may ask to clear.
var Limiters = []limit.Limit{DocAuth, Resolve, PhoneAddress, PhoneOTP, PersonalKey}

// LimiterByName finds a limiter.
func LimiterByName(name string) (limit.Limit, bool) {
	i := slices.IndexFunc(Limiters, func(l limit.Limit) bool { return l.Name == name })
	if i < 0 {
		return limit.Limit{}, false
	}
	return Limiters[i], true
}

// Fallback rules.
const (
	EnrollmentValidity = 7 * 24 * time.Hour  // an in-person enrollment code
	LetterValidity     = 30 * 24 * time.Hour // a verify-by-mail code
	LetterWindow       = 30 * 24 * time.Hour
	LettersPerWindow   = 4
	letterCodeLength   = 10
	enrollmentDigits   = 16
)

// Enrollment statuses.
const (
	EnrollEstablishing = "establishing"
	EnrollPending      = "pending"
	EnrollPassed       = "passed"
	EnrollFailed       = "failed"
	EnrollExpired      = "expired"
	EnrollCancelled    = "cancelled"
	EnrollFraudReview  = "in_fraud_review"
)

// Fraud review statuses.
const (
	FraudPending  = "pending"
	FraudPassed   = "passed"
	FraudRejected = "rejected"
)

// Vendors are the engine's outside services.
type Vendors struct {
	Docs       DocAuthVendor
	Resolution ResolutionVendor
	Phone      PhoneVendor
}

// Engine runs identity proofing for signed-in users.
type Engine struct {
	st      store.Store
	keys    *secret.Keyring
	clock   clock.Clock
	auth    *authn.Engine
	vendors Vendors
}

// New builds the engine; zero vendors are the deterministic fake.
func New(st store.Store, keys *secret.Keyring, c clock.Clock, auth *authn.Engine, v Vendors) *Engine {
	if v.Docs == nil {
		v.Docs = Fake{}
	}
	if v.Resolution == nil {
		v.Resolution = Fake{}
	}
	if v.Phone == nil {
		v.Phone = Fake{}
	}
	return &Engine{st: st, keys: keys, clock: c, auth: auth, vendors: v}
}

// Result is what a step tells the user.
type Result struct {
	Passed  bool
	Step    string   // the step to take next
	Reasons []Reason // why it failed
	Field   string   // a mismatched field, by name
	Limit   limit.Status
}

func identityAAD(accountID string) []byte { return []byte("identity:" + accountID) }

// current reads the user's proofing state, starting it when there is none.
func current(ctx context.Context, r store.Reader, accountID string, now time.Time) (store.IDV, error) {
	v, err := r.IDV(ctx, accountID)
	if err != nil {
		return store.IDV{}, err
	}
	if v == nil {
		return store.IDV{AccountID: accountID, Step: StepDocument, StartedAt: now, UpdatedAt: now}, nil
	}
	return *v, nil
}

// take counts one attempt on a limiter in its own transaction, so the
// vendor is called outside any write transaction; a refusal is audited.
func (e *Engine) take(ctx context.Context, s authn.Session, l limit.Limit, want ...string) (store.IDV, limit.Status, error) {
	if err := e.auth.CheckSession(s); err != nil {
		return store.IDV{}, limit.Status{}, err
	}
	id := s.AccountID()
	var v store.IDV
	var st limit.Status
	var refused error
	err := e.st.Write(ctx, func(tx store.Tx) error {
		refused = nil
		now := e.clock.Now()
		var err error
		if v, err = current(ctx, tx, id, now); err != nil {
			return err
		}
		if !slices.Contains(want, v.Step) {
			refused = &fault.Error{Code: fault.CodeConflict, Limit: v.Step}
			return nil
		}
		st, err = l.Take(ctx, tx, id, now)
		if fault.CodeOf(err) == fault.CodeRateLimited {
			refused = err
			return tx.AppendAudit(ctx, audit.Record(access.User(id), now, "idv.rate_limited", "account", id, "limiter="+l.Name))
		}
		return err
	})
	if err == nil {
		err = refused
	}
	return v, st, err
}

// finish records a step's outcome: the attempt, the new state, the audit
// entry, and any notice.
func (e *Engine) finish(ctx context.Context, id, step string, passed bool, reasons []Reason, detail string,
	change func(tx store.Tx, v *store.IDV, now time.Time) error) error {
	return e.st.Write(ctx, func(tx store.Tx) error {
		now := e.clock.Now()
		v, err := current(ctx, tx, id, now)
		if err != nil {
			return err
		}
		codes := make([]string, len(reasons))
		for i, r := range reasons {
			codes[i] = string(r)
		}
		if err := tx.InsertIDVAttempt(ctx, &store.IDVAttempt{AccountID: id, Step: step, Passed: passed, Reasons: codes,
			Detail: detail, At: now}); err != nil {
			return err
		}
		if change != nil {
			if err := change(tx, &v, now); err != nil {
				return err
			}
		}
		v.UpdatedAt = now
		if err := tx.PutIDV(ctx, v); err != nil {
			return err
		}
		outcome := "failed"
		if passed {
			outcome = "passed"
		}
		d := "step=" + step + " outcome=" + outcome
		if len(codes) > 0 {
			d += " reasons=" + strings.Join(codes, ",")
		}
		if detail != "" {
			d += " field=" + detail
		}
		return tx.AppendAudit(ctx, audit.Record(access.User(id), now, "idv.step", "account", id, d))
	})
}

// SubmitDocument authenticates the user's document (5 tries in 6 hours).
func (e *Engine) SubmitDocument(ctx context.Context, s authn.Session, d Document) (Result, error) {
	_, st, err := e.take(ctx, s, DocAuth, StepDocument)
	if err != nil {
		return Result{Limit: st}, err
	}
	res, err := e.vendors.Docs.Authenticate(ctx, d)
	if err != nil {
		return Result{Limit: st}, fault.Storage(err)
	}
	out := Result{Passed: res.Pass, Step: StepDocument, Reasons: res.Reasons, Limit: st}
	if res.Pass {
		out.Step = StepResolution
	}
	return out, e.finish(ctx, s.AccountID(), StepDocument, res.Pass, res.Reasons, "", func(_ store.Tx, v *store.IDV, now time.Time) error {
		if res.Pass {
			v.DocAt, v.Step = now, StepResolution
		}
		return nil
	})
}

// SubmitIdentity resolves the identity data (5 tries in 6 hours). A fraud
// signal sends the attempt to fraud review.
func (e *Engine) SubmitIdentity(ctx context.Context, s authn.Session, id Identity) (Result, error) {
	if id.FirstName == "" || id.LastName == "" || id.DOB == "" || id.Address == "" || len(id.SSN) < 9 {
		return Result{}, fault.Invalid("identity", fault.CodeInvalidInput)
	}
	if _, err := time.Parse(time.DateOnly, id.DOB); err != nil {
		return Result{}, fault.Invalid("dob", fault.CodeInvalidInput)
	}
	_, st, err := e.take(ctx, s, Resolve, StepResolution)
	if err != nil {
		return Result{Limit: st}, err
	}
	res, err := e.vendors.Resolution.Resolve(ctx, id)
	if err != nil {
		return Result{Limit: st}, fault.Storage(err)
	}
	out := Result{Passed: res.Pass, Step: StepResolution, Field: res.Field, Limit: st}
	var reasons []Reason
	switch {
	case res.Fraud:
		reasons, out.Step = []Reason{ReasonFraud}, StepFraudReview
	case !res.Pass:
		reasons = []Reason{ReasonDataMismatch}
	default:
		out.Step = StepVerify
	}
	out.Reasons = reasons
	sealed, err := json.Marshal(id)
	if err != nil {
		return out, fault.Storage(err)
	}
	uid := s.AccountID()
	return out, e.finish(ctx, uid, StepResolution, res.Pass, reasons, res.Field, func(tx store.Tx, v *store.IDV, now time.Time) error {
		switch {
		case res.Fraud:
			v.Step = StepFraudReview
			if err := tx.PutFraudReview(ctx, store.FraudReview{AccountID: uid, Status: FraudPending, OpenedAt: now}); err != nil {
				return err
			}
			return e.setProfile(ctx, tx, uid, account.ProfilePendingFraud)
		case res.Pass:
			v.ResolvedAt, v.Step = now, StepVerify
			v.IdentitySealed = e.keys.Seal(sealed, identityAAD(uid))
		}
		return nil
	})
}

// setProfile puts the IAL2 profile in a pending state.
func (e *Engine) setProfile(ctx context.Context, tx store.Tx, accountID string, state account.ProfileState) error {
	p, err := tx.Profile(ctx, accountID)
	if err != nil {
		return err
	}
	if p == nil {
		p = &account.Profile{AccountID: accountID}
	}
	p.State = state
	return tx.PutProfile(ctx, *p)
}

// identity opens the resolved identity data.
func (e *Engine) identity(v store.IDV) Identity {
	var id Identity
	if raw, err := e.keys.Open(v.IdentitySealed, identityAAD(v.AccountID)); err == nil {
		_ = json.Unmarshal(raw, &id)
	}
	return id
}

// VerifyPhone checks that the account's default phone belongs to the
// person (5 tries in 6 hours, shared with the address step).
func (e *Engine) VerifyPhone(ctx context.Context, s authn.Session) (Result, error) {
	v, st, err := e.take(ctx, s, PhoneAddress, StepVerify)
	if err != nil {
		return Result{Limit: st}, err
	}
	phone, err := e.defaultPhone(ctx, s.AccountID())
	if err != nil {
		return Result{Limit: st}, err
	}
	ok, err := e.vendors.Phone.VerifyPhone(ctx, phone, e.identity(v))
	if err != nil {
		return Result{Limit: st}, fault.Storage(err)
	}
	out := Result{Passed: ok, Step: StepVerify, Limit: st}
	var reasons []Reason
	if ok {
		out.Step = StepPersonalKey
	} else {
		reasons = []Reason{ReasonPhoneUnverified}
		out.Reasons = reasons
	}
	return out, e.finish(ctx, s.AccountID(), "phone", ok, reasons, "", func(_ store.Tx, v *store.IDV, now time.Time) error {
		if ok {
			v.VerifiedAt, v.Step = now, StepPersonalKey
		}
		return nil
	})
}

func (e *Engine) defaultPhone(ctx context.Context, accountID string) (string, error) {
	var phone string
	err := e.st.Read(ctx, func(r store.Reader) error {
		phones, err := r.Phones(ctx, accountID)
		if err != nil {
			return err
		}
		for i, p := range phones {
			if p.Default || (phone == "" && i == len(phones)-1) {
				plain, err := e.keys.Open(p.Sealed, authn.ContactAAD(accountID))
				if err != nil {
					return fault.Storage(err)
				}
				phone = string(plain)
			}
		}
		if phone == "" {
			return fault.Invalid("phone", fault.CodeInvalidInput)
		}
		return nil
	})
	return phone, err
}

// RequestLetter sends a verify-by-mail letter with a code valid 30 days:
// at most 4 letters in 30 days. The code goes only into the sealed letter.
func (e *Engine) RequestLetter(ctx context.Context, s authn.Session) (store.Letter, error) {
	if err := e.auth.CheckSession(s); err != nil {
		return store.Letter{}, err
	}
	id := s.AccountID()
	var out store.Letter
	err := e.st.Write(ctx, func(tx store.Tx) error {
		now := e.clock.Now()
		v, err := current(ctx, tx, id, now)
		if err != nil {
			return err
		}
		if v.Step != StepVerify && v.Step != StepByMail {
			return &fault.Error{Code: fault.CodeConflict, Limit: v.Step}
		}
		letters, err := tx.Letters(ctx, id)
		if err != nil {
			return err
		}
		recent := 0
		var oldest time.Time
		for _, l := range letters {
			if now.Sub(l.SentAt) < LetterWindow {
				recent++
				oldest = l.SentAt
			}
		}
		if recent >= LettersPerWindow {
			return fault.Limited("verify_by_mail", LettersPerWindow, oldest.Add(LetterWindow))
		}
		code := secret.RandomCrockford(letterCodeLength)
		out = store.Letter{AccountID: id, CodeHash: e.keys.HashCode("letter:"+id, code), SentAt: now, ExpiresAt: now.Add(LetterValidity)}
		if err := tx.InsertLetter(ctx, &out); err != nil {
			return err
		}
		v.Step, v.UpdatedAt = StepByMail, now
		if err := tx.PutIDV(ctx, v); err != nil {
			return err
		}
		if err := e.setProfile(ctx, tx, id, account.ProfilePendingMail); err != nil {
			return err
		}
		a, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		// The letter itself: the demo prints it as a mail to the address of
		// record; the code is sealed in the outbox like every secret.
		emails, err := tx.Emails(ctx, id)
		if err != nil || len(emails) == 0 {
			return err
		}
		sealed := hex.EncodeToString(e.keys.Seal([]byte(code), authn.ContactAAD(id)))
		if err := tx.Enqueue(ctx, &notify.Notification{CreatedAt: now, AccountID: id, Channel: notify.ChannelEmail,
			Template: notify.TemplateLetter, Language: a.EmailLanguage, ToSealed: emails[0].Sealed, NextAttempt: now,
			Data: map[string]string{"code_sealed": sealed}}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(access.User(id), now, "idv.letter_sent", "account", id, "letters_30d="+strconv.Itoa(recent+1)))
	})
	return out, err
}

// ConfirmLetter checks a letter's code (wrong codes count on the
// phone-or-address limiter); a match verifies the address.
func (e *Engine) ConfirmLetter(ctx context.Context, s authn.Session, code string) (Result, error) {
	_, st, err := e.take(ctx, s, PhoneAddress, StepByMail)
	if err != nil {
		return Result{Limit: st}, err
	}
	id := s.AccountID()
	code = secret.NormalizeCrockford(code)
	var out Result
	err = e.st.Write(ctx, func(tx store.Tx) error {
		now := e.clock.Now()
		letters, err := tx.Letters(ctx, id)
		if err != nil {
			return err
		}
		out = Result{Step: StepByMail, Limit: st, Reasons: []Reason{ReasonLetterCode}}
		for _, l := range letters {
			if l.UsedAt.IsZero() && now.Before(l.ExpiresAt) && e.keys.CodeMatches("letter:"+id, code, l.CodeHash) {
				if err := tx.UseLetter(ctx, l.ID, now); err != nil {
					return err
				}
				out = Result{Passed: true, Step: StepPersonalKey, Limit: st}
				break
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, e.finish(ctx, id, "letter", out.Passed, out.Reasons, "", func(_ store.Tx, v *store.IDV, now time.Time) error {
		if out.Passed {
			v.VerifiedAt, v.Step = now, StepPersonalKey
		}
		return nil
	})
}

// EnrollInPerson starts in-person proofing at a post office: an
// enrollment code valid 7 days, sent to the user.
func (e *Engine) EnrollInPerson(ctx context.Context, s authn.Session) (store.Enrollment, error) {
	if err := e.auth.CheckSession(s); err != nil {
		return store.Enrollment{}, err
	}
	id := s.AccountID()
	var out store.Enrollment
	err := e.st.Write(ctx, func(tx store.Tx) error {
		now := e.clock.Now()
		v, err := current(ctx, tx, id, now)
		if err != nil {
			return err
		}
		switch v.Step {
		case StepDone, StepFraudReview, StepPersonalKey:
			return &fault.Error{Code: fault.CodeConflict, Limit: v.Step}
		}
		if cur, err := tx.Enrollment(ctx, id); err != nil {
			return err
		} else if cur != nil && cur.Status == EnrollPending && now.Before(cur.ExpiresAt) {
			out = *cur
			return nil // one live enrollment at a time: the same code again
		}
		out = store.Enrollment{AccountID: id, Code: secret.RandomDigits(enrollmentDigits), Status: EnrollPending,
			CreatedAt: now, ExpiresAt: now.Add(EnrollmentValidity), UpdatedAt: now}
		if err := tx.PutEnrollment(ctx, out); err != nil {
			return err
		}
		v.Step, v.UpdatedAt = StepInPerson, now
		if err := tx.PutIDV(ctx, v); err != nil {
			return err
		}
		if err := e.setProfile(ctx, tx, id, account.ProfilePendingInPerson); err != nil {
			return err
		}
		a, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		return authn.Announce(ctx, tx, access.User(id), a, now, account.EventInPersonEnrolled, "idv.in_person_enroll", "",
			notify.TemplateInPerson, map[string]string{"code": out.Code, "expires": out.ExpiresAt.Format(time.RFC3339)})
	})
	return out, err
}

// IssuePersonalKey completes proofing: the profile becomes active at IAL2
// with a new personal key, shown once to the user and never stored in the
// clear.
func (e *Engine) IssuePersonalKey(ctx context.Context, s authn.Session) (string, error) {
	if err := e.auth.CheckSession(s); err != nil {
		return "", err
	}
	id := s.AccountID()
	key := secret.RandomCrockford(account.PersonalKeyLength)
	err := e.st.Write(ctx, func(tx store.Tx) error {
		now := e.clock.Now()
		v, err := current(ctx, tx, id, now)
		if err != nil {
			return err
		}
		if v.Step != StepPersonalKey {
			return &fault.Error{Code: fault.CodeConflict, Limit: v.Step}
		}
		a, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.PutProfile(ctx, account.Profile{AccountID: id, State: account.ProfileActive, VerifiedAt: now,
			PersonalKeyHash: e.keys.HashCode("personal_key:"+id, key), PersonalKeyAt: now}); err != nil {
			return err
		}
		a.IAL = 2
		if err := tx.UpdateAccount(ctx, &a); err != nil {
			return err
		}
		v.Step, v.UpdatedAt = StepDone, now
		if err := tx.PutIDV(ctx, v); err != nil {
			return err
		}
		return authn.Announce(ctx, tx, access.User(id), a, now, account.EventAccountVerified, "idv.verified", "",
			notify.TemplateAccountVerified, nil)
	})
	if err != nil {
		return "", err
	}
	return secret.FormatPersonalKey(key), nil
}

// ExpireEnrollments records every pending in-person enrollment whose 7 days
// passed as expired; the jobs runner calls it. It returns how many.
func (e *Engine) ExpireEnrollments(ctx context.Context) (int, error) {
	n := 0
	err := e.st.Write(ctx, func(tx store.Tx) error {
		n = 0
		now := e.clock.Now()
		lapsed, err := tx.EnrollmentsLapsed(ctx, now, 500)
		if err != nil {
			return err
		}
		for _, en := range lapsed {
			en.Status, en.UpdatedAt = EnrollExpired, now
			if err := tx.PutEnrollment(ctx, en); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, audit.Record(access.System, now, "idv.in_person_expired", "account", en.AccountID, "")); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// CheckLimiter refuses a name that is no proofing limiter.
func CheckLimiter(name string) error {
	if _, ok := LimiterByName(name); !ok {
		return fault.Invalid("limiter", fault.CodeInvalidInput)
	}
	return nil
}

// ClearLimiter is the dual-control change that clears a limiter early. It
// runs inside the approving transaction and tells the user.
func ClearLimiter(ctx context.Context, tx store.Tx, approver access.Actor, accountID, name string, now time.Time) error {
	l, ok := LimiterByName(name)
	if !ok {
		return fault.Invalid("limiter", fault.CodeInvalidInput)
	}
	a, err := tx.Account(ctx, accountID)
	if err != nil {
		return err
	}
	if err := l.Clear(ctx, tx, accountID); err != nil {
		return err
	}
	return authn.Announce(ctx, tx, approver, a, now, account.EventLimiterReset, "idv.limiter_reset", "limiter="+name,
		notify.TemplateLimiterReset, map[string]string{"limiter": name})
}

// DecideFraud closes a pending fraud review inside tx, for a reviewer the
// caller authorized: passed lets the user finish (the personal key step),
// rejected deactivates the pending profile. The user is told either way by
// the account's history; the audit names the reviewer.
func DecideFraud(ctx context.Context, tx store.Tx, reviewer access.Actor, accountID string, passed bool, now time.Time) error {
	f, err := tx.FraudReview(ctx, accountID)
	if err != nil {
		return err
	}
	if f == nil || f.Status != FraudPending {
		return fault.New(fault.CodeRequestDecided)
	}
	v, err := current(ctx, tx, accountID, now)
	if err != nil {
		return err
	}
	f.Status, f.DecidedAt, f.DecidedBy = FraudRejected, now, reviewer.ID
	outcome := "rejected"
	if passed {
		f.Status, outcome = FraudPassed, "passed"
		v.Step, v.ResolvedAt, v.VerifiedAt = StepPersonalKey, now, now
	} else {
		p, err := tx.Profile(ctx, accountID)
		if err != nil {
			return err
		}
		if p != nil {
			p.State, p.DeactivationReason = account.ProfileDeactivated, "fraud_rejected"
			if err := tx.PutProfile(ctx, *p); err != nil {
				return err
			}
		}
	}
	v.UpdatedAt = now
	if err := tx.PutFraudReview(ctx, *f); err != nil {
		return err
	}
	if err := tx.PutIDV(ctx, v); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, audit.Record(reviewer, now, "idv.fraud_review", "account", accountID, "outcome="+outcome))
}
