package monitor_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/core/helpdesk"
	"supportdesk/core/monitor"
	"supportdesk/core/sla"
)

// fakeStats counts its calls and returns what it is set to.
type fakeStats struct {
	mu    sync.Mutex
	calls int
	s     helpdesk.Stats
	err   error
}

func (f *fakeStats) read(context.Context) (helpdesk.Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.s, f.err
}

func scrape(t *testing.T, m *monitor.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func wantLine(t *testing.T, body, line string) {
	t.Helper()
	for _, l := range strings.Split(body, "\n") {
		if l == line {
			return
		}
	}
	t.Errorf("no line %q in the scrape", line)
}

func TestQueueGaugesAreCachedBetweenScrapes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f := &fakeStats{s: helpdesk.Stats{Queue: map[string]map[sla.State]int{
		"fr": {sla.StateOnTrack: 3, sla.StateBreached: 1},
		"es": {sla.StatePaused: 2},
	}, OutboxBacklog: 7, OutboxFailed: 2}}
	m := monitor.New(monitor.Config{Stats: f.read, StatsEvery: 5 * time.Second, Now: clock})
	body := scrape(t, m)
	wantLine(t, body, `supportdesk_queue_depth{language="fr",state="on_track"} 3`)
	wantLine(t, body, `supportdesk_queue_depth{language="fr",state="breached"} 1`)
	wantLine(t, body, `supportdesk_queue_depth{language="es",state="paused"} 2`)
	wantLine(t, body, `supportdesk_queue_depth{language="en",state="at_risk"} 0`) // every language shows
	wantLine(t, body, `supportdesk_outbox_backlog 7`)
	wantLine(t, body, `supportdesk_outbox_failed 2`)
	wantLine(t, body, `supportdesk_sessions 0`)
	wantLine(t, body, `supportdesk_intake_requests_total{outcome="created"} 0`)
	for range 5 {
		scrape(t, m)
	}
	if f.calls != 1 {
		t.Fatalf("%d reads for 6 scrapes within 5 s, want 1", f.calls)
	}
	f.mu.Lock()
	f.s.OutboxBacklog = 0
	f.mu.Unlock()
	mu.Lock()
	now = now.Add(6 * time.Second)
	mu.Unlock()
	wantLine(t, scrape(t, m), `supportdesk_outbox_backlog 0`)
	if f.calls != 2 {
		t.Fatalf("%d reads after the cache expired, want 2", f.calls)
	}
}

// A failing read leaves the queue gauges out and counts the failure,
// without failing the scrape.
func TestQueueReadFailureIsCounted(t *testing.T) {
	t.Parallel()
	f := &fakeStats{err: errors.New("database is locked")}
	m := monitor.New(monitor.Config{Stats: f.read})
	body := scrape(t, m)
	if strings.Contains(body, "supportdesk_queue_depth{") || strings.Contains(body, "supportdesk_outbox_backlog ") {
		t.Errorf("gauges reported from a failed read:\n%s", body)
	}
	wantLine(t, body, `supportdesk_stats_errors_total 1`)
}

func TestSessionsHook(t *testing.T) {
	t.Parallel()
	m := monitor.New(monitor.Config{})
	n := 3
	m.SetSessions(func() int { return n })
	wantLine(t, scrape(t, m), `supportdesk_sessions 3`)
	n = 5
	wantLine(t, scrape(t, m), `supportdesk_sessions 5`)
}

func TestIntakeOutcomesAndLatencies(t *testing.T) {
	t.Parallel()
	m := monitor.New(monitor.Config{})
	answers := []struct {
		status   int
		replayed bool
	}{{201, false}, {201, false}, {201, true}, {400, false}, {415, false}, {413, false}, {429, false}, {429, false}, {503, false}}
	i := 0
	h := m.Route("/v1/contact", m.Intake(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[i]
		if a.replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.WriteHeader(a.status)
		io.WriteString(w, "{}")
	})))
	for i = range answers {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/v1/contact", nil))
	}
	body := scrape(t, m)
	for _, l := range []string{
		`supportdesk_intake_requests_total{outcome="created"} 2`,
		`supportdesk_intake_requests_total{outcome="replayed"} 1`,
		`supportdesk_intake_requests_total{outcome="invalid"} 2`,
		`supportdesk_intake_requests_total{outcome="too_large"} 1`,
		`supportdesk_intake_requests_total{outcome="rate_limited"} 2`,
		`supportdesk_intake_requests_total{outcome="unavailable"} 1`,
		`supportdesk_intake_duration_seconds_count 9`,
		`supportdesk_http_request_duration_seconds_count{route="/v1/contact"} 9`,
	} {
		wantLine(t, body, l)
	}
	m.MailIn("threaded")
	m.MailIn("threaded")
	m.MailIn("refused")
	body = scrape(t, m)
	wantLine(t, body, `supportdesk_mail_in_deliveries_total{disposition="threaded"} 2`)
	wantLine(t, body, `supportdesk_mail_in_deliveries_total{disposition="refused"} 1`)
}

func TestHealth(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		probe  func(context.Context) (int, error)
		status int
		body   map[string]any
	}{
		{"ok", func(context.Context) (int, error) { return 8, nil }, 200, map[string]any{"status": "ok", "schema": 8.0}},
		{"error", func(context.Context) (int, error) { return 0, errors.New("disk I/O error") }, 503, map[string]any{"status": "unavailable"}},
		{"stuck", func(context.Context) (int, error) { time.Sleep(2 * time.Second); return 8, nil }, 503, map[string]any{"status": "unavailable"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := monitor.Health{Probe: tc.probe, Timeout: 100 * time.Millisecond}
			start := time.Now()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if took := time.Since(start); took > time.Second {
				t.Errorf("answered after %v", took)
			}
			var got map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status || len(got) != len(tc.body) || got["status"] != tc.body["status"] || got["schema"] != tc.body["schema"] {
				t.Errorf("%d %v, want %d %v", rec.Code, got, tc.status, tc.body)
			}
		})
	}
	rec := httptest.NewRecorder()
	monitor.Health{}.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/healthz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}
