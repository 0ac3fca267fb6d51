package safetext

import (
	"unicode"
	"unicode/utf8"
)

// The text policy for what enters core. Names, subjects and reasons (on the
// contact form, by mail and from staff) must pass ValidLine; ticket bodies
// must pass ValidText. Text that fails is refused, never silently cleaned:
// a requester or agent sees what was stored, and an invisible character is
// as likely a spoofing attempt as a typo. Line and Text still remove the
// same characters at display time, for rows stored before the policy.

const (
	zwnj = 0x200c // needed to spell Persian, Hindi and other scripts
	zwj  = 0x200d // needed for emoji sequences and some Indic conjuncts
)

// Refused reports a rune no name, subject or body may hold: controls (C0,
// DEL, C1), format characters (category Cf: zero-width space, BOM, word
// joiner, bidi marks and controls, tag characters, soft hyphen...) other
// than ZWJ and ZWNJ, and the line and paragraph separators U+2028/2029.
// Newlines and tabs are controls too; ValidText lets them into bodies.
func Refused(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	case r < 0xa0:
		return false // printable ASCII: the common case
	case r == zwj || r == zwnj:
		return false
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r) || IsBidiControl(r)
}

// ValidLine reports whether s is valid UTF-8 with no refused rune: the
// check for names, subjects and reasons, which are one line.
func ValidLine(s string) bool { return valid(s, false) }

// ValidText is ValidLine for bodies, which may also hold "\n" and "\t".
// Bare or CRLF carriage returns are refused: normalize "\r\n" first.
func ValidText(s string) bool { return valid(s, true) }

func valid(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if Refused(r) {
			return false
		}
	}
	return true
}
