// Package mailparse turns one raw inbound email, as an MTA hands it to our
// SMTP/LMTP receiver or a pipe, into the few facts core needs to thread a
// requester's reply onto a ticket: its ids, sender, subject, the new text
// the person wrote (quoted history and signature cut), whether a machine
// sent it, a bounce's original id, and what our own MTA said about its
// authentication. Nothing else from the message is kept: attachments are
// counted, never stored, and every string that leaves the package passes
// the repository's text policy (core/safetext), because the console shows
// it in a terminal.
package mailparse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // registers the charsets mail uses beyond UTF-8 (latin-1, windows-1252...) with go-message
	"github.com/emersion/go-message/mail"
)

// Limits on what Parse accepts and keeps.
const (
	// MaxMessage is the largest raw message Parse reads, in bytes; our MTA
	// refuses larger ones, so anything beyond is not a requester's reply.
	MaxMessage = 10 << 20
	// MaxText is the most bytes of cleaned body Text keeps: a reply is a few
	// paragraphs, and a ticket body has the same limit.
	MaxText = 64 << 10
)

// maxSubject caps the decoded subject in bytes; the header itself may be
// up to the 1 MB go-message allows, which no agent needs to read.
const maxSubject = 1000

// ErrTooLarge is returned for a message over MaxMessage bytes.
var ErrTooLarge = errors.New("mailparse: message too large")

// ErrMalformed is returned, wrapping the reason, when the input is not
// mail at all (no header block that can be read). A damaged body is not an
// error: what could be read is kept.
var ErrMalformed = errors.New("mailparse: malformed message")

// Message is what core keeps of one inbound email. Every string is safe to
// show in a terminal.
type Message struct {
	// MessageID is the Message-ID with its angle brackets, "" when absent
	// or invalid; printable ASCII only, no spaces.
	MessageID string
	// InReplyTo holds the In-Reply-To message ids, with angle brackets.
	InReplyTo []string
	// References holds the References message ids, with angle brackets; a
	// list over 100 keeps the first (the thread's root) and the last 99
	// (the nearest ancestors), which is what threading looks at.
	References []string
	// From is the first From address, its ASCII domain lower-cased (the
	// local part is kept as is: it may be case-sensitive); "" when missing
	// or unparseable.
	From string
	// Subject is the decoded (RFC 2047) subject on one line, cleaned to
	// satisfy safetext.ValidLine and cut to 1000 bytes.
	Subject string
	// Text is the new text the sender wrote: the best text part (text/plain
	// preferred, else HTML turned into text), with quoted history and
	// signature removed, "\n" line breaks, at most two line breaks in a
	// row, trimmed, cleaned to satisfy safetext.ValidText. "" when the
	// person wrote nothing above the quote. For a bounce it is the report's
	// notice to people.
	Text string
	// Truncated reports that Text was cut (at a line boundary) to MaxText.
	Truncated bool
	// Attachments counts the parts that are attachments or not text
	// (images, PDF, forwarded messages, calendar invites...); none is kept.
	// The signature part of an S/MIME or OpenPGP signed message is not one.
	Attachments int
	// Auto reports a message a machine sent (auto-reply, out-of-office,
	// bulk or list mail, a report, a bounce, a mailer daemon): core must
	// not answer it, or two robots mail each other forever (RFC 3834).
	Auto bool
	// Bounce is non-nil for a delivery status notification (RFC 3464).
	Bounce *Bounce
	// Auth is what our own MTA recorded about SPF, DKIM and DMARC.
	Auth AuthResult
}

// Bounce is what a delivery status notification says about a message we
// sent, so the outbox can mark it.
type Bounce struct {
	// OriginalMessageID is the Message-ID (with angle brackets) of the
	// message that bounced: from the returned message or its headers, else
	// from the report's Original-Envelope-Id or an X-Original-Message-ID.
	OriginalMessageID string
	// Permanent reports Action: failed with a 5.x.x Status: retrying will
	// not help.
	Permanent bool
	// Status is the enhanced status code (RFC 3463), e.g. "5.1.1".
	Status string
}

// Parse reads one raw message from r, at most MaxMessage bytes, and keeps
// what core needs of it. trustedAuthServID is the authserv-id our MTA
// writes in Authentication-Results; only those headers count, since a
// sender can write any other. With "" no header counts.
//
// It returns ErrTooLarge for a message over MaxMessage, ErrMalformed when
// there is no readable header, and r's own error when reading fails (a
// message cut short is not one to act on); a damaged body yields what
// could be read.
func Parse(r io.Reader, trustedAuthServID string) (*Message, error) {
	cr := &capReader{r: io.LimitReader(r, MaxMessage+1)}
	m, err := parse(cr, trustedAuthServID)
	// Read what the walk left (an unread epilogue, a skipped part) so a
	// message over the limit is refused whatever its shape; the LimitReader
	// keeps this bounded.
	_, _ = io.Copy(io.Discard, cr) // errors are kept in cr
	switch {
	case cr.over:
		return nil, ErrTooLarge
	case cr.err != nil:
		// go-message drops some read errors inside a part; cr saw them all.
		return nil, fmt.Errorf("mailparse: reading message: %w", cr.err)
	case err != nil:
		return nil, err
	}
	return m, nil
}

func parse(r io.Reader, trustedAuthServID string) (*Message, error) {
	e, err := message.Read(bufio.NewReader(r))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if e.Header.Len() == 0 {
		return nil, fmt.Errorf("%w: no header fields", ErrMalformed)
	}
	h := mail.Header{Header: e.Header}
	m := &Message{
		MessageID:  messageID(h),
		InReplyTo:  idList(h, "In-Reply-To"),
		References: capRefs(idList(h, "References")),
		From:       fromAddress(h),
		Subject:    subject(h),
		Auth:       authResults(e.Header, trustedAuthServID),
	}

	w := walker{}
	b := w.walk(e, 0, false)
	m.Attachments = w.attachments
	if w.report != nil {
		m.Bounce = w.report.bounce(e.Header)
	}
	m.Auto = isAuto(e.Header, m.From, m.Subject) || w.isReport || m.Bounce != nil

	text, rawCut := b.best()
	text, marked := cutHistory(text)
	m.Text, m.Truncated = truncate(text, MaxText)
	// A part read only in part loses text unless history began before.
	m.Truncated = m.Truncated || (rawCut && !marked)
	return m, nil
}

// capReader counts what it reads and reports ErrTooLarge past MaxMessage;
// the flag and the first read error survive libraries that swallow errors.
type capReader struct {
	r    io.Reader
	n    int64
	over bool
	err  error // the first error from r other than io.EOF
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.over {
		return 0, ErrTooLarge
	}
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > MaxMessage {
		c.over = true
		return 0, ErrTooLarge
	}
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// lowerASCII lower-cases ASCII letters only: non-ASCII (IDN) labels and
// anything case-sensitive around them are left as written.
func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}
