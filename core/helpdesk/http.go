package helpdesk

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/time/rate"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/limit"
	"supportdesk/core/ticket"
)

// MaxRequestBytes bounds a whole contact request: the 64 KiB message plus
// the other fields and encoding overhead.
const MaxRequestBytes = ticket.MaxBodyBytes + 16*1024

// Localize turns a core error into a message in lang; the HTTP layer gets it
// from the i18n package, which core does not import.
type Localize func(lang string, err error) string

// ContactHandler serves POST /v1/contact.
type ContactHandler struct {
	Intake   *Intake
	Localize Localize
	Zone     *time.Location
	// Rate and Burst limit requests per client address; Rate 0 turns the
	// limit off (load tests).
	Rate  rate.Limit
	Burst int

	perAddress limit.Addresses
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	} `json:"error"`
}

// ServeHTTP validates at the edge, waits for the commit, and answers 201
// with the reference (a replayed Idempotency-Key gets the first answer
// again); 400, 405, 413, 415, 422 (a key bound to another submission) or
// 429 with a localized error.
func (h *ContactHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(r)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, lang, http.StatusMethodNotAllowed, &fault.Error{Code: fault.CodeInvalidInput, Field: "method"})
		return
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !h.allow(host) {
		w.Header().Set("Retry-After", "1")
		h.fail(w, lang, http.StatusTooManyRequests, fault.Limited("intake", h.Burst, time.Time{}))
		return
	}
	if r.ContentLength > MaxRequestBytes {
		h.fail(w, lang, http.StatusRequestEntityTooLarge, &fault.Error{Code: fault.CodeInvalidInput, Field: "body", Max: ticket.MaxBodyBytes})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBytes)
	form, status, ferr := decode(r)
	// The requester's own choice (the form's language field) wins; then
	// the browser's Accept-Language; then, in core, the text itself.
	if form.Language == "" {
		if l, ok := acceptLanguage(r); ok {
			form.Language = l
		}
	}
	if form.Language != "" && validLang(form.Language) {
		lang = form.Language
	}
	if ferr != nil {
		h.fail(w, lang, status, ferr)
		return
	}
	form.IdempotencyKey = r.Header.Get("Idempotency-Key")
	form.Channel = ticket.ChannelWeb
	t, created, err := h.Intake.Submit(r.Context(), form, "http:"+host)
	if err != nil {
		status := http.StatusBadRequest
		if fe, ok := fault.As(err); ok && fe.Field == "message" && len(form.Message) > ticket.MaxBodyBytes {
			status = http.StatusRequestEntityTooLarge
		}
		if fault.CodeOf(err) == fault.CodeStorage {
			status = http.StatusServiceUnavailable
		}
		if errors.Is(err, ErrKeyReused) {
			status = http.StatusUnprocessableEntity
		}
		h.fail(w, lang, status, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Location", "/v1/tickets/"+t.Ref)
	if !created {
		// a replay answers as the first time did: same status, same body
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{"reference": t.Ref, "due": t.SLA.Due.In(h.Zone).Format(time.RFC3339)})
}

// decode reads JSON or form fields; it reports the status for failures.
// Both are UTF-8 only: a charset parameter naming anything else is 415.
func decode(r *http.Request) (ticket.Form, int, error) {
	var f ticket.Form
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return f, http.StatusUnsupportedMediaType, &fault.Error{Code: fault.CodeInvalidInput, Field: "content_type"}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return f, http.StatusUnsupportedMediaType, &fault.Error{Code: fault.CodeInvalidInput, Field: "charset"}
	}
	tooBig := func(err error) bool {
		var mbe *http.MaxBytesError
		return errors.As(err, &mbe)
	}
	switch ct {
	case "application/json":
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			if tooBig(err) {
				return f, http.StatusRequestEntityTooLarge, &fault.Error{Code: fault.CodeInvalidInput, Field: "body", Max: ticket.MaxBodyBytes}
			}
			return f, http.StatusBadRequest, &fault.Error{Code: fault.CodeInvalidInput, Field: "json"}
		}
		j, err := decodeJSON(raw)
		if err != nil {
			return f, http.StatusBadRequest, err
		}
		f = ticket.Form{Email: j["email"], Name: j["name"], Language: j["language"], Category: j["category"], Agency: j["agency"],
			Subject: j["subject"], Message: j["message"]}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(MaxRequestBytes)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			if tooBig(err) {
				return f, http.StatusRequestEntityTooLarge, &fault.Error{Code: fault.CodeInvalidInput, Field: "body", Max: ticket.MaxBodyBytes}
			}
			return f, http.StatusBadRequest, &fault.Error{Code: fault.CodeInvalidInput, Field: "form"}
		}
		v := r.PostForm
		f = ticket.Form{Email: v.Get("email"), Name: v.Get("name"), Language: v.Get("language"), Category: v.Get("category"),
			Agency: v.Get("agency"), Subject: v.Get("subject"), Message: v.Get("message")}
	default:
		return f, http.StatusUnsupportedMediaType, &fault.Error{Code: fault.CodeInvalidInput, Field: "content_type"}
	}
	return f, 0, nil
}

func (h *ContactHandler) fail(w http.ResponseWriter, lang string, status int, err error) {
	var body errorBody
	body.Error.Code = string(fault.CodeOf(err))
	if fe, ok := fault.As(err); ok {
		body.Error.Field = fe.Field
	}
	body.Error.Message = h.Localize(lang, err)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// allow takes a token from the client address's bucket.
func (h *ContactHandler) allow(host string) bool {
	return h.perAddress.Allow(host, h.Rate, h.Burst)
}

func validLang(l string) bool { return slices.Contains(account.Languages, l) }

// consoleTags matches a requester's languages to those a requester may
// be answered in, account.Languages, in that order.
var consoleTags = func() language.Matcher {
	tags := make([]language.Tag, len(account.Languages))
	for i, l := range account.Languages {
		tags[i] = language.MustParse(l)
	}
	return language.NewMatcher(tags)
}()

// acceptLanguage is the requester's preferred language among en, es and
// fr by the Accept-Language header's weights ("fr-CA;q=0.9, en;q=0.5"
// is French), and whether it names one of them at all.
func acceptLanguage(r *http.Request) (string, bool) {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "", false
	}
	_, i, conf := consoleTags.Match(tags...)
	if conf == language.No {
		return "", false
	}
	return account.Languages[i], true
}

// requestLanguage is the language of the answer to a request: the
// Accept-Language header's, else English.
func requestLanguage(r *http.Request) string {
	if l, ok := acceptLanguage(r); ok {
		return l
	}
	return "en"
}
