package authn_test

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

const (
	email    = "maria.garcia@example.com"
	phone    = "+12025550142"
	password = "correct horse battery"
)

func setup(t *testing.T) (*service.Service, *clock.Fake, *coretest.Sender, string) {
	t.Helper()
	svc, c, snd := coretest.Open(t)
	return svc, c, snd, create(t, svc)
}

// create signs the test user up.
func create(t *testing.T, svc *service.Service) string {
	t.Helper()
	id, err := svc.Auth.CreateAccount(context.Background(), access.System, authn.NewAccount{
		Email: email, Password: password, Language: "es", Phone: "(202) 555-0142"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func code(t *testing.T, err error) fault.Code {
	t.Helper()
	if err == nil {
		return ""
	}
	return fault.CodeOf(err)
}

func TestCreateAccountValidates(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	cases := []struct {
		name string
		in   authn.NewAccount
		want fault.Code
	}{
		{"short password", authn.NewAccount{Email: email, Password: "short", Language: "en", Phone: phone}, fault.CodePasswordLength},
		{"bad email", authn.NewAccount{Email: "nope", Password: password, Language: "en", Phone: phone}, fault.CodeEmailMalformed},
		{"bad phone", authn.NewAccount{Email: email, Password: password, Language: "en", Phone: "555-01"}, fault.CodePhoneMalformed},
		{"bad language", authn.NewAccount{Email: email, Password: password, Language: "de", Phone: phone}, fault.CodeInvalidInput},
	}
	for _, c := range cases {
		_, err := svc.Auth.CreateAccount(ctx, access.System, c.in)
		if got := code(t, err); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if _, err := svc.Auth.CreateAccount(ctx, access.Actor{ID: "a1", Role: access.RoleAgent}, authn.NewAccount{
		Email: email, Password: password, Language: "en", Phone: phone}); code(t, err) != fault.CodeNotPermitted {
		t.Errorf("agent created an account: %v", err)
	}
	var n int64
	svc.Store.Read(ctx, func(r store.Reader) error { n, _ = r.CountAccounts(ctx); return nil })
	if n != 0 {
		t.Fatalf("refused creations stored %d accounts", n)
	}
}

func TestPasswordIsHashedAndPIIsealed(t *testing.T) {
	t.Parallel()
	svc, st, _, _ := coretest.OpenSQLite(t)
	id := create(t, svc)
	var raw []byte
	row := st.Raw().QueryRow(`SELECT group_concat(hex(sealed)) || password_hash FROM emails JOIN accounts a ON a.id = account_id WHERE a.id = ?`, id)
	if err := row.Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var dump string
	st.Raw().QueryRow(`SELECT group_concat(quote(sealed)) FROM (SELECT sealed FROM emails UNION ALL SELECT sealed FROM phones)`).Scan(&dump)
	for _, needle := range []string{email, "2025550142", hex.EncodeToString([]byte(email))} {
		if containsFold(string(raw)+dump, needle) {
			t.Fatalf("plaintext %q found in the database", needle)
		}
	}
}

func containsFold(h, n string) bool {
	return len(n) > 0 && (indexFold(h, n) >= 0)
}

func indexFold(h, n string) int {
	for i := 0; i+len(n) <= len(h); i++ {
		if equalFold(h[i:i+len(n)], n) {
			return i
		}
	}
	return -1
}

func equalFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 32
		}
		if 'A' <= y && y <= 'Z' {
			y += 32
		}
		if x != y {
			return false
		}
	}
	return true
}

func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	svc, c, _, _ := setup(t)
	ctx := context.Background()
	if _, err := svc.Auth.SignIn(ctx, "nobody@example.com", password, "10.0.0.1"); !errors.Is(err, fault.ErrBadCredentials) {
		t.Fatalf("unknown email: %v", err)
	}
	for i := range account.SignInMaxFailures {
		if _, err := svc.Auth.SignIn(ctx, email, "wrong password!!", "10.0.0.1"); !errors.Is(err, fault.ErrBadCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	_, err := svc.Auth.SignIn(ctx, email, password, "10.0.0.1")
	fe, ok := fault.As(err)
	if !ok || fe.Code != fault.CodeRateLimited || !fe.Until.Equal(coretest.Start.Add(account.SignInWindow)) {
		t.Fatalf("6th attempt: %v", err)
	}
	c.Advance(account.SignInWindow)
	if _, err := svc.Auth.SignIn(ctx, email, password, "10.0.0.1"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestOTPLockoutAfterTenWrongCodes(t *testing.T) {
	t.Parallel()
	svc, c, snd, _ := setup(t)
	ctx := context.Background()
	p := signIn(t, svc)
	if err := svc.Auth.SendOTP(ctx, p, phoneID(t, svc, p.AccountID())); err != nil {
		t.Fatal(err)
	}
	good := snd.Last(phone)
	if len(good) != 6 {
		t.Fatalf("code %q", good)
	}
	wrong := "000000"
	if wrong == good {
		wrong = "111111"
	}
	var err error
	for i := range account.MFAMaxAttempts {
		_, err = svc.Auth.VerifyOTP(ctx, p, wrong)
		if i < account.MFAMaxAttempts-1 && !errors.Is(err, fault.ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	fe, _ := fault.As(err)
	if fe == nil || fe.Code != fault.CodeLocked || !fe.Until.Equal(coretest.Start.Add(account.MFALockout)) {
		t.Fatalf("10th wrong code: %v", err)
	}
	if _, err := svc.Auth.VerifyOTP(ctx, p, good); code(t, err) != fault.CodeLocked {
		t.Fatalf("right code during lockout: %v", err)
	}
	c.Advance(account.MFALockout)
	p = signIn(t, svc)
	if _, err := svc.Auth.VerifyOTP(ctx, p, good); code(t, err) != fault.CodeCodeExpired {
		t.Fatalf("code older than 10 minutes: %v", err)
	}
	svc.Auth.SendOTP(ctx, p, phoneID(t, svc, p.AccountID()))
	fresh := snd.Last(phone)
	if _, err := svc.Auth.VerifyOTP(ctx, p, fresh); err != nil {
		t.Fatalf("fresh code: %v", err)
	}
	if _, err := svc.Auth.VerifyOTP(ctx, p, fresh); err == nil {
		t.Fatal("a one-time code worked twice")
	}
}

func signIn(t *testing.T, svc *service.Service) authn.Pending {
	t.Helper()
	p, err := svc.Auth.SignIn(context.Background(), email, password, "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func phoneID(t *testing.T, svc *service.Service, id string) int64 {
	t.Helper()
	var ph []account.Phone
	svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		ph, err = r.Phones(context.Background(), id)
		return err
	})
	if len(ph) == 0 {
		t.Fatal("no phone")
	}
	return ph[0].ID
}

func session(t *testing.T, svc *service.Service, snd *coretest.Sender) authn.Session {
	t.Helper()
	p := signIn(t, svc)
	if err := svc.Auth.SendOTP(context.Background(), p, phoneID(t, svc, p.AccountID())); err != nil {
		t.Fatal(err)
	}
	s, err := svc.Auth.VerifyOTP(context.Background(), p, snd.Last(phone))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func outbox(t *testing.T, svc *service.Service, id string) []notify.Notification {
	t.Helper()
	var out []notify.Notification
	svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		out, err = r.Outbox(context.Background(), id)
		return err
	})
	return out
}

func TestTOTPReplayRefusedAndMethodsNotify(t *testing.T) {
	t.Parallel()
	svc, c, snd, id := setup(t)
	ctx := context.Background()
	s := session(t, svc, snd)
	key, _ := totp.Generate(totp.GenerateOpts{Issuer: "t", AccountName: "x"})
	now := c.Now()
	first, _ := totp.GenerateCode(key.Secret(), now)
	if err := svc.Auth.AddAuthApp(ctx, s, "phone app", key.Secret(), first); err != nil {
		t.Fatal(err)
	}
	n := outbox(t, svc, id)
	if len(n) != 2 || n[0].Template != notify.TemplateMethodAdded || n[0].Channel != notify.ChannelEmail || n[1].Channel != notify.ChannelSMS {
		t.Fatalf("binding notified %+v, want email and SMS", n)
	}
	p := signIn(t, svc)
	if _, err := svc.Auth.VerifyTOTP(ctx, p, first); code(t, err) != fault.CodeCodeReused {
		t.Fatalf("replayed TOTP: %v", err)
	}
	c.Advance(30 * time.Second)
	next, _ := totp.GenerateCode(key.Secret(), c.Now())
	if _, err := svc.Auth.VerifyTOTP(ctx, p, next); err != nil {
		t.Fatalf("next step: %v", err)
	}
}

func TestBackupCodesSingleUseAndLastMethod(t *testing.T) {
	t.Parallel()
	svc, _, snd, id := setup(t)
	ctx := context.Background()
	s := session(t, svc, snd)
	codes, err := svc.Auth.RegenerateBackupCodes(ctx, s)
	if err != nil || len(codes) != account.BackupCodeCount || len(codes[0]) != account.BackupCodeLength {
		t.Fatalf("codes %v, %v", codes, err)
	}
	p := signIn(t, svc)
	if _, err := svc.Auth.VerifyBackupCode(ctx, p, codes[3]); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Auth.VerifyBackupCode(ctx, p, codes[3]); code(t, err) != fault.CodeCodeReused {
		t.Fatalf("reused backup code: %v", err)
	}
	var methods []account.Method
	svc.Store.Read(ctx, func(r store.Reader) error { methods, _ = r.Methods(ctx, id); return nil })
	s = session(t, svc, snd)
	if err := svc.Auth.RemoveMethod(ctx, s, authn.MethodRef{Kind: account.KindPhone, ID: phoneID(t, svc, id)}); err != nil {
		t.Fatalf("remove phone with backup codes left: %v", err)
	}
	if err := svc.Auth.RemoveMethod(ctx, s, authn.MethodRef{Kind: account.KindBackupCodes, ID: methods[0].ID}); !errors.Is(err, fault.ErrLastMethod) {
		t.Fatalf("removed the last method: %v", err)
	}
}

func TestHardLockAfterHundredFailures(t *testing.T) {
	t.Parallel()
	svc, c, _, id := setup(t)
	ctx := context.Background()
	for i := range account.HardLockFailures {
		if i%account.SignInMaxFailures == 0 {
			c.Advance(account.SignInWindow)
		}
		svc.Auth.SignIn(ctx, email, "wrong password!!", "10.0.0."+string(rune('0'+i%10)))
	}
	var a account.Account
	svc.Store.Read(ctx, func(r store.Reader) error { a, _ = r.Account(ctx, id); return nil })
	if a.Status != account.StatusLocked {
		t.Fatalf("status %s after %d failures", a.Status, a.ConsecFailures)
	}
	c.Advance(account.SignInWindow)
	if _, err := svc.Auth.SignIn(ctx, email, password, "10.9.9.9"); code(t, err) != fault.CodeHardLocked {
		t.Fatalf("hard-locked sign-in: %v", err)
	}
	found := false
	for _, n := range outbox(t, svc, id) {
		found = found || n.Template == notify.TemplateHardLocked
	}
	if !found {
		t.Fatal("hard lock not notified")
	}
}

func TestAccountResetTimeline(t *testing.T) {
	t.Parallel()
	svc, c, snd, id := setup(t)
	ctx := context.Background()
	if err := svc.Auth.RequestReset(ctx, signIn(t, svc)); err != nil {
		t.Fatal(err)
	}
	c.Advance(23 * time.Hour)
	if n, err := svc.Auth.GrantDue(ctx); n != 0 || err != nil {
		t.Fatalf("granted before 24 h: %d %v", n, err)
	}
	if err := svc.Auth.DeleteWithToken(ctx, id, "anything"); code(t, err) != fault.CodeResetNotGranted {
		t.Fatalf("delete while waiting: %v", err)
	}
	c.Advance(time.Hour)
	if n, err := svc.Auth.GrantDue(ctx); n != 1 || err != nil {
		t.Fatalf("grant at 24 h: %d %v", n, err)
	}
	var token string
	for _, n := range outbox(t, svc, id) {
		if n.Template == notify.TemplateResetGranted && n.Channel == notify.ChannelEmail {
			sealed, _ := hex.DecodeString(n.Data["token_sealed"])
			plain, err := svc.Keys.Open(sealed, authn.ResetTokenAAD(id))
			if err != nil {
				t.Fatal(err)
			}
			token = string(plain)
		}
	}
	if err := svc.Auth.DeleteWithToken(ctx, id, "WRONGTOKEN"); !errors.Is(err, fault.ErrBadCredentials) {
		t.Fatalf("wrong token: %v", err)
	}
	if err := svc.Auth.DeleteWithToken(ctx, id, token); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Auth.SignIn(ctx, email, password, "10.0.0.3"); !errors.Is(err, fault.ErrBadCredentials) {
		t.Fatalf("deleted account still signs in: %v", err)
	}
	_ = snd
}

func TestSignInCancelsPendingReset(t *testing.T) {
	t.Parallel()
	svc, _, snd, id := setup(t)
	ctx := context.Background()
	svc.Auth.RequestReset(ctx, signIn(t, svc))
	session(t, svc, snd)
	var r *account.Reset
	var a account.Account
	svc.Store.Read(ctx, func(rd store.Reader) error {
		r, _ = rd.Reset(ctx, id)
		a, _ = rd.Account(ctx, id)
		return nil
	})
	if r == nil || r.CancelledBy != "sign_in" || a.Status != account.StatusActive {
		t.Fatalf("reset %+v, status %s", r, a.Status)
	}
	// Staff cancel through the desk, on their session.
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "agent-1@example.gov", Role: access.RoleAgent})
	if err := svc.Desk.CancelReset(ctx, agent.Token, id, authn.CancelSuspectedFraud); code(t, err) != fault.CodeResetNotPending {
		t.Fatalf("cancel of a cancelled reset: %v", err)
	}
	// "On a verified caller's word" needs a caller this session verified.
	if err := svc.Desk.CancelReset(ctx, agent.Token, id, authn.CancelVerifiedCaller); code(t, err) != fault.CodeCallerUnverified {
		t.Fatalf("cancel on an unverified caller's word: %v", err)
	}
	desk := coretest.AddStaff(t, svc, staff.NewAgent{Email: "d@example.gov", Role: access.RoleAgencyDesk, Agencies: []string{"ssa"}})
	if err := svc.Desk.CancelReset(ctx, desk.Token, id, authn.CancelVerifiedCaller); code(t, err) != fault.CodeNotPermitted {
		t.Fatalf("agency help desk acted on an account: %v", err)
	}
	// The engine's cancel is the user's own link only.
	if err := svc.Auth.CancelReset(ctx, access.User(id), id, authn.CancelByUser); code(t, err) != fault.CodeResetNotPending {
		t.Fatalf("user cancel of a cancelled reset: %v", err)
	}
	if err := svc.Auth.CancelReset(ctx, access.User("someone-else"), id, authn.CancelByUser); code(t, err) != fault.CodeNotPermitted {
		t.Fatalf("a user cancelled another's reset: %v", err)
	}
	staffActor := access.Actor{ID: agent.AgentID, Role: access.RoleAgent, Session: agent.SessionID}
	if err := svc.Auth.CancelReset(ctx, staffActor, id, authn.CancelVerifiedCaller); code(t, err) != fault.CodeNotPermitted {
		t.Fatalf("an agent cancelled through the user's link: %v", err)
	}
	if count, brk := coretest.VerifyAudit(t, svc); brk != nil || count < 5 {
		t.Fatalf("audit after the flow: %d entries verified, break %v", count, brk)
	}
}

func TestUserCancelsOwnReset(t *testing.T) {
	t.Parallel()
	svc, _, _, id := setup(t)
	ctx := context.Background()
	if err := svc.Auth.RequestReset(ctx, signIn(t, svc)); err != nil {
		t.Fatal(err)
	}
	if err := svc.Auth.CancelReset(ctx, access.User(id), id, authn.CancelByUser); err != nil {
		t.Fatalf("user cancel: %v", err)
	}
	var r *account.Reset
	var a account.Account
	svc.Store.Read(ctx, func(rd store.Reader) error {
		r, _ = rd.Reset(ctx, id)
		a, _ = rd.Account(ctx, id)
		return nil
	})
	if r == nil || r.CancelledBy != id || a.Status != account.StatusActive {
		t.Fatalf("reset %+v, status %s", r, a.Status)
	}
	found := false
	for _, n := range outbox(t, svc, id) {
		found = found || n.Template == notify.TemplateResetCancelled
	}
	if !found {
		t.Fatal("cancel not notified")
	}
}

func TestAgentCancelsResetThroughTheDesk(t *testing.T) {
	t.Parallel()
	svc, _, _, id := setup(t)
	ctx := context.Background()
	if err := svc.Auth.RequestReset(ctx, signIn(t, svc)); err != nil {
		t.Fatal(err)
	}
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "agent-1@example.gov", Role: access.RoleAgent})
	if err := svc.Desk.CancelReset(ctx, agent.Token, id, authn.CancelByUser); code(t, err) != fault.CodeInvalidInput {
		t.Fatalf("agent cancel with the user's reason: %v", err)
	}
	if err := svc.Desk.CancelReset(ctx, agent.Token, id, authn.CancelSuspectedFraud); err != nil {
		t.Fatalf("agent cancel as fraud: %v", err)
	}
	var r *account.Reset
	var a account.Account
	svc.Store.Read(ctx, func(rd store.Reader) error {
		r, _ = rd.Reset(ctx, id)
		a, _ = rd.Account(ctx, id)
		return nil
	})
	if r == nil || r.CancelledBy != agent.AgentID || a.Status != account.StatusFraudReview {
		t.Fatalf("reset %+v, status %s", r, a.Status)
	}
}
