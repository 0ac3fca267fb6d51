package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"golang.org/x/crypto/ssh"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"supportdesk/core/store/sqlite"
)

// cli runs the binary's entry point in process.
func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"XDG_DATA_HOME": t.TempDir(), "LANG": "C"}
	code := run(args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestHelpAndUsageErrorsAreLocalized(t *testing.T) {
	t.Parallel()
	code, _, errOut := cli(t, "", "--help")
	if code != exitOK || !strings.Contains(errOut, "Commands:") || !strings.Contains(errOut, "audit") {
		t.Fatalf("--help: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "fr", "seed", "--help")
	if code != exitOK || !strings.Contains(errOut, "nombre de comptes") {
		t.Fatalf("seed --help in French: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "es", "frobnicate")
	if code != exitUsage || !strings.Contains(errOut, "comando desconocido") {
		t.Fatalf("unknown command in Spanish: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "seed", "--accounts", "many")
	if code != exitUsage || !strings.Contains(errOut, "--accounts takes a whole number") {
		t.Fatalf("bad flag value: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "de", "migrate")
	if code != exitUsage || !strings.Contains(errOut, "unsupported language") {
		t.Fatalf("bad language: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "unknown\x1b[31m")
	if code != exitUsage || strings.ContainsRune(errOut, 0x1b) {
		t.Fatalf("escape echoed back: %q", errOut)
	}
}

func TestSeedThenAuditVerifyDetectsAnEditedRow(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sd.db")
	code, out, errOut := cli(t, "", "--db", db, "seed", "--accounts", "40", "--seed", "3")
	if code != exitOK || !strings.Contains(out, "agent@demo.example") {
		t.Fatalf("seed: %d %q %q", code, out, errOut)
	}
	code, out, _ = cli(t, "", "audit", "--db", db, "verify")
	m := regexp.MustCompile(`ok: ([0-9,]+) audit entries verified`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("verify: %d %q", code, out)
	}
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 17`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errOut = cli(t, "", "--lang", "fr", "audit", "--db", db, "verify")
	if code != exitFail || !strings.Contains(errOut, "entrée 17") {
		t.Fatalf("tampered verify: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--db", db, "seed", "--accounts", "5")
	if code != exitFail || !strings.Contains(errOut, "already holds") {
		t.Fatalf("second seed: %d %q", code, errOut)
	}
}

func TestMigrateAndRefusals(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sd.db")
	code, out, _ := cli(t, "", "--db", db, "migrate")
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("schema version %d", sqlite.LatestVersion())) {
		t.Fatalf("migrate: %d %q", code, out)
	}
	// A key file that is not the database's is refused, and nothing is read.
	code, _, _ = cli(t, "", "--db", db, "audit", "verify")
	if code != exitOK {
		t.Fatal("first open failed")
	}
	key, err := os.ReadFile(db + ".key")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db+".key", bytes.Repeat([]byte{7}, len(key)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cli(t, "", "--db", db, "audit", "verify")
	if code != exitFail || !strings.Contains(errOut, "key") {
		t.Fatalf("foreign key file: %d %q", code, errOut)
	}
	if err := os.WriteFile(db+".key", key, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, _ := sql.Open("sqlite3", db)
	raw.Exec(`PRAGMA user_version = 99`)
	raw.Close()
	code, _, errOut = cli(t, "", "--db", db, "migrate")
	if code != exitFail || !strings.Contains(errOut, "newer") {
		t.Fatalf("schema from the future: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--db", filepath.Join(t.TempDir(), "none.db"), "console")
	if code != exitFail || !strings.Contains(errOut, "no database") {
		t.Fatalf("console without a database: %d %q", code, errOut)
	}
}

func TestAgentAdd(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sd.db")
	code, out, errOut := cli(t, "a strong password here\n", "--db", db, "agent", "add", "--email", "Lea@Agency.example",
		"--name", "Léa Dupont", "--languages", "fr,en", "--password-stdin")
	if code != exitOK || !strings.Contains(out, "otpauth://totp/") || strings.Contains(out, "a strong password") {
		t.Fatalf("agent add: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cli(t, "short\n", "--db", db, "agent", "add", "--email", "x@agency.example", "--name", "X", "--password-stdin")
	if code != exitFail || !strings.Contains(errOut, "12") {
		t.Fatalf("short password: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "es", "--db", db, "agent", "add", "--email", "y@agency.example", "--name", "Y", "--role", "root")
	if code != exitFail || errOut == "" {
		t.Fatalf("bad role: %d %q", code, errOut)
	}
}

func TestAgentDisable(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sd.db")
	code, _, errOut := cli(t, "", "--db", db, "agent", "add", "--email", "ana@desk.example", "--name", "Ana", "--languages", "es")
	if code != exitOK {
		t.Fatalf("agent add: %d %q", code, errOut)
	}
	code, out, errOut := cli(t, "", "--db", db, "agent", "disable", "--email", "Ana@Desk.example")
	if code != exitOK || !strings.Contains(out, "agent disabled; 0 live sessions ended") {
		t.Fatalf("agent disable: %d %q %q", code, out, errOut)
	}
	code, out, errOut = cli(t, "", "--lang", "fr", "--db", db, "agent", "disable", "--email", "nobody@desk.example")
	if code != exitFail || out != "" || errOut == "" {
		t.Fatalf("disable an unknown agent: %d %q %q", code, out, errOut)
	}
}

// The database, its WAL and its SHM are created with mode 0600 whatever the
// umask, and the key file is checked, by name, before the database is read.
func TestFilesAndKeys(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db := filepath.Join(dir, "sd.db")
	// The first open goes through the core, which records the key check
	// (audit verify no longer creates a database).
	if code, _, errOut := cli(t, "", "--db", db, "agent", "add", "--email", "ana@desk.example", "--name", "Ana"); code != exitOK {
		t.Fatalf("first open: %d %q", code, errOut)
	}
	for _, f := range []string{db, db + ".key"} { // the WAL and SHM go with the last close: see the sqlite tests
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(f), st.Mode().Perm())
		}
	}
	key, err := os.ReadFile(db + ".key")
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		setup func() error
		want  string
	}{
		{"missing", func() error { return nil }, "is missing"},
		{"readable by others", func() error { return os.WriteFile(db+".key", key, 0o644) }, "mode 0600"},
		{"short", func() error { return os.WriteFile(db+".key", key[:20], 0o600) }, "32 bytes"},
	}
	for _, tc := range cases {
		os.Remove(db + ".key")
		if err := tc.setup(); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := cli(t, "", "--db", db, "migrate")
		if code == exitOK || !strings.Contains(errOut, db+".key") || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: %d %q; want an error naming %s that says %q", tc.name, code, errOut, db+".key", tc.want)
		}
		if tc.name == "missing" {
			if _, err := os.Stat(db + ".key"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a stray key file was created")
			}
		}
		after, _ := os.ReadFile(db)
		if !bytes.Equal(before, after) {
			t.Errorf("%s: the database changed before the key check", tc.name)
		}
	}
	// Another database's key is refused before the schema is looked at, let
	// alone migrated: a schema from the future is not what it reports.
	if err := os.WriteFile(db+".key", bytes.Repeat([]byte{7}, len(key)), 0o600); err != nil {
		t.Fatal(err)
	}
	raw, _ := sql.Open("sqlite3", db)
	raw.Exec(`PRAGMA user_version = 99`)
	raw.Close()
	code, _, errOut := cli(t, "", "--db", db, "migrate")
	if code == exitOK || !strings.Contains(errOut, "key does not match") {
		t.Errorf("foreign key on a newer schema: %d %q; want the key mismatch first", code, errOut)
	}
}

// An admin's command line registers an agent's SSH public key and drops
// it; what is not a key, a key registered twice and a key not registered
// get their own messages.
func TestAgentKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "sd.db")
	if code, _, errOut := cli(t, "", "--db", db, "agent", "add", "--email", "ana@desk.example", "--name", "Ana", "--languages", "es"); code != exitOK {
		t.Fatalf("agent add: %d %q", code, errOut)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	pk, _ := ssh.NewPublicKey(pub)
	keyFile := filepath.Join(dir, "id_ed25519.pub")
	os.WriteFile(keyFile, append(bytes.TrimSpace(ssh.MarshalAuthorizedKey(pk)), " ana@laptop\n"...), 0o644)
	bad := filepath.Join(dir, "bad.pub")
	os.WriteFile(bad, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0o600)
	fp := ssh.FingerprintSHA256(pk)

	code, out, errOut := cli(t, "", "--db", db, "agent", "add-key", "--email", "Ana@Desk.example", "--key", keyFile)
	if code != exitOK || !strings.Contains(out, fp) {
		t.Fatalf("add-key: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "es", "--db", db, "agent", "add-key", "--email", "ana@desk.example", "--key", keyFile)
	if code != exitFail || !strings.Contains(errOut, "ya está registrada") {
		t.Errorf("the same key again: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--db", db, "agent", "add-key", "--email", "ana@desk.example", "--key", bad)
	if code != exitUsage || !strings.Contains(errOut, "not an SSH public key") || strings.Contains(errOut, "PRIVATE") {
		t.Errorf("a private key file: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--db", db, "agent", "add-key", "--email", "ana@desk.example", "--key", filepath.Join(dir, "missing.pub"))
	if code != exitUsage || !strings.Contains(errOut, "missing.pub") {
		t.Errorf("a missing file: %d %q", code, errOut)
	}
	code, out, errOut = cli(t, "", "--lang", "fr", "--db", db, "agent", "remove-key", "--email", "ana@desk.example", "--key", fp)
	if code != exitOK || !strings.Contains(out, "clé supprimée") {
		t.Fatalf("remove-key by fingerprint: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cli(t, "", "--db", db, "agent", "remove-key", "--email", "ana@desk.example", "--key", keyFile)
	if code != exitFail || !strings.Contains(errOut, "not registered") {
		t.Errorf("removing it twice: %d %q", code, errOut)
	}
}
