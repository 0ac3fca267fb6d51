package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"supportdesk/core/mailin"
)

const replyMail = "From: Ana <ana@example.org>\r\nTo: reply+abc@desk.example\r\nSubject: Re: help\r\n\r\nThanks.\r\n"

// mailInRun runs mail-in with its own environment (the MTA's variables).
func mailInRun(t *testing.T, stdin io.Reader, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"mail-in"}, args...), stdin, &out, &errb, func(k string) string { return env[k] })
	if out.Len() != 0 {
		t.Errorf("mail-in wrote to standard output: %q", out.String())
	}
	return code, errb.String()
}

func TestMailInExitStatuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "sd.db")
	if code, _, errOut := cli(t, "", "--db", db, "migrate"); code != exitOK {
		t.Fatalf("migrate: %d %q", code, errOut)
	}
	env := map[string]string{"XDG_DATA_HOME": dir, "LANG": "C"}
	big := io.MultiReader(strings.NewReader(replyMail), bytes.NewReader(bytes.Repeat([]byte("x\r\n"), int(mailin.DefaultMaxBytes/3)+1)))
	cases := []struct {
		name  string
		stdin io.Reader
		env   map[string]string
		args  []string
		want  int
		text  string
	}{
		{"no recipient", strings.NewReader(replyMail), env, []string{"--db", db}, exUsage, "no recipient"},
		{"unknown flag", strings.NewReader(replyMail), env, []string{"--db", db, "--rcpt", "reply+abc@desk.example", "--frobnicate"}, exUsage, "invalid option"},
		{"stray argument", strings.NewReader(replyMail), env, []string{"--db", db, "reply+abc@desk.example"}, exUsage, "unexpected argument"},
		{"not an address", strings.NewReader(replyMail), env, []string{"--db", db, "--rcpt", "secret name"}, exUsage, "not an email address"},
		{"empty message", strings.NewReader(""), env, []string{"--db", db, "--rcpt", "reply+abc@desk.example"}, exDataErr, "empty"},
		{"over the size limit", big, env, []string{"--db", db, "--rcpt", "reply+abc@desk.example"}, exUnavailable, "10 MiB"},
		{"no database: retried, none created", strings.NewReader(replyMail), env,
			[]string{"--db", filepath.Join(dir, "none.db"), "--rcpt", "reply+abc@desk.example"}, exTempFail, "no database"},
		// Postfix's local(8) names the recipient in the environment.
		{"recipient from the environment", strings.NewReader(replyMail),
			map[string]string{"XDG_DATA_HOME": dir, "LANG": "C", "ORIGINAL_RECIPIENT": "reply+abc@desk.example"},
			[]string{"--db", filepath.Join(dir, "none.db")}, exTempFail, "no database"},
		{"not mail", strings.NewReader("this is not an email\r\n"), env, []string{"--db", db, "--rcpt", "reply+abc@desk.example"}, exDataErr, "refused for good"},
		{"localized", strings.NewReader(""), env, []string{"--db", db, "--rcpt", "reply+abc@desk.example"}, exDataErr, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if tc.name == "localized" {
				code, errOut := mailInRunLang(t, tc.stdin, tc.env, "fr", args...)
				if code != tc.want || !strings.Contains(errOut, "l'entrée standard est vide") {
					t.Fatalf("fr: %d %q", code, errOut)
				}
				return
			}
			code, errOut := mailInRun(t, tc.stdin, tc.env, args...)
			if code != tc.want || !strings.Contains(errOut, tc.text) {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.want, errOut)
			}
			if strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "reply+abc") || strings.Contains(errOut, "secret name") {
				t.Fatalf("want one line without the address, got %q", errOut)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("mail-in created a database: %v", err)
	}
}

// A reply through the pipe is delivered (held, matching no ticket) and
// said nothing about; delivered again, it is stored once and still 0.
func TestMailInDelivers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "sd.db")
	if code, _, errOut := cli(t, "", "--db", db, "migrate"); code != exitOK {
		t.Fatalf("migrate: %d %q", code, errOut)
	}
	env := map[string]string{"XDG_DATA_HOME": dir, "LANG": "C"}
	msg := "Message-ID: <once@example.org>\r\n" + replyMail
	for range 2 {
		code, errOut := mailInRun(t, strings.NewReader(msg), env, "--db", db, "--rcpt", "reply+abc@desk.example", "--mail-auth-id", "mx.desk.example")
		if code != exitOK || errOut != "" {
			t.Fatalf("mail-in: %d %q", code, errOut)
		}
	}
}

func mailInRunLang(t *testing.T, stdin io.Reader, env map[string]string, lang string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--lang", lang, "mail-in"}, args...), stdin, &out, &errb, func(k string) string { return env[k] })
	return code, errb.String()
}

func TestMailInHelp(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{"en": "Exit status", "es": "Código de salida", "fr": "Code de sortie"} {
		code, _, errOut := cli(t, "", "--lang", lang, "mail-in", "--help")
		if code != exitOK || !strings.Contains(errOut, want) || !strings.Contains(errOut, "--rcpt") ||
			!strings.Contains(errOut, "--mail-auth-id") {
			t.Errorf("%s: mail-in --help: %d %q", lang, code, errOut)
		}
		code, _, errOut = cli(t, "", "--lang", lang, "serve", "--help")
		for _, f := range []string{"--mail-in ", "--mail-in-lmtp", "--mail-domain", "--mail-auth-id"} {
			if code != exitOK || !strings.Contains(errOut, f) {
				t.Errorf("%s: serve --help lacks %s: %q", lang, f, errOut)
			}
		}
	}
	code, _, errOut := cli(t, "", "--help")
	if code != exitOK || !strings.Contains(errOut, "mail-in") {
		t.Fatalf("--help lacks mail-in: %q", errOut)
	}
}

// serve --mail-in runs the receiver beside HTTP: it refuses a foreign
// domain, takes the desk's, and stops with the HTTP server on SIGTERM.
func TestServeReceivesMail(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "sd.db")
	httpAddr, mailAddr := freePort(t), freePort(t)
	cmd := exec.Command(os.Args[0], "--db", db, "serve", "--http", httpAddr, "--mail-in", mailAddr,
		"--mail-from", "Support <support@Desk.example>", "--mail-auth-id", "mx.desk.example")
	cmd.Env = append(os.Environ(), "SUPPORTDESK_TEST_MAIN=1", "XDG_DATA_HOME="+dir, "LANG=C")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var c *smtp.Client
	for deadline := time.Now().Add(20 * time.Second); ; {
		nc, err := net.Dial("tcp", mailAddr)
		if err == nil {
			c = smtp.NewClient(nc)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("mail-in did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer c.Close()
	if err := c.Hello("mta.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("ana@example.org", nil); err != nil {
		t.Fatal(err)
	}
	var se *smtp.SMTPError
	if err := c.Rcpt("someone@elsewhere.example", nil); !errors.As(err, &se) || se.Code != 550 {
		t.Fatalf("foreign domain: %v", err)
	}
	if err := c.Rcpt("reply+abc@desk.example", nil); err != nil {
		t.Fatalf("the desk's domain (from --mail-from): %v", err)
	}
	// Matching no ticket, the reply is held for agents: delivered.
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, replyMail)
	if err := w.Close(); err != nil {
		t.Fatalf("DATA: %v", err)
	}
	// Not mail at all: refused for good.
	if err := c.Mail("ana@example.org", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("reply+abc@desk.example", nil); err != nil {
		t.Fatal(err)
	}
	if w, err = c.Data(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "this is not an email\r\n")
	if err := w.Close(); !errors.As(err, &se) || se.Code != 554 {
		t.Fatalf("not mail: %v", err)
	}
	c.Quit()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v; %s", err, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	out := errb.String()
	if !strings.Contains(out, `"msg":"mail-in listening","proto":"smtp","addr":"`+mailAddr+`","domains":"desk.example"`) ||
		!strings.Contains(out, `"msg":"stopped","status":0`) {
		t.Fatalf("serve output: %q", out)
	}
}
