package userapi

import (
	"context"
	"net/http"

	"supportdesk/core/limit"
	"supportdesk/core/proofing"
	"supportdesk/core/store"
)

type limiterBody struct {
	Name     string `json:"name"`
	Used     int    `json:"used"`
	Max      int    `json:"max"`
	ClearsAt string `json:"clears_at,omitempty"`
}

func (h *Handler) limiter(st limit.Status) *limiterBody {
	if st.Name == "" {
		return nil
	}
	return &limiterBody{Name: st.Name, Used: st.Used, Max: st.Max, ClearsAt: h.stamp(st.ClearsAt)}
}

// resultBody is a step's outcome. A failed step is a 200 like a passed
// one: the request worked, the document or data did not.
type resultBody struct {
	Passed   bool         `json:"passed"`
	Step     string       `json:"step"` // the step to take next
	Reasons  []string     `json:"reasons"`
	Messages []string     `json:"messages"` // the reasons, localized: tips to read to the user
	Field    string       `json:"field,omitempty"`
	Limiter  *limiterBody `json:"limiter,omitempty"`
}

func (h *Handler) result(lang string, r proofing.Result) resultBody {
	out := resultBody{Passed: r.Passed, Step: r.Step, Field: r.Field, Limiter: h.limiter(r.Limit)}
	codes := make([]string, len(r.Reasons))
	for i, reason := range r.Reasons {
		codes[i] = string(reason)
	}
	out.Reasons, out.Messages = codes, h.messages(lang, codes)
	return out
}

func (h *Handler) messages(lang string, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = h.text.Reason(lang, c)
	}
	return out
}

// step runs one proofing step for the bearer's session: the token is
// checked before the body is read (no megabytes read for nobody), then the
// body, then the core is asked.
func (h *Handler) step(c *call, read func() error, run func(ctx context.Context, g grant) (proofing.Result, error)) (int, any, error) {
	g, err := h.session(c)
	if err != nil {
		return 0, nil, err
	}
	if err := read(); err != nil {
		return 0, nil, err
	}
	r, err := run(c.r.Context(), g)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, h.result(c.lang, r), nil
}

// body reads a JSON request and checks its shape.
func body[T interface{ check() error }](c *call, q T) func() error {
	return func() error {
		if err := readJSON(c.w, c.r, c.lim, q); err != nil {
			return err
		}
		return q.check()
	}
}

// none reads a request that carries no input.
func none(c *call) func() error { return func() error { return readEmpty(c.w, c.r) } }

// document: POST /v1/idv/document {"kind","front","back","selfie"}.
func (h *Handler) document(c *call) (int, any, error) {
	var q documentRequest
	return h.step(c, body(c, &q), func(ctx context.Context, g grant) (proofing.Result, error) {
		return h.idv.SubmitDocument(ctx, g.session, q.document())
	})
}

// identity: POST /v1/idv/identity {"first_name","last_name","dob","address","ssn"}.
func (h *Handler) identity(c *call) (int, any, error) {
	var q identityRequest
	return h.step(c, body(c, &q), func(ctx context.Context, g grant) (proofing.Result, error) {
		return h.idv.SubmitIdentity(ctx, g.session, q.identity())
	})
}

// phone: POST /v1/idv/phone, no body: the account's default phone.
func (h *Handler) phone(c *call) (int, any, error) {
	return h.step(c, none(c), func(ctx context.Context, g grant) (proofing.Result, error) {
		return h.idv.VerifyPhone(ctx, g.session)
	})
}

// confirmLetter: POST /v1/idv/letter/confirm {"code"}.
func (h *Handler) confirmLetter(c *call) (int, any, error) {
	var q codeRequest
	return h.step(c, body(c, &q), func(ctx context.Context, g grant) (proofing.Result, error) {
		return h.idv.ConfirmLetter(ctx, g.session, q.Code)
	})
}

// other runs a step whose answer is not a proofing.Result.
func (h *Handler) other(c *call, run func(ctx context.Context, g grant) (any, error)) (int, any, error) {
	g, err := h.session(c)
	if err != nil {
		return 0, nil, err
	}
	if err := readEmpty(c.w, c.r); err != nil {
		return 0, nil, err
	}
	out, err := run(c.r.Context(), g)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

// letter: POST /v1/idv/letter, no body. The code travels in the letter
// only.
func (h *Handler) letter(c *call) (int, any, error) {
	return h.other(c, func(ctx context.Context, g grant) (any, error) {
		l, err := h.idv.RequestLetter(ctx, g.session)
		if err != nil {
			return nil, err
		}
		return map[string]string{"step": proofing.StepByMail, "sent_at": h.stamp(l.SentAt), "expires_at": h.stamp(l.ExpiresAt)}, nil
	})
}

// inPerson: POST /v1/idv/in_person, no body. The enrollment code is the
// user's to bring to the post office (it is mailed too).
func (h *Handler) inPerson(c *call) (int, any, error) {
	return h.other(c, func(ctx context.Context, g grant) (any, error) {
		en, err := h.idv.EnrollInPerson(ctx, g.session)
		if err != nil {
			return nil, err
		}
		return map[string]string{"step": proofing.StepInPerson, "enrollment_code": en.Code, "status": en.Status,
			"expires_at": h.stamp(en.ExpiresAt)}, nil
	})
}

// personalKey: POST /v1/idv/personal_key, no body. The key is shown this
// once; the core keeps only its hash.
func (h *Handler) personalKey(c *call) (int, any, error) {
	return h.other(c, func(ctx context.Context, g grant) (any, error) {
		key, err := h.idv.IssuePersonalKey(ctx, g.session)
		if err != nil {
			return nil, err
		}
		return map[string]string{"step": proofing.StepDone, "personal_key": key}, nil
	})
}

type attemptBody struct {
	Step     string   `json:"step"`
	Passed   bool     `json:"passed"`
	Reasons  []string `json:"reasons"`
	Messages []string `json:"messages"`
	Field    string   `json:"field,omitempty"`
	At       string   `json:"at"`
}

type enrollmentBody struct {
	Status    string `json:"status"`
	ExpiresAt string `json:"expires_at"`
}

type letterBody struct {
	SentAt    string `json:"sent_at"`
	ExpiresAt string `json:"expires_at"`
	UsedAt    string `json:"used_at,omitempty"`
}

type statusBody struct {
	Step        string          `json:"step"`
	StartedAt   string          `json:"started_at,omitempty"`
	DocumentAt  string          `json:"document_at,omitempty"`
	ResolvedAt  string          `json:"resolved_at,omitempty"`
	VerifiedAt  string          `json:"verified_at,omitempty"`
	Limiters    []limiterBody   `json:"limiters"`
	LastAttempt *attemptBody    `json:"last_attempt,omitempty"`
	InPerson    *enrollmentBody `json:"in_person,omitempty"`
	Letters     []letterBody    `json:"letters"`
	FraudReview string          `json:"fraud_review,omitempty"`
}

// status: GET /v1/idv, where the user's proofing stands: the step, each
// limiter (used, max, when it clears), the last attempt's reasons, the
// fallbacks. The user's own, so no identity data is in it either.
func (h *Handler) status(c *call) (int, any, error) {
	g, err := h.session(c)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	id, now := g.account, h.clock.Now()
	var v *proofing.View
	err = h.st.Read(ctx, func(r store.Reader) error {
		var err error
		if v, err = proofing.Snapshot(ctx, r, id, now); err != nil || v != nil {
			return err
		}
		v = &proofing.View{Step: proofing.StepDocument} // never started
		for _, l := range proofing.Limiters {
			st, err := l.Status(ctx, r, id, now)
			if err != nil {
				return err
			}
			v.Limits = append(v.Limits, st)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	out := statusBody{Step: v.Step, StartedAt: h.stamp(v.StartedAt), DocumentAt: h.stamp(v.DocAt),
		ResolvedAt: h.stamp(v.ResolvedAt), VerifiedAt: h.stamp(v.VerifiedAt), Limiters: []limiterBody{}, Letters: []letterBody{}}
	for _, st := range v.Limits {
		out.Limiters = append(out.Limiters, *h.limiter(st))
	}
	if len(v.Attempts) > 0 {
		a := v.Attempts[0]
		reasons := append([]string{}, a.Reasons...)
		out.LastAttempt = &attemptBody{Step: a.Step, Passed: a.Passed, Reasons: reasons, Messages: h.messages(c.lang, reasons),
			Field: a.Detail, At: h.stamp(a.At)}
	}
	if en := v.Enrollment; en != nil {
		out.InPerson = &enrollmentBody{Status: en.Status, ExpiresAt: h.stamp(en.ExpiresAt)}
	}
	for _, l := range v.Letters {
		out.Letters = append(out.Letters, letterBody{SentAt: h.stamp(l.SentAt), ExpiresAt: h.stamp(l.ExpiresAt), UsedAt: h.stamp(l.UsedAt)})
	}
	if v.Fraud != nil {
		out.FraudReview = v.Fraud.Status
	}
	return http.StatusOK, out, nil
}
