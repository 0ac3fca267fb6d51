package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"

	"supportdesk/core/service"
	"supportdesk/i18n"
	"supportdesk/tui/sshd"
)

// sshFlags are serve's SSH console flags.
type sshFlags struct {
	addr    *string
	hostKey *string
}

func (a *app) sshFlags(fs *flag.FlagSet) sshFlags {
	return sshFlags{
		addr:    fs.String("ssh", "", a.l.T("cli.flag.ssh")),
		hostKey: fs.String("host-key", "", a.l.T("cli.flag.host_key")),
	}
}

// startSSH serves the console over SSH beside HTTP when --ssh is set. It
// returns the shutdown to call first in serve's shutdown (stop accepting,
// tell the sessions, let them end), a channel that gets Serve's error if
// serving stops on its own, and an exit code. sessions, when set, is
// given the live session count (the supportdesk_sessions gauge). With
// --ssh unset the shutdown does nothing and the channel never fires.
func (a *app) startSSH(f sshFlags, svc *service.Service, bundle *i18n.Bundle, logger *slog.Logger,
	sessions func(count func() int)) (func(context.Context) error, <-chan error, int) {
	none := func(context.Context) error { return nil }
	if *f.addr == "" {
		return none, nil, exitOK
	}
	path := *f.hostKey
	if path == "" {
		path = a.locate(a.dbPath(false)).hostKey
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := sshd.New(sshd.Config{Addr: *f.addr, HostKeyPath: path, Service: svc, Bundle: bundle, Logger: logger,
		Location: svc.Zone()})
	var modeErr *sshd.HostKeyModeError
	switch {
	case errors.As(err, &modeErr):
		return none, nil, a.fail(exitFail, a.l.T("cli.error.host_key_mode", map[string]any{"Path": clean(path),
			"Mode": fmt.Sprintf("%04o", modeErr.Mode.Perm())}))
	case err != nil:
		return none, nil, a.fail(exitFail, a.l.T("cli.error.host_key", map[string]any{"Path": clean(path),
			"Detail": clean(err.Error())}))
	}
	ln, err := net.Listen("tcp", *f.addr)
	if err != nil {
		return none, nil, a.fail(exitFail, a.l.T("cli.error.listen", map[string]any{"Addr": clean(*f.addr)}))
	}
	logger.Info("ssh listening", "addr", ln.Addr().String(), "host_key", srv.HostKeyFingerprint(), "host_key_path", path)
	if sessions != nil {
		sessions(srv.Sessions)
	}
	done := make(chan error, 1)
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, sshd.ErrServerClosed) {
			done <- err
		}
	}()
	return srv.Shutdown, done, exitOK
}
