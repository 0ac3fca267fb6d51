package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/core/clock"
	"supportdesk/core/fault"
	"supportdesk/core/mail"
	"supportdesk/core/store"
)

// serveProc is a serve run in a second process, its log kept.
type serveProc struct {
	cmd  *exec.Cmd
	log  *bytes.Buffer
	done chan struct{} // closed when the process has ended
}

// startServeLogged starts serve with extra environment and waits for addr.
func startServeLogged(t *testing.T, db, addr string, env []string, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), append([]string{"SUPPORTDESK_TEST_MAIN=1", "XDG_DATA_HOME=" + filepath.Dir(db), "LANG=C",
		"SUPPORTDESK_DB=" + db}, env...)...)
	p := &serveProc{cmd: cmd, log: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-p.done })
	for deadline := time.Now().Add(20 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns the exit status and the log records.
func (p *serveProc) stop(t *testing.T) (int, []map[string]any) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop")
	}
	var recs []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(p.log.Bytes()))
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Errorf("not a JSON record on stderr: %q", sc.Text())
			continue
		}
		recs = append(recs, r)
	}
	return p.cmd.ProcessState.ExitCode(), recs
}

// postForm sends one contact form and returns the status and reference.
func postForm(url string, form map[string]string) (int, string, error) {
	body, _ := json.Marshal(form)
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var ok struct{ Reference string }
	json.NewDecoder(resp.Body).Decode(&ok)
	return resp.StatusCode, ok.Reference, nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metricValue is the value of one sample line of a scrape, -1 when absent.
func metricValue(scrape, series string) float64 {
	for _, l := range strings.Split(scrape, "\n") {
		if rest, ok := strings.CutPrefix(l, series+" "); ok {
			var v float64
			fmt.Sscan(rest, &v)
			return v
		}
	}
	return -1
}

// One serve, configured from a flag, a variable and a file, takes forms,
// sends their acknowledgements, receives a reply by mail, answers /healthz
// and /metrics, and stops on SIGTERM in order; its log is JSON records
// only, with no address, name or text a person sent.
func TestServeOperations(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "ops.db")
	httpAddr, metricsAddr, mailAddr := freePort(t), freePort(t), freePort(t)
	mailDir := filepath.Join(dir, "sent")
	conf := filepath.Join(dir, "serve.toml")
	os.WriteFile(conf, []byte(fmt.Sprintf("[serve]\nmail_dir = %q\nintake_rate = 0\nmail_from = \"Support <support@desk.example>\"\nlog_level = \"debug\"\n", mailDir)), 0o600)
	p := startServeLogged(t, db, httpAddr, []string{"SUPPORTDESK_METRICS=" + metricsAddr, "SUPPORTDESK_MAIL_IN=" + mailAddr,
		"SUPPORTDESK_CONFIG=" + conf}, "--http", httpAddr)
	url := "http://" + httpAddr + "/v1/contact"
	secrets := []string{"zoe.personne@example.org", "Zoë Personne", "Mon téléphone est perdu", "pablo.persona@example.net", "ana@example.org"}
	for i := range 5 {
		form := map[string]string{"email": fmt.Sprintf("zoe.personne+%d@example.org", i), "name": "Zoë Personne", "language": "fr",
			"subject": "Mon téléphone est perdu", "message": "Mon téléphone est perdu depuis hier."}
		if i == 4 {
			form["email"], form["language"] = "pablo.persona@example.net", "es"
		}
		if code, _, err := postForm(url, form); err != nil || code != http.StatusCreated {
			t.Fatalf("form %d: %d %v", i, code, err)
		}
	}
	if code, _, _ := postForm(url, map[string]string{"email": "not-an-address", "name": "Zoë Personne", "language": "fr",
		"subject": "x", "message": "x"}); code != http.StatusBadRequest {
		t.Fatalf("bad form: %d", code)
	}
	// The reply matches no ticket: held for agents.
	c, err := smtp.Dial(mailAddr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("ana@example.org", []string{"reply+abc@desk.example"}, strings.NewReader(replyMail)); err != nil {
		t.Fatalf("mail-in: %v", err)
	}
	c.Quit()

	code, body := get(t, "http://"+httpAddr+"/healthz")
	var health struct {
		Status string
		Schema int
	}
	if json.Unmarshal([]byte(body), &health); code != http.StatusOK || health.Status != "ok" || health.Schema < 1 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, _ := get(t, "http://"+httpAddr+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the HTTP listener with --metrics set: %d", code)
	}
	// The acknowledgements go out within a few polls of the outbox; the
	// queue and outbox gauges are cached for 5 s.
	var scrape string
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, scrape = get(t, "http://"+metricsAddr+"/metrics")
		if metricValue(scrape, "supportdesk_outbox_backlog") == 0 && metricValue(scrape, `supportdesk_queue_depth{language="fr",state="on_track"}`) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backlog never drained, or the queue never showed:\n%s", scrape)
		}
		time.Sleep(500 * time.Millisecond)
	}
	for series, want := range map[string]float64{
		`supportdesk_intake_requests_total{outcome="created"}`:                 5,
		`supportdesk_intake_requests_total{outcome="invalid"}`:                 1,
		`supportdesk_intake_duration_seconds_count`:                            6,
		`supportdesk_http_request_duration_seconds_count{route="/v1/contact"}`: 6,
		`supportdesk_http_request_duration_seconds_count{route="/healthz"}`:    1,
		`supportdesk_mail_in_deliveries_total{disposition="held"}`:             1,
		`supportdesk_queue_depth{language="es",state="on_track"}`:              1,
		`supportdesk_queue_depth{language="en",state="breached"}`:              0,
		`supportdesk_outbox_failed`:                                            0,
		`supportdesk_sessions`:                                                 0,
	} {
		if got := metricValue(scrape, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if sent := sentMail(mailDir); len(sent) != 5 {
		t.Errorf("%d acknowledgements written, want 5", len(sent))
	}
	status, recs := p.stop(t)
	if status != 0 {
		t.Fatalf("exit %d:\n%s", status, p.log)
	}
	var msgs []string
	for _, r := range recs {
		msgs = append(msgs, fmt.Sprint(r["msg"]))
	}
	order := []string{"mail-in listening", "serve started", "shutdown: signal received", "shutdown: stop accepting",
		"shutdown: HTTP requests done", "shutdown: intake batch committed", "shutdown: jobs and outbox stopped", "stopped"}
	at := 0
	for _, m := range msgs {
		if at < len(order) && strings.HasPrefix(m, order[at]) {
			at++
		}
	}
	if at != len(order) {
		t.Errorf("log steps %q, want in order %q", msgs, order)
	}
	if !slicesContains(msgs, "mail-in delivered") || !slicesContains(msgs, "shutdown: mail-in deliveries done") {
		t.Errorf("no mail-in records: %q", msgs)
	}
	// No person's data in the log, and no email address at all.
	log := p.log.String()
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the log holds %q", s)
		}
	}
	if m := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+`).FindString(log); m != "" {
		t.Errorf("the log holds an address: %q\n%s", m, log)
	}
	if strings.Count(log, "\n") > 30 {
		t.Errorf("%d log lines for six requests: refusals are counted, not logged\n%s", strings.Count(log, "\n"), log)
	}
}

func slicesContains(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// SIGTERM during a contact-form load: every form answered 201 is stored,
// the acknowledgements are queued or sent and none is left leased, the
// audit chain verifies, and serve exits 0 having logged each step.
func TestSigtermUnderLoadLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "term.db")
	addr := freePort(t)
	p := startServeLogged(t, db, addr, []string{"SUPPORTDESK_INTAKE_RATE=0", "SUPPORTDESK_MAIL_DIR=" + filepath.Join(dir, "sent")},
		"--http", addr, "--mail-retry", "1s")
	url := "http://" + addr + "/v1/contact"
	load := startFormLoad(url, 16, 0, func(w, i int) map[string]string {
		return map[string]string{"email": fmt.Sprintf("term%d.%d@example.com", w, i),
			"name": "Term Test", "language": "en", "subject": "sigterm", "message": "stop me gently"}
	})
	load.waitFor(t, 300, 30*time.Second)
	stoppedAt := time.Now()
	status, recs := p.stop(t)
	acked := load.stop()
	if status != 0 {
		t.Fatalf("exit %d:\n%s", status, p.log)
	}
	var last string
	for _, r := range recs {
		last = fmt.Sprint(r["msg"])
	}
	if last != "stopped" {
		t.Errorf("last record %q", last)
	}
	svc := openDB(t, db, clock.System{})
	bg := context.Background()
	svc.Store.Read(bg, func(r store.Reader) error {
		for _, ref := range acked {
			if _, err := r.TicketByRef(bg, ref); err != nil {
				t.Errorf("acknowledged %s lost: %v", ref, err)
			}
		}
		return nil
	})
	svc.Close()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	var acks, leased int
	raw.QueryRow(`SELECT count(*) FROM outbox WHERE ticket_id <> 0`).Scan(&acks)
	raw.QueryRow(`SELECT count(*) FROM outbox WHERE status = 'queued' AND next_attempt > ?`, stoppedAt.Add(20*time.Second).UnixMilli()).Scan(&leased)
	raw.Close()
	if acks < len(acked) || leased != 0 {
		t.Errorf("%d acknowledgements for %d tickets; %d rows still leased after shutdown", acks, len(acked), leased)
	}
	code, out, errOut := cli(t, "", "--db", db, "audit", "verify")
	if code != exitOK || !strings.Contains(out, "ok:") {
		t.Fatalf("audit verify: %d %q %q", code, out, errOut)
	}
	t.Logf("%d acknowledged before SIGTERM, all stored; %s", len(acked), strings.TrimSpace(out))
}

// failingTransport fails every send with err.
type failingTransport struct{ err error }

func (f failingTransport) Send(context.Context, *mail.Message) error { return f.err }

// A failed send is logged by its codes: no recipient, no relay text.
func TestMailSendFailuresAreLoggedByCode(t *testing.T) {
	t.Parallel()
	msg := &mail.Message{To: "zoe.personne@example.org", From: "support@desk.example", Subject: "Votre demande SD-2026-000001", Language: "fr"}
	for _, tc := range []struct {
		err  error
		want []string
	}{
		{&mail.SendError{Stage: "rcpt", Code: 550, Enhanced: "5.1.1", Permanent: true,
			Err: errors.New("550 5.1.1 <zoe.personne@example.org>: Recipient address rejected")},
			[]string{`"stage":"rcpt"`, `"smtp_code":550`, `"smtp_enhanced":"5.1.1"`, `"permanent":true`}},
		{mail.Permanent(errors.New("recipient zoe.personne@example.org is not an email address")),
			[]string{`"error":"recipient [address] is not an email address"`, `"permanent":true`}},
		{errors.New("dial tcp 192.0.2.1:587: connection refused"), []string{`"permanent":false`, "connection refused"}},
	} {
		var buf bytes.Buffer
		tr := loggedTransport{failingTransport{tc.err}, newLogger(&buf, "json", slog.LevelInfo)}
		if err := tr.Send(context.Background(), msg); err != tc.err {
			t.Errorf("Send returned %v, want the transport's error", err)
		}
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("log %s lacks %s", buf.String(), w)
			}
		}
		if strings.Contains(buf.String(), "@") || strings.Contains(buf.String(), "SD-2026") {
			t.Errorf("log holds personal data: %s", buf.String())
		}
	}
}

// flaky fails while it is told to, keeping its latest failure as the
// PostgreSQL presence registry does.
type flaky struct {
	mu  sync.Mutex
	err error
}

func (f *flaky) fail(err error) { f.mu.Lock(); f.err = err; f.mu.Unlock() }

func (f *flaky) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.err
	f.err = nil
	return err
}

// A part that keeps its failures for the log (presence on PostgreSQL) is
// logged once a period while it fails, with the error's code and the
// password in a URL redacted, and not at all while it works.
func TestLogFailuresOncePerPeriod(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	p := &flaky{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { logFailures(ctx, p, 20*time.Millisecond, logger, "presence failing"); close(done) }()
	time.Sleep(70 * time.Millisecond)
	if n := strings.Count(buf.String(), "presence failing"); n != 0 {
		t.Fatalf("%d records while nothing failed", n)
	}
	p.fail(fault.Storage(errors.New("dial postgres://desk:hunter2@db.internal/desk: refused")))
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(buf.String(), "presence failing") {
		if time.Now().After(deadline) {
			t.Fatal("a failure was never logged")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(70 * time.Millisecond) // periods with no new failure log nothing more
	cancel()
	<-done
	out := buf.String()
	if n := strings.Count(out, "presence failing"); n != 1 {
		t.Errorf("%d records for one failure, want 1:\n%s", n, out)
	}
	if strings.Contains(out, "hunter2") || !strings.Contains(out, `"code":"storage"`) {
		t.Errorf("record leaks the password or lacks the code:\n%s", out)
	}
}

// syncBuffer is a bytes.Buffer safe to write from a goroutine and read.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
