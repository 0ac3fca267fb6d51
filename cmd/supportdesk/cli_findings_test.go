package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The command-line findings of the three-language walk-through (issue 12),
// one case each, in every language the message concerns.

func TestLangFlagAppliesToHelp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args       []string
		want, not  string
		wantStatus int
	}{
		{[]string{"--lang", "es", "--help"}, "Comandos:", "Commands:", exitOK},
		{[]string{"--lang=fr", "--help"}, "Commandes\u00a0:", "Commands:", exitOK},
		{[]string{"--db", "x.db", "--lang", "fr", "-h"}, "Commandes\u00a0:", "Commands:", exitOK},
		{[]string{"--help", "--lang", "es"}, "Comandos:", "Commands:", exitOK},
		{[]string{"--lang", "es"}, "Comandos:", "Commands:", exitUsage},
	}
	for _, tc := range cases {
		code, _, errOut := cli(t, "", tc.args...)
		if code != tc.wantStatus || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, tc.not) {
			t.Errorf("%v: %d %q; want %d and %q", tc.args, code, errOut, tc.wantStatus, tc.want)
		}
		if strings.Contains(errOut, "--db           database file") {
			t.Errorf("%v: option help left in English: %q", tc.args, errOut)
		}
	}
}

func TestHelpCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := cli(t, "", "help")
	if code != exitOK || !strings.Contains(out+errOut, "Commands:") || !strings.Contains(out+errOut, "seed") {
		t.Errorf("help: %d %q %q", code, out, errOut)
	}
	code, out, errOut = cli(t, "", "--lang", "fr", "help", "seed")
	if code != exitOK || !strings.Contains(out+errOut, "nombre de comptes") {
		t.Errorf("help seed in French: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "es", "help", "frobnicate")
	if code != exitUsage || !strings.Contains(errOut, "comando desconocido") {
		t.Errorf("help on an unknown command: %d %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "--lang", "fr", "frobnicate")
	if code != exitUsage || !strings.Contains(errOut, "supportdesk help") {
		t.Errorf("an unknown command points to help: %d %q", code, errOut)
	}
}

func TestSeedNothingIsAnError(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sd.db")
	for _, tc := range []struct {
		lang string
		args []string
		want []string
	}{
		{"en", []string{"seed", "--accounts", "0"}, []string{"nothing to seed", "--accounts", "--tickets"}},
		{"es", []string{"seed", "--accounts", "0", "--tickets", "0"}, []string{"nada que generar", "--accounts", "--tickets"}},
		{"fr", []string{"seed", "--accounts", "0"}, []string{"rien à générer", "--accounts", "--tickets"}},
		{"en", []string{"seed", "--accounts", "-3"}, []string{"--accounts", "10,000,000"}},
		{"fr", []string{"seed", "--tickets", "-1"}, []string{"--tickets", "10\u202f000\u202f000"}},
	} {
		args := append([]string{"--lang", tc.lang, "--db", db}, tc.args...)
		code, out, errOut := cli(t, "", args...)
		if code != exitUsage || out != "" {
			t.Errorf("%v: %d %q %q; want a usage error", tc.args, code, out, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q does not say %q", tc.args, errOut, w)
			}
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused seed created the database: %v", err)
	}
}

func TestBadFlagValueNamesTheOption(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"seed", "--accounts", "many"}, []string{"--accounts", "many", "whole number"}},
		{[]string{"--lang", "es", "seed", "--accounts", "many"}, []string{"--accounts", "many", "número entero"}},
		{[]string{"--lang", "fr", "seed", "--accounts", "1e3"}, []string{"--accounts", "1e3", "nombre entier"}},
		{[]string{"--lang", "fr", "seed", "--seed", "-1"}, []string{"--seed", "nombre entier"}},
		{[]string{"sla", "due", "--from", "2026-11-30T10:00:00Z", "--days", "2.5"}, []string{"--days", "2.5", "whole number"}},
		{[]string{"--lang", "es", "demo", "--idle-lock", "5"}, []string{"--idle-lock", "duración"}},
		{[]string{"--lang", "fr", "demo", "--idle-lock", "-5m"}, []string{"--idle-lock", "durée"}},
		{[]string{"agent", "add", "--password-stdin=maybe"}, []string{"--password-stdin", "true or false"}},
		{[]string{"seed", "--acounts", "5"}, []string{"unknown option", "--acounts"}},
		{[]string{"--lang", "fr", "seed", "--accounts"}, []string{"--accounts", "valeur"}},
		{[]string{"--lang", "es", "--lang"}, []string{"--lang", "valor"}},
	}
	for _, tc := range cases {
		code, out, errOut := cli(t, "", tc.args...)
		if code != exitUsage || out != "" {
			t.Errorf("%v: %d %q %q; want a usage error", tc.args, code, out, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q does not say %q", tc.args, errOut, w)
			}
		}
		for _, english := range []string{"parse error", "invalid syntax", "flag provided", "flag needs", "value out of range", "invalid value"} {
			if strings.Contains(errOut, english) {
				t.Errorf("%v: Go's own message %q in %q", tc.args, english, errOut)
			}
		}
	}
}

func TestAgentAddTwiceSaysTheEmailIsTaken(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sd.db")
	if code, _, errOut := cli(t, "", "--db", db, "agent", "add", "--email", "ana@desk.example", "--name", "Ana"); code != exitOK {
		t.Fatalf("agent add: %d %q", code, errOut)
	}
	for lang, want := range map[string]string{
		"en": "already an agent's email",
		"es": "ya es el correo de un agente",
		"fr": "est déjà l'adresse de courriel d'un agent",
	} {
		code, out, errOut := cli(t, "", "--lang", lang, "--db", db, "agent", "add", "--email", "Ana@Desk.example", "--name", "Ana B")
		if code != exitFail || out != "" || !strings.Contains(errOut, want) || !strings.Contains(errOut, "ana@desk.example") {
			t.Errorf("%s: the same email again: %d %q %q; want %q", lang, code, out, errOut, want)
		}
		for _, wrong := range []string{"changed this record", "modificó", "modifié"} {
			if strings.Contains(errOut, wrong) {
				t.Errorf("%s: %q blames a concurrent change", lang, errOut)
			}
		}
	}
}

func TestSeedElapsedTimeUsesTheDecimalMark(t *testing.T) {
	t.Parallel()
	cases := map[string]*regexp.Regexp{
		"en": regexp.MustCompile(`Seeded 3 accounts in \d+\.\d s\.`),
		"es": regexp.MustCompile(`Se generaron 3 cuentas en \d+\.\d s\.`), // es-US: a decimal point
		"fr": regexp.MustCompile("3 comptes générés en \\d+,\\d\u00a0s\\."),
	}
	for lang, re := range cases {
		db := filepath.Join(t.TempDir(), "sd.db")
		code, out, errOut := cli(t, "", "--lang", lang, "--db", db, "seed", "--accounts", "3")
		if code != exitOK || !re.MatchString(out) {
			t.Errorf("%s: %d %q %q; want %v", lang, code, out, errOut, re)
		}
	}
}

func TestAuditVerifyTakesDBAfterTheSubcommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "sd.db")
	if code, _, errOut := cli(t, "", "--db", db, "migrate"); code != exitOK {
		t.Fatalf("migrate: %d %q", code, errOut)
	}
	for _, args := range [][]string{
		{"audit", "verify", "--db", db},
		{"audit", "verify", "--db=" + db},
		{"audit", "--db", db, "verify"},
		{"--db", db, "audit", "verify"},
		{"audit", "export", "--db", db, "--out", filepath.Join(dir, "export.jsonl")},
	} {
		if code, _, errOut := cli(t, "", args...); code != exitOK {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	// Verifying a database that is not there fails and leaves nothing
	// behind: a mistyped path must not pass as a clean log.
	missing := filepath.Join(dir, "typo.db")
	for _, sub := range []string{"verify", "export"} {
		code, out, errOut := cli(t, "", "--lang", "fr", "audit", sub, "--db", missing)
		if code != exitFail || !strings.Contains(errOut, "aucune base de données") || !strings.Contains(errOut, missing) || strings.Contains(out, "ok") {
			t.Errorf("audit %s on a missing database: %d %q %q", sub, code, out, errOut)
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("audit verify created %s", missing)
	}
	// The usage shows --db with both subcommands.
	_, _, errOut := cli(t, "", "audit")
	if strings.Count(errOut, "[--db PATH]") < 2 {
		t.Errorf("audit usage: %q", errOut)
	}
}
