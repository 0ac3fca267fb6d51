// Package fault holds the typed errors the core returns. Each carries a
// stable code that the UI turns into a localized message; none carries PII.
package fault

import (
	"errors"
	"time"
)

// Code is a stable, machine-readable error code. The UI localizes it as the
// message id "error.<code>".
type Code string

// The codes the core returns.
const (
	CodeNotFound          Code = "not_found"
	CodeNotPermitted      Code = "not_permitted"
	CodeInvalidInput      Code = "invalid_input"
	CodeBadCredentials    Code = "bad_credentials"
	CodeRateLimited       Code = "rate_limited"
	CodeLocked            Code = "locked"
	CodeHardLocked        Code = "hard_locked"
	CodeCodeExpired       Code = "code_expired"
	CodeCodeReused        Code = "code_reused"
	CodeLastMethod        Code = "last_method"
	CodeLimitReached      Code = "limit_reached"
	CodeConflict          Code = "conflict"
	CodeResetNotPending   Code = "reset_not_pending"
	CodeResetNotGranted   Code = "reset_not_granted"
	CodeResetExpired      Code = "reset_expired"
	CodeSuspended         Code = "suspended"
	CodeSchemaTooNew      Code = "schema_too_new"
	CodeKeyMismatch       Code = "key_mismatch"
	CodeStorage           Code = "storage"
	CodeQueryTooLong      Code = "query_too_long"
	CodeQueryUnrecognised Code = "query_unrecognised"
	CodePhoneMalformed    Code = "phone_malformed"
	CodeEmailMalformed    Code = "email_malformed"
	CodePasswordLength    Code = "password_length"
	CodeSessionLocked     Code = "session_locked"  // idle too long: password and code again
	CodeSessionExpired    Code = "session_expired" // the 12-hour limit: a full sign-in
	CodeSessionEnded      Code = "session_ended"   // signed out, or ended by an admin
	CodeAgentDisabled     Code = "agent_disabled"
	CodeRequestDecided    Code = "request_decided" // a dual-control request already approved, rejected or expired
	CodeRequestExpired    Code = "request_expired"
	CodeCallerUnverified  Code = "caller_unverified" // verify the caller first
)

// Error is a core error with a stable code. Field names an input field for
// CodeInvalidInput; Until tells when a lock or limit clears; Limit is the
// limiter or rule that refused.
type Error struct {
	Code  Code
	Field string
	Limit string
	Until time.Time
	Max   int
	Err   error // the cause, for logs; never shown to users
}

// Error is the code with its field and limit, for logs; users see a
// localized message instead.
func (e *Error) Error() string {
	s := string(e.Code)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Limit != "" {
		s += " [" + e.Limit + "]"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches on the code, so errors.Is(err, fault.ErrNotFound) works for any
// *Error with that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Field == "" && t.Limit == ""
}

// Sentinels for errors.Is.
var (
	ErrNotFound       = &Error{Code: CodeNotFound}
	ErrNotPermitted   = &Error{Code: CodeNotPermitted}
	ErrBadCredentials = &Error{Code: CodeBadCredentials}
	ErrConflict       = &Error{Code: CodeConflict}
	ErrLastMethod     = &Error{Code: CodeLastMethod}
)

// New returns an error with the code.
func New(code Code) *Error { return &Error{Code: code} }

// Invalid reports bad input in the named field.
func Invalid(field string, code Code) *Error {
	return &Error{Code: code, Field: field}
}

// Limited reports a rate limit that clears at until.
func Limited(limit string, max int, until time.Time) *Error {
	return &Error{Code: CodeRateLimited, Limit: limit, Max: max, Until: until}
}

// Storage wraps a backend failure.
func Storage(err error) *Error { return &Error{Code: CodeStorage, Err: err} }

// CodeOf returns the code of err, or CodeStorage for an uncoded error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeStorage
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
