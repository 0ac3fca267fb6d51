package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// testStaffSessions: a session is found by its token hash, whole;
// activity moves ActiveAt forward only and only while the session lives;
// ending one session, or every live session of an agent, is counted and
// final; LiveAgents lists, once each, agents with a live session created
// after a time.
func testStaffSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	write(t, s, func(tx store.Tx) error {
		for _, id := range []string{"agent-1", "agent-2", "agent-3"} {
			if err := tx.InsertAgent(ctx, newAgent(id, id+"@example.gov", access.RoleAgent)); err != nil {
				return err
			}
		}
		return nil
	})
	sess := []store.StaffSession{
		{ID: "s1", TokenHash: fp("tok1"), AgentID: "agent-1", Kind: "tty", CreatedAt: t0, ActiveAt: t0},
		{ID: "s2", TokenHash: fp("tok2"), AgentID: "agent-1", Kind: "ssh", CreatedAt: t0.Add(time.Minute).In(est), ActiveAt: t0.Add(time.Minute)},
		{ID: "s3", TokenHash: fp("tok3"), AgentID: "agent-2", Kind: "ssh", CreatedAt: t0.Add(2 * time.Minute), ActiveAt: t0.Add(2 * time.Minute)},
		{ID: "s4", TokenHash: fp("tok4"), AgentID: "agent-3", Kind: "tty", CreatedAt: t0.Add(-time.Hour), ActiveAt: t0.Add(-time.Hour),
			EndedAt: t0.Add(-time.Minute), EndReason: "signed_out"},
	}
	write(t, s, func(tx store.Tx) error {
		for _, ss := range sess {
			if err := tx.InsertStaffSession(ctx, ss); err != nil {
				return err
			}
		}
		return nil
	})
	check := func(what string) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			for _, w := range sess {
				got, err := r.StaffSession(ctx, w.TokenHash)
				same(t, fmt.Sprintf("%s: StaffSession %s", what, w.ID), got, w)
				if err != nil {
					return err
				}
			}
			_, err := r.StaffSession(ctx, fp("no such token"))
			wantCode(t, what+": StaffSession of an unknown token", err, fault.CodeNotFound)
			return nil
		})
	}
	live := func(what string, after time.Time, want ...string) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			got, err := r.LiveAgents(ctx, after)
			slices.Sort(got)
			if len(got) == 0 {
				got = nil
			}
			same(t, what, got, want)
			return err
		})
	}
	check("inserted")
	live("LiveAgents", t0.Add(-24*time.Hour), "agent-1", "agent-2")
	live("LiveAgents created after the first session", t0, "agent-1", "agent-2")
	live("LiveAgents created after the second", t0.Add(time.Minute), "agent-2")

	wantCode(t, "InsertStaffSession with a used id", s.Write(ctx, func(tx store.Tx) error {
		return tx.InsertStaffSession(ctx, store.StaffSession{ID: "s1", TokenHash: fp("tok9"), AgentID: "agent-1", Kind: "tty", CreatedAt: t0})
	}), fault.CodeConflict)

	// Activity moves forward only; an ended session takes none.
	write(t, s, func(tx store.Tx) error {
		if err := tx.TouchStaffSession(ctx, "s1", t0.Add(10*time.Minute)); err != nil {
			return err
		}
		return tx.TouchStaffSession(ctx, "s1", t0.Add(5*time.Minute))
	})
	sess[0].ActiveAt = t0.Add(10 * time.Minute)
	wantCode(t, "TouchStaffSession of an ended session", s.Write(ctx, func(tx store.Tx) error {
		return tx.TouchStaffSession(ctx, "s4", t0.Add(time.Hour))
	}), fault.CodeNotFound)
	wantCode(t, "TouchStaffSession of a missing session", s.Write(ctx, func(tx store.Tx) error {
		return tx.TouchStaffSession(ctx, "s9", t0.Add(time.Hour))
	}), fault.CodeNotFound)
	check("touched")

	// Ending: one session, then every live one of an agent.
	write(t, s, func(tx store.Tx) error { return tx.EndStaffSession(ctx, "s3", t0.Add(20*time.Minute), "idle") })
	sess[2].EndedAt, sess[2].EndReason = t0.Add(20*time.Minute), "idle"
	wantCode(t, "EndStaffSession of an ended session", s.Write(ctx, func(tx store.Tx) error {
		return tx.EndStaffSession(ctx, "s3", t0.Add(time.Hour), "again")
	}), fault.CodeNotFound)
	var n int
	write(t, s, func(tx store.Tx) (err error) {
		n, err = tx.EndAgentSessions(ctx, "agent-1", t0.Add(30*time.Minute), "disabled")
		return err
	})
	if n != 2 {
		t.Errorf("EndAgentSessions ended %d sessions, want 2", n)
	}
	for _, i := range []int{0, 1} {
		sess[i].EndedAt, sess[i].EndReason = t0.Add(30*time.Minute), "disabled"
	}
	write(t, s, func(tx store.Tx) (err error) {
		n, err = tx.EndAgentSessions(ctx, "agent-1", t0.Add(time.Hour), "again")
		return err
	})
	if n != 0 {
		t.Errorf("EndAgentSessions with none live ended %d, want 0", n)
	}
	check("ended")
	live("LiveAgents after every session ended", t0.Add(-24*time.Hour))
}
