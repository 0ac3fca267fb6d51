package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unicode"

	"supportdesk/core/inbox"
	"supportdesk/core/mailin"
	"supportdesk/core/service"
)

// Exit statuses of mail-in, from sysexits.h: what an MTA's pipe delivery
// understands (75 defers and retries, the others bounce).
const (
	exUsage       = 64 // EX_USAGE: the command line is wrong
	exDataErr     = 65 // EX_DATAERR: the message is refused for what it is
	exUnavailable = 69 // EX_UNAVAILABLE: over the size limit
	exTempFail    = 75 // EX_TEMPFAIL: a retry may help
)

// rcptList is the repeatable --rcpt flag.
type rcptList []string

func (r *rcptList) String() string { return "" }

func (r *rcptList) Set(v string) error {
	*r = append(*r, v)
	return nil
}

// mailIn delivers one message read on standard input, as an MTA's pipe
// delivery runs it (Postfix: argv=supportdesk mail-in --rcpt ${recipient}),
// through the same core path as the SMTP receiver of serve.
func (a *app) mailIn(args []string) int {
	fs := a.flags("mail-in", "cli.usage.mail_in")
	var rcpts rcptList
	fs.Var(&rcpts, "rcpt", a.l.T("cli.flag.rcpt"))
	authID := fs.String("mail-auth-id", "", a.l.T("cli.flag.mail_auth_id"))
	// The MTA logs what we print: one line on a mistake, the usage on --help only.
	usage := fs.Usage
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return exitOK
		}
		return a.fail(exUsage, a.l.T("cli.error.flag", map[string]any{"Detail": clean(flagDetail(err))}))
	}
	if fs.NArg() > 0 {
		return a.fail(exUsage, a.l.T("cli.mail_in.stray_arg")) // not echoed: it may be an address
	}
	if len(rcpts) == 0 {
		// Postfix's local(8) sets these for a command in an alias or
		// .forward; pipe(8) takes ${recipient} on the command line.
		for _, env := range []string{"ORIGINAL_RECIPIENT", "RECIPIENT"} {
			if v := a.getenv(env); v != "" {
				rcpts = append(rcpts, v)
				break
			}
		}
	}
	if len(rcpts) == 0 {
		return a.fail(exUsage, a.l.T("cli.mail_in.no_rcpt"))
	}
	for _, r := range rcpts {
		if !plausibleAddress(r) {
			return a.fail(exUsage, a.l.T("cli.mail_in.bad_rcpt")) // not echoed: an address is personal data
		}
	}
	raw, err := mailin.ReadMessage(a.stdin, mailin.DefaultMaxBytes)
	switch {
	case errors.Is(err, mailin.ErrTooLarge):
		return a.fail(exUnavailable, a.l.T("cli.mail_in.too_large", map[string]any{"Max": a.l.Number(mailin.DefaultMaxBytes >> 20)}))
	case errors.Is(err, mailin.ErrEmpty):
		return a.fail(exDataErr, a.l.T("cli.mail_in.empty"))
	case err != nil:
		return a.fail(exTempFail, a.l.T("cli.mail_in.deferred"))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db := a.dbPath(false)
	if !a.deskExists(db) {
		// A pipe pointed at the wrong place must not create a database.
		fmt.Fprintln(a.stderr, "supportdesk: "+a.l.T("cli.error.no_db", map[string]any{"Path": shown(db)}))
		return exTempFail
	}
	svc, err := a.open(ctx, db, openOptions{})
	if err != nil {
		a.failOpen(err) // the operator's fix (key file, config) is named; the MTA retries
		return exTempFail
	}
	defer svc.Close()
	if *authID != "" {
		svc.Inbox.TrustedAuthServID = *authID
	}
	_, err = svc.Inbox.Deliver(ctx, rcpts, bytes.NewReader(raw))
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, inbox.ErrTooLarge):
		return a.fail(exUnavailable, a.l.T("cli.mail_in.too_large", map[string]any{"Max": a.l.Number(mailin.DefaultMaxBytes >> 20)}))
	case inbox.Permanent(err):
		return a.fail(exDataErr, a.l.T("cli.mail_in.refused"))
	}
	return a.fail(exTempFail, a.l.T("cli.mail_in.deferred"))
}

// plausibleAddress checks an envelope recipient's shape only: one @, a
// domain, no spaces or controls; the inbox decides what it names.
func plausibleAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 254 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' })
}

// mailInFlags are serve's settings of the SMTP/LMTP receiver.
type mailInFlags struct {
	addr, domains, authID *string
	lmtp                  *bool
}

func (a *app) mailInFlags(fs *flag.FlagSet) mailInFlags {
	return mailInFlags{
		addr:    fs.String("mail-in", "", a.l.T("cli.flag.mail_in")),
		lmtp:    fs.Bool("mail-in-lmtp", false, a.l.T("cli.flag.mail_in_lmtp")),
		domains: fs.String("mail-domain", "", a.l.T("cli.flag.mail_domain")),
		authID:  fs.String("mail-auth-id", "", a.l.T("cli.flag.mail_auth_id")),
	}
}

// mailDomains is --mail-domain as a list, else the domain of --mail-from.
func mailDomains(list, from string) ([]string, error) {
	var out []string
	for _, d := range strings.Split(list, ",") {
		if d = strings.TrimSuffix(strings.TrimSpace(d), "."); d != "" {
			out = append(out, strings.ToLower(d))
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, err
	}
	at := strings.LastIndexByte(addr.Address, '@')
	if at < 0 {
		return nil, errors.New("--mail-from has no domain")
	}
	return []string{strings.ToLower(addr.Address[at+1:])}, nil
}

// startMailIn runs the receiver of --mail-in beside the HTTP server, over
// the inbox; nil when --mail-in is not given. observe, when set, is told of
// each delivery's outcome (serve counts them). The caller shuts it down.
func (a *app) startMailIn(f mailInFlags, from string, svc *service.Service, logger *slog.Logger,
	observe func(inbox.Result, error)) (*mailin.Server, <-chan error, int) {
	if *f.authID != "" {
		svc.Inbox.TrustedAuthServID = *f.authID
	}
	if *f.addr == "" {
		return nil, nil, exitOK
	}
	domains, err := mailDomains(*f.domains, from)
	if err != nil {
		return nil, nil, a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--mail-domain"}))
	}
	srv := &mailin.Server{
		Deliver: func(ctx context.Context, rcpts []string, raw io.Reader) error {
			res, err := svc.Inbox.Deliver(ctx, rcpts, raw)
			if observe != nil {
				observe(res, err)
			}
			return err
		},
		Permanent: inbox.Permanent,
		Domains:   domains,
		LMTP:      *f.lmtp,
		Domain:    domains[0],
	}
	ln, err := net.Listen("tcp", *f.addr)
	if err != nil {
		return nil, nil, a.fail(exitFail, a.l.T("cli.error.listen", map[string]any{"Addr": clean(*f.addr)}))
	}
	proto := "smtp"
	if *f.lmtp {
		proto = "lmtp"
	}
	logger.Info("mail-in listening", "proto", proto, "addr", ln.Addr().String(), "domains", strings.Join(domains, ","))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	return srv, served, exitOK
}
