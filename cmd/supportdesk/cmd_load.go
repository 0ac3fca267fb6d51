package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// load posts contact forms to a running `serve` from a second process and
// reports throughput; `load verify` checks afterwards that every
// acknowledged reference is stored.
func (a *app) load(args []string) int {
	if len(args) > 0 && args[0] == "verify" {
		return a.loadVerify(args[1:])
	}
	fs := a.flags("load", "cli.usage.load")
	url := fs.String("url", "http://127.0.0.1:8080/v1/contact", a.l.T("cli.flag.url"))
	forms := fs.Int("forms", 10000, a.l.T("cli.flag.forms"))
	conc := fs.Int("concurrency", 64, a.l.T("cli.flag.concurrency"))
	acked := fs.String("acked", "", a.l.T("cli.flag.acked"))
	sshAddr := fs.String("ssh", "", a.l.T("cli.flag.load_ssh"))
	sessions := fs.Int("sessions", 200, a.l.T("cli.flag.load_sessions"))
	moves := fs.Int("moves", 20, a.l.T("cli.flag.load_moves"))
	pid := fs.Int("serve-pid", 0, a.l.T("cli.flag.serve_pid"))
	think := fs.Duration("think", 250*time.Millisecond, a.l.T("cli.flag.load_think"))
	ramp := fs.Duration("ramp", 10*time.Second, a.l.T("cli.flag.load_ramp"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if *sshAddr != "" {
		if *sessions < 1 || *moves < 0 || *think < 0 || *ramp < 0 {
			return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--sessions/--moves"}))
		}
		return a.loadSSH(*sshAddr, a.dbPath(false), *sessions, *moves, *pid, *think, *ramp)
	}
	if *forms < 1 || *conc < 1 {
		return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--forms/--concurrency"}))
	}
	var out io.Writer = io.Discard
	var outMu sync.Mutex
	if *acked != "" {
		f, err := os.OpenFile(*acked, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return a.failErr(fault.Storage(err))
		}
		defer f.Close()
		out = f
	}
	ctx, cancel := interruptible()
	defer cancel()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}}
	var next atomic.Int64
	var mu sync.Mutex
	statuses := map[int]int{}
	var lat []time.Duration
	langs := []string{"en", "es", "fr"}
	cats := []string{"sign_in", "lost_mfa", "proofing", "account_locked", "email_change", "other"}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(*forms) {
					return
				}
				body, _ := json.Marshal(map[string]string{"email": fmt.Sprintf("load%d@example.com", i), "name": "Load Test",
					"language": langs[i%3], "category": cats[i%6], "subject": fmt.Sprintf("Load test form %d", i),
					"message": strings.Repeat("Hello, I cannot sign in. ", 8)})
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, *url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				code := -1
				var ref string
				if err == nil {
					code = resp.StatusCode
					var ok struct{ Reference string }
					json.NewDecoder(resp.Body).Decode(&ok)
					resp.Body.Close()
					ref = ok.Reference
				}
				d := time.Since(t0)
				mu.Lock()
				statuses[code]++
				lat = append(lat, d)
				mu.Unlock()
				if code == http.StatusCreated {
					outMu.Lock()
					fmt.Fprintln(out, ref)
					outMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Fprintln(a.stdout, a.l.T("cli.load.result", map[string]any{"Created": a.l.Number(int64(statuses[http.StatusCreated])),
		"Total": a.l.Number(int64(len(lat))), "Seconds": a.decimal(elapsed.Seconds(), 2),
		"Rate": a.l.Number(int64(float64(statuses[http.StatusCreated]) / elapsed.Seconds())),
		"P50":  q(0.5).Round(time.Microsecond).String(), "P99": q(0.99).Round(time.Microsecond).String()}))
	codes := make([]int, 0, len(statuses))
	for c := range statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Fprintf(a.stdout, "  HTTP %d: %d\n", c, statuses[c])
	}
	if statuses[http.StatusCreated] != *forms {
		return exitFail
	}
	return exitOK
}

// loadVerify checks the database against a file of acknowledged references.
func (a *app) loadVerify(args []string) int {
	fs := a.flags("load verify", "cli.usage.load")
	acked := fs.String("acked", "", a.l.T("cli.flag.acked"))
	sshAddr := fs.String("ssh", "", a.l.T("cli.flag.load_ssh"))
	sessions := fs.Int("sessions", 200, a.l.T("cli.flag.load_sessions"))
	moves := fs.Int("moves", 20, a.l.T("cli.flag.load_moves"))
	pid := fs.Int("serve-pid", 0, a.l.T("cli.flag.serve_pid"))
	think := fs.Duration("think", 250*time.Millisecond, a.l.T("cli.flag.load_think"))
	ramp := fs.Duration("ramp", 10*time.Second, a.l.T("cli.flag.load_ramp"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if *sshAddr != "" {
		if *sessions < 1 || *moves < 0 || *think < 0 || *ramp < 0 {
			return a.fail(exitUsage, a.l.T("cli.error.flag", map[string]any{"Detail": "--sessions/--moves"}))
		}
		return a.loadSSH(*sshAddr, a.dbPath(false), *sessions, *moves, *pid, *think, *ramp)
	}
	f, err := os.Open(*acked)
	if err != nil {
		return a.failErr(fault.Storage(err))
	}
	defer f.Close()
	ctx := context.Background()
	svc, err := a.open(ctx, a.dbPath(false), openOptions{})
	if err != nil {
		return a.failErr(err)
	}
	defer svc.Close()
	integrity := "ok"
	if m, ok := svc.Maintain(); ok {
		if integrity, err = m.IntegrityCheck(ctx); err != nil {
			return a.failErr(fault.Storage(err))
		}
	}
	acks, missing, stored := 0, 0, int64(0)
	err = svc.Store.Read(ctx, func(r store.Reader) error {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ref := strings.TrimSpace(sc.Text())
			if ref == "" {
				continue
			}
			acks++
			if _, err := r.TicketByRef(ctx, ref); fault.CodeOf(err) == fault.CodeNotFound {
				missing++
			} else if err != nil {
				return err
			}
		}
		var err error
		stored, err = r.CountTickets(ctx)
		return err
	})
	if err != nil {
		return a.failErr(err)
	}
	fmt.Fprintln(a.stdout, a.l.T("cli.load.verify", map[string]any{"Integrity": integrity, "Acked": a.l.Number(int64(acks)),
		"Missing": a.l.Number(int64(missing)), "Stored": a.l.Number(stored)}))
	if integrity != "ok" || missing > 0 {
		return exitFail
	}
	return exitOK
}
