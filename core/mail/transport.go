package mail

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Transport delivers one message. An error that matches ErrPermanent (with
// errors.Is) means retrying the same message cannot succeed.
type Transport interface {
	Send(ctx context.Context, msg *Message) error
}

// ErrPermanent marks a failure that a retry would repeat: the recipient was
// refused, the message is malformed, the address cannot be decrypted.
var ErrPermanent = errors.New("mail: permanent failure")

// Permanent marks err as permanent; nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (p permanentError) Error() string        { return p.err.Error() }
func (p permanentError) Unwrap() error        { return p.err }
func (p permanentError) Is(target error) bool { return target == ErrPermanent }

// SendError is an SMTP failure at one stage of the conversation. Its text
// names the stage and the reply codes only: a server's reply text often
// quotes the recipient's address, and this text is stored.
type SendError struct {
	Stage     string // dial, starttls, hello, auth, mail, rcpt, data, quit
	Code      int    // the SMTP reply code, 0 when the server did not reply
	Enhanced  string // the enhanced status code, "5.1.1"; "" when none
	Permanent bool   // the server refused this message or recipient for good
	Err       error  // the cause, with the server's text, for logs that may hold PII
}

// Error names the stage and reply codes, never the server's text.
func (e *SendError) Error() string {
	s := "smtp " + e.Stage
	if e.Code != 0 {
		s += ": " + strconv.Itoa(e.Code)
		if e.Enhanced != "" {
			s += " " + e.Enhanced
		}
		return s
	}
	if e.Err != nil {
		s += ": " + scrub(e.Err.Error())
	}
	return s
}

// Unwrap returns the cause.
func (e *SendError) Unwrap() error { return e.Err }

// Is matches ErrPermanent for a permanent failure.
func (e *SendError) Is(target error) bool { return target == ErrPermanent && e.Permanent }

// scrub replaces every word holding an "@" (an address, most likely) and
// bounds the length, so an error text can be stored without PII.
func scrub(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if strings.Contains(w, "@") {
			words[i] = "[address]"
		}
	}
	s = strings.Join(words, " ")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}
