package mailparse

import (
	"strings"
	"unicode"
)

// Quoted history and signatures, as en, es and fr clients write them.
// Everything from the first marker on is cut: what follows is the thread
// the ticket already holds, or the sender's boilerplate.

// separators are the words between dashes that start a quoted or
// forwarded message ("-----Original Message-----").
var separators = map[string]bool{
	"original message": true, "mensaje original": true,
	"message d'origine": true, "message d’origine": true, "message original": true,
	"forwarded message": true, "mensaje reenviado": true, "message transféré": true,
	"message transmis": true,
}

// forwardLines are whole lines Apple Mail writes before a forwarded message.
var forwardLines = map[string]bool{
	"begin forwarded message:": true, "inicio del mensaje reenviado:": true,
	"début du message réexpédié:": true,
}

// attributions are the opening words and endings of "On <date>, <name>
// wrote:" lines.
var (
	attribStarts = []string{"on ", "el ", "le "}
	attribEnds   = []string{"wrote:", "escribió:", "a écrit:"}
)

// header fields of the block Outlook writes above the quoted message.
var (
	headerFrom   = []string{"from:", "de:"}
	headerFields = []string{
		"sent:", "date:", "to:", "cc:", "subject:",
		"enviado:", "enviado el:", "fecha:", "para:", "asunto:",
		"envoyé:", "à:", "objet:",
	}
)

// mobileSignatures are the lines phones and apps add under the text.
var mobileSignatures = []string{
	"sent from my ", "sent from outlook", "sent from yahoo mail", "sent from mail for windows", "get outlook for ",
	"enviado desde mi ", "enviado desde outlook", "enviado desde yahoo", "obtener outlook para ",
	"envoyé de mon ", "envoyé depuis mon ", "envoyé à partir de ", "envoyé depuis outlook",
	"télécharger outlook pour ", "obtenir outlook pour ",
}

// lookahead is how many lines past the limit isMarker may read: a header
// block spans up to 9.
const lookahead = 10

// cutHistory cuts s at the first quote or signature marker, reporting
// whether it found one, and tidies the rest. Only the lines that can reach
// Text are examined: once more than MaxText bytes of them are in, the rest
// would be truncated anyway, and a 10 MB body of short lines must not cost
// a scan of every one.
func cutHistory(s string) (text string, marked bool) {
	lines := strings.Split(s[:scanEnd(s, MaxText)], "\n")
	for i := range lines {
		if isMarker(lines, i) {
			return tidy(lines[:i]), true
		}
	}
	return tidy(lines), false
}

// scanEnd is the end of the prefix of s whose non-blank lines hold more
// than limit bytes, plus lookahead lines; len(s) when s is shorter.
func scanEnd(s string, limit int) int {
	n, extra := 0, -1
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return len(s)
		}
		if extra >= 0 {
			if extra++; extra > lookahead {
				return i + j
			}
		} else if l := len(strings.TrimRightFunc(s[i:i+j], unicode.IsSpace)); l > 0 {
			if n += l + 1; n > limit {
				extra = 0
			}
		}
		i += j + 1
	}
	return len(s)
}

var normReplacer = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "*", "")

// norm lower-cases a line for matching, with no-break spaces as spaces,
// bold asterisks gone and French spacing before a colon removed.
func norm(l string) string {
	l = normReplacer.Replace(l)
	l = strings.ToLower(strings.TrimSpace(l))
	for strings.Contains(l, " :") {
		l = strings.ReplaceAll(l, " :", ":")
	}
	return l
}

func isMarker(lines []string, i int) bool {
	raw := lines[i]
	if strings.HasPrefix(strings.TrimLeft(raw, " \t"), ">") {
		return true
	}
	if t := strings.TrimRight(raw, " \t"); t == "--" {
		return true // the signature delimiter "-- ", often trailing space lost
	}
	l := norm(raw)
	if l == "" {
		return false
	}
	if strings.HasPrefix(l, "--") || strings.HasPrefix(l, "—") {
		if separators[strings.Trim(l, "-—_ ")] {
			return true
		}
	}
	if forwardLines[l] {
		return true
	}
	if strings.Trim(l, "_") == "" && len(l) >= 10 {
		return isHeaderBlock(lines, nextNonBlank(lines, i+1))
	}
	if isHeaderBlock(lines, i) || isAttribution(lines, i) {
		return true
	}
	if len(l) < 80 {
		for _, p := range mobileSignatures {
			if strings.HasPrefix(l, p) {
				return true
			}
		}
	}
	return false
}

func nextNonBlank(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}

// isHeaderBlock reports a "From:" line followed, within a few lines, by
// at least two more header fields: one "From:" alone could be the
// person's own words.
func isHeaderBlock(lines []string, i int) bool {
	if i >= len(lines) || !hasAnyPrefix(norm(lines[i]), headerFrom) {
		return false
	}
	n := 0
	for j := i + 1; j < len(lines) && j <= i+8; j++ {
		if hasAnyPrefix(norm(lines[j]), headerFields) {
			n++
		}
	}
	return n >= 2
}

// isAttribution reports "On <date>, <name> wrote:" on one line, or
// wrapped over two as Gmail does; the date's digits tell it from a
// sentence such as "On Monday she wrote:". A line "<address> wrote:" also
// counts: some clients leave the date out.
func isAttribution(lines []string, i int) bool {
	l := norm(lines[i])
	if hasAnySuffix(l, attribEnds) {
		return (hasAnyPrefix(l, attribStarts) && hasDigit(l)) || strings.Contains(l, "@")
	}
	if !hasAnyPrefix(l, attribStarts) || i+1 >= len(lines) {
		return false
	}
	next := norm(lines[i+1])
	return hasAnySuffix(next, attribEnds) && (hasDigit(l) || hasDigit(next))
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasAnySuffix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasSuffix(s, p) {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// tidy trims trailing space on each line, keeps at most one blank line in
// a row and trims the whole.
func tidy(lines []string) string {
	var b strings.Builder
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank > 0 {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(l)
	}
	return strings.TrimSpace(b.String())
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a
// line ending in a space continues on the next one of the same quote
// depth; delsp removes that space. Space-stuffing is undone.
func unflow(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	joining := false
	for i, line := range lines {
		d := quoteDepth(line)
		content := strings.TrimPrefix(line[d:], " ")
		if !joining && d > 0 {
			b.WriteString(strings.Repeat(">", d))
			b.WriteByte(' ')
		}
		// A flowed line never runs into one of another quote depth.
		soft := strings.HasSuffix(content, " ") && content != "-- " &&
			i+1 < len(lines) && quoteDepth(lines[i+1]) == d
		if soft && delsp {
			content = content[:len(content)-1]
		}
		b.WriteString(content)
		joining = soft
		if !soft && i+1 < len(lines) {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func quoteDepth(line string) int {
	d := 0
	for d < len(line) && line[d] == '>' {
		d++
	}
	return d
}

// truncate cuts s to at most limit bytes at the last line break before the
// limit (at a rune boundary when there is none).
func truncate(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	cut := s[:limit]
	if j := strings.LastIndexByte(cut, '\n'); j > 0 {
		cut = cut[:j]
	} else {
		cut = cutRunes(s, limit)
	}
	return strings.TrimRightFunc(cut, unicode.IsSpace), true
}
