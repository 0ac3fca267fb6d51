package main

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"supportdesk/core/seed"
)

// seeded makes a small seeded database and returns its path.
func seeded(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sd.db")
	if code, out, errOut := cli(t, "", "--db", db, "seed", "--accounts", "30", "--seed", "3"); code != exitOK {
		t.Fatalf("seed: %d %q %q", code, out, errOut)
	}
	return db
}

func rawDB(t *testing.T, db string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestAuditExportThenVerifyHead(t *testing.T) {
	t.Parallel()
	db := seeded(t)
	head := filepath.Join(t.TempDir(), "export.jsonl")
	code, out, errOut := cli(t, "", "audit", "--db", db, "export", "--out", head)
	m := regexp.MustCompile(`exported up to entry (\d+)`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("export --out: %d %q %q", code, out, errOut)
	}
	last, _ := strconv.Atoi(m[1])
	data, err := os.ReadFile(head)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != last+1 || !strings.HasPrefix(lines[len(lines)-1], `{"head":{"seq":`+m[1]+`,`) {
		t.Fatalf("export has %d lines, last %q; want %d entries and the head", len(lines), lines[len(lines)-1], last)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("not JSON: %s", l)
		}
	}
	// No seeded address or number is in it.
	for i := range 30 {
		for _, pii := range []string{seed.Email(3, i), seed.Phone(3, i)} {
			if strings.Contains(string(data), pii) {
				t.Errorf("the export holds %q", pii)
			}
		}
	}

	// Flags after the subcommand too.
	code, out, errOut = cli(t, "", "audit", "verify", "--head", head, "--db", db)
	if code != exitOK || !strings.Contains(out, "still holds the exported head (entry "+m[1]+")") {
		t.Fatalf("verify --head: %d %q %q", code, out, errOut)
	}

	// The intruder deletes the last entries and rewrites the head row as
	// the unkeyed code would: the exported head still names them.
	raw := rawDB(t, db)
	var hash []byte
	keep := last - 5
	if err := raw.QueryRow(`SELECT hash FROM audit_log WHERE seq = ?`, keep).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM audit_log WHERE seq > ?`, keep); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE meta SET value = ? WHERE key = 'audit_head'`,
		append(binary.BigEndian.AppendUint64(nil, uint64(keep)), hash...)); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = cli(t, "", "audit", "--db", db, "verify", "--head", head)
	if code != exitFail || !regexp.MustCompile(`audit log broken at entry (`+m[1]+`|`+strconv.Itoa(keep)+`) `).MatchString(errOut) {
		t.Fatalf("verify --head after a truncation: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "es", "audit", "--db", db, "verify", "--head", head)
	if code != exitFail || !strings.Contains(errOut, "registro de auditoría roto en la entrada") {
		t.Fatalf("verify --head in Spanish: %d %q", code, errOut)
	}
}

func TestAuditExportToStdoutSince(t *testing.T) {
	t.Parallel()
	db := seeded(t)
	code, out, errOut := cli(t, "", "audit", "--db", db, "export")
	all := strings.Count(out, "\n")
	if code != exitOK || all < 2 || !strings.Contains(errOut, "exported up to entry") {
		t.Fatalf("export to stdout: %d %d lines %q", code, all, errOut)
	}
	if !strings.Contains(out, `"action":"audit.export"`) {
		t.Errorf("the export does not carry its own audit entry")
	}
	for i, since := range []string{"2000-01-01", "2000-01-01T00:00:00Z"} {
		// Each export is audited first, so each carries one entry more.
		code, out, _ = cli(t, "", "audit", "--db", db, "export", "--since", since)
		if want := all + i + 1; code != exitOK || strings.Count(out, "\n") != want {
			t.Errorf("--since %s: %d, %d lines; want all %d", since, code, strings.Count(out, "\n"), want)
		}
	}
	code, out, _ = cli(t, "", "audit", "--db", db, "export", "--since", "2999-01-01")
	if code != exitOK || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, `{"head":`) {
		t.Errorf("--since the future: %d %q; want the head alone", code, out)
	}
	code, _, errOut = cli(t, "", "--lang", "fr", "audit", "--db", db, "export", "--since", "yesterday")
	if code != exitUsage || !strings.Contains(errOut, "--since non valide (yesterday)") {
		t.Errorf("bad --since: %d %q", code, errOut)
	}
}

func TestAuditExportRefusesABrokenLog(t *testing.T) {
	t.Parallel()
	db := seeded(t)
	if _, err := rawDB(t, db).Exec(`UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "export.jsonl")
	code, _, errOut := cli(t, "", "audit", "--db", db, "export", "--out", out)
	if code != exitFail || !strings.Contains(errOut, "broken at entry 4 (the entry was edited); nothing was exported") {
		t.Fatalf("export of a broken log: %d %q", code, errOut)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("a failed export left %v behind", entries)
	}
	code, _, errOut = cli(t, "", "--lang", "fr", "audit", "--db", db, "verify")
	if code != exitFail || !strings.Contains(errOut, "entrée 4") {
		t.Errorf("verify in French: %d %q", code, errOut)
	}
}

func TestAuditVerifyHeadRefusals(t *testing.T) {
	t.Parallel()
	db := seeded(t)
	code, _, errOut := cli(t, "", "audit", "--db", db, "verify", "--head", filepath.Join(t.TempDir(), "none.jsonl"))
	if code != exitFail || !strings.Contains(errOut, "no export head could be read") {
		t.Errorf("missing head file: %d %q", code, errOut)
	}
	// A head exported from another database (another key file).
	other := seeded(t)
	foreign := filepath.Join(t.TempDir(), "other.jsonl")
	if code, out, errOut := cli(t, "", "audit", "--db", other, "export", "--out", foreign); code != exitOK {
		t.Fatalf("export: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cli(t, "", "audit", "--db", db, "verify", "--head", foreign)
	if code != exitFail || !strings.Contains(errOut, "is not signed by this database's key file") {
		t.Errorf("foreign head: %d %q", code, errOut)
	}
}

func TestAuditUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit"}, exitUsage, "audit export [--db PATH] [--since T]"},
		{[]string{"audit", "--help"}, exitOK, "audit verify [--db PATH] [--head FILE]"},
		{[]string{"audit", "frobnicate"}, exitUsage, "Usage: supportdesk audit verify"},
		{[]string{"audit", "verify", "--help"}, exitOK, "--head"},
		{[]string{"audit", "export", "--help"}, exitOK, "--since"},
		{[]string{"audit", "verify", "extra"}, exitUsage, "Usage: supportdesk audit verify"},
		{[]string{"--lang", "es", "audit", "export", "--help"}, exitOK, "en lugar de la salida estándar"},
	}
	for _, tc := range tests {
		code, _, errOut := cli(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: %d %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}
