package main

import (
	"fmt"
	"time"
	_ "time/tzdata" // the center's zone resolves even where the system has no tz database

	"supportdesk/core/calendar"
)

// businessDay is the length of one SLA day: "2 business days" is 24
// business hours.
const businessDay = 12 * time.Hour

// sla runs "supportdesk sla due --from T [--days N]": it prints the instant
// N business days after T, in RFC 3339 in the center's zone, for scripts.
func (a *app) sla(args []string) int {
	if len(args) == 0 || args[0] != "due" {
		fs := a.flags("sla", "cli.usage.sla")
		if err := fs.Parse(args); err != nil {
			return a.flagError(err)
		}
		fs.Usage()
		return exitUsage
	}
	fs := a.flags("sla due", "cli.usage.sla")
	from := fs.String("from", "", a.l.T("cli.flag.from"))
	days := fs.Int("days", 2, a.l.T("cli.flag.days"))
	if err := fs.Parse(args[1:]); err != nil {
		return a.flagError(err)
	}
	if *from == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	start, err := time.Parse(time.RFC3339, *from)
	if err != nil {
		return a.fail(exitUsage, a.l.T("cli.error.from", map[string]any{"Value": clean(*from)}))
	}
	if *days < 1 || *days > 30 {
		return a.fail(exitUsage, a.l.T("cli.error.days"))
	}
	// The configured calendar; supervisors' closure days live in the
	// database, which this command does not open.
	cfg, err := a.calendarConfig(a.dbPath(false))
	if err != nil {
		return a.failConfig(err)
	}
	cal, err := calendar.New(cfg)
	if err != nil {
		return a.failErr(err)
	}
	due := cal.Add(start, time.Duration(*days)*businessDay)
	fmt.Fprintln(a.stdout, due.Format(time.RFC3339Nano))
	return exitOK
}
