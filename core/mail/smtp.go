package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLSMode says how an SMTP connection is protected.
type TLSMode string

// The modes: plain text, STARTTLS after the greeting (submission, port
// 587), or TLS from the first byte (port 465).
const (
	TLSNone     TLSMode = "none"
	TLSStartTLS TLSMode = "starttls"
	TLSImplicit TLSMode = "tls"
)

// ParseTLSMode reads a mode from configuration.
func ParseTLSMode(s string) (TLSMode, error) {
	switch m := TLSMode(s); m {
	case TLSNone, TLSStartTLS, TLSImplicit:
		return m, nil
	}
	return "", fmt.Errorf("mail: TLS mode %q is not none, starttls or tls", s)
}

// SMTP sends through a relay, one connection a message.
type SMTP struct {
	Host      string
	Port      int     // default 587 with STARTTLS, 465 with TLS, 25 without
	Mode      TLSMode // default TLSStartTLS
	Username  string  // with Password: AUTH PLAIN, only over TLS or to a loopback relay
	Password  string
	HeloName  string        // the name in EHLO; default "localhost"
	TLSConfig *tls.Config   // nil: system roots; ServerName defaults to Host
	Timeout   time.Duration // default for every stage below that is not set

	// One bound a stage, so that a relay that hangs anywhere costs a stage's
	// timeout and never the whole send's (Worker.SendTimeout).
	ConnectTimeout  time.Duration // TCP connect (and the TLS handshake with TLSImplicit); default 10 s
	GreetingTimeout time.Duration // the 220 greeting and EHLO (STARTTLS too); default 30 s
	CommandTimeout  time.Duration // each command after: AUTH, MAIL, RCPT, DATA; default 30 s
	DataTimeout     time.Duration // writing the message and the reply to its final dot; default 1 minute
}

// Send delivers msg to its one recipient. A 5xx reply to RCPT or to the
// message data is permanent; anything else (connection, TLS, auth, 4xx)
// is worth a retry.
func (s *SMTP) Send(ctx context.Context, msg *Message) error {
	if err := msg.Check(); err != nil {
		return Permanent(err)
	}
	from, _ := envelope(msg.From)
	to, _ := envelope(msg.To)
	c, conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() }) // go-smtp takes no context: closing unblocks it
	defer stop()
	fail := func(stage string, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return sendError(stage, err)
	}
	if err := c.Hello(s.helo()); err != nil {
		return fail(conn.stageOf("hello", err), err)
	}
	conn.greeted = true
	conn.limit(s.stage(s.CommandTimeout, 30*time.Second))
	if s.Username != "" {
		if _, secure := c.TLSConnectionState(); !authAllowed(secure, s.Host) {
			return &SendError{Stage: "auth", Err: errors.New("refusing to send credentials without TLS")}
		}
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return fail("auth", err)
		}
	}
	var opts *smtp.MailOptions
	if !isASCII(from + to) {
		// A non-ASCII mailbox needs SMTPUTF8 (RFC 6531); a relay without
		// it would mangle or refuse it, every time.
		if ok, _ := c.Extension("SMTPUTF8"); !ok {
			return &SendError{Stage: "mail", Permanent: true, Err: errors.New("the relay does not offer SMTPUTF8 for a non-ASCII address")}
		}
		opts = &smtp.MailOptions{UTF8: true}
	}
	if err := c.Mail(from, opts); err != nil {
		return fail("mail", err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return fail("rcpt", err)
	}
	w, err := c.Data()
	if err != nil {
		return fail("data", err)
	}
	// The message and the reply to its final dot: one bound, which the
	// connection also caps go-smtp's own SubmissionTimeout to.
	data := s.stage(s.DataTimeout, time.Minute)
	conn.limit(data)
	conn.SetDeadline(time.Now().Add(data))
	if _, err := w.Write(msg.Bytes()); err != nil {
		w.Close()
		return fail("data", err)
	}
	if err := w.Close(); err != nil {
		return fail("data", err)
	}
	c.Quit() // the server accepted the message; a failed QUIT changes nothing
	return nil
}

// dial connects and, for STARTTLS, upgrades the connection, within the
// connect and greeting bounds. The connection it returns caps every
// deadline go-smtp sets to the current stage's bound.
func (s *SMTP) dial(ctx context.Context) (*smtp.Client, *stageConn, error) {
	mode := s.Mode
	if mode == "" {
		mode = TLSStartTLS
	}
	if _, err := ParseTLSMode(string(mode)); err != nil {
		return nil, nil, Permanent(err)
	}
	cfg := s.tlsConfig()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.port(mode)))
	nd := &net.Dialer{Timeout: s.stage(s.ConnectTimeout, 10*time.Second)}
	var raw net.Conn
	var err error
	if mode == TLSImplicit {
		raw, err = (&tls.Dialer{NetDialer: nd, Config: cfg}).DialContext(ctx, "tcp", addr)
	} else {
		raw, err = nd.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, nil, &SendError{Stage: "dial", Err: err}
	}
	conn := &stageConn{Conn: raw}
	conn.limit(s.stage(s.GreetingTimeout, 30*time.Second))
	var c *smtp.Client
	if mode == TLSStartTLS {
		// The EHLO before STARTTLS says "localhost": go-smtp offers no way
		// to name ourselves there; Send's Hello names us once encrypted.
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		c, err = smtp.NewClientStartTLS(conn, cfg)
		stop()
		if err != nil {
			conn.Close()
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			return nil, nil, sendError(conn.stageOf("starttls", err), err)
		}
		conn.greeted = true
		conn.limit(s.stage(s.CommandTimeout, 30*time.Second))
	} else {
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = s.stage(s.CommandTimeout, 30*time.Second)
	c.SubmissionTimeout = s.stage(s.DataTimeout, time.Minute)
	return c, conn, nil
}

// stageConn caps every deadline set on the connection to now plus the
// current stage's bound: go-smtp sets its own, longer, deadlines (5 minutes
// a command, 12 for the data) and reads the greeting inside its first
// command.
type stageConn struct {
	net.Conn
	mu      sync.Mutex
	bound   time.Duration
	greeted bool // past the greeting: a timeout is no longer the greeting's
}

func (c *stageConn) limit(d time.Duration) {
	c.mu.Lock()
	c.bound = d
	c.mu.Unlock()
}

func (c *stageConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	capAt := time.Now().Add(c.bound)
	c.mu.Unlock()
	if t.IsZero() || t.After(capAt) {
		t = capAt // never unbounded: between commands too
	}
	return c.Conn.SetDeadline(t)
}

// stageOf names the stage of an error from the client's first exchange: a
// timeout with no reply at all is the greeting's.
func (c *stageConn) stageOf(stage string, err error) string {
	var se *smtp.SMTPError
	var ne net.Error
	if !c.greeted && !errors.As(err, &se) && errors.As(err, &ne) && ne.Timeout() {
		return "greeting"
	}
	return stage
}

func (s *SMTP) tlsConfig() *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLSConfig != nil {
		cfg = s.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = s.Host
	}
	return cfg
}

func (s *SMTP) port(mode TLSMode) int {
	switch {
	case s.Port != 0:
		return s.Port
	case mode == TLSImplicit:
		return 465
	case mode == TLSStartTLS:
		return 587
	}
	return 25
}

func (s *SMTP) helo() string {
	if s.HeloName == "" {
		return "localhost"
	}
	return s.HeloName
}

// stage is a stage's bound: its own, else Timeout, else def.
func (s *SMTP) stage(own, def time.Duration) time.Duration {
	switch {
	case own > 0:
		return own
	case s.Timeout > 0:
		return s.Timeout
	}
	return def
}

// authAllowed reports whether credentials may be sent: over TLS, or to a
// relay on this machine.
func authAllowed(secure bool, host string) bool { return secure || isLoopback(host) }

// isLoopback reports a relay on this machine, where credentials never
// cross a network; net/smtp's PlainAuth makes the same exception.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sendError describes an SMTP failure by its codes.
func sendError(stage string, err error) error {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return &SendError{Stage: stage, Err: err}
	}
	e := &SendError{Stage: stage, Code: se.Code, Err: err,
		Permanent: se.Code >= 500 && (stage == "rcpt" || stage == "data")}
	if ec := se.EnhancedCode; ec != smtp.NoEnhancedCode && ec != (smtp.EnhancedCode{}) {
		e.Enhanced = fmt.Sprintf("%d.%d.%d", ec[0], ec[1], ec[2])
	}
	return e
}
