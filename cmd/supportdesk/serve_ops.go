package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/mail"
	"supportdesk/core/service"
	"supportdesk/core/store"
)

// opsFlags are serve's operations settings: logs and the metrics listener.
// The log flags check their values as they are set, so a bad value from
// the environment or the file is named with its source.
type opsFlags struct {
	metrics   *string
	logFormat *logFormat
	logLevel  *slog.Level
}

func (a *app) opsFlags(fs *flag.FlagSet) opsFlags {
	f := opsFlags{metrics: fs.String("metrics", "", a.l.T("cli.flag.metrics")), logFormat: new(logFormat), logLevel: new(slog.Level)}
	*f.logFormat = "json"
	fs.Var(f.logFormat, "log-format", a.l.T("cli.flag.log_format"))
	fs.TextVar(f.logLevel, "log-level", slog.LevelInfo, a.l.T("cli.flag.log_level"))
	return f
}

// logFormat is json or text.
type logFormat string

func (f *logFormat) String() string { return string(*f) }

func (f *logFormat) Set(v string) error {
	switch v = strings.ToLower(v); v {
	case "json", "text":
		*f = logFormat(v)
		return nil
	}
	return errors.New("json or text")
}

// newLogger is serve's structured log on w. Its messages are stable
// English phrases for log tooling, not localized text; its attributes
// never carry a person's data (addresses, names, bodies, tokens).
func newLogger(w io.Writer, format logFormat, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// loggedTransport logs each failed send by its codes (errAttrs): the
// relay's stage and reply codes and whether a retry can help, never the
// recipient or the relay's text. The outbox records the failure on its
// row either way.
type loggedTransport struct {
	mail.Transport
	logger *slog.Logger
}

func (t loggedTransport) Send(ctx context.Context, msg *mail.Message) error {
	err := t.Transport.Send(ctx, msg)
	if err != nil && ctx.Err() == nil {
		attrs := errAttrs(err)
		var se *mail.SendError
		if !errors.As(err, &se) {
			attrs = append(attrs, "permanent", errors.Is(err, mail.ErrPermanent))
		}
		t.logger.Warn("mail send failed", attrs...)
	}
	return err
}

// Clean passes the outbox's start-up clean-up to a transport that has one
// (a Dir's temporary files).
func (t loggedTransport) Clean() error {
	if c, ok := t.Transport.(interface{ Clean() error }); ok {
		return c.Clean()
	}
	return nil
}

// addressLike matches what looks like an email address in an error text.
var addressLike = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// errAttrs describe an error for the log without personal data: its
// stable code when it has one, the SMTP stage and reply codes of a relay's
// refusal (never the relay's text, which quotes addresses), and otherwise
// its text with anything address-like replaced.
func errAttrs(err error) []any {
	var attrs []any
	if fe, ok := fault.As(err); ok {
		attrs = append(attrs, "code", string(fe.Code))
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		return append(attrs, "stage", se.Stage, "smtp_code", se.Code, "smtp_enhanced", se.Enhanced, "permanent", se.Permanent)
	}
	return append(attrs, "error", redact(err.Error()))
}

// redact replaces address-like words and bounds the length.
func redact(s string) string {
	s = addressLike.ReplaceAllString(s, "[address]")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// healthProbe reads the store's schema version: the read /healthz waits
// for.
func healthProbe(svc *service.Service) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		if m, ok := svc.Maintain(); ok {
			return m.SchemaVersion(ctx)
		}
		return 0, svc.Store.Read(ctx, func(r store.Reader) error {
			_, err := r.Meta(ctx, service.KeyCheckMeta)
			if errors.Is(err, fault.ErrNotFound) {
				return nil
			}
			return err
		})
	}
}

// failing is a part that keeps its latest failure for the log instead of
// returning it to a caller that must not wait on it (the PostgreSQL
// presence registry).
type failing interface{ Err() error }

// presenceLogEvery is how often serve looks for a presence failure.
const presenceLogEvery = 30 * time.Second

// logFailures logs p's latest failure, if any, every period until ctx
// ends: one record a period however many calls failed in it.
func logFailures(ctx context.Context, p failing, every time.Duration, logger *slog.Logger, msg string) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := p.Err(); err != nil {
				logger.Warn(msg, errAttrs(err)...)
			}
		}
	}
}
