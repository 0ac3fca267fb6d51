package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"supportdesk/core/service"
	"supportdesk/core/store"
)

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
	addr := freePort(t)
	cmd := exec.Command(os.Args[0], "--db", db, "serve", "--http", addr, "--intake-rate", "0")
	cmd.Env = append(os.Environ(), "SUPPORTDESK_TEST_MAIN=1", "XDG_DATA_HOME="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	url := "http://" + addr + "/v1/contact"
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				body, _ := json.Marshal(map[string]string{"email": fmt.Sprintf("crash%d.%d@example.com", w, i), "name": "Crash Test",
					"language": "en", "subject": "crash", "message": "kill -9 me"})
				resp, err := http.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					continue
				}
				var ok struct{ Reference string }
				json.NewDecoder(resp.Body).Decode(&ok)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, ok.Reference)
					mu.Unlock()
				}
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d acknowledged", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	cancel()
	wg.Wait()
	svc, err := service.Open(context.Background(), service.Config{DBPath: db})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer svc.Close()
	if res, err := svc.Store.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	ctx = context.Background()
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
