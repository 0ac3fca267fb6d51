package userapi

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"supportdesk/core/fault"
	"supportdesk/core/proofing"
)

// The request bodies, each checked at the edge before the core is asked.
// Checks here are about shape only (present, bounded); the core decides
// what the values mean, so a sign-in answers exactly as the core does.

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (q signInRequest) check() error {
	if err := required("email", q.Email, 320); err != nil {
		return err
	}
	return required("password", q.Password, 1024)
}

type otpRequest struct {
	Pending string `json:"pending"`
	PhoneID int64  `json:"phone_id"`
}

func (q otpRequest) check() error {
	if err := required("pending", q.Pending, 128); err != nil {
		return err
	}
	if q.PhoneID <= 0 {
		return fault.Invalid("phone_id", fault.CodeInvalidInput)
	}
	return nil
}

// The second-factor methods a sign-in may finish with.
const (
	MethodOTP        = "otp"
	MethodTOTP       = "totp"
	MethodBackupCode = "backup_code"
)

type verifyRequest struct {
	Pending string `json:"pending"`
	Code    string `json:"code"`
	Method  string `json:"method"`
}

func (q *verifyRequest) check() error {
	if err := required("pending", q.Pending, 128); err != nil {
		return err
	}
	if err := required("code", q.Code, 64); err != nil {
		return err
	}
	switch q.Method {
	case "":
		q.Method = MethodOTP
	case MethodOTP, MethodTOTP, MethodBackupCode:
	default:
		return fault.Invalid("method", fault.CodeInvalidInput)
	}
	return nil
}

// documentRequest carries the images base64-encoded (standard alphabet,
// padded), as encoding/json reads a []byte.
type documentRequest struct {
	Kind   string `json:"kind"`
	Front  []byte `json:"front"`
	Back   []byte `json:"back"`
	Selfie []byte `json:"selfie"`
}

func (q documentRequest) check() error {
	if err := required("kind", q.Kind, 32); err != nil {
		return err
	}
	if len(q.Front) == 0 {
		return fault.Invalid("front", fault.CodeInvalidInput)
	}
	if len(q.Back) == 0 {
		return fault.Invalid("back", fault.CodeInvalidInput)
	}
	return nil
}

func (q documentRequest) document() proofing.Document {
	return proofing.Document{Kind: q.Kind, Front: q.Front, Back: q.Back, Selfie: q.Selfie}
}

type identityRequest struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	DOB       string `json:"dob"`
	Address   string `json:"address"`
	SSN       string `json:"ssn"`
}

func (q identityRequest) check() error {
	for _, f := range []struct {
		name, v string
		max     int
	}{{"first_name", q.FirstName, 256}, {"last_name", q.LastName, 256}, {"dob", q.DOB, 10},
		{"address", q.Address, 512}, {"ssn", q.SSN, 11}} {
		if err := required(f.name, f.v, f.max); err != nil {
			return err
		}
		if !utf8.ValidString(f.v) {
			return fault.Invalid(f.name, fault.CodeInvalidInput)
		}
	}
	return nil
}

func (q identityRequest) identity() proofing.Identity {
	return proofing.Identity{FirstName: q.FirstName, LastName: q.LastName, DOB: q.DOB, Address: q.Address, SSN: q.SSN}
}

type codeRequest struct {
	Code string `json:"code"`
}

func (q codeRequest) check() error { return required("code", q.Code, 64) }

type pendingRequest struct {
	Pending string `json:"pending"`
}

func (q pendingRequest) check() error { return required("pending", q.Pending, 128) }

// deleteRequest is the deletion link's two parts.
type deleteRequest struct {
	AccountID string `json:"account_id"`
	Token     string `json:"token"`
}

func (q deleteRequest) check() error {
	if err := required("account_id", q.AccountID, 64); err != nil {
		return err
	}
	return required("token", q.Token, 64)
}

// readEmpty accepts no body, or an empty JSON object: the steps that take
// no input still refuse anything else.
func readEmpty(w http.ResponseWriter, r *http.Request) error {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		if tooBig(err) {
			return errBody(MaxRequestBytes)
		}
		return errJSON
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		return errContentType
	}
	var none struct{}
	return decodeStrict(bytes.NewReader(raw), MaxRequestBytes, &none)
}
