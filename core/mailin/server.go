// Package mailin receives the desk's inbound mail over SMTP or LMTP from
// the MTA in front of it, and hands each whole message to the core (the
// inbox) with the status the MTA needs: delivered, retry later, or refused
// for good.
package mailin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/core/fault"
	"supportdesk/core/inbox"
)

// Defaults of the Server's limits.
const (
	DefaultTimeout       = time.Minute
	DefaultMaxRecipients = 50
)

// The answers the receiver gives, besides go-smtp's own.
var (
	errRelay     = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied: not a domain of this desk"}
	errTooLarge  = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too large"}
	errRefused   = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message refused"}
	errTemporary = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	errClosing   = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Shutting down, try again later"}
)

// Server is an SMTP or LMTP receiver for the desk's domains. It takes no
// AUTH: the MTA delivers to it on loopback or a private network, and a
// recipient outside Domains is refused, so it is no open relay.
type Server struct {
	// Deliver commits one message to its envelope recipients.
	Deliver func(ctx context.Context, rcpts []string, raw io.Reader) error
	// Permanent classifies Deliver's errors: true answers 5xx (never
	// retry), false 4xx. Nil treats every error as temporary.
	Permanent func(error) bool
	// Domains are the recipient domains accepted, lower-case ASCII; none
	// refuses every recipient.
	Domains []string
	// MaxBytes limits a message's size (advertised as SIZE); 0 is
	// DefaultMaxBytes.
	MaxBytes int64
	// LMTP speaks LMTP (RFC 2033) instead of SMTP.
	LMTP bool
	// Domain is the name in the greeting.
	Domain string
	// Logger, when set, logs outcomes: never addresses or content.
	Logger *slog.Logger
	// ReadTimeout and WriteTimeout bound each read and write on a
	// connection; 0 is DefaultTimeout.
	ReadTimeout, WriteTimeout time.Duration
	// MaxRecipients limits the recipients of one message; 0 is
	// DefaultMaxRecipients.
	MaxRecipients int

	mu      sync.Mutex
	srv     *smtp.Server
	conns   map[*conn]struct{}
	closing bool
	base    context.Context // Deliver's context: ends only when Shutdown gives up
	cancel  context.CancelFunc
}

// Serve accepts connections on ln until Shutdown, and then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	srv, err := s.start()
	if err != nil {
		ln.Close()
		return err
	}
	err = srv.Serve(&listener{Listener: ln, s: s})
	if s.isClosing() {
		return nil
	}
	return err
}

// start builds the go-smtp server once.
func (s *Server) start() (*smtp.Server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, smtp.ErrServerClosed
	}
	if s.srv != nil {
		return s.srv, nil
	}
	if s.Deliver == nil {
		return nil, errors.New("mailin: Server.Deliver is nil")
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	s.conns = map[*conn]struct{}{}
	srv := smtp.NewServer(backend{s})
	srv.LMTP = s.LMTP
	srv.Domain = s.Domain
	srv.MaxMessageBytes = s.maxBytes()
	srv.MaxRecipients = s.MaxRecipients
	if srv.MaxRecipients <= 0 {
		srv.MaxRecipients = DefaultMaxRecipients
	}
	srv.ReadTimeout, srv.WriteTimeout = orDefault(s.ReadTimeout), orDefault(s.WriteTimeout)
	srv.ErrorLog = errorLog{}
	s.srv = srv
	return srv, nil
}

func orDefault(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}

func (s *Server) maxBytes() int64 {
	if s.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return s.MaxBytes
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Shutdown stops accepting connections, ends the idle ones, and waits for
// the deliveries under way to commit and be answered. If ctx ends first,
// it cancels them, closes every connection and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.closing = true
	srv := s.srv
	for c := range s.conns {
		c.closeIdle()
	}
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	if ctx.Err() != nil {
		s.cancel()
		srv.Close()
		return ctx.Err()
	}
	s.cancel()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// accepts reports whether rcpt is in one of the desk's domains.
func (s *Server) accepts(rcpt string) bool {
	at := strings.LastIndexByte(rcpt, '@')
	if at <= 0 {
		return false
	}
	domain := strings.TrimSuffix(asciiLower(rcpt[at+1:]), ".")
	for _, d := range s.Domains {
		if domain != "" && domain == asciiLower(d) {
			return true
		}
	}
	return false
}

// asciiLower folds ASCII letters only (DESIGN: nothing else is folded).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// deliver commits one whole message and maps the outcome to an answer.
func (s *Server) deliver(rcpts []string, r io.Reader) error {
	start := time.Now()
	raw, err := ReadMessage(r, s.maxBytes())
	switch {
	case errors.Is(err, smtp.ErrDataTooLarge), errors.Is(err, ErrTooLarge):
		s.log("refused", "too_large", len(rcpts), 0, start)
		return errTooLarge
	case errors.Is(err, ErrEmpty):
		s.log("refused", "empty", len(rcpts), 0, start)
		return errRefused
	case errors.Is(err, smtp.ErrTooLongLine):
		s.log("refused", "long_line", len(rcpts), 0, start)
		return errRefused
	case err != nil:
		// The connection failed while the message came in: nothing
		// committed, the MTA retries.
		s.log("deferred", "read", len(rcpts), 0, start)
		return errTemporary
	}
	err = s.Deliver(s.base, rcpts, bytes.NewReader(raw))
	switch {
	case err == nil:
		s.log("delivered", "", len(rcpts), len(raw), start)
		return nil
	case errors.Is(err, inbox.ErrTooLarge):
		s.log("refused", "too_large", len(rcpts), len(raw), start)
		return errTooLarge
	case s.Permanent != nil && s.Permanent(err):
		s.log("refused", errCode(err), len(rcpts), len(raw), start)
		return errRefused
	}
	s.log("deferred", errCode(err), len(rcpts), len(raw), start)
	return errTemporary
}

// errCode names an error by its stable code only: error texts may quote
// an address.
func errCode(err error) string {
	if fe, ok := fault.As(err); ok {
		return string(fe.Code)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "canceled"
	}
	return "error"
}

func (s *Server) log(outcome, reason string, rcpts, size int, start time.Time) {
	if s.Logger == nil {
		return
	}
	s.Logger.Info("mail-in", "outcome", outcome, "reason", reason, "recipients", rcpts,
		"bytes", size, "lmtp", s.LMTP, "duration", time.Since(start))
}

// errorLog drops go-smtp's own log: its lines quote peers' addresses and
// error texts, and every outcome that matters is logged by deliver.
type errorLog struct{}

func (errorLog) Printf(string, ...any) {}
func (errorLog) Println(...any)        {}
