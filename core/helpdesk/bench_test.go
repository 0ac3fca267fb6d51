package helpdesk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/authn"
	"supportdesk/core/calendar"
	"supportdesk/core/coretest"
	"supportdesk/core/helpdesk"
	"supportdesk/core/seed"
	"supportdesk/core/service"
	"supportdesk/core/sla"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
	"supportdesk/core/ticket"
)

// The queue benchmarks run on SUPPORTDESK_BENCH_TICKETS seeded tickets
// (default 100 000), built once under the user cache folder.
var (
	queueOnce sync.Once
	queueSvc  *service.Service
	queueErr  error
)

// benchStaff opens a session for a bench staff member, added to the
// database the first time.
func benchStaff(b *testing.B, svc *service.Service, in staff.NewAgent) staff.Token {
	b.Helper()
	if id, ok := coretest.AgentID(b, svc, in.Email); ok {
		return coretest.Issue(b, svc, id).Token
	}
	return coretest.AddStaff(b, svc, in).Token
}

func queueService(b *testing.B) *service.Service {
	b.Helper()
	queueOnce.Do(func() {
		n := 100_000
		if v, err := strconv.Atoi(os.Getenv("SUPPORTDESK_BENCH_TICKETS")); err == nil && v > 0 {
			n = v
		}
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		path := filepath.Join(dir, "supportdesk-bench", fmt.Sprintf("tickets-%d.db", n))
		os.MkdirAll(filepath.Dir(path), 0o700)
		fresh := !service.Exists(path)
		ctx := context.Background()
		st, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			queueErr = err
			return
		}
		queueSvc, queueErr = service.Open(ctx, st, service.Config{KeyPath: path + ".key",
			Sender: &authn.FileSender{Path: path + ".sms.log"}})
		if queueErr != nil || !fresh {
			return
		}
		policy, err := helpdesk.LoadPolicy(ctx, queueSvc.Store, calendar.DefaultConfig())
		if err != nil {
			queueErr = err
			return
		}
		b.Logf("seeding %d tickets into %s (once)", n, path)
		// All open, so the queue holds every one of them.
		_, queueErr = seed.Tickets(ctx, queueSvc.Store, queueSvc.Keys, seed.TicketOptions{Tickets: n, Seed: 1, Now: time.Now(), Policy: policy})
		if queueErr == nil {
			_, queueErr = st.Raw().Exec(`UPDATE tickets SET status = 'open' WHERE status IN ('solved','closed')`)
		}
	})
	if queueErr != nil {
		b.Fatal(queueErr)
	}
	return queueSvc
}

// BenchmarkClassify100k is the classification alone: 100 000 open tickets
// in memory, ordered by due time and counted by state × language.
func BenchmarkClassify100k(b *testing.B) {
	cal, _ := calendar.New(calendar.DefaultConfig())
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 1))
	rows := make([]store.QueueRow, 100_000)
	langs := []string{"en", "es", "fr"}
	for i := range rows {
		rows[i] = store.QueueRow{ID: int64(i), Language: langs[r.IntN(3)], Status: ticket.StatusOpen,
			Due: now.Add(time.Duration(r.Int64N(int64(10*24*time.Hour))) - 3*24*time.Hour), Paused: r.IntN(20) == 0}
	}
	c := sla.NewClassifier(cal, now)
	b.ReportAllocs()
	for b.Loop() {
		helpdesk.Classify(rows, c)
	}
}

// queueDesk is the benchmark database's service and a ticket desk over it
// on the default calendar.
func queueDesk(b *testing.B) (*service.Service, *helpdesk.Desk) {
	svc := queueService(b)
	policy, err := helpdesk.LoadPolicy(context.Background(), svc.Store, calendar.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	return svc, helpdesk.NewDesk(svc.Store, svc.Keys, svc.Clock, policy, svc.Desk, svc.Staff)
}

// BenchmarkQueue100kFromDB includes reading the open tickets from SQLite.
// A supervisor classifies them all (an agent's classification is scoped
// to its own queue).
func BenchmarkQueue100kFromDB(b *testing.B) {
	svc, desk := queueDesk(b)
	sup := benchStaff(b, svc, staff.NewAgent{Email: "bench-supervisor@bench.example", Role: access.RoleSupervisor,
		Languages: []string{"en", "es", "fr"}})
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		board, err := desk.ClassifyOpen(context.Background(), sup)
		if err != nil || len(board.Items) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueuePage is one console page: 50 rows of an agent's queue in
// scope (its languages), with the total count, masked requesters and
// states, paging by key through the first 20 pages and back to the start.
func BenchmarkQueuePage(b *testing.B) {
	svc, desk := queueDesk(b)
	a := benchStaff(b, svc, staff.NewAgent{Email: "bench-agent@bench.example", Role: access.RoleAgent,
		Languages: []string{"es", "en"}})
	b.ResetTimer()
	b.ReportAllocs()
	var at helpdesk.PageAt
	for i := 0; b.Loop(); i++ {
		if i%20 == 0 {
			at = helpdesk.PageAt{}
		}
		page, err := desk.Queue(context.Background(), a, helpdesk.QueueFilter{}, at, 50)
		if err != nil || len(page.Items) == 0 {
			b.Fatal(err)
		}
		at = helpdesk.PageAt{After: &page.Items[len(page.Items)-1].Place}
	}
}

// BenchmarkBoard100k is the supervisor board over the benchmark's open
// tickets (100 000 by default): state counts by group, workload per agent,
// attainment, closures and mail failures, read from SQLite on one snapshot.
func BenchmarkBoard100k(b *testing.B) {
	svc, desk := queueDesk(b)
	sup := benchStaff(b, svc, staff.NewAgent{Email: "bench-supervisor@bench.example", Role: access.RoleSupervisor,
		Languages: []string{"en", "es", "fr"}})
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		board, err := desk.Board(context.Background(), sup)
		if err != nil || len(board.Cells) == 0 {
			b.Fatal(err)
		}
	}
}
