package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// sampleTicket is an open web ticket created a day before it is due;
// tests change what they need.
func sampleTicket(id int64, due time.Time) ticket.Ticket {
	created := due.Add(-24 * time.Hour)
	return ticket.Ticket{ID: id, Ref: fmt.Sprintf("SD-2025-%06d", id), Channel: ticket.ChannelWeb, Language: "en",
		Category: ticket.CategoryOther, RequesterSealed: []byte("sealed"), RequesterFP: fp(fmt.Sprint("req", id)),
		NameSealed: []byte("name"), Subject: "s", Body: "b", Status: ticket.StatusOpen, CreatedAt: created,
		UpdatedAt: created, SLA: ticket.Clock{Target: 16 * time.Hour, Started: created, Due: due}}
}

func insertTickets(t *testing.T, s store.Store, tks ...*ticket.Ticket) {
	t.Helper()
	write(t, s, func(tx store.Tx) error {
		for _, tk := range tks {
			if err := tx.InsertTicket(t.Context(), tk); err != nil {
				return fmt.Errorf("InsertTicket %d: %w", tk.ID, err)
			}
		}
		return nil
	})
}

func readTicket(t *testing.T, s store.Store, id int64) ticket.Ticket {
	t.Helper()
	var tk ticket.Ticket
	read(t, s, func(r store.Reader) (err error) {
		tk, err = r.Ticket(t.Context(), id)
		return err
	})
	return tk
}

func ids(tks []ticket.Ticket) []int64 {
	out := make([]int64, len(tks))
	for i, tk := range tks {
		out[i] = tk.ID
	}
	return out
}

// testTicketRoundTrip: every column comes back from every way of reading a
// ticket; the lists are newest first and honour their limit; missing
// tickets are not found; a used id, ref or idempotency key is a conflict.
func testTicketRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	full := sampleTicket(1, t0.Add(20*time.Hour))
	full.Channel, full.Language, full.Category, full.Agency = ticket.ChannelEmail, "fr", ticket.CategoryLostMFA, "ssa"
	full.RequesterFP, full.AccountID, full.IdempotencyKey = fp("requester a"), "acct-1", "idem-1"
	full.Subject, full.Body = "Perdu «clé» ", "Bonjour,\r\nJ'ai perdu mon téléphone. 😀\n"
	full.Status, full.Assignee = ticket.StatusPending, "agent-1"
	full.CreatedAt, full.UpdatedAt = t0, t0.Add(time.Minute).In(est)
	full.SLA = ticket.Clock{Target: 16 * time.Hour, Started: t0.Add(2 * time.Hour), Used: 90 * time.Minute,
		Due: t0.Add(20 * time.Hour), PausedAt: t0.Add(3 * time.Hour), FulfilledAt: t0.Add(time.Hour)}
	full.FirstReplyAt, full.BreachLoggedAt = t0.Add(time.Hour), t0.Add(21*time.Hour)
	full.OpenedBy, full.FollowsRef = "agent-ssa", "SD-2024-000009"
	full.MailBouncedAt, full.SolvedAt = t0.Add(4*time.Hour), t0.Add(5*time.Hour)

	// Same requester, no account, no key, every optional time zero.
	bare := sampleTicket(2, t0.Add(40*time.Hour))
	bare.RequesterFP, bare.CreatedAt, bare.UpdatedAt = fp("requester a"), t0.Add(time.Hour), t0.Add(time.Hour)
	bare.Status = ticket.StatusNew

	other := sampleTicket(3, t0.Add(50*time.Hour))
	other.AccountID, other.IdempotencyKey, other.Language = "acct-1", "idem-3", "es"
	other.CreatedAt, other.UpdatedAt, other.Status = t0.Add(2*time.Hour), t0.Add(2*time.Hour), ticket.StatusClosed

	// Inserted out of id order: lists go by the ticket, not the insert.
	insertTickets(t, s, &other, &full, &bare)
	for _, tk := range []ticket.Ticket{full, bare, other} {
		if tk.Version != 1 {
			t.Errorf("InsertTicket %d left Version %d, want 1", tk.ID, tk.Version)
		}
	}
	read(t, s, func(r store.Reader) error {
		for _, w := range []ticket.Ticket{full, bare, other} {
			got, err := r.Ticket(ctx, w.ID)
			same(t, fmt.Sprintf("Ticket(%d)", w.ID), got, w)
			if err != nil {
				return err
			}
			got, err = r.TicketByRef(ctx, w.Ref)
			same(t, "TicketByRef "+w.Ref, got, w)
			if err != nil {
				return err
			}
		}
		// A ref as an agent types it or a mail quotes it.
		got, err := r.TicketByRef(ctx, " sd-2025-000001 ")
		same(t, "TicketByRef in lower case with spaces", got, full)
		if err != nil {
			return err
		}
		for key, w := range map[string]ticket.Ticket{"idem-1": full, "idem-3": other} {
			got, err := r.TicketByIdempotencyKey(ctx, key)
			same(t, "TicketByIdempotencyKey "+key, got, w)
			if err != nil {
				return err
			}
		}
		_, err = r.Ticket(ctx, 99)
		wantCode(t, "Ticket(99)", err, fault.CodeNotFound)
		_, err = r.TicketByRef(ctx, "SD-2025-000099")
		wantCode(t, "TicketByRef of a missing ref", err, fault.CodeNotFound)
		_, err = r.TicketByIdempotencyKey(ctx, "idem-9")
		wantCode(t, "TicketByIdempotencyKey of a missing key", err, fault.CodeNotFound)
		// No key is no key: the tickets without one are not found by "".
		_, err = r.TicketByIdempotencyKey(ctx, "")
		wantCode(t, `TicketByIdempotencyKey("")`, err, fault.CodeNotFound)

		lists := []struct {
			what string
			get  func() ([]ticket.Ticket, error)
			want []ticket.Ticket
		}{
			{"TicketsByRequester", func() ([]ticket.Ticket, error) { return r.TicketsByRequester(ctx, fp("requester a"), 10) },
				[]ticket.Ticket{bare, full}},
			{"TicketsByRequester(limit 1)", func() ([]ticket.Ticket, error) { return r.TicketsByRequester(ctx, fp("requester a"), 1) },
				[]ticket.Ticket{bare}},
			{"TicketsByRequester of another", func() ([]ticket.Ticket, error) { return r.TicketsByRequester(ctx, fp("req3"), 10) },
				[]ticket.Ticket{other}},
			{"TicketsByRequester of nobody", func() ([]ticket.Ticket, error) { return r.TicketsByRequester(ctx, fp("nobody"), 10) },
				nil},
			{"TicketsByAccount", func() ([]ticket.Ticket, error) { return r.TicketsByAccount(ctx, "acct-1", 10) },
				[]ticket.Ticket{other, full}},
			{"TicketsByAccount(limit 1)", func() ([]ticket.Ticket, error) { return r.TicketsByAccount(ctx, "acct-1", 1) },
				[]ticket.Ticket{other}},
			{"TicketsByAccount of another", func() ([]ticket.Ticket, error) { return r.TicketsByAccount(ctx, "acct-2", 10) },
				nil},
		}
		for _, l := range lists {
			got, err := l.get()
			if err != nil {
				return fmt.Errorf("%s: %w", l.what, err)
			}
			if len(got) == 0 {
				got = nil
			}
			same(t, l.what, got, l.want)
		}
		if n, err := r.CountTickets(ctx); n != 3 || err != nil {
			t.Errorf("CountTickets = %d, %v; want 3", n, err)
		}
		if n, err := r.MaxTicketID(ctx); n != 3 || err != nil {
			t.Errorf("MaxTicketID = %d, %v; want 3", n, err)
		}
		return nil
	})

	dup := func(id int64, ref, key string) ticket.Ticket {
		tk := sampleTicket(id, t0)
		tk.Ref, tk.IdempotencyKey = ref, key
		return tk
	}
	for what, tk := range map[string]ticket.Ticket{
		"a used id":              dup(1, "SD-2025-000100", ""),
		"a used ref":             dup(100, "SD-2025-000002", ""),
		"a used idempotency key": dup(100, "SD-2025-000100", "idem-3"),
	} {
		wantCode(t, "InsertTicket with "+what, s.Write(ctx, func(tx store.Tx) error {
			return tx.InsertTicket(ctx, &tk)
		}), fault.CodeConflict)
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.Ticket(ctx, 1)
		same(t, "Ticket(1) after refused inserts", got, full)
		if n, err := r.CountTickets(ctx); n != 3 || err != nil {
			t.Errorf("CountTickets after refused inserts = %d, %v; want 3", n, err)
		}
		return err
	})
}

// testTicketThread: messages and SLA events come back whole, per ticket,
// in the order they were written, with IDs set.
func testTicketThread(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b := sampleTicket(1, t0.Add(time.Hour)), sampleTicket(2, t0.Add(time.Hour))
	insertTickets(t, s, &a, &b)
	msgs := []ticket.Message{
		{TicketID: 1, Kind: ticket.MessageInbound, Author: "requester", Body: "Hola,\r\nno puedo entrar. ¿Ayuda?", CreatedAt: t0},
		{TicketID: 1, Kind: ticket.MessageInternal, Author: "agent-1", Body: "checked the logs", CreatedAt: t0.Add(time.Minute).In(est)},
		// Two at one instant keep the order they were written in.
		{TicketID: 1, Kind: ticket.MessagePublic, Author: "agent-1", Body: "Bonjour « Zoé »", CreatedAt: t0.Add(2 * time.Minute)},
		{TicketID: 1, Kind: ticket.MessageInbound, Author: "requester", Body: "merci", CreatedAt: t0.Add(2 * time.Minute)},
	}
	other := ticket.Message{TicketID: 2, Kind: ticket.MessagePublic, Author: "agent-2", Body: "other", CreatedAt: t0}
	events := []ticket.SLAEvent{
		{TicketID: 1, Kind: "activated", At: t0, Due: t0.Add(16 * time.Hour)},
		{TicketID: 1, Kind: "paused", At: t0.Add(time.Hour)},
		{TicketID: 1, Kind: "resumed", At: t0.Add(2 * time.Hour), Due: t0.Add(17 * time.Hour).In(est)},
		{TicketID: 1, Kind: "breached", At: t0.Add(17 * time.Hour), Due: t0.Add(17 * time.Hour)},
		{TicketID: 1, Kind: "fulfilled", At: t0.Add(18 * time.Hour)},
	}
	otherEv := ticket.SLAEvent{TicketID: 2, Kind: "activated", At: t0, Due: t0.Add(time.Hour)}
	write(t, s, func(tx store.Tx) error {
		// Interleaved with the other ticket's rows.
		for i := range msgs {
			if err := tx.InsertTicketMessage(ctx, &msgs[i]); err != nil {
				return err
			}
			if err := tx.InsertSLAEvent(ctx, &events[i]); err != nil {
				return err
			}
			if i == 1 {
				if err := errors.Join(tx.InsertTicketMessage(ctx, &other), tx.InsertSLAEvent(ctx, &otherEv)); err != nil {
					return err
				}
			}
		}
		return tx.InsertSLAEvent(ctx, &events[4])
	})
	seen := map[int64]bool{}
	for _, m := range append(slices.Clone(msgs), other) {
		if m.ID == 0 || seen[m.ID] {
			t.Errorf("InsertTicketMessage set ID %d: want distinct and non-zero", m.ID)
		}
		seen[m.ID] = true
	}
	seen = map[int64]bool{}
	for _, e := range append(slices.Clone(events), otherEv) {
		if e.ID == 0 || seen[e.ID] {
			t.Errorf("InsertSLAEvent set ID %d: want distinct and non-zero", e.ID)
		}
		seen[e.ID] = true
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.TicketMessages(ctx, 1)
		same(t, "TicketMessages(1)", got, msgs)
		if err != nil {
			return err
		}
		got, err = r.TicketMessages(ctx, 2)
		same(t, "TicketMessages(2)", got, []ticket.Message{other})
		if err != nil {
			return err
		}
		if got, err := r.TicketMessages(ctx, 3); len(got) != 0 || err != nil {
			t.Errorf("TicketMessages of a missing ticket = %v, %v; want none", got, err)
		}
		evs, err := r.SLAEvents(ctx, 1)
		same(t, "SLAEvents(1)", evs, events)
		if err != nil {
			return err
		}
		evs, err = r.SLAEvents(ctx, 2)
		same(t, "SLAEvents(2)", evs, []ticket.SLAEvent{otherEv})
		if err != nil {
			return err
		}
		if evs, err := r.SLAEvents(ctx, 3); len(evs) != 0 || err != nil {
			t.Errorf("SLAEvents of a missing ticket = %v, %v; want none", evs, err)
		}
		return nil
	})
}

// testTicketVersion: UpdateTicket stores every changed field and bumps
// the version; a stale version is a conflict that changes nothing, even
// in a transaction that commits; UpdateClock stores the clock alone and
// bumps the version, so a writer holding the old one conflicts.
func testTicketVersion(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	tk := sampleTicket(1, t0.Add(16*time.Hour))
	tk.IdempotencyKey = "idem-1"
	insertTickets(t, s, &tk)
	a := readTicket(t, s, 1)
	stale := a

	a.Language, a.Category, a.AccountID, a.Agency = "es", ticket.CategoryProofing, "acct-1", "va"
	a.Status, a.Assignee, a.UpdatedAt = ticket.StatusPending, "agent-2", t0.Add(time.Hour).In(est)
	a.SLA = ticket.Clock{Target: 8 * time.Hour, Started: t0, Used: time.Hour, Due: t0.Add(9 * time.Hour),
		PausedAt: t0.Add(time.Hour), FulfilledAt: t0.Add(30 * time.Minute)}
	a.FirstReplyAt, a.BreachLoggedAt, a.OpenedBy, a.FollowsRef = t0.Add(30*time.Minute), t0.Add(2*time.Hour), "agent-ssa", "SD-2024-000001"
	a.MailBouncedAt, a.SolvedAt = t0.Add(3*time.Hour), t0.Add(4*time.Hour)
	write(t, s, func(tx store.Tx) error { return tx.UpdateTicket(ctx, &a) })
	if a.Version != 2 {
		t.Errorf("UpdateTicket left Version %d, want 2", a.Version)
	}
	same(t, "after UpdateTicket", readTicket(t, s, 1), a)

	// Optional fields can be cleared again.
	a.AccountID, a.Agency, a.Assignee, a.OpenedBy, a.FollowsRef = "", "", "", "", ""
	a.FirstReplyAt, a.BreachLoggedAt, a.MailBouncedAt, a.SolvedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	a.SLA.PausedAt, a.SLA.FulfilledAt, a.Status = time.Time{}, time.Time{}, ticket.StatusOpen
	write(t, s, func(tx store.Tx) error { return tx.UpdateTicket(ctx, &a) })
	if a.Version != 3 {
		t.Errorf("second UpdateTicket left Version %d, want 3", a.Version)
	}
	same(t, "after clearing fields", readTicket(t, s, 1), a)

	// A stale version is refused and changes nothing, though the
	// transaction commits what else it wrote.
	stale.Status, stale.Assignee = ticket.StatusClosed, "agent-9"
	var staleErr error
	write(t, s, func(tx store.Tx) error {
		staleErr = tx.UpdateTicket(ctx, &stale)
		return tx.PutClosure(ctx, store.Closure{Day: "2025-07-04", Reason: "r", CreatedBy: "sup", CreatedAt: t0})
	})
	wantCode(t, "UpdateTicket with a stale version", staleErr, fault.CodeConflict)
	if !errors.Is(staleErr, fault.ErrConflict) {
		t.Errorf("errors.Is(%v, fault.ErrConflict) = false", staleErr)
	}
	if stale.Version != 1 {
		t.Errorf("a refused UpdateTicket changed the caller's Version to %d", stale.Version)
	}
	same(t, "after a stale UpdateTicket", readTicket(t, s, 1), a)
	read(t, s, func(r store.Reader) error {
		cl, err := r.Closures(ctx)
		if len(cl) != 1 || err != nil {
			t.Errorf("Closures after the committed transaction = %v, %v; want the one written", cl, err)
		}
		return nil
	})

	// UpdateClock writes the clock alone and bumps the version.
	c := ticket.Clock{Target: 16 * time.Hour, Started: t0.Add(24 * time.Hour), Used: 2 * time.Hour,
		Due: t0.Add(38 * time.Hour), PausedAt: t0.Add(25 * time.Hour)}
	write(t, s, func(tx store.Tx) error { return tx.UpdateClock(ctx, 1, c) })
	want := a
	want.SLA, want.Version = c, a.Version+1
	same(t, "after UpdateClock", readTicket(t, s, 1), want)
	held := a // read before the clock moved
	held.Assignee = "agent-3"
	wantCode(t, "UpdateTicket after UpdateClock", s.Write(ctx, func(tx store.Tx) error {
		return tx.UpdateTicket(ctx, &held)
	}), fault.CodeConflict)
	same(t, "after a conflict with UpdateClock", readTicket(t, s, 1), want)

	// Rows that are not there.
	missing := sampleTicket(99, t0)
	missing.Version = 1
	wantCode(t, "UpdateTicket of a missing ticket", s.Write(ctx, func(tx store.Tx) error {
		return tx.UpdateTicket(ctx, &missing)
	}), fault.CodeConflict)
	wantCode(t, "UpdateClock of a missing ticket", s.Write(ctx, func(tx store.Tx) error {
		return tx.UpdateClock(ctx, 99, c)
	}), fault.CodeNotFound)
}

// testClosures: closure days list in date order, a day put again is
// replaced, a deleted one is gone, deleting a missing one is not found.
func testClosures(t *testing.T, s store.Store) {
	ctx := t.Context()
	check := func(what string, want []store.Closure) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			got, err := r.Closures(ctx)
			if len(got) == 0 {
				got = nil
			}
			same(t, what, got, want)
			return err
		})
	}
	check("Closures of none", nil)
	days := []store.Closure{
		{Day: "2025-12-25", Reason: "Navidad", CreatedBy: "sup-1", CreatedAt: t0},
		{Day: "2025-07-04", Reason: "Independence Day", CreatedBy: "sup-2", CreatedAt: t0.Add(time.Minute).In(est)},
		{Day: "2026-01-01", Reason: "Jour de l'an", CreatedBy: "sup-1", CreatedAt: t0.Add(time.Hour)},
	}
	write(t, s, func(tx store.Tx) error {
		for _, c := range days {
			if err := tx.PutClosure(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	check("Closures", []store.Closure{days[1], days[0], days[2]})

	moved := store.Closure{Day: "2025-07-04", Reason: "Fourth of July", CreatedBy: "sup-3", CreatedAt: t0.Add(2 * time.Hour)}
	write(t, s, func(tx store.Tx) error { return tx.PutClosure(ctx, moved) })
	check("Closures after a day is put again", []store.Closure{moved, days[0], days[2]})

	write(t, s, func(tx store.Tx) error { return tx.DeleteClosure(ctx, "2025-07-04") })
	check("Closures after DeleteClosure", []store.Closure{days[0], days[2]})
	wantCode(t, "DeleteClosure of a missing day", s.Write(ctx, func(tx store.Tx) error {
		return tx.DeleteClosure(ctx, "2025-07-04")
	}), fault.CodeNotFound)
	check("Closures after a refused DeleteClosure", []store.Closure{days[0], days[2]})
}

// testBreachCandidates: open tickets whose running clock is due at or
// before now and whose breach is not logged, by due time, at most limit.
func testBreachCandidates(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := t0
	type row struct {
		status       ticket.Status
		due          time.Duration // from now
		paused, done bool
		logged       bool
	}
	rows := []row{
		1:  {ticket.StatusOpen, -time.Hour, false, false, false},
		2:  {ticket.StatusNew, 0, false, false, false}, // due exactly now
		3:  {ticket.StatusOpen, time.Millisecond, false, false, false},
		4:  {ticket.StatusPending, -3 * time.Hour, true, false, false},
		5:  {ticket.StatusOpen, -2 * time.Hour, false, true, false},
		6:  {ticket.StatusOpen, -2 * time.Hour, false, false, true},
		7:  {ticket.StatusSolved, -5 * time.Hour, false, false, false},
		8:  {ticket.StatusClosed, -6 * time.Hour, false, false, false},
		9:  {ticket.StatusOpen, -4 * time.Hour, false, false, false},
		10: {ticket.StatusNew, -90 * time.Minute, false, false, false},
	}
	all := map[int64]ticket.Ticket{}
	var tks []*ticket.Ticket
	for id := len(rows) - 1; id >= 1; id-- { // inserted newest first
		r := rows[id]
		tk := sampleTicket(int64(id), now.Add(r.due))
		tk.Status = r.status
		if r.paused {
			tk.SLA.PausedAt = now.Add(-5 * time.Hour)
		}
		if r.done {
			tk.SLA.FulfilledAt = now.Add(-3 * time.Hour)
		}
		if r.logged {
			tk.BreachLoggedAt = now.Add(-2 * time.Hour)
		}
		tks = append(tks, &tk)
	}
	insertTickets(t, s, tks...)
	for _, tk := range tks {
		all[tk.ID] = *tk
	}
	pick := func(ids ...int64) []ticket.Ticket {
		var out []ticket.Ticket
		for _, id := range ids {
			out = append(out, all[id])
		}
		return out
	}
	check := func(what string, at time.Time, limit int, want ...int64) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			got, err := r.BreachCandidates(ctx, at, limit)
			if err != nil {
				return err
			}
			if len(got) == 0 {
				got = nil
			}
			same(t, what, got, pick(want...))
			return nil
		})
	}
	check("BreachCandidates", now, 10, 9, 10, 1, 2)
	check("BreachCandidates(limit 2)", now, 2, 9, 10)
	check("BreachCandidates a millisecond before now", now.Add(-time.Millisecond), 10, 9, 10, 1)
	check("BreachCandidates 90 min before now", now.Add(-90*time.Minute), 10, 9, 10)
	check("BreachCandidates long before", now.Add(-24*time.Hour), 10)

	// Logging a breach takes the ticket out; a new target puts it back.
	write(t, s, func(tx store.Tx) error {
		tk := all[9]
		tk.BreachLoggedAt = now
		if err := tx.UpdateTicket(ctx, &tk); err != nil {
			return err
		}
		all[9] = tk
		tk = all[6]
		tk.BreachLoggedAt = time.Time{}
		if err := tx.UpdateTicket(ctx, &tk); err != nil {
			return err
		}
		all[6] = tk
		return nil
	})
	check("BreachCandidates after logging one", now, 10, 6, 10, 1, 2)
}

// testRunningClocks: open tickets whose clock runs and is due after now,
// by due time then id, paged by ClockKey.
func testRunningClocks(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := t0
	type row struct {
		status       ticket.Status
		due          time.Duration
		paused, done bool
	}
	rows := []row{
		1:  {ticket.StatusOpen, 3 * time.Hour, false, false},
		2:  {ticket.StatusOpen, time.Hour, false, false},
		3:  {ticket.StatusNew, time.Hour, false, false}, // ties on due go by id
		4:  {ticket.StatusOpen, time.Hour, false, false},
		5:  {ticket.StatusNew, 30 * time.Minute, false, false},
		6:  {ticket.StatusOpen, 5 * time.Hour, false, false},
		7:  {ticket.StatusOpen, 0, false, false}, // due now: not after it
		8:  {ticket.StatusOpen, -time.Hour, false, false},
		9:  {ticket.StatusPending, time.Hour, true, false},
		10: {ticket.StatusOpen, 10 * time.Minute, false, true},
		11: {ticket.StatusSolved, time.Hour, false, false},
		12: {ticket.StatusClosed, time.Hour, false, false},
	}
	all := map[int64]ticket.Ticket{}
	var tks []*ticket.Ticket
	for id := len(rows) - 1; id >= 1; id-- {
		r := rows[id]
		tk := sampleTicket(int64(id), now.Add(r.due))
		tk.Status = r.status
		if r.paused {
			tk.SLA.PausedAt = now.Add(-time.Hour)
		}
		if r.done {
			tk.SLA.FulfilledAt = now.Add(-time.Hour)
		}
		tks = append(tks, &tk)
	}
	insertTickets(t, s, tks...)
	for _, tk := range tks {
		all[tk.ID] = *tk
	}
	get := func(at time.Time, after store.ClockKey, limit int) []ticket.Ticket {
		t.Helper()
		var got []ticket.Ticket
		read(t, s, func(r store.Reader) (err error) {
			got, err = r.RunningClocks(ctx, at, after, limit)
			return err
		})
		return got
	}
	want := []int64{5, 2, 3, 4, 1, 6}
	got := get(now, store.ClockKey{}, 100)
	var wantTks []ticket.Ticket
	for _, id := range want {
		wantTks = append(wantTks, all[id])
	}
	same(t, "RunningClocks", got, wantTks)

	// Paged by the last key seen, through the tie, at several page sizes.
	for _, limit := range []int{1, 2, 4} {
		var paged []int64
		var after store.ClockKey
		for range len(want) + 2 {
			page := get(now, after, limit)
			paged = append(paged, ids(page)...)
			if len(page) < limit {
				break
			}
			last := page[len(page)-1]
			after = store.ClockKey{Due: last.SLA.Due, ID: last.ID}
		}
		same(t, fmt.Sprintf("RunningClocks paged by %d", limit), paged, want)
	}
	for _, c := range []struct {
		what  string
		at    time.Time
		after store.ClockKey
		want  []int64
	}{
		{"after a key inside the tie", now, store.ClockKey{Due: now.Add(time.Hour), ID: 3}, []int64{4, 1, 6}},
		{"after a key between ids", now, store.ClockKey{Due: now.Add(time.Hour).In(est), ID: 2}, []int64{3, 4, 1}},
		{"after the last key", now, store.ClockKey{Due: now.Add(5 * time.Hour), ID: 6}, nil},
		{"an hour later", now.Add(time.Hour), store.ClockKey{}, []int64{1, 6}},
	} {
		page := get(c.at, c.after, 3)
		if g := ids(page); len(g) != 0 || len(c.want) != 0 {
			same(t, "RunningClocks "+c.what, g, c.want)
		}
	}
}

// testRequesterRecent: each requester's tickets created after since are
// counted, up to limit; nobody else's count; a write counts the tickets it
// inserted itself (intake counts its batch before inserting it, and each
// ticket then counts itself); a requester asked twice is counted twice.
func testRequesterRecent(t *testing.T, s store.Store) {
	ctx := t.Context()
	var tks []*ticket.Ticket
	for i := range 5 {
		tk := sampleTicket(int64(i+1), t0.Add(48*time.Hour))
		tk.RequesterFP = fp("requester a")
		tk.CreatedAt = t0.Add(time.Duration(i) * time.Hour)
		tk.UpdatedAt = tk.CreatedAt
		tks = append(tks, &tk)
	}
	tks[4].RequesterFP = fp("requester b")
	insertTickets(t, s, tks...)
	count := func(tx store.Tx, since time.Duration, limit int, who ...string) []int {
		var fps [][]byte
		for _, w := range who {
			fps = append(fps, fp(w))
		}
		got, err := tx.RequesterRecent(ctx, fps, t0.Add(since), limit)
		if err != nil {
			t.Fatalf("RequesterRecent: %v", err)
		}
		return got
	}
	write(t, s, func(tx store.Tx) error {
		for _, c := range []struct {
			since time.Duration
			limit int
			who   []string
			want  []int
		}{
			{-time.Hour, 4, []string{"requester a", "requester b", "nobody"}, []int{4, 1, 0}},
			{-time.Hour, 3, []string{"requester a"}, []int{3}},                      // stops at the limit
			{30 * time.Minute, 9, []string{"requester a"}, []int{3}},                // hours 1-3
			{3 * time.Hour, 9, []string{"requester a"}, []int{0}},                   // after, not at, hour 3
			{5 * time.Hour, 9, []string{"requester b", "requester b"}, []int{0, 0}}, // hour 4 is before
			{-time.Hour, 9, []string{"requester b", "requester a", "requester b"}, []int{1, 4, 1}},
		} {
			same(t, fmt.Sprintf("RequesterRecent(%v since %v, limit %d)", c.who, c.since, c.limit), count(tx, c.since, c.limit, c.who...), c.want)
		}
		return nil
	})
	write(t, s, func(tx store.Tx) error {
		tk := sampleTicket(6, t0.Add(48*time.Hour))
		tk.RequesterFP, tk.CreatedAt, tk.UpdatedAt = fp("requester b"), t0.Add(9*time.Hour), t0.Add(9*time.Hour)
		if err := tx.InsertTickets(ctx, []store.NewTicket{{Ticket: &tk}}); err != nil {
			return err
		}
		same(t, "RequesterRecent after a ticket of this write", count(tx, 5*time.Hour, 9, "requester b"), []int{1})
		return nil
	})
	if got := tx0(t, s, func(tx store.Tx) ([]int, error) {
		return tx.RequesterRecent(ctx, nil, t0, 3)
	}); len(got) != 0 {
		t.Errorf("RequesterRecent of no requester = %v, want none", got)
	}
}

// tx0 runs fn in a write and returns its result.
func tx0[T any](t *testing.T, s store.Store, fn func(store.Tx) (T, error)) T {
	t.Helper()
	var v T
	write(t, s, func(tx store.Tx) (err error) {
		v, err = fn(tx)
		return err
	})
	return v
}

// testInsertTickets: a batch of new tickets is stored as the one-by-one
// writes store them (the tickets at version 1, readable and searchable;
// their messages, events and acknowledgements, with the ids they were
// given), around rows written one by one in the same write, and a batch
// with a taken ticket id fails whole.
func testInsertTickets(t *testing.T, s store.Store) {
	ctx := t.Context()
	before := sampleTicket(1, t0.Add(48*time.Hour))
	insertTickets(t, s, &before)
	var news []store.NewTicket
	for i := range 3 {
		tk := sampleTicket(int64(i+2), t0.Add(48*time.Hour))
		tk.Subject = fmt.Sprintf("Batch ticket zanzibar%d", i)
		n := store.NewTicket{Ticket: &tk,
			Message: &ticket.Message{TicketID: tk.ID, Kind: ticket.MessageInbound, Author: "requester", Body: tk.Body, CreatedAt: tk.CreatedAt}}
		if i != 1 {
			n.Event = &ticket.SLAEvent{TicketID: tk.ID, Kind: "activated", At: tk.CreatedAt, Due: tk.SLA.Due}
			n.Ack = &notify.Notification{CreatedAt: tk.CreatedAt, Channel: notify.ChannelEmail, Template: notify.TemplateTicketAck,
				Language: "en", ToSealed: []byte("sealed"), TicketID: tk.ID, NextAttempt: tk.CreatedAt, Data: map[string]string{"ref": tk.Ref}}
		}
		news = append(news, n)
	}
	var first, last ticket.Message
	write(t, s, func(tx store.Tx) error {
		first = ticket.Message{TicketID: 1, Kind: ticket.MessagePublic, Author: "agent", Body: "before", CreatedAt: t0}
		if err := tx.InsertTicketMessage(ctx, &first); err != nil {
			return err
		}
		if err := tx.InsertTickets(ctx, news); err != nil {
			return err
		}
		last = ticket.Message{TicketID: 1, Kind: ticket.MessagePublic, Author: "agent", Body: "after", CreatedAt: t0}
		return tx.InsertTicketMessage(ctx, &last)
	})
	ids := map[int64]bool{first.ID: true, last.ID: true}
	for _, n := range news {
		ids[n.Message.ID] = true
	}
	if len(ids) != 5 || first.ID == 0 || last.ID <= first.ID {
		t.Errorf("message ids %v (before %d, after %d): want five distinct, in order", ids, first.ID, last.ID)
	}
	read(t, s, func(r store.Reader) error {
		for i, n := range news {
			tk, err := r.Ticket(ctx, n.Ticket.ID)
			if err != nil {
				return err
			}
			if tk.Version != 1 || tk.Ref != n.Ticket.Ref || tk.Subject != n.Ticket.Subject {
				t.Errorf("ticket %d read back as version %d, %q, %q", n.Ticket.ID, tk.Version, tk.Ref, tk.Subject)
			}
			msgs, err := r.TicketMessages(ctx, tk.ID)
			if err != nil {
				return err
			}
			if len(msgs) != 1 || msgs[0].ID != n.Message.ID || msgs[0].Body != n.Ticket.Body {
				t.Errorf("ticket %d thread %+v, want its one message, id %d", tk.ID, msgs, n.Message.ID)
			}
			evs, err := r.SLAEvents(ctx, tk.ID)
			if err != nil {
				return err
			}
			out, err := r.TicketOutbox(ctx, tk.ID)
			if err != nil {
				return err
			}
			if i == 1 {
				if len(evs) != 0 || len(out) != 0 {
					t.Errorf("ticket %d has events %+v and mail %+v, want none", tk.ID, evs, out)
				}
				continue
			}
			if len(evs) != 1 || evs[0].ID != n.Event.ID || n.Event.ID == 0 {
				t.Errorf("ticket %d events %+v, want one, id %d", tk.ID, evs, n.Event.ID)
			}
			if len(out) != 1 || out[0].ID != n.Ack.ID || n.Ack.ID == 0 || out[0].Status != notify.StatusQueued {
				t.Errorf("ticket %d mail %+v, want one queued, id %d", tk.ID, out, n.Ack.ID)
			}
			found, err := r.SearchTickets(ctx, []string{fmt.Sprintf("zanzibar%d", i)}, 5)
			if err != nil {
				return err
			}
			if len(found) != 1 || found[0].ID != tk.ID {
				t.Errorf("search zanzibar%d found %d tickets, want ticket %d", i, len(found), tk.ID)
			}
		}
		return nil
	})

	// A batch larger than one statement takes (several statements a
	// table on some backends): every row comes back with its ticket.
	var big []store.NewTicket
	for i := range 141 {
		tk := sampleTicket(int64(100+i), t0.Add(48*time.Hour))
		n := store.NewTicket{Ticket: &tk,
			Message: &ticket.Message{TicketID: tk.ID, Kind: ticket.MessageInbound, Author: "requester", Body: fmt.Sprint("body ", i), CreatedAt: tk.CreatedAt}}
		if i%3 != 0 {
			n.Event = &ticket.SLAEvent{TicketID: tk.ID, Kind: "activated", At: tk.CreatedAt, Due: tk.SLA.Due}
		}
		if i%2 == 0 {
			n.Ack = &notify.Notification{CreatedAt: tk.CreatedAt, Channel: notify.ChannelEmail, Template: notify.TemplateTicketAck,
				Language: "en", ToSealed: []byte("sealed"), TicketID: tk.ID, NextAttempt: tk.CreatedAt, Data: map[string]string{"ref": tk.Ref}}
		}
		big = append(big, n)
	}
	write(t, s, func(tx store.Tx) error { return tx.InsertTickets(ctx, big) })
	read(t, s, func(r store.Reader) error {
		for _, n := range big {
			msgs, err := r.TicketMessages(ctx, n.Ticket.ID)
			if err != nil {
				return err
			}
			if len(msgs) != 1 || msgs[0].ID != n.Message.ID || msgs[0].Body != n.Message.Body {
				t.Fatalf("ticket %d of a large batch: thread %+v, want its message %d %q", n.Ticket.ID, msgs, n.Message.ID, n.Message.Body)
			}
			evs, err := r.SLAEvents(ctx, n.Ticket.ID)
			if err != nil {
				return err
			}
			if (n.Event == nil) != (len(evs) == 0) || n.Event != nil && (len(evs) != 1 || evs[0].ID != n.Event.ID) {
				t.Fatalf("ticket %d of a large batch: events %+v, want %+v", n.Ticket.ID, evs, n.Event)
			}
			out, err := r.TicketOutbox(ctx, n.Ticket.ID)
			if err != nil {
				return err
			}
			if (n.Ack == nil) != (len(out) == 0) || n.Ack != nil && (len(out) != 1 || out[0].ID != n.Ack.ID) {
				t.Fatalf("ticket %d of a large batch: mail %+v, want id %v", n.Ticket.ID, out, n.Ack)
			}
		}
		return nil
	})

	dup := sampleTicket(9, t0.Add(48*time.Hour))
	taken := sampleTicket(2, t0.Add(48*time.Hour))
	taken.Ref = "SD-2025-999999"
	err := s.Write(ctx, func(tx store.Tx) error {
		return tx.InsertTickets(ctx, []store.NewTicket{{Ticket: &dup}, {Ticket: &taken}})
	})
	if fault.CodeOf(err) != fault.CodeConflict {
		t.Errorf("a batch with a taken id: %v, want a conflict", err)
	}
	read(t, s, func(r store.Reader) error {
		if _, err := r.Ticket(ctx, 9); fault.CodeOf(err) != fault.CodeNotFound {
			t.Errorf("the failed batch's other ticket: %v, want not found", err)
		}
		return nil
	})
}
