package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

func readDual(t *testing.T, s store.Store, id int64) store.DualRequest {
	t.Helper()
	var r store.DualRequest
	read(t, s, func(rd store.Reader) (err error) {
		r, err = rd.DualRequest(t.Context(), id)
		return err
	})
	return r
}

// testDualRequests: requests come back whole at version 1; a decision is
// stored and bumps the version; a second decider holding the old version
// conflicts and changes nothing; lists by state are newest first and
// honour their limit.
func testDualRequests(t *testing.T, s store.Store) {
	ctx := t.Context()
	write(t, s, func(tx store.Tx) error {
		for _, a := range []access.Agent{
			newAgent("agent-1", "ana@example.gov", access.RoleAgent),
			newAgent("sup-1", "sue@example.gov", access.RoleSupervisor),
			newAgent("sup-2", "sam@example.gov", access.RoleSupervisor),
		} {
			if err := tx.InsertAgent(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	reqs := []store.DualRequest{
		{Kind: "account.suspend", Target: "acct-1", Reason: "fraude signalée « urgente »"},
		{Kind: "limiter.reset", Target: "acct-2", Detail: "phone_otp", Reason: "caller verified"},
		{Kind: "account.reinstate", Target: "acct-3", Reason: "appeal"},
		{Kind: "account.suspend", Target: "acct-4", Reason: "r4"},
		{Kind: "limiter.reset", Target: "acct-5", Detail: "personal_key", Reason: "r5"},
	}
	write(t, s, func(tx store.Tx) error {
		for i := range reqs {
			r := &reqs[i]
			r.RequestedBy, r.State = "agent-1", store.DualPending
			r.RequestedAt = t0.Add(time.Duration(i) * time.Minute).In(est)
			r.ExpiresAt = r.RequestedAt.Add(24 * time.Hour)
			if err := tx.InsertDualRequest(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	seen := map[int64]bool{}
	for i, r := range reqs {
		if r.ID == 0 || seen[r.ID] || r.Version != 1 {
			t.Errorf("request %d inserted with ID %d, Version %d; want a new non-zero ID at version 1", i, r.ID, r.Version)
		}
		seen[r.ID] = true
		same(t, fmt.Sprintf("DualRequest(%d)", r.ID), readDual(t, s, r.ID), r)
	}
	read(t, s, func(rd store.Reader) error {
		_, err := rd.DualRequest(ctx, 999)
		wantCode(t, "DualRequest(999)", err, fault.CodeNotFound)
		return nil
	})

	// Two supervisors open request 0; the first to decide wins.
	first, second := readDual(t, s, reqs[0].ID), readDual(t, s, reqs[0].ID)
	first.State, first.DecidedBy, first.DecidedAt = store.DualApproved, "sup-1", t0.Add(time.Hour)
	write(t, s, func(tx store.Tx) error { return tx.UpdateDualRequest(ctx, &first) })
	if first.Version != 2 {
		t.Errorf("UpdateDualRequest left Version %d, want 2", first.Version)
	}
	same(t, "after a decision", readDual(t, s, first.ID), first)
	second.State, second.DecidedBy, second.DecidedAt = store.DualRejected, "sup-2", t0.Add(2*time.Hour)
	var staleErr error
	write(t, s, func(tx store.Tx) error {
		staleErr = tx.UpdateDualRequest(ctx, &second)
		return nil
	})
	wantCode(t, "UpdateDualRequest with a stale version", staleErr, fault.CodeConflict)
	if !errors.Is(staleErr, fault.ErrConflict) {
		t.Errorf("errors.Is(%v, fault.ErrConflict) = false", staleErr)
	}
	if second.Version != 1 {
		t.Errorf("a refused UpdateDualRequest changed the caller's Version to %d", second.Version)
	}
	same(t, "after a stale decision", readDual(t, s, first.ID), first)
	missing := store.DualRequest{ID: 999, State: store.DualApproved, DecidedBy: "sup-1", DecidedAt: t0, Version: 1}
	wantCode(t, "UpdateDualRequest of a missing request", s.Write(ctx, func(tx store.Tx) error {
		return tx.UpdateDualRequest(ctx, &missing)
	}), fault.CodeConflict)

	// Decide the rest: 1 rejected, 2 expired by the system; 3, 4 pending.
	reqs[0] = first
	write(t, s, func(tx store.Tx) error {
		reqs[1].State, reqs[1].DecidedBy, reqs[1].DecidedAt = store.DualRejected, "sup-2", t0.Add(3*time.Hour)
		reqs[2].State, reqs[2].DecidedAt = store.DualExpired, reqs[2].ExpiresAt
		return errors.Join(tx.UpdateDualRequest(ctx, &reqs[1]), tx.UpdateDualRequest(ctx, &reqs[2]))
	})
	pick := func(is ...int) []store.DualRequest {
		var out []store.DualRequest
		for _, i := range is {
			out = append(out, reqs[i])
		}
		return out
	}
	for _, c := range []struct {
		state store.DualState
		limit int
		want  []store.DualRequest
	}{
		{store.DualPending, 10, pick(4, 3)},
		{store.DualPending, 1, pick(4)},
		{store.DualApproved, 10, pick(0)},
		{store.DualRejected, 10, pick(1)},
		{store.DualExpired, 10, pick(2)},
		{"", 10, pick(4, 3, 2, 1, 0)},
		{"", 2, pick(4, 3)},
	} {
		read(t, s, func(rd store.Reader) error {
			got, err := rd.DualRequests(ctx, c.state, c.limit)
			if len(got) == 0 {
				got = nil
			}
			same(t, fmt.Sprintf("DualRequests(%q, %d)", c.state, c.limit), got, c.want)
			return err
		})
	}
}
