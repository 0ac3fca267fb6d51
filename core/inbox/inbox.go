// Package inbox receives the requester's side of the email conversation:
// one raw message, from the SMTP/LMTP receiver or a pipe from the MTA, is
// parsed, matched to its ticket by a keyed reply address or its
// threading headers, and committed (threaded, held for review, recorded
// as automatic, or applied as a bounce) or refused.
package inbox

import (
	"context"
	"errors"
	"io"

	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// Disposition is what became of one delivered message.
type Disposition string

// The dispositions.
const (
	Threaded  Disposition = "threaded"   // joined its ticket's thread; the next-reply clock runs
	Reopened  Disposition = "reopened"   // joined a solved ticket within 7 days and reopened it
	NewTicket Disposition = "new_ticket" // a reply to a closed ticket, or a solved one after 7 days: a new linked ticket
	Held      Disposition = "held"       // waits in the held list for an agent
	Auto      Disposition = "auto"       // an auto-reply: recorded, no clock, no reopening
	Bounce    Disposition = "bounce"     // a delivery failure report: its outbox row failed, its ticket flagged
	Duplicate Disposition = "duplicate"  // this Message-ID was delivered before: stored once
)

// Result is the outcome of Deliver.
type Result struct {
	Disposition Disposition
	Ref         string // the ticket it joined or opened; "" when held or unmatched
}

// Inbox commits inbound mail.
type Inbox struct {
	st    store.Store
	keys  *secret.Keyring
	clock clock.Clock
	// TrustedAuthServID is the authserv-id of the MTA in front of the
	// desk: only its Authentication-Results headers count.
	TrustedAuthServID string
}

// New returns an inbox over st.
func New(st store.Store, keys *secret.Keyring, c clock.Clock) *Inbox {
	return &Inbox{st: st, keys: keys, clock: c}
}

// Deliver commits one raw message addressed to rcpts (the envelope
// recipients). The error says whether a retry can help: Permanent(err).
func (b *Inbox) Deliver(ctx context.Context, rcpts []string, raw io.Reader) (Result, error) {
	return Result{}, errors.New("inbox: not built yet")
}

// ErrTooLarge refuses a message over the size limit, for good.
var ErrTooLarge = &fault.Error{Code: fault.CodeInvalidInput, Field: "message_size"}

// Permanent reports whether retrying the delivery can never help: the
// message is too large, malformed or otherwise refused for what it is.
// Storage and context errors are temporary.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	fe, ok := fault.As(err)
	return ok && fe.Code != fault.CodeStorage && fe.Code != fault.CodeRateLimited && fe.Code != fault.CodeConflict
}
