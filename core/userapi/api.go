// Package userapi is the user's side of the identity provider over HTTP:
// sign-in (password, then a second factor), identity proofing step by step,
// and the account reset for a user who lost every method. It is a thin
// layer over the core's own engines (authn, proofing): bearer tokens kept
// in this process stand for the core's typed sign-in values, JSON goes in
// and out, and errors are the core's codes, localized by Accept-Language.
package userapi

import (
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/proofing"
	"supportdesk/core/service"
	"supportdesk/core/store"
)

// Text localizes what the API tells people; serve builds it over the i18n
// bundle, which core does not import.
type Text interface {
	// Error is the message for a core error in lang (en, es or fr).
	Error(lang string, err error) string
	// Reason is the tip for a failed proofing step's reason code in lang.
	Reason(lang, code string) string
}

// Default per-address limits: generous for a person clicking through, low
// enough that nobody runs Argon2id or the vendors in a loop.
const (
	DefaultRate  rate.Limit = 5
	DefaultBurst int        = 30
)

// Handler serves /v1/session, /v1/idv and /v1/account/.
type Handler struct {
	auth  *authn.Engine
	idv   *proofing.Engine
	st    store.Store
	clock clock.Clock
	zone  *time.Location
	text  Text

	// Rate and Burst limit requests per client address; Rate 0 turns the
	// limit off.
	Rate  rate.Limit
	Burst int

	tokens *tokens
	routes map[string]map[string]endpoint

	perAddress limit.Addresses
}

// endpoint is one method on one path.
type endpoint struct {
	limit int64 // body bytes
	serve func(c *call) (int, any, error)
}

// call is one request as an endpoint sees it.
type call struct {
	w    http.ResponseWriter
	r    *http.Request
	ip   string
	lang string
	lim  int64
}

// New builds the handler over the service's auth and proofing engines.
func New(svc *service.Service, text Text) *Handler {
	h := &Handler{auth: svc.Auth, idv: svc.Proofing, st: svc.Store, clock: svc.Clock, zone: svc.Zone(), text: text,
		Rate: DefaultRate, Burst: DefaultBurst, tokens: newTokens()}
	small, doc := int64(MaxRequestBytes), int64(MaxDocumentBytes)
	h.routes = map[string]map[string]endpoint{
		"/v1/session": {
			http.MethodPost:   {small, h.signIn},
			http.MethodDelete: {small, h.signOut},
		},
		"/v1/session/otp":          {http.MethodPost: {small, h.sendOTP}},
		"/v1/session/verify":       {http.MethodPost: {small, h.verify}},
		"/v1/idv":                  {http.MethodGet: {small, h.status}},
		"/v1/idv/document":         {http.MethodPost: {doc, h.document}},
		"/v1/idv/identity":         {http.MethodPost: {small, h.identity}},
		"/v1/idv/phone":            {http.MethodPost: {small, h.phone}},
		"/v1/idv/letter":           {http.MethodPost: {small, h.letter}},
		"/v1/idv/letter/confirm":   {http.MethodPost: {small, h.confirmLetter}},
		"/v1/idv/in_person":        {http.MethodPost: {small, h.inPerson}},
		"/v1/idv/personal_key":     {http.MethodPost: {small, h.personalKey}},
		"/v1/account/reset":        {http.MethodPost: {small, h.requestReset}},
		"/v1/account/reset/status": {http.MethodPost: {small, h.resetStatus}},
		"/v1/account/delete":       {http.MethodPost: {small, h.deleteAccount}},
	}
	return h
}

// Paths are the patterns to mount the handler under in an http.ServeMux:
// the exact paths and the subtrees, so an unknown path below them gets
// this handler's JSON 404 rather than the mux's text one.
func (h *Handler) Paths() []string {
	return []string{"/v1/session", "/v1/session/", "/v1/idv", "/v1/idv/", "/v1/account/"}
}

// ServeHTTP routes the request. Every answer is JSON and never cached; an
// error is localized by Accept-Language.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, lang: requestLanguage(r)}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	methods, ok := h.routes[r.URL.Path]
	if !ok {
		h.fail(c, http.StatusNotFound, errPath)
		return
	}
	ep, ok := methods[r.Method]
	if !ok {
		allow := make([]string, 0, len(methods))
		for m := range methods {
			allow = append(allow, m)
		}
		slices.Sort(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		h.fail(c, http.StatusMethodNotAllowed, errMethod)
		return
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	c.ip, c.lim = host, ep.limit
	if !h.allow(host) {
		w.Header().Set("Retry-After", "1")
		h.fail(c, http.StatusTooManyRequests, &fault.Error{Code: fault.CodeRateLimited, Limit: "http", Max: h.Burst})
		return
	}
	status, body, err := ep.serve(c)
	if err != nil {
		h.fail(c, statusOf(err), err)
		return
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// errorBody is every error's answer: the localized message, the stable
// code, and what a client needs to act (the field, the limiter and when it
// clears, the step the user is at).
type errorBody struct {
	Error    string `json:"error"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Limiter  string `json:"limiter,omitempty"`
	Max      int    `json:"max,omitempty"`
	ClearsAt string `json:"clears_at,omitempty"`
	Step     string `json:"step,omitempty"`
}

func (h *Handler) fail(c *call, status int, err error) {
	body := errorBody{Code: string(fault.CodeOf(err)), Error: h.text.Error(c.lang, err)}
	if fe, ok := fault.As(err); ok {
		body.Field = fe.Field
		switch {
		case fe.Code == fault.CodeConflict && fe.Limit != "":
			body.Step = fe.Limit // proofing names the step the user is at
		case fe.Code == fault.CodeRateLimited || fe.Code == fault.CodeLocked:
			body.Limiter, body.Max = fe.Limit, fe.Max
			body.ClearsAt = h.stamp(fe.Until)
		}
	}
	if status == http.StatusUnauthorized {
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="supportdesk"`)
	}
	c.w.Header().Set("Content-Language", c.lang)
	writeJSON(c.w, status, body)
}

// statusOf maps a core error code to the HTTP status.
func statusOf(err error) int {
	fe, ok := fault.As(err)
	if !ok {
		return http.StatusServiceUnavailable
	}
	switch fe.Field {
	case "body":
		return http.StatusRequestEntityTooLarge
	case "content_type":
		return http.StatusUnsupportedMediaType
	case "sign_in":
		return http.StatusUnauthorized
	case "delete_link":
		return http.StatusForbidden
	case "path":
		return http.StatusNotFound
	case "http_method":
		return http.StatusMethodNotAllowed
	}
	switch fe.Code {
	case fault.CodeInvalidInput, fault.CodePhoneMalformed, fault.CodeEmailMalformed, fault.CodePasswordLength:
		return http.StatusBadRequest
	case fault.CodeBadCredentials, fault.CodeCodeExpired, fault.CodeCodeReused, fault.CodeNotPermitted:
		return http.StatusUnauthorized
	case fault.CodeRateLimited, fault.CodeLocked:
		return http.StatusTooManyRequests
	case fault.CodeHardLocked, fault.CodeSuspended:
		return http.StatusForbidden
	case fault.CodeConflict, fault.CodeResetNotPending, fault.CodeResetNotGranted, fault.CodeResetExpired:
		return http.StatusConflict
	case fault.CodeNotFound:
		return http.StatusNotFound
	}
	return http.StatusServiceUnavailable
}

// stamp formats an instant for a client: RFC 3339 in the center's zone,
// empty for the zero time.
func (h *Handler) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(h.zone).Format(time.RFC3339)
}

// allow takes a token from the client address's bucket.
func (h *Handler) allow(host string) bool {
	return h.perAddress.Allow(host, h.Rate, h.Burst)
}

// Languages are the languages answers come in; the first is the default.
var Languages = []string{"en", "es", "fr"}

// requestLanguage picks en, es or fr from Accept-Language, honouring
// q-values; anything else is English.
func requestLanguage(r *http.Request) string {
	best, bestQ := Languages[0], -1.0
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		lang, _, _ := strings.Cut(tag, "-")
		known := false
		for _, l := range Languages {
			known = known || l == lang
		}
		if !known {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v)
		}
		if q > bestQ && q > 0 {
			best, bestQ = lang, q
		}
	}
	return best
}

// parseQ reads a q-value (0 to 1, three decimals at most); a malformed one
// counts as 0, so the language is skipped.
func parseQ(s string) float64 {
	s = strings.TrimSpace(s)
	if s == "1" || strings.HasPrefix(s, "1.") {
		return 1
	}
	if !strings.HasPrefix(s, "0") {
		return 0
	}
	q, scale := 0.0, 0.1
	for i, r := range s {
		switch {
		case i == 0:
		case i == 1 && r == '.':
		case i >= 2 && i <= 4 && r >= '0' && r <= '9':
			q += float64(r-'0') * scale
			scale /= 10
		default:
			return 0
		}
	}
	return q
}
