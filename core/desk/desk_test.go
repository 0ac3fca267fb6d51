package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

const accounts = 200

func seeded(t *testing.T) (*service.Service, *clock.Fake) {
	t.Helper()
	svc, c, _ := coretest.Open(t)
	hash, err := secret.HashPassword(seed.DemoPassword, coretest.FastArgon)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Run(context.Background(), svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{
		Accounts: accounts, Seed: 9, Now: c.Now(), PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	return svc, c
}

// addAgent signs in a contact-center agent of the service.
func addAgent(t *testing.T, svc *service.Service) coretest.Staff {
	t.Helper()
	return coretest.AddStaff(t, svc, staff.NewAgent{Email: "agent-1@example.gov", Role: access.RoleAgent})
}

func lastAudit(t *testing.T, svc *service.Service) audit.Entry {
	t.Helper()
	var tail []audit.Entry
	svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		tail, err = r.AuditTail(context.Background(), 1)
		return err
	})
	if len(tail) == 0 {
		t.Fatal("empty audit log")
	}
	return tail[0]
}

func TestLookupFindsByEmailPhoneAndUUIDMasked(t *testing.T) {
	t.Parallel()
	svc, _ := seeded(t)
	agent := addAgent(t, svc)
	ctx := context.Background()
	// Find an account with a phone to exercise all three kinds.
	for i := range accounts {
		email, phone, id := seed.Email(9, i), seed.Phone(9, i), seed.AccountID(9, i)
		v, err := svc.Desk.Lookup(ctx, agent.Token, email)
		if err != nil {
			t.Fatalf("email look-up: %v", err)
		}
		if v.ID != id {
			t.Fatalf("email found %s, want %s", v.ID, id)
		}
		if len(v.Phones) == 0 {
			continue
		}
		// Formatting is allowed: "+1 (202) 200-0001" style.
		formatted := phone[:2] + " (" + phone[2:5] + ") " + phone[5:8] + "-" + phone[8:]
		if strings.HasPrefix(phone, "+33") {
			formatted = phone
		}
		byPhone, err := svc.Desk.Lookup(ctx, agent.Token, formatted)
		if err != nil || byPhone.ID != id {
			t.Fatalf("phone look-up %q: %v (%s)", formatted, err, byPhone.ID)
		}
		byID, err := svc.Desk.Lookup(ctx, agent.Token, strings.ToUpper(id))
		if err != nil || byID.ID != id {
			t.Fatalf("uuid look-up: %v", err)
		}
		local := email[:strings.IndexByte(email, '@')]
		for _, e := range v.Emails {
			if strings.Contains(e.Masked, local) || !strings.Contains(e.Masked, "•••@") {
				t.Fatalf("email not masked: %q", e.Masked)
			}
		}
		for _, p := range v.Phones {
			if strings.Contains(p.Masked, phone[2:8]) || !strings.HasPrefix(p.Masked, "•••-•••-") {
				t.Fatalf("phone not masked: %q", p.Masked)
			}
		}
		if len(v.Events) == 0 || len(v.Events) > desk.EventLimit {
			t.Fatalf("%d events", len(v.Events))
		}
		for k := 1; k < len(v.Events); k++ {
			if v.Events[k].At.After(v.Events[k-1].At) {
				t.Fatal("events not newest first")
			}
		}
		if e := lastAudit(t, svc); e.Action != "account.view" || e.TargetID != id || e.ActorID != agent.AgentID {
			t.Fatalf("last audit entry %+v", e)
		}
		return
	}
	t.Fatal("no seeded account with a phone")
}

func TestBadQueriesStoreOnlyTheSearchAudit(t *testing.T) {
	t.Parallel()
	svc, _ := seeded(t)
	agent := addAgent(t, svc)
	ctx := context.Background()
	cases := []struct {
		name, query string
		want        fault.Code
	}{
		{"unknown email", "nobody.here@example.com", fault.CodeNotFound},
		{"malformed phone", "555-01", fault.CodePhoneMalformed},
		{"malformed email", "jane@@example.com", fault.CodeEmailMalformed},
		{"10 000 characters", strings.Repeat("a", 10000), fault.CodeQueryTooLong},
		{"escape sequences", "\x1b]0;pwned\x07\x1b[31mjane@example.com", fault.CodeQueryUnrecognised},
		{"C1 control", "jane\u009b@example.com", fault.CodeQueryUnrecognised},
		{"words", "john smith", fault.CodeQueryUnrecognised},
		{"empty", "   ", fault.CodeQueryUnrecognised},
		{"invalid utf-8", "\xff\xfe@example.com", fault.CodeQueryUnrecognised},
	}
	for _, c := range cases {
		before := coretest.Count(t, svc)
		_, err := svc.Desk.Lookup(ctx, agent.Token, c.query)
		if got := fault.CodeOf(err); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		after := coretest.Count(t, svc)
		if after.Accounts != before.Accounts || after.Outbox != before.Outbox || after.Audit != before.Audit+1 {
			t.Errorf("%s: stored more than one audit entry: %+v -> %+v", c.name, before, after)
		}
		e := lastAudit(t, svc)
		if e.Action != "account.search" || e.TargetID != "" || strings.Contains(e.Detail, "@") || strings.Contains(e.Detail, "555") {
			t.Errorf("%s: search audit %+v", c.name, e)
		}
	}
}

func TestAgencyHelpDeskSeesOnlyItsAgencyLite(t *testing.T) {
	t.Parallel()
	svc, _ := seeded(t)
	agent := addAgent(t, svc)
	ctx := context.Background()
	ssa := coretest.AddStaff(t, svc, staff.NewAgent{Email: "hd-1@example.gov", Role: access.RoleAgencyDesk, Agencies: []string{"ssa"}})
	in, out := 0, 0
	for i := range accounts {
		// The agent's full view says which agencies the account is linked to.
		full, err := svc.Desk.Lookup(ctx, agent.Token, seed.AccountID(9, i))
		if err != nil {
			t.Fatal(err)
		}
		linked := false
		for _, a := range full.Agencies {
			linked = linked || a.ID == "ssa"
		}
		v, err := svc.Desk.Lookup(ctx, ssa.Token, seed.Email(9, i))
		switch {
		case linked && err != nil:
			t.Fatalf("linked account refused: %v", err)
		case linked:
			in++
			if !v.Lite || len(v.Phones) != 0 || len(v.Events) != 0 || len(v.Devices) != 0 ||
				len(v.Emails) != 0 || v.Profile != nil || v.Reset != nil {
				t.Fatalf("help desk got full detail: %+v", v)
			}
			for _, a := range v.Agencies {
				if a.ID != "ssa" {
					t.Fatalf("help desk saw another agency's link: %+v", v.Agencies)
				}
			}
		case !errors.Is(err, fault.ErrNotFound):
			t.Fatalf("help desk saw another agency's user: %v", err)
		default:
			out++
			if e := lastAudit(t, svc); !strings.Contains(e.Detail, "out_of_scope") || e.TargetID != "" {
				t.Fatalf("out-of-scope search audit %+v", e)
			}
		}
	}
	if in == 0 || out == 0 {
		t.Fatalf("in scope %d, out of scope %d", in, out)
	}
}

// Agent sign-in and agent management moved from the desk to core/staff;
// these tests follow them there through the service.

func demoCode(t *testing.T, c *clock.Fake, email string) string {
	t.Helper()
	for _, a := range seed.DemoAgents(9) {
		if a.Email == email {
			code, err := totp.GenerateCode(a.TOTPSecret, c.Now())
			if err != nil {
				t.Fatal(err)
			}
			return code
		}
	}
	t.Fatalf("no demo agent %s", email)
	return ""
}

func TestAgentSignIn(t *testing.T) {
	t.Parallel()
	svc, c := seeded(t)
	ctx := context.Background()
	const email = "supervisor@demo.example"
	code := demoCode(t, c, email)
	got, err := svc.Staff.SignIn(ctx, email, seed.DemoPassword, code, "tty")
	if err != nil {
		t.Fatal(err)
	}
	if got.Role != access.RoleSupervisor || got.UILanguage != "es" || got.Token == "" || got.SessionID == "" {
		t.Fatalf("signed in as %+v", got)
	}
	// The session core opened is the one the sign-in is audited under.
	if e := lastAudit(t, svc); e.Action != "agent.sign_in" || e.Session != got.SessionID || e.ActorID != got.AgentID {
		t.Fatalf("sign-in audit %+v", e)
	}
	if _, err := svc.Staff.SignIn(ctx, email, seed.DemoPassword, code, "tty"); fault.CodeOf(err) != fault.CodeCodeReused {
		t.Fatalf("replayed TOTP: %v", err)
	}
	if _, err := svc.Staff.SignIn(ctx, "nobody@demo.example", seed.DemoPassword, code, "tty"); !errors.Is(err, fault.ErrBadCredentials) {
		t.Fatalf("unknown agent: %v", err)
	}
	c.Advance(30 * time.Second)
	for range 5 {
		svc.Staff.SignIn(ctx, email, "wrong password", demoCode(t, c, email), "tty")
	}
	_, err = svc.Staff.SignIn(ctx, email, seed.DemoPassword, demoCode(t, c, email), "tty")
	if fe, ok := fault.As(err); !ok || fe.Code != fault.CodeLocked || fe.Until.IsZero() {
		t.Fatalf("after 5 failures: %v", err)
	}
	c.Advance(16 * time.Minute)
	if _, err := svc.Staff.SignIn(ctx, email, seed.DemoPassword, demoCode(t, c, email), "tty"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	if err := svc.Staff.SetUILanguage(ctx, got.Token, "fr"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Staff.SetUILanguage(ctx, got.Token, "de"); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Fatalf("unsupported language: %v", err)
	}
}

func TestAddAgentNeedsAdminAndGivesTOTP(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	agent := addAgent(t, svc)
	in := staff.NewAgent{Email: "new.agent@example.gov", DisplayName: "New Agent", Role: access.RoleAgent,
		Languages: []string{"en", "fr"}, Password: "a long enough password"}
	if _, err := svc.Staff.AddAgent(ctx, agent.Token, in); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("agent added an agent: %v", err)
	}
	admin := coretest.AddStaff(t, svc, staff.NewAgent{Email: "admin-1@example.gov", Role: access.RoleAdmin})
	p, err := svc.Staff.AddAgent(ctx, admin.Token, in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.URI, "otpauth://totp/") || p.Secret == "" {
		t.Fatalf("provisioning %+v", p)
	}
	code, _ := totp.GenerateCode(p.Secret, coretest.Start)
	if _, err := svc.Staff.SignIn(ctx, in.Email, in.Password, code, "tty"); err != nil {
		t.Fatalf("new agent sign-in: %v", err)
	}
	if _, err := svc.Staff.AddAgent(ctx, admin.Token, in); fault.CodeOf(err) != fault.CodeConflict {
		t.Fatalf("duplicate agent: %v", err)
	}
	bad := in
	bad.Role = "root"
	if _, err := svc.Staff.AddAgent(ctx, admin.Token, bad); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Fatalf("bad role: %v", err)
	}
}
