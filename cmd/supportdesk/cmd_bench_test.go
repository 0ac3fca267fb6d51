package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func TestBenchUnknownIsAUsageError(t *testing.T) {
	t.Parallel()
	code, _, errOut := cli(t, "", "--lang", "fr", "bench", "nope")
	if code != exitUsage || !strings.Contains(errOut, "mesure inconnue") || !strings.Contains(errOut, "bench lookup|board|queue|intake") {
		t.Fatalf("unknown benchmark: %d %q", code, errOut)
	}
}
