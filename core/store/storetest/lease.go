package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

// lease takes up to limit due email rows of one lane at now and reserves
// them until until, in one write transaction, as core/mail's worker does:
// the rows stay queued with their next attempt pushed to until, and get a
// Message-ID on first pick-up.
func lease(t *testing.T, s store.Store, now, until time.Time, ticketMail bool, limit int) ([]notify.Notification, error) {
	ctx := t.Context()
	var taken []notify.Notification
	err := s.Write(ctx, func(tx store.Tx) error {
		taken = taken[:0] // fn may run again
		rows, err := tx.DueOutboxLane(ctx, now, notify.ChannelEmail, ticketMail, limit)
		if err != nil {
			return err
		}
		for _, n := range rows {
			if n.MessageID == "" {
				n.MessageID = fmt.Sprintf("<outbox-%d@test>", n.ID)
			}
			n.NextAttempt = until
			if err := tx.MarkOutbox(ctx, n); err != nil {
				return err
			}
			taken = append(taken, n)
		}
		return nil
	})
	return taken, err
}

func mustLease(t *testing.T, s store.Store, now, until time.Time, ticketMail bool, limit int) []int64 {
	t.Helper()
	rows, err := lease(t, s, now, until, ticketMail, limit)
	if err != nil {
		t.Fatalf("lease: %v", err)
	}
	out := make([]int64, 0, len(rows))
	for _, n := range rows {
		out = append(out, n.ID)
	}
	return out
}

// testOutboxLease: a leased row is not due again until its lease ends,
// on either lane; a released row is due at once with its Message-ID;
// sent and failed rows are never due; a retry is due at its next attempt.
func testOutboxLease(t *testing.T, s store.Store) {
	ctx := t.Context()
	tk := sampleTicket(1, t0.Add(time.Hour))
	insertTickets(t, s, &tk)
	mk := func(i int, ticketID int64, ch notify.Channel, next time.Time) notify.Notification {
		return notify.Notification{CreatedAt: t0.Add(time.Duration(i) * time.Second), AccountID: "acct-1", Channel: ch,
			Template: notify.TemplateNewDevice, Language: "en", ToSealed: []byte("to"), Status: notify.StatusQueued,
			NextAttempt: next, TicketID: ticketID, Data: map[string]string{"i": fmt.Sprint(i)}}
	}
	rows := []notify.Notification{
		mk(1, 0, notify.ChannelEmail, t0.Add(-time.Minute)),
		mk(2, 0, notify.ChannelEmail, t0.Add(-3*time.Minute)),
		mk(3, 0, notify.ChannelEmail, t0.Add(-2*time.Minute)),
		mk(4, 0, notify.ChannelEmail, t0), // due exactly now
		mk(5, 0, notify.ChannelEmail, t0.Add(time.Minute)),
		mk(6, 1, notify.ChannelEmail, t0.Add(-5*time.Minute)), // ticket mail
		mk(7, 1, notify.ChannelEmail, t0.Add(-4*time.Minute)),
		mk(8, 0, notify.ChannelSMS, t0.Add(-time.Hour)),
	}
	write(t, s, func(tx store.Tx) error {
		for i := range rows {
			if err := tx.Enqueue(ctx, &rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	id := func(i int) int64 { return rows[i-1].ID }
	idList := func(is ...int) []int64 {
		out := []int64{}
		for _, i := range is {
			out = append(out, id(i))
		}
		return out
	}
	check := func(what string, got, want []int64) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: got rows %v, want %v", what, got, want)
		}
	}
	lease1 := t0.Add(10 * time.Minute)
	check("first lease", mustLease(t, s, t0, lease1, false, 2), idList(2, 3))
	check("second lease at the same instant", mustLease(t, s, t0, lease1, false, 10), idList(1, 4))
	check("third lease at the same instant", mustLease(t, s, t0, lease1, false, 10), idList())
	read(t, s, func(r store.Reader) error {
		due, err := r.DueOutbox(ctx, t0, notify.ChannelEmail, 10)
		check("DueOutbox with the notices leased", notificationIDs(due), idList(6, 7))
		if err != nil {
			return err
		}
		sms, err := r.DueOutboxLane(ctx, t0, notify.ChannelSMS, false, 10)
		check("the SMS lane", notificationIDs(sms), idList(8))
		return err
	})
	check("the ticket lane", mustLease(t, s, t0, lease1, true, 10), idList(6, 7))

	// Released early (a send not tried): due at once, Message-ID kept.
	var n3 notify.Notification
	read(t, s, func(r store.Reader) error {
		all, err := r.Outbox(ctx, "acct-1")
		for _, n := range all {
			if n.ID == id(3) {
				n3 = n
			}
		}
		return err
	})
	if n3.MessageID != fmt.Sprintf("<outbox-%d@test>", id(3)) || !n3.NextAttempt.Equal(lease1) || n3.Status != notify.StatusQueued {
		t.Errorf("a leased row reads %+v; want queued until %v with its Message-ID", n3, lease1)
	}
	n3.NextAttempt = t0.Add(time.Minute)
	write(t, s, func(tx store.Tx) error { return tx.MarkOutbox(ctx, n3) })
	taken, err := lease(t, s, t0.Add(time.Minute), t0.Add(11*time.Minute), false, 10)
	if err != nil {
		t.Fatal(err)
	}
	check("lease after a release", notificationIDs(taken), idList(3, 5))
	if len(taken) > 0 && taken[0].MessageID != n3.MessageID {
		t.Errorf("released row leased again with Message-ID %q, want %q", taken[0].MessageID, n3.MessageID)
	}

	// Outcomes: 3 sent, 5 failed for good, 2 to retry at +30 min.
	outcome := map[int64]func(n *notify.Notification){
		id(3): func(n *notify.Notification) {
			n.Status, n.Attempts, n.SentAt, n.LastError = notify.StatusSent, 1, t0.Add(2*time.Minute), ""
		},
		id(5): func(n *notify.Notification) {
			n.Status, n.Attempts, n.LastError = notify.StatusFailed, 8, "550 5.1.1 no such user"
		},
		id(2): func(n *notify.Notification) {
			n.Attempts, n.LastError, n.NextAttempt = 1, "421 4.7.0 try again later", t0.Add(30*time.Minute)
		},
	}
	want := map[int64]notify.Notification{}
	write(t, s, func(tx store.Tx) error {
		all, err := tx.Outbox(ctx, "acct-1")
		if err != nil {
			return err
		}
		for _, n := range all {
			if f := outcome[n.ID]; f != nil {
				f(&n)
				if err := tx.MarkOutbox(ctx, n); err != nil {
					return err
				}
			}
			want[n.ID] = n
		}
		return nil
	})
	check("lease a millisecond before the first leases end", mustLease(t, s, lease1.Add(-time.Millisecond), t0.Add(20*time.Minute), false, 10), idList())
	check("lease when the first leases end", mustLease(t, s, lease1, t0.Add(20*time.Minute), false, 10), idList(1, 4))
	check("lease at the retry", mustLease(t, s, t0.Add(30*time.Minute), t0.Add(40*time.Minute), false, 10), idList(1, 4, 2))
	read(t, s, func(r store.Reader) error {
		due, err := r.DueOutbox(ctx, t0.Add(1000*time.Hour), notify.ChannelEmail, 10)
		check("DueOutbox long after: sent and failed rows never", notificationIDs(due), idList(6, 7, 1, 2, 4))
		if err != nil {
			return err
		}
		all, err := r.Outbox(ctx, "acct-1")
		if err != nil {
			return err
		}
		for _, n := range all {
			switch n.ID {
			case id(3), id(5):
				same(t, fmt.Sprintf("outbox row %d after its outcome", n.ID), n, want[n.ID])
			}
		}
		if n, err := r.OutboxFailed(ctx); n != 1 || err != nil {
			t.Errorf("OutboxFailed = %d, %v; want 1", n, err)
		}
		return nil
	})
	wantCode(t, "MarkOutbox of a missing row", s.Write(ctx, func(tx store.Tx) error {
		return tx.MarkOutbox(ctx, notify.Notification{ID: 999, Status: notify.StatusSent})
	}), fault.CodeNotFound)
}

func notificationIDs(ns []notify.Notification) []int64 {
	out := []int64{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

// testOutboxLeaseConcurrent: workers leasing at once, on both lanes, never
// take the same row, and between them take every row.
func testOutboxLeaseConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	tk := sampleTicket(1, t0.Add(time.Hour))
	insertTickets(t, s, &tk)
	const rows, workers = 60, 6
	write(t, s, func(tx store.Tx) error {
		for i := range rows {
			n := notify.Notification{CreatedAt: t0, AccountID: "acct-1", Channel: notify.ChannelEmail,
				Template: notify.TemplateNewDevice, Language: "en", ToSealed: []byte("to"), Status: notify.StatusQueued,
				NextAttempt: t0.Add(-time.Duration(i%7) * time.Second), TicketID: int64(i % 2), Data: map[string]string{}}
			if err := tx.Enqueue(ctx, &n); err != nil {
				return err
			}
		}
		return nil
	})
	start := make(chan struct{})
	got := make([][]int64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			<-start
			// Each round takes a row or ends, so rows+1 rounds are enough;
			// a backend that hands rows out again must not loop forever.
			for lane := w % 2; lane < w%2+rows+1; lane++ {
				ticketMail := lane%2 == 1
				taken, err := lease(t, s, t0, t0.Add(time.Hour), ticketMail, 3)
				if err != nil {
					errs[w] = err
					return
				}
				for _, n := range taken {
					got[w] = append(got[w], n.ID)
				}
				if len(taken) == 0 {
					// This lane is empty; stop when the other is too.
					more, err := lease(t, s, t0, t0.Add(time.Hour), !ticketMail, 3)
					if err != nil {
						errs[w] = err
						return
					}
					for _, n := range more {
						got[w] = append(got[w], n.ID)
					}
					if len(more) == 0 {
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("worker %d: %v", w, err)
		}
	}
	times := map[int64]int{}
	for w := range got {
		for _, id := range got[w] {
			times[id]++
			if times[id] == 2 {
				t.Errorf("row %d leased twice (worker %d among others)", id, w)
			}
		}
	}
	if len(times) != rows {
		t.Errorf("workers leased %d distinct rows, want all %d", len(times), rows)
	}
	read(t, s, func(r store.Reader) error {
		for _, lane := range []bool{false, true} {
			if due, err := r.DueOutboxLane(ctx, t0, notify.ChannelEmail, lane, 100); len(due) != 0 || err != nil {
				t.Errorf("DueOutboxLane(ticket mail %v) after the workers = %d rows, %v; want none", lane, len(due), err)
			}
		}
		return nil
	})
}

// testOutboxLookups: a ticket's mail lists oldest first, whole, apart from
// other tickets' and account notices; a row is found by the Message-ID it
// went out under, and an empty or unknown Message-ID finds none.
func testOutboxLookups(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b := sampleTicket(1, t0.Add(time.Hour)), sampleTicket(2, t0.Add(time.Hour))
	insertTickets(t, s, &a, &b)
	mk := func(ticketID int64, msgID string, created time.Time) notify.Notification {
		return notify.Notification{CreatedAt: created, AccountID: "acct-1", Channel: notify.ChannelEmail,
			Template: notify.TemplateNewDevice, Language: "fr", ToSealed: []byte("to"), Status: notify.StatusQueued,
			TicketID: ticketID, MessageID: msgID, AAD: "ticket-aad", Data: map[string]string{"ref": "SD-2025-000001"}}
	}
	rows := []notify.Notification{
		mk(1, "<outbox-1.a@desk.example.gov>", t0),
		mk(2, "<outbox-2.b@desk.example.gov>", t0),
		mk(0, "", t0), // an account notice, never picked up
		mk(1, "", t0.Add(-time.Hour)),
		mk(0, "", t0),
	}
	rows[0].Status, rows[0].SentAt, rows[0].Attempts = notify.StatusSent, t0.Add(time.Minute), 1
	write(t, s, func(tx store.Tx) error {
		for i := range rows {
			if err := tx.Enqueue(ctx, &rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.TicketOutbox(ctx, 1)
		same(t, "TicketOutbox(1)", got, []notify.Notification{rows[0], rows[3]})
		if err != nil {
			return err
		}
		got, err = r.TicketOutbox(ctx, 2)
		same(t, "TicketOutbox(2)", got, []notify.Notification{rows[1]})
		if err != nil {
			return err
		}
		if got, err := r.TicketOutbox(ctx, 3); len(got) != 0 || err != nil {
			t.Errorf("TicketOutbox of a ticket without mail = %d rows, %v; want none", len(got), err)
		}
		n, err := r.OutboxByMessageID(ctx, "<outbox-2.b@desk.example.gov>")
		same(t, "OutboxByMessageID", n, rows[1])
		if err != nil {
			return err
		}
		for _, id := range []string{"", "<outbox-9.z@desk.example.gov>", "outbox-1.a@desk.example.gov"} {
			_, err := r.OutboxByMessageID(ctx, id)
			wantCode(t, fmt.Sprintf("OutboxByMessageID(%q)", id), err, fault.CodeNotFound)
		}
		return nil
	})
}
