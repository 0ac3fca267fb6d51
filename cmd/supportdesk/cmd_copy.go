package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"supportdesk/core/audit"
	"supportdesk/core/safetext"
	"supportdesk/core/secret"
	"supportdesk/core/service"
	"supportdesk/core/store/postgres"
	"supportdesk/core/store/sqlite"
	"supportdesk/core/store/storecopy"
)

// copyDesk runs "supportdesk copy --from PATH --to postgres://… [--key
// FILE]": it moves a SQLite desk into an empty PostgreSQL database, audit
// chain included, checks every table's row count and verifies the audit
// chain on the copy with the SQLite desk's key file. Nothing is written
// unless the whole copy is.
func (a *app) copyDesk(args []string) int {
	fs := a.flags("copy", "cli.usage.copy")
	from := fs.String("from", "", a.l.T("cli.copy.flag_from"))
	to := fs.String("to", "", a.l.T("cli.copy.flag_to"))
	key := fs.String("key", "", a.l.T("cli.copy.flag_key")) // the SQLite desk's key file
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	switch {
	case *from == "" || *to == "":
		return a.fail(exitUsage, a.l.T("cli.copy.need_from_to"))
	case postgres.IsURL(*from):
		return a.fail(exitUsage, a.l.T("cli.copy.from_url"))
	case !postgres.IsURL(*to):
		return a.fail(exitUsage, a.l.T("cli.copy.to_not_url", map[string]any{"Value": shown(*to)}))
	}
	if !service.Exists(*from) {
		return a.fail(exitFail, a.l.T("cli.error.no_db", map[string]any{"Path": clean(*from)}))
	}
	keyPath := *key
	if keyPath == "" {
		keyPath = a.locate(*from).key
	}
	keys, err := secret.Load(keyPath)
	if err != nil {
		return a.failOpen(err)
	}
	ctx, cancel := interruptible()
	defer cancel()
	// The key file is checked against the source before the target is
	// opened: opening it creates its schema.
	tag, err := sqlite.ReadMeta(ctx, *from, service.KeyCheckMeta)
	if err != nil {
		return a.failErr(err)
	}
	if err := service.CheckKey(keys, tag); err != nil {
		return a.failErr(err)
	}
	dst, err := postgres.Open(ctx, *to, postgres.Options{})
	if err != nil {
		return a.failErr(err)
	}
	defer dst.Close()

	start := time.Now()
	bar := a.progress()
	rep, err := storecopy.Copy(ctx, *from, dst, keys, storecopy.Options{Progress: func(table string, done, total int) {
		bar.show(a.l.T("cli.copy.progress", map[string]any{"Table": table, "Done": done + 1, "Total": total}))
	}})
	bar.end() // the summary or the error says the rest
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return a.fail(exitFail, a.l.T("cli.copy.interrupted"))
		}
		return a.failCopy(*from, *to, err)
	}
	fmt.Fprintln(a.stdout, a.l.N("cli.copy.done", int(rep.Rows), map[string]any{
		"Tables": a.l.Number(int64(len(rep.Tables))), "URL": shown(*to), "Elapsed": a.l.Seconds(time.Since(start))}))
	fmt.Fprintln(a.stdout, a.l.N("cli.copy.audit_ok", int(rep.Audit.Count), nil))
	fmt.Fprintln(a.stdout, a.keyNote(keyPath, *to))
	return exitOK
}

// keyNote says where the PostgreSQL desk will look for the key file that
// verified the copy: every command on that desk needs it.
func (a *app) keyNote(keyPath, url string) string {
	dest := a.locate(url).key
	src, err1 := filepath.Abs(keyPath)
	dst, err2 := filepath.Abs(dest)
	if err1 == nil && err2 == nil && src == dst {
		return a.l.T("cli.copy.key_same", map[string]any{"Key": clean(keyPath)})
	}
	return a.l.T("cli.copy.key_where", map[string]any{"Key": clean(keyPath), "Dest": clean(dest)})
}

// failCopy reports why a copy did not happen, or that the copy written
// does not verify.
func (a *app) failCopy(from, to string, err error) int {
	var (
		se *storecopy.SchemaError
		me *storecopy.MissingError
		ne *storecopy.NotEmptyError
		ce *storecopy.CountError
		te *storecopy.TableError
		b  *audit.Break
	)
	switch {
	case errors.As(err, &se):
		return a.fail(exitFail, a.l.T("cli.copy.source_version", map[string]any{"Path": clean(from), "Have": se.Have, "Want": se.Want}))
	case errors.As(err, &me) && me.Column == "":
		return a.fail(exitFail, a.l.T("cli.copy.missing_table", map[string]any{"Table": clean(me.Table)}))
	case errors.As(err, &me):
		return a.fail(exitFail, a.l.T("cli.copy.missing_column", map[string]any{"Table": clean(me.Table), "Column": clean(me.Column)}))
	case errors.As(err, &ne):
		return a.fail(exitFail, a.l.T("cli.copy.not_empty", map[string]any{"URL": shown(to), "Table": ne.Table}))
	case errors.As(err, &ce):
		return a.fail(exitFail, a.l.T("cli.copy.count", map[string]any{"Table": ce.Table,
			"Source": a.l.Number(ce.Source), "Target": a.l.Number(ce.Target)}))
	case errors.As(err, &te):
		if d := storecopy.Detail(te.Err); d != "" {
			return a.fail(exitFail, a.l.T("cli.copy.table_failed", map[string]any{"Table": clean(te.Table), "Detail": safetext.Line(d)}))
		}
		return a.fail(exitFail, a.l.T("cli.copy.table_failed_plain", map[string]any{"Table": clean(te.Table)}))
	case errors.As(err, &b):
		return a.fail(exitFail, a.l.T("cli.copy.audit_broken", map[string]any{"URL": shown(to),
			"Seq": b.Seq, "Reason": a.l.T("audit_break." + b.Reason)}))
	}
	return a.failErr(err)
}
