// Package sshd serves the console over SSH: one process, many agents, each
// session with its own renderer, language, keys and console model.
//
// Only public keys registered to an active agent get in (core/staff
// KnownKey); the console then asks for the agent's TOTP code, the second
// factor. No password or keyboard-interactive authentication is offered.
package sshd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"

	"supportdesk/core/service"
	"supportdesk/i18n"
)

// Config configures the SSH front end.
type Config struct {
	Addr        string // where ListenAndServe listens, e.g. 127.0.0.1:2222
	HostKeyPath string // made on first start (ed25519, 0600); refused when others can read it
	Service     *service.Service
	Bundle      *i18n.Bundle
	Logger      *slog.Logger  // nil: slog.Default()
	IdleLock    time.Duration // the console's idle lock; the core's staff idle limit when 0
	Location    *time.Location
	// WatchEvery is how often a signed-in session is checked for a
	// disabled agent or an ended session; 2 s when 0.
	WatchEvery time.Duration
	// Drain is how long a backend call under way may still run once its
	// session is over, so a write the agent sent commits; 5 s when 0.
	Drain time.Duration
}

// Server is the SSH front end. Its zero value is not usable: see New.
type Server struct {
	cfg     Config
	log     *slog.Logger
	srv     *ssh.Server
	hostPub gossh.PublicKey
	base    context.Context // outlives sessions, for calls under way: ends at Close
	stop    context.CancelFunc

	mu       sync.Mutex
	closing  bool
	live     map[*session]struct{}
	handlers sync.WaitGroup
}

// permFingerprint is where the key handler leaves the fingerprint of the
// key it accepted, for the session to check against the key that
// actually authenticated.
const permFingerprint = "supportdesk-key-fp"

// New reads or makes the host key and readies the server; nothing listens
// until Serve or ListenAndServe. A host key file others can read is a
// *HostKeyModeError.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil || cfg.Bundle == nil {
		return nil, errors.New("sshd: Service and Bundle are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.IdleLock <= 0 {
		cfg.IdleLock = cfg.Service.Staff.Limits().Idle
	}
	if cfg.Location == nil {
		cfg.Location = cfg.Service.Zone()
	}
	if cfg.WatchEvery <= 0 {
		cfg.WatchEvery = 2 * time.Second
	}
	if cfg.Drain <= 0 {
		cfg.Drain = 5 * time.Second
	}
	signer, err := hostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	base, stop := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, log: cfg.Logger, hostPub: signer.PublicKey(), base: base, stop: stop,
		live: map[*session]struct{}{}}
	// wish builds the server; the host key is ours (given first, so wish
	// never makes one of its own in the working folder), and so is the
	// console middleware: wish's bubbletea middleware sets one colour
	// profile for the whole process, and every session needs its own.
	srv, err := wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithAddress(cfg.Addr),
		wish.WithPublicKeyAuth(s.allowKey),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
		// No password, keyboard-interactive, forwarding or subsystems:
		// the server offers the console and nothing else.
		func(srv *ssh.Server) error {
			srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig { return &gossh.ServerConfig{MaxAuthTries: 6} }
			return nil
		},
	)
	if err != nil {
		stop()
		return nil, err
	}
	s.srv = srv
	return s, nil
}

// HostKeyFingerprint is the host key's SHA-256 fingerprint, for the
// operator to publish so agents can check it on first connection.
func (s *Server) HostKeyFingerprint() string { return gossh.FingerprintSHA256(s.hostPub) }

// allowKey accepts a key registered to an active agent. It sees every key
// the client offers, not only the one that signs: the session checks
// again (checkKey).
func (s *Server) allowKey(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	if !s.knownKey(fp) {
		s.log.Info("ssh key refused", "key", fp)
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[permFingerprint] = fp
	return true
}

// checkKey re-checks, once the session is open, that the key that
// authenticated is the one allowKey accepted last and that it is still
// registered to an active agent; it returns its fingerprint.
func (s *Server) checkKey(sess ssh.Session) (string, bool) {
	pk := sess.PublicKey()
	if pk == nil {
		return "", false
	}
	fp := gossh.FingerprintSHA256(pk)
	if sess.Permissions().Extensions[permFingerprint] != fp {
		return "", false
	}
	return fp, s.knownKey(fp)
}

// knownKey asks core about a key. The SSH context is not passed on: the
// library changes its values while the store may read it from another
// goroutine.
func (s *Server) knownKey(fp string) bool {
	ctx, cancel := context.WithTimeout(s.base, 10*time.Second)
	defer cancel()
	return s.cfg.Service.Staff.KnownKey(ctx, fp)
}

// ListenAndServe listens on Config.Addr and serves until Shutdown or Close.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves SSH on ln until Shutdown or Close; it then returns
// ssh.ErrServerClosed.
func (s *Server) Serve(ln net.Listener) error {
	return s.srv.Serve(ln)
}

// ErrServerClosed is what Serve returns after Shutdown or Close.
var ErrServerClosed = ssh.ErrServerClosed

// Sessions is how many console sessions are open now.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// add registers a session; false once the server is shutting down.
func (s *Server) add(ss *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.live[ss] = struct{}{}
	return true
}

func (s *Server) remove(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, ss)
}

// Shutdown stops accepting connections, tells every open session that the
// server is going down (its work is saved: every write is committed when
// the console shows it done), lets each end and waits for the connections
// to close. When ctx ends first, the rest are closed and ctx's error is
// returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	live := make([]*session, 0, len(s.live))
	for ss := range s.live {
		live = append(live, ss)
	}
	s.mu.Unlock()
	stopped := make(chan error, 1)
	go func() { stopped <- s.srv.Shutdown(ctx) }() // closes the listeners at once
	for _, ss := range live {
		ss.end("ssh.shutdown")
	}
	err := <-stopped
	if err != nil {
		s.srv.Close()
	}
	s.handlers.Wait()
	s.stop()
	return err
}

// Close closes the listeners and every connection at once, without a word
// to the sessions.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	err := s.srv.Close()
	s.stop()
	return err
}
