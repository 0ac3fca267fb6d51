package proofing

import (
	"bytes"
	"context"
	"strings"
)

// Reason is why a step failed: a stable code, never PII.
type Reason string

// The reasons vendors give.
const (
	ReasonGlare           Reason = "glare"
	ReasonBlur            Reason = "blur"
	ReasonBarcode         Reason = "barcode_unreadable"
	ReasonExpired         Reason = "expired_document"
	ReasonWrongType       Reason = "wrong_document_type"
	ReasonSelfie          Reason = "selfie_mismatch"
	ReasonDataMismatch    Reason = "data_mismatch"
	ReasonFraud           Reason = "fraud_signal"
	ReasonPhoneUnverified Reason = "phone_unverified"
	ReasonLetterCode      Reason = "letter_code_wrong"
)

// Reasons lists every reason, for localization tests.
var Reasons = []Reason{ReasonGlare, ReasonBlur, ReasonBarcode, ReasonExpired, ReasonWrongType, ReasonSelfie,
	ReasonDataMismatch, ReasonFraud, ReasonPhoneUnverified, ReasonLetterCode}

// Document is what the user captured: the kind, both sides and a selfie.
type Document struct {
	Kind   string // drivers_license, state_id, passport
	Front  []byte
	Back   []byte
	Selfie []byte
}

// DocumentKinds are the documents accepted.
var DocumentKinds = []string{"drivers_license", "state_id", "passport"}

// DocResult is the document vendor's verdict.
type DocResult struct {
	Pass    bool
	Reasons []Reason
}

// Identity is the data resolution checks: PII, sealed at rest.
type Identity struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	DOB       string `json:"dob"` // YYYY-MM-DD
	Address   string `json:"address"`
	SSN       string `json:"ssn"`
}

// Resolution is the resolution vendor's verdict: a pass, a mismatch naming
// the field (never its value), or a fraud signal.
type Resolution struct {
	Pass  bool
	Field string // first_name, last_name, dob, address, ssn
	Fraud bool
}

// DocAuthVendor authenticates a document.
type DocAuthVendor interface {
	Authenticate(ctx context.Context, d Document) (DocResult, error)
}

// ResolutionVendor checks identity data against authoritative sources.
type ResolutionVendor interface {
	Resolve(ctx context.Context, id Identity) (Resolution, error)
}

// PhoneVendor checks that a phone belongs to the person.
type PhoneVendor interface {
	VerifyPhone(ctx context.Context, e164 string, id Identity) (bool, error)
}

// Fake is the deterministic vendor of demos and tests. Documents fail with
// each reason whose code appears in the front image's bytes ("glare",
// "blur", ...); an unknown kind is the wrong type. Resolution fails on a
// last name "Mismatch" (last_name), a birth date 1900-01-01 (dob), and
// raises fraud on an SSN starting 900. A phone ending 0000 fails.
type Fake struct{}

// Authenticate reads the scenario from the image bytes.
func (Fake) Authenticate(_ context.Context, d Document) (DocResult, error) {
	var r DocResult
	known := false
	for _, k := range DocumentKinds {
		known = known || d.Kind == k
	}
	if !known {
		r.Reasons = append(r.Reasons, ReasonWrongType)
	}
	for _, reason := range []Reason{ReasonGlare, ReasonBlur, ReasonBarcode, ReasonExpired, ReasonSelfie} {
		if bytes.Contains(d.Front, []byte(reason)) || (reason == ReasonSelfie && bytes.Contains(d.Selfie, []byte(reason))) {
			r.Reasons = append(r.Reasons, reason)
		}
	}
	r.Pass = len(r.Reasons) == 0
	return r, nil
}

// Resolve reads the scenario from the data.
func (Fake) Resolve(_ context.Context, id Identity) (Resolution, error) {
	switch {
	case strings.HasPrefix(id.SSN, "900"):
		return Resolution{Fraud: true}, nil
	case strings.EqualFold(id.LastName, "Mismatch"):
		return Resolution{Field: "last_name"}, nil
	case id.DOB == "1900-01-01":
		return Resolution{Field: "dob"}, nil
	}
	return Resolution{Pass: true}, nil
}

// VerifyPhone fails numbers ending 0000.
func (Fake) VerifyPhone(_ context.Context, e164 string, _ Identity) (bool, error) {
	return !strings.HasSuffix(e164, "0000"), nil
}
