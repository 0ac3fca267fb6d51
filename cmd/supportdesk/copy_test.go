package main

import (
	"bytes"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"supportdesk/core/store/postgres/pgtest"
)

// cliEnv runs the binary's entry point in process with environment
// variables of its own.
func cliEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestCopyToPostgreSQL(t *testing.T) {
	t.Parallel()
	target := pgtest.Database(t, "copycmd")
	db := filepath.Join(t.TempDir(), "sd.db")
	env := map[string]string{"XDG_DATA_HOME": t.TempDir(), "LANG": "C"}
	if code, out, errOut := cliEnv(t, env, "--db", db, "seed", "--accounts", "30", "--tickets", "40", "--seed", "5"); code != exitOK {
		t.Fatalf("seed: %d %q %q", code, out, errOut)
	}
	// A password the server does not ask for (trust) must still never
	// be shown.
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "pw-never-shown")
	withPassword := u.String()

	code, out, errOut := cliEnv(t, env, "copy", "--from", db, "--to", withPassword)
	if code != exitOK {
		t.Fatalf("copy: %d %q %q", code, out, errOut)
	}
	if !regexp.MustCompile(`[0-9,]+ rows in [0-9]+ tables copied to postgres://`).MatchString(out) ||
		!regexp.MustCompile(`ok: [0-9,]+ audit entries verified on PostgreSQL`).MatchString(out) {
		t.Errorf("copy's summary: %q", out)
	}
	if !strings.Contains(out, "SUPPORTDESK_KEY="+db+".key") {
		t.Errorf("copy does not say where the key file goes: %q", out)
	}
	if strings.Contains(out+errOut, "pw-never-shown") {
		t.Errorf("the password was shown: %q %q", out, errOut)
	}

	// The copy is a desk: audit verify reads it with the same key file.
	pgEnv := map[string]string{"XDG_DATA_HOME": env["XDG_DATA_HOME"], "LANG": "C", "SUPPORTDESK_KEY": db + ".key"}
	code, out, errOut = cliEnv(t, pgEnv, "audit", "--db", target, "verify")
	if code != exitOK || !strings.Contains(out, "audit entries verified") {
		t.Fatalf("audit verify on the copy: %d %q %q", code, out, errOut)
	}

	// A second copy finds a desk there.
	code, out, errOut = cliEnv(t, env, "--lang", "fr", "copy", "--from", db, "--to", withPassword)
	if code != exitFail || !strings.Contains(errOut, "contient déjà un centre") || !strings.Contains(errOut, "rien n'a été écrit") {
		t.Fatalf("copy over a desk: %d %q %q", code, out, errOut)
	}
	if strings.Contains(out+errOut, "pw-never-shown") {
		t.Errorf("the password was shown: %q %q", out, errOut)
	}
}

func TestCopyRefusals(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sd.db")
	env := map[string]string{"XDG_DATA_HOME": t.TempDir(), "LANG": "C"}
	if code, out, errOut := cliEnv(t, env, "--db", db, "seed", "--accounts", "3"); code != exitOK {
		t.Fatalf("seed: %d %q %q", code, out, errOut)
	}
	nowhere := "postgres://someone:pw-never-shown@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no target", []string{"copy", "--from", db}, exitUsage, "--from and the PostgreSQL database with --to"},
		{"a file as target", []string{"copy", "--from", db, "--to", "other.db"}, exitUsage, "--to takes a postgres://… URL"},
		{"a URL as source", []string{"copy", "--from", nowhere, "--to", nowhere}, exitUsage, "--from takes a SQLite database file"},
		{"no source", []string{"copy", "--from", db + ".missing", "--to", nowhere}, exitFail, "no database at"},
		{"no key file", []string{"copy", "--from", db, "--key", db + ".nokey", "--to", nowhere}, exitFail, "the key file"},
		{"no server", []string{"copy", "--from", db, "--to", nowhere}, exitFail, "Cannot reach the PostgreSQL database: failed to connect to `user=someone database=none`"},
		{"a URL that does not parse", []string{"copy", "--from", db, "--to", "postgres://someone:pw-never-shown@127.0.0.1:port/none"}, exitUsage, "The database URL does not parse"},
		{"Spanish", []string{"--lang", "es", "copy", "--from", db}, exitUsage, "indique la base de datos SQLite con --from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := cliEnv(t, env, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("%d %q %q, want %d and %q", code, out, errOut, tc.code, tc.want)
			}
			if strings.Contains(out+errOut, "pw-never-shown") {
				t.Errorf("the password was shown: %q", errOut)
			}
		})
	}
}
