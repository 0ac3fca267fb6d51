package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain", "Work phone", "Work phone"},
		{"accents and wide", "Téléphone de José 電話", "Téléphone de José 電話"},
		{"csi colour", "\x1b[31mred\x1b[0m", "red"},
		{"csi cursor", "a\x1b[2J\x1b[Hb", "ab"},
		{"osc title bel", "\x1b]0;pwned\x07name", "name"},
		{"osc hyperlink st", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"dcs", "\x1bPq#0;2;0;0;0\x1b\\ok", "ok"},
		{"apc", "\x1b_Gf=100;AAAA\x1b\\ok", "ok"},
		{"unterminated osc", "ok\x1b]0;forever", "ok"},
		{"two-byte escape", "a\x1bcb", "ab"},
		{"charset escape", "a\x1b(Bb", "ab"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc", "a\u009d0;x\u009cb", "ab"},
		{"c1 other", "a\u0085b\u008db", "abb"},
		{"bare cr", "safe\rEVIL", "safeEVIL"},
		{"crlf", "one\r\ntwo", "one two"},
		{"newline", "one\ntwo", "one two"},
		{"tab", "a\tb", "a b"},
		{"nul and bel", "a\x00b\x07c", "abc"},
		{"del", "a\x7fb", "ab"},
		{"bidi override", "abc\u202edcba\u202c", "abcdcba"},
		{"bidi isolates", "\u2066x\u2069\u2067y\u2068", "xy"},
		{"marks", "a\u200eb\u200fc\u061cd", "abcd"},
		{"invalid utf-8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"raw 8-bit csi byte", "a\x9b31mb", "a\ufffd31mb"},
		{"no-break spaces kept", "1\u202f000\u00a0€", "1\u202f000\u00a0€"},
		{"zero-width and bom", "Ja\u200bne\ufeff", "Jane"},
		{"tag characters", "a\U000E0067\U000E007Fb", "ab"},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"zwj kept", "👩\u200d💻", "👩\u200d💻"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"one\ntwo", "one\ntwo"},
		{"one\r\ntwo", "one\ntwo"},
		{"one\rtwo", "onetwo"},
		{"a\x1b[1Ab\n\x1b[2Kc", "ab\nc"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// checkSafe fails when out could still steer the terminal.
func checkSafe(t *testing.T, in, out string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%q: output %q is not valid UTF-8", in, out)
	}
	for _, r := range out {
		switch {
		case r == '\n' && multiline:
		case r < 0x20, r == 0x7f:
			t.Fatalf("%q: output %q holds control %U", in, out, r)
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("%q: output %q holds C1 control %U", in, out, r)
		case IsBidiControl(r):
			t.Fatalf("%q: output %q holds bidi control %U", in, out, r)
		case Refused(r):
			t.Fatalf("%q: output %q holds format character %U", in, out, r)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, seed := range []string{
		"", "plain", "\x1b[31mred", "\x1b]0;t\x07", "\x1bP\x1b\\", "\u009b1m", "\u202e", "a\rb\r\n",
		"\xff\xfe", "\x1b", "\x1b[", "\x1b]", "\x1b]8;;x\x1b", "é\u2066",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		line := Line(in)
		checkSafe(t, in, line, false)
		if strings.Contains(line, "\n") {
			t.Fatalf("%q: sanitizeLine kept a newline", in)
		}
		checkSafe(t, in, Text(in), true)
		if again := Line(line); again != line {
			t.Fatalf("%q: not idempotent: %q then %q", in, line, again)
		}
	})
}

func BenchmarkSanitizeLine(b *testing.B) {
	in := "Téléphone \x1b[31mde travail\x1b[0m \u202eevil"
	b.ReportAllocs()
	for b.Loop() {
		_ = Line(in)
	}
}
