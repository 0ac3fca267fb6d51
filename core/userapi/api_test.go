package userapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/service"
	"supportdesk/core/store"
	"supportdesk/core/userapi"
)

const (
	phone    = "+12025550143"
	password = "a long enough password"
)

// text is a localizer that shows what it was asked: the language, the code
// and the field or limiter, so tests see which message a client would get.
type text struct{}

func (text) Error(lang string, err error) string {
	fe, ok := fault.As(err)
	if !ok {
		return lang + ":storage"
	}
	return lang + ":" + string(fe.Code) + ":" + fe.Field + fe.Limit
}

func (text) Reason(lang, code string) string { return lang + ":reason:" + code }

// fixture is a core on a temporary database with the handler over it.
type fixture struct {
	t   *testing.T
	svc *service.Service
	clk *clock.Fake
	snd *coretest.Sender
	h   *userapi.Handler
}

func open(t *testing.T) *fixture {
	t.Helper()
	svc, clk, snd := coretest.Open(t)
	h := userapi.New(svc, text{})
	h.Rate = 0
	return &fixture{t: t, svc: svc, clk: clk, snd: snd, h: h}
}

// account creates a user with one phone.
func (f *fixture) account(email, ph string) string {
	f.t.Helper()
	id, err := f.svc.Auth.CreateAccount(context.Background(), access.System, authn.NewAccount{Email: email,
		Password: password, Language: "en", Phone: ph, Delivery: account.DeliverySMS})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// answer is one response.
type answer struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

func (a answer) str(k string) string { s, _ := a.body[k].(string); return s }

// req sends a request: body is JSON-encoded unless it is a string already.
func (f *fixture) req(method, path, bearer string, body any, hdr ...string) answer {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	r := httptest.NewRequest(method, path, rd)
	r.RemoteAddr = "192.0.2.10:4711"
	if rd != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	out := answer{status: w.Code, header: w.Header(), raw: w.Body.String()}
	if out.raw != "" {
		if err := json.Unmarshal(w.Body.Bytes(), &out.body); err != nil {
			f.t.Fatalf("%s %s: answer is not JSON: %q", method, path, out.raw)
		}
	}
	return out
}

// expect fails unless the answer has the status (and, for errors, the code).
func (f *fixture) expect(a answer, status int, code string) answer {
	f.t.Helper()
	if a.status != status || (code != "" && a.str("code") != code) {
		f.t.Fatalf("got %d %s, want %d %s", a.status, a.raw, status, code)
	}
	if a.header.Get("Cache-Control") != "no-store" {
		f.t.Fatalf("answer may be cached: %v", a.header)
	}
	return a
}

// password signs in with the password only and returns the pending token.
func (f *fixture) password(email string) answer {
	f.t.Helper()
	return f.expect(f.req("POST", "/v1/session", "", map[string]string{"email": email, "password": password}), 200, "")
}

// signIn signs in fully with an SMS code and returns the session token.
func (f *fixture) signIn(email string) string {
	f.t.Helper()
	a := f.password(email)
	pending := a.str("pending")
	phones, _ := a.body["phones"].([]any)
	if len(phones) != 1 {
		f.t.Fatalf("phones %v", a.body)
	}
	id := phones[0].(map[string]any)["id"]
	f.expect(f.req("POST", "/v1/session/otp", "", map[string]any{"pending": pending, "phone_id": id}), 200, "")
	v := f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": f.snd.Last(phone), "method": "otp"}), 200, "")
	if v.str("token") == "" || v.str("token") == pending {
		f.t.Fatalf("verify: %v", v.body)
	}
	return v.str("token")
}

func b64(s string) []byte { return []byte(s) } // encoding/json base64-encodes a []byte

var goodDoc = map[string]any{"kind": "drivers_license", "front": b64("front"), "back": b64("back"), "selfie": b64("me")}
var goodID = map[string]string{"first_name": "María", "last_name": "García", "dob": "1980-04-02", "address": "1 Main St", "ssn": "123456789"}

func TestSignInThenProofToThePersonalKey(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	a := f.password("maria@example.org")
	phones := a.body["phones"].([]any)
	if got := phones[0].(map[string]any)["masked"]; got != "•••-•••-0143" {
		t.Fatalf("masked phone %v", got)
	}
	if strings.Contains(a.raw, "202555") || strings.Contains(a.raw, "maria@") {
		t.Fatalf("the password step echoes PII: %s", a.raw)
	}
	tok := f.signIn("maria@example.org")
	st := f.expect(f.req("GET", "/v1/idv", tok, nil), 200, "")
	if st.str("step") != "document" || len(st.body["limiters"].([]any)) != 5 {
		t.Fatalf("before proofing: %s", st.raw)
	}
	var all strings.Builder
	steps := []struct {
		path string
		body any
		next string
	}{
		{"/v1/idv/document", goodDoc, "resolution"},
		{"/v1/idv/identity", goodID, "verify"},
		{"/v1/idv/phone", nil, "personal_key"},
	}
	for _, s := range steps {
		r := f.expect(f.req("POST", s.path, tok, s.body), 200, "")
		if r.body["passed"] != true || r.str("step") != s.next {
			t.Fatalf("%s: %s", s.path, r.raw)
		}
		all.WriteString(r.raw)
	}
	k := f.expect(f.req("POST", "/v1/idv/personal_key", tok, "{}"), 200, "")
	if key := k.str("personal_key"); len(strings.ReplaceAll(key, "-", "")) != account.PersonalKeyLength {
		t.Fatalf("personal key %q", key)
	}
	f.expect(f.req("POST", "/v1/idv/personal_key", tok, nil), 409, "conflict") // shown once
	st = f.expect(f.req("GET", "/v1/idv", tok, nil), 200, "")
	all.WriteString(st.raw)
	if st.str("step") != "done" || st.str("verified_at") == "" {
		t.Fatalf("after proofing: %s", st.raw)
	}
	for _, pii := range []string{"María", "García", "1980-04-02", "Main St", "123456789", "202555"} {
		if strings.Contains(all.String(), pii) {
			t.Errorf("an answer carries %q", pii)
		}
	}
	if n, brk := coretest.VerifyAudit(t, f.svc); brk != nil {
		t.Fatalf("audit broken after %d: %v", n, brk)
	}
	// Signing out forgets the token.
	f.expect(f.req("DELETE", "/v1/session", tok, nil), 204, "")
	f.expect(f.req("GET", "/v1/idv", tok, nil), 401, "not_permitted")
	f.expect(f.req("DELETE", "/v1/session", tok, nil), 204, "")
}

func TestSignInAnswersAMissingAccountAsAWrongPassword(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	for _, lang := range []string{"en", "es", "fr"} {
		wrong := f.req("POST", "/v1/session", "", map[string]string{"email": "maria@example.org", "password": "not the password!"},
			"Accept-Language", lang)
		missing := f.req("POST", "/v1/session", "", map[string]string{"email": "nobody@example.org", "password": "not the password!"},
			"Accept-Language", lang)
		if wrong.status != 401 || wrong.raw != missing.raw || wrong.status != missing.status {
			t.Fatalf("%s: wrong password %d %s, missing account %d %s", lang, wrong.status, wrong.raw, missing.status, missing.raw)
		}
		if wrong.str("error") != lang+":bad_credentials:" || wrong.header.Get("Content-Language") != lang {
			t.Fatalf("%s: %s %v", lang, wrong.raw, wrong.header)
		}
	}
}

func TestDocumentLockoutAnswers429WithTheLimiter(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	tok := f.signIn("maria@example.org")
	glare := map[string]any{"kind": "drivers_license", "front": b64("glare"), "back": b64("back")}
	for i := range 5 {
		r := f.expect(f.req("POST", "/v1/idv/document", tok, glare, "Accept-Language", "es"), 200, "")
		reasons := r.body["reasons"].([]any)
		msgs := r.body["messages"].([]any)
		lim := r.body["limiter"].(map[string]any)
		if r.body["passed"] != false || r.str("step") != "document" || len(reasons) != 1 || reasons[0] != "glare" ||
			msgs[0] != "es:reason:glare" || lim["used"] != float64(i+1) || lim["max"] != float64(5) {
			t.Fatalf("attempt %d: %s", i+1, r.raw)
		}
	}
	r := f.expect(f.req("POST", "/v1/idv/document", tok, goodDoc, "Accept-Language", "fr"), 429, "rate_limited")
	clears := f.clk.Now().Add(6 * time.Hour).In(f.svc.Zone()).Format(time.RFC3339)
	if r.str("limiter") != "idv_doc_auth" || r.body["max"] != float64(5) || r.str("clears_at") != clears ||
		r.str("error") != "fr:rate_limited:idv_doc_auth" {
		t.Fatalf("sixth attempt: %s", r.raw)
	}
	st := f.expect(f.req("GET", "/v1/idv", tok, nil), 200, "")
	doc := st.body["limiters"].([]any)[0].(map[string]any)
	last := st.body["last_attempt"].(map[string]any)
	if doc["name"] != "idv_doc_auth" || doc["used"] != float64(5) || doc["max"] != float64(5) || doc["clears_at"] != clears ||
		last["reasons"].([]any)[0] != "glare" || last["passed"] != false {
		t.Fatalf("status: %s", st.raw)
	}
}

func TestStepsOutOfOrderAnswer409WithTheStep(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	tok := f.signIn("maria@example.org")
	for _, path := range []string{"/v1/idv/identity", "/v1/idv/phone", "/v1/idv/letter", "/v1/idv/personal_key", "/v1/idv/letter/confirm"} {
		var body any
		switch path {
		case "/v1/idv/identity":
			body = goodID
		case "/v1/idv/letter/confirm":
			body = map[string]string{"code": "ABCDEFGHJK"}
		}
		r := f.expect(f.req("POST", path, tok, body), 409, "conflict")
		if r.str("step") != "document" {
			t.Errorf("%s: %s", path, r.raw)
		}
	}
}

func TestFallbacksLetterAndInPerson(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("jose@example.org", "+12025550000") // the fake vendor fails this phone
	a := f.password("jose@example.org")
	pending := a.str("pending")
	id := a.body["phones"].([]any)[0].(map[string]any)["id"]
	f.expect(f.req("POST", "/v1/session/otp", "", map[string]any{"pending": pending, "phone_id": id}), 200, "")
	tok := f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": f.snd.Last("+12025550000")}), 200, "").str("token")
	f.expect(f.req("POST", "/v1/idv/document", tok, goodDoc), 200, "")
	mismatch := map[string]string{"first_name": "José", "last_name": "Mismatch", "dob": "1980-04-02", "address": "1 Main St", "ssn": "123456789"}
	r := f.expect(f.req("POST", "/v1/idv/identity", tok, mismatch), 200, "")
	if r.body["passed"] != false || r.str("field") != "last_name" || r.body["reasons"].([]any)[0] != "data_mismatch" {
		t.Fatalf("mismatch: %s", r.raw)
	}
	f.expect(f.req("POST", "/v1/idv/identity", tok, goodID), 200, "")
	if r = f.expect(f.req("POST", "/v1/idv/phone", tok, nil), 200, ""); r.body["passed"] != false {
		t.Fatalf("phone: %s", r.raw)
	}
	l := f.expect(f.req("POST", "/v1/idv/letter", tok, nil), 200, "")
	if l.str("step") != "by_mail" || l.str("expires_at") == "" || strings.Contains(l.raw, "code") {
		t.Fatalf("letter: %s", l.raw)
	}
	r = f.expect(f.req("POST", "/v1/idv/letter/confirm", tok, map[string]string{"code": "WRONGCODE0"}), 200, "")
	if r.body["passed"] != false || r.body["reasons"].([]any)[0] != "letter_code_wrong" {
		t.Fatalf("letter code: %s", r.raw)
	}
	en := f.expect(f.req("POST", "/v1/idv/in_person", tok, nil), 200, "")
	if len(en.str("enrollment_code")) != 16 || en.str("status") != "pending" {
		t.Fatalf("in person: %s", en.raw)
	}
	st := f.expect(f.req("GET", "/v1/idv", tok, nil), 200, "")
	if st.str("step") != "in_person" || st.body["in_person"].(map[string]any)["status"] != "pending" ||
		len(st.body["letters"].([]any)) != 1 || strings.Contains(st.raw, en.str("enrollment_code")) {
		t.Fatalf("status: %s", st.raw)
	}
}

func TestTOTPAndBackupCodeSignIn(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	ctx := context.Background()
	// Bind an auth app and backup codes through the core, signed in by SMS.
	p, err := f.svc.Auth.SignIn(ctx, "maria@example.org", password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	var phones []account.Phone
	f.svc.Store.Read(ctx, func(r store.Reader) error { phones, _ = r.Phones(ctx, p.AccountID()); return nil })
	if err := f.svc.Auth.SendOTP(ctx, p, phones[0].ID); err != nil {
		t.Fatal(err)
	}
	s, err := f.svc.Auth.VerifyOTP(ctx, p, f.snd.Last(phone))
	if err != nil {
		t.Fatal(err)
	}
	key, _ := totp.Generate(totp.GenerateOpts{Issuer: "t", AccountName: "maria"})
	first, _ := totp.GenerateCode(key.Secret(), f.clk.Now())
	if err := f.svc.Auth.AddAuthApp(ctx, s, "phone app", key.Secret(), first); err != nil {
		t.Fatal(err)
	}
	codes, err := f.svc.Auth.RegenerateBackupCodes(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	a := f.password("maria@example.org")
	if m := a.body["methods"].([]any); len(m) != 2 {
		t.Fatalf("methods %v", m)
	}
	pending := a.str("pending")
	f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": first, "method": "totp"}), 401, "code_reused")
	f.clk.Advance(30 * time.Second)
	next, _ := totp.GenerateCode(key.Secret(), f.clk.Now())
	f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": next, "method": "totp"}), 200, "")
	// The pending token is spent.
	f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": next, "method": "totp"}), 401, "not_permitted")
	pending = f.password("maria@example.org").str("pending")
	f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": codes[0], "method": "backup_code"}), 200, "")
	pending = f.password("maria@example.org").str("pending")
	f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": codes[0], "method": "backup_code"}), 401, "code_reused")
	f.expect(f.req("POST", "/v1/session/verify", "", map[string]string{"pending": pending, "code": "x", "method": "sms"}), 400, "invalid_input")
}

func TestTokensExpireWithTheCoresLimits(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	pending := f.password("maria@example.org").str("pending")
	f.clk.Advance(userapi.PendingTTL)
	f.expect(f.req("POST", "/v1/session/otp", "", map[string]any{"pending": pending, "phone_id": 1}), 401, "not_permitted")
	tok := f.signIn("maria@example.org")
	// A pending token is no session, and a session no pending token.
	p2 := f.password("maria@example.org").str("pending")
	f.expect(f.req("GET", "/v1/idv", p2, nil), 401, "not_permitted")
	f.expect(f.req("POST", "/v1/account/reset", "", map[string]string{"pending": tok}), 401, "not_permitted")
	f.clk.Advance(userapi.SessionTTL - time.Second)
	f.expect(f.req("GET", "/v1/idv", tok, nil), 200, "")
	f.clk.Advance(time.Second)
	r := f.expect(f.req("GET", "/v1/idv", tok, nil), 401, "not_permitted")
	if r.str("field") != "sign_in" || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("expired session: %s %v", r.raw, r.header)
	}
}

func TestAccountResetThenDeletionThroughTheLink(t *testing.T) {
	t.Parallel()
	f := open(t)
	id := f.account("lost@example.org", phone)
	pending := f.password("lost@example.org").str("pending")
	f.expect(f.req("POST", "/v1/account/reset", "", map[string]string{"pending": pending}), 202, "")
	r := f.expect(f.req("POST", "/v1/account/reset", "", map[string]string{"pending": pending}), 409, "conflict")
	if r.str("field") != "reset" {
		t.Fatalf("second request: %s", r.raw)
	}
	st := f.expect(f.req("POST", "/v1/account/reset/status", "", map[string]string{"pending": pending}), 200, "")
	if st.str("stage") != "waiting" || st.body["deletion"] != nil {
		t.Fatalf("waiting: %s", st.raw)
	}
	// Too early: the link does not exist yet, whatever is tried.
	f.expect(f.req("POST", "/v1/account/delete", "", map[string]string{"account_id": id, "token": "ANYTHING"}), 409, "reset_not_granted")
	f.clk.Advance(account.ResetWait)
	if done := f.svc.Jobs.RunOnce(context.Background()); done["account_reset.grant"] != 1 {
		t.Fatalf("not granted: %v", done)
	}
	pending = f.password("lost@example.org").str("pending") // the password step does not cancel it
	st = f.expect(f.req("POST", "/v1/account/reset/status", "", map[string]string{"pending": pending}), 200, "")
	del, _ := st.body["deletion"].(map[string]any)
	if st.str("stage") != "granted" || del == nil || del["account_id"] != id || del["token"] == "" {
		t.Fatalf("granted: %s", st.raw)
	}
	other := f.password("lost@example.org").str("pending")
	wrong := f.expect(f.req("POST", "/v1/account/delete", "", map[string]string{"account_id": id, "token": "WRONGTOKEN"}), 403, "bad_credentials")
	unknown := f.expect(f.req("POST", "/v1/account/delete", "", map[string]string{"account_id": "00000000-0000-0000-0000-000000000000", "token": "WRONGTOKEN"}), 403, "bad_credentials")
	if wrong.raw != unknown.raw {
		t.Fatalf("a wrong token %s and an unknown account %s answer differently", wrong.raw, unknown.raw)
	}
	f.expect(f.req("POST", "/v1/account/delete", "", map[string]any{"account_id": id, "token": del["token"]}), 200, "")
	again := f.expect(f.req("POST", "/v1/account/delete", "", map[string]any{"account_id": id, "token": del["token"]}), 403, "bad_credentials")
	if again.raw != wrong.raw {
		t.Fatalf("a used link answers %s", again.raw)
	}
	// The account's tokens went with it.
	f.expect(f.req("POST", "/v1/account/reset/status", "", map[string]string{"pending": other}), 401, "not_permitted")
	var entries int
	f.svc.Store.Read(context.Background(), func(r store.Reader) error {
		es, err := r.AuditQuery(context.Background(), store.AuditFilter{TargetID: id})
		for _, e := range es {
			switch e.Action {
			case "account_reset.request", "account_reset.grant", "account_reset.link_shown", "account_reset.delete":
				entries++
			}
		}
		return err
	})
	if entries != 4 {
		t.Errorf("%d reset audit entries, want request, grant, link shown, delete", entries)
	}
	if n, brk := coretest.VerifyAudit(t, f.svc); brk != nil {
		t.Fatalf("audit broken after %d: %v", n, brk)
	}
}

func TestRefusalsAtTheEdge(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	tok := f.signIn("maria@example.org")
	pending := f.password("maria@example.org").str("pending")
	big := `{"kind":"passport","front":"` + strings.Repeat("A", userapi.MaxDocumentBytes) + `","back":"QQ=="}`
	tests := []struct {
		name         string
		method, path string
		bearer       string
		body         any
		hdr          []string
		status       int
		field        string
	}{
		{"unknown path", "GET", "/v1/idv/nope", tok, nil, nil, 404, "path"},
		{"wrong method", "GET", "/v1/session", "", nil, nil, 405, "http_method"},
		{"form body", "POST", "/v1/session", "", "email=a", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "content_type"},
		{"no content type", "POST", "/v1/session", "", `{}`, []string{"Content-Type", ""}, 415, "content_type"},
		{"unknown field", "POST", "/v1/session", "", `{"email":"a@b.example","password":"x","admin":true}`, nil, 400, "json"},
		{"two objects", "POST", "/v1/session", "", `{"email":"a@b.example","password":"x"}{}`, nil, 400, "json"},
		{"not an object", "POST", "/v1/session", "", `["a"]`, nil, 400, "json"},
		{"empty email", "POST", "/v1/session", "", `{"email":"","password":"x"}`, nil, 400, "email"},
		{"small body too big", "POST", "/v1/session", "", `{"email":"` + strings.Repeat("a", userapi.MaxRequestBytes) + `"}`, nil, 413, "body"},
		{"document too big", "POST", "/v1/idv/document", tok, big, nil, 413, "body"},
		{"document not base64", "POST", "/v1/idv/document", tok, `{"kind":"passport","front":"!!","back":"QQ=="}`, nil, 400, "json"},
		{"document without back", "POST", "/v1/idv/document", tok, `{"kind":"passport","front":"QQ=="}`, nil, 400, "back"},
		{"document without token", "POST", "/v1/idv/document", "", big, nil, 401, "sign_in"},
		{"body on a step without input", "POST", "/v1/idv/phone", tok, `{"phone":"+12025550199"}`, nil, 400, "json"},
		{"unknown phone", "POST", "/v1/session/otp", "", map[string]any{"pending": pending, "phone_id": 999999}, nil, 400, "phone_id"},
		{"no phone", "POST", "/v1/session/otp", "", map[string]any{"pending": pending}, nil, 400, "phone_id"},
		{"unknown pending", "POST", "/v1/session/otp", "", map[string]any{"pending": "nope", "phone_id": 1}, nil, 401, "sign_in"},
		{"bad dob", "POST", "/v1/idv/identity", tok, map[string]string{"first_name": "A", "last_name": "B", "dob": "02/04/1980", "address": "x", "ssn": "123456789"}, nil, 400, "dob"},
		{"no deletion token", "POST", "/v1/account/delete", "", map[string]string{"account_id": "x"}, nil, 400, "token"},
		{"basic auth", "GET", "/v1/idv", "", nil, []string{"Authorization", "Basic " + tok}, 401, "sign_in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			r := f.req(tt.method, tt.path, tt.bearer, tt.body, tt.hdr...)
			if r.status != tt.status || r.str("field") != tt.field || r.str("error") == "" {
				t.Fatalf("got %d %s, want %d field %s", r.status, r.raw, tt.status, tt.field)
			}
			if tt.status == 405 && r.header.Get("Allow") != "DELETE, POST" {
				t.Errorf("Allow: %q", r.header.Get("Allow"))
			}
		})
	}
}

func TestPerAddressRateLimit(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.h.Rate, f.h.Burst = 0.001, 3
	for range 3 {
		f.expect(f.req("GET", "/v1/idv", "nope", nil), 401, "not_permitted")
	}
	r := f.expect(f.req("GET", "/v1/idv", "nope", nil, "Accept-Language", "es"), 429, "rate_limited")
	if r.str("limiter") != "http" || r.str("error") != "es:rate_limited:http" || r.header.Get("Retry-After") == "" {
		t.Fatalf("%s %v", r.raw, r.header)
	}
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	f := open(t)
	for header, want := range map[string]string{
		"":                         "en",
		"fr-CA":                    "fr",
		"de-DE, es;q=0.8":          "es",
		"en;q=0.5, fr;q=0.9":       "fr",
		"es-419;q=0, fr;q=0.1":     "fr",
		"ES":                       "es",
		"fr;q=abc, es;q=0.2":       "es",
		"*":                        "en",
		"en-US,en;q=0.9,es;q=0.8":  "en",
		"fr;q=1.000, es;q=0.999":   "fr",
		"zh, es;q=0.001, fr;q=0.0": "es",
	} {
		r := f.req("GET", "/v1/idv", "", nil, "Accept-Language", header)
		if got := r.header.Get("Content-Language"); got != want {
			t.Errorf("Accept-Language %q: %s, want %s", header, got, want)
		}
	}
}

// Many clients at once on one core: the token map and the limiter stay
// consistent under -race.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.account("maria@example.org", phone)
	tok := f.signIn("maria@example.org")
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 8 {
		wg.Go(func() {
			for range 8 {
				r := httptest.NewRecorder()
				req := httptest.NewRequest("GET", "/v1/idv", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				f.h.ServeHTTP(r, req)
				if r.Code != 200 {
					errs <- r.Body.String()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// Mounted as serve mounts it, every path under the API answers in JSON.
func TestMountedUnderAServeMux(t *testing.T) {
	t.Parallel()
	f := open(t)
	mux := http.NewServeMux()
	for _, p := range f.h.Paths() {
		mux.Handle(p, f.h)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for path, want := range map[string]int{"/v1/account/nothing": 404, "/v1/session/otp": 405, "/v1/idv": 401, "/v1/session/x/y": 404} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != want || err != nil || body["error"] == nil {
			t.Errorf("GET %s: %d %v %v", path, resp.StatusCode, body, err)
		}
	}
}
