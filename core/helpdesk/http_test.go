package helpdesk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/notify"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// newIntakeClock is newIntake with the fake clock, for windows and expiry.
func newIntakeClock(t testing.TB) (*helpdesk.ContactHandler, *clock.Fake, func() coretest.Totals, func() []notify.Notification) {
	t.Helper()
	svc, fake, _ := coretest.Open(t)
	in := helpdesk.NewIntake(svc.Store, svc.Keys, svc.Clock, fixedSLA{}, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	h := handler(in)
	h.Rate = 0
	count := func() coretest.Totals { return coretest.Count(t, svc) }
	acks := func() []notify.Notification {
		var out []notify.Notification
		svc.Store.Read(ctx, func(r store.Reader) error {
			n, _ := r.MaxTicketID(ctx)
			for id := int64(1); id <= n; id++ {
				mail, _ := r.TicketOutbox(ctx, id)
				out = append(out, mail...)
			}
			return nil
		})
		return out
	}
	return h, fake, count, acks
}

func postFrom(h http.Handler, addr, ctype, body string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/contact", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	r.RemoteAddr = addr
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// The acknowledgement goes to an address nobody verified: it must carry
// nothing the requester wrote, so it cannot relay a phishing text.
func TestContactAckCarriesNoRequesterText(t *testing.T) {
	t.Parallel()
	h, _, _, acks := newIntakeClock(t)
	f := form(1)
	f.Name = "Your account is locked, call 555-0100 or visit https://evil.example"
	f.Subject = "Urgent: verify at https://evil.example"
	if w := post(h, "application/json", jsonForm(f), nil); w.Code != http.StatusCreated {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	got := acks()
	if len(got) != 1 {
		t.Fatalf("%d acknowledgements", len(got))
	}
	for k, v := range got[0].Data {
		if k != "ref" && k != "due" {
			t.Errorf("acknowledgement data %q=%q: only ref and due may go in", k, v)
		}
		if strings.Contains(v, "evil") {
			t.Errorf("requester text in the acknowledgement: %q", v)
		}
	}
}

// Four source addresses cannot send more than three acknowledgements a day
// to one mailbox; the forms still become tickets.
func TestContactAckCappedPerRecipient(t *testing.T) {
	t.Parallel()
	h, fake, count, acks := newIntakeClock(t)
	for i := range 8 {
		f := form(1)
		f.Message = fmt.Sprintf("message %d", i)
		if i%2 == 1 {
			f.Email = "Requester1@EXAMPLE.com" // the same mailbox, spelled otherwise
		}
		addr := fmt.Sprintf("192.0.2.%d:4000", 10+i%4)
		if w := postFrom(h, addr, "application/json", jsonForm(f), nil); w.Code != http.StatusCreated {
			t.Fatalf("form %d: %d %s", i, w.Code, w.Body)
		}
	}
	if c := count(); c.Tickets != 8 {
		t.Fatalf("%d tickets for 8 forms", c.Tickets)
	}
	if n := len(acks()); n != helpdesk.AckCap {
		t.Fatalf("%d acknowledgements to one mailbox, want %d", n, helpdesk.AckCap)
	}
	other := form(2)
	if w := post(h, "application/json", jsonForm(other), nil); w.Code != http.StatusCreated || len(acks()) != 4 {
		t.Fatalf("another mailbox: %d, %d acknowledgements", w.Code, len(acks()))
	}
	fake.Advance(24*time.Hour + time.Second)
	if w := post(h, "application/json", jsonForm(form(1)), nil); w.Code != http.StatusCreated || len(acks()) != 5 {
		t.Fatalf("a day later: %d, %d acknowledgements", w.Code, len(acks()))
	}
}

// An Idempotency-Key is bound to its body: a replay gets the first answer,
// another body under the same key gets 422 and stores nothing, and a key
// older than 24 h is a new submission.
func TestContactIdempotencyKeyBoundToBody(t *testing.T) {
	t.Parallel()
	h, fake, count, _ := newIntakeClock(t)
	key := map[string]string{"Idempotency-Key": "k-1"}
	first := post(h, "application/json", jsonForm(form(1)), key)
	if first.Code != http.StatusCreated {
		t.Fatalf("%d %s", first.Code, first.Body)
	}
	fake.Advance(time.Hour)
	again := post(h, "application/json", jsonForm(form(1)), key)
	if again.Code != first.Code || again.Body.String() != first.Body.String() {
		t.Fatalf("replay: %d %s, first %d %s", again.Code, again.Body, first.Code, first.Body)
	}
	before := count()
	other := form(1)
	other.Message = "a different message"
	w := post(h, "application/json", jsonForm(other), map[string]string{"Idempotency-Key": "k-1"})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"fr:conflict"`) {
		t.Fatalf("another body under the key: %d %s", w.Code, w.Body)
	}
	if after := count(); after != before {
		t.Fatalf("a refused body stored something: %+v -> %+v", before, after)
	}
	fake.Advance(23*time.Hour + time.Second)
	w = post(h, "application/json", jsonForm(other), key)
	if w.Code != http.StatusCreated || w.Body.String() == first.Body.String() {
		t.Fatalf("an expired key: %d %s", w.Code, w.Body)
	}
	if c := count(); c.Tickets != before.Tickets+1 {
		t.Fatalf("%d tickets after the expired key's form", c.Tickets)
	}
}

// The same key with two bodies at once: one wins, the other gets 422; the
// same key and body at once: one ticket, the same answer.
func TestContactIdempotencyKeyConcurrent(t *testing.T) {
	t.Parallel()
	h, _, count, _ := newIntakeClock(t)
	var wg sync.WaitGroup
	codes := make([]int, 20)
	bodies := make([]string, 20)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := form(1)
			if i%2 == 1 {
				f.Message = "the other body"
			}
			w := post(h, "application/json", jsonForm(f), map[string]string{"Idempotency-Key": "race"})
			codes[i], bodies[i] = w.Code, w.Body.String()
		}()
	}
	wg.Wait()
	if c := count(); c.Tickets != 1 {
		t.Fatalf("%d tickets under one key", c.Tickets)
	}
	var won string
	for i, c := range codes {
		switch c {
		case http.StatusCreated:
			if won != "" && bodies[i] != won {
				t.Fatalf("two answers: %s and %s", won, bodies[i])
			}
			won = bodies[i]
		case http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d: %s", c, bodies[i])
		}
	}
}

// JSON is held to the form fields' text policy: UTF-8 only, no lone
// surrogates, no duplicate keys, no other charset.
func TestContactJSONStrict(t *testing.T) {
	t.Parallel()
	h, _, count, _ := newIntakeClock(t)
	good := jsonForm(form(1))
	cases := []struct {
		name, ctype, body string
		want              int
	}{
		{"invalid UTF-8", "application/json", strings.Replace(good, "perdu", "perdu\xff", 1), http.StatusBadRequest},
		{"lone high surrogate", "application/json", strings.Replace(good, "perdu", `perdu\ud800`, 1), http.StatusBadRequest},
		{"lone low surrogate", "application/json", strings.Replace(good, "perdu", `perdu\uDC00x`, 1), http.StatusBadRequest},
		{"reversed pair", "application/json", strings.Replace(good, "perdu", `\udc00\ud800`, 1), http.StatusBadRequest},
		{"duplicate key", "application/json", strings.Replace(good, `{"agency"`, `{"message":"first","agency"`, 1), http.StatusBadRequest},
		{"key in another case", "application/json", strings.Replace(good, `"agency"`, `"Agency"`, 1), http.StatusBadRequest},
		{"not a string", "application/json", strings.Replace(good, `"agency":"ssa"`, `"agency":1`, 1), http.StatusBadRequest},
		{"latin-1", "application/json; charset=iso-8859-1", good, http.StatusUnsupportedMediaType},
		{"form in latin-1", "application/x-www-form-urlencoded; charset=windows-1252", "email=a%40example.com", http.StatusUnsupportedMediaType},
	}
	for _, c := range cases {
		if w := post(h, c.ctype, c.body, nil); w.Code != c.want {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
		}
	}
	if c := count(); c.Tickets != 0 {
		t.Fatalf("refused bodies stored %d tickets", c.Tickets)
	}
	null := strings.Replace(strings.Replace(good, `"agency":"ssa"`, `"agency":null`, 1), "perdu", "égaré", 1)
	if w := post(h, "application/json", null, nil); w.Code != http.StatusCreated {
		t.Fatalf("a null agency: %d %s", w.Code, w.Body)
	}
	pair := strings.Replace(good, "perdu", `perdu \ud83d\ude00`, 1)
	for _, ct := range []string{"application/json; charset=utf-8", "application/json; charset=UTF-8"} {
		if w := post(h, ct, pair, nil); w.Code != http.StatusCreated {
			t.Fatalf("%s with a surrogate pair: %d %s", ct, w.Code, w.Body)
		}
		pair = strings.Replace(pair, "perdu", "perdue", 1)
	}
}

// Every refusal carries its limit, so no text says "at most 0".
func TestContactErrorsCarryTheirLimits(t *testing.T) {
	t.Parallel()
	h, _, _, _ := newIntakeClock(t)
	var mu sync.Mutex
	var seen []error
	h.Localize = func(lang string, err error) string {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, err)
		return lang + ":" + string(fault.CodeOf(err))
	}
	for _, email := range []string{"nope", strings.Repeat("a", 250) + "@example.com"} {
		f := form(1)
		f.Email = email
		if w := post(h, "application/json", jsonForm(f), nil); w.Code != http.StatusBadRequest {
			t.Fatalf("%q: %d", email, w.Code)
		}
	}
	for _, err := range seen {
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Field != "email" || fe.Max == 0 {
			t.Errorf("email refusal without its limit: %#v", err)
		}
	}
	_ = ticket.MaxNameLength
}

// The language a ticket is answered in: the form's own field, else the
// browser's Accept-Language by its weights, else the text's language,
// else English.
func TestContactLanguage(t *testing.T) {
	t.Parallel()
	h, _, _, acks := newIntakeClock(t)
	es := "Perdí mi teléfono y ya no recibo los códigos. ¿Qué puedo hacer?"
	for i, tc := range []struct {
		field, accept, message, want string
	}{
		{"en", "fr-CA,fr;q=0.9", es, "en"},              // the requester's choice
		{"", "de;q=1, fr-CA;q=0.9, en;q=0.5", es, "fr"}, // the browser's, by weight
		{"", "de, it", es, "es"},                        // none of ours: the text
		{"", "", "J'ai perdu mon téléphone, je ne reçois pas les codes.", "fr"},
		{"", "", "ok", "en"}, // nothing to go on
	} {
		f := form(100 + i)
		f.Language, f.Subject, f.Message = tc.field, "?", tc.message
		hdr := map[string]string{}
		if tc.accept != "" {
			hdr["Accept-Language"] = tc.accept
		}
		if w := post(h, "application/json", jsonForm(f), hdr); w.Code != http.StatusCreated {
			t.Fatalf("%d: %d %s", i, w.Code, w.Body)
		}
		got := acks()
		if last := got[len(got)-1]; last.Language != tc.want {
			t.Errorf("case %d (field %q, Accept-Language %q): answered in %q, want %q", i, tc.field, tc.accept, last.Language, tc.want)
		}
	}
}
