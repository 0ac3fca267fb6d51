package userapi

import (
	"net/http"

	"supportdesk/core/authn"
	"supportdesk/core/fault"
)

type phoneBody struct {
	ID       int64  `json:"id"`
	Masked   string `json:"masked"`
	Delivery string `json:"delivery"`
	Default  bool   `json:"default"`
}

type pendingBody struct {
	Pending   string      `json:"pending"`
	ExpiresAt string      `json:"expires_at"`
	Phones    []phoneBody `json:"phones"`
	Methods   []string    `json:"methods"`
}

// signIn is the password step: POST /v1/session {"email","password"}. It
// answers exactly as the core does (a missing account and a wrong password
// alike); on success, a pending token and the masked phones to send a code
// to.
func (h *Handler) signIn(c *call) (int, any, error) {
	var q signInRequest
	if err := readJSON(c.w, c.r, c.lim, &q); err != nil {
		return 0, nil, err
	}
	if err := q.check(); err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	p, err := h.auth.SignIn(ctx, q.Email, q.Password, c.ip)
	if err != nil {
		return 0, nil, err
	}
	choices, err := h.auth.SecondFactors(ctx, p)
	if err != nil {
		return 0, nil, err
	}
	now := h.clock.Now()
	tok, err := h.tokens.issue(grant{kind: kindPending, pending: p, account: p.AccountID(), expires: now.Add(PendingTTL)}, now)
	if err != nil {
		return 0, nil, err
	}
	out := pendingBody{Pending: tok, ExpiresAt: h.stamp(now.Add(PendingTTL)), Phones: []phoneBody{}, Methods: []string{}}
	for _, ph := range choices.Phones {
		out.Phones = append(out.Phones, phoneBody{ID: ph.ID, Masked: ph.Masked, Delivery: string(ph.Delivery), Default: ph.Default})
	}
	for _, m := range choices.Methods {
		out.Methods = append(out.Methods, string(m))
	}
	return http.StatusOK, out, nil
}

// sendOTP sends a code to one of the account's phones:
// POST /v1/session/otp {"pending","phone_id"}.
func (h *Handler) sendOTP(c *call) (int, any, error) {
	var q otpRequest
	if err := readJSON(c.w, c.r, c.lim, &q); err != nil {
		return 0, nil, err
	}
	if err := q.check(); err != nil {
		return 0, nil, err
	}
	g, err := h.pending(q.Pending)
	if err != nil {
		return 0, nil, err
	}
	err = h.auth.SendOTP(c.r.Context(), g.pending, q.PhoneID)
	switch {
	case fault.CodeOf(err) == fault.CodeNotFound:
		return 0, nil, fault.Invalid("phone_id", fault.CodeInvalidInput)
	case err != nil:
		return 0, nil, h.stale(q.Pending, err)
	}
	return http.StatusOK, map[string]bool{"sent": true}, nil
}

// verify finishes the sign-in with a second factor:
// POST /v1/session/verify {"pending","code","method"}. The pending token is
// spent; a session token valid 12 hours comes back.
func (h *Handler) verify(c *call) (int, any, error) {
	var q verifyRequest
	if err := readJSON(c.w, c.r, c.lim, &q); err != nil {
		return 0, nil, err
	}
	if err := q.check(); err != nil {
		return 0, nil, err
	}
	g, err := h.pending(q.Pending)
	if err != nil {
		return 0, nil, err
	}
	ctx := c.r.Context()
	var s authn.Session
	switch q.Method {
	case MethodTOTP:
		s, err = h.auth.VerifyTOTP(ctx, g.pending, q.Code)
	case MethodBackupCode:
		s, err = h.auth.VerifyBackupCode(ctx, g.pending, q.Code)
	default:
		s, err = h.auth.VerifyOTP(ctx, g.pending, q.Code)
	}
	if err != nil {
		return 0, nil, h.stale(q.Pending, err)
	}
	h.tokens.revoke(q.Pending)
	now := h.clock.Now()
	tok, err := h.tokens.issue(grant{kind: kindSession, session: s, account: s.AccountID(), expires: now.Add(SessionTTL)}, now)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"token": tok, "expires_at": h.stamp(now.Add(SessionTTL))}, nil
}

// signOut forgets the bearer token (a session or a password step):
// DELETE /v1/session. Signing out twice is no error.
func (h *Handler) signOut(c *call) (int, any, error) {
	tok := bearer(c.r)
	if tok == "" {
		return 0, nil, errToken
	}
	h.tokens.revoke(tok)
	return http.StatusNoContent, nil, nil
}

// pending resolves a password-step token.
func (h *Handler) pending(tok string) (grant, error) {
	g, ok := h.tokens.lookup(tok, h.clock.Now())
	if !ok || g.kind != kindPending {
		return grant{}, errToken
	}
	return g, nil
}

// session resolves the request's bearer session token.
func (h *Handler) session(c *call) (grant, error) {
	tok := bearer(c.r)
	g, ok := h.tokens.lookup(tok, h.clock.Now())
	if !ok || g.kind != kindSession {
		return grant{}, errToken
	}
	if err := h.auth.CheckSession(g.session); err != nil {
		h.tokens.revoke(tok)
		return grant{}, errToken
	}
	return g, nil
}

// stale turns the core's refusal of an expired password step or session
// into the token error, and forgets the token.
func (h *Handler) stale(tok string, err error) error {
	if fe, ok := fault.As(err); ok && fe.Code == fault.CodeNotPermitted && fe.Field == "" {
		h.tokens.revoke(tok)
		return errToken
	}
	return err
}
