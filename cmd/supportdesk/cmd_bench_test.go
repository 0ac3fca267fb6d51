package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"supportdesk/core/store/postgres/pgtest"
)

// Each benchmark builds its small database, prints its rows, and a bare
// `bench` is still `bench lookup`.
func TestBenchSubcommands(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"lookup", []string{"bench", "lookup", "--accounts", "300", "--samples", "5"}, []string{"look-up by email", "look-up by uuid", "p99"}},
		{"bare", []string{"bench", "--accounts", "300", "--samples", "5"}, []string{"look-up by phone"}},
		{"board", []string{"bench", "board", "--tickets", "300", "--history", "200", "--samples", "3"}, []string{"board (supervisor)", "board, 10 supervisors at once"}},
		{"queue", []string{"bench", "queue", "--tickets", "300", "--samples", "3"},
			[]string{"queue page, agent with the most tickets", "queue page, supervisor", "language fr", "agent, category Lost MFA"}},
		{"intake", []string{"bench", "intake", "--accounts", "200", "--samples", "40", "--clients", "4"},
			[]string{"intake, submit until committed (4 clients)", "tickets/s committed", "raw single-row commits", "×"}},
		{"french", []string{"--lang", "fr", "bench", "queue", "--tickets", "100", "--samples", "2"}, []string{"page de la file, superviseur"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := cli(t, "", tc.args...)
			if code != exitOK {
				t.Fatalf("%v: exit %d\n%s\n%s", tc.args, code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
				}
			}
		})
	}
}

// --cpuprofile writes the measured part's CPU profile for go tool pprof.
func TestBenchCPUProfile(t *testing.T) {
	t.Parallel()
	prof := filepath.Join(t.TempDir(), "board.prof")
	code, out, errOut := cli(t, "", "bench", "board", "--tickets", "200", "--samples", "3", "--cpuprofile", prof)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if b, err := os.ReadFile(prof); err != nil || len(b) == 0 || b[0] != 0x1f { // gzip, as pprof writes it
		t.Errorf("profile %s: %d bytes, %v", prof, len(b), err)
	}
}

// The intake benchmark is cut into rounds, each against the raw commit
// rate just before and after it, and gives the median of their ratios.
func TestBenchIntakeRounds(t *testing.T) {
	t.Parallel()
	code, out, errOut := cli(t, "", "bench", "intake", "--accounts", "100", "--samples", "30", "--clients", "3", "--rounds", "3")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, w := range []string{"round 1/3: intake", "round 3/3: intake"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("progress lacks %q:\n%s", w, errOut)
		}
	}
	if !strings.Contains(out, "median of 3 rounds") || !strings.Contains(out, " 30\n") {
		t.Errorf("summary:\n%s", out)
	}
	for _, bad := range []string{"0", "31"} {
		if code, _, errOut := cli(t, "", "bench", "intake", "--accounts", "100", "--samples", "30", "--rounds", bad); code != exitUsage || !strings.Contains(errOut, "--rounds") {
			t.Errorf("--rounds %s: exit %d %q", bad, code, errOut)
		}
	}
}

func TestBenchUnknownIsAUsageError(t *testing.T) {
	t.Parallel()
	code, _, errOut := cli(t, "", "--lang", "fr", "bench", "nope")
	if code != exitUsage || !strings.Contains(errOut, "mesure inconnue") || !strings.Contains(errOut, "bench lookup|board|queue|intake") {
		t.Fatalf("unknown benchmark: %d %q", code, errOut)
	}
}

// A PostgreSQL bench database is filled from its SQLite twin, built in
// bulk (or reused) and copied with its key, once: a second run measures
// the same database without building or copying again.
func TestBenchOnPostgreSQLFillsFromItsSQLiteTwin(t *testing.T) {
	t.Parallel()
	db := pgtest.Database(t, "benchtwin")
	env := map[string]string{"XDG_DATA_HOME": t.TempDir(), "LANG": "C"}
	args := []string{"--db", db, "bench", "lookup", "--accounts", "300", "--samples", "5"}
	for run, wantCopy := range []bool{true, false} {
		code, out, errOut := cliEnv(t, env, args...)
		if code != exitOK {
			t.Fatalf("run %d: exit %d\n%s\n%s", run+1, code, out, errOut)
		}
		if got := strings.Contains(errOut, "Filling the PostgreSQL benchmark database"); got != wantCopy {
			t.Errorf("run %d: copied = %v, want %v:\n%s", run+1, got, wantCopy, errOut)
		}
		if !strings.Contains(out, "account detail") {
			t.Errorf("run %d: no account detail row:\n%s", run+1, out)
		}
	}
	twin, err := os.ReadFile(filepath.Join(env["XDG_DATA_HOME"], "supportdesk", "bench-300.db.key"))
	if err != nil {
		t.Fatal(err)
	}
	if key, err := os.ReadFile(filepath.Join(env["XDG_DATA_HOME"], "supportdesk", "postgres.key")); err != nil || !bytes.Equal(key, twin) {
		t.Errorf("the PostgreSQL desk's key is not its twin's (%v)", err)
	}
	if code, out, errOut := cliEnv(t, env, "--db", db, "audit", "verify"); code != exitOK {
		t.Errorf("audit verify on the copy: exit %d\n%s\n%s", code, out, errOut)
	}
}
