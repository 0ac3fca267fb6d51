package main

import (
	"context"
	"path/filepath"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/authn"
	"supportdesk/core/helpdesk"
	"supportdesk/core/mail"
	"supportdesk/core/service"
	"supportdesk/i18n"
	"supportdesk/tui"
)

var _ tui.Tickets = (*helpdesk.Desk)(nil)

// runConsole opens the console in this terminal. In demo mode the outbox
// worker runs beside it and writes replies as .eml files next to the
// database, so a reply can be seen end to end.
func (a *app) runConsole(svc *service.Service, demo []tui.DemoCredential, demoMode bool) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	policy, err := a.centerCalendar(ctx, svc, a.dbPath(demoMode))
	if err != nil {
		return a.failConfig(err)
	}
	tickets := helpdesk.NewDesk(svc.Store, svc.Keys, svc.Clock, policy, svc.Desk)
	bundle, err := i18n.NewBundle()
	if err != nil {
		return a.failErr(err)
	}
	if demoMode {
		dir := filepath.Join(filepath.Dir(a.dbPath(true)), "mail")
		transport, err := a.mailTransport(dir, "", "", "")
		if err != nil {
			return a.failErr(err)
		}
		w := &mail.Worker{Store: svc.Store, Keys: svc.Keys, Clock: svc.Clock, Renderer: bundle, Transport: transport,
			From: "Support <support@supportdesk.example>", Texts: &authn.FileSender{Path: a.dbPath(true) + ".sms.log"}, TextRenderer: bundle}
		done := make(chan struct{})
		go func() { w.Run(ctx, time.Second); close(done) }()
		defer func() { cancel(); <-done }()
	}
	m := tui.New(tui.Options{Backend: svc.Desk, Tickets: tickets, Demo: demo, DemoQueries: a.demoQueries, Lang: a.l.Lang(), Bundle: bundle,
		Session: "tty-" + strconv.FormatInt(time.Now().UnixNano(), 36), Now: svc.Clock.Now, Context: ctx})
	if _, err := tea.NewProgram(m, tea.WithAltScreen()).Run(); err != nil {
		return a.fail(exitFail, a.l.T("cli.error.terminal"))
	}
	return exitOK
}
