package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/store/postgres/pgtest"
)

// runMain runs the binary's main in a child process, as an operator would.
func runMain(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "SUPPORTDESK_TEST_MAIN=1"), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Two serve processes on one PostgreSQL database take forms and mail
// through a flaky relay; one is killed with SIGKILL mid-stream. The other
// carries on (its mail worker takes over the dead one's leased rows when
// their lease lapses). Then every acknowledged form is stored, the audit
// chain verifies, and each outbox row reached the relay under one
// Message-ID only.
func TestTwoServesOnPostgresKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	db := pgtest.Database(t, "twoserves")
	dir := t.TempDir()
	env := []string{"XDG_DATA_HOME=" + dir, "SUPPORTDESK_KEY=" + filepath.Join(dir, "desk.key")}
	if out, err := runMain(t, env, "--db", db, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	relay, relayAddr := startFlakyRelay(t)
	relay.bad.Store(3)
	args := []string{"--intake-rate", "0", "--smtp", relayAddr, "--smtp-tls", "none",
		"--mail-timeout", "2s", "--mail-retry", "1s"}
	a := startServeEnv(t, db, env, args...)
	b := startServeEnv(t, db, env, args...)
	form := func(w, i int) map[string]string {
		return map[string]string{"email": fmt.Sprintf("pg%d.%d@example.com", w, i), "name": "Two Serves",
			"language": []string{"en", "es", "fr"}[i%3], "subject": "crash", "message": "kill -9 one of two"}
	}
	loadA := startFormLoad("http://"+serveAddr(t, a.Args)+"/v1/contact", 4, 10*time.Millisecond, form)
	loadB := startFormLoad("http://"+serveAddr(t, b.Args)+"/v1/contact", 4, 10*time.Millisecond,
		func(w, i int) map[string]string { return form(w+100, i) })
	loadA.waitFor(t, 150, 60*time.Second)
	loadB.waitFor(t, 150, 60*time.Second)
	for deadline := time.Now().Add(60 * time.Second); relay.total() < 20; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the relay accepted only %d messages", relay.total())
		}
	}
	if err := a.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	ackedA := loadA.stop()
	time.Sleep(500 * time.Millisecond) // b takes forms alone for a while
	ackedB := loadB.stop()
	relay.bad.Store(1)

	ctx := t.Context()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var queued int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE channel = 'email' AND status NOT IN ('sent', 'failed')`).Scan(&queued); err != nil {
			t.Fatal(err)
		}
		if queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox rows still queued three minutes after the kill", queued)
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.Process.Signal(syscall.SIGTERM)
	b.Wait()

	acked := append(ackedA, ackedB...)
	for _, ref := range acked {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM tickets WHERE ref = $1`, ref).Scan(&n); err != nil || n != 1 {
			t.Errorf("acknowledged %s: %d stored (%v)", ref, n, err)
		}
	}
	rows, err := conn.Query(ctx, `SELECT id, status, message_id FROM outbox WHERE channel = 'email' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var outbox []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.id, &r.status, &r.messageID); err != nil {
			t.Fatal(err)
		}
		outbox = append(outbox, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sent, failed, resent := relay.check(t, outbox)
	if len(outbox) < len(acked) {
		t.Errorf("%d outbox rows for %d acknowledged forms", len(outbox), len(acked))
	}
	out, err := runMain(t, env, "--db", db, "audit", "verify")
	if err != nil {
		t.Errorf("audit verify: %v\n%s", err, out)
	}
	t.Logf("%d forms acknowledged (%d by the killed process), %d outbox rows, %d sent (%d accepted more than once, same Message-ID), %d failed for good; audit verify: %s",
		len(acked), len(ackedA), len(outbox), sent, resent, failed, strings.TrimSpace(out))
}
