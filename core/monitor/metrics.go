// Package monitor holds what operators watch a serve process with: its
// Prometheus metrics and its health check. Labels carry routes, outcomes,
// states and languages, never a person, an address or a reference.
package monitor

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"supportdesk/core/helpdesk"
)

// Namespace prefixes every metric name.
const Namespace = "supportdesk"

// Intake outcomes, the values of the outcome label.
const (
	OutcomeCreated     = "created"      // 201, a new ticket
	OutcomeReplayed    = "replayed"     // 201 again for a repeated Idempotency-Key
	OutcomeInvalid     = "invalid"      // 400, 405, 415, 422: refused for what was sent
	OutcomeTooLarge    = "too_large"    // 413
	OutcomeRateLimited = "rate_limited" // 429: the per-address limit
	OutcomeUnavailable = "unavailable"  // 503: the store failed; nothing was acknowledged
	OutcomeError       = "error"        // any other answer
)

// Config is what the metrics read at scrape time.
type Config struct {
	// Stats reads the desk's counts; nil leaves the queue and outbox
	// gauges out.
	Stats func(ctx context.Context) (helpdesk.Stats, error)
	// StatsEvery is how long one read of Stats serves scrapes (default 5
	// s), so scrapes cannot load the database.
	StatsEvery time.Duration
	// StatsTimeout bounds one read of Stats (default 2 s).
	StatsTimeout time.Duration
	// Now is the clock of the cache; nil is time.Now.
	Now func() time.Time
}

// Metrics are the collectors of one serve process, on their own registry.
type Metrics struct {
	reg           *prometheus.Registry
	sessions      atomic.Pointer[func() int]
	intake        *prometheus.CounterVec
	intakeLatency prometheus.Histogram
	httpLatency   *prometheus.HistogramVec
	mailIn        *prometheus.CounterVec
}

// New registers the collectors: the process and Go runtime ones, live
// sessions, the queue and outbox (when cfg.Stats is set), intake, HTTP and
// mail-in.
func New(cfg Config) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.intake = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "intake_requests_total",
		Help: "Contact-form requests by outcome."}, []string{"outcome"})
	m.intakeLatency = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: "intake_duration_seconds",
		Help: "Time to answer a contact-form request, the batch commit included.", Buckets: prometheus.DefBuckets})
	m.httpLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern.", Buckets: prometheus.DefBuckets}, []string{"route"})
	m.mailIn = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "mail_in_deliveries_total",
		Help: "Inbound mail by disposition (threaded, reopened, new_ticket, held, auto, bounce, duplicate; refused, deferred)."},
		[]string{"disposition"})
	sessions := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: "sessions",
		Help: "Live console sessions over SSH."}, func() float64 {
		if f := m.sessions.Load(); f != nil {
			return float64((*f)())
		}
		return 0
	})
	m.reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector(),
		m.intake, m.intakeLatency, m.httpLatency, m.mailIn, sessions)
	for _, o := range []string{OutcomeCreated, OutcomeReplayed, OutcomeInvalid, OutcomeTooLarge, OutcomeRateLimited, OutcomeUnavailable} {
		m.intake.WithLabelValues(o) // every outcome shows, at 0, from the start
	}
	if cfg.Stats != nil {
		m.reg.MustRegister(newQueueCollector(cfg))
	}
	return m
}

// SetSessions is the hook of the live sessions gauge: the SSH server's
// session count. Until it is set the gauge reads 0.
func (m *Metrics) SetSessions(count func() int) { m.sessions.Store(&count) }

// Registry is the registry the collectors are on, for tests and for
// collectors a front end adds.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: 4, Timeout: 10 * time.Second})
}

// Route measures the latency of h under the route label pattern: a
// registered pattern, never the request's path, so the label set stays
// small whatever clients send.
func (m *Metrics) Route(pattern string, h http.Handler) http.Handler {
	obs := m.httpLatency.WithLabelValues(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		obs.Observe(time.Since(start).Seconds())
	})
}

// Intake counts the contact form's requests by outcome and measures them.
func (m *Metrics) Intake(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		m.intakeLatency.Observe(time.Since(start).Seconds())
		m.intake.WithLabelValues(intakeOutcome(rec.status(), w.Header().Get("Idempotent-Replayed") != "")).Inc()
	})
}

// MailIn counts one inbound delivery by its disposition, or "refused" or
// "deferred" for one that failed.
func (m *Metrics) MailIn(disposition string) { m.mailIn.WithLabelValues(disposition).Inc() }

// intakeOutcome names the outcome of a contact-form answer.
func intakeOutcome(status int, replayed bool) string {
	switch {
	case status == http.StatusCreated && replayed:
		return OutcomeReplayed
	case status == http.StatusCreated:
		return OutcomeCreated
	case status == http.StatusRequestEntityTooLarge:
		return OutcomeTooLarge
	case status == http.StatusTooManyRequests:
		return OutcomeRateLimited
	case status == http.StatusServiceUnavailable:
		return OutcomeUnavailable
	case status >= 400 && status < 500:
		return OutcomeInvalid
	}
	return OutcomeError
}

// statusRecorder keeps the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}
