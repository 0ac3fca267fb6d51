package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportdesk/i18n"
)

// settingsApp is an app whose environment is env, for applySettings.
func settingsApp(t *testing.T, lang string, env map[string]string) (*app, *bytes.Buffer) {
	t.Helper()
	bundle, err := i18n.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	return &app{stderr: &errb, l: bundle.Localizer(lang), getenv: func(k string) string { return env[k] }}, &errb
}

// serveLike is a flag set with one flag of each kind serve has.
type serveLike struct {
	fs      *flag.FlagSet
	http    *string
	rate    *float64
	burst   *int
	timeout *time.Duration
	lmtp    *bool
	ops     opsFlags
}

func newServeLike(a *app) serveLike {
	fs := a.flags("serve", "cli.usage.serve")
	return serveLike{fs: fs,
		http:    fs.String("http", "127.0.0.1:8080", ""),
		rate:    fs.Float64("intake-rate", 1, ""),
		burst:   fs.Int("intake-burst", 10, ""),
		timeout: fs.Duration("mail-timeout", 2*time.Minute, ""),
		lmtp:    fs.Bool("mail-in-lmtp", false, ""),
		ops:     a.opsFlags(fs),
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "serve.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The command line wins over the environment, the environment over the
// file, the file over the defaults; every TOML type a flag takes is read.
func TestSettingsPrecedence(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
db = "/srv/desk/desk.db"
[calendar]
zone = "America/Chicago"
[serve]
http = "0.0.0.0:80"
intake_rate = 2.5
intake_burst = 20
mail_timeout = "45s"
mail_in_lmtp = true
`)
	a, _ := settingsApp(t, "en", map[string]string{"SUPPORTDESK_CONFIG": path, "SUPPORTDESK_INTAKE_BURST": "30", "SUPPORTDESK_HTTP": ""})
	s := newServeLike(a)
	if err := s.fs.Parse([]string{"--intake-rate", "3"}); err != nil {
		t.Fatal(err)
	}
	if err := a.applySettings(s.fs, "serve"); err != nil {
		t.Fatal(err)
	}
	if *s.rate != 3 || *s.burst != 30 || *s.http != "0.0.0.0:80" || *s.timeout != 45*time.Second || !*s.lmtp {
		t.Errorf("rate %v (flag 3), burst %v (env 30), http %q (file; the empty variable is unset), timeout %v, lmtp %v",
			*s.rate, *s.burst, *s.http, *s.timeout, *s.lmtp)
	}
	if a.dbPath(false) != "/srv/desk/desk.db" {
		t.Errorf("db %q, want the file's", a.dbPath(false))
	}
	// $SUPPORTDESK_DB wins over the file's db, --db over both.
	a, _ = settingsApp(t, "en", map[string]string{"SUPPORTDESK_CONFIG": path, "SUPPORTDESK_DB": "/env.db"})
	s = newServeLike(a)
	s.fs.Parse(nil)
	if err := a.applySettings(s.fs, "serve"); err != nil || a.dbPath(false) != "/env.db" {
		t.Errorf("db %q %v, want $SUPPORTDESK_DB", a.dbPath(false), err)
	}
	a, _ = settingsApp(t, "en", map[string]string{"SUPPORTDESK_DB": "/env.db"})
	s = newServeLike(a)
	s.fs.Parse([]string{"--db", "/flag.db", "--config", path})
	if err := a.applySettings(s.fs, "serve"); err != nil || a.dbPath(false) != "/flag.db" || *s.http != "0.0.0.0:80" {
		t.Errorf("db %q http %q %v, want --db and the file of --config", a.dbPath(false), *s.http, err)
	}
	// No file beside the database: the defaults.
	a, _ = settingsApp(t, "en", map[string]string{})
	s = newServeLike(a)
	s.fs.Parse([]string{"--db", filepath.Join(t.TempDir(), "x.db")})
	if err := a.applySettings(s.fs, "serve"); err != nil || *s.http != "127.0.0.1:8080" || *s.burst != 10 {
		t.Errorf("defaults: %q %d %v", *s.http, *s.burst, err)
	}
}

// Every refusal names the option or key and where it came from, in the
// user's language, and nothing starts.
func TestSettingsRefusals(t *testing.T) {
	t.Parallel()
	besideDB := filepath.Join(t.TempDir(), "sd.db")
	os.WriteFile(filepath.Join(filepath.Dir(besideDB), "supportdesk.toml"), []byte("db = \"/other.db\"\n"), 0o600)
	cases := []struct {
		name, lang, file string
		env              map[string]string
		args             []string
		want             []string
	}{
		{"unknown table key", "en", "[serve]\nhtp = \"x\"\n", nil, nil, []string{"unknown key, serve.htp"}},
		{"unknown top-level key", "fr", "[server]\nhttp = \"x\"\n", nil, nil, []string{"clé inconnue, server"}},
		{"config is not a file key", "en", "[serve]\nconfig = \"x\"\n", nil, nil, []string{"unknown key, serve.config"}},
		{"secret in the file", "es", "[serve]\nsmtp_password = \"hunter2\"\n", nil, nil,
			[]string{"secreto, serve.smtp_password", "$SUPPORTDESK_SMTP_PASSWORD"}},
		{"bad value in the file", "en", "[serve]\nintake_burst = \"many\"\n", nil, nil,
			[]string{"invalid value for --intake-burst", "[serve] intake_burst"}},
		{"wrong type in the file", "fr", "[serve]\nmail_timeout = [1, 2]\n", nil, nil,
			[]string{"valeur non valable pour --mail-timeout", "[serve] mail_timeout"}},
		{"bad log level in the environment", "en", "", map[string]string{"SUPPORTDESK_LOG_LEVEL": "sometimes"}, nil,
			[]string{"invalid value for --log-level (from $SUPPORTDESK_LOG_LEVEL)"}},
		{"bad value in the environment", "es", "", map[string]string{"SUPPORTDESK_MAIL_IN_LMTP": "sometimes"}, nil,
			[]string{"valor no válido para --mail-in-lmtp (de $SUPPORTDESK_MAIL_IN_LMTP)"}},
		{"syntax", "en", "[serve\n", nil, nil, []string{"is not valid (config)"}},
		{"db beside the database", "en", "", nil, []string{"--db", besideDB}, []string{"cannot name another one (db)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			if tc.file != "" {
				env["SUPPORTDESK_CONFIG"] = writeConfig(t, tc.file)
			}
			a, errb := settingsApp(t, tc.lang, env)
			s := newServeLike(a)
			if err := s.fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			err := a.applySettings(s.fs, "serve")
			if err == nil {
				t.Fatal("accepted")
			}
			if code := a.failSettings(err); code != exitUsage {
				t.Errorf("exit %d", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("%q lacks %q", errb.String(), w)
				}
			}
			if strings.Contains(errb.String(), "hunter2") || strings.Contains(errb.String(), "sometimes") {
				t.Errorf("a value was echoed: %q", errb.String())
			}
		})
	}
}

// serve --help documents every option's variable and file key, in the
// user's language; a bad setting stops serve before it opens anything.
func TestServeHelpAndBadSettings(t *testing.T) {
	t.Parallel()
	code, _, errOut := cli(t, "", "--lang", "fr", "serve", "--help")
	for _, w := range []string{"$SUPPORTDESK_HTTP", "[serve] intake_rate", "$SUPPORTDESK_SMTP_PASSWORD", "la ligne de commande l'emporte",
		"$SUPPORTDESK_LOG_FORMAT", "$SUPPORTDESK_METRICS"} {
		if code != exitOK || !strings.Contains(errOut, w) {
			t.Errorf("serve --help in French lacks %q: %d\n%s", w, code, errOut)
		}
	}
	db := filepath.Join(t.TempDir(), "sd.db")
	code, _, errOut = cli(t, "", "--db", db, "serve", "--log-format", "xml")
	if code != exitUsage || !strings.Contains(errOut, "--log-format") {
		t.Errorf("--log-format xml: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--db", db, "serve", "--log-level", "loud")
	if code != exitUsage || !strings.Contains(errOut, "--log-level") {
		t.Errorf("--log-level loud: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--db", db, "serve", "--log-level", "debug", "--log-format", "TEXT", "--intake-burst", "0")
	if code != exitUsage || !strings.Contains(errOut, "--intake-burst") {
		t.Errorf("good log flags, then a bad burst: %d %q", code, errOut)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused setting created the database")
	}
}
