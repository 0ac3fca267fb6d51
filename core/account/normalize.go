package account

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"supportdesk/core/fault"
)

// MaxEmailLength is RFC 5321's limit on a path, as identity-idp applies it.
const MaxEmailLength = 254

// NormalizeEmail trims and lower-cases an address and checks that it parses
// as a single RFC 5322 addr-spec with a dotted domain name.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", fault.Invalid("email", fault.CodeEmailMalformed)
	}
	// Lower-case before checking, so the checks see the output: some letters
	// grow when lower-cased, and a normalized address must normalize to itself.
	s = strings.ToLower(s)
	if s == "" || len(s) > MaxEmailLength || strings.IndexFunc(s, hostile) >= 0 {
		return "", fault.Invalid("email", fault.CodeEmailMalformed)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", fault.Invalid("email", fault.CodeEmailMalformed)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || s[at+1] == '[' {
		return "", fault.Invalid("email", fault.CodeEmailMalformed)
	}
	return s, nil
}

// hostile reports control and format characters (C1 controls such as CSI,
// bidi overrides, zero-width characters): net/mail accepts any non-ASCII
// rune, no address needs these, and they can drive a terminal.
func hostile(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// NormalizePhone turns a typed phone number into E.164. It accepts "+" and a
// country code, or a 10-digit North American number (with or without a
// leading 1), with spaces, dots, dashes and parentheses as formatting.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 {
		return "", fault.Invalid("phone", fault.CodePhoneMalformed)
	}
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	digits := make([]byte, 0, 16)
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", fault.Invalid("phone", fault.CodePhoneMalformed)
		}
	}
	switch {
	case plus && len(digits) >= 8 && len(digits) <= 15 && digits[0] != '0':
		if digits[0] == '1' && !validNANP(digits[1:]) {
			return "", fault.Invalid("phone", fault.CodePhoneMalformed)
		}
		return "+" + string(digits), nil
	case !plus && len(digits) == 10 && validNANP(digits):
		return "+1" + string(digits), nil
	case !plus && len(digits) == 11 && digits[0] == '1' && validNANP(digits[1:]):
		return "+" + string(digits), nil
	}
	return "", fault.Invalid("phone", fault.CodePhoneMalformed)
}

// validNANP checks a 10-digit North American number: area code and
// exchange start with 2-9.
func validNANP(d []byte) bool {
	return len(d) == 10 && d[0] >= '2' && d[3] >= '2'
}

// LooksLikePhone reports whether a query is made of phone characters only,
// so the look-up can tell a malformed phone from an unrecognised query.
func LooksLikePhone(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits > 0
}
