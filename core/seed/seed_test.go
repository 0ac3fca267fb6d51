package seed_test

import (
	"context"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/coretest"
	"supportdesk/core/desk"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

func seeded(t testing.TB, n int, s uint64) *service.Service {
	t.Helper()
	svc, c, _ := coretest.Open(t)
	if _, err := seed.Run(context.Background(), svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{
		Accounts: n, Seed: s, Now: c.Now(), PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}); err != nil {
		t.Fatal(err)
	}
	return svc
}

// fingerprint is what a person-level comparison of two seeded accounts sees.
type fingerprint struct {
	status   account.Status
	ial      int
	emails   []string
	methods  []account.MethodKind
	agencies int
	events   []account.EventKind
}

// supervisor signs in the seeded demo supervisor: seeding adds no other
// agent, so the agent count stays the demo's.
func supervisor(t *testing.T, svc *service.Service) staff.Token {
	t.Helper()
	return coretest.Session(t, svc, "supervisor@demo.example").Token
}

func view(t *testing.T, svc *service.Service, tok staff.Token, q string) fingerprint {
	t.Helper()
	v, err := svc.Desk.Lookup(context.Background(), tok, q)
	if err != nil {
		t.Fatalf("look-up of seeded account: %v", err)
	}
	f := fingerprint{status: v.Status, ial: v.IAL, agencies: len(v.Agencies)}
	for _, e := range v.Emails {
		f.emails = append(f.emails, e.Masked)
	}
	for _, m := range v.Methods {
		f.methods = append(f.methods, m.Kind)
	}
	for _, e := range v.Events {
		f.events = append(f.events, e.Kind)
	}
	return f
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := seeded(t, 300, 42), seeded(t, 300, 42)
	supA, supB := supervisor(t, a), supervisor(t, b)
	for _, i := range []int{0, 7, 150, 299} {
		fa := view(t, a, supA, seed.Email(42, i))
		fb := view(t, b, supB, seed.Email(42, i))
		if fmtv(fa) != fmtv(fb) {
			t.Fatalf("account %d differs:\n%v\n%v", i, fa, fb)
		}
		if v, err := a.Desk.Lookup(context.Background(), supA, seed.AccountID(42, i)); err != nil || v.ID != seed.AccountID(42, i) {
			t.Fatalf("uuid look-up of %d: %v", i, err)
		}
	}
	if seed.Email(42, 5) == seed.Email(43, 5) && seed.Phone(42, 5) == seed.Phone(43, 5) {
		t.Fatal("another seed made the same person")
	}
}

func fmtv(f fingerprint) string { return fmtAny(f) }

func TestSeedMix(t *testing.T) {
	t.Parallel()
	const n = 3000
	svc := seeded(t, n, 1)
	sup := supervisor(t, svc)
	ctx := context.Background()
	langs := map[string]int{}
	status := map[account.Status]int{}
	stages := map[account.Stage]int{}
	kinds := map[account.MethodKind]int{}
	multi, ial2, linked, locked, partlyUsed := 0, 0, 0, 0, 0
	for i := range n {
		v, err := svc.Desk.Lookup(ctx, sup, seed.AccountID(1, i))
		if err != nil {
			t.Fatal(err)
		}
		langs[v.Language]++
		status[v.Status]++
		if v.Reset != nil {
			stages[v.Reset.Stage]++
		}
		if len(v.Methods) > 1 {
			multi++
		}
		if len(v.Methods) == 0 {
			t.Fatalf("account %d has no MFA method", i)
		}
		for _, m := range v.Methods {
			kinds[m.Kind]++
			if m.Kind == account.KindBackupCodes && m.Remaining > 0 && m.Remaining < account.BackupCodeCount {
				partlyUsed++
			}
		}
		if v.IAL == 2 && v.Profile != nil {
			ial2++
		}
		if len(v.Agencies) > 0 {
			linked++
		}
		if !v.LockedUntil.IsZero() {
			locked++
		}
	}
	for _, l := range account.Languages {
		if langs[l] < n/20 {
			t.Errorf("language %s: %d accounts", l, langs[l])
		}
	}
	for _, s := range []account.Status{account.StatusActive, account.StatusLocked, account.StatusSuspended, account.StatusResetPending} {
		if status[s] == 0 {
			t.Errorf("no account with status %s", s)
		}
	}
	for _, s := range []account.Stage{account.StageWaiting, account.StageGranted, account.StageExpired, account.StageCancelled} {
		if stages[s] == 0 {
			t.Errorf("no reset at stage %s", s)
		}
	}
	for _, k := range []account.MethodKind{account.KindPhone, account.KindAuthApp, account.KindSecurityKey, account.KindBackupCodes, account.KindPIVCAC} {
		if kinds[k] == 0 {
			t.Errorf("no method of kind %s", k)
		}
	}
	if multi == 0 || ial2 == 0 || linked == 0 || locked == 0 || partlyUsed == 0 {
		t.Errorf("multi=%d ial2=%d linked=%d locked=%d partly used codes=%d", multi, ial2, linked, locked, partlyUsed)
	}
	var agents int
	svc.Store.Read(ctx, func(r store.Reader) error {
		all, err := r.Agents(ctx)
		agents = len(all)
		roles := map[access.Role]bool{}
		for _, a := range all {
			roles[a.Role] = true
		}
		for _, role := range access.Roles {
			if !roles[role] {
				t.Errorf("no demo agent with role %s", role)
			}
		}
		return err
	})
	if agents != len(seed.DemoAgents(1)) {
		t.Errorf("%d agents", agents)
	}
	if count, brk := coretest.VerifyAudit(t, svc); brk != nil || count < n {
		t.Fatalf("audit after seeding: %d entries verified, break %v", count, brk)
	}
}

func BenchmarkSeed1000(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		svc, c, _ := coretest.Open(b)
		b.StartTimer()
		if _, err := seed.Run(context.Background(), svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{
			Accounts: 1000, Seed: 1, Now: c.Now(), PasswordHash: "x"}); err != nil {
			b.Fatal(err)
		}
	}
	_ = desk.EventLimit
}
