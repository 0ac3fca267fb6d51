package mailparse

import (
	"strings"

	"github.com/emersion/go-message"
)

// AuthResult is what our own MTA found when it checked the sender (RFC
// 8601): lower-case results such as "pass", "fail", "softfail", "neutral",
// "none", "temperror", "permerror", or "" when it did not say.
type AuthResult struct {
	SPF   string
	DKIM  string // "pass" when any signature passed, else the first result
	DMARC string
}

// Failed reports mail that claims a sender it cannot show it is: SPF
// "fail", DMARC "fail", or DKIM "fail" with no DKIM signature passing.
// Softfail, neutral, none and errors are not failures: they are what most
// legitimate mail from small domains and forwarders gets, and refusing
// them would lose real requesters.
func (a AuthResult) Failed() bool {
	return a.SPF == "fail" || a.DMARC == "fail" || a.DKIM == "fail"
}

// authResults reads the Authentication-Results headers written by
// trusted (our MTA). Headers are added at the top, so the first trusted
// one is the newest; a method it lacks is taken from older trusted ones.
func authResults(h message.Header, trusted string) AuthResult {
	var a AuthResult
	if trusted == "" {
		return a
	}
	for _, v := range h.Values("Authentication-Results") {
		parts := strings.Split(stripComments(v), ";")
		id := firstToken(parts[0])
		if !strings.EqualFold(id, trusted) {
			continue
		}
		for _, p := range parts[1:] {
			method, result := methodResult(p)
			switch method {
			case "spf":
				if a.SPF == "" {
					a.SPF = result
				}
			case "dmarc":
				if a.DMARC == "" {
					a.DMARC = result
				}
			case "dkim":
				if a.DKIM == "" || result == "pass" {
					a.DKIM = result
				}
			}
		}
	}
	return a
}

// methodResult splits "dkim/1=pass header.d=example.com" into "dkim" and
// "pass"; the result is kept only when it is a plain lower-case word.
func methodResult(p string) (method, result string) {
	p = strings.TrimSpace(p)
	eq := strings.IndexByte(p, '=')
	if eq <= 0 {
		return "", ""
	}
	method = strings.ToLower(strings.TrimSpace(p[:eq]))
	if i := strings.IndexByte(method, '/'); i >= 0 {
		method = strings.TrimSpace(method[:i])
	}
	result = strings.ToLower(firstToken(p[eq+1:]))
	for i := 0; i < len(result); i++ {
		if c := result[i]; c < 'a' || c > 'z' {
			return method, ""
		}
	}
	return method, result
}

// stripComments removes RFC 5322 comments, which may hold ";" or "=" and
// would otherwise be read as results; quoted strings are kept whole.
func stripComments(v string) string {
	if !strings.ContainsAny(v, "(\"") {
		return v
	}
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (depth > 0 || quoted) && i+1 < len(v):
			if quoted {
				b.WriteByte(c)
				b.WriteByte(v[i+1])
			}
			i++
		case quoted:
			b.WriteByte(c)
			if c == '"' {
				quoted = false
			}
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
		case depth > 0:
		case c == '"':
			quoted = true
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
