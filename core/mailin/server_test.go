package mailin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/core/fault"
	"supportdesk/core/inbox"
)

const message = "From: Ana <ana@example.org>\r\nTo: reply+abc@desk.example\r\nSubject: Re: [#42] help\r\n\r\nThanks, it works.\r\n"

// fakeInbox records what Deliver was given and answers err.
type fakeInbox struct {
	mu    sync.Mutex
	calls int
	rcpts []string
	raw   []byte
	err   error
	hold  chan struct{} // when set, Deliver waits for it to close
	in    chan struct{} // when set, closed as Deliver starts
}

func (f *fakeInbox) Deliver(ctx context.Context, rcpts []string, raw io.Reader) error {
	if f.in != nil {
		close(f.in)
	}
	if f.hold != nil {
		<-f.hold
	}
	b, err := io.ReadAll(raw)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.rcpts, f.raw = rcpts, b
	return f.err
}

func (f *fakeInbox) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// start runs a receiver on loopback and returns its address; the test's
// cleanup shuts it down.
func start(t *testing.T, f *fakeInbox, configure func(*Server)) (*Server, string) {
	t.Helper()
	s := &Server{Deliver: f.Deliver, Permanent: inbox.Permanent, Domains: []string{"desk.example"}, Domain: "mx.desk.example"}
	if configure != nil {
		configure(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s, ln.Addr().String()
}

func dial(t *testing.T, addr string, lmtp bool) *smtp.Client {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClient(nc)
	if lmtp {
		c = smtp.NewClientLMTP(nc)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("mta.example"); err != nil {
		t.Fatal(err)
	}
	return c
}

// send runs one transaction and returns the error of its last step.
func send(c *smtp.Client, rcpts []string, body string) error {
	if err := c.Mail("ana@example.org", nil); err != nil {
		return err
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, body); err != nil {
		return err
	}
	return w.Close()
}

func code(t *testing.T, err error) int {
	t.Helper()
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		t.Fatalf("want an SMTP error, got %v", err)
	}
	return se.Code
}

func TestDeliversTheMessageToItsRecipients(t *testing.T) {
	t.Parallel()
	f := &fakeInbox{}
	_, addr := start(t, f, nil)
	c := dial(t, addr, false)
	rcpts := []string{"reply+abc@desk.example", "Support@DESK.Example"}
	if err := send(c, rcpts, message); err != nil {
		t.Fatalf("send: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if f.count() != 1 || strings.Join(f.rcpts, ",") != strings.Join(rcpts, ",") || string(f.raw) != message {
		t.Fatalf("delivered %d times to %v: %q", f.count(), f.rcpts, f.raw)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		rcpt    string
		body    string
		err     error
		want    int
		deliver bool
	}{
		{"foreign domain", "someone@elsewhere.example", message, nil, 550, false},
		{"subdomain is foreign", "x@evil.desk.example", message, nil, 550, false},
		{"no domain", "postmaster", message, nil, 501, false},
		{"over the size limit", "reply+abc@desk.example", message + strings.Repeat("0123456789abcdef\r\n", 128), nil, 552, false},
		{"empty", "reply+abc@desk.example", "\r\n", nil, 554, false},
		{"permanent", "reply+abc@desk.example", message, &fault.Error{Code: fault.CodeInvalidInput, Field: "message"}, 554, true},
		{"too large for the inbox", "reply+abc@desk.example", message, inbox.ErrTooLarge, 552, true},
		{"temporary", "reply+abc@desk.example", message, &fault.Error{Code: fault.CodeStorage}, 451, true},
		{"not classified", "reply+abc@desk.example", message, errors.New("disk on fire"), 451, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeInbox{err: tc.err}
			_, addr := start(t, f, func(s *Server) { s.MaxBytes = 1024 })
			c := dial(t, addr, false)
			err := send(c, []string{tc.rcpt}, tc.body)
			if got := code(t, err); got != tc.want {
				t.Fatalf("code %d, want %d (%v)", got, tc.want, err)
			}
			if called := f.count() > 0; called != tc.deliver {
				t.Fatalf("Deliver called: %v, want %v", called, tc.deliver)
			}
			// The session goes on: the next message is taken.
			f.mu.Lock()
			f.err = nil
			f.mu.Unlock()
			if err := send(c, []string{"reply+abc@desk.example"}, message); err != nil {
				t.Fatalf("next message: %v", err)
			}
		})
	}
}

func TestSizeIsAdvertisedAndCheckedAtMail(t *testing.T) {
	t.Parallel()
	f := &fakeInbox{}
	_, addr := start(t, f, func(s *Server) { s.MaxBytes = 1024 })
	c := dial(t, addr, false)
	if ok, v := c.Extension("SIZE"); !ok || v != "1024" {
		t.Fatalf("SIZE %v %q", ok, v)
	}
	err := c.Mail("ana@example.org", &smtp.MailOptions{Size: 4096})
	if got := code(t, err); got != 552 {
		t.Fatalf("MAIL SIZE=4096: %d", got)
	}
}

func TestMailBeforeHelloIsRefused(t *testing.T) {
	t.Parallel()
	_, addr := start(t, &fakeInbox{}, nil)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	if _, err := nc.Read(buf); err != nil { // the greeting
		t.Fatal(err)
	}
	io.WriteString(nc, "MAIL FROM:<ana@example.org>\r\n")
	n, err := nc.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "502 ") {
		t.Fatalf("MAIL before HELO: %q %v", buf[:n], err)
	}
}

func TestLMTP(t *testing.T) {
	t.Parallel()
	f := &fakeInbox{}
	_, addr := start(t, f, func(s *Server) { s.LMTP = true })
	c := dial(t, addr, true)
	rcpts := []string{"reply+abc@desk.example", "support@desk.example"}
	if err := send(c, rcpts, message); err != nil {
		t.Fatalf("LMTP send: %v", err)
	}
	if f.count() != 1 || len(f.rcpts) != 2 || string(f.raw) != message {
		t.Fatalf("delivered %d times to %v", f.count(), f.rcpts)
	}
	// A temporary failure is answered for every recipient.
	f.mu.Lock()
	f.err = &fault.Error{Code: fault.CodeStorage}
	f.mu.Unlock()
	err := send(c, rcpts, message)
	var lerr smtp.LMTPDataError
	if !errors.As(err, &lerr) || len(lerr) != 2 {
		t.Fatalf("LMTP temporary failure: %v", err)
	}
	for rcpt, se := range lerr {
		if se.Code != 451 {
			t.Errorf("%s: %d", rcpt, se.Code)
		}
	}
}

func TestTooManyRecipients(t *testing.T) {
	t.Parallel()
	_, addr := start(t, &fakeInbox{}, func(s *Server) { s.MaxRecipients = 2 })
	c := dial(t, addr, false)
	err := send(c, []string{"a@desk.example", "b@desk.example", "c@desk.example"}, message)
	if got := code(t, err); got != 452 {
		t.Fatalf("third recipient: %d", got)
	}
}

func TestShutdownWaitsForTheDeliveryUnderWay(t *testing.T) {
	t.Parallel()
	f := &fakeInbox{hold: make(chan struct{}), in: make(chan struct{})}
	s := &Server{Deliver: f.Deliver, Permanent: inbox.Permanent, Domains: []string{"desk.example"}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	busy := dial(t, ln.Addr().String(), false)
	idle := dial(t, ln.Addr().String(), false)
	sent := make(chan error, 1)
	go func() { sent <- send(busy, []string{"reply+abc@desk.example"}, message) }()
	<-f.in

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned during a delivery: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		// The listener closes at once; a dial may still race it.
		t.Log("dial after Shutdown succeeded")
	}
	close(f.hold)
	if err := <-sent; err != nil {
		t.Fatalf("the message under way: %v", err)
	}
	select {
	case err := <-shut:
		if err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return: an idle connection kept it waiting")
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if f.count() != 1 {
		t.Fatalf("delivered %d", f.count())
	}
	if err := idle.Noop(); err == nil {
		t.Fatal("the idle connection is still served")
	}
}

func TestShutdownGivesUpWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	f := &fakeInbox{hold: make(chan struct{}), in: make(chan struct{})}
	defer close(f.hold)
	s := &Server{Deliver: f.Deliver, Domains: []string{"desk.example"}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	c := dial(t, ln.Addr().String(), false)
	go send(c, []string{"reply+abc@desk.example"}, message)
	<-f.in
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestReadMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		max  int64
		want error
	}{
		{message, 0, nil},
		{message, int64(len(message)), nil},
		{message, int64(len(message)) - 1, ErrTooLarge},
		{"", 0, ErrEmpty},
		{" \r\n\t\r\n", 0, ErrEmpty},
	}
	for _, tc := range cases {
		raw, err := ReadMessage(strings.NewReader(tc.in), tc.max)
		if !errors.Is(err, tc.want) || (err == nil && !bytes.Equal(raw, []byte(tc.in))) {
			t.Errorf("ReadMessage(%d bytes, max %d): %v, want %v", len(tc.in), tc.max, err, tc.want)
		}
	}
}
