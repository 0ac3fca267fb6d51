package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var sample = Message{
	MessageID: "<outbox-42.abcdefghijklm@desk.example.gov>",
	From:      "Centre de contact <support@desk.example.gov>",
	To:        "jose@example.com",
	Subject:   "Accusé de réception de votre demande SD-2026-000123",
	Body:      "Bonjour José,\n\nNous vous répondrons au plus tard le lundi 30 novembre 2026.\n.\nFin",
	Language:  "fr",
	Date:      time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC),
}

func TestMessageBytes(t *testing.T) {
	t.Parallel()
	raw := sample.Bytes()
	want := "Message-ID: <outbox-42.abcdefghijklm@desk.example.gov>\r\n" +
		"Date: Wed, 25 Nov 2026 15:00:00 +0000\r\n" +
		"From: \"Centre de contact\" <support@desk.example.gov>\r\n" +
		"To: <jose@example.com>\r\n" +
		"Subject: =?UTF-8?q?Accus=C3=A9_de_r=C3=A9ception_de_votre_demande_SD-2026?=\r\n" +
		" =?UTF-8?q?-000123?=\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n" +
		"Content-Language: fr\r\n" +
		"\r\n" +
		"Bonjour Jos=C3=A9,\r\n\r\nNous vous r=C3=A9pondrons au plus tard le lundi 30 novembre 2026.\r\n.\r\nFin\r\n"
	if string(raw) != want {
		t.Errorf("Bytes:\n%s\nwant\n%s", raw, want)
	}
	if err := sample.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestMessageHeadersResistInjection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		subject string
		want    string // decoded
	}{
		{"line break", "Hello\r\nBcc: evil@example.com", "Hello Bcc: evil@example.com"},
		{"bare LF", "Hello\nX-Evil: 1", "Hello X-Evil: 1"},
		{"controls and bidi", "a\x00b\x1b[2Jc\u202ed\x85e", "ab[2Jcde"},
		{"looks encoded", "=?UTF-8?q?evil?=", "=?UTF-8?q?evil?="},
		{"long ASCII folds", strings.Repeat("word ", 40) + "end", strings.Repeat("word ", 40) + "end"},
		{"one huge word", strings.Repeat("x", 2000), strings.Repeat("x", 2000)},
		{"long accented", strings.Repeat("réponse ", 30), strings.TrimSpace(strings.Repeat("réponse ", 30))},
		{"invalid UTF-8", "caf\xe9", "caf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := sample
			m.Subject = tt.subject
			raw := m.Bytes()
			checkLines(t, raw)
			msg, err := netmail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if len(msg.Header) != 9 || msg.Header.Get("Bcc") != "" || msg.Header.Get("X-Evil") != "" {
				t.Errorf("headers %v", msg.Header)
			}
			got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || got != tt.want {
				t.Errorf("subject decodes to %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

// checkLines asserts CRLF line ends, header lines within 78 characters and
// quoted-printable lines within 76.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	s := string(raw)
	if strings.Count(s, "\n") != strings.Count(s, "\r\n") || strings.Count(s, "\r") != strings.Count(s, "\r\n") {
		t.Errorf("bare CR or LF in %q", s)
	}
	head, body, _ := strings.Cut(s, "\r\n\r\n")
	for _, line := range strings.Split(body, "\r\n") {
		if len(line) > 76 {
			t.Errorf("quoted-printable line of %d characters", len(line))
		}
	}
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > lineMax {
			t.Errorf("header line of %d octets: %q", len(line), line)
		}
		if !utf8.ValidString(line) || !isASCII(line) {
			t.Errorf("non-ASCII header line %q", line)
		}
	}
}

func TestMessageEncodesDisplayName(t *testing.T) {
	t.Parallel()
	m := sample
	m.From = `"Centre de contact de l'assistance aux usagers, équipe francophone" <support@desk.example.gov>`
	raw := m.Bytes()
	checkLines(t, raw)
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	a, err := msg.Header.AddressList("From")
	if err != nil || len(a) != 1 || a[0].Name != "Centre de contact de l'assistance aux usagers, équipe francophone" ||
		a[0].Address != "support@desk.example.gov" {
		t.Errorf("From %q parses to %v, %v", msg.Header.Get("From"), a, err)
	}
}

func TestMessageBodyIsQuotedPrintable(t *testing.T) {
	t.Parallel()
	m := sample
	m.Body = "Línea larga: " + strings.Repeat("ñ", 100) + "\r\nsegunda línea  \nfin\rcon CR"
	raw := m.Bytes()
	checkLines(t, raw)
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	want := "Línea larga: " + strings.Repeat("ñ", 100) + "\r\nsegunda línea  \r\nfin\r\ncon CR\r\n"
	if string(body) != want {
		t.Errorf("body %q, want %q", body, want)
	}
}

func TestMessageCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Message)
	}{
		{"no id", func(m *Message) { m.MessageID = "" }},
		{"id without brackets", func(m *Message) { m.MessageID = "outbox-1@x" }},
		{"id with space", func(m *Message) { m.MessageID = "<a b@x>" }},
		{"id with line break", func(m *Message) { m.MessageID = "<a\r\nBcc: x@y>" }},
		{"bad From", func(m *Message) { m.From = "support" }},
		{"two recipients", func(m *Message) { m.To = "a@example.com, b@example.com" }},
		{"To with line break", func(m *Message) { m.To = "a@example.com\r\nBcc: b@example.com" }},
		{"no date", func(m *Message) { m.Date = time.Time{} }},
	}
	for _, tt := range tests {
		m := sample
		tt.edit(&m)
		err := m.Check()
		if err == nil {
			t.Errorf("%s: Check passed", tt.name)
		} else if strings.Contains(err.Error(), "example.com") {
			t.Errorf("%s: error %q names the address", tt.name, err)
		}
		if err := (Dir{Path: t.TempDir()}).Send(t.Context(), &m); !errors.Is(err, ErrPermanent) {
			t.Errorf("%s: Dir.Send = %v, want a permanent error", tt.name, err)
		}
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, want string }{
		{"<outbox-42.abc@desk.example.gov>", "outbox-42.abc@desk.example.gov.eml"},
		{"<../../etc/passwd@x>", "_.._etc_passwd@x-"},
		{"<.hidden@x>", "hidden@x-"},
		{"<a/b@x>", "a_b@x-"},
	}
	for _, tt := range tests {
		got := FileName(tt.id)
		if !strings.HasPrefix(got, strings.TrimSuffix(tt.want, ".eml")) || !strings.HasSuffix(got, ".eml") ||
			strings.ContainsAny(got, "/\\") || strings.HasPrefix(got, ".") {
			t.Errorf("FileName(%q) = %q, want %q…", tt.id, got, tt.want)
		}
	}
	if a, b := FileName("<a/b@x>"), FileName("<a_b@x>"); a == b {
		t.Errorf("two ids share the file %q", a)
	}
}

func TestSMTPFailures(t *testing.T) {
	t.Parallel()
	m := sample
	t.Run("wrong password is worth a retry", func(t *testing.T) {
		t.Parallel()
		ts, _ := startServer(t, serverOpts{user: "desk", pass: "right"})
		err := (&SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSNone, Username: "desk", Password: "wrong"}).Send(t.Context(), &m)
		var se *SendError
		if !errors.As(err, &se) || se.Stage != "auth" || se.Code != 535 || errors.Is(err, ErrPermanent) {
			t.Errorf("Send = %v", err)
		}
	})
	t.Run("STARTTLS not offered", func(t *testing.T) {
		t.Parallel()
		ts, _ := startServer(t, serverOpts{})
		err := (&SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSStartTLS}).Send(t.Context(), &m)
		var se *SendError
		if !errors.As(err, &se) || se.Stage != "starttls" || len(ts.messages()) != 0 {
			t.Errorf("Send = %v", err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		t.Parallel()
		ts, _ := startServer(t, serverOpts{mode: TLSStartTLS})
		err := (&SMTP{Host: ts.Host, Port: ts.Port, Mode: TLSStartTLS}).Send(t.Context(), &m)
		if err == nil || len(ts.messages()) != 0 {
			t.Errorf("Send = %v with a self-signed certificate", err)
		}
	})
	t.Run("a silent server does not outlive the context", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { c.Close() }) // accepts and never greets
			}
		}()
		host, port, _ := net.SplitHostPort(l.Addr().String())
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		p, _ := strconv.Atoi(port)
		s := &SMTP{Host: host, Port: p, Mode: TLSNone}
		if err := s.Send(ctx, &m); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Errorf("Send = %v after %v", err, time.Since(start))
		}
	})
}

func TestCredentialsOnlyOverTLSOrLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host   string
		secure bool
		want   bool
	}{
		{"127.0.0.1", false, true}, {"::1", false, true}, {"localhost", false, true},
		{"smtp.example.gov", false, false}, {"10.0.0.1", false, false}, {"127.0.0.1.example.com", false, false},
		{"smtp.example.gov", true, true},
	}
	for _, tt := range tests {
		if got := authAllowed(tt.secure, tt.host); got != tt.want {
			t.Errorf("authAllowed(%v, %q) = %v", tt.secure, tt.host, got)
		}
	}
	if _, err := ParseTLSMode("ssl"); err == nil {
		t.Error("ParseTLSMode accepted ssl")
	}
}

func FuzzMessageBytes(f *testing.F) {
	f.Add("Acuse de recibo n.º SD-1", "Hola\r\n.\nadiós")
	f.Add("=?UTF-8?q?x?=\r\nBcc: a@b", "\x00\x1b")
	f.Add(strings.Repeat("é", 300), strings.Repeat("x", 1000))
	f.Fuzz(func(t *testing.T, subject, body string) {
		m := sample
		m.Subject, m.Body = subject, body
		raw := m.Bytes()
		checkLines(t, raw)
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("does not parse: %v\n%q", err, raw)
		}
		if len(msg.Header) != 9 {
			t.Fatalf("%d headers: %v", len(msg.Header), msg.Header)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if want := headerText(subject); err != nil || got != want {
			t.Fatalf("subject %q decodes to %q (%v), want %q", subject, got, err, want)
		}
		if _, err := io.ReadAll(quotedprintable.NewReader(msg.Body)); err != nil {
			t.Fatalf("body: %v", err)
		}
	})
}
