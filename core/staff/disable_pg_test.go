package staff_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/access"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store/postgres"
	"supportdesk/core/store/postgres/pgtest"
)

// On PostgreSQL every staff call locks its session row and then its agent
// row. Disabling an agent, or removing its key, ends its sessions and must
// take its locks in that order too: taken the other way (agent, then its
// sessions) they deadlocked with the agent's own call, and PostgreSQL broke
// the deadlock a second later by failing one of the two.
func TestEndingSessionsLocksInTheOrderOfAStaffCallOnPostgres(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"disable", "remove key"} {
		t.Run(action, func(t *testing.T) {
			t.Parallel()
			endSessionsBesideACall(t, action)
		})
	}
}

func endSessionsBesideACall(t *testing.T, action string) {
	ctx := context.Background()
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u, "disable")
	st, err := postgres.Open(ctx, u, postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.Open(ctx, st, service.Config{KeyPath: filepath.Join(t.TempDir(), "desk.key"),
		Clock: clock.NewFake(coretest.Start), Sender: &coretest.Sender{}, Argon: coretest.FastArgon})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	admin := coretest.AddStaff(t, svc, staff.NewAgent{Email: "root@desk.example", Role: access.RoleAdmin})
	target := coretest.AddStaff(t, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	line, fp := newKey(t)
	if _, err := svc.Staff.AddKey(ctx, admin.Token, "a@desk.example", line); err != nil {
		t.Fatal(err)
	}

	// The target's own call, half way: its session row locked, its agent
	// row next.
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "SET search_path TO "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	call, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer call.Rollback(ctx)
	if _, err := call.Exec(ctx, "SELECT 1 FROM staff_sessions WHERE agent_id = $1 FOR UPDATE", target.AgentID); err != nil {
		t.Fatal(err)
	}
	disabled := make(chan error, 1)
	go func() {
		var err error
		if action == "disable" {
			_, err = svc.Staff.Disable(ctx, admin.Token, "a@desk.example")
		} else {
			_, err = svc.Staff.RemoveKey(ctx, admin.Token, "a@desk.example", fp)
		}
		disabled <- err
	}()
	time.Sleep(300 * time.Millisecond) // the admin's call waits for a lock the agent's holds
	if _, err := call.Exec(ctx, "SELECT 1 FROM agents WHERE id = $1 FOR UPDATE", target.AgentID); err != nil {
		t.Fatalf("the target's call, locking its agent row: %v", err)
	}
	if err := call.Commit(ctx); err != nil {
		t.Fatalf("the target's call: %v", err)
	}
	select {
	case err := <-disabled:
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s still waiting after the agent's call ended", action)
	}
	if _, err := svc.Staff.Whoami(ctx, target.Token); err == nil {
		t.Fatalf("after %s the agent's session still answers", action)
	}
}
