package seed_test

import (
	"context"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/coretest"
	"supportdesk/core/proofing"
	"supportdesk/core/seed"
	"supportdesk/core/staff"
)

// Each proofing case the demo promises is seeded, and an agent sees it.
func TestProofingCasesAreSeeded(t *testing.T) {
	t.Parallel()
	svc, c, _ := coretest.Open(t)
	ctx := context.Background()
	const n = 400
	if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{Accounts: n, Seed: 1, Now: c.Now(), PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	want := map[string]string{seed.CaseMidProofing: proofing.StepResolution, seed.CaseDocLocked: proofing.StepDocument,
		seed.CaseByMail: proofing.StepByMail, seed.CaseInPerson: proofing.StepInPerson, seed.CaseFraudReview: proofing.StepFraudReview}
	for _, kind := range seed.Cases {
		i := seed.CaseExample(1, kind, n)
		if i < 0 {
			t.Fatalf("no %s account in the first %d", kind, n)
		}
		v, err := svc.Desk.View(ctx, agent.Token, seed.AccountID(1, i), "test")
		if err != nil {
			t.Fatal(err)
		}
		if v.Proofing == nil || v.Proofing.Step != want[kind] {
			t.Fatalf("%s (account %d): proofing %+v", kind, i, v.Proofing)
		}
		t.Logf("%s: account %d, %s", kind, i, seed.Email(1, i))
		switch kind {
		case seed.CaseDocLocked:
			if l := v.Proofing.Limits[0]; l.Used != 5 || !l.Exhausted() || len(v.Proofing.Attempts) != 5 {
				t.Errorf("locked out: %+v, %d attempts", l, len(v.Proofing.Attempts))
			}
		case seed.CaseInPerson:
			if e := v.Proofing.Enrollment; e == nil || len(e.Code) != 16 || e.Status != proofing.EnrollPending {
				t.Errorf("enrollment %+v", e)
			}
		case seed.CaseByMail:
			if len(v.Proofing.Letters) != 1 {
				t.Errorf("letters %+v", v.Proofing.Letters)
			}
		case seed.CaseFraudReview:
			if f := v.Proofing.Fraud; f == nil || f.Status != proofing.FraudPending {
				t.Errorf("fraud review %+v", f)
			}
		}
	}
}
