package helpdesk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/service"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// fixedSLA gives every ticket 24 h of wall time: these tests are about
// intake, not the business calendar.
type fixedSLA struct{}

func (fixedSLA) Start(at time.Time) ticket.Clock {
	return ticket.Clock{Target: 24 * time.Hour, Started: at, Due: at.Add(24 * time.Hour)}
}

func newIntake(t testing.TB) (*service.Service, *helpdesk.Intake) {
	t.Helper()
	svc, _, _ := coretest.Open(t)
	in := helpdesk.NewIntake(svc.Store, svc.Keys, svc.Clock, fixedSLA{}, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return svc, in
}

func form(i int) ticket.Form {
	return ticket.Form{Email: fmt.Sprintf("requester%d@example.com", i), Name: "Élodie Requester", Language: "fr",
		Category: "lost_mfa", Agency: "ssa", Subject: "Téléphone perdu", Message: "J'ai perdu mon téléphone.\nAidez-moi."}
}

func TestSubmitStoresTicketMessageSLAAckAndAudit(t *testing.T) {
	t.Parallel()
	svc, in := newIntake(t)
	ctx := context.Background()
	before := coretest.Count(t, svc)
	tk, created, err := in.Submit(ctx, form(1), "test")
	if err != nil || !created {
		t.Fatalf("submit: %v %v", created, err)
	}
	if !strings.HasPrefix(tk.Ref, "SD-2026-") || len(tk.Ref) != len("SD-2026-000001") {
		t.Fatalf("ref %q", tk.Ref)
	}
	after := coretest.Count(t, svc)
	if after.Tickets != before.Tickets+1 || after.Outbox != before.Outbox+1 || after.Audit != before.Audit+1 {
		t.Fatalf("counts %+v -> %+v", before, after)
	}
	svc.Store.Read(ctx, func(r store.Reader) error {
		got, err := r.TicketByRef(ctx, strings.ToLower(tk.Ref))
		if err != nil || got.Status != ticket.StatusNew || got.Language != "fr" || got.SLA.Due.IsZero() {
			t.Fatalf("stored ticket %+v %v", got, err)
		}
		if bytes.Contains(got.RequesterSealed, []byte("requester1@")) {
			t.Fatal("requester stored in plaintext")
		}
		msgs, _ := r.TicketMessages(ctx, got.ID)
		evs, _ := r.SLAEvents(ctx, got.ID)
		mail, _ := r.TicketOutbox(ctx, got.ID)
		if len(msgs) != 1 || msgs[0].Kind != ticket.MessageInbound || len(evs) != 1 || evs[0].Kind != "activated" ||
			len(mail) != 1 || mail[0].Language != "fr" || mail[0].Data["ref"] != tk.Ref {
			t.Fatalf("thread %+v, sla %+v, mail %+v", msgs, evs, mail)
		}
		found, err := r.SearchTickets(ctx, []string{"téléphone"}, 10)
		if err != nil || len(found) != 1 || found[0].ID != got.ID {
			t.Fatalf("full-text search: %v %v", found, err)
		}
		plain, err := svc.Keys.Open(mail[0].ToSealed, []byte(mail[0].AAD))
		if err != nil || string(plain) != "requester1@example.com" {
			t.Fatalf("ack recipient does not open: %v", err)
		}
		return nil
	})
}

func TestSubmitRejectsBadFormsAndStoresNothing(t *testing.T) {
	t.Parallel()
	svc, in := newIntake(t)
	bad := map[string]func(*ticket.Form){
		"email":        func(f *ticket.Form) { f.Email = "not-an-address" },
		"long email":   func(f *ticket.Form) { f.Email = strings.Repeat("a", 250) + "@example.com" },
		"language":     func(f *ticket.Form) { f.Language = "de" },
		"category":     func(f *ticket.Form) { f.Category = "billing" },
		"subject":      func(f *ticket.Form) { f.Subject = strings.Repeat("s", 201) },
		"empty body":   func(f *ticket.Form) { f.Message = "  " },
		"huge body":    func(f *ticket.Form) { f.Message = strings.Repeat("x", ticket.MaxBodyBytes+1) },
		"escape":       func(f *ticket.Form) { f.Subject = "\x1b[31mred" },
		"non-utf8":     func(f *ticket.Form) { f.Message = "caf\xe9" },
		"bidi in name": func(f *ticket.Form) { f.Name = "abc\u202edef" },
		"agency":       func(f *ticket.Form) { f.Agency = "SSA; DROP TABLE" },
	}
	before := coretest.Count(t, svc)
	for name, mutate := range bad {
		f := form(2)
		mutate(&f)
		if _, _, err := in.Submit(context.Background(), f, "test"); fault.CodeOf(err) != fault.CodeInvalidInput && fault.CodeOf(err) != fault.CodeEmailMalformed {
			t.Errorf("%s: %v", name, err)
		}
	}
	if after := coretest.Count(t, svc); after != before {
		t.Fatalf("refused forms stored something: %+v -> %+v", before, after)
	}
}

func TestIdempotencyKeyUnderConcurrency(t *testing.T) {
	t.Parallel()
	svc, in := newIntake(t)
	var wg sync.WaitGroup
	refs := make([]string, 40)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := form(i % 4)
			f.IdempotencyKey = fmt.Sprintf("key-%d", i%4)
			tk, _, err := in.Submit(context.Background(), f, "test")
			if err != nil {
				t.Error(err)
			}
			refs[i] = tk.Ref
		}()
	}
	wg.Wait()
	for i := range refs {
		if refs[i] != refs[i%4] {
			t.Fatalf("key %d gave %s and %s", i%4, refs[i], refs[i%4])
		}
	}
	if c := coretest.Count(t, svc); c.Tickets != 4 {
		t.Fatalf("%d tickets for 4 keys", c.Tickets)
	}
}

func TestConcurrentSubmitsAllCommitted(t *testing.T) {
	t.Parallel()
	svc, in := newIntake(t)
	const n = 300
	var wg sync.WaitGroup
	seen := sync.Map{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, created, err := in.Submit(context.Background(), form(i), "test")
			if err != nil || !created {
				t.Error(err)
				return
			}
			if _, dup := seen.LoadOrStore(tk.Ref, true); dup {
				t.Errorf("reference %s given twice", tk.Ref)
			}
		}()
	}
	wg.Wait()
	if c := coretest.Count(t, svc); c.Tickets != n || c.Outbox != n {
		t.Fatalf("%+v after %d submits", c, n)
	}
}

func handler(in *helpdesk.Intake) *helpdesk.ContactHandler {
	return &helpdesk.ContactHandler{Intake: in, Zone: time.UTC, Rate: 1, Burst: 5,
		Localize: func(lang string, err error) string { return lang + ":" + string(fault.CodeOf(err)) }}
}

func post(h http.Handler, ctype, body string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/contact", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func jsonForm(f ticket.Form) string {
	b, _ := json.Marshal(map[string]string{"email": f.Email, "name": f.Name, "language": f.Language,
		"category": f.Category, "agency": f.Agency, "subject": f.Subject, "message": f.Message})
	return string(b)
}

func TestContactHandlerStatusCodes(t *testing.T) {
	t.Parallel()
	svc, in := newIntake(t)
	h := handler(in)
	h.Rate = 0 // the rate limit has its own test
	w := post(h, "application/json", jsonForm(form(1)), nil)
	var ok struct{ Reference, Due string }
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &ok) != nil || ok.Reference == "" || ok.Due == "" {
		t.Fatalf("201 expected: %d %s", w.Code, w.Body)
	}
	vals := url.Values{"email": {"ana@example.com"}, "name": {"Ana"}, "language": {"es"}, "category": {"sign_in"},
		"subject": {"No puedo entrar"}, "message": {"Hola"}}
	if w := post(h, "application/x-www-form-urlencoded", vals.Encode(), nil); w.Code != http.StatusCreated {
		t.Fatalf("form fields: %d %s", w.Code, w.Body)
	}
	before := coretest.Count(t, svc)
	huge := form(3)
	huge.Message = strings.Repeat("é", ticket.MaxBodyBytes)
	cases := []struct {
		name, ctype, body string
		want              int
		lang              string
	}{
		{"malformed json", "application/json", `{"email":`, http.StatusBadRequest, "en"},
		{"unknown field", "application/json", `{"emial":"a@b.co"}`, http.StatusBadRequest, "en"},
		{"bad email in French", "application/json", strings.Replace(jsonForm(form(4)), "requester4@example.com", "nope", 1), http.StatusBadRequest, "fr"},
		{"oversized (body unread: language unknown)", "application/json", jsonForm(huge), http.StatusRequestEntityTooLarge, "en"},
		{"wrong content type", "text/plain", "hello", http.StatusUnsupportedMediaType, "en"},
		{"non-utf8", "application/x-www-form-urlencoded", "email=a%40example.com&name=A&subject=x&message=caf%E9", http.StatusBadRequest, "en"},
	}
	for _, c := range cases {
		w := post(h, c.ctype, c.body, nil)
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(w.Body.Bytes(), &e)
		if w.Code != c.want || !strings.HasPrefix(e.Error.Message, c.lang+":") {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
		}
	}
	if after := coretest.Count(t, svc); after != before {
		t.Fatalf("bad requests stored something: %+v -> %+v", before, after)
	}
	key := map[string]string{"Idempotency-Key": "retry-1"}
	first := post(h, "application/json", jsonForm(form(5)), key)
	again := post(h, "application/json", jsonForm(form(5)), key)
	if first.Code != http.StatusCreated || again.Code != http.StatusCreated || again.Header().Get("Idempotent-Replayed") != "true" ||
		first.Header().Get("Location") != again.Header().Get("Location") {
		t.Fatalf("retry with the same key: %d %d", first.Code, again.Code)
	}
}

func TestContactHandlerRateLimitsPerAddress(t *testing.T) {
	t.Parallel()
	_, in := newIntake(t)
	h := handler(in)
	codes := map[int]int{}
	for i := range 8 {
		r := httptest.NewRequest(http.MethodPost, "/v1/contact", strings.NewReader(jsonForm(form(i))))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = "192.0.2.7:5555"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		codes[w.Code]++
	}
	if codes[http.StatusCreated] != 5 || codes[http.StatusTooManyRequests] != 3 {
		t.Fatalf("codes %v", codes)
	}
	r := httptest.NewRequest(http.MethodPost, "/v1/contact", strings.NewReader(jsonForm(form(9))))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = "192.0.2.8:5555"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusCreated {
		t.Fatalf("another address was limited: %d", w.Code)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/contact", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", w.Code)
	}
}

// FuzzContactHandler posts arbitrary bodies: the handler never panics,
// answers only with the statuses it documents, any 201 is a stored ticket,
// and no stored name or subject holds a control or format character.
func FuzzContactHandler(f *testing.F) {
	f.Add("application/json", jsonForm(form(1)), "")
	f.Add("application/json", `{"email":"a@b.co","message":"\u001b[2J"}`, "")
	f.Add("application/json", `{"email":"a@b.co","name":"A\u200bB","language":"en","category":"other","subject":"s\u2028t","message":"m"}`, "k")
	f.Add("application/json", `{"email":"a@b.co","name":"\ud800","language":"en","category":"other","subject":"s","message":"m"}`, "")
	f.Add("application/json; charset=latin1", jsonForm(form(2)), "")
	f.Add("application/x-www-form-urlencoded", "email=a%40b.co&name=x&subject=y&message=%FF", "")
	f.Add("application/x-www-form-urlencoded", "email=a%40b.co&name=x%E2%80%AEy&language=en&category=other&subject=y&message=z", "k")
	f.Add("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.co\r\n--x--", "")
	f.Add("text/plain", "hello", "")
	svc, in := newIntake(f)
	h := handler(in)
	h.Rate = 0
	f.Fuzz(func(t *testing.T, ctype, body, key string) {
		var hdr map[string]string
		if key != "" {
			hdr = map[string]string{"Idempotency-Key": key}
		}
		w := post(h, ctype, body, hdr)
		switch w.Code {
		case http.StatusCreated, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType,
			http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d for %q %q", w.Code, ctype, body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("response is not JSON: %q", w.Body)
		}
		if w.Code != http.StatusCreated {
			return
		}
		var ok struct{ Reference string }
		json.Unmarshal(w.Body.Bytes(), &ok)
		ctx := context.Background()
		svc.Store.Read(ctx, func(r store.Reader) error {
			got, err := r.TicketByRef(ctx, ok.Reference)
			if err != nil {
				t.Fatalf("201 %q is not a stored ticket: %v", ok.Reference, err)
			}
			name, err := svc.Keys.Open(got.NameSealed, []byte(ticket.RequesterAAD(got.Ref)))
			if err != nil {
				t.Fatalf("name does not open: %v", err)
			}
			for _, s := range []string{string(name), got.Subject} {
				if i := strings.IndexFunc(s, refusedInLine); i >= 0 {
					t.Fatalf("stored %q holds %U", s, []rune(s[i:])[0])
				}
			}
			return nil
		})
	})
}

// refusedInLine is DESIGN's rule for names and subjects, written out apart
// from core/safetext so the fuzz target checks it rather than reuses it:
// controls, format characters but ZWJ and ZWNJ, U+2028/2029.
func refusedInLine(r rune) bool {
	if r == '\u200c' || r == '\u200d' {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' ||
		r >= 0xE0000 && r <= 0xE007F
}

// Idempotency keys live 24 hours; the jobs runner's sweep deletes the
// records of expired ones, in batches, and keeps live ones.
func TestSweepKeysDeletesExpiredRecordsOnly(t *testing.T) {
	t.Parallel()
	svc, c, _ := coretest.Open(t)
	in := helpdesk.NewIntake(svc.Store, svc.Keys, c, fixedSLA{}, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	submit := func(i int) {
		f := form(i)
		f.IdempotencyKey = fmt.Sprintf("sweep-%d", i)
		if _, _, err := in.Submit(context.Background(), f, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		submit(i)
	}
	c.Advance(20 * time.Hour)
	submit(5)
	keys := func() int {
		n := 0
		svc.Store.Read(context.Background(), func(r store.Reader) error {
			ks, err := r.MetaKeys(context.Background(), "intake_key:", "", 100)
			n = len(ks)
			return err
		})
		return n
	}
	if n, err := in.SweepKeys(context.Background()); err != nil || n != 0 || keys() != 6 {
		t.Fatalf("sweep before any expiry: %d deleted, %v; %d records left", n, err, keys())
	}
	c.Advance(5 * time.Hour) // the first five are 25 h old, the last 5 h
	if n, err := in.SweepKeys(context.Background()); err != nil || n != 5 || keys() != 1 {
		t.Fatalf("sweep: %d deleted, %v; %d records left, want 5 and 1", n, err, keys())
	}
	// The live key still replays.
	f := form(5)
	f.IdempotencyKey = "sweep-5"
	if _, created, err := in.Submit(context.Background(), f, "test"); err != nil || created {
		t.Errorf("live key after the sweep: created %v, %v", created, err)
	}
}

// slowDisk is a store whose commits reach the disk when the test says,
// with the error it says.
type slowDisk struct {
	store.Store
	release chan struct{}
	err     error
}

func (s *slowDisk) WriteAsync(ctx context.Context, fn func(store.Tx) error) (func() error, error) {
	wait, err := store.WriteAsync(ctx, s.Store, fn)
	if err != nil {
		return nil, err
	}
	return func() error {
		<-s.release
		if err := wait(); err != nil {
			return err
		}
		return s.err
	}, nil
}

// A requester hears back only once the ticket is on disk, and hears of
// the failure when it never gets there.
func TestSubmitAnswersOnlyOnceTheTicketIsDurable(t *testing.T) {
	t.Parallel()
	for _, diskErr := range []error{nil, fault.Storage(fmt.Errorf("EIO"))} {
		svc, _, _ := coretest.Open(t)
		disk := &slowDisk{Store: svc.Store, release: make(chan struct{}), err: diskErr}
		in := helpdesk.NewIntake(disk, svc.Keys, svc.Clock, fixedSLA{}, time.UTC)
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan struct{})
		go func() { in.Run(ctx); close(ran) }()
		before := coretest.Count(t, svc).Tickets
		type answer struct {
			tk  ticket.Ticket
			err error
		}
		answered := make(chan answer, 1)
		go func() {
			tk, _, err := in.Submit(context.Background(), form(1), "test")
			answered <- answer{tk, err}
		}()
		for coretest.Count(t, svc).Tickets == before {
			time.Sleep(time.Millisecond)
		}
		select {
		case a := <-answered:
			t.Fatalf("answered %q (%v) before the commit was on disk", a.tk.Ref, a.err)
		case <-time.After(50 * time.Millisecond):
		}
		close(disk.release)
		a := <-answered
		if diskErr == nil && (a.err != nil || a.tk.Ref == "") {
			t.Fatalf("after the sync: %q %v", a.tk.Ref, a.err)
		}
		if diskErr != nil && (fault.CodeOf(a.err) != fault.CodeStorage || a.tk.Ref != "") {
			t.Fatalf("sync failed, yet the requester got %q (%v)", a.tk.Ref, a.err)
		}
		cancel()
		<-ran
	}
}

// BenchmarkIntakeSubmit submits forms from 64 goroutines at once into a
// fresh database, each waiting for its ticket to be committed (and
// synced), as the HTTP handlers do; ns/op is the wall time per form.
// Every form comes from its own address, so each is acknowledged.
func BenchmarkIntakeSubmit(b *testing.B) {
	_, in := newIntake(b)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := in.Submit(ctx, form(int(n.Add(1))), "bench"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "forms/s")
}
