package proofing

import (
	"context"
	"time"

	"supportdesk/core/limit"
	"supportdesk/core/store"
)

// View is where a user stands in proofing, as an agent may see it: steps
// and dates, limiters, reason codes, the fallbacks. Never the identity data.
type View struct {
	Step       string
	StartedAt  time.Time
	DocAt      time.Time
	ResolvedAt time.Time
	VerifiedAt time.Time
	Limits     []limit.Status
	Attempts   []store.IDVAttempt // newest first, at most AttemptLimit
	Enrollment *store.Enrollment  // in-person, when one was made
	Letters    []LetterView
	Fraud      *store.FraudReview
}

// LetterView is a letter without its code.
type LetterView struct {
	SentAt, ExpiresAt, UsedAt time.Time
}

// AttemptLimit is how many attempts a view carries.
const AttemptLimit = 10

// Snapshot reads an account's proofing on r at now; nil when the user never
// started.
func Snapshot(ctx context.Context, r store.Reader, accountID string, now time.Time) (*View, error) {
	v, err := r.IDV(ctx, accountID)
	if err != nil || v == nil {
		return nil, err
	}
	out := &View{Step: v.Step, StartedAt: v.StartedAt, DocAt: v.DocAt, ResolvedAt: v.ResolvedAt, VerifiedAt: v.VerifiedAt}
	for _, l := range Limiters {
		st, err := l.Status(ctx, r, accountID, now)
		if err != nil {
			return nil, err
		}
		out.Limits = append(out.Limits, st)
	}
	if out.Attempts, err = r.IDVAttempts(ctx, accountID, AttemptLimit); err != nil {
		return nil, err
	}
	if out.Enrollment, err = r.Enrollment(ctx, accountID); err != nil {
		return nil, err
	}
	if out.Enrollment != nil && out.Enrollment.Status == EnrollPending && !now.Before(out.Enrollment.ExpiresAt) {
		e := *out.Enrollment
		e.Status = EnrollExpired // the jobs runner records it; the view says it at once
		out.Enrollment = &e
	}
	letters, err := r.Letters(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for _, l := range letters {
		out.Letters = append(out.Letters, LetterView{SentAt: l.SentAt, ExpiresAt: l.ExpiresAt, UsedAt: l.UsedAt})
	}
	out.Fraud, err = r.FraudReview(ctx, accountID)
	return out, err
}
