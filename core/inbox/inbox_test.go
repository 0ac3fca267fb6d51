package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/inbox"
	"supportdesk/core/mail"
	"supportdesk/core/mailparse"
	"supportdesk/core/notify"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

const (
	desk      = "Support <support@desk.example.gov>"
	requester = "ana.garcia@example.com"
	authID    = "mx.desk.example.gov"
)

type fixture struct {
	svc   *service.Service
	clk   *clock.Fake
	agent coretest.Staff
}

func open(t testing.TB) *fixture {
	t.Helper()
	svc, c, _ := coretest.Open(t, coretest.LongSessions)
	// A Tuesday at 10:00 in New York: the desk is open.
	c.Set(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.Intake.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	svc.Inbox.TrustedAuthServID = authID
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "agent@desk.example.gov", Role: access.RoleAgent, Languages: []string{"es", "en", "fr"}})
	return &fixture{svc: svc, clk: c, agent: agent}
}

// submit files a contact form and returns its ticket.
func (f *fixture) submit(t testing.TB, email string) ticket.Ticket {
	t.Helper()
	tk, _, err := f.svc.Intake.Submit(context.Background(), ticket.Form{Email: email, Name: "Ana García", Language: "es",
		Category: "sign_in", Subject: "No puedo entrar", Message: "Perdí mi teléfono."}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return f.ticket(t, tk.Ref)
}

func (f *fixture) ticket(t testing.TB, ref string) ticket.Ticket {
	t.Helper()
	var tk ticket.Ticket
	if err := f.svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		tk, err = r.TicketByRef(context.Background(), ref)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return tk
}

func (f *fixture) messages(t *testing.T, id int64) []ticket.Message {
	t.Helper()
	var out []ticket.Message
	f.svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		out, err = r.TicketMessages(context.Background(), id)
		return err
	})
	return out
}

func (f *fixture) outbox(t *testing.T, id int64) []notify.Notification {
	t.Helper()
	var out []notify.Notification
	f.svc.Store.Read(context.Background(), func(r store.Reader) error {
		var err error
		out, err = r.TicketOutbox(context.Background(), id)
		return err
	})
	return out
}

// sent gives the ticket's first outbox row a Message-ID, as the worker does.
func (f *fixture) sent(t *testing.T, id int64) notify.Notification {
	t.Helper()
	n := f.outbox(t, id)[0]
	n.MessageID, n.Status = fmt.Sprintf("<outbox-%d.abc@desk.example.gov>", n.ID), notify.StatusSent
	if err := f.svc.Store.Write(context.Background(), func(tx store.Tx) error { return tx.MarkOutbox(context.Background(), n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) replyTo(t testing.TB, ref string) string {
	t.Helper()
	a, err := mail.ReplyAddress(f.svc.Keys, desk, ref)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// msg is one inbound message.
type msg struct {
	from, to, id, inReplyTo, subject, body string
	headers                                []string
}

func (m msg) raw() io.Reader {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Tue, 1 Dec 2026 10:00:00 -0500\r\n", m.from, m.to, m.subject)
	if m.id != "" {
		fmt.Fprintf(&b, "Message-ID: %s\r\n", m.id)
	}
	if m.inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: %s\r\nReferences: %s\r\n", m.inReplyTo, m.inReplyTo)
	}
	for _, h := range m.headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.body, "\n", "\r\n"))
	return strings.NewReader(b.String())
}

func (f *fixture) deliver(t *testing.T, rcpt string, m msg) inbox.Result {
	t.Helper()
	res, err := f.svc.Inbox.Deliver(context.Background(), []string{rcpt}, m.raw())
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return res
}

func TestAReplyToTheReplyAddressThreadsAndRunsTheClock(t *testing.T) {
	t.Parallel()
	f := open(t)
	tk := f.submit(t, requester)
	// The agent answered and set it pending: the clock is paused.
	view, err := f.svc.Tickets.Reply(context.Background(), f.agent.Token, tk.ID, tk.Version, "Hola Ana, ¿qué número tenía?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Tickets.SetStatus(context.Background(), f.agent.Token, tk.ID, view.Version, ticket.StatusPending); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(time.Hour)
	res := f.deliver(t, f.replyTo(t, tk.Ref), msg{from: "Ana García <Ana.Garcia@Example.com>", to: f.replyTo(t, tk.Ref),
		id: "<r1@mail.example.com>", subject: "Re: Respuesta a su solicitud", body: "Terminaba en 43.\n\nEl mar, 1 dic 2026 a las 9:00, Soporte escribió:\n> Hola Ana"})
	if res.Disposition != inbox.Threaded || res.Ref != tk.Ref {
		t.Fatalf("result %+v", res)
	}
	got := f.ticket(t, tk.Ref)
	if got.Status != ticket.StatusOpen || got.SLA.PausedAt != (time.Time{}) || !got.SLA.FulfilledAt.IsZero() || !got.SLA.Due.After(f.clk.Now()) {
		t.Errorf("after the reply: status %s, clock %+v", got.Status, got.SLA)
	}
	thread := f.messages(t, tk.ID)
	last := thread[len(thread)-1]
	if last.Kind != ticket.MessageInbound || last.Body != "Terminaba en 43." {
		t.Errorf("last message %+v", last)
	}
	// Never acknowledged: the outbox holds the acknowledgement and the agent's reply only.
	if n := len(f.outbox(t, tk.ID)); n != 2 {
		t.Errorf("%d outbox rows after the reply, want 2 (no acknowledgement of a reply)", n)
	}
	// The same message delivered again is stored once.
	again := f.deliver(t, f.replyTo(t, tk.Ref), msg{from: requester, to: f.replyTo(t, tk.Ref), id: "<r1@mail.example.com>",
		subject: "Re", body: "Terminaba en 43."})
	if again.Disposition != inbox.Duplicate || len(f.messages(t, tk.ID)) != len(thread) {
		t.Errorf("second delivery: %+v, thread %d -> %d", again, len(thread), len(f.messages(t, tk.ID)))
	}
}

func TestWhatDoesNotThreadIsHeld(t *testing.T) {
	t.Parallel()
	f := open(t)
	tk := f.submit(t, requester)
	ack := f.sent(t, tk.ID)
	good := f.replyTo(t, tk.Ref)
	other := f.submit(t, "someone.else@example.org")
	forged := strings.Replace(good, tk.Ref, other.Ref, 1)
	tests := []struct {
		name   string
		rcpt   string
		m      msg
		reason string
	}{
		{"another sender", good, msg{from: "mallory@example.net", subject: "Re", body: "Cambien mi correo."}, inbox.ReasonSender},
		{"a forged tag", forged, msg{from: "someone.else@example.org", subject: "Re", body: "hola"}, inbox.ReasonForgedTag},
		{"a forged tag with good headers", forged, msg{from: requester, inReplyTo: ack.MessageID, subject: "Re", body: "hola"}, inbox.ReasonForgedTag},
		{"the reference in the subject only", "support@desk.example.gov", msg{from: requester, subject: "Re: " + tk.Ref, body: "hola"}, inbox.ReasonUnmatched},
		{"failing DMARC at our MTA", good, msg{from: requester, subject: "Re", body: "hola",
			headers: []string{"Authentication-Results: " + authID + "; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com"}}, inbox.ReasonAuth},
	}
	for i, tt := range tests {
		tt.m.to, tt.m.id = tt.rcpt, fmt.Sprintf("<held%d@example.net>", i)
		before := len(f.messages(t, tk.ID)) + len(f.messages(t, other.ID))
		res := f.deliver(t, tt.rcpt, tt.m)
		if res.Disposition != inbox.Held || res.Reason != tt.reason {
			t.Errorf("%s: %+v, want held for %s", tt.name, res, tt.reason)
		}
		if after := len(f.messages(t, tk.ID)) + len(f.messages(t, other.ID)); after != before {
			t.Errorf("%s: a thread grew from %d to %d messages", tt.name, before, after)
		}
	}
	// A forged Authentication-Results from anyone but our MTA counts for nothing.
	res := f.deliver(t, good, msg{from: requester, to: good, id: "<ok@example.com>", subject: "Re", body: "hola",
		headers: []string{"Authentication-Results: mx.attacker.example; dmarc=fail"}})
	if res.Disposition != inbox.Threaded {
		t.Errorf("untrusted Authentication-Results changed the outcome: %+v", res)
	}

	// The held list: an agent sees the masked sender and releases one onto
	// the ticket after checking with the requester; another is discarded.
	held, total, err := f.svc.Inbox.Held(context.Background(), f.agent.Token, 0, 50)
	if err != nil || total != int64(len(tests)) || len(held) != len(tests) {
		t.Fatalf("Held = %d of %d, %v", len(held), total, err)
	}
	if strings.Contains(held[0].From, "mallory") || held[0].Reason != inbox.ReasonSender || held[0].TicketRef != tk.Ref {
		t.Errorf("held[0] = %+v", held[0])
	}
	if err := f.svc.Inbox.Release(context.Background(), f.agent.Token, held[3].ID, tk.Ref); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := f.svc.Inbox.Release(context.Background(), f.agent.Token, held[3].ID, tk.Ref); fault.CodeOf(err) != fault.CodeConflict {
		t.Errorf("second release: %v, want a conflict", err)
	}
	if err := f.svc.Inbox.Discard(context.Background(), f.agent.Token, held[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := f.svc.Inbox.Held(context.Background(), f.agent.Token, 0, 50); total != int64(len(tests)-2) {
		t.Errorf("%d held after a release and a discard", total)
	}
	// An agency desk has no held list.
	desk := coretest.AddStaff(t, f.svc, staff.NewAgent{Email: "desk@agency.example.gov", Role: access.RoleAgencyDesk, Agencies: []string{"ssa"}})
	if _, _, err := f.svc.Inbox.Held(context.Background(), desk.Token, 0, 50); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Errorf("agency desk Held: %v", err)
	}
}

func TestHeadersThreadWithoutAReplyAddress(t *testing.T) {
	t.Parallel()
	f := open(t)
	tk := f.submit(t, requester)
	ack := f.sent(t, tk.ID)
	res := f.deliver(t, "support@desk.example.gov", msg{from: requester, to: "support@desk.example.gov", id: "<h1@example.com>",
		inReplyTo: ack.MessageID, subject: "Re", body: "Sigo sin poder entrar."})
	if res.Disposition != inbox.Threaded || res.Ref != tk.Ref {
		t.Fatalf("by In-Reply-To: %+v", res)
	}
	// A reply to that reply threads by the requester's own Message-ID.
	res = f.deliver(t, "support@desk.example.gov", msg{from: requester, to: "support@desk.example.gov", id: "<h2@example.com>",
		inReplyTo: "<h1@example.com>", subject: "Re", body: "¿Hola?"})
	if res.Disposition != inbox.Threaded || res.Ref != tk.Ref {
		t.Fatalf("by an earlier reply: %+v", res)
	}
	// A reply to an account notice (no ticket) is held: nobody reads the no-reply box.
	var notice notify.Notification
	f.svc.Store.Write(context.Background(), func(tx store.Tx) error {
		notice = notify.Notification{CreatedAt: f.clk.Now(), AccountID: "acct", Channel: notify.ChannelEmail, Template: notify.TemplateMethodAdded,
			Language: "en", ToSealed: []byte{1}, Status: notify.StatusSent, MessageID: "<outbox-999.x@desk.example.gov>"}
		return tx.Enqueue(context.Background(), &notice)
	})
	res = f.deliver(t, "support@desk.example.gov", msg{from: requester, to: "support@desk.example.gov", id: "<h3@example.com>",
		inReplyTo: notice.MessageID, subject: "Re", body: "¿Fui yo?"})
	if res.Disposition != inbox.Held || res.Reason != inbox.ReasonNoReply {
		t.Errorf("reply to an account notice: %+v", res)
	}
	// Sent to the no-reply address an account notice names, with no headers.
	res = f.deliver(t, "noreply@desk.example.gov", msg{from: requester, to: "noreply@desk.example.gov", id: "<h4@example.com>",
		subject: "Re: new method", body: "¿Fui yo?"})
	if res.Disposition != inbox.Held || res.Reason != inbox.ReasonNoReply {
		t.Errorf("mail to the no-reply address: %+v", res)
	}
}

func TestAutoRepliesAndBounces(t *testing.T) {
	t.Parallel()
	f := open(t)
	tk := f.submit(t, requester)
	ack := f.sent(t, tk.ID)
	view, _ := f.svc.Tickets.Reply(context.Background(), f.agent.Token, tk.ID, tk.Version, "Hola")
	if _, err := f.svc.Tickets.SetStatus(context.Background(), f.agent.Token, tk.ID, view.Version, ticket.StatusPending); err != nil {
		t.Fatal(err)
	}
	before, thread := f.ticket(t, tk.Ref), len(f.messages(t, tk.ID))
	res := f.deliver(t, f.replyTo(t, tk.Ref), msg{from: requester, to: f.replyTo(t, tk.Ref), id: "<ooo@example.com>",
		subject: "Fuera de la oficina", body: "Vuelvo el lunes.", headers: []string{"Auto-Submitted: auto-replied"}})
	if res.Disposition != inbox.Auto || res.Ref != tk.Ref {
		t.Errorf("auto-reply: %+v", res)
	}
	after := f.ticket(t, tk.Ref)
	if after.Status != ticket.StatusPending || after.SLA != before.SLA || len(f.messages(t, tk.ID)) != thread {
		t.Errorf("an auto-reply changed the ticket: %s %+v", after.Status, after.SLA)
	}

	bounce := "From: MAILER-DAEMON@mx.example.com\r\nTo: support@desk.example.gov\r\nSubject: Undelivered Mail\r\n" +
		"Message-ID: <bounce1@mx.example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n" +
		"Final-Recipient: rfc822; x@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" +
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: " + ack.MessageID + "\r\nSubject: x\r\n\r\n--b--\r\n"
	res, err := f.svc.Inbox.Deliver(context.Background(), []string{"support@desk.example.gov"}, strings.NewReader(bounce))
	if err != nil || res.Disposition != inbox.Bounce || res.Ref != tk.Ref {
		t.Fatalf("bounce: %+v, %v", res, err)
	}
	row := f.outbox(t, tk.ID)[0]
	if row.Status != notify.StatusFailed || row.LastError != "bounced 5.1.1" {
		t.Errorf("bounced row: %s %q", row.Status, row.LastError)
	}
	if got := f.ticket(t, tk.Ref); got.MailBouncedAt.IsZero() || got.Status != ticket.StatusPending {
		t.Errorf("ticket after the bounce: bounced %v, status %s", got.MailBouncedAt, got.Status)
	}
}

func TestSolvedTicketsReopenForAWeekThenFollowUp(t *testing.T) {
	t.Parallel()
	f := open(t)
	for _, tt := range []struct {
		wait time.Duration
		want inbox.Disposition
	}{{6 * 24 * time.Hour, inbox.Reopened}, {8 * 24 * time.Hour, inbox.NewTicket}} {
		email := fmt.Sprintf("solved%d@example.com", tt.wait/time.Hour)
		tk := f.submit(t, email)
		view, _ := f.svc.Tickets.Reply(context.Background(), f.agent.Token, tk.ID, tk.Version, "Listo.")
		if _, err := f.svc.Tickets.SetStatus(context.Background(), f.agent.Token, tk.ID, view.Version, ticket.StatusSolved); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(tt.wait)
		rcpt := f.replyTo(t, tk.Ref)
		res := f.deliver(t, rcpt, msg{from: email, to: rcpt, id: fmt.Sprintf("<late%d@example.com>", tt.wait), subject: "Re", body: "Otra vez no puedo."})
		if res.Disposition != tt.want {
			t.Fatalf("after %v: %+v, want %s", tt.wait, res, tt.want)
		}
		switch tt.want {
		case inbox.Reopened:
			if got := f.ticket(t, tk.Ref); got.Status != ticket.StatusOpen || res.Ref != tk.Ref {
				t.Errorf("reopened: %s, %+v", got.Status, res)
			}
		case inbox.NewTicket:
			nt := f.ticket(t, res.Ref)
			if nt.FollowsRef != tk.Ref || nt.Body != "Otra vez no puedo." || nt.Language != "es" || !bytes.Equal(nt.RequesterFP, tk.RequesterFP) {
				t.Errorf("follow-up ticket %+v", nt)
			}
			if got := f.ticket(t, tk.Ref); got.Status != ticket.StatusSolved {
				t.Errorf("the old ticket moved to %s", got.Status)
			}
			if rows := f.outbox(t, nt.ID); len(rows) != 1 || rows[0].Template != notify.TemplateTicketAck {
				t.Errorf("follow-up outbox %+v: want its acknowledgement", rows)
			}
		}
	}
}

func TestAttachmentsAreDroppedAndTheRequesterTold(t *testing.T) {
	t.Parallel()
	f := open(t)
	tk := f.submit(t, requester)
	rcpt := f.replyTo(t, tk.Ref)
	for i := range 2 {
		raw := "From: " + requester + "\r\nTo: " + rcpt + "\r\nSubject: Re\r\nMessage-ID: <att" + fmt.Sprint(i) + "@example.com>\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nAquí está mi licencia.\r\n" +
			"--m\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"licencia.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--m--\r\n"
		res, err := f.svc.Inbox.Deliver(context.Background(), []string{rcpt}, strings.NewReader(raw))
		if err != nil || res.Disposition != inbox.Threaded {
			t.Fatalf("delivery %d: %+v %v", i, res, err)
		}
	}
	var notices int
	for _, n := range f.outbox(t, tk.ID) {
		if n.Template == notify.TemplateAttachmentsRemoved {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d attachment notices for two messages in a day, want 1", notices)
	}
}

func TestTooLargeAndMalformedArePermanent(t *testing.T) {
	t.Parallel()
	f := open(t)
	big := io.MultiReader(strings.NewReader("From: a@example.com\r\nSubject: big\r\n\r\n"), io.LimitReader(zeros{}, 20<<20))
	_, err := f.svc.Inbox.Deliver(context.Background(), []string{"support@desk.example.gov"}, big)
	if err != inbox.ErrTooLarge || !inbox.Permanent(err) {
		t.Errorf("20 MB: %v (permanent %v)", err, inbox.Permanent(err))
	}
	_, err = f.svc.Inbox.Deliver(context.Background(), []string{"support@desk.example.gov"}, strings.NewReader(""))
	if !inbox.Permanent(err) {
		t.Errorf("empty input: %v, want a permanent refusal", err)
	}
	if inbox.Permanent(fault.Storage(io.ErrUnexpectedEOF)) {
		t.Error("a storage error must be temporary")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// The corpus of core/mailparse (Gmail, Outlook and Apple Mail in en, es
// and fr, plain and HTML) threads as replies from each ticket's requester:
// the new text only, never the quoted history or the signature.
func TestCorpusThreadsAsReplies(t *testing.T) {
	t.Parallel()
	f := open(t)
	for _, client := range []string{"gmail", "outlook", "apple"} {
		for _, lang := range []string{"en", "es", "fr"} {
			name := client + "_" + lang
			raw, err := os.ReadFile(filepath.Join("..", "mailparse", "testdata", name+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := mailparse.Parse(bytes.NewReader(raw), "")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			tk := f.submit(t, parsed.From)
			res, err := f.svc.Inbox.Deliver(context.Background(), []string{f.replyTo(t, tk.Ref)}, bytes.NewReader(raw))
			if err != nil || res.Disposition != inbox.Threaded || res.Ref != tk.Ref {
				t.Errorf("%s: %+v, %v", name, res, err)
				continue
			}
			thread := f.messages(t, tk.ID)
			body := thread[len(thread)-1].Body
			if body == "" || body != parsed.Text {
				t.Errorf("%s: stored %q, parsed %q", name, body, parsed.Text)
			}
			for _, quoted := range []string{"\n>", "wrote:", "escribió", "a écrit", "Original Message", "Mensaje original", "iPhone"} {
				if strings.Contains(body, quoted) {
					t.Errorf("%s: the stored reply keeps %q:\n%s", name, quoted, body)
				}
			}
		}
	}
}
