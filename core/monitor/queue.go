package monitor

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"supportdesk/core/account"
	"supportdesk/core/helpdesk"
	"supportdesk/core/sla"
)

// queueStates are the SLA states the queue gauge reports; fulfilled
// clocks wait on nobody.
var queueStates = []sla.State{sla.StateOnTrack, sla.StateAtRisk, sla.StateBreached, sla.StatePaused}

// queueCollector reads the desk's counts at scrape time, at most once per
// StatsEvery: concurrent scrapes wait for the one read.
type queueCollector struct {
	cfg                    Config
	depth, backlog, failed *prometheus.Desc
	statsErrors            prometheus.Counter
	mu                     sync.Mutex
	at                     time.Time
	last                   helpdesk.Stats
	lastErr                error
}

func newQueueCollector(cfg Config) *queueCollector {
	if cfg.StatsEvery <= 0 {
		cfg.StatsEvery = 5 * time.Second
	}
	if cfg.StatsTimeout <= 0 {
		cfg.StatsTimeout = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &queueCollector{cfg: cfg,
		depth: prometheus.NewDesc(Namespace+"_queue_depth", "Open tickets by SLA state and language.",
			[]string{"state", "language"}, nil),
		backlog: prometheus.NewDesc(Namespace+"_outbox_backlog", "Outbox rows not yet delivered (queued or being sent).", nil, nil),
		failed:  prometheus.NewDesc(Namespace+"_outbox_failed", "Outbox rows failed for good.", nil, nil),
		statsErrors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: "stats_errors_total",
			Help: "Reads of the queue and outbox counts that failed; their gauges are left out of that scrape."}),
	}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.backlog
	ch <- c.failed
	c.statsErrors.Describe(ch)
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	s, err := c.stats()
	if err == nil {
		langs := append([]string(nil), account.Languages...)
		for lang := range s.Queue {
			if !contains(langs, lang) {
				langs = append(langs, lang)
			}
		}
		for _, lang := range langs {
			for _, st := range queueStates {
				ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(s.Queue[lang][st]), string(st), lang)
			}
		}
		ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(s.OutboxBacklog))
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(s.OutboxFailed))
	}
	c.statsErrors.Collect(ch)
}

// stats is the cached read, refreshed when older than StatsEvery; a
// failed read is cached as long, so a sick database is not hammered.
func (c *queueCollector) stats() (helpdesk.Stats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.cfg.Now()
	if !c.at.IsZero() && now.Sub(c.at) < c.cfg.StatsEvery {
		return c.last, c.lastErr
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.StatsTimeout)
	defer cancel()
	c.last, c.lastErr = c.cfg.Stats(ctx)
	c.at = now
	if c.lastErr != nil {
		c.statsErrors.Inc()
	}
	return c.last, c.lastErr
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
