package userapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"supportdesk/core/fault"
)

// Body limits: a document upload carries three images in base64; every
// other request is a few short fields.
const (
	MaxDocumentBytes = 8 << 20
	MaxRequestBytes  = 16 << 10
)

// Errors of the HTTP layer itself, as core errors naming what was wrong:
// the localizer has a message for each field.
var (
	errPath        = &fault.Error{Code: fault.CodeNotFound, Field: "path"}
	errMethod      = &fault.Error{Code: fault.CodeInvalidInput, Field: "http_method"}
	errContentType = &fault.Error{Code: fault.CodeInvalidInput, Field: "content_type"}
	errJSON        = &fault.Error{Code: fault.CodeInvalidInput, Field: "json"}
	errToken       = &fault.Error{Code: fault.CodeNotPermitted, Field: "sign_in"}
)

func errBody(limit int64) error {
	return &fault.Error{Code: fault.CodeInvalidInput, Field: "body", Max: int(limit)}
}

// readJSON checks the media type and the size, then decodes the body into
// v strictly: one JSON object, no unknown field, nothing after it.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/json" {
		return errContentType
	}
	if r.ContentLength > limit {
		return errBody(limit)
	}
	return decodeStrict(http.MaxBytesReader(w, r.Body, limit), limit, v)
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and trailing data. The decoder's own message is never passed on:
// it can quote the input.
func decodeStrict(body io.Reader, limit int64, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooBig(err) {
			return errBody(limit)
		}
		return errJSON
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if tooBig(err) {
			return errBody(limit)
		}
		return errJSON
	}
	return nil
}

func tooBig(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// required refuses an empty or overlong text field.
func required(field, v string, max int) error {
	if strings.TrimSpace(v) == "" || len(v) > max {
		return fault.Invalid(field, fault.CodeInvalidInput)
	}
	return nil
}

// bearer reads "Authorization: Bearer <token>".
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
