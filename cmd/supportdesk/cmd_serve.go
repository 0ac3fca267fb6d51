package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/inbox"
	"supportdesk/core/mail"
	"supportdesk/core/mailin"
	"supportdesk/core/monitor"
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
	sshf := a.sshFlags(fs)
	ops := a.opsFlags(fs)
	usage := fs.Usage
	fs.Usage = func() { usage(); a.settingsUsage(fs, "serve") }
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	// Flags, then $SUPPORTDESK_*, then the [serve] table (config.go).
	if err := a.applySettings(fs, "serve"); err != nil {
		return a.failSettings(err)
	}
	if *perSec < 0 || *burst < 1 {
		return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--intake-rate/--intake-burst"}))
	}
	if *sendTimeout < time.Second || *retry < time.Second {
		return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--mail-timeout/--mail-retry"}))
	}
	// From here on stderr is the log: records, not sentences (serve_ops.go).
	logger := newLogger(a.stderr, *ops.logFormat, *ops.logLevel)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
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
	mailCfg := &service.Mail{Renderer: bundle, Transport: loggedTransport{transport, logger}, From: *from,
		OnError: func(err error) { logger.Error("outbox failing; rows stay queued and are retried", errAttrs(err)...) },
		// The demo gateway: account notices to phones go to the same file as one-time codes.
		Texts: &authn.FileSender{Path: a.locate(a.dbPath(false)).smsLog}, TextRenderer: bundle,
		SendTimeout: *sendTimeout, Backoff: mail.Backoff(*retry)}
	svc, err := a.open(ctx, a.dbPath(false), openOptions{mail: mailCfg})
	if err != nil {
		return a.failOpen(err)
	}
	defer svc.Close()
	metrics := monitor.New(monitor.Config{Stats: svc.Tickets.Stats})
	// The jobs runner: account-reset grants and lapses, the SLA breach log,
	// closure days added from a console, and the outbox.
	svc.Jobs.OnError = func(duty string, err error) {
		logger.Error("job failed; retried next round", append([]any{"duty", duty}, errAttrs(err)...)...)
	}
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	jobsDone := make(chan struct{})
	go func() { svc.Jobs.Run(jobsCtx); close(jobsDone) }()
	defer func() { stopJobs(); <-jobsDone }()
	// Presence on PostgreSQL never fails a console (it is a hint); its
	// failures wait to be logged.
	if p, ok := svc.Presence.(failing); ok {
		go logFailures(jobsCtx, p, presenceLogEvery, logger, "presence failing; consoles show nobody else on a ticket meanwhile")
	}
	intake := svc.Intake
	zone := svc.Zone()
	intakeCtx, stopIntake := context.WithCancel(context.Background())
	intakeDone := make(chan struct{})
	go func() { intake.Run(intakeCtx); close(intakeDone) }()
	defer func() { stopIntake(); <-intakeDone }()

	// Every route is measured under its pattern; intake refusals are
	// counted by outcome, never logged one by one.
	mux := http.NewServeMux()
	handle := func(mux *http.ServeMux, pattern string, h http.Handler) {
		mux.Handle(pattern, metrics.Route(pattern, h))
	}
	handle(mux, "/v1/contact", metrics.Intake(&helpdesk.ContactHandler{Intake: intake, Zone: zone, Rate: rate.Limit(*perSec), Burst: *burst,
		Localize: func(lang string, err error) string { return intakeMessage(bundle.Localizer(lang), err) }}))
	// The user's side: sign-in, identity proofing, the account reset.
	users := userapi.New(svc, userText{bundle})
	for _, p := range users.Paths() {
		handle(mux, p, users)
	}
	health := monitor.Health{Probe: healthProbe(svc), Timeout: 2 * time.Second}
	handle(mux, "/healthz", health)
	// /metrics is on the HTTP listener unless --metrics gives it its own,
	// which keeps queue figures off a port the internet reaches.
	servers := []*http.Server{}
	newServer := func(h http.Handler) *http.Server {
		s := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
		servers = append(servers, s)
		return s
	}
	srv := newServer(mux)
	var metricsSrv *http.Server
	if *ops.metrics == "" {
		handle(mux, "/metrics", metrics.Handler())
	} else {
		mm := http.NewServeMux()
		handle(mm, "/metrics", metrics.Handler())
		handle(mm, "/healthz", health)
		metricsSrv = newServer(mm)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return a.fail(exitFail, a.l.T("cli.error.listen", map[string]any{"Addr": clean(*addr)}))
	}
	var metricsLn net.Listener
	if metricsSrv != nil {
		if metricsLn, err = net.Listen("tcp", *ops.metrics); err != nil {
			ln.Close()
			return a.fail(exitFail, a.l.T("cli.error.listen", map[string]any{"Addr": clean(*ops.metrics)}))
		}
	}
	// Replies by mail, beside HTTP (cmd_mailin.go); each delivery counted
	// by disposition.
	inbound, inboundDone, code := a.startMailIn(mailIn, *from, svc, logger, func(res inbox.Result, err error) {
		switch {
		case err == nil:
			metrics.MailIn(string(res.Disposition))
			logger.Debug("mail-in delivered", "disposition", string(res.Disposition), "reason", res.Reason)
		case inbox.Permanent(err):
			metrics.MailIn("refused")
			logger.Debug("mail-in refused", "code", string(fault.CodeOf(err)))
		default:
			metrics.MailIn("deferred")
			logger.Warn("mail-in deferred; the MTA retries", errAttrs(err)...)
		}
	})
	if code != exitOK {
		ln.Close()
		return code
	}
	// The console over SSH, beside HTTP (serve_ssh.go).
	stopSSH, sshDone, code := a.startSSH(sshf, svc, bundle, logger, metrics.SetSessions)
	if code != exitOK {
		ln.Close()
		if inbound != nil {
			inbound.Shutdown(context.Background())
		}
		return code
	}
	transportKind := "dir"
	if *smtpAddr != "" {
		transportKind = "smtp"
	}
	logger.Info("serve started", "http", ln.Addr().String(), "metrics", addrOf(metricsLn, ln), "mail_in", *mailIn.addr,
		"ssh", *sshf.addr, "outbox", transportKind, "smtp", *smtpAddr, "schema", schemaOf(ctx, svc), "pid", os.Getpid())
	served := make(chan error, len(servers))
	go func() { served <- srv.Serve(ln) }()
	if metricsSrv != nil {
		go func() { served <- metricsSrv.Serve(metricsLn) }()
	}
	status := exitOK
	select {
	case sig := <-sigs:
		logger.Info("shutdown: signal received", "signal", sig.String())
	case err := <-served:
		logger.Error("shutdown: HTTP stopped serving", "error", redact(err.Error()))
		status = exitFail
	case err := <-inboundDone:
		logger.Error("shutdown: mail-in stopped serving", "error", redact(fmt.Sprint(err)))
		status = exitFail
	case err := <-sshDone:
		logger.Error("shutdown: SSH stopped serving", "error", redact(fmt.Sprint(err)))
		status = exitFail
	}
	if *sshf.addr == "" {
		stopSSH = nil // no sessions to tell
	}
	if !a.shutdown(logger, servers, inbound, stopSSH, stopIntake, intakeDone, stopJobs, jobsDone) {
		status = exitFail
	}
	logger.Info("stopped", "status", status)
	return status
}

// shutdown stops serve in order, logging each step, within 15 s for the
// listeners and 15 s more for the rest:
//  1. stop accepting: HTTP, mail-in and SSH close their listeners at once;
//  2. tell the sessions: SSH's Shutdown warns each console and lets it end;
//  3. finish what is under way: HTTP requests and mail deliveries commit
//     (a form waiting in the intake batch is written before its 201), then
//     the intake writes its last batch;
//  4. stop the jobs: outbox sends under way finish, rows not tried are
//     released at once for the next process.
//
// It reports whether every step ended in time.
func (a *app) shutdown(logger *slog.Logger, servers []*http.Server, inbound *mailin.Server, stopSSH func(context.Context) error,
	stopIntake func(), intakeDone <-chan struct{}, stopJobs func(), jobsDone <-chan struct{}) bool {
	var mu sync.Mutex
	ok := true
	failed := func() { mu.Lock(); ok = false; mu.Unlock() }
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	logger.Info("shutdown: stop accepting (HTTP, mail-in, SSH); telling sessions; waiting for requests and deliveries under way")
	var wg sync.WaitGroup
	step := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil {
				failed()
				logger.Warn("shutdown: "+name+" did not end in time", "error", redact(err.Error()))
				return
			}
			logger.Info("shutdown: "+name+" done", "after_ms", time.Since(start).Milliseconds())
		}()
	}
	var httpErr error
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Shutdown(ctx); err != nil {
				mu.Lock()
				httpErr = err
				mu.Unlock()
			}
		}()
	}
	if inbound != nil {
		step("mail-in deliveries", func(ctx context.Context) error { inbound.Shutdown(ctx); return ctx.Err() })
	}
	if stopSSH != nil {
		step("SSH sessions", stopSSH)
	}
	wg.Wait()
	if httpErr != nil {
		failed()
		logger.Warn("shutdown: HTTP requests did not end in time", "error", redact(httpErr.Error()))
	} else {
		logger.Info("shutdown: HTTP requests done", "after_ms", time.Since(start).Milliseconds())
	}
	stopIntake()
	if !waitFor(intakeDone, 15*time.Second) {
		failed()
		logger.Warn("shutdown: intake batch did not end in time")
	} else {
		logger.Info("shutdown: intake batch committed", "after_ms", time.Since(start).Milliseconds())
	}
	stopJobs()
	if !waitFor(jobsDone, 15*time.Second) {
		failed()
		logger.Warn("shutdown: jobs and outbox did not end in time")
	} else {
		logger.Info("shutdown: jobs and outbox stopped; unsent rows released", "after_ms", time.Since(start).Milliseconds())
	}
	return ok
}

// waitFor waits for done at most d.
func waitFor(done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// addrOf is the address /metrics is served on.
func addrOf(own, http net.Listener) string {
	if own != nil {
		return own.Addr().String()
	}
	return http.Addr().String()
}

// schemaOf is the store's schema version for the start record, 0 when
// unknown.
func schemaOf(ctx context.Context, svc *service.Service) int {
	v, _ := healthProbe(svc)(ctx)
	return v
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
			dir = filepath.Join(a.locate(a.dbPath(false)).dir, "mail")
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
