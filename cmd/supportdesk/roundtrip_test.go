package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/core/access"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// mailbox is a relay that keeps every message it is given.
type mailbox struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return mb, nil }
func (mb *mailbox) Mail(string, *smtp.MailOptions) error        { return nil }
func (mb *mailbox) Rcpt(string, *smtp.RcptOptions) error        { return nil }
func (mb *mailbox) Reset()                                      {}
func (mb *mailbox) Logout() error                               { return nil }
func (mb *mailbox) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	mb.mu.Lock()
	mb.msgs = append(mb.msgs, b)
	mb.mu.Unlock()
	return err
}

// wait returns the n-th message (from 1) once it has come.
func (mb *mailbox) wait(t *testing.T, n int) *netmail.Message {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		mb.mu.Lock()
		have := len(mb.msgs)
		var raw []byte
		if have >= n {
			raw = mb.msgs[n-1]
		}
		mb.mu.Unlock()
		if raw != nil {
			m, err := netmail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("the relay has %d messages, waiting for %d", have, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The round trip: a contact form brings an acknowledgement; the
// requester's reply to it goes over SMTP to serve's --mail-in and appears
// in the ticket's thread with the next-reply clock running; the agent
// answers, and the requester gets the answer threaded under the reply.
func TestEmailRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	mb := &mailbox{}
	relay := smtp.NewServer(mb)
	relay.Domain = "relay.example"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go relay.Serve(ln)
	t.Cleanup(func() { relay.Close() })

	db := filepath.Join(t.TempDir(), "roundtrip.db")
	mailIn := freePort(t)
	args := []string{"--smtp", ln.Addr().String(), "--smtp-tls", "none", "--mail-in", mailIn,
		"--mail-from", "Centro de atención <soporte@desk.example.gov>", "--mail-retry", "1s"}
	srv := startServe(t, db, args...)
	url := "http://" + serveAddr(t, srv.Args) + "/v1/contact"

	form, _ := json.Marshal(map[string]string{"email": "ana.garcia@example.com", "name": "Ana García", "language": "es",
		"category": "sign_in", "subject": "No puedo entrar", "message": "Perdí mi teléfono."})
	resp, err := http.Post(url, "application/json", bytes.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ Reference string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("contact form: %d", resp.StatusCode)
	}

	ack := mb.wait(t, 1)
	replyTo, err := netmail.ParseAddress(ack.Header.Get("Reply-To"))
	if err != nil || !strings.HasPrefix(replyTo.Address, "soporte+"+created.Reference+".") {
		t.Fatalf("acknowledgement Reply-To %q (%v)", ack.Header.Get("Reply-To"), err)
	}
	ackID := ack.Header.Get("Message-ID")

	// The requester answers from Gmail, to the reply address.
	reply := "From: Ana García <ana.garcia@example.com>\r\nTo: " + replyTo.Address + "\r\n" +
		"Subject: Re: Acuse de recibo\r\nMessage-ID: <CAreply1@mail.example.com>\r\n" +
		"In-Reply-To: " + ackID + "\r\nReferences: " + ackID + "\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
		"Mi número terminaba en 43.\r\n\r\nEl mar, 1 dic 2026 a las 10:00, Centro de atención <soporte@desk.example.gov> escribió:\r\n> Gracias por comunicarse\r\n"
	if err := sendPlain(mailIn, "ana.garcia@example.com", replyTo.Address, reply); err != nil {
		t.Fatalf("reply over SMTP to --mail-in: %v", err)
	}

	svc := openDB(t, db, clock.System{})
	ctx := context.Background()
	var tk ticket.Ticket
	var thread []ticket.Message
	svc.Store.Read(ctx, func(r store.Reader) error {
		tk, _ = r.TicketByRef(ctx, created.Reference)
		thread, _ = r.TicketMessages(ctx, tk.ID)
		return nil
	})
	if len(thread) != 2 || thread[1].Kind != ticket.MessageInbound || thread[1].Body != "Mi número terminaba en 43." {
		t.Fatalf("thread after the reply: %+v", thread)
	}
	if tk.Status != ticket.StatusOpen || !tk.SLA.FulfilledAt.IsZero() || !tk.SLA.PausedAt.IsZero() {
		t.Errorf("the next-reply clock does not run: %s %+v", tk.Status, tk.SLA)
	}

	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "agente@desk.example.gov", Role: access.RoleAgent, Languages: []string{"es"}})
	if _, err := svc.Tickets.Reply(ctx, agent.Token, tk.ID, tk.Version, "Gracias, Ana. Le enviamos un enlace."); err != nil {
		t.Fatal(err)
	}
	answer := mb.wait(t, 2)
	if got, _ := netmail.ParseAddress(answer.Header.Get("Reply-To")); got == nil || got.Address != replyTo.Address {
		t.Errorf("answer Reply-To %q, want %s", answer.Header.Get("Reply-To"), replyTo.Address)
	}
	if got := answer.Header.Get("In-Reply-To"); got != "<CAreply1@mail.example.com>" {
		t.Errorf("answer In-Reply-To %q", got)
	}
	if got := answer.Header.Get("References"); got != ackID+" <CAreply1@mail.example.com>" {
		t.Errorf("answer References %q", got)
	}
	body, _ := io.ReadAll(answer.Body)
	if !bytes.Contains(body, []byte("Le enviamos un enlace")) {
		t.Errorf("answer body:\n%s", body)
	}
}

// sendPlain delivers one message over plain SMTP, as the center's MTA does
// on its private network.
func sendPlain(addr, from, to, msg string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("mx.desk.example.gov"); err != nil {
		return err
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
