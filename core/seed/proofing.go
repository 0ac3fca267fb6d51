package seed

import (
	"context"
	"math/rand/v2"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/proofing"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// The identity-proofing cases the demo shows, one account each at least.
const (
	CaseMidProofing = "mid_proofing"     // document passed, resolution next
	CaseDocLocked   = "doc_auth_locked"  // 5 failed documents: rate-limited
	CaseByMail      = "waiting_for_mail" // a letter sent, code not entered
	CaseInPerson    = "in_person"        // an enrollment code at a post office
	CaseFraudReview = "fraud_review"     // resolution raised a fraud signal
	caseNone        = ""
)

// Cases lists the proofing cases in the order the demo names them.
var Cases = []string{CaseMidProofing, CaseDocLocked, CaseByMail, CaseInPerson, CaseFraudReview}

// proofingStream is account i's own random stream for proofing, apart from
// the account's, so that adding proofing left every other seeded value as
// it was.
func proofingStream(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x1d5e0f1d5, (uint64(i)+1)*0x9e3779b97f4a7c15))
}

// Case tells which proofing case account i of a seed is in ("" for none).
func Case(seed uint64, i int) string {
	switch x := proofingStream(seed, i).IntN(1000); {
	case x < 15:
		return CaseMidProofing
	case x < 25:
		return CaseDocLocked
	case x < 32:
		return CaseByMail
	case x < 38:
		return CaseInPerson
	case x < 42:
		return CaseFraudReview
	}
	return caseNone
}

// CaseExample is the first account of a seed in a case, for the docs and
// the demo's suggestions; -1 when none of the first n is.
func CaseExample(seed uint64, kind string, n int) int {
	for i := range n {
		if Case(seed, i) == kind {
			return i
		}
	}
	return -1
}

// proofingCase writes account i's proofing rows for its case.
func (g *gen) proofingCase(ctx context.Context, tx store.Tx, id string, i int, kind string) error {
	q := proofingStream(g.seed, i)
	q.IntN(1000) // the draw Case made
	started := g.now.Add(-time.Duration(1+q.IntN(5)) * time.Hour).Truncate(time.Millisecond)
	v := store.IDV{AccountID: id, Step: proofing.StepDocument, StartedAt: started, UpdatedAt: started}
	attempt := func(step string, passed bool, at time.Time, reasons ...string) error {
		return tx.InsertIDVAttempt(ctx, &store.IDVAttempt{AccountID: id, Step: step, Passed: passed, Reasons: reasons, At: at})
	}
	docFailures := []string{string(proofing.ReasonGlare), string(proofing.ReasonBlur), string(proofing.ReasonBarcode)}
	switch kind {
	case CaseMidProofing:
		if err := attempt(proofing.StepDocument, false, started, docFailures[q.IntN(3)]); err != nil {
			return err
		}
		if err := proofing.DocAuth.Record(ctx, tx, id, 2, started); err != nil {
			return err
		}
		v.DocAt, v.Step = started.Add(10*time.Minute), proofing.StepResolution
		if err := attempt(proofing.StepDocument, true, v.DocAt); err != nil {
			return err
		}
	case CaseDocLocked:
		for k := range proofing.DocAuth.Max {
			if err := attempt(proofing.StepDocument, false, started.Add(time.Duration(k)*7*time.Minute),
				docFailures[q.IntN(3)], docFailures[q.IntN(3)]); err != nil {
				return err
			}
		}
		if err := proofing.DocAuth.Record(ctx, tx, id, proofing.DocAuth.Max, started); err != nil {
			return err
		}
	case CaseByMail, CaseInPerson, CaseFraudReview:
		v.DocAt, v.ResolvedAt = started, started.Add(5*time.Minute)
		if err := attempt(proofing.StepDocument, true, v.DocAt); err != nil {
			return err
		}
		state := account.ProfilePendingMail
		switch kind {
		case CaseByMail:
			v.Step = proofing.StepByMail
			sent := g.now.Add(-time.Duration(1+q.IntN(9)) * 24 * time.Hour).Truncate(time.Millisecond)
			if err := tx.InsertLetter(ctx, &store.Letter{AccountID: id, CodeHash: g.keys.HashCode("letter:"+id, secret.RandomCrockford(10)),
				SentAt: sent, ExpiresAt: sent.Add(proofing.LetterValidity)}); err != nil {
				return err
			}
		case CaseInPerson:
			v.Step, state = proofing.StepInPerson, account.ProfilePendingInPerson
			made := g.now.Add(-time.Duration(1+q.IntN(5)) * 24 * time.Hour).Truncate(time.Millisecond)
			code := make([]byte, 16)
			for k := range code {
				code[k] = byte('0' + q.IntN(10))
			}
			if err := tx.PutEnrollment(ctx, store.Enrollment{AccountID: id, Code: string(code), Status: proofing.EnrollPending,
				CreatedAt: made, ExpiresAt: made.Add(proofing.EnrollmentValidity), UpdatedAt: made}); err != nil {
				return err
			}
		case CaseFraudReview:
			v.Step, v.ResolvedAt, state = proofing.StepFraudReview, time.Time{}, account.ProfilePendingFraud
			if err := attempt(proofing.StepResolution, false, started.Add(5*time.Minute), string(proofing.ReasonFraud)); err != nil {
				return err
			}
			if err := tx.PutFraudReview(ctx, store.FraudReview{AccountID: id, Status: proofing.FraudPending, OpenedAt: started.Add(5 * time.Minute)}); err != nil {
				return err
			}
		}
		if v.Step != proofing.StepFraudReview {
			if err := attempt(proofing.StepResolution, true, v.ResolvedAt); err != nil {
				return err
			}
		}
		if err := tx.PutProfile(ctx, account.Profile{AccountID: id, State: state}); err != nil {
			return err
		}
	}
	return tx.PutIDV(ctx, v)
}
