// Package safetext makes text from outside (names, subjects, ticket bodies,
// agency labels, echoed input) safe to show in a terminal or a mail: escape
// sequences, C0/C1 controls, DEL, bare carriage returns and bidi controls
// go, invalid UTF-8 becomes U+FFFD. One implementation serves the console,
// the command line and the mail renderer.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Line makes outside text safe for one terminal line: escape
// sequences, C0/C1 controls, DEL, bare carriage returns, bidi controls and
// the other format characters Refused names go, line breaks (U+2028/2029
// too) and tabs become spaces, invalid UTF-8 becomes U+FFFD.
// Names and agency labels come from users and partners and could otherwise
// move the cursor, retitle the window or reorder text (CVE-2021-25743,
// CVE-2021-42574).
func Line(s string) string { return sanitize(s, false) }

// Text is Line for multi-line text: it keeps "\n" (and turns "\r\n",
// U+2028 and U+2029 into "\n") so ticket bodies keep their paragraphs.
func Text(s string) string { return sanitize(s, true) }

// escape-sequence parser states.
const (
	stText   = iota
	stEsc    // after ESC
	stEscInt // ESC followed by intermediate bytes, waiting for the final byte
	stCSI    // control sequence, until a final byte 0x40..0x7E
	stString // OSC, DCS, SOS, PM, APC: until BEL or ST
	stStrEsc // ESC inside a string: ST is ESC '\'
)

func sanitize(s string, multiline bool) string {
	if isPlain(s) {
		return s // the common case allocates nothing
	}
	var b strings.Builder
	b.Grow(len(s))
	state := stText
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			if state == stText {
				b.WriteRune(utf8.RuneError)
			}
			continue
		}
		switch state {
		case stEsc:
			switch {
			case r == '[':
				state = stCSI
			case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_':
				state = stString
			case r >= 0x20 && r <= 0x2f:
				state = stEscInt
			default:
				state = stText // a two-byte sequence such as ESC c: drop both
			}
			continue
		case stEscInt:
			if r < 0x20 || r > 0x2f {
				state = stText
			}
			continue
		case stCSI:
			if r >= 0x40 && r <= 0x7e {
				state = stText
			} else if r == 0x1b {
				state = stEsc
			}
			continue
		case stString:
			switch r {
			case 0x07, 0x9c:
				state = stText
			case 0x1b:
				state = stStrEsc
			}
			continue
		case stStrEsc:
			if r == '\\' {
				state = stText
			} else if r != 0x1b {
				state = stString
			}
			continue
		}
		switch {
		case r == 0x1b:
			state = stEsc
		case r == 0x9b: // C1 CSI
			state = stCSI
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, SOS, PM, APC
			state = stString
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue // CRLF is a line break; the LF follows
			}
			// a bare CR would overwrite the line: drop it
		case r == '\n' || r == 0x2028 || r == 0x2029:
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case Refused(r):
			// other controls, bidi controls and format characters (zero-width,
			// tags; ZWJ and ZWNJ stay) are dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsBidiControl reports the Unicode controls that reorder text (Trojan Source).
func IsBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// isPlain reports printable ASCII, which needs no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
