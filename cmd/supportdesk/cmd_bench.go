package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/secret"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/store/postgres"
	"supportdesk/core/store/sqlite"
	"supportdesk/core/store/storecopy"
	"supportdesk/core/ticket"
)

// benchSupervisors is how many supervisors refresh the board at once.
const benchSupervisors = 10

// benchAgents is the team size of the board and queue benchmarks.
const benchAgents = 50

// benchHeavyShare is how many shares of the assignments the first bench
// agent gets, against one for each other: about 30 % of the backlog.
const benchHeavyShare = 20

// bench runs one of the benchmarks: `bench lookup|board|queue|intake`.
// A bare `bench [flags]` is `bench lookup`, as before subcommands.
func (a *app) bench(args []string) int {
	name := "lookup"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	switch name {
	case "lookup":
		return a.benchLookup(args)
	case "board", "queue":
		return a.benchTickets(name, args)
	case "intake":
		return a.benchIntake(args)
	}
	fmt.Fprintln(a.stderr, a.l.T("cli.usage.bench"))
	return a.fail(exitUsage, a.l.T("cli.bench.unknown", map[string]any{"Name": clean(name)}))
}

// benchRun prints a benchmark's table.
type benchRun struct{ a *app }

// benchFlags parses the flags every benchmark has, plus its own.
func (a *app) benchFlags(args []string, size string, def, samples int, own func(*flag.FlagSet)) (n, k int, status int, ok bool) {
	fs := a.flags("bench", "cli.usage.bench")
	np := fs.Int(size, def, a.l.T("cli.flag."+size))
	kp := fs.Int("samples", samples, a.l.T("cli.flag.samples"))
	prof := fs.String("cpuprofile", "", a.l.T("cli.flag.cpuprofile"))
	if own != nil {
		own(fs)
	}
	if err := fs.Parse(args); err != nil {
		return 0, 0, a.flagError(err), false
	}
	if *np < 1 || *np > 10_000_000 || *kp < 1 {
		return 0, 0, a.fail(exitUsage, a.l.T("cli.error.accounts", map[string]any{"Max": a.l.Number(10_000_000)})), false
	}
	if *prof != "" {
		a.cpuProfile = *prof
	}
	return *np, *kp, exitOK, true
}

// profiled runs fn, the measured part of a benchmark, under the CPU
// profiler when --cpuprofile names a file (go tool pprof reads it).
func (a *app) profiled(fn func() error) error {
	if a.cpuProfile == "" {
		return fn()
	}
	f, err := os.Create(a.cpuProfile)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	return fn()
}

// benchOpen opens (creating and seeding with build when new) the benchmark
// database named file in the data folder, or --db.
func (a *app) benchOpen(ctx context.Context, file string, build func(svc *service.Service, db string) int) (*service.Service, string, int) {
	db := a.dbFlag
	if db == "" {
		db = filepath.Join(dataDir(a.getenv), file)
	}
	return a.benchOpenAt(ctx, db, file, build)
}

// benchOpenAt is benchOpen on the database db; file names its SQLite
// twin when db is a PostgreSQL URL.
func (a *app) benchOpenAt(ctx context.Context, db, file string, build func(svc *service.Service, db string) int) (*service.Service, string, int) {
	d := a.locate(db)
	existed, err := d.exists(ctx)
	if err != nil {
		return nil, db, a.failErr(err)
	}
	if d.pg && !existed {
		// A PostgreSQL bench desk is built as its SQLite twin, in bulk,
		// then copied: seeding through PostgreSQL a row at a time would
		// take hours for a million accounts.
		if st := a.benchTwin(ctx, d, filepath.Join(dataDir(a.getenv), file), build); st != exitOK {
			return nil, db, st
		}
		existed = true
	}
	svc, err := a.open(ctx, db, openOptions{})
	if err != nil {
		return nil, db, a.failOpen(err)
	}
	if !existed {
		start := time.Now()
		if st := build(svc, db); st != exitOK {
			svc.Close()
			return nil, db, st
		}
		fmt.Fprintln(a.stderr, a.l.T("cli.bench.built", map[string]any{"Seconds": a.decimal(time.Since(start).Seconds(), 1)}))
	}
	return svc, db, exitOK
}

// benchTwin fills an empty PostgreSQL bench desk from its SQLite twin
// (built first, or reused), with the twin's key file: it becomes the
// desk's key file unless one is there already, which must then be the
// same key.
func (a *app) benchTwin(ctx context.Context, d desk, twin string, build func(svc *service.Service, db string) int) int {
	svc, _, st := a.benchOpenAt(ctx, twin, filepath.Base(twin), build)
	if st != exitOK {
		return st
	}
	svc.Close()
	twinKey, err := os.ReadFile(a.locate(twin).key)
	if err != nil {
		return a.failErr(fault.Storage(err))
	}
	switch have, err := os.ReadFile(d.key); {
	case errors.Is(err, os.ErrNotExist):
		if err := os.WriteFile(d.key, twinKey, 0o600); err != nil {
			return a.failErr(fault.Storage(err))
		}
	case err != nil:
		return a.failErr(fault.Storage(err))
	case !bytes.Equal(have, twinKey):
		return a.fail(exitFail, a.l.T("cli.bench.twin_key", map[string]any{"Key": clean(d.key), "TwinKey": clean(a.locate(twin).key)}))
	}
	keys, err := secret.Load(d.key)
	if err != nil {
		return a.failOpen(err)
	}
	dst, err := postgres.Open(ctx, d.db, postgres.Options{})
	if err != nil {
		return a.failErr(err)
	}
	defer dst.Close()
	fmt.Fprintln(a.stderr, a.l.T("cli.bench.twin_copy", map[string]any{"Path": clean(twin), "URL": shown(d.db)}))
	if _, err := storecopy.Copy(ctx, twin, dst, keys, storecopy.Options{}); err != nil {
		return a.failCopy(twin, d.db, err)
	}
	return exitOK
}

// decimal formats x in the language's way (CLDR: "1,234.5" in en and
// es-US, "1 234,5" in fr).
func (a *app) decimal(x float64, prec int) string { return a.l.Decimal(x, prec) }

// seedAccounts fills a new benchmark database with n accounts in bulk.
func (a *app) seedAccounts(ctx context.Context, svc *service.Service, n int) int {
	hash, err := secret.HashPassword(seed.DemoPassword, secret.DefaultArgon2)
	if err != nil {
		return a.failErr(err)
	}
	// The load allocates a closure per row; memory is no concern in this
	// one-shot process, collection time is.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	bar := a.progress()
	_, err = seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, operator(svc), seed.Options{Accounts: n, Seed: 1,
		Now: svc.Clock.Now(), PasswordHash: hash, Bulk: true,
		Progress: func(done int) {
			bar.show(a.l.T("cli.seed.progress", map[string]any{"Done": a.l.Number(int64(done)), "Total": a.l.Number(int64(n))}))
		}})
	bar.end()
	if err != nil {
		return a.failErr(err)
	}
	return exitOK
}

func (b *benchRun) header() {
	fmt.Fprintf(b.a.stdout, "%-44s %10s %10s %10s %8s\n", b.a.l.T("cli.bench.operation"), "p50", "p99", "max", "n")
}

// row prints one timed operation.
func (b *benchRun) row(label string, d []time.Duration) {
	slices.Sort(d)
	q := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	fmt.Fprintf(b.a.stdout, "%-44s %10s %10s %10s %8d\n", label, q(0.50).Round(time.Microsecond),
		q(0.99).Round(time.Microsecond), d[len(d)-1].Round(time.Microsecond), len(d))
}

// measure times k calls of fn.
// measureAtOnce runs fn k times from conc goroutines at once (each takes
// every conc-th sample) and returns each call's duration.
func measureAtOnce(k, conc int, fn func(i int) error) ([]time.Duration, error) {
	out := make([]time.Duration, k)
	errs := make([]error, conc)
	var wg sync.WaitGroup
	for g := range conc {
		wg.Go(func() {
			for i := g; i < k; i += conc {
				t0 := time.Now()
				if err := fn(i); err != nil {
					errs[g] = err
					return
				}
				out[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func measure(k int, fn func(i int) error) ([]time.Duration, error) {
	out := make([]time.Duration, 0, k)
	for i := range k {
		t0 := time.Now()
		if err := fn(i); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t0))
	}
	return out, nil
}

// benchAccounts opens, or builds and opens, the database of n seeded
// accounts that the look-up and intake benchmarks share.
func (a *app) benchAccounts(ctx context.Context, n int) (*service.Service, string, int) {
	return a.benchOpen(ctx, fmt.Sprintf("bench-%d.db", n), func(svc *service.Service, db string) int {
		fmt.Fprintln(a.stderr, a.l.T("cli.bench.seeding", map[string]any{"Path": shown(db), "Count": a.l.Number(int64(n))}))
		return a.seedAccounts(ctx, svc, n)
	})
}

func (a *app) benchLookup(args []string) int {
	n, samples, st, ok := a.benchFlags(args, "accounts", 1_000_000, 20000, nil)
	if !ok {
		return st
	}
	ctx, cancel := interruptible()
	defer cancel()
	svc, _, st := a.benchAccounts(ctx, n)
	if st != exitOK {
		return st
	}
	defer svc.Close()
	b := &benchRun{a: a}
	r := rand.New(rand.NewPCG(7, 7))
	pickQuery := func(kind string) string {
		i := r.IntN(n)
		switch kind {
		case "email":
			return seed.Email(1, i)
		case "phone":
			return seed.Phone(1, i)
		}
		return seed.AccountID(1, i)
	}
	tok, err := benchSession(ctx, svc, "supervisor@demo.example")
	if err != nil {
		return a.failErr(err)
	}
	b.header()
	// Every look-up is audited in its own write transaction: there is no
	// unaudited path to measure any more.
	for _, kind := range []string{"email", "phone", "uuid"} {
		d, err := measure(samples, func(int) error {
			_, err := svc.Desk.Lookup(ctx, tok, pickQuery(kind))
			if fault.CodeOf(err) == fault.CodeNotFound {
				return nil // some demo accounts have no phone
			}
			return err
		})
		if err != nil {
			return a.failErr(err)
		}
		b.row(a.l.T("cli.bench.lookup", map[string]any{"Kind": kind}), d)
	}
	// The whole masked view by id, as beside a ticket: the account, its
	// addresses, methods, profile, agencies, devices, 20 events, audited.
	d, err := measure(samples, func(int) error {
		_, err := svc.Desk.View(ctx, tok, pickQuery("uuid"), "bench")
		return err
	})
	if err != nil {
		return a.failErr(err)
	}
	b.row(a.l.T("cli.bench.detail"), d)
	hash, _ := secret.HashPassword("benchmark password", secret.DefaultArgon2)
	d, _ = measure(20, func(int) error {
		_, err := secret.VerifyPassword("benchmark password", hash)
		return err
	})
	p := secret.DefaultArgon2
	b.row(a.l.T("cli.bench.argon2", map[string]any{"Memory": p.Memory / 1024, "Time": p.Time, "Threads": p.Threads}), d)
	return exitOK
}

// benchTickets runs `bench board` and `bench queue` on one database: an
// open backlog of n tickets assigned among 50 agents (the first holding
// about 30 %), over history solved tickets.
func (a *app) benchTickets(name string, args []string) int {
	var history int
	n, samples, st, ok := a.benchFlags(args, "tickets", 100_000, 200, func(fs *flag.FlagSet) {
		fs.IntVar(&history, "history", 0, a.l.T("cli.flag.history"))
	})
	if !ok {
		return st
	}
	if history < 0 || history > 10_000_000 {
		return a.fail(exitUsage, a.l.T("cli.error.accounts", map[string]any{"Max": a.l.Number(10_000_000)}))
	}
	ctx, cancel := interruptible()
	defer cancel()
	file := fmt.Sprintf("bench-tickets-%d.db", n)
	if history > 0 {
		file = fmt.Sprintf("bench-tickets-%d-%d.db", n, history)
	}
	svc, _, st := a.benchOpen(ctx, file, func(svc *service.Service, db string) int {
		fmt.Fprintln(a.stderr, a.l.T("cli.bench.seeding_tickets", map[string]any{"Path": db,
			"Count": a.l.Number(int64(n)), "History": a.l.Number(int64(history)), "Agents": benchAgents}))
		return a.seedBacklog(ctx, svc, n, history)
	})
	if st != exitOK {
		return st
	}
	defer svc.Close()
	b := &benchRun{a: a}
	sup, err := benchSession(ctx, svc, "supervisor@demo.example")
	if err != nil {
		return a.failErr(err)
	}
	b.header()
	if name == "board" {
		var d []time.Duration
		err := a.profiled(func() error {
			var err error
			d, err = measure(samples, func(int) error {
				_, err := svc.Board(ctx, sup)
				return err
			})
			return err
		})
		if err != nil {
			return a.failErr(err)
		}
		b.row(a.l.T("cli.bench.board"), d)
		// Ten supervisors whose boards refresh at the same moment, each
		// with its own session.
		sups := make([]staff.Token, benchSupervisors)
		for i := range sups {
			if sups[i], err = benchSession(ctx, svc, "supervisor@demo.example"); err != nil {
				return a.failErr(err)
			}
		}
		d, err = measureAtOnce(samples, benchSupervisors, func(i int) error {
			_, err := svc.Board(ctx, sups[i%benchSupervisors])
			return err
		})
		if err != nil {
			return a.failErr(err)
		}
		b.row(a.l.T("cli.bench.board_at_once", map[string]any{"Count": benchSupervisors}), d)
		return exitOK
	}
	heavy, err := benchSession(ctx, svc, "bench-agent-00@bench.example")
	if err != nil {
		return a.failErr(err)
	}
	for _, c := range []struct {
		label string
		tok   staff.Token
		f     helpdesk.QueueFilter
	}{
		{a.l.T("cli.bench.queue_agent"), heavy, helpdesk.QueueFilter{}},
		{a.l.T("cli.bench.queue_supervisor"), sup, helpdesk.QueueFilter{}},
		{a.l.T("cli.bench.queue_filter", map[string]any{"Language": "fr"}), sup, helpdesk.QueueFilter{Language: "fr"}},
		{a.l.T("cli.bench.queue_agent_filter", map[string]any{"Category": a.l.T("ticket_category." + string(ticket.CategoryLostMFA))}), heavy,
			helpdesk.QueueFilter{Category: ticket.CategoryLostMFA}},
	} {
		// Pages at every depth: the keys of rows spread over the whole
		// queue are collected first (not measured), then each sample reads
		// the 50 rows after one of them, the first and last pages included.
		anchors, err := queueAnchors(ctx, svc, c.tok, c.f)
		if err != nil {
			return a.failErr(err)
		}
		d, err := measure(samples, func(i int) error {
			_, err := svc.Queue(ctx, c.tok, c.f, anchors[i%len(anchors)], 50)
			return err
		})
		if err != nil {
			return a.failErr(err)
		}
		b.row(c.label, d)
	}
	return exitOK
}

// queueAnchors walks a whole queue by key, 500 rows at a time, and
// returns where its pages start: the first page, after each 500th row,
// and the last page, shuffled so that samples jump between depths.
func queueAnchors(ctx context.Context, svc *service.Service, tok staff.Token, f helpdesk.QueueFilter) ([]helpdesk.PageAt, error) {
	anchors := []helpdesk.PageAt{{}, {Last: true}}
	at := helpdesk.PageAt{}
	for {
		page, err := svc.Queue(ctx, tok, f, at, helpdesk.MaxPage)
		if err != nil {
			return nil, err
		}
		if len(page.Items) < helpdesk.MaxPage {
			break
		}
		at = helpdesk.PageAt{After: &page.Items[len(page.Items)-1].Place}
		anchors = append(anchors, at)
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(anchors), func(i, j int) { anchors[i], anchors[j] = anchors[j], anchors[i] })
	return anchors, nil
}

// seedBacklog fills a new ticket benchmark database in bulk.
func (a *app) seedBacklog(ctx context.Context, svc *service.Service, n, history int) int {
	hash, err := secret.HashPassword(seed.DemoPassword, secret.DefaultArgon2)
	if err != nil {
		return a.failErr(err)
	}
	if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, operator(svc), seed.Options{Seed: 1,
		Now: svc.Clock.Now(), PasswordHash: hash}); err != nil {
		return a.failErr(err)
	}
	ids, err := seed.BenchAgents(ctx, svc.Store, svc.Keys, svc.Staff, operator(svc), benchAgents, hash)
	if err != nil {
		return a.failErr(err)
	}
	pool := append(slices.Repeat(ids[:1], benchHeavyShare), ids[1:]...)
	policy := svc.Tickets.Policy()
	now := svc.Clock.Now()
	// History beyond the first benchSeededHistory tickets is cloned in
	// bulk when the backend can: seeding each with its thread, events and
	// audit entry takes an hour for a million.
	seeded := history
	adder, cloned := store.Under[historyAdder](svc.Store)
	if cloned {
		seeded = min(history, benchSeededHistory)
	}
	if seeded > 0 {
		// A year of arrivals: nearly all older than ten days, so worked
		// and solved or closed.
		if _, err := seed.Tickets(ctx, svc.Store, svc.Keys, seed.TicketOptions{Tickets: seeded, Seed: 2, Now: now,
			Weeks: 52, Policy: policy, Agents: ids, Bulk: true}); err != nil {
			return a.failErr(err)
		}
	}
	if _, err := seed.Tickets(ctx, svc.Store, svc.Keys, seed.TicketOptions{Tickets: n, Seed: 1, Now: now,
		Policy: policy, Agents: pool, Open: true, Bulk: true}); err != nil {
		return a.failErr(err)
	}
	if history > seeded {
		if err := adder.AddHistory(ctx, history-seeded, now); err != nil {
			return a.failErr(err)
		}
	}
	return exitOK
}

// benchSeededHistory is how many tickets of history are seeded one by one,
// threads and all, before the rest is cloned.
const benchSeededHistory = 20_000

// historyAdder is a backend that adds cloned history in bulk.
type historyAdder interface {
	AddHistory(ctx context.Context, n int, now time.Time) error
}

// benchIntake submits contact forms from many clients at once and
// compares the committed rate with the machine's raw fsync commit rate in
// the same folder, after a round's worth of forms uncounted. The disk's
// commit rate, and on a shared machine the CPU's speed, drift within
// seconds (here from 1 200 to 3 100 commits a second between runs a
// minute apart), so the run is cut into rounds, each measured against the
// raw rate just before and just after it, and the figure is the median of
// the rounds' ratios. The CPU profile (--cpuprofile) covers the rounds and
// the raw measurements between them (sqlite.CommitRate).
func (a *app) benchIntake(args []string) int {
	clients, rounds := 64, 5
	n, samples, st, ok := a.benchFlags(args, "accounts", 1_000_000, 5000, func(fs *flag.FlagSet) {
		fs.IntVar(&clients, "clients", clients, a.l.T("cli.flag.clients"))
		fs.IntVar(&rounds, "rounds", rounds, a.l.T("cli.flag.rounds"))
	})
	if !ok {
		return st
	}
	if clients < 1 || clients > 10_000 {
		return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--clients"}))
	}
	if rounds < 1 || rounds > 100 || rounds > samples {
		return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--rounds"}))
	}
	ctx, cancel := interruptible()
	defer cancel()
	svc, db, st := a.benchAccounts(ctx, n)
	if st != exitOK {
		return st
	}
	defer svc.Close()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go svc.Intake.Run(runCtx)
	run := uint64(time.Now().UnixNano())
	var (
		lat            = make([]time.Duration, 0, samples)
		raws, ratios   []float64
		forms, elapsed = 0, time.Duration(0)
	)
	// A process starts with its page caches empty: the first forms read
	// the indexes they touch from the disk, and the first round ran at half
	// the rate of the rest. A round's worth of forms warms them, uncounted,
	// as a serve process running for days is warm.
	submit := func(i int) error {
		_, _, err := svc.Intake.Submit(ctx, benchForm(n, run, i), "bench")
		return err
	}
	warm := samples / rounds
	if _, err := submitForms(ctx, clients, samples, samples+warm, submit); err != nil {
		return a.failErr(err)
	}
	perr := a.profiled(func() error {
		raw, err := commitRate(ctx, svc, db)
		if err != nil {
			return err
		}
		raws = append(raws, raw)
		for r := range rounds {
			lo, hi := r*samples/rounds, (r+1)*samples/rounds
			start := time.Now()
			d, err := submitForms(ctx, clients, lo, hi, submit)
			took := time.Since(start)
			if err != nil {
				return err
			}
			lat, forms, elapsed = append(lat, d...), forms+len(d), elapsed+took
			if raw, err = commitRate(ctx, svc, db); err != nil {
				return err
			}
			rate := float64(len(d)) / took.Seconds()
			yardstick := (raws[len(raws)-1] + raw) / 2
			raws, ratios = append(raws, raw), append(ratios, rate/yardstick)
			fmt.Fprintln(a.stderr, a.l.T("cli.bench.intake_round", map[string]any{"Round": r + 1, "Rounds": rounds,
				"Rate": a.l.Number(int64(rate)), "Raw": a.l.Number(int64(yardstick)), "Ratio": a.decimal(rate/yardstick, 2)}))
		}
		return nil
	})
	stop()
	if perr != nil {
		return a.failErr(perr)
	}
	b := &benchRun{a: a}
	b.header()
	b.row(a.l.T("cli.bench.intake", map[string]any{"Clients": clients}), lat)
	fmt.Fprintln(a.stdout, a.l.T("cli.bench.intake_rate", map[string]any{"Rate": a.l.Number(int64(float64(forms) / elapsed.Seconds())), "Clients": clients}))
	fmt.Fprintln(a.stdout, a.l.T("cli.bench.fsync_rate", map[string]any{"Rate": a.l.Number(int64(medianOf(raws)))}))
	fmt.Fprintln(a.stdout, a.l.N("cli.bench.ratio", rounds, map[string]any{"Ratio": a.decimal(medianOf(ratios), 2)}))
	return exitOK
}

// submitForms runs submissions lo to hi-1 from clients goroutines at once,
// each taking the next one free, and gives each one's duration; it stops
// at the first failure.
func submitForms(ctx context.Context, clients, lo, hi int, submit func(i int) error) ([]time.Duration, error) {
	var (
		mu   sync.Mutex
		lat  = make([]time.Duration, 0, hi-lo)
		next = lo
		ferr error
		wg   sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				failed := ferr != nil
				mu.Unlock()
				if i >= hi || failed || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				err := submit(i)
				d := time.Since(t0)
				mu.Lock()
				if err != nil && ferr == nil {
					ferr = err
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ferr == nil && ctx.Err() != nil {
		ferr = fault.Storage(ctx.Err())
	}
	return lat, ferr
}

// medianOf is the median of xs, which it sorts; xs is not empty.
func medianOf(xs []float64) float64 {
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 0 {
		return (xs[m-1] + xs[m]) / 2
	}
	return xs[m]
}

// commitRate is the raw single-row commit rate of the desk's backend for
// a second: fsyncs of a scratch SQLite file beside the database, or
// WAL flushes of the PostgreSQL server. On SQLite the desk's checkpointer
// is held meanwhile: its copying and syncing of the last round's WAL
// would share the disk with the measurement and lower the yardstick.
func commitRate(ctx context.Context, svc *service.Service, db string) (float64, error) {
	if pg, ok := store.Under[*postgres.Store](svc.Store); ok {
		return pg.CommitRate(ctx, time.Second)
	}
	if st, ok := store.Under[*sqlite.Store](svc.Store); ok {
		defer st.HoldCheckpoints()()
	}
	return sqlite.CommitRate(ctx, filepath.Dir(db), time.Second)
}

// benchForm is submission i of a run: four in ten from a seeded
// account's address, so intake links them, the rest from strangers. Each
// run has its own strangers and picks its own accounts: with the same
// addresses every run, the acknowledgement cap (three a day an address)
// was used up from the fourth run on, and intake skipped the outbox.
func benchForm(accounts int, run uint64, i int) ticket.Form {
	r := rand.New(rand.NewPCG(run, uint64(i)))
	email := fmt.Sprintf("bench.requester.%x.%d@example.org", run, i)
	if r.IntN(10) < 4 {
		email = seed.Email(1, r.IntN(accounts))
	}
	langs := []string{"en", "en", "es", "fr"}
	return ticket.Form{Email: email, Name: "Bench Requester", Language: langs[r.IntN(len(langs))],
		Category: string(ticket.Categories[r.IntN(len(ticket.Categories))]), Subject: "Cannot sign in",
		Message: "I tried several times and it still does not work. Can you help me?", Channel: ticket.ChannelWeb}
}

// benchSession opens a session for a seeded agent, as the operator who
// holds the database may.
func benchSession(ctx context.Context, svc *service.Service, email string) (staff.Token, error) {
	var tok staff.Token
	err := svc.Store.Write(ctx, func(tx store.Tx) error {
		a, err := tx.AgentByEmail(ctx, svc.Keys.Fingerprint("agent_email", email))
		if err != nil {
			return err
		}
		if a.Role != access.RoleSupervisor && a.Role != access.RoleAgent {
			return fault.ErrNotFound
		}
		si, err := svc.Staff.Issue(ctx, tx, a.ID, "bench", svc.Clock.Now())
		tok = si.Token
		return err
	})
	return tok, err
}
