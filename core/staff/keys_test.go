package staff_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/ssh"

	"supportdesk/core/access"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
)

func newKey(t *testing.T) (line, fp string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))) + " laptop@example", ssh.FingerprintSHA256(pk)
}

// A registered key admits an agent to the TOTP prompt, and only a good,
// unused code opens an SSH session. Removing the key ends the agent's
// sessions and closes the door.
func TestSSHKeysAreOneFactor(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	admin := coretest.AddStaff(t, svc, staff.NewAgent{Email: "root@desk.example", Role: access.RoleAdmin})
	a := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	line, fp := newKey(t)
	other, otherFP := newKey(t)

	if _, err := svc.Staff.AddKey(ctx, a.Token, "a@desk.example", line); code(t, err) != fault.CodeNotPermitted {
		t.Fatalf("an agent registers keys: %v", err)
	}
	if _, err := svc.Staff.AddKey(ctx, admin.Token, "a@desk.example", "ssh-ed25519 AAAAnotakey"); code(t, err) != fault.CodeInvalidInput {
		t.Fatalf("a malformed key: %v", err)
	}
	got, err := svc.Staff.AddKey(ctx, admin.Token, "A@desk.example", line)
	if err != nil || got != fp {
		t.Fatalf("AddKey = %q, %v; want %s", got, err, fp)
	}
	if _, err := svc.Staff.AddKey(ctx, admin.Token, "root@desk.example", line); code(t, err) != fault.CodeConflict {
		t.Fatalf("one key for two agents: %v", err)
	}
	if !svc.Staff.KnownKey(ctx, fp) || svc.Staff.KnownKey(ctx, otherFP) {
		t.Fatalf("KnownKey: registered %v, unknown %v", svc.Staff.KnownKey(ctx, fp), svc.Staff.KnownKey(ctx, otherFP))
	}
	if _, err := svc.Staff.SignInByKey(ctx, otherFP, "123456"); code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("an unknown key signs in: %v", err)
	}
	if _, err := svc.Staff.SignInByKey(ctx, fp, "000000"); code(t, err) != fault.CodeBadCredentials {
		t.Fatalf("a wrong code: %v", err)
	}
	clk.Advance(30 * time.Second)
	good, _ := totp.GenerateCode(a.Secret, clk.Now())
	in, err := svc.Staff.SignInByKey(ctx, fp, good)
	if err != nil || in.AgentID != a.AgentID {
		t.Fatalf("SignInByKey = %+v, %v", in, err)
	}
	if _, err := svc.Staff.SignInByKey(ctx, fp, good); code(t, err) != fault.CodeCodeReused {
		t.Fatalf("a replayed code: %v", err)
	}
	if _, err := svc.Staff.Whoami(ctx, in.Token); err != nil {
		t.Fatalf("the SSH session: %v", err)
	}
	// Idle lock over SSH: the code alone unlocks.
	clk.Advance(31 * time.Minute)
	if _, err := svc.Staff.Whoami(ctx, in.Token); code(t, err) != fault.CodeSessionLocked {
		t.Fatalf("idle SSH session: %v", err)
	}
	good, _ = totp.GenerateCode(a.Secret, clk.Now())
	if err := svc.Staff.Unlock(ctx, in.Token, "", good); err != nil {
		t.Fatalf("unlock by code: %v", err)
	}
	admin = coretest.Issue(t, svc, admin.AgentID) // the admin's console went idle too
	if _, err := svc.Staff.RemoveKey(ctx, admin.Token, "a@desk.example", other); code(t, err) != fault.CodeNotFound {
		t.Fatalf("removing a key not registered: %v", err)
	}
	n, err := svc.Staff.RemoveKey(ctx, admin.Token, "a@desk.example", fp)
	if err != nil || n < 1 {
		t.Fatalf("RemoveKey = %d, %v", n, err)
	}
	if _, err := svc.Staff.Whoami(ctx, in.Token); err == nil {
		t.Fatal("a session survives its key's removal")
	}
	if svc.Staff.KnownKey(ctx, fp) {
		t.Fatal("a removed key is still known")
	}
	// A disabled agent's key no longer admits it.
	svc.Staff.AddKey(ctx, admin.Token, "a@desk.example", line)
	if _, err := svc.Staff.Disable(ctx, admin.Token, "a@desk.example"); err != nil {
		t.Fatal(err)
	}
	if svc.Staff.KnownKey(ctx, fp) {
		t.Fatal("a disabled agent's key is known")
	}
}
