package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

func (a *app) bench(args []string) int {
	fs := a.flags("bench", "cli.usage.bench")
	n := fs.Int("accounts", 1_000_000, a.l.T("cli.flag.accounts"))
	samples := fs.Int("samples", 20000, a.l.T("cli.flag.samples"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if *n < 1 || *samples < 1 {
		return a.fail(exitUsage, a.l.T("cli.error.accounts", map[string]any{"Max": a.l.Number(10_000_000)}))
	}
	db := a.dbFlag
	if db == "" {
		db = filepath.Join(dataDir(a.getenv), fmt.Sprintf("bench-%d.db", *n))
	}
	ctx, cancel := interruptible()
	defer cancel()
	fresh := !service.Exists(db)
	svc, err := a.open(ctx, db, openOptions{})
	if err != nil {
		return a.failErr(err)
	}
	defer svc.Close()
	if fresh {
		fmt.Fprintln(a.stderr, a.l.T("cli.bench.seeding", map[string]any{"Path": db, "Count": a.l.Number(int64(*n))}))
		if st := a.runSeed(ctx, svc, *n, 1, true); st != exitOK {
			return st
		}
	}
	r := rand.New(rand.NewPCG(7, 7))
	pickQuery := func(kind string) string {
		i := r.IntN(*n)
		switch kind {
		case "email":
			return seed.Email(1, i)
		case "phone":
			return seed.Phone(1, i)
		}
		return seed.AccountID(1, i)
	}
	row := func(label string, d []time.Duration) {
		slices.Sort(d)
		q := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
		fmt.Fprintf(a.stdout, "%-34s %10s %10s %10s %8d\n", label, q(0.50), q(0.99), d[len(d)-1], len(d))
	}
	fmt.Fprintf(a.stdout, "%-34s %10s %10s %10s %8s\n", a.l.T("cli.bench.operation"), "p50", "p99", "max", "n")
	measure := func(k int, fn func() error) ([]time.Duration, error) {
		out := make([]time.Duration, 0, k)
		for range k {
			t0 := time.Now()
			if err := fn(); err != nil {
				return nil, err
			}
			out = append(out, time.Since(t0))
		}
		return out, nil
	}
	tok, err := benchSession(ctx, svc)
	if err != nil {
		return a.failErr(err)
	}
	// Every look-up is audited in its own write transaction: there is no
	// unaudited path to measure any more.
	for _, kind := range []string{"email", "phone", "uuid"} {
		d, err := measure(*samples, func() error {
			_, err := svc.Desk.Lookup(ctx, tok, pickQuery(kind))
			if fault.CodeOf(err) == fault.CodeNotFound {
				return nil // some demo accounts have no phone
			}
			return err
		})
		if err != nil {
			return a.failErr(err)
		}
		row(a.l.T("cli.bench.lookup", map[string]any{"Kind": kind}), d)
	}
	hash, _ := secret.HashPassword("benchmark password", secret.DefaultArgon2)
	d, _ := measure(20, func() error {
		_, err := secret.VerifyPassword("benchmark password", hash)
		return err
	})
	p := secret.DefaultArgon2
	row(a.l.T("cli.bench.argon2", map[string]any{"Memory": p.Memory / 1024, "Time": p.Time, "Threads": p.Threads}), d)
	return exitOK
}

// benchSession opens a session for the seeded demo supervisor, as the
// operator who holds the database may.
func benchSession(ctx context.Context, svc *service.Service) (staff.Token, error) {
	var tok staff.Token
	err := svc.Store.Write(ctx, func(tx store.Tx) error {
		for _, ag := range seed.DemoAgents(1) {
			if ag.Role != access.RoleSupervisor {
				continue
			}
			a, err := tx.AgentByEmail(ctx, svc.Keys.Fingerprint("agent_email", ag.Email))
			if err != nil {
				return err
			}
			si, err := svc.Staff.Issue(ctx, tx, a.ID, "bench", svc.Clock.Now())
			tok = si.Token
			return err
		}
		return fault.ErrNotFound
	})
	return tok, err
}
