package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/pquerna/otp/totp"

	"supportdesk/core/fault"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/store"
	"supportdesk/i18n"
	"supportdesk/tui"
)

// demoAccounts is the size of the database `demo` creates.
const demoAccounts = 5000

// demoTickets is how many tickets `demo` makes.
const demoTickets = 2000

// demoSeed is the seed `demo` uses.
const demoSeed = 1

// seedMax bounds --accounts and --tickets.
const seedMax = 10_000_000

func (a *app) seed(args []string) int {
	fs := a.flags("seed", "cli.usage.seed")
	n := fs.Int("accounts", 1000, a.l.T("cli.flag.accounts"))
	tickets := fs.Int("tickets", 0, a.l.T("cli.flag.tickets"))
	s := fs.Uint64("seed", 1, a.l.T("cli.flag.seed"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	switch {
	case *n < 0 || *n > seedMax:
		return a.fail(exitUsage, a.l.T("cli.error.accounts", map[string]any{"Max": a.l.Number(seedMax)}))
	case *tickets < 0 || *tickets > seedMax:
		return a.fail(exitUsage, a.l.T("cli.error.tickets", map[string]any{"Max": a.l.Number(seedMax)}))
	case *n == 0 && *tickets == 0:
		// --accounts 0 is for adding tickets; alone it would do nothing and
		// say nothing, which reads as success.
		return a.fail(exitUsage, a.l.T("cli.error.seed_nothing"))
	}
	return a.withService(a.dbPath(false), func(ctx context.Context, svc *service.Service) int {
		if st := a.runSeed(ctx, svc, *n, *s, true); st != exitOK {
			return st
		}
		return a.runTicketSeed(ctx, svc, a.dbPath(false), *tickets, *s, true)
	})
}

// runTicketSeed adds tickets over the past weeks, linked to seeded accounts
// where the requester's address matches one.
func (a *app) runTicketSeed(ctx context.Context, svc *service.Service, db string, n int, s uint64, print bool) int {
	if n == 0 {
		return exitOK
	}
	var accounts int64
	if err := svc.Store.Read(ctx, func(r store.Reader) error {
		var err error
		accounts, err = r.CountAccounts(ctx)
		return err
	}); err != nil {
		return a.failErr(err)
	}
	start := time.Now()
	made, err := seed.Tickets(ctx, svc.Store, svc.Keys, seed.TicketOptions{Tickets: n, Seed: s, Now: svc.Clock.Now(),
		Accounts: int(accounts), Policy: svc.Tickets.Policy()})
	if err != nil {
		return a.failErr(err)
	}
	if print {
		fmt.Fprintln(a.stdout, a.l.N("cli.seed.tickets_done", made, map[string]any{"Elapsed": a.l.Seconds(time.Since(start))}))
	}
	return exitOK
}

func (a *app) runSeed(ctx context.Context, svc *service.Service, n int, s uint64, print bool) int {
	var count int64
	err := svc.Store.Read(ctx, func(r store.Reader) error {
		var err error
		count, err = r.CountAccounts(ctx)
		return err
	})
	if err != nil {
		return a.failErr(err)
	}
	if n == 0 {
		return exitOK
	}
	if count > 0 {
		return a.fail(exitFail, a.l.T("cli.seed.not_empty", map[string]any{"Count": a.l.Number(count)}))
	}
	start := time.Now()
	bar := a.progress()
	res, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, operator(svc), seed.Options{Accounts: n, Seed: s, Now: svc.Clock.Now(),
		Progress: func(done int) {
			if print {
				bar.show(a.l.T("cli.seed.progress", map[string]any{"Done": a.l.Number(int64(done)), "Total": a.l.Number(int64(n))}))
			}
		}})
	bar.end()
	if err != nil {
		return a.failErr(err)
	}
	if m, ok := svc.Maintain(); ok {
		if err := m.Checkpoint(ctx); err != nil {
			return a.failErr(fault.Storage(err))
		}
	}
	if !print {
		return exitOK
	}
	fmt.Fprintln(a.stdout, a.l.N("cli.seed.done", res.Accounts, map[string]any{"Elapsed": a.l.Seconds(time.Since(start))}))
	fmt.Fprintln(a.stdout, a.l.T("cli.seed.agents"))
	for _, ag := range res.Agents {
		fmt.Fprintln(a.stdout, "  "+a.l.T("cli.seed.agent", map[string]any{"Role": a.l.T("role." + string(ag.Role)),
			"Email": ag.Email, "Password": ag.Password, "Secret": ag.TOTPSecret}))
	}
	return exitOK
}

func (a *app) demo(args []string) int {
	fs := a.flags("demo", "cli.usage.demo")
	fs.DurationVar(&a.idleLock, "idle-lock", 0, a.l.T("cli.flag.idle_lock"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if a.idleLock < 0 {
		return a.fail(exitUsage, a.badValue("idle-lock", a.idleLock.String(), "cli.error.flag_duration_negative"))
	}
	db := a.dbPath(true)
	fresh := !a.deskExists(db)
	return a.openConsole(db, true, func(ctx context.Context, svc *service.Service, bundle *i18n.Bundle) int {
		if fresh {
			fmt.Fprintln(a.stderr, a.l.T("cli.demo.creating", map[string]any{"Path": shown(db), "Count": a.l.Number(demoAccounts)}))
			if st := a.runSeed(ctx, svc, demoAccounts, demoSeed, false); st != exitOK {
				return st
			}
			if st := a.runTicketSeed(ctx, svc, db, demoTickets, demoSeed, false); st != exitOK {
				return st
			}
		}
		s := demoSeedOf(ctx, svc)
		a.demoQueries = []string{seed.Email(s, 4), seed.Phone(s, 3), seed.AccountID(s, 0)}
		return a.runConsole(svc, demoCredentials(s), bundle)
	})
}

// demoSeedOf is the seed the demo database was made with.
func demoSeedOf(ctx context.Context, svc *service.Service) uint64 {
	var s uint64 = demoSeed
	_ = svc.Store.Read(ctx, func(r store.Reader) error {
		if v, err := r.Meta(ctx, "demo_seed"); err == nil {
			s, _ = strconv.ParseUint(string(v), 10, 64)
		}
		return nil
	})
	return s
}

// demoCredentials are the demo agents with their live authenticator codes.
func demoCredentials(s uint64) []tui.DemoCredential {
	var creds []tui.DemoCredential
	for _, ag := range seed.DemoAgents(s) {
		secret := ag.TOTPSecret
		creds = append(creds, tui.DemoCredential{Role: ag.Role, Email: ag.Email, Password: ag.Password,
			TOTP: func(now time.Time) string {
				c, err := totp.GenerateCode(secret, now)
				if err != nil {
					return "------"
				}
				return c
			}})
	}
	return creds
}

func (a *app) console(args []string) int {
	fs := a.flags("console", "cli.usage.console")
	fs.DurationVar(&a.idleLock, "idle-lock", 0, a.l.T("cli.flag.idle_lock"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if a.idleLock < 0 {
		return a.fail(exitUsage, a.badValue("idle-lock", a.idleLock.String(), "cli.error.flag_duration_negative"))
	}
	db := a.dbPath(false)
	if !a.deskExists(db) {
		return a.fail(exitFail, a.l.T("cli.error.no_db", map[string]any{"Path": shown(db)}))
	}
	return a.openConsole(db, false, func(_ context.Context, svc *service.Service, bundle *i18n.Bundle) int {
		return a.runConsole(svc, nil, bundle)
	})
}
