package storetest

import (
	"fmt"
	"testing"
	"time"

	"supportdesk/core/notify"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// testQueueStats: open tickets counted by language and state on the
// bounds given (breached before now, at risk up to risk), paused and
// fulfilled apart, closed and solved ones left out; outbox rows queued
// are the backlog, failed ones counted, sent ones neither.
func testQueueStats(t *testing.T, s store.Store) {
	ctx := t.Context()
	now, risk := t0, t0.Add(4*time.Hour)
	type row struct {
		lang   string
		status ticket.Status
		due    time.Duration // from now
		paused bool
		done   bool
	}
	rows := []row{
		{"fr", ticket.StatusNew, 30 * time.Hour, false, false},    // on track
		{"fr", ticket.StatusOpen, 2 * time.Hour, false, false},    // at risk
		{"fr", ticket.StatusOpen, 4 * time.Hour, false, false},    // at risk: due at the bound
		{"fr", ticket.StatusOpen, -time.Minute, false, false},     // breached
		{"fr", ticket.StatusPending, time.Hour, true, false},      // paused
		{"es", ticket.StatusNew, 10 * time.Hour, false, false},    // on track
		{"es", ticket.StatusOpen, -time.Hour, false, true},        // fulfilled
		{"es", ticket.StatusSolved, -time.Hour, false, false},     // not open
		{"en", ticket.StatusClosed, 10 * time.Hour, false, false}, // not open
	}
	write(t, s, func(tx store.Tx) error {
		for i, r := range rows {
			tk := ticket.Ticket{ID: int64(i + 1), Ref: fmt.Sprintf("SD-2025-%06d", i+1), Channel: ticket.ChannelWeb,
				Language: r.lang, Category: "other", RequesterSealed: []byte("sealed"), RequesterFP: fp(fmt.Sprint("req", i)),
				NameSealed: []byte("name"), Subject: "s", Body: "b", Status: r.status, CreatedAt: t0.Add(-time.Hour),
				UpdatedAt: t0.Add(-time.Hour), SLA: ticket.Clock{Target: 24 * time.Hour, Started: t0.Add(-time.Hour), Due: now.Add(r.due)}}
			if r.paused {
				tk.SLA.PausedAt = t0.Add(-time.Minute)
			}
			if r.done {
				tk.SLA.FulfilledAt = t0.Add(-time.Minute)
			}
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
		}
		for i, st := range []notify.Status{notify.StatusQueued, notify.StatusQueued, notify.StatusSent, notify.StatusFailed} {
			if err := tx.Enqueue(ctx, &notify.Notification{CreatedAt: t0, AccountID: fmt.Sprint("acct-", i), Channel: notify.ChannelEmail,
				Template: notify.TemplateNewDevice, Language: "en", ToSealed: []byte("to"), Status: st, Data: map[string]string{}}); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.QueueStats(ctx, now, risk)
		if err != nil {
			return err
		}
		same(t, "QueueStats", got, store.QueueStats{
			ByLanguage: map[string]store.StateCounts{
				"fr": {OnTrack: 1, AtRisk: 2, Breached: 1, Paused: 1},
				"es": {OnTrack: 1, Fulfilled: 1},
			},
			OutboxBacklog: 2, OutboxFailed: 1,
		})
		return nil
	})
}
