package ticket

import (
	"slices"
	"strings"
	"unicode/utf8"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/safetext"
)

// Limits on contact-form fields.
const (
	MaxNameLength    = 100       // characters
	MaxSubjectLength = 200       // characters
	MaxBodyBytes     = 64 * 1024 // bytes
	MaxAgencyLength  = 32
	MaxIdempotency   = 128
)

// Form is a contact-form submission, as it arrives.
type Form struct {
	Email    string
	Name     string
	Language string
	Category string
	Agency   string
	Subject  string
	Message  string
	Channel  Channel
	// IdempotencyKey makes a retry return the first ticket.
	IdempotencyKey string
}

// Valid is a checked, normalized form.
type Valid struct {
	Email, Name, Language, Agency, Subject, Body, IdempotencyKey string
	Category                                                     Category
	Channel                                                      Channel
}

// Validate checks every field and returns the first problem as a
// fault.Error naming the field (CodeInvalidInput, or CodeEmailMalformed).
func Validate(f Form) (Valid, error) {
	var v Valid
	// Each refusal carries its field's limit, so no message says "at most 0".
	for _, s := range []struct {
		field, value string
		max          int
	}{{"email", f.Email, account.MaxEmailLength}, {"name", f.Name, MaxNameLength}, {"language", f.Language, 0},
		{"category", f.Category, 0}, {"agency", f.Agency, MaxAgencyLength}, {"subject", f.Subject, MaxSubjectLength},
		{"message", f.Message, MaxBodyBytes}, {"idempotency_key", f.IdempotencyKey, MaxIdempotency}} {
		if !utf8.ValidString(s.value) {
			return v, &fault.Error{Code: fault.CodeInvalidInput, Field: s.field, Max: s.max}
		}
	}
	email, err := account.NormalizeEmail(f.Email)
	if err != nil {
		return v, err
	}
	v.Email = email
	v.Name = strings.TrimSpace(f.Name)
	if n := utf8.RuneCountInString(v.Name); n == 0 || n > MaxNameLength || hasControl(v.Name, false) {
		return v, &fault.Error{Code: fault.CodeInvalidInput, Field: "name", Max: MaxNameLength}
	}
	// A form that names no language is read in the one its text is
	// written in, else in English.
	v.Language = f.Language
	if v.Language == "" {
		v.Language = GuessLanguage(f.Subject, f.Message)
	}
	if v.Language == "" {
		v.Language = "en"
	}
	if !slices.Contains(account.Languages, v.Language) {
		return v, fault.Invalid("language", fault.CodeInvalidInput)
	}
	v.Category = Category(f.Category)
	if f.Category == "" {
		v.Category = CategoryOther
	}
	if !slices.Contains(Categories, v.Category) {
		return v, fault.Invalid("category", fault.CodeInvalidInput)
	}
	v.Agency = strings.ToLower(strings.TrimSpace(f.Agency))
	if len(v.Agency) > MaxAgencyLength || strings.IndexFunc(v.Agency, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) >= 0 {
		return v, &fault.Error{Code: fault.CodeInvalidInput, Field: "agency", Max: MaxAgencyLength}
	}
	v.Subject = strings.TrimSpace(f.Subject)
	if n := utf8.RuneCountInString(v.Subject); n == 0 || n > MaxSubjectLength || hasControl(v.Subject, false) {
		return v, &fault.Error{Code: fault.CodeInvalidInput, Field: "subject", Max: MaxSubjectLength}
	}
	v.Body = strings.TrimSpace(strings.ReplaceAll(f.Message, "\r\n", "\n"))
	if len(v.Body) == 0 || len(v.Body) > MaxBodyBytes || hasControl(v.Body, true) {
		return v, &fault.Error{Code: fault.CodeInvalidInput, Field: "message", Max: MaxBodyBytes}
	}
	v.Channel = f.Channel
	if v.Channel == "" {
		v.Channel = ChannelWeb
	}
	v.IdempotencyKey = strings.TrimSpace(f.IdempotencyKey)
	if len(v.IdempotencyKey) > MaxIdempotency || hasControl(v.IdempotencyKey, false) {
		return v, &fault.Error{Code: fault.CodeInvalidInput, Field: "idempotency_key", Max: MaxIdempotency}
	}
	return v, nil
}

// hasControl applies the text policy (core/safetext): control and format
// characters are refused at the edge rather than stored and stripped; a
// body may keep newlines and tabs.
func hasControl(s string, multiline bool) bool {
	if multiline {
		return !safetext.ValidText(s)
	}
	return !safetext.ValidLine(s)
}
