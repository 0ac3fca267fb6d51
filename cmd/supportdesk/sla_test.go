package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportdesk/core/calendar"
)

func TestSLADue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"issue example", []string{"--from", "2026-11-25T19:30:00-05:00"}, "2026-11-30T19:30:00-05:00"},
		{"input in UTC, output in New York", []string{"--from", "2026-11-26T00:30:00Z"}, "2026-11-30T19:30:00-05:00"},
		{"one day", []string{"--from", "2026-11-25T19:30:00-05:00", "--days", "1"}, "2026-11-27T19:30:00-05:00"},
		{"arrival at closing is due at a closing", []string{"--from", "2026-11-18T20:00:00-05:00"}, "2026-11-20T20:00:00-05:00"},
		{"arrival on a Saturday", []string{"--from", "2026-11-21T10:00:00-05:00"}, "2026-11-24T20:00:00-05:00"},
		{"New Year 2028 observed on 31 Dec 2027", []string{"--from", "2027-12-30T19:00:00-05:00", "--days", "1"}, "2028-01-03T19:00:00-05:00"},
		{"spring forward", []string{"--from", "2026-03-06T14:00:00-05:00"}, "2026-03-10T14:00:00-04:00"},
		{"fall back", []string{"--from", "2026-10-30T14:00:00-04:00"}, "2026-11-03T14:00:00-05:00"},
		{"thirty days", []string{"--days", "30", "--from", "2026-11-25T19:30:00-05:00"}, "2027-01-11T19:30:00-05:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := cli(t, "", append([]string{"sla", "due"}, tt.args...)...)
			if code != exitOK || out != tt.want+"\n" || errOut != "" {
				t.Errorf("sla due %v: %d %q %q, want %q", tt.args, code, out, errOut, tt.want)
			}
		})
	}
}

func TestSLADueRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"not RFC 3339", []string{"sla", "due", "--from", "2026-11-25 19:30"}, "invalid --from (2026-11-25 19:30)"},
		{"no offset", []string{"sla", "due", "--from", "2026-11-25T19:30:00"}, "RFC 3339"},
		{"no such day", []string{"sla", "due", "--from", "2026-02-30T10:00:00-05:00"}, "RFC 3339"},
		{"French", []string{"--lang", "fr", "sla", "due", "--from", "hier"}, "--from non valide (hier)\u00a0:"},
		{"Spanish", []string{"--lang", "es", "sla", "due", "--from", "ayer"}, "--from no válido (ayer)"},
		{"zero days", []string{"sla", "due", "--from", "2026-11-25T19:30:00-05:00", "--days", "0"}, "from 1 to 30"},
		{"31 days", []string{"sla", "due", "--from", "2026-11-25T19:30:00-05:00", "--days", "31"}, "from 1 to 30"},
		{"days not a number", []string{"sla", "due", "--from", "2026-11-25T19:30:00-05:00", "--days", "two"}, `--days takes a whole number, not "two"`},
		{"no --from", []string{"sla", "due"}, "Usage: supportdesk sla due"},
		{"no subcommand", []string{"sla"}, "Usage: supportdesk sla due"},
		{"stray argument", []string{"sla", "due", "--from", "2026-11-25T19:30:00-05:00", "now"}, "Usage: supportdesk sla due"},
		{"escapes are not echoed", []string{"sla", "due", "--from", "\x1b]0;pwned\x07now"}, "invalid --from (now)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := cli(t, "", tt.args...)
			if code != exitUsage || out != "" || !strings.Contains(errOut, tt.want) || strings.ContainsRune(errOut, 0x1b) {
				t.Errorf("%v: %d %q %q, want status 2 and %q", tt.args, code, out, errOut, tt.want)
			}
		})
	}
}

// TestSLADueMatchesTheCalendar runs the command on instants over 2025-2031
// (the calendar package checks Add itself against a minute-by-minute
// reference): what scripts read is exactly the calendar's answer.
func TestSLADueMatchesTheCalendar(t *testing.T) {
	t.Parallel()
	cal, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, cal.Zone())
	for i := range 120 {
		// A prime stride in minutes walks across hours, weekdays and years.
		at := from.Add(time.Duration(i*30011) * time.Minute).Format(time.RFC3339)
		code, out, errOut := cli(t, "", "sla", "due", "--from", at)
		start, _ := time.Parse(time.RFC3339, at)
		want := cal.Add(start, 24*time.Hour).Format(time.RFC3339)
		if code != exitOK || out != want+"\n" {
			t.Fatalf("sla due --from %s: %d %q %q, want %s", at, code, out, errOut, want)
		}
	}
}

func TestSLADueReadsTheConfiguredCalendar(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "center.toml")
	// A center in Chicago, 09:00-17:00, Monday to Thursday.
	os.WriteFile(cfg, []byte("[calendar]\nzone = \"America/Chicago\"\nopen = \"09:00\"\nclose = \"17:00\"\nweekdays = [\"mon\",\"tue\",\"wed\",\"thu\"]\n"), 0o600)
	code, out, errOut := cli(t, "", "--config", cfg, "sla", "due", "--from", "2026-12-02T16:00:00-06:00", "--days", "1")
	// 1 h Wednesday, 8 h Thursday, Friday to Sunday closed, 3 h Monday.
	if code != exitOK || out != "2026-12-07T12:00:00-06:00\n" {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	os.WriteFile(cfg, []byte("[calendar]\nopen = \"8 o'clock\"\n"), 0o600)
	code, _, errOut = cli(t, "", "--lang", "fr", "--config", cfg, "sla", "due", "--from", "2026-12-02T16:00:00-06:00")
	if code != exitUsage || !strings.Contains(errOut, "calendar.open") || !strings.Contains(errOut, "pas valide") {
		t.Fatalf("bad config: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--config", filepath.Join(dir, "missing.toml"), "sla", "due", "--from", "2026-12-02T16:00:00-06:00")
	if code != exitUsage || !strings.Contains(errOut, "missing.toml") {
		t.Fatalf("missing named config: %d %q", code, errOut)
	}
}
