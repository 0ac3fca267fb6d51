package main

import (
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
)

// benchActor is a supervisor-like reader for the benchmark.
var benchActor = access.Actor{ID: "bench", Role: access.RoleSupervisor, Session: "bench"}

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
	svc, err := a.open(ctx, db)
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
	for _, kind := range []string{"email", "phone", "uuid"} {
		d, err := measure(*samples, func() error {
			_, err := svc.Desk.ResolveID(ctx, benchActor, pickQuery(kind))
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
	d, err := measure(*samples, func() error {
		_, err := svc.Desk.Resolve(ctx, benchActor, pickQuery("uuid"))
		return err
	})
	if err != nil {
		return a.failErr(err)
	}
	row(a.l.T("cli.bench.detail"), d)
	d, err = measure(min(*samples, 500), func() error {
		_, err := svc.Desk.Lookup(ctx, benchActor, pickQuery("email"))
		return err
	})
	if err != nil {
		return a.failErr(err)
	}
	row(a.l.T("cli.bench.audited"), d)
	hash, _ := secret.HashPassword("benchmark password", secret.DefaultArgon2)
	d, _ = measure(20, func() error {
		_, err := secret.VerifyPassword("benchmark password", hash)
		return err
	})
	p := secret.DefaultArgon2
	row(a.l.T("cli.bench.argon2", map[string]any{"Memory": p.Memory / 1024, "Time": p.Time, "Threads": p.Threads}), d)
	return exitOK
}
