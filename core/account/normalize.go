package account

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"supportdesk/core/fault"
	"supportdesk/core/safetext"
)

// MaxEmailLength is RFC 5321's limit on a path, as identity-idp applies it.
const MaxEmailLength = 254

// MaxLocalLength is RFC 5321's limit on a local part, in octets.
const MaxLocalLength = 64

// NormalizeEmail trims an address, checks that it parses as a single RFC
// 5322 addr-spec with a dotted domain name, and normalizes it without ever
// changing the mailbox:
//   - an all-ASCII local part is lower-cased (as Login.gov does); a local
//     part with any non-ASCII letter is kept byte for byte, since only the
//     receiving server knows how it compares (no Unicode case folding: "İ"
//     is not "i", the Kelvin sign is not "k");
//   - the domain is lower-cased, and an internationalized domain is stored
//     in punycode (IDNA2008/UTS #46 lookup, non-transitional), so no header
//     ever carries a raw UTF-8 domain;
//   - the local part is at most 64 octets, the whole at most 254.
//
// Control and format characters (core/safetext's policy, and also ZWJ and
// ZWNJ, which no address needs) are refused. Every refusal carries
// MaxEmailLength as its limit, for the message.
func NormalizeEmail(s string) (string, error) {
	bad := &fault.Error{Code: fault.CodeEmailMalformed, Field: "email", Max: MaxEmailLength}
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4*MaxEmailLength || !utf8.ValidString(s) || strings.IndexFunc(s, hostile) >= 0 {
		return "", bad
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > MaxLocalLength {
		return "", bad
	}
	local, domain := s[:at], s[at+1:]
	if isASCII(local) {
		local = strings.ToLower(local)
	}
	if isASCII(domain) {
		domain = strings.ToLower(domain)
	} else {
		ascii, err := idna.Lookup.ToASCII(domain)
		if err != nil || !isASCII(ascii) {
			return "", bad
		}
		domain = ascii
	}
	s = local + "@" + domain
	if len(s) > MaxEmailLength || domain == "" || !strings.Contains(domain, ".") || domain[0] == '[' {
		return "", bad
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", bad
	}
	return s, nil
}

// hostile reports what no address may hold: the text policy's control and
// format characters, and ZWJ/ZWNJ too. net/mail accepts any non-ASCII rune.
func hostile(r rune) bool {
	return safetext.Refused(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
