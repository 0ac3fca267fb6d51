package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/mail"
	"supportdesk/core/service"
	"supportdesk/core/userapi"
	"supportdesk/i18n"
)

func (a *app) serve(args []string) int {
	fs := a.flags("serve", "cli.usage.serve")
	addr := fs.String("http", "127.0.0.1:8080", a.l.T("cli.flag.http"))
	perSec := fs.Float64("intake-rate", 1, a.l.T("cli.flag.intake_rate"))
	burst := fs.Int("intake-burst", 10, a.l.T("cli.flag.intake_burst"))
	mailDir := fs.String("mail-dir", "", a.l.T("cli.flag.mail_dir"))
	smtpAddr := fs.String("smtp", "", a.l.T("cli.flag.smtp"))
	smtpTLS := fs.String("smtp-tls", "starttls", a.l.T("cli.flag.smtp_tls"))
	smtpUser := fs.String("smtp-user", "", a.l.T("cli.flag.smtp_user"))
	from := fs.String("mail-from", "Support <support@supportdesk.example>", a.l.T("cli.flag.mail_from"))
	sendTimeout := fs.Duration("mail-timeout", 2*time.Minute, a.l.T("cli.flag.mail_timeout"))
	retry := fs.Duration("mail-retry", 30*time.Second, a.l.T("cli.flag.mail_retry"))
	mailIn := a.mailInFlags(fs)
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if *perSec < 0 || *burst < 1 {
		return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--intake-rate/--intake-burst"}))
	}
	if *sendTimeout < time.Second || *retry < time.Second {
		return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--mail-timeout/--mail-retry"}))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bundle, err := i18n.NewBundle()
	if err != nil {
		return a.failErr(fault.Storage(err))
	}
	transport, err := a.mailTransport(*mailDir, *smtpAddr, *smtpTLS, *smtpUser)
	if err != nil {
		return a.fail(exitUsage, a.l.T("cli.error.smtp", map[string]any{"Detail": clean(err.Error())}))
	}
	mailCfg := &service.Mail{Renderer: bundle, Transport: transport, From: *from,
		OnError: func(error) { fmt.Fprintln(a.stderr, a.l.T("cli.serve.mail_error")) },
		// The demo gateway: account notices to phones go to the same file as one-time codes.
		Texts: &authn.FileSender{Path: a.dbPath(false) + ".sms.log"}, TextRenderer: bundle,
		SendTimeout: *sendTimeout, Backoff: mail.Backoff(*retry)}
	svc, err := a.open(ctx, a.dbPath(false), openOptions{mail: mailCfg})
	if err != nil {
		return a.failOpen(err)
	}
	defer svc.Close()
	// The jobs runner: account-reset grants and lapses, the SLA breach log,
	// closure days added from a console, and the outbox.
	svc.Jobs.OnError = func(string, error) { fmt.Fprintln(a.stderr, a.l.T("cli.serve.sla_error")) }
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	jobsDone := make(chan struct{})
	go func() { svc.Jobs.Run(jobsCtx); close(jobsDone) }()
	defer func() { stopJobs(); <-jobsDone }()
	intake := svc.Intake
	zone := svc.Zone()
	intakeCtx, stopIntake := context.WithCancel(context.Background())
	intakeDone := make(chan struct{})
	go func() { intake.Run(intakeCtx); close(intakeDone) }()

	mux := http.NewServeMux()
	mux.Handle("/v1/contact", &helpdesk.ContactHandler{Intake: intake, Zone: zone, Rate: rate.Limit(*perSec), Burst: *burst,
		Localize: func(lang string, err error) string { return intakeMessage(bundle.Localizer(lang), err) }})
	// The user's side: sign-in, identity proofing, the account reset.
	users := userapi.New(svc, userText{bundle})
	for _, p := range users.Paths() {
		mux.Handle(p, users)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		stopIntake()
		return a.fail(exitFail, a.l.T("cli.error.listen", map[string]any{"Addr": clean(*addr)}))
	}
	fmt.Fprintln(a.stderr, a.l.T("cli.serve.listening", map[string]any{"Addr": ln.Addr().String()}))
	// Replies by mail, beside HTTP (cmd_mailin.go).
	inbound, inboundDone, code := a.startMailIn(mailIn, *from, svc)
	if code != exitOK {
		ln.Close()
		stopIntake()
		return code
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			stopIntake()
			return a.fail(exitFail, a.l.T("cli.error.listen", map[string]any{"Addr": clean(*addr)}))
		}
	case <-inboundDone:
		stopIntake()
		return a.fail(exitFail, a.l.T("cli.error.listen", map[string]any{"Addr": clean(*mailIn.addr)}))
	}
	// Stop taking requests, let the ones in flight commit, then stop intake.
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	inboundStopped := make(chan struct{})
	go func() {
		if inbound != nil {
			inbound.Shutdown(shutdown)
		}
		close(inboundStopped)
	}()
	srv.Shutdown(shutdown)
	<-inboundStopped
	stopIntake()
	<-intakeDone
	fmt.Fprintln(a.stderr, a.l.T("cli.serve.stopped"))
	return exitOK
}

// intakeMessage localizes an intake error, naming the field precisely.
func intakeMessage(l *i18n.Localizer, err error) string {
	fe, ok := fault.As(err)
	if ok && fe.Code == fault.CodeRateLimited {
		return l.T("intake.error.rate_limited")
	}
	if ok && fe.Field != "" && l.Has("intake.error."+fe.Field) {
		return l.T("intake.error."+fe.Field, map[string]any{"Max": l.Number(int64(fe.Max))})
	}
	if ok && fe.Code == fault.CodeEmailMalformed {
		return l.T("intake.error.email", map[string]any{"Max": l.Number(254)})
	}
	return l.Err(err)
}

// userText localizes the user API's answers (core/userapi) from the bundle.
type userText struct{ b *i18n.Bundle }

// Error names what went wrong for a user: the HTTP layer's own refusals by
// the field they name, a limited step with its limiter, a step out of
// order with the step the user is at; anything else as the core's code.
func (t userText) Error(lang string, err error) string {
	l := t.b.Localizer(lang)
	fe, ok := fault.As(err)
	switch {
	case !ok:
		return l.T("http.error.storage")
	case fe.Code == fault.CodeRateLimited && fe.Limit == "http":
		return l.T("http.error.too_many")
	case fe.Code == fault.CodeRateLimited && l.Has("limiter."+fe.Limit):
		return l.T("http.error.rate_limited", map[string]any{"Limiter": l.T("limiter." + fe.Limit),
			"Max": l.Number(int64(fe.Max)), "Until": l.DateTime(fe.Until)})
	case fe.Code == fault.CodeConflict && fe.Limit != "" && l.Has("http.step."+fe.Limit):
		return l.T("http.error.step", map[string]any{"Step": l.T("http.step." + fe.Limit)})
	case fe.Field != "" && l.Has("http.error."+fe.Field):
		return l.T("http.error."+fe.Field, map[string]any{"Max": l.Number(int64(fe.Max))})
	case fe.Code == fault.CodeStorage:
		return l.T("http.error.storage")
	}
	return l.Err(err)
}

// Reason is a failed step's reason code as a tip, or the code itself.
func (t userText) Reason(lang, code string) string {
	l := t.b.Localizer(lang)
	if id := "reason." + code; l.Has(id) {
		return l.T(id)
	}
	return code
}

// mailTransport is SMTP when --smtp is given (password from
// $SUPPORTDESK_SMTP_PASSWORD), else .eml files in --mail-dir, by default
// a folder next to the database.
func (a *app) mailTransport(dir, addr, tlsMode, user string) (mail.Transport, error) {
	if addr == "" {
		if dir == "" {
			dir = filepath.Join(filepath.Dir(a.dbPath(false)), "mail")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		return mail.Dir{Path: dir}, nil
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, err
	}
	mode, err := mail.ParseTLSMode(tlsMode)
	if err != nil {
		return nil, err
	}
	return &mail.SMTP{Host: host, Port: port, Mode: mode, Username: user, Password: a.getenv("SUPPORTDESK_SMTP_PASSWORD")}, nil
}
