package desk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/authn"
	"supportdesk/core/coretest"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
)

// The benchmarks run on a seeded database of SUPPORTDESK_BENCH_ACCOUNTS
// accounts (default 1 000 000), built once under the user cache folder and
// re-used; SUPPORTDESK_BENCH_DB names an existing one (seed 1) instead.
var (
	benchOnce sync.Once
	benchSvc  *service.Service
	benchN    int
	benchErr  error
	benchTok  staff.Token
)

func benchService(b *testing.B) (*service.Service, int) {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		path := os.Getenv("SUPPORTDESK_BENCH_DB")
		n := 1_000_000
		if v, err := strconv.Atoi(os.Getenv("SUPPORTDESK_BENCH_ACCOUNTS")); err == nil && v > 0 {
			n = v
		}
		if path == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				dir = os.TempDir()
			}
			path = filepath.Join(dir, "supportdesk-bench", fmt.Sprintf("bench-%d.db", n))
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				benchErr = err
				return
			}
		}
		fresh := !service.Exists(path)
		st, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			benchErr = err
			return
		}
		benchSvc, benchErr = service.Open(ctx, st, service.Config{KeyPath: path + ".key",
			Sender: &authn.FileSender{Path: path + ".sms.log"}})
		if benchErr != nil {
			return
		}
		if !fresh {
			benchErr = benchSvc.Store.Read(ctx, func(r store.Reader) error {
				c, err := r.CountAccounts(ctx)
				n = int(c)
				return err
			})
		} else {
			b.Logf("seeding %d accounts into %s (once)", n, path)
			_, benchErr = seed.Run(ctx, benchSvc.Store, benchSvc.Keys, benchSvc.Staff, benchSvc.Operator("bench"),
				seed.Options{Accounts: n, Seed: 1, Now: time.Now()})
			if benchErr == nil {
				benchErr = st.Checkpoint(ctx)
			}
		}
		benchN = n
		if benchErr == nil {
			benchTok = benchSupervisor(b, benchSvc)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchSvc, benchN
}

// benchSupervisor opens a session for the bench's supervisor, added to
// the database the first time.
func benchSupervisor(b *testing.B, svc *service.Service) staff.Token {
	const email = "bench-supervisor@bench.example"
	if id, ok := coretest.AgentID(b, svc, email); ok {
		return coretest.Issue(b, svc, id).Token
	}
	return coretest.AddStaff(b, svc, staff.NewAgent{Email: email, Role: access.RoleSupervisor,
		Languages: []string{"en", "es", "fr"}}).Token
}

// quantiles reports p50 and p99 of the timed operations as metrics.
func quantiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(d[min(len(d)-1, len(d)*99/100)].Nanoseconds())/1e3, "p99-µs")
}

func benchLookup(b *testing.B, query func(r *rand.Rand, n int) string, fn func(*service.Service, string) error) {
	svc, n := benchService(b)
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2)) // fresh accounts each run: no cache luck from a previous one
	var d []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		q := query(r, n)
		t0 := time.Now()
		if err := fn(svc, q); err != nil && fault.CodeOf(err) != fault.CodeNotFound {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	quantiles(b, d)
}

// resolveID is the look-up without the view: the query classified and
// the account found through its fingerprint index (what desk.ResolveID
// measured before it was removed; the desk now only looks up audited).
func resolveID(svc *service.Service, q string) error {
	ctx := context.Background()
	kind, norm, err := desk.Classify(q)
	if err != nil {
		return err
	}
	return svc.Store.Read(ctx, func(r store.Reader) error {
		switch kind {
		case desk.QueryEmail:
			_, err := r.AccountIDByEmail(ctx, svc.Keys.Fingerprint("email", norm))
			return err
		case desk.QueryPhone:
			_, err := r.AccountIDsByPhone(ctx, svc.Keys.Fingerprint("phone", norm))
			return err
		}
		_, err := r.Account(ctx, norm)
		return err
	})
}

func BenchmarkLookupEmail(b *testing.B) {
	benchLookup(b, func(r *rand.Rand, n int) string { return seed.Email(1, r.IntN(n)) }, resolveID)
}

func BenchmarkLookupPhone(b *testing.B) {
	benchLookup(b, func(r *rand.Rand, n int) string { return seed.Phone(1, r.IntN(n)) }, resolveID)
}

func BenchmarkLookupUUID(b *testing.B) {
	benchLookup(b, func(r *rand.Rand, n int) string { return seed.AccountID(1, r.IntN(n)) }, resolveID)
}

// BenchmarkAccountDetail is the whole masked view of an account by id: the
// account, its addresses, methods, profile, agencies, devices, 20 events,
// and the view's one audit entry (the desk no longer has an unaudited view).
func BenchmarkAccountDetail(b *testing.B) {
	benchLookup(b, func(r *rand.Rand, n int) string { return seed.AccountID(1, r.IntN(n)) },
		func(svc *service.Service, q string) error {
			_, err := svc.Desk.View(context.Background(), benchTok, q, "bench")
			return err
		})
}

// BenchmarkAuditedLookup is what the console does: the view plus two audit
// entries committed with synchronous=FULL.
func BenchmarkAuditedLookup(b *testing.B) {
	benchLookup(b, func(r *rand.Rand, n int) string { return seed.Email(1, r.IntN(n)) },
		func(svc *service.Service, q string) error {
			_, err := svc.Desk.Lookup(context.Background(), benchTok, q)
			return err
		})
}
