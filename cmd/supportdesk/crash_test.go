package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/notify"
	"supportdesk/core/service"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
)

// openDB opens the core on a database file the way the binary does.
func openDB(t *testing.T, db string, c clock.Clock) *service.Service {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", db, err)
	}
	svc, err := service.Open(context.Background(), st, service.Config{KeyPath: db + ".key", Clock: c,
		Sender: &authn.FileSender{Path: db + ".sms.log"}, Argon: coretest.FastArgon})
	if err != nil {
		t.Fatalf("open %s: %v", db, err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// startServe runs `serve` in a second process and waits for its port.
func startServe(t *testing.T, db string, args ...string) *exec.Cmd {
	t.Helper()
	return startServeEnv(t, db, []string{"XDG_DATA_HOME=" + filepath.Dir(db)}, args...)
}

// startServeEnv is startServe with the child's environment added to.
func startServeEnv(t *testing.T, db string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(os.Args[0], append([]string{"--db", db, "serve", "--http", addr}, args...)...)
	cmd.Env = append(append(os.Environ(), "SUPPORTDESK_TEST_MAIN=1"), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return cmd
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A reset requested more than 24 hours before serve starts is granted by
// its jobs runner within a minute, with its notices queued.
func TestServeGrantsADueAccountReset(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	db := filepath.Join(t.TempDir(), "reset.db")
	ctx := context.Background()
	prep := openDB(t, db, clock.NewFake(time.Now().Add(-25*time.Hour)))
	id, err := prep.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "lost@example.org",
		Password: "a long enough password", Language: "es", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	p, err := prep.Auth.SignIn(ctx, "lost@example.org", "a long enough password", "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if err := prep.Auth.RequestReset(ctx, p); err != nil {
		t.Fatal(err)
	}
	prep.Close()
	startServe(t, db, "--mail-dir", filepath.Join(filepath.Dir(db), "mail"))
	svc := openDB(t, db, clock.System{})
	deadline := time.Now().Add(time.Minute)
	for {
		var r *account.Reset
		queued := 0
		err := svc.Store.Read(ctx, func(rd store.Reader) error {
			var err error
			if r, err = rd.Reset(ctx, id); err != nil {
				return err
			}
			rows, err := rd.Outbox(ctx, id)
			for _, n := range rows {
				if n.Template == notify.TemplateResetGranted {
					queued++
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r != nil && !r.GrantedAt.IsZero() && queued == 2 {
			t.Logf("granted after %v", time.Minute-time.Until(deadline))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not granted within a minute: %+v, %d notices", r, queued)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestMain lets a test start this package's main as a second process: the
// crash test kills it with SIGKILL mid-stream.
func TestMain(m *testing.M) {
	if os.Getenv("SUPPORTDESK_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestKillNineDuringIntakeLosesNoAcknowledgedTicket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.db")
	cmd := startServe(t, db, "--intake-rate", "0")
	url := "http://" + serveAddr(t, cmd.Args) + "/v1/contact"
	load := startFormLoad(url, 16, 0, func(w, i int) map[string]string {
		return map[string]string{"email": fmt.Sprintf("crash%d.%d@example.com", w, i), "name": "Crash Test",
			"language": "en", "subject": "crash", "message": "kill -9 me"}
	})
	load.waitFor(t, 400, 20*time.Second)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	acked := load.stop()
	svc := openDB(t, db, clock.System{})
	m, _ := svc.Maintain()
	if res, err := m.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	ctx := context.Background()
	svc.Store.Read(ctx, func(r store.Reader) error {
		for _, ref := range acked {
			if _, err := r.TicketByRef(ctx, ref); err != nil {
				t.Errorf("acknowledged %s lost: %v", ref, err)
			}
		}
		n, _ := r.CountTickets(ctx)
		if n < int64(len(acked)) {
			t.Errorf("%d stored < %d acknowledged", n, len(acked))
		}
		return nil
	})
	t.Logf("%d acknowledged before SIGKILL, all present", len(acked))
}
