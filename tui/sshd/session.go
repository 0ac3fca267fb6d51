package sshd

import (
	"context"
	"io"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"supportdesk/core/fault"
	"supportdesk/core/staff"
	"supportdesk/i18n"
	"supportdesk/tui"
)

// session is one agent's console over one SSH session.
type session struct {
	srv  *Server
	sess ssh.Session
	env  sessionEnv
	back *watched

	mu     sync.Mutex
	prog   *tea.Program
	reason string // the message id of why the server ended it; "" when the agent quit
}

// end asks the console to stop, for reason (a message id shown once the
// screen is restored; "" for none). The first reason given wins.
func (ss *session) end(reason string) {
	ss.mu.Lock()
	if ss.reason == "" {
		ss.reason = reason
	}
	p := ss.prog
	ss.mu.Unlock()
	if p != nil {
		go p.Quit() // Send waits for the program's loop: never hold the caller
	}
}

func (ss *session) why() string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.reason
}

// lang is the session's language now: the agent's once signed in, else
// the client's locale's.
func (ss *session) lang() string {
	if l := ss.back.language(); l != "" {
		return l
	}
	return ss.env.lang(i18n.Supported, i18n.Normalize)
}

// say writes one localized line on the session's terminal.
func (ss *session) say(id string) {
	l := ss.lang()
	if l == "" {
		l = i18n.DefaultLanguage
	}
	io.WriteString(ss.sess, "\r\n"+ss.srv.cfg.Bundle.Localizer(l).T(id)+"\r\n")
}

// handle serves one SSH session: the key checked again, a terminal
// required, then the console until the agent quits, the client goes away,
// the agent is disabled or the server shuts down.
func (s *Server) handle(sess ssh.Session) {
	s.handlers.Add(1)
	defer s.handlers.Done()
	pty, winch, hasPTY := sess.Pty()
	ss := &session{srv: s, sess: sess, env: newSessionEnv(sess.Environ(), pty.Term), back: &watched{}}
	fp, ok := s.checkKey(sess)
	if !ok {
		s.log.Warn("ssh session refused: key check failed")
		ss.say("ssh.denied")
		sess.Exit(1)
		return
	}
	if !hasPTY {
		ss.say("ssh.no_pty")
		sess.Exit(1)
		return
	}
	svc := s.cfg.Service
	ss.back.Backend = svc
	// Backend calls outlive the screen by Drain, so a reply sent as the
	// session ends still commits; the client's going away ends them.
	callCtx, cancelCalls := context.WithCancel(s.base)
	defer time.AfterFunc(s.cfg.Drain, cancelCalls)
	lang := ss.lang()
	m := tui.New(tui.Options{Backend: ss.back, Tickets: svc, Lang: lang, Kind: staff.KindSSH, KeyFingerprint: fp,
		Now: svc.Clock.Now, IdleLock: s.cfg.IdleLock, Context: callCtx, Renderer: ss.env.renderer(sess),
		Bundle: s.cfg.Bundle, Location: s.cfg.Location})
	progCtx, stopProg := context.WithCancel(s.base)
	defer stopProg()
	p := tea.NewProgram(m, tea.WithInput(sess), tea.WithOutput(sess), tea.WithAltScreen(), tea.WithoutSignalHandler(),
		tea.WithEnvironment(ss.env.Environ()), tea.WithContext(progCtx))
	ss.mu.Lock()
	ss.prog = p
	ss.mu.Unlock()
	if !s.add(ss) {
		ss.say("ssh.shutdown")
		sess.Exit(1)
		return
	}
	removed := false
	defer func() {
		if !removed {
			s.remove(ss)
		}
	}()
	s.log.Info("ssh session opened", "key", fp, "sessions", s.Sessions())
	go ss.follow(progCtx, winch)
	go ss.watch(progCtx, fp)
	_, err := p.Run()
	if err != nil && ss.why() == "" {
		s.log.Warn("ssh console ended with an error", "error", err)
	}
	stopProg()
	// An SSH session cannot be resumed: its core session ends with it.
	if tok := ss.back.token(); tok != "" {
		ctx, cancel := context.WithTimeout(callCtx, 5*time.Second)
		ss.back.SignOut(ctx, tok)
		cancel()
	}
	reason := ss.why()
	code := 0
	if reason != "" {
		ss.say(reason)
		code = 1
	}
	s.remove(ss)
	removed = true
	s.log.Info("ssh session closed", "key", fp, "reason", reason)
	sess.Exit(code)
	if reason == "ssh.shutdown" {
		// The client closes the connection once it read the line; one
		// that does not is closed for it, so Shutdown does not wait.
		select {
		case <-sess.Context().Done():
		case <-time.After(2 * time.Second):
			if c, ok := sess.Context().Value(ssh.ContextKeyConn).(*gossh.ServerConn); ok {
				c.Close()
			}
		}
	}
}

// follow passes window sizes to the console and ends it when the client
// goes away.
func (ss *session) follow(ctx context.Context, winch <-chan ssh.Window) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ss.sess.Context().Done():
			ss.end("")
			return
		case w, ok := <-winch:
			if !ok {
				winch = nil
				continue
			}
			ss.mu.Lock()
			p := ss.prog
			ss.mu.Unlock()
			go p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		}
	}
}

// watch closes the session once core no longer stands behind it: the
// agent disabled, the session ended by an administrator (a key removed),
// or, before sign-in, the key no longer registered. The check is a read
// that records no activity, so it never holds the idle lock off.
func (ss *session) watch(ctx context.Context, fp string) {
	staffs := ss.srv.cfg.Service.Staff
	t := time.NewTicker(ss.srv.cfg.WatchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		tok := ss.back.token()
		if tok == "" {
			if !staffs.KnownKey(ctx, fp) && ctx.Err() == nil {
				ss.end("ssh.denied")
				return
			}
			continue
		}
		switch fault.CodeOf(staffs.Live(ctx, tok)) {
		case fault.CodeAgentDisabled:
			ss.end("ssh.closed_disabled")
			return
		case fault.CodeSessionEnded:
			if ss.back.token() == tok { // not the agent's own sign-out
				ss.end("ssh.closed_ended")
				return
			}
		}
	}
}
