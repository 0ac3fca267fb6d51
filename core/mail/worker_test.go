package mail

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/core/clock"
	"supportdesk/core/notify"
	"supportdesk/core/secret"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
)

const (
	jose      = "jose@example.com"
	from      = "Centro de atención <soporte@desk.example.gov>"
	ackRef    = "SD-2026-000123"
	ackAAD    = "ticket:7"
	accountID = "3f0c8a6e-0000-4000-8000-000000000001"
)

// testRenderer stands in for package i18n, which core cannot import.
type testRenderer struct{}

func (testRenderer) RenderMail(n notify.Notification) (string, string, error) {
	switch string(n.Template) + "/" + n.Language {
	case "ticket_ack/es":
		return "Acuse de recibo de su solicitud n.º " + n.Data["ref"],
			"Hola, " + n.Data["name"] + ":\n\nRecibimos su solicitud " + n.Data["ref"] +
				".\nLe responderemos a más tardar el lunes, 30 de noviembre de 2026.\n\nEl equipo del centro de atención", nil
	case "ticket_ack/fr":
		return "Accusé de réception de votre demande " + n.Data["ref"],
			"Bonjour,\n\nNous vous répondrons au plus tard le lundi 30 novembre 2026.\n\nL'équipe du centre de contact", nil
	case "ticket_reply/es":
		return "Respuesta a su solicitud " + n.Data["ref"], n.Data["body"], nil
	case "method_added/fr":
		return "Une méthode d'authentification a été ajoutée à votre compte",
			"Bonjour,\n\nCette méthode a été ajoutée\u00a0: " + n.Data["kind"] + ".\n\nL'équipe du centre de contact", nil
	}
	return "", "", fmt.Errorf("no text for %s in %q", n.Template, n.Language)
}

// backend is what the worker runs on: a store on a temporary database and
// a key file. (The whole core, coretest.Open, would import this package.)
type backend struct {
	Store store.Store
	Keys  *secret.Keyring
}

// start is the fake clock's starting instant, coretest.Start.
var start = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

func openBackend(t *testing.T) *backend {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	st, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, _, err := secret.LoadOrCreate(path + ".key")
	if err != nil {
		t.Fatal(err)
	}
	return &backend{Store: st, Keys: keys}
}

// fixture is a store on a temporary database with a worker over it.
type fixture struct {
	svc *backend
	clk *clock.Fake
	w   *Worker
}

func newFixture(t *testing.T, tr Transport) *fixture {
	t.Helper()
	svc, clk := openBackend(t), clock.NewFake(start)
	return &fixture{svc: svc, clk: clk, w: &Worker{Store: svc.Store, Keys: svc.Keys, Clock: clk,
		Renderer: testRenderer{}, Transport: tr, From: from, Domain: "desk.example.gov"}}
}

// enqueue seals to with the row's AAD (the contact AAD when n.AAD is
// empty) and stores the row as the engine would.
func (f *fixture) enqueue(t *testing.T, n notify.Notification, to string) notify.Notification {
	t.Helper()
	aad := n.AAD
	if aad == "" {
		aad = "contact:" + n.AccountID
	}
	return f.enqueueSealed(t, n, f.svc.Keys.Seal([]byte(to), []byte(aad)))
}

// enqueueSealed stores a row with the sealed recipient given.
func (f *fixture) enqueueSealed(t *testing.T, n notify.Notification, sealed []byte) notify.Notification {
	t.Helper()
	n.ToSealed = sealed
	if n.CreatedAt.IsZero() {
		n.CreatedAt, n.NextAttempt = f.clk.Now(), f.clk.Now()
	}
	if n.Channel == "" {
		n.Channel = notify.ChannelEmail
	}
	if err := f.svc.Store.Write(t.Context(), func(tx store.Tx) error { return tx.Enqueue(t.Context(), &n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func ack(lang string) notify.Notification {
	return notify.Notification{TicketID: 7, Template: notify.TemplateTicketAck, Language: lang, AAD: ackAAD,
		Data: map[string]string{"ref": ackRef, "name": "José", "due": "2026-11-30T19:30:00-05:00"}}
}

func methodAdded() notify.Notification {
	return notify.Notification{AccountID: accountID, Template: notify.TemplateMethodAdded, Language: "fr",
		Data: map[string]string{"kind": "auth_app"}}
}

// row reads an outbox row back.
func (f *fixture) row(t *testing.T, n notify.Notification) notify.Notification {
	t.Helper()
	var rows []notify.Notification
	err := f.svc.Store.Read(t.Context(), func(r store.Reader) error {
		var err error
		if n.TicketID != 0 {
			rows, err = r.TicketOutbox(t.Context(), n.TicketID)
		} else {
			rows, err = r.Outbox(t.Context(), n.AccountID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == n.ID {
			return r
		}
	}
	t.Fatalf("row %d not found", n.ID)
	return notify.Notification{}
}

func (f *fixture) runOnce(t *testing.T, wantSent, wantFailed int) {
	t.Helper()
	sent, failed, err := f.w.RunOnce(t.Context())
	if err != nil || sent != wantSent || failed != wantFailed {
		t.Fatalf("RunOnce = %d sent, %d failed, %v; want %d, %d, nil", sent, failed, err, wantSent, wantFailed)
	}
}

var messageIDPattern = regexp.MustCompile(`^<outbox-[0-9]+\.[a-z2-7]{13}@desk\.example\.gov>$`)

// parse reads a received message and its decoded body.
func parse(t *testing.T, data []byte) (*netmail.Message, string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, data)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return msg, strings.TrimRight(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n")
}

func TestWorkerDeliversOverSMTP(t *testing.T) {
	t.Parallel()
	for _, mode := range []TLSMode{TLSNone, TLSStartTLS, TLSImplicit} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			ts, clientTLS := startServer(t, serverOpts{mode: mode, user: "desk", pass: "s3cret"})
			tr := &SMTP{Host: ts.Host, Port: ts.Port, Mode: mode, Username: "desk", Password: "s3cret",
				HeloName: "desk.example.gov", TLSConfig: clientTLS, Timeout: 5 * time.Second}
			f := newFixture(t, tr)
			es := f.enqueue(t, ack("es"), jose)
			fr := f.enqueue(t, methodAdded(), jose)
			f.w.Senders = 1 // in order: the account notice first
			f.runOnce(t, 2, 0)

			got := ts.accepted()
			if len(got) != 2 {
				t.Fatalf("server accepted %d messages, want 2", len(got))
			}
			wantSubjects := []string{"Une méthode d'authentification a été ajoutée à votre compte",
				"Acuse de recibo de su solicitud n.º " + ackRef}
			for i, n := range []notify.Notification{fr, es} {
				r := f.row(t, n)
				m := got[i]
				if m.From != "soporte@desk.example.gov" || !slices.Equal(m.To, []string{jose}) {
					t.Errorf("envelope %q -> %q", m.From, m.To)
				}
				if m.TLS != (mode != TLSNone) || m.User != "desk" || m.Helo != "desk.example.gov" {
					t.Errorf("session: TLS %v, user %q, helo %q", m.TLS, m.User, m.Helo)
				}
				msg, body := parse(t, m.Data)
				h := msg.Header
				if id := h.Get("Message-ID"); id != r.MessageID || !messageIDPattern.MatchString(id) {
					t.Errorf("Message-ID %q, row has %q", id, r.MessageID)
				}
				if d, err := h.Date(); err != nil || !d.Equal(n.CreatedAt.Truncate(time.Second)) {
					t.Errorf("Date %q (%v), want %v", h.Get("Date"), err, n.CreatedAt)
				}
				if got := h.Get("Content-Language"); got != n.Language {
					t.Errorf("Content-Language %q, want %q", got, n.Language)
				}
				if a, err := netmail.ParseAddress(h.Get("From")); err != nil || a.Name != "Centro de atención" ||
					a.Address != "soporte@desk.example.gov" {
					t.Errorf("From %q: %+v, %v", h.Get("From"), a, err)
				}
				if a, err := netmail.ParseAddress(h.Get("To")); err != nil || a.Address != jose {
					t.Errorf("To %q", h.Get("To"))
				}
				raw := h.Get("Subject")
				if !strings.HasPrefix(raw, "=?UTF-8?") {
					t.Errorf("accented subject not RFC 2047 encoded: %q", raw)
				}
				dec, err := new(mime.WordDecoder).DecodeHeader(raw)
				if err != nil || dec != wantSubjects[i] {
					t.Errorf("subject decodes to %q (%v), want %q", dec, err, wantSubjects[i])
				}
				if h.Get("MIME-Version") != "1.0" || h.Get("Content-Type") != "text/plain; charset=UTF-8" ||
					h.Get("Content-Transfer-Encoding") != "quoted-printable" {
					t.Errorf("MIME headers %v", h)
				}
				_, wantBody, _ := testRenderer{}.RenderMail(n)
				if body != wantBody {
					t.Errorf("body\n%q\nwant\n%q", body, wantBody)
				}
				if r.Status != notify.StatusSent || r.Attempts != 1 || !r.SentAt.Equal(f.clk.Now()) || r.LastError != "" {
					t.Errorf("row after sending: %+v", r)
				}
			}
			if !strings.Contains(string(got[1].Data), "m=C3=A1s tardar") {
				t.Errorf("Spanish body not quoted-printable UTF-8:\n%s", got[1].Data)
			}
		})
	}
}

func TestWorkerRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	ts, _ := startServer(t, serverOpts{reject: func(n int) error {
		if n <= 2 {
			return tempFail(n)
		}
		return nil
	}})
	f := newFixture(t, &SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSNone, Timeout: 5 * time.Second})
	n := f.enqueue(t, ack("fr"), jose)

	var waits []time.Duration
	for attempt := 1; attempt <= 2; attempt++ {
		f.runOnce(t, 0, 1)
		r := f.row(t, n)
		wait := r.NextAttempt.Sub(f.clk.Now())
		if r.Status != notify.StatusQueued || r.Attempts != attempt || r.LastError != "smtp data: 451 4.3.0" {
			t.Fatalf("after attempt %d: status %s, attempts %d, last error %q", attempt, r.Status, r.Attempts, r.LastError)
		}
		f.runOnce(t, 0, 0) // not due yet
		waits = append(waits, wait)
		f.clk.Set(r.NextAttempt)
	}
	if waits[0] < 24*time.Second || waits[0] > 30*time.Second || waits[1] <= waits[0] || waits[1] > time.Minute {
		t.Errorf("backoff waits %v: want about 30 s, then longer up to 1 min", waits)
	}
	f.runOnce(t, 1, 0)
	r := f.row(t, n)
	if r.Status != notify.StatusSent || r.Attempts != 3 || !r.SentAt.Equal(f.clk.Now()) || r.LastError != "" {
		t.Fatalf("after attempt 3: %+v", r)
	}
	sentAt := r.SentAt
	for range 3 {
		f.clk.Advance(2 * time.Hour)
		f.runOnce(t, 0, 0)
	}
	if r := f.row(t, n); r.Status != notify.StatusSent || !r.SentAt.Equal(sentAt) || r.Attempts != 3 {
		t.Errorf("a sent row changed: %+v", r)
	}
	all := ts.messages()
	if len(all) != 3 || len(ts.accepted()) != 1 {
		t.Fatalf("server saw %d DATA, accepted %d; want 3 and 1", len(all), len(ts.accepted()))
	}
	for _, m := range all {
		msg, _ := parse(t, m.Data)
		if id := msg.Header.Get("Message-ID"); id != r.MessageID {
			t.Errorf("attempt used Message-ID %q, row has %q", id, r.MessageID)
		}
	}
}

func TestWorkerGivesUp(t *testing.T) {
	t.Parallel()
	ts, _ := startServer(t, serverOpts{reject: tempFail, rcptErr: func(to string) error {
		if strings.HasPrefix(to, "nobody@") {
			return noSuchUser(to)
		}
		return nil
	}})
	f := newFixture(t, &SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSNone, Timeout: 5 * time.Second})
	f.w.MaxAttempts = 3
	f.w.Backoff = func(int) time.Duration { return time.Minute }

	busy := f.enqueue(t, methodAdded(), jose)
	unknown := methodAdded()
	unknown.AccountID = "3f0c8a6e-0000-4000-8000-000000000002"
	unknown = f.enqueue(t, unknown, "nobody@example.com")

	f.runOnce(t, 0, 2)
	if r := f.row(t, unknown); r.Status != notify.StatusFailed || r.Attempts != 1 || r.LastError != "smtp rcpt: 550 5.1.1" {
		t.Errorf("refused recipient: status %s, attempts %d, last error %q", r.Status, r.Attempts, r.LastError)
	}
	for attempt := 2; attempt <= 3; attempt++ {
		f.clk.Advance(time.Minute)
		f.runOnce(t, 0, 1)
	}
	r := f.row(t, busy)
	if r.Status != notify.StatusFailed || r.Attempts != 3 || r.LastError != "smtp data: 451 4.3.0" {
		t.Errorf("after MaxAttempts: status %s, attempts %d, last error %q", r.Status, r.Attempts, r.LastError)
	}
	f.clk.Advance(time.Hour)
	f.runOnce(t, 0, 0)
	if got := len(ts.messages()); got != 3 {
		t.Errorf("server saw %d DATA, want 3", got)
	}
}

// crashAfterSend delivers and then cancels the worker's context, as if the
// process died before marking the row.
type crashAfterSend struct {
	Transport
	crash context.CancelFunc
}

func (c crashAfterSend) Send(ctx context.Context, msg *Message) error {
	err := c.Transport.Send(ctx, msg)
	c.crash()
	return err
}

func TestWorkerResendsAfterCrashWithSameMessageID(t *testing.T) {
	t.Parallel()
	ts, _ := startServer(t, serverOpts{})
	tr := &SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSNone, Timeout: 5 * time.Second}
	f := newFixture(t, tr)
	n := f.enqueue(t, ack("es"), jose)

	ctx, crash := context.WithCancel(t.Context())
	f.w.Transport = crashAfterSend{tr, crash}
	if sent, failed, err := f.w.RunOnce(ctx); !errors.Is(err, context.Canceled) || sent+failed != 0 {
		t.Fatalf("crashed RunOnce = %d, %d, %v", sent, failed, err)
	}
	// A stop between the send and its mark releases the row, Message-ID
	// kept, due at once rather than when the lease ends.
	r := f.row(t, n)
	if r.Status != notify.StatusQueued || r.Attempts != 0 || r.MessageID == "" || !r.NextAttempt.Equal(f.clk.Now()) {
		t.Fatalf("row after the stop: %+v", r)
	}
	f.w.Transport = tr
	f.runOnce(t, 1, 0)

	got := ts.accepted()
	if len(got) != 2 {
		t.Fatalf("server accepted %d messages, want 2 (sent, crash, resent)", len(got))
	}
	first, _ := parse(t, got[0].Data)
	second, _ := parse(t, got[1].Data)
	for _, h := range []string{"Message-ID", "Date"} {
		if a, b := first.Header.Get(h), second.Header.Get(h); a != b || a == "" {
			t.Errorf("resent %s %q, first %q", h, b, a)
		}
	}
	if r := f.row(t, n); r.Status != notify.StatusSent || r.Attempts != 1 || first.Header.Get("Message-ID") != r.MessageID {
		t.Errorf("row after the resend: %+v", r)
	}
}

// failWith fails every send with a fixed error.
type failWith struct{ err error }

func (f failWith) Send(context.Context, *Message) error { return f.err }

func TestLastErrorHasNoPII(t *testing.T) {
	t.Parallel()
	f := newFixture(t, failWith{fmt.Errorf("relay: 452 <%s> over quota; also ana@example.org", jose)})
	n := f.enqueue(t, methodAdded(), jose)
	// sealed for another account: the row's AAD does not open it
	bad := f.enqueueSealed(t, methodAdded(), f.svc.Keys.Seal([]byte(jose), []byte("contact:someone-else")))
	unrendered := methodAdded()
	unrendered.Language = "de"
	unrendered = f.enqueue(t, unrendered, jose)
	f.runOnce(t, 0, 3)

	tests := []struct {
		n      notify.Notification
		status notify.Status
		want   string
	}{
		{n, notify.StatusQueued, "relay: 452 <[address]> over quota; also [address]"},
		{bad, notify.StatusFailed, "recipient cannot be decrypted"},
		{unrendered, notify.StatusQueued, `render: no text for method_added in "de"`},
	}
	for _, tt := range tests {
		r := f.row(t, tt.n)
		if r.Status != tt.status || r.LastError != tt.want {
			t.Errorf("row %d: status %s, last error %q; want %s, %q", r.ID, r.Status, r.LastError, tt.status, tt.want)
		}
		if strings.Contains(r.LastError, "@") || strings.Contains(r.LastError, "jose") {
			t.Errorf("row %d: last error %q holds an address", r.ID, r.LastError)
		}
	}
}

func TestWorkerLeavesSMSQueued(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	dir := t.TempDir()
	f.w.Transport = Dir{Path: dir}
	f.w.Batch = 2
	var sms []notify.Notification
	for range 5 { // more due SMS rows than a batch, ahead of the email row
		s := methodAdded()
		s.Channel = notify.ChannelSMS
		sms = append(sms, f.enqueue(t, s, "+15555550123"))
	}
	f.clk.Advance(time.Second)
	email := f.enqueue(t, methodAdded(), jose)
	f.runOnce(t, 1, 0)
	if r := f.row(t, email); r.Status != notify.StatusSent {
		t.Errorf("email row %s", r.Status)
	}
	for _, s := range sms {
		if r := f.row(t, s); r.Status != notify.StatusQueued || r.Attempts != 0 || r.MessageID != "" ||
			!r.NextAttempt.Equal(s.NextAttempt) {
			t.Errorf("SMS row touched: %+v", r)
		}
	}
}

func TestDirWritesOneFilePerMessage(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox")
	f := newFixture(t, Dir{Path: dir})
	a := f.enqueue(t, ack("es"), jose)
	b := f.enqueue(t, methodAdded(), jose)

	ctx, crash := context.WithCancel(t.Context())
	f.w.Transport = crashAfterSend{Dir{Path: dir}, crash}
	f.w.Batch = 1
	if _, _, err := f.w.RunOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("crashed RunOnce: %v", err)
	}
	// The account notice b goes first; the stop released it, not yet marked.
	first := f.row(t, b)
	before, err := os.ReadFile(filepath.Join(dir, FileName(first.MessageID)))
	if err != nil {
		t.Fatal(err)
	}
	f.w.Transport = Dir{Path: dir}
	f.w.Batch = 10
	f.runOnce(t, 2, 0) // a, and b again, rewriting its file

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{FileName(f.row(t, a).MessageID), FileName(f.row(t, b).MessageID)}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
	after, err := os.ReadFile(filepath.Join(dir, want[slices.Index(want, FileName(first.MessageID))]))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("resent file differs (%v):\n%s\n---\n%s", err, before, after)
	}
	msg, body := parse(t, after)
	if msg.Header.Get("Message-ID") != first.MessageID || !strings.Contains(body, "auth_app") {
		t.Errorf("file holds %v\n%s", msg.Header, body)
	}
	if info, err := os.Stat(filepath.Join(dir, want[0])); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v; want 0600", info.Mode(), err)
	}
}

func TestRunDeliversUntilCancelled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := newFixture(t, Dir{Path: dir})
	n := f.enqueue(t, methodAdded(), jose)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.w.Run(ctx, 5*time.Millisecond) }()
	deadline := time.Now().Add(10 * time.Second)
	for f.row(t, n).Status != notify.StatusSent {
		if time.Now().After(deadline) {
			t.Fatal("Run did not deliver")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	if err := (&Worker{}).Run(t.Context(), time.Second); err == nil {
		t.Error("Run of an unconfigured worker returned nil")
	}
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	want := 30 * time.Second
	for attempt := 1; attempt <= 12; attempt++ {
		for range 50 {
			d := DefaultBackoff(attempt)
			if d > want || d < want*4/5 {
				t.Fatalf("DefaultBackoff(%d) = %v, want within [%v, %v]", attempt, d, want*4/5, want)
			}
		}
		want = min(2*want, time.Hour)
	}
}

func TestSealedDataOpensForRenderingOnly(t *testing.T) {
	t.Parallel()
	svc := openBackend(t)
	aad := []byte("requester:SD-2026-000001")
	n := notify.Notification{AAD: string(aad), Data: map[string]string{"ref": "SD-2026-000001",
		"name_sealed":  hex.EncodeToString(svc.Keys.Seal([]byte("José Núñez"), aad)),
		"token_sealed": hex.EncodeToString(svc.Keys.Seal([]byte("SECRET-TOKEN"), aad)),
		"bad_sealed":   "zz"}}
	w := &Worker{Keys: svc.Keys}
	got := unsealData(w, n, aad)
	if got.Data["name"] != "José Núñez" || got.Data["token"] != "" || got.Data["bad"] != "" || got.Data["ref"] != "SD-2026-000001" {
		t.Fatalf("%v", got.Data)
	}
	if _, ok := n.Data["name"]; ok {
		t.Fatal("the stored row's data was changed")
	}
	if other := unsealData(w, n, []byte("requester:SD-2026-000002")); other.Data["name"] != "" {
		t.Fatal("a name opened under another ticket's AAD")
	}
}

// texts records text messages.
type texts struct {
	mu   sync.Mutex
	sent []string // "phone|lang|text"
	fail error
}

func (x *texts) SendText(_ context.Context, e164, text, lang string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fail != nil {
		return x.fail
	}
	x.sent = append(x.sent, e164+"|"+lang+"|"+text)
	return nil
}

type textRenderer struct{}

func (textRenderer) RenderSMS(n notify.Notification) (string, error) {
	return string(n.Template) + " " + n.Data["kind"], nil
}

func TestWorkerSendsSMSWhenGivenAGateway(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Dir{Path: t.TempDir()})
	gw := &texts{}
	f.w.Texts, f.w.TextRenderer = gw, textRenderer{}
	s := methodAdded()
	s.Channel = notify.ChannelSMS
	sms := f.enqueue(t, s, "+15555550123")
	email := f.enqueue(t, methodAdded(), jose)
	f.runOnce(t, 2, 0)
	if r := f.row(t, sms); r.Status != notify.StatusSent || r.MessageID == "" {
		t.Fatalf("SMS row %+v", r)
	}
	if r := f.row(t, email); r.Status != notify.StatusSent {
		t.Fatalf("email row %s", r.Status)
	}
	if len(gw.sent) != 1 || gw.sent[0] != "+15555550123|fr|method_added auth_app" {
		t.Fatalf("sent %q", gw.sent)
	}
	// A gateway error is retried, and the number never reaches LastError.
	gw.fail = errors.New("gateway refused +15555550123: quota")
	again := f.enqueue(t, s, "+15555550123")
	f.runOnce(t, 0, 1)
	if r := f.row(t, again); r.Status != notify.StatusQueued || strings.Contains(r.LastError, "5550123") || r.Attempts != 1 {
		t.Fatalf("failed SMS row %+v", r)
	}
	f.w.TextRenderer = nil
	if _, _, err := f.w.RunOnce(t.Context()); err == nil {
		t.Fatal("a worker with Texts but no TextRenderer ran")
	}
}

// A process killed while it holds rows cannot release them. They come back
// when the lease ends, and the lease is bounded by the send timeout (no
// send can still be running past it), not by a fixed 10 minutes.
func TestLeaseOfADeadWorkerFollowsTheSendTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sendTimeout time.Duration
		wantLease   time.Duration
	}{
		{0, 2*time.Minute + 30*time.Second}, // the defaults
		{20 * time.Second, 30 * time.Second},
		{4 * time.Second, 6 * time.Second},
	}
	for _, tt := range tests {
		f := newFixture(t, failWith{errors.New("never sent")})
		f.w.SendTimeout = tt.sendTimeout
		n := f.enqueue(t, methodAdded(), jose)
		now := f.clk.Now()
		if taken, err := f.w.take(t.Context(), now, false, 10); err != nil || len(taken) != 1 {
			t.Fatalf("take = %d rows, %v", len(taken), err)
		}
		// The process dies here: nothing releases the row.
		r := f.row(t, n)
		if got := r.NextAttempt.Sub(now); got != tt.wantLease {
			t.Errorf("send timeout %v: row leased for %v, want %v", tt.sendTimeout, got, tt.wantLease)
		}
		if st := f.w.sendTimeout(); st >= tt.wantLease {
			t.Errorf("send timeout %v not under the lease %v", st, tt.wantLease)
		}
	}
}

// Addresses stored before the email policy may hold a raw UTF-8 domain:
// the envelope and To carry it in punycode. A non-ASCII local part goes
// only to a relay that offers SMTPUTF8, and fails for good elsewhere.
func TestInternationalAddresses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		to       string
		smtputf8 bool
		wantRcpt string // "" when the row must fail for good
		wantUTF8 bool
	}{
		{"raw UTF-8 domain", "ana@bücher.example", false, "ana@xn--bcher-kva.example", false},
		{"UTF-8 local part, relay offers SMTPUTF8", "josé@example.com", true, "josé@example.com", true},
		{"UTF-8 local part, relay without SMTPUTF8", "josé@example.com", false, "", false},
		{"ASCII, relay offers SMTPUTF8", "ana@example.com", true, "ana@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts, _ := startServer(t, serverOpts{smtputf8: tt.smtputf8})
			f := newFixture(t, &SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSNone, Timeout: 5 * time.Second})
			n := f.enqueue(t, methodAdded(), tt.to)
			if tt.wantRcpt == "" {
				f.runOnce(t, 0, 1)
				if r := f.row(t, n); r.Status != notify.StatusFailed || strings.Contains(r.LastError, "josé") {
					t.Errorf("row: status %s, last error %q; want failed, no address", r.Status, r.LastError)
				}
				if len(ts.accepted()) != 0 {
					t.Error("a relay without SMTPUTF8 got the message")
				}
				return
			}
			f.runOnce(t, 1, 0)
			got := ts.accepted()
			if len(got) != 1 || !slices.Equal(got[0].To, []string{tt.wantRcpt}) {
				t.Fatalf("relay got %+v, want RCPT %s", got, tt.wantRcpt)
			}
			ts.mu.Lock()
			asked := ts.utf8[len(ts.utf8)-1]
			ts.mu.Unlock()
			if asked != tt.wantUTF8 {
				t.Errorf("MAIL asked SMTPUTF8 = %v, want %v", asked, tt.wantUTF8)
			}
			msg, _ := parse(t, got[0].Data)
			if a, err := netmail.ParseAddress(msg.Header.Get("To")); err != nil || a.Address != tt.wantRcpt {
				t.Errorf("To %q (%v), want %s", msg.Header.Get("To"), err, tt.wantRcpt)
			}
		})
	}
}

// Ticket mail carries the ticket's reply address in Reply-To, and a reply
// answers the requester's latest mail and references the thread: the
// desk's first message and the requester's mail since. Account notices
// carry none of it.
func TestTicketMailThreads(t *testing.T) {
	t.Parallel()
	ts, _ := startServer(t, serverOpts{})
	f := newFixture(t, &SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSNone, Timeout: 5 * time.Second})
	f.w.Senders = 1
	first := f.enqueue(t, ack("es"), jose)
	notice := f.enqueue(t, methodAdded(), jose)
	f.runOnce(t, 2, 0)
	first = f.row(t, first)

	// The requester answered twice (one of them held, which is not part of
	// the conversation); then an agent replies.
	f.clk.Advance(time.Hour)
	for i, d := range []string{"threaded", "held", "threaded"} {
		in := &store.Inbound{ReceivedAt: f.clk.Now(), MessageID: fmt.Sprintf("<in%d@example.com>", i), FromFP: []byte{1},
			FromSealed: []byte{1}, BodySealed: []byte{1}, TicketID: 7, Disposition: d}
		if err := f.svc.Store.Write(t.Context(), func(tx store.Tx) error { return tx.InsertInbound(t.Context(), in) }); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.Advance(time.Minute)
	reply := notify.Notification{TicketID: 7, Template: notify.TemplateTicketReply, Language: "es", AAD: ackAAD,
		Data: map[string]string{"ref": ackRef, "body": "Hola"}}
	f.enqueue(t, reply, jose)
	f.runOnce(t, 1, 0)

	got := ts.accepted()
	if len(got) != 3 {
		t.Fatalf("%d messages", len(got))
	}
	want, _ := ReplyAddress(f.svc.Keys, from, ackRef)
	headers := func(i int) (string, string, string) {
		m, _ := parse(t, got[i].Data)
		return m.Header.Get("Reply-To"), m.Header.Get("In-Reply-To"), m.Header.Get("References")
	}
	byID := map[string]int{}
	for i, m := range got {
		msg, _ := parse(t, m.Data)
		byID[msg.Header.Get("Message-ID")] = i
	}
	if rt, irt, refs := headers(byID[first.MessageID]); !strings.Contains(rt, want) || irt != "" || refs != "" {
		t.Errorf("acknowledgement: Reply-To %q, In-Reply-To %q, References %q", rt, irt, refs)
	}
	if rt, irt, refs := headers(byID[f.row(t, notice).MessageID]); rt != "<noreply@desk.example.gov>" || irt != "" || refs != "" {
		t.Errorf("account notice: Reply-To %q, In-Reply-To %q, References %q", rt, irt, refs)
	}
	rt, irt, refs := headers(2)
	if !strings.Contains(rt, want) || irt != "<in2@example.com>" || refs != first.MessageID+" <in0@example.com> <in2@example.com>" {
		t.Errorf("agent's reply: Reply-To %q, In-Reply-To %q, References %q", rt, irt, refs)
	}
	if _, tagged, ok := ParseReplyAddress(f.svc.Keys, want); !tagged || !ok {
		t.Errorf("the reply address %q does not verify", want)
	}
}
