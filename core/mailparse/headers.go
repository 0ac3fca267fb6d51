package mailparse

import (
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"

	"supportdesk/core/safetext"
)

// maxRefs bounds References: a forged header could list thousands of ids.
const maxRefs = 100

// maxIDLen is the longest message id kept: RFC 5322 lines stop at 998.
const maxIDLen = 998

// messageID returns the Message-ID with brackets, or "" when it is not a
// valid msg-id: core matches it byte for byte, so a guess is worse than none.
func messageID(h mail.Header) string {
	id, err := h.MessageID()
	if err == nil && id != "" {
		return bracket(id)
	}
	if ids := scanIDs(h.Get("Message-Id")); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// idList reads In-Reply-To or References. go-message's strict parser is
// tried first; clients that write junk between ids (comments, missing
// spaces, a bare name) get the lenient scan, since threading on a real id
// among the junk is still right.
func idList(h mail.Header, key string) []string {
	ids, err := h.MsgIDList(key)
	if err != nil {
		return scanIDs(h.Get(key))
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if b := bracket(id); b != "" {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// bracket wraps an id in angle brackets when it is printable ASCII with no
// space or bracket, "" otherwise.
func bracket(id string) string {
	if !validIDBody(id) {
		return ""
	}
	return "<" + id + ">"
}

func validIDBody(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// scanIDs finds every "<...>" with a valid id inside.
func scanIDs(v string) []string {
	var out []string
	for {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		v = v[i+1:]
		j := strings.IndexByte(v, '>')
		if j < 0 {
			break
		}
		if b := bracket(v[:j]); b != "" {
			out = append(out, b)
		}
		v = v[j+1:]
	}
	return out
}

// capRefs keeps the root and the nearest maxRefs-1 ancestors.
func capRefs(ids []string) []string {
	if len(ids) <= maxRefs {
		return ids
	}
	out := make([]string, 0, maxRefs)
	out = append(out, ids[0])
	return append(out, ids[len(ids)-(maxRefs-1):]...)
}

// fromAddress returns the first From address. Clients that leave commas
// unquoted in a display name ("Doe, Jane <jane@example.com>") make the list
// unparseable; the bracketed address is then taken on its own.
func fromAddress(h mail.Header) string {
	addrs, err := h.AddressList("From")
	var a string
	switch {
	case err == nil && len(addrs) > 0:
		a = addrs[0].Address
	case err != nil:
		v := h.Get("From")
		i, j := strings.LastIndexByte(v, '<'), strings.LastIndexByte(v, '>')
		if i < 0 || j < i {
			return ""
		}
		p, perr := mail.ParseAddress(v[i : j+1])
		if perr != nil {
			return ""
		}
		a = p.Address
	}
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 || strings.ContainsAny(a, " \t") || !safetext.ValidLine(a) {
		return ""
	}
	return a[:at+1] + lowerASCII(a[at+1:])
}

// subject decodes the Subject, keeping the raw value when an encoded word
// is broken, on one clean line.
func subject(h mail.Header) string {
	s, _ := h.Subject() // on error s is the raw value: better than nothing
	return cutRunes(collapseSpaces(safetext.Line(s)), maxSubject)
}

// collapseSpaces trims and folds runs of ASCII spaces (what unfolding and
// Line leave) into one; a no-break space is kept, French typography needs it.
func collapseSpaces(s string) string {
	s = strings.Trim(s, " ")
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := false
	for i := 0; i < len(s); i++ {
		sp := s[i] == ' '
		if !sp || !prev {
			b.WriteByte(s[i])
		}
		prev = sp
	}
	return b.String()
}

// cutRunes cuts s to at most n bytes without splitting a rune.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
