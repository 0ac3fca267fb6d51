package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/clock"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/i18n"
)

// client drives a user through a running serve over HTTP.
type client struct {
	t    *testing.T
	base string
}

// serveAddr is the --http address startServe gave the process.
func serveAddr(t *testing.T, args []string) string {
	t.Helper()
	i := slices.Index(args, "--http")
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("no --http in %v", args)
	}
	return args[i+1]
}

// do sends JSON (or nothing) and decodes the JSON answer.
func (c client) do(method, path, bearer string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %d %q is not JSON", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, out
}

// must fails unless the answer has the status.
func (c client) must(status int, method, path, bearer string, body any) map[string]any {
	c.t.Helper()
	got, out := c.do(method, path, bearer, body)
	if got != status {
		c.t.Fatalf("%s %s: %d %v, want %d", method, path, got, out, status)
	}
	return out
}

// lastCode reads the newest one-time code the demo gateway wrote for a
// masked number: lines "<time> sms •••-•••-0143 [en] 123456".
func lastCode(t *testing.T, smsLog, masked string) string {
	t.Helper()
	f, err := os.Open(smsLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	code := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 5 && (fields[1] == "sms" || fields[1] == "voice") && fields[2] == masked {
			code = fields[4]
		}
	}
	if code == "" {
		t.Fatalf("no code for %s in %s", masked, smsLog)
	}
	return code
}

// sentMail lists the messages in a mail folder, leaving out those still
// being written (.tmp-*.eml, renamed into place once whole).
func sentMail(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	return slices.DeleteFunc(files, func(f string) bool { return strings.HasPrefix(filepath.Base(f), ".") })
}

// mailed is one .eml the serve wrote.
type mailed struct {
	to, subject, body string
}

// waitMail waits until the mail folder holds a message to each wanted
// subject for the address, and returns them by subject.
func waitMail(t *testing.T, dir, to string, subjects ...string) map[string]mailed {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got := map[string]mailed{}
		for _, path := range sentMail(dir) {
			raw, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			msg, err := netmail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			var text io.Reader = msg.Body
			if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
				text = quotedprintable.NewReader(msg.Body)
			}
			body, _ := io.ReadAll(text)
			if strings.Contains(msg.Header.Get("To"), to) {
				got[subject] = mailed{to: msg.Header.Get("To"), subject: subject, body: string(body)}
			}
		}
		all := true
		for _, s := range subjects {
			_, ok := got[s]
			all = all && ok
		}
		if all {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute, mail to %s: %v; want %v", to, slices.Collect(maps.Keys(got)), subjects)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// auditOK runs `supportdesk audit verify` in process.
func auditOK(t *testing.T, db string) {
	t.Helper()
	code, out, errOut := cli(t, "", "--db", db, "audit", "verify")
	if code != exitOK || !regexp.MustCompile(`ok: [0-9,]+ audit entries verified`).MatchString(out) {
		t.Fatalf("audit verify: %d %q %q", code, out, errOut)
	}
}

// subject is a mail template's subject in English, from the bundle.
func subject(t *testing.T, tmpl notify.Template) string {
	t.Helper()
	b, err := i18n.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	return b.Localizer("en").T("mail." + string(tmpl) + ".subject")
}

// A user signs in over HTTP, fails document authentication five times,
// is limited on the sixth; an agent asks for the limiter to be cleared
// (a vendor outage), cannot approve its own request, a supervisor does;
// the user then proofs to the personal key. The log verifies and the user
// was mailed about the reset and the verification.
func TestServeProofingLockoutThenDualControlReset(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	db, mailDir := filepath.Join(dir, "idv.db"), filepath.Join(dir, "mail")
	ctx := context.Background()
	prep := openDB(t, db, clock.System{})
	id, err := prep.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "maria@example.org",
		Password: "a long enough password", Language: "en", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	prep.Close()
	srv := startServe(t, db, "--mail-dir", mailDir)
	c := client{t: t, base: "http://" + serveAddr(t, srv.Args)}

	// Sign in: password, a code by SMS (the demo gateway's file), the session.
	if st, out := c.do("POST", "/v1/session", "", map[string]string{"email": "maria@example.org", "password": "wrong password!!"}); st != 401 || out["code"] != "bad_credentials" {
		t.Fatalf("wrong password: %d %v", st, out)
	}
	p := c.must(200, "POST", "/v1/session", "", map[string]string{"email": "maria@example.org", "password": "a long enough password"})
	phones := p["phones"].([]any)
	ph := phones[0].(map[string]any)
	if ph["masked"] != "•••-•••-0143" {
		t.Fatalf("phones %v", phones)
	}
	c.must(200, "POST", "/v1/session/otp", "", map[string]any{"pending": p["pending"], "phone_id": ph["id"]})
	code := lastCode(t, db+".sms.log", "•••-•••-0143")
	tok := c.must(200, "POST", "/v1/session/verify", "", map[string]any{"pending": p["pending"], "code": code, "method": "otp"})["token"].(string)

	glare := map[string]any{"kind": "drivers_license", "front": []byte("glare"), "back": []byte("back"), "selfie": []byte("me")}
	for i := range 5 {
		r := c.must(200, "POST", "/v1/idv/document", tok, glare)
		if r["passed"] != false || r["reasons"].([]any)[0] != "glare" {
			t.Fatalf("attempt %d: %v", i+1, r)
		}
	}
	good := map[string]any{"kind": "drivers_license", "front": []byte("front"), "back": []byte("back"), "selfie": []byte("me")}
	st, limited := c.do("POST", "/v1/idv/document", tok, good)
	clears, perr := time.Parse(time.RFC3339, str(limited["clears_at"]))
	if st != 429 || limited["limiter"] != "idv_doc_auth" || limited["max"] != float64(5) || perr != nil ||
		clears.Before(time.Now().Add(5*time.Hour)) || str(limited["error"]) == "" {
		t.Fatalf("sixth attempt: %d %v", st, limited)
	}
	doc := c.must(200, "GET", "/v1/idv", tok, nil)["limiters"].([]any)[0].(map[string]any)
	if doc["name"] != "idv_doc_auth" || doc["used"] != float64(5) || doc["max"] != float64(5) {
		t.Fatalf("limiter %v", doc)
	}

	// Dual control, from a second process on the same database.
	svc := openDB(t, db, clock.System{})
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	// The agent verifies the caller (the code goes to the caller's email),
	// then sees 5/5, when it clears, and the reasons.
	chk, err := svc.VerifyCaller(ctx, agent.Token, "maria@example.org", 0)
	if err != nil {
		t.Fatal(err)
	}
	verified, err := svc.ConfirmCaller(ctx, agent.Token, chk.ID, firstOf(coretest.CallerCode(t, svc, id)))
	if err != nil || verified.Account.Proofing == nil {
		t.Fatalf("caller verification: %v", err)
	}
	seen := verified.Account.Proofing.Limits[0]
	if seen.Name != "idv_doc_auth" || seen.Used != 5 || seen.Max != 5 || seen.ClearsAt.Sub(clears).Abs() >= time.Second ||
		len(verified.Account.Proofing.Attempts) != 5 || verified.Account.Proofing.Attempts[0].Reasons[0] != "glare" {
		t.Fatalf("the agent sees %+v, attempts %+v", seen, verified.Account.Proofing.Attempts)
	}
	req, err := svc.RequestLimiterReset(ctx, agent.Token, id, "idv_doc_auth", "vendor outage INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Decide(ctx, agent.Token, req.ID, true); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("the agent approved its own request: %v", err)
	}
	if st, _ := c.do("POST", "/v1/idv/document", tok, good); st != 429 {
		t.Fatalf("cleared before approval: %d", st)
	}
	sup := coretest.AddStaff(t, svc, staff.NewAgent{Email: "sam@desk.example", Role: access.RoleSupervisor, Languages: []string{"en"}})
	if err := svc.Decide(ctx, sup.Token, req.ID, true); err != nil {
		t.Fatal(err)
	}

	// The user proofs to the end.
	steps := []struct {
		path string
		body any
		next string
	}{
		{"/v1/idv/document", good, "resolution"},
		{"/v1/idv/identity", map[string]string{"first_name": "María", "last_name": "García", "dob": "1980-04-02",
			"address": "1 Main St, Springfield", "ssn": "123456789"}, "verify"},
		{"/v1/idv/phone", nil, "personal_key"},
	}
	for _, s := range steps {
		if r := c.must(200, "POST", s.path, tok, s.body); r["passed"] != true || r["step"] != s.next {
			t.Fatalf("%s: %v", s.path, r)
		}
	}
	key := str(c.must(200, "POST", "/v1/idv/personal_key", tok, nil)["personal_key"])
	if !regexp.MustCompile(`^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$`).MatchString(key) {
		t.Fatalf("personal key %q", key)
	}
	if s := c.must(200, "GET", "/v1/idv", tok, nil); s["step"] != "done" {
		t.Fatalf("status %v", s)
	}
	c.must(204, "DELETE", "/v1/session", tok, nil)
	c.must(401, "GET", "/v1/idv", tok, nil)
	if r := c.must(404, "GET", "/v1/idv/nothing", "", nil); r["field"] != "path" {
		t.Fatalf("unknown path: %v", r)
	}

	var a account.Account
	var entries []string
	err = svc.Store.Read(ctx, func(r store.Reader) error {
		var err error
		if a, err = r.Account(ctx, id); err != nil {
			return err
		}
		es, err := r.AuditQuery(ctx, store.AuditFilter{TargetID: id})
		for _, e := range es {
			entries = append(entries, e.Action)
		}
		return err
	})
	if err != nil || a.IAL != 2 {
		t.Fatalf("account after proofing: IAL %d, %v", a.IAL, err)
	}
	for _, want := range []string{"auth.password_ok", "auth.second_factors_listed", "auth.otp_sent", "auth.sign_in",
		"idv.rate_limited", "dual.request", "idv.limiter_reset", "idv.verified"} {
		if !slices.Contains(entries, want) {
			t.Errorf("no %s in the account's audit trail %v", want, entries)
		}
	}
	auditOK(t, db)
	mails := waitMail(t, mailDir, "maria@example.org", subject(t, notify.TemplateLimiterReset), subject(t, notify.TemplateAccountVerified))
	for _, m := range mails {
		if strings.Contains(m.body, key) || strings.Contains(m.body, "García") {
			t.Errorf("mail %q carries a secret or PII", m.subject)
		}
	}
	if raw, _ := os.ReadFile(db + ".sms.log"); bytes.Contains(raw, []byte("2025550143")) {
		t.Error("the SMS log holds a full number")
	}
}

// Account reset over HTTP. One user requests it now and is told to wait;
// another requested it 25 hours ago (prepared on a fake clock, since serve
// runs on the real one), so serve's jobs grant it: that user finds the
// deletion link on its account page after the password step (the granted
// mail points there and never carries the token) and deletes the account.
func TestServeAccountResetThenDeletionOverHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	db, mailDir := filepath.Join(dir, "reset.db"), filepath.Join(dir, "mail")
	ctx := context.Background()
	const pw = "a long enough password"
	prep := openDB(t, db, clock.NewFake(time.Now().Add(-25*time.Hour)))
	lost, err := prep.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "lost@example.org",
		Password: pw, Language: "en", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	p, err := prep.Auth.SignIn(ctx, "lost@example.org", pw, "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if err := prep.Auth.RequestReset(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := prep.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "now@example.org",
		Password: pw, Language: "en", Phone: "+12025550199", Delivery: account.DeliverySMS}); err != nil {
		t.Fatal(err)
	}
	prep.Close()
	srv := startServe(t, db, "--mail-dir", mailDir)
	c := client{t: t, base: "http://" + serveAddr(t, srv.Args)}

	// The user who asks now: accepted, told to wait, asked once only.
	pending := c.must(200, "POST", "/v1/session", "", map[string]string{"email": "now@example.org", "password": pw})["pending"]
	if r := c.must(202, "POST", "/v1/account/reset", "", map[string]any{"pending": pending}); r["stage"] != "waiting" {
		t.Fatalf("request: %v", r)
	}
	if r := c.must(409, "POST", "/v1/account/reset", "", map[string]any{"pending": pending}); r["field"] != "reset" {
		t.Fatalf("second request: %v", r)
	}
	s := c.must(200, "POST", "/v1/account/reset/status", "", map[string]any{"pending": pending})
	grantAt, _ := time.Parse(time.RFC3339, str(s["grant_at"]))
	if s["stage"] != "waiting" || s["deletion"] != nil || grantAt.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("waiting: %v", s)
	}
	waitMail(t, mailDir, "now@example.org", subject(t, notify.TemplateResetRequested))

	// The user who asked 25 hours ago: serve's jobs grant it; the link is
	// on the account page.
	pending = c.must(200, "POST", "/v1/session", "", map[string]string{"email": "lost@example.org", "password": pw})["pending"]
	var link map[string]any
	deadline := time.Now().Add(time.Minute)
	for link == nil {
		s := c.must(200, "POST", "/v1/account/reset/status", "", map[string]any{"pending": pending})
		link, _ = s["deletion"].(map[string]any)
		if link == nil && time.Now().After(deadline) {
			t.Fatalf("not granted within a minute: %v", s)
		}
		if link == nil {
			time.Sleep(250 * time.Millisecond)
		}
	}
	token := str(link["token"])
	if link["account_id"] != lost || len(token) != 26 {
		t.Fatalf("deletion link %v", link)
	}
	granted := waitMail(t, mailDir, "lost@example.org", subject(t, notify.TemplateResetGranted))[subject(t, notify.TemplateResetGranted)]
	if strings.Contains(granted.body, token) || !strings.Contains(granted.body, "account page") {
		t.Fatalf("the granted mail: %q", granted.body)
	}
	var before []account.Event
	svc := openDB(t, db, clock.System{})
	svc.Store.Read(ctx, func(r store.Reader) error { before, err = r.Events(ctx, lost, 50); return err })
	kinds := []account.EventKind{}
	for _, e := range before {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Contains(kinds, account.EventResetRequested) || !slices.Contains(kinds, account.EventResetGranted) {
		t.Fatalf("events before deletion: %v", kinds)
	}

	// A wrong token and an unknown account answer alike; the link works once.
	_, wrong := c.do("POST", "/v1/account/delete", "", map[string]string{"account_id": lost, "token": strings.Repeat("0", 26)})
	_, unknown := c.do("POST", "/v1/account/delete", "", map[string]string{"account_id": "8b0c4a52-0000-4000-8000-000000000000", "token": token})
	if wrong["code"] != "bad_credentials" || wrong["error"] != unknown["error"] || wrong["field"] != unknown["field"] {
		t.Fatalf("wrong token %v, unknown account %v", wrong, unknown)
	}
	if r := c.must(200, "POST", "/v1/account/delete", "", map[string]any{"account_id": lost, "token": token}); r["deleted"] != true {
		t.Fatalf("delete: %v", r)
	}
	c.must(403, "POST", "/v1/account/delete", "", map[string]any{"account_id": lost, "token": token})
	c.must(401, "POST", "/v1/account/reset/status", "", map[string]any{"pending": pending})
	if st, out := c.do("POST", "/v1/session", "", map[string]string{"email": "lost@example.org", "password": pw}); st != 401 || out["code"] != "bad_credentials" {
		t.Fatalf("sign-in after deletion: %d %v", st, out)
	}

	// The trail: audit entries outlive the account, the notices went out.
	var actions []string
	var notices []notify.Template
	err = svc.Store.Read(ctx, func(r store.Reader) error {
		if _, err := r.Account(ctx, lost); !errors.Is(err, fault.ErrNotFound) {
			return errors.New("the account is still there")
		}
		es, err := r.AuditQuery(ctx, store.AuditFilter{TargetID: lost})
		if err != nil {
			return err
		}
		for _, e := range es {
			actions = append(actions, e.Action)
		}
		rows, err := r.Outbox(ctx, lost)
		for _, n := range rows {
			notices = append(notices, n.Template)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"account_reset.request", "account_reset.grant", "account_reset.link_shown", "account_reset.delete"} {
		if !slices.Contains(actions, want) {
			t.Errorf("no %s in %v", want, actions)
		}
	}
	for _, want := range []notify.Template{notify.TemplateResetRequested, notify.TemplateResetGranted, notify.TemplateAccountDeleted} {
		if n := count(notices, want); n != 2 {
			t.Errorf("%d %s notices, want an email and a text", n, want)
		}
	}
	waitMail(t, mailDir, "lost@example.org", subject(t, notify.TemplateAccountDeleted))
	auditOK(t, db)
}

func str(v any) string { s, _ := v.(string); return s }

func count[T comparable](xs []T, x T) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

// Every answer of the user API reads as a sentence in each language: no
// message id shows through, the limiter and the step are named.
func TestUserAPIMessagesInEveryLanguage(t *testing.T) {
	t.Parallel()
	b, err := i18n.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	txt := userText{b}
	until := time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)
	errs := []error{
		&fault.Error{Code: fault.CodeNotFound, Field: "path"},
		&fault.Error{Code: fault.CodeInvalidInput, Field: "http_method"},
		&fault.Error{Code: fault.CodeInvalidInput, Field: "content_type"},
		&fault.Error{Code: fault.CodeInvalidInput, Field: "json"},
		&fault.Error{Code: fault.CodeInvalidInput, Field: "body", Max: 8 << 20},
		&fault.Error{Code: fault.CodeNotPermitted, Field: "sign_in"},
		&fault.Error{Code: fault.CodeRateLimited, Limit: "http", Max: 30},
		fault.Limited("idv_doc_auth", 5, until),
		fault.Limited("sign_in", 5, until),
		&fault.Error{Code: fault.CodeConflict, Limit: "resolution"},
		&fault.Error{Code: fault.CodeConflict, Field: "reset"},
		&fault.Error{Code: fault.CodeBadCredentials, Field: "delete_link"},
		fault.ErrBadCredentials,
		fault.Invalid("phone_id", fault.CodeInvalidInput),
		fault.Storage(errors.New("disk on fire")),
		errors.New("not a core error"),
	}
	seen := map[string]string{}
	for _, lang := range []string{"en", "es", "fr"} {
		for _, e := range errs {
			msg := txt.Error(lang, e)
			if msg == "" || strings.Contains(msg, "http.") || strings.Contains(msg, "error.") || strings.Contains(msg, "fire") {
				t.Errorf("%s %v: %q", lang, e, msg)
			}
			if prev, ok := seen[e.Error()]; ok && lang != "en" && prev == msg && !strings.Contains(e.Error(), "phone_id") {
				t.Errorf("%s %v reads as English: %q", lang, e, msg)
			}
			if lang == "en" {
				seen[e.Error()] = msg
			}
		}
		l := b.Localizer(lang)
		doc := txt.Error(lang, fault.Limited("idv_doc_auth", 5, until))
		if !strings.Contains(doc, l.T("limiter.idv_doc_auth")) || !strings.Contains(doc, "5") || !strings.Contains(doc, l.DateTime(until)) {
			t.Errorf("%s: limited step %q", lang, doc)
		}
		if step := txt.Error(lang, &fault.Error{Code: fault.CodeConflict, Limit: "resolution"}); !strings.Contains(step, l.T("http.step.resolution")) {
			t.Errorf("%s: out of order %q", lang, step)
		}
		if r := txt.Reason(lang, "glare"); r != l.T("reason.glare") || txt.Reason(lang, "new_reason") != "new_reason" {
			t.Errorf("%s: reason %q", lang, r)
		}
	}
}

func firstOf[A, B any](a A, _ B) A { return a }
