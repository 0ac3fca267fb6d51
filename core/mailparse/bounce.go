package mailparse

import (
	"bufio"
	"io"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Bounds on a delivery report: its fields fit in a few kilobytes.
const (
	maxStatusBytes = 256 << 10
	maxStatusBlock = 100
	maxOrigHeader  = 1 << 20
)

// report gathers what the parts of a delivery-status report say (RFC 3464).
type report struct {
	origID string // Message-ID of the returned message or its headers
	envID  string // Original-Envelope-Id, when it holds a message id
	action string // of the recipient chosen, lower-case
	status string
}

// readStatus reads the message/delivery-status part: one per-message block
// then one block per recipient. The first failed recipient is kept, else
// the first one: a partial failure still needs the outbox's attention.
func (r *report) readStatus(body io.Reader) {
	br := bufio.NewReader(io.LimitReader(body, maxStatusBytes))
	first := true
	for range maxStatusBlock {
		h, err := textproto.ReadHeader(br)
		if h.Len() > 0 {
			if first {
				r.envID = envelopeID(h.Get("Original-Envelope-Id"))
				first = false
			} else {
				action := strings.ToLower(firstToken(h.Get("Action")))
				status := statusCode(h.Get("Status"))
				if r.action == "" || (r.action != "failed" && action == "failed") {
					r.action, r.status = action, status
				}
			}
		}
		if err != nil {
			return
		}
		if _, err := br.Peek(1); err != nil {
			return
		}
	}
}

// readOriginal reads the header of the returned message (message/rfc822)
// or the returned headers (text/rfc822-headers) for its Message-ID.
func (r *report) readOriginal(body io.Reader) {
	// The blank line ends a headers-only part that lacks one.
	br := bufio.NewReader(io.MultiReader(io.LimitReader(body, maxOrigHeader), strings.NewReader("\r\n\r\n")))
	h, _ := textproto.ReadHeader(br) // a damaged header may still hold the id
	if id := messageID(mail.Header{Header: message.Header{Header: h}}); id != "" && r.origID == "" {
		r.origID = id
	}
}

// bounce is the Bounce the report describes; top is the report's own
// header, whose X-Original-Message-ID some MTAs add.
func (r *report) bounce(top message.Header) *Bounce {
	b := &Bounce{OriginalMessageID: r.origID, Status: r.status}
	if b.OriginalMessageID == "" {
		b.OriginalMessageID = r.envID
	}
	if b.OriginalMessageID == "" {
		if ids := scanIDs(top.Get("X-Original-Message-Id")); len(ids) > 0 {
			b.OriginalMessageID = ids[0]
		}
	}
	b.Permanent = r.action == "failed" && strings.HasPrefix(r.status, "5.")
	return b
}

// envelopeID decodes an ENVID (xtext, RFC 3461) and keeps it only when it
// is a message id: the outbox sets it to one, other senders to anything.
func envelopeID(v string) string {
	v = xtext(strings.TrimSpace(v))
	if ids := scanIDs(v); len(ids) > 0 {
		return ids[0]
	}
	if strings.Contains(v, "@") {
		return bracket(v)
	}
	return ""
}

// xtext decodes "+HH" escapes; a malformed escape is kept as written.
func xtext(s string) string {
	if !strings.Contains(s, "+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '+' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// statusCode keeps "class.subject.detail" from a Status field such as
// "5.1.1 (bad destination mailbox)"; anything else is "".
func statusCode(v string) string {
	s := firstToken(v)
	if len(s) < 5 || len(s) > 16 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || strings.Count(s, ".") != 2 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && (c < '0' || c > '9') {
			return ""
		}
	}
	return s
}

// firstToken is the first whitespace-separated word of v.
func firstToken(v string) string {
	f := strings.Fields(v)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
