package userapi

import (
	"net/http"

	"supportdesk/core/account"
	"supportdesk/core/fault"
)

// errResetPending answers a second request while one waits or is granted.
var errResetPending = &fault.Error{Code: fault.CodeConflict, Field: "reset"}

// errDeleteLink answers a deletion link that does not work, the same for
// an unknown account, a deleted one and a wrong token.
var errDeleteLink = &fault.Error{Code: fault.CodeBadCredentials, Field: "delete_link"}

// requestReset starts the account reset for a user who lost every method:
// POST /v1/account/reset {"pending"}, after the password step only. Every
// address of record is told; in 24 hours the reset is granted.
func (h *Handler) requestReset(c *call) (int, any, error) {
	var q pendingRequest
	if err := body(c, &q)(); err != nil {
		return 0, nil, err
	}
	g, err := h.pending(q.Pending)
	if err != nil {
		return 0, nil, err
	}
	err = h.auth.RequestReset(c.r.Context(), g.pending)
	switch {
	case fault.CodeOf(err) == fault.CodeConflict:
		return 0, nil, errResetPending
	case err != nil:
		return 0, nil, h.stale(q.Pending, err)
	}
	return http.StatusAccepted, map[string]string{"stage": string(account.StageWaiting)}, nil
}

type deletionBody struct {
	AccountID string `json:"account_id"`
	Token     string `json:"token"`
}

type resetBody struct {
	Stage       string        `json:"stage"`
	RequestedAt string        `json:"requested_at,omitempty"`
	GrantAt     string        `json:"grant_at,omitempty"`
	ExpiresAt   string        `json:"expires_at,omitempty"`
	Deletion    *deletionBody `json:"deletion,omitempty"`
}

// resetStatus is the account page's view of the reset, after the password
// step: POST /v1/account/reset/status {"pending"}. Once granted it carries
// the deletion link (account and token): the granted mail sends the user
// here, and never carries the token itself.
func (h *Handler) resetStatus(c *call) (int, any, error) {
	var q pendingRequest
	if err := body(c, &q)(); err != nil {
		return 0, nil, err
	}
	g, err := h.pending(q.Pending)
	if err != nil {
		return 0, nil, err
	}
	v, err := h.auth.ResetLink(c.r.Context(), g.pending)
	if err != nil {
		return 0, nil, h.stale(q.Pending, err)
	}
	out := resetBody{Stage: string(v.Stage), RequestedAt: h.stamp(v.RequestedAt), GrantAt: h.stamp(v.GrantAt),
		ExpiresAt: h.stamp(v.ExpiresAt)}
	if v.Token != "" {
		out.Deletion = &deletionBody{AccountID: g.account, Token: v.Token}
	}
	return http.StatusOK, out, nil
}

// deleteAccount follows the deletion link: POST /v1/account/delete
// {"account_id","token"}. The link is the credential, as a click on it
// would be; a link that does not work answers the same whatever the
// reason, so it tells nothing about the account.
func (h *Handler) deleteAccount(c *call) (int, any, error) {
	var q deleteRequest
	if err := body(c, &q)(); err != nil {
		return 0, nil, err
	}
	if err := h.auth.DeleteWithToken(c.r.Context(), q.AccountID, q.Token); err != nil {
		switch fault.CodeOf(err) {
		case fault.CodeNotFound, fault.CodeBadCredentials, fault.CodeResetNotPending:
			return 0, nil, errDeleteLink
		}
		return 0, nil, err
	}
	h.tokens.revokeAccount(q.AccountID)
	return http.StatusOK, map[string]bool{"deleted": true}, nil
}
