// Package mail delivers the outbox's email rows: a Worker decrypts each
// recipient, has a Renderer write the localized text, and hands an RFC 5322
// Message to a Transport (SMTP, or a folder of .eml files for the demo).
// Delivery is at least once; the Message-ID is stable across retries so a
// receiver can drop a duplicate.
package mail

import (
	"bytes"
	"errors"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one email, ready for a Transport.
type Message struct {
	MessageID string    // with angle brackets: <outbox-12.k3x9@desk.example.gov>
	From      string    // an RFC 5322 address, with or without display name
	To        string    // the recipient's address
	Subject   string    // one line; UTF-8
	Body      string    // plain text; UTF-8, lines end in "\n"
	Language  string    // Content-Language: en, es, fr
	Date      time.Time // when the message was created (the outbox row's time)
	ReplyTo   string    // where replies go (a ticket's reply address); "" for none
	InReplyTo string    // the Message-ID this answers, with angle brackets; "" for none
	// References lists the thread's Message-IDs, oldest first.
	References []string
}

// lineMax is RFC 5322's recommended line length; headers fold before it.
const lineMax = 78

// Bytes returns the message in RFC 5322 form with CRLF line ends. Header
// values lose control characters (no header injection); non-ASCII text is
// RFC 2047 Q-encoded as UTF-8. The body is quoted-printable, not 8bit: it is 7-bit
// clean, so it crosses any relay, with or without 8BITMIME, and keeps lines
// under 76 characters while staying readable for Latin text.
func (m *Message) Bytes() []byte {
	var b bytes.Buffer
	header(&b, "Message-ID", headerText(m.MessageID))
	header(&b, "Date", m.Date.Format(time.RFC1123Z))
	header(&b, "From", address(m.From))
	header(&b, "To", address(m.To))
	if m.ReplyTo != "" {
		header(&b, "Reply-To", address(m.ReplyTo))
	}
	if id := msgID(m.InReplyTo); id != "" {
		header(&b, "In-Reply-To", id)
	}
	var refs []string
	for _, r := range m.References {
		if id := msgID(r); id != "" {
			refs = append(refs, id)
		}
	}
	if len(refs) > 0 {
		header(&b, "References", strings.Join(refs, " "))
	}
	header(&b, "Subject", encodeText(headerText(m.Subject)))
	header(&b, "MIME-Version", "1.0")
	header(&b, "Content-Type", "text/plain; charset=UTF-8")
	header(&b, "Content-Transfer-Encoding", "quoted-printable")
	if lang := languageTag(m.Language); lang != "" {
		header(&b, "Content-Language", lang)
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b) // not Binary: "\n" becomes CRLF
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	qp.Write([]byte(strings.ReplaceAll(body, "\r", "\n"))) // a bytes.Buffer never fails
	qp.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// msgID returns id when it is one well-formed Message-ID, else "": ids
// from received mail go back out in headers, so nothing else may pass.
func msgID(id string) string {
	if len(id) < 5 || len(id) > 250 || id[0] != '<' || id[len(id)-1] != '>' || !strings.Contains(id, "@") ||
		strings.ContainsAny(id[1:len(id)-1], "<> \t\r\n\"()[]\\,;:") || !isASCII(id) {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return ""
		}
	}
	return id
}

// Check reports a message a transport must not send: a missing or
// malformed Message-ID, a From or To that is not one address, no Date.
func (m *Message) Check() error {
	id := m.MessageID
	if len(id) < 5 || id[0] != '<' || id[len(id)-1] != '>' || !strings.Contains(id, "@") ||
		strings.ContainsAny(id[1:len(id)-1], "<> \t\r\n") || !isASCII(id) {
		return errors.New("mail: malformed Message-ID")
	}
	if _, err := envelope(m.From); err != nil {
		return errors.New("mail: From is not an address")
	}
	if _, err := envelope(m.To); err != nil {
		return errors.New("mail: To is not an address") // the address itself stays out of errors
	}
	if m.Date.IsZero() {
		return errors.New("mail: no Date")
	}
	return nil
}

// envelope returns the bare address of an RFC 5322 mailbox, for SMTP.
func envelope(s string) (string, error) {
	if strings.ContainsAny(s, "\r\n") {
		return "", errors.New("mail: line break in address")
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// address formats a mailbox for a header, encoding a non-ASCII display
// name; text that does not parse is kept, without controls.
func address(s string) string {
	if a, err := netmail.ParseAddress(headerText(s)); err == nil {
		if enc := encodeText(a.Name); enc != a.Name {
			return enc + " <" + a.Address + ">" // net/mail's 75-character words would overflow the line
		}
		return a.String()
	}
	return headerText(s)
}

// header writes "Name: value" folded at spaces so that lines stay within
// lineMax where the value allows it.
func header(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	n := len(name) + 1
	for i, word := range strings.Split(value, " ") {
		if i > 0 && n+1+len(word) > lineMax {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteByte(' ')
		b.WriteString(word)
		n += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// headerText makes a value one header line: line breaks and tabs become
// spaces, other controls and invalid UTF-8 go, runs of spaces collapse.
func headerText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			space = true
			continue
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// encodeText RFC 2047-encodes unstructured header text that is not plain
// printable ASCII, that merely looks like an encoded word ("=?"), or that
// holds a word too long to fold.
func encodeText(s string) string {
	plain := !strings.Contains(s, "=?")
	for w := range strings.SplitSeq(s, " ") {
		plain = plain && len(w) <= maxWord
	}
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= ' ' && s[i] <= '~'
	}
	if plain {
		return s
	}
	return qWords(s)
}

// maxWord is the longest word a header keeps unencoded: with "Subject: "
// in front it still fits a 78-character line.
const maxWord = lineMax - len("Subject: ")

// qWords Q-encodes s as UTF-8 encoded words separated by spaces, where
// header folds. Each word stays within 66 characters and holds whole runes,
// so even the first, after "Subject: ", keeps to RFC 2047's 76-character
// line; mime.QEncoding makes 75-character words that overflow it.
func qWords(s string) string {
	const open, closing, maxLen = "=?UTF-8?q?", "?=", 66
	var b strings.Builder
	b.WriteString(open)
	n := len(open)
	var enc []byte
	for _, r := range s {
		enc = enc[:0]
		for _, c := range []byte(string(r)) {
			switch {
			case c == ' ':
				enc = append(enc, '_')
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
				c == '!', c == '*', c == '+', c == '-', c == '/':
				enc = append(enc, c) // RFC 2047's set for a phrase, so names can use it too
			default:
				enc = append(enc, '=', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			}
		}
		if n+len(enc)+len(closing) > maxLen {
			b.WriteString(closing + " " + open)
			n = len(open)
		}
		b.Write(enc)
		n += len(enc)
	}
	b.WriteString(closing)
	return b.String()
}

// languageTag keeps a BCP 47 tag's letters, digits and hyphens.
func languageTag(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return -1
	}, s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
