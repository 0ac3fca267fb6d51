package mail

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	mathrand "math/rand/v2"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// Renderer writes the localized text of a notification. Package i18n's
// Bundle implements it; core does not import i18n.
type Renderer interface {
	RenderMail(n notify.Notification) (subject, body string, err error)
}

// SenderNamer names the sender of mail to a user of lang: the team's name
// in the user's language. When the Renderer implements it, that name is the
// From display name; the address stays Worker.From's.
type SenderNamer interface {
	MailSender(lang string) string
}

// TextSender delivers a short text message to a phone (E.164).
type TextSender interface {
	SendText(ctx context.Context, e164, text, lang string) error
}

// TextRenderer writes a notification as one text message.
type TextRenderer interface {
	RenderSMS(n notify.Notification) (string, error)
}

// Worker delivers the outbox's email rows, and its SMS rows when Texts is
// set.
//
// Delivery is at least once. Before a row is first sent, its Message-ID
// (<outbox-<id>.<random>@<Domain>>) is stored with the row, and the row is
// leased: it stays queued with its next attempt pushed Lease ahead, in the
// same write transaction that selected it, so no other worker takes it.
// The lease only just outlasts one send (no send runs past SendTimeout),
// so rows a killed process held are due again within minutes. A
// crash after the relay accepted the message but before the row is marked
// sent makes the row due again when the lease ends, and the message goes
// out again with the same Message-ID and Date, which receivers and
// archives use to drop the duplicate. Exactly once would need the relay to
// take part in our transaction, which SMTP cannot.
//
// SMS rows go the same way through Texts (the gateway gets the Message-ID
// as its idempotency key); without Texts they stay queued.
type Worker struct {
	Store     store.Store
	Keys      *secret.Keyring
	Clock     clock.Clock // default: the system clock
	Renderer  Renderer
	Transport Transport
	From      string // the From header: "Support <support@desk.example.gov>"
	Domain    string // the right side of Message-IDs; default: From's domain

	MaxAttempts int                             // attempts before a row is failed; default 8
	Backoff     func(attempt int) time.Duration // wait after the attempt-th failure; default DefaultBackoff
	Batch       int                             // rows taken per RunOnce; default 50
	Lease       time.Duration                   // how long taken rows stay reserved; default SendTimeout and half again, at most 30 s more
	SendTimeout time.Duration                   // bound on one Transport.Send; default 2 minutes
	Senders     int                             // concurrent sends in each lane; default 4
	OnError     func(error)                     // told of RunOnce errors in Run; may be nil

	Texts        TextSender   // the SMS gateway; nil leaves SMS rows queued
	TextRenderer TextRenderer // required with Texts
}

// DefaultBackoff waits 30 s after the first failure and doubles each time
// up to an hour, less up to a fifth at random so that rows failed together
// do not retry together.
func DefaultBackoff(attempt int) time.Duration { return Backoff(30 * time.Second)(attempt) }

// Backoff is DefaultBackoff's schedule starting at first instead of 30 s.
func Backoff(first time.Duration) func(attempt int) time.Duration {
	first = max(first, time.Second)
	return func(attempt int) time.Duration {
		d := first
		for i := 1; i < attempt && d < time.Hour; i++ {
			d *= 2
		}
		d = min(d, time.Hour)
		return d - mathrand.N(d/5+1)
	}
}

// Run delivers due rows every interval, and at once again after a full
// batch, until ctx is done, in two lanes that never wait for each other:
// account notices (rows of no ticket: security mail and SMS) and ticket
// mail, each with Senders concurrent sends. It first clears what a crash
// left behind in the transport (a Dir's temporary files). It returns nil
// when ctx ends, with every row it held released, or an error at once when
// the worker is not configured.
func (w *Worker) Run(ctx context.Context, every time.Duration) error {
	if err := w.check(); err != nil {
		return err
	}
	if c, ok := w.Transport.(interface{ Clean() error }); ok {
		if err := c.Clean(); err != nil && w.OnError != nil {
			w.OnError(err)
		}
	}
	var wg sync.WaitGroup
	for _, ticketMail := range []bool{false, true} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.runLane(ctx, every, ticketMail)
		}()
	}
	wg.Wait()
	return nil
}

// runLane is one lane of Run.
func (w *Worker) runLane(ctx context.Context, every time.Duration, ticketMail bool) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_, _, taken, err := w.runOnce(ctx, ticketMail)
		if ctx.Err() != nil {
			return
		}
		if err != nil && w.OnError != nil {
			w.OnError(err)
		}
		if err == nil && taken >= w.batch() {
			continue // more may be waiting, or rows released untried are due again
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce takes up to Batch due rows, account notices first, and tries each
// once, Senders at a time. sent counts rows delivered, failed rows whose
// attempt failed (to be retried, or failed for good). err is a store or
// context error; delivery errors are recorded on the rows instead.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	sent, failed, _, err = w.runOnce(ctx, false, true)
	return sent, failed, err
}

// runOnce is RunOnce over the lanes given, in order; taken counts the rows
// it leased, tried or not.
func (w *Worker) runOnce(ctx context.Context, lanes ...bool) (sent, failed, taken int, err error) {
	if err := w.check(); err != nil {
		return 0, 0, 0, err
	}
	start := w.now()
	var rows []notify.Notification
	for _, ticketMail := range lanes {
		if room := w.batch() - len(rows); room > 0 {
			taken, err := w.take(ctx, start, ticketMail, room)
			rows = append(rows, taken...)
			if err != nil {
				w.release(ctx, rows)
				return 0, 0, 0, err
			}
		}
	}
	// Stop starting sends that could still end past the lease: past it,
	// another worker may take the row too.
	last := start.Add(w.lease() - w.sendTimeout())
	var (
		mu    sync.Mutex
		next  int
		done  = make([]bool, len(rows))
		first error
		wg    sync.WaitGroup
	)
	for range min(w.senders(), len(rows)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				if i >= len(rows) || first != nil || ctx.Err() != nil || w.now().After(last) {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				n := rows[i]
				sendErr := w.deliver(ctx, n)
				if ctx.Err() != nil {
					// Shutting down: whether the relay took the message is
					// unknown. The row is released with its Message-ID, so
					// a resend is recognized as the same message.
					return
				}
				markErr := w.finish(ctx, n, sendErr)
				mu.Lock()
				switch {
				case markErr != nil:
					first = cmp.Or(first, markErr)
				case sendErr == nil:
					done[i] = true
					sent++
				default:
					done[i] = true
					failed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var held []notify.Notification
	for i, n := range rows {
		if !done[i] {
			held = append(held, n)
		}
	}
	// Rows not tried, or cut off by shutdown, are due again at once rather
	// than when the lease ends.
	if err := w.release(ctx, held); err != nil {
		first = cmp.Or(first, err)
	}
	return sent, failed, len(rows), cmp.Or(first, ctx.Err())
}

// release makes held rows due now, keeping their Message-IDs; it runs even
// when ctx has ended, as shutdown is when it matters most.
func (w *Worker) release(ctx context.Context, held []notify.Notification) error {
	if len(held) == 0 {
		return nil
	}
	now := w.now()
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return w.Store.Write(mctx, func(tx store.Tx) error {
		for _, n := range held {
			n.NextAttempt = now
			if err := tx.MarkOutbox(mctx, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// take selects due rows of one lane and leases them in one write
// transaction, giving each its Message-ID on first pick-up.
func (w *Worker) take(ctx context.Context, now time.Time, ticketMail bool, limit int) ([]notify.Notification, error) {
	var taken []notify.Notification
	err := w.Store.Write(ctx, func(tx store.Tx) error {
		taken = taken[:0] // Write may retry fn
		rows, err := tx.DueOutboxLane(ctx, now, notify.ChannelEmail, ticketMail, limit)
		if err != nil {
			return err
		}
		if w.Texts != nil && len(rows) < limit {
			texts, err := tx.DueOutboxLane(ctx, now, notify.ChannelSMS, ticketMail, limit-len(rows))
			if err != nil {
				return err
			}
			rows = append(rows, texts...)
		}
		for _, n := range rows {
			if n.MessageID == "" {
				if n.MessageID, err = w.messageID(n.ID); err != nil {
					return err
				}
			}
			n.NextAttempt = now.Add(w.lease()) // still queued: a crash hands it back when the lease ends
			if err := tx.MarkOutbox(ctx, n); err != nil {
				return err
			}
			taken = append(taken, n)
		}
		return nil
	})
	return taken, err
}

// deliver decrypts, renders and sends one row.
func (w *Worker) deliver(ctx context.Context, n notify.Notification) error {
	aad := []byte(n.AAD)
	if n.AAD == "" {
		aad = authn.ContactAAD(n.AccountID)
	}
	if n.Channel == notify.ChannelSMS {
		return w.deliverText(ctx, n, aad)
	}
	to, err := w.Keys.Open(n.ToSealed, aad)
	if err != nil {
		return Permanent(errors.New("recipient cannot be decrypted"))
	}
	// Normalizing again turns a raw UTF-8 domain stored before the email
	// policy into punycode; the mailbox itself is never changed.
	rcpt, err := account.NormalizeEmail(string(to))
	if err != nil {
		return Permanent(errors.New("recipient is not an email address"))
	}
	addr := &netmail.Address{Address: rcpt}
	n = unsealData(w, n, aad)
	subject, body, err := w.Renderer.RenderMail(n)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	date := n.CreatedAt
	if date.IsZero() {
		date = w.now()
	}
	msg := &Message{MessageID: n.MessageID, From: w.from(n.Language), To: addr.Address, Subject: subject, Body: body,
		Language: n.Language, Date: date}
	if n.TicketID != 0 && n.Data["ref"] != "" {
		if err := w.thread(ctx, n, msg); err != nil {
			return err
		}
	} else {
		// Account notices: nobody reads answers to them, and a reply would
		// only carry account details by mail; they land in the held list.
		msg.ReplyTo = NoReplyLocal + "@" + w.domain()
	}
	sctx, cancel := context.WithTimeout(ctx, w.sendTimeout())
	defer cancel()
	err = w.Transport.Send(sctx, msg)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		err = errors.New("send timed out") // our own timeout: retry like any transient failure
	}
	return redact(err, addr.Address)
}

// from is the From header of mail in lang: Worker.From's address under the
// Renderer's name for the team in lang, when it names one.
func (w *Worker) from(lang string) string {
	sn, ok := w.Renderer.(SenderNamer)
	if !ok {
		return w.From
	}
	name := strings.TrimSpace(headerText(sn.MailSender(lang)))
	addr, err := envelope(w.From)
	if name == "" || err != nil {
		return w.From
	}
	// A quoted string keeps the name readable here; Bytes encodes it for the wire.
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `" <` + addr + `>`
}

// NoReplyLocal is the local part of the address account notices name in
// Reply-To; mail to it is held, never threaded.
const NoReplyLocal = "noreply"

// maxReferences bounds the References header: the thread's first message
// and the latest ones are what mail clients need to thread.
const maxReferences = 10

// thread gives ticket mail its reply address, which threads the
// requester's answer back onto the ticket, and the thread's headers: it
// answers the requester's latest mail and references the desk's first
// message and the requester's mail since.
func (w *Worker) thread(ctx context.Context, n notify.Notification, msg *Message) error {
	reply, err := ReplyAddress(w.Keys, w.From, n.Data["ref"])
	if err != nil {
		return Permanent(err)
	}
	msg.ReplyTo = reply
	return w.Store.Read(ctx, func(r store.Reader) error {
		out, err := r.TicketOutbox(ctx, n.TicketID)
		if err != nil {
			return err
		}
		var refs []string
		for _, o := range out {
			if o.ID != n.ID && o.Channel == notify.ChannelEmail && o.MessageID != "" && o.ID < n.ID {
				refs = append(refs, o.MessageID) // the desk's first message opens the thread
				break
			}
		}
		in, err := r.TicketInbound(ctx, n.TicketID)
		if err != nil {
			return err
		}
		for _, m := range in {
			if m.MessageID != "" && m.ReceivedAt.Before(n.CreatedAt.Add(time.Second)) && threadable(m.Disposition) {
				refs = append(refs, m.MessageID)
				msg.InReplyTo = m.MessageID
			}
		}
		if len(refs) > maxReferences {
			refs = append(refs[:1], refs[len(refs)-maxReferences+1:]...)
		}
		msg.References = refs
		return nil
	})
}

// threadable reports whether received mail of this disposition is part of
// the conversation (not an auto-reply, a bounce or held mail).
func threadable(disposition string) bool {
	switch disposition {
	case "threaded", "reopened", "new_ticket", "released":
		return true
	}
	return false
}

// deliverText decrypts the phone, renders the text and sends it.
func (w *Worker) deliverText(ctx context.Context, n notify.Notification, aad []byte) error {
	to, err := w.Keys.Open(n.ToSealed, aad)
	if err != nil {
		return Permanent(errors.New("recipient cannot be decrypted"))
	}
	text, err := w.TextRenderer.RenderSMS(unsealData(w, n, aad))
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, w.sendTimeout())
	defer cancel()
	return redact(w.Texts.SendText(sctx, string(to), text, n.Language), string(to))
}

// finish records the attempt's outcome.
func (w *Worker) finish(ctx context.Context, n notify.Notification, sendErr error) error {
	now := w.now()
	n.Attempts++
	if sendErr == nil {
		n.Status, n.SentAt, n.LastError = notify.StatusSent, now, ""
	} else {
		n.LastError = sendErr.Error()
		if errors.Is(sendErr, ErrPermanent) || n.Attempts >= w.maxAttempts() {
			n.Status = notify.StatusFailed
		} else {
			n.NextAttempt = now.Add(w.backoff(n.Attempts))
		}
	}
	// The message may be out already: record that even if ctx ends now.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return w.Store.Write(mctx, func(tx store.Tx) error { return tx.MarkOutbox(mctx, n) })
}

// redact turns a delivery error into one whose text can be stored: the
// recipient's address, and any word that looks like one, is taken out.
func redact(err error, address string) error {
	if err == nil {
		return nil
	}
	var text string
	var se *SendError
	if errors.As(err, &se) {
		text = se.Error() // codes only, by construction
	} else {
		text = scrub(strings.ReplaceAll(err.Error(), address, "[address]"))
	}
	if errors.Is(err, ErrPermanent) {
		return Permanent(errors.New(text))
	}
	return errors.New(text)
}

// messageID makes the stable Message-ID of an outbox row. The random part
// keeps ids unique across databases (a demo reset restarts row ids).
func (w *Worker) messageID(rowID int64) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	tag := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	return "<outbox-" + strconv.FormatInt(rowID, 10) + "." + tag + "@" + w.domain() + ">", nil
}

func (w *Worker) check() error {
	switch {
	case w.Store == nil || w.Keys == nil || w.Renderer == nil || w.Transport == nil:
		return errors.New("mail: worker needs a Store, Keys, a Renderer and a Transport")
	case w.From == "":
		return errors.New("mail: worker needs a From address")
	case w.Texts != nil && w.TextRenderer == nil:
		return errors.New("mail: worker needs a TextRenderer with Texts")
	}
	if _, err := envelope(w.From); err != nil {
		return fmt.Errorf("mail: From %q is not an address", w.From)
	}
	if d := w.domain(); d == "" || strings.ContainsAny(d, "<>@ \t\r\n") || !isASCII(d) {
		return fmt.Errorf("mail: Message-ID domain %q is not a domain", d)
	}
	return nil
}

func (w *Worker) domain() string {
	if w.Domain != "" {
		return w.Domain
	}
	addr, _ := envelope(w.From)
	return addr[strings.LastIndex(addr, "@")+1:]
}

func (w *Worker) now() time.Time {
	if w.Clock == nil {
		return time.Now()
	}
	return w.Clock.Now()
}

func (w *Worker) backoff(attempt int) time.Duration {
	if w.Backoff == nil {
		return DefaultBackoff(attempt)
	}
	return w.Backoff(attempt)
}

func (w *Worker) maxAttempts() int { return positive(w.MaxAttempts, 8) }
func (w *Worker) senders() int     { return positive(w.Senders, 4) }
func (w *Worker) batch() int       { return positive(w.Batch, 50) }

// lease is Lease, else the send timeout and a margin for marking the row:
// half the timeout, at most 30 s.
func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	st := w.sendTimeout()
	return st + min(st/2, 30*time.Second)
}

// sendTimeout is SendTimeout, kept under half an explicit Lease.
func (w *Worker) sendTimeout() time.Duration {
	st := positive(w.SendTimeout, 2*time.Minute)
	if w.Lease > 0 {
		st = min(st, w.Lease/2)
	}
	return st
}

func positive[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// unsealData opens Data values stored sealed ("name_sealed", hex, under
// the row's AAD) into their plain key ("name") for rendering only: the
// outbox keeps no PII in the clear. A value that does not open is left out.
func unsealData(w *Worker, n notify.Notification, aad []byte) notify.Notification {
	var plain map[string]string
	for k, v := range n.Data {
		name, ok := strings.CutSuffix(k, "_sealed")
		if !ok || name == "token" {
			continue // the reset token never goes into a rendered body
		}
		raw, err := hex.DecodeString(v)
		if err != nil {
			continue
		}
		val, err := w.Keys.Open(raw, aad)
		if err != nil {
			continue
		}
		if plain == nil {
			plain = make(map[string]string, len(n.Data)+1)
			maps.Copy(plain, n.Data)
		}
		plain[name] = string(val)
	}
	if plain != nil {
		n.Data = plain
	}
	return n
}
