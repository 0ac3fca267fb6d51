package proofing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/proofing"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

const phone = "+12025550143"

// user creates an account and signs it in fully (password and SMS code).
func user(t *testing.T, svc *service.Service, snd *coretest.Sender, email, ph string) authn.Session {
	t.Helper()
	ctx := context.Background()
	id, err := svc.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: email, Password: "a long enough password",
		Language: "es", Phone: ph, Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Auth.SignIn(ctx, email, "a long enough password", "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	var phones []account.Phone
	svc.Store.Read(ctx, func(r store.Reader) error { phones, _ = r.Phones(ctx, id); return nil })
	if err := svc.Auth.SendOTP(ctx, p, phones[0].ID); err != nil {
		t.Fatal(err)
	}
	s, err := svc.Auth.VerifyOTP(ctx, p, snd.Last(ph))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var goodDoc = proofing.Document{Kind: "drivers_license", Front: []byte("front"), Back: []byte("back"), Selfie: []byte("me")}
var goodID = proofing.Identity{FirstName: "María", LastName: "García", DOB: "1980-04-02", Address: "1 Main St", SSN: "123456789"}

func TestProofingHappyPath(t *testing.T) {
	t.Parallel()
	svc, _, snd := coretest.Open(t)
	ctx := context.Background()
	s := user(t, svc, snd, "maria@example.org", phone)
	if _, err := svc.Proofing.SubmitIdentity(ctx, s, goodID); fault.CodeOf(err) != fault.CodeConflict {
		t.Fatalf("resolution before the document: %v", err)
	}
	r, err := svc.Proofing.SubmitDocument(ctx, s, goodDoc)
	if err != nil || !r.Passed || r.Step != proofing.StepResolution || r.Limit.Used != 1 || r.Limit.Max != 5 {
		t.Fatalf("document: %+v %v", r, err)
	}
	if r, err = svc.Proofing.SubmitIdentity(ctx, s, goodID); err != nil || !r.Passed || r.Step != proofing.StepVerify {
		t.Fatalf("identity: %+v %v", r, err)
	}
	if r, err = svc.Proofing.VerifyPhone(ctx, s); err != nil || !r.Passed || r.Step != proofing.StepPersonalKey {
		t.Fatalf("phone: %+v %v", r, err)
	}
	key, err := svc.Proofing.IssuePersonalKey(ctx, s)
	if err != nil || len(strings.ReplaceAll(key, "-", "")) != account.PersonalKeyLength {
		t.Fatalf("personal key %q: %v", key, err)
	}
	var a account.Account
	var p *account.Profile
	svc.Store.Read(ctx, func(rd store.Reader) error {
		a, _ = rd.Account(ctx, s.AccountID())
		p, _ = rd.Profile(ctx, s.AccountID())
		return nil
	})
	if a.IAL != 2 || p == nil || p.State != account.ProfileActive || p.VerifiedAt.IsZero() {
		t.Fatalf("after proofing: IAL %d, profile %+v", a.IAL, p)
	}
	// The identity data is sealed at rest: no name in the clear.
	var v *store.IDV
	svc.Store.Read(ctx, func(rd store.Reader) error { v, _ = rd.IDV(ctx, s.AccountID()); return nil })
	if v == nil || strings.Contains(string(v.IdentitySealed), "García") || v.Step != proofing.StepDone {
		t.Fatalf("idv row = %+v", v)
	}
}

func TestDocAuthLockoutAndDualControlReset(t *testing.T) {
	t.Parallel()
	svc, clk, snd := coretest.Open(t)
	ctx := context.Background()
	s := user(t, svc, snd, "maria@example.org", phone)
	bad := goodDoc
	bad.Front = []byte("glare and blur")
	for i := range 5 {
		r, err := svc.Proofing.SubmitDocument(ctx, s, bad)
		if err != nil || r.Passed || len(r.Reasons) != 2 || r.Reasons[0] != proofing.ReasonGlare {
			t.Fatalf("attempt %d: %+v %v", i+1, r, err)
		}
	}
	_, err := svc.Proofing.SubmitDocument(ctx, s, goodDoc)
	fe, _ := fault.As(err)
	if fault.CodeOf(err) != fault.CodeRateLimited || fe.Limit != proofing.DocAuth.Name || !fe.Until.Equal(clk.Now().Add(6*time.Hour)) {
		t.Fatalf("sixth attempt: %v", err)
	}
	// The agent sees 5/5, when it clears and why.
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	view, err := svc.Desk.View(ctx, agent.Token, s.AccountID(), "call")
	if err != nil || view.Proofing == nil {
		t.Fatalf("view: %v", err)
	}
	doc := view.Proofing.Limits[0]
	if doc.Name != proofing.DocAuth.Name || doc.Used != 5 || doc.Max != 5 || !doc.ClearsAt.Equal(clk.Now().Add(6*time.Hour)) {
		t.Errorf("agent sees %+v", doc)
	}
	if at := view.Proofing.Attempts[0]; at.Passed || len(at.Reasons) != 2 || at.Reasons[1] != "blur" {
		t.Errorf("last attempt %+v", at)
	}
	// The agent asks; it cannot approve; a supervisor does.
	req, err := svc.RequestLimiterReset(ctx, agent.Token, s.AccountID(), proofing.DocAuth.Name, "vendor outage INC-4821")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RequestLimiterReset(ctx, agent.Token, s.AccountID(), "no_such_limiter", "x"); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Errorf("unknown limiter: %v", err)
	}
	if err := svc.Decide(ctx, agent.Token, req.ID, true); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("agent approves its own request: %v", err)
	}
	if _, err := svc.Proofing.SubmitDocument(ctx, s, goodDoc); fault.CodeOf(err) != fault.CodeRateLimited {
		t.Fatalf("limiter cleared before approval: %v", err)
	}
	sup := coretest.AddStaff(t, svc, staff.NewAgent{Email: "sup@desk.example", Role: access.RoleSupervisor, Languages: []string{"es"}})
	if err := svc.Decide(ctx, sup.Token, req.ID, true); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Proofing.SubmitDocument(ctx, s, goodDoc)
	if err != nil || !r.Passed {
		t.Fatalf("after the reset: %+v %v", r, err)
	}
	// The user was told, at every address of record.
	var rows []notify.Notification
	svc.Store.Read(ctx, func(rd store.Reader) error { rows, _ = rd.Outbox(ctx, s.AccountID()); return nil })
	told := 0
	for _, n := range rows {
		if n.Template == notify.TemplateLimiterReset {
			told++
		}
	}
	if told != 2 {
		t.Errorf("%d limiter-reset notices, want email and SMS", told)
	}
	if n, brk := coretest.VerifyAudit(t, svc); brk != nil {
		t.Errorf("audit broken after %d: %v", n, brk)
	}
}

func TestResolutionMismatchFraudAndFallbacks(t *testing.T) {
	t.Parallel()
	svc, clk, snd := coretest.Open(t)
	ctx := context.Background()
	s := user(t, svc, snd, "maria@example.org", "+12025550000") // the fake fails this phone
	if _, err := svc.Proofing.SubmitDocument(ctx, s, goodDoc); err != nil {
		t.Fatal(err)
	}
	mismatch := goodID
	mismatch.LastName = "Mismatch"
	r, err := svc.Proofing.SubmitIdentity(ctx, s, mismatch)
	if err != nil || r.Passed || r.Field != "last_name" || r.Reasons[0] != proofing.ReasonDataMismatch {
		t.Fatalf("mismatch: %+v %v", r, err)
	}
	if _, err := svc.Proofing.SubmitIdentity(ctx, s, goodID); err != nil {
		t.Fatal(err)
	}
	if r, err = svc.Proofing.VerifyPhone(ctx, s); err != nil || r.Passed || r.Reasons[0] != proofing.ReasonPhoneUnverified {
		t.Fatalf("phone: %+v %v", r, err)
	}
	// Verify by mail: at most 4 letters in 30 days.
	for i := range proofing.LettersPerWindow {
		if _, err := svc.Proofing.RequestLetter(ctx, s); err != nil {
			t.Fatalf("letter %d: %v", i+1, err)
		}
	}
	if _, err := svc.Proofing.RequestLetter(ctx, s); fault.CodeOf(err) != fault.CodeRateLimited {
		t.Fatalf("fifth letter: %v", err)
	}
	if r, err = svc.Proofing.ConfirmLetter(ctx, s, "WRONGCODE0"); err != nil || r.Passed {
		t.Fatalf("wrong letter code: %+v %v", r, err)
	}
	// In person instead: a code valid 7 days, then expired by the jobs runner.
	en, err := svc.Proofing.EnrollInPerson(ctx, s)
	if err != nil || len(en.Code) != 16 || en.Status != proofing.EnrollPending || !en.ExpiresAt.Equal(clk.Now().Add(7*24*time.Hour)) {
		t.Fatalf("enrollment: %+v %v", en, err)
	}
	clk.Advance(7 * 24 * time.Hour)
	if done := svc.Jobs.RunOnce(ctx); done["idv.in_person_expire"] != 1 {
		t.Fatalf("enrollment not expired: %v", done)
	}
	// A fraud signal goes to review.
	s2 := user(t, svc, snd, "jose@example.org", "+12025550199")
	if _, err := svc.Proofing.SubmitDocument(ctx, s2, goodDoc); err != nil {
		t.Fatal(err)
	}
	fraud := goodID
	fraud.SSN = "900123456"
	if r, err = svc.Proofing.SubmitIdentity(ctx, s2, fraud); err != nil || r.Step != proofing.StepFraudReview {
		t.Fatalf("fraud: %+v %v", r, err)
	}
	var fr *store.FraudReview
	var p *account.Profile
	svc.Store.Read(ctx, func(rd store.Reader) error {
		fr, _ = rd.FraudReview(ctx, s2.AccountID())
		p, _ = rd.Profile(ctx, s2.AccountID())
		return nil
	})
	if fr == nil || fr.Status != proofing.FraudPending || p == nil || p.State != account.ProfilePendingFraud {
		t.Fatalf("fraud review %+v, profile %+v", fr, p)
	}
	// An agent cannot close the review; a supervisor passes it, and the user
	// finishes with a personal key.
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	if err := svc.DecideFraudReview(ctx, agent.Token, s2.AccountID(), true); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("agent decides: %v", err)
	}
	sup := coretest.AddStaff(t, svc, staff.NewAgent{Email: "sup@desk.example", Role: access.RoleSupervisor, Languages: []string{"es"}})
	if err := svc.DecideFraudReview(ctx, sup.Token, s2.AccountID(), true); err != nil {
		t.Fatal(err)
	}
	if err := svc.DecideFraudReview(ctx, sup.Token, s2.AccountID(), false); fault.CodeOf(err) != fault.CodeRequestDecided {
		t.Fatalf("deciding twice: %v", err)
	}
	if _, err := svc.Proofing.IssuePersonalKey(ctx, s2); err != nil {
		t.Fatalf("personal key after a passed review: %v", err)
	}
}

// The limiters an agent sees are the ones sign-in counts on: a code sent to
// the phone shows on phone_otp, a wrong personal key on personal_key.
func TestAgentSeesTheLimitersSignInCounts(t *testing.T) {
	t.Parallel()
	svc, _, snd := coretest.Open(t)
	ctx := context.Background()
	s := user(t, svc, snd, "maria@example.org", phone) // one code sent to sign in
	if _, err := svc.Proofing.SubmitDocument(ctx, s, goodDoc); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Auth.UsePersonalKey(ctx, s, "AAAA-BBBB-CCCC-DDDD"); fault.CodeOf(err) != fault.CodeBadCredentials {
		t.Fatalf("wrong personal key: %v", err)
	}
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"es"}})
	v, err := svc.Desk.View(ctx, agent.Token, s.AccountID(), "call")
	if err != nil || v.Proofing == nil {
		t.Fatal(err)
	}
	used := map[string]int{}
	for _, l := range v.Proofing.Limits {
		used[l.Name] = l.Used
	}
	if used["phone_otp"] != 1 || used["personal_key"] != 1 || used["idv_doc_auth"] != 1 {
		t.Errorf("the agent sees %v", used)
	}
}
