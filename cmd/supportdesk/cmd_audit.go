package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/service"
)

// audit runs "supportdesk audit verify [--head FILE]" and "supportdesk
// audit export [--since T] [--out FILE]". Flags may come before the
// subcommand (audit --db X verify) or after it.
func (a *app) audit(args []string) int {
	fs := a.flags("audit", "cli.usage.audit")
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	switch fs.Arg(0) {
	case "verify":
		return a.auditVerify(fs.Args()[1:])
	case "export":
		return a.auditExport(fs.Args()[1:])
	}
	fs.Usage()
	return exitUsage
}

// auditVerify walks the whole log: chain, MACs, the signed head and, with
// --head, a head exported earlier. Exit 1 names the first broken entry.
func (a *app) auditVerify(args []string) int {
	fs := a.flags("audit verify", "cli.usage.audit_verify")
	headPath := fs.String("head", "", a.l.T("cli.flag.head"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	// The head file is read before the database is opened: a wrong path
	// should not cost a walk of the log.
	var head *audit.Head
	if *headPath != "" {
		h, err := readHeadFile(*headPath)
		if err != nil {
			return a.fail(exitFail, a.l.T("cli.audit.head_file", map[string]any{"Path": clean(*headPath)}))
		}
		head = &h
	}
	if st, ok := a.needDB(); !ok {
		return st
	}
	return a.withService(a.dbPath(false), func(ctx context.Context, svc *service.Service) int {
		rep, err := svc.VerifyAudit(ctx, operator(svc), head)
		if errors.Is(err, auditlog.ErrExportedHead) {
			return a.fail(exitFail, a.l.T("cli.audit.head_invalid", map[string]any{"Path": clean(*headPath)}))
		}
		if err != nil {
			return a.failErr(err)
		}
		if rep.Break != nil {
			return a.fail(exitFail, a.l.T("cli.audit.broken", map[string]any{
				"Seq": rep.Break.Seq, "Reason": a.l.T("audit_break." + rep.Break.Reason), "Count": a.l.Number(rep.Count)}))
		}
		fmt.Fprintln(a.stdout, a.l.N("cli.audit.ok", int(rep.Count), map[string]any{"Count": a.l.Number(rep.Count)}))
		if rep.Unkeyed > 0 {
			// Not a failure (a log from before the keyed one), but only the
			// chain vouches for these: say so.
			fmt.Fprintln(a.stdout, a.l.N("cli.audit.unkeyed", int(rep.Unkeyed), map[string]any{"Count": a.l.Number(rep.Unkeyed)}))
		}
		if head != nil {
			fmt.Fprintln(a.stdout, a.l.T("cli.audit.head_ok", map[string]any{"Seq": head.Seq}))
		}
		return exitOK
	})
}

// needDB refuses a database that is not there: opening would create an
// empty one, and a mistyped --db would verify as a clean log.
func (a *app) needDB() (int, bool) {
	if db := a.dbPath(false); !a.deskExists(db) {
		return a.fail(exitFail, a.l.T("cli.error.no_db", map[string]any{"Path": shown(db)})), false
	}
	return exitOK, true
}

func readHeadFile(path string) (audit.Head, error) {
	f, err := os.Open(path)
	if err != nil {
		return audit.Head{}, err
	}
	defer f.Close()
	return auditlog.ReadHead(f)
}

// auditExport writes the log as JSON Lines, signed head last, to --out or
// standard output.
func (a *app) auditExport(args []string) int {
	fs := a.flags("audit export", "cli.usage.audit_export")
	sinceFlag := fs.String("since", "", a.l.T("cli.flag.since"))
	out := fs.String("out", "", a.l.T("cli.flag.out"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	since, err := parseSince(*sinceFlag)
	if err != nil {
		return a.fail(exitUsage, a.l.T("cli.error.since", map[string]any{"Value": clean(*sinceFlag)}))
	}
	if st, ok := a.needDB(); !ok {
		return st
	}
	return a.withService(a.dbPath(false), func(ctx context.Context, svc *service.Service) int {
		// A date alone is midnight in the center's zone, as every date the
		// center shows.
		from := since.at(svc.Zone())
		w, commit, abort, err := a.exportTarget(*out)
		if err != nil {
			return a.fail(exitFail, a.l.T("cli.audit.out_file", map[string]any{"Path": clean(*out)}))
		}
		head, err := svc.ExportAudit(ctx, operator(svc), from, w)
		if err != nil {
			abort()
			var b *audit.Break
			if errors.As(err, &b) {
				return a.fail(exitFail, a.l.T("cli.audit.export_broken", map[string]any{
					"Seq": b.Seq, "Reason": a.l.T("audit_break." + b.Reason)}))
			}
			return a.failErr(err)
		}
		if err := commit(); err != nil {
			return a.fail(exitFail, a.l.T("cli.audit.out_file", map[string]any{"Path": clean(*out)}))
		}
		// With the export on standard output, the note goes to stderr.
		note := a.stdout
		if *out == "" {
			note = a.stderr
		}
		fmt.Fprintln(note, a.l.T("cli.audit.exported", map[string]any{"Seq": head.Seq}))
		return exitOK
	})
}

// exportTarget is where the export goes: standard output, or a file that
// appears only once the export is whole (a temporary file renamed over it),
// so a broken log never leaves half an export behind.
func (a *app) exportTarget(path string) (w io.Writer, commit func() error, abort func(), err error) {
	if path == "" {
		return a.stdout, func() error { return nil }, func() {}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".audit-export-*")
	if err != nil {
		return nil, nil, nil, err
	}
	abort = func() {
		f.Close()
		os.Remove(f.Name())
	}
	commit = func() error {
		if err := f.Sync(); err != nil {
			abort()
			return err
		}
		if err := f.Close(); err != nil {
			os.Remove(f.Name())
			return err
		}
		if err := os.Rename(f.Name(), path); err != nil {
			os.Remove(f.Name())
			return err
		}
		return nil
	}
	return f, commit, abort, nil
}

// since is --since: an instant, a date (midnight in a zone known later),
// or nothing (the whole log).
type since struct {
	instant time.Time
	date    time.Time // year, month and day only
}

func (s since) at(zone *time.Location) time.Time {
	if s.date.IsZero() {
		return s.instant
	}
	y, m, d := s.date.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

// parseSince reads RFC 3339 or YYYY-MM-DD.
func parseSince(v string) (since, error) {
	if v == "" {
		return since{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return since{instant: t}, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return since{}, err
	}
	return since{date: d}, nil
}
