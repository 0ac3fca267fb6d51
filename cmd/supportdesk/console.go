package main

import (
	"context"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/authn"
	"supportdesk/core/service"
	"supportdesk/i18n"
	"supportdesk/tui"
)

var _ tui.Backend = (*service.Service)(nil)

// demoMail is the outbox of the demo: replies and notices land as .eml
// files next to the demo database, so a reply can be seen end to end.
func (a *app) demoMail(bundle *i18n.Bundle) (*service.Mail, error) {
	dir := filepath.Join(a.locate(a.dbPath(true)).dir, "mail")
	transport, err := a.mailTransport(dir, "", "", "")
	if err != nil {
		return nil, err
	}
	return &service.Mail{Renderer: bundle, Transport: transport, From: "Support <support@supportdesk.example>",
		Texts: &authn.FileSender{Path: a.locate(a.dbPath(true)).smsLog}, TextRenderer: bundle}, nil
}

// runConsole opens the console in this terminal, with the jobs runner
// beside it (account-reset grants, SLA breaches, closures, and in demo
// mode the outbox).
func (a *app) runConsole(svc *service.Service, demo []tui.DemoCredential, bundle *i18n.Bundle) int {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.Jobs.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	m := tui.New(tui.Options{Backend: svc, Tickets: svc, Demo: demo, DemoQueries: a.demoQueries, Lang: a.l.Tag(),
		Bundle: bundle, Kind: "tty", IdleLock: svc.Staff.Limits().Idle, Now: svc.Clock.Now, Context: ctx,
		Location: svc.Zone()})
	if _, err := tea.NewProgram(m, tea.WithAltScreen()).Run(); err != nil {
		return a.fail(exitFail, a.l.T("cli.error.terminal"))
	}
	return exitOK
}

// openConsole opens the core for a console session: the outbox runs only
// in demo mode, where mail goes to files.
func (a *app) openConsole(db string, demoMode bool, fn func(ctx context.Context, svc *service.Service, bundle *i18n.Bundle) int) int {
	bundle, err := i18n.NewBundle()
	if err != nil {
		return a.failErr(err)
	}
	var o openOptions
	o.idle = a.idleLock
	if demoMode {
		if o.mail, err = a.demoMail(bundle); err != nil {
			return a.failErr(err)
		}
	}
	ctx, cancel := interruptible()
	defer cancel()
	svc, err := a.open(ctx, db, o)
	if err != nil {
		return a.failOpen(err)
	}
	defer svc.Close()
	return fn(ctx, svc, bundle)
}
