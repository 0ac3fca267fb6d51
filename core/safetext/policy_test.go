package safetext

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFieldPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in  string
		line, txt bool // accepted as a name or subject; accepted as a body
	}{
		{"plain", "Jane Doe", true, true},
		{"accents and wide", "José Núñez 電話", true, true},
		{"zwj emoji", "Ana 👩\u200d💻", true, true},
		{"zwnj persian", "می\u200cخواهم", true, true},
		{"no-break spaces", "1\u202f000\u00a0€", true, true},
		{"newline", "a\nb", false, true},
		{"tab", "a\tb", false, true},
		{"crlf", "a\r\nb", false, false},
		{"nul", "a\x00b", false, false},
		{"escape", "\x1b[31mred", false, false},
		{"c1 csi", "a\u009bb", false, false},
		{"del", "a\x7fb", false, false},
		{"zero-width space", "Ja\u200bne", false, false},
		{"bom", "\ufeffJane", false, false},
		{"word joiner", "Ja\u2060ne", false, false},
		{"invisible times", "a\u2062b", false, false},
		{"lrm", "a\u200eb", false, false},
		{"rlm", "a\u200fb", false, false},
		{"arabic letter mark", "a\u061cb", false, false},
		{"rlo", "abc\u202edcba", false, false},
		{"lre", "a\u202ab", false, false},
		{"isolates", "\u2066x\u2069", false, false},
		{"tag characters", "flag \U000E0067\U000E0062\U000E007F", false, false},
		{"line separator", "a\u2028b", false, false},
		{"paragraph separator", "a\u2029b", false, false},
		{"soft hyphen", "Ja\u00adne", false, false},
		{"invalid utf-8", "a\xffb", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ValidLine(tt.in); got != tt.line {
				t.Errorf("ValidLine(%q) = %v, want %v", tt.in, got, tt.line)
			}
			if got := ValidText(tt.in); got != tt.txt {
				t.Errorf("ValidText(%q) = %v, want %v", tt.in, got, tt.txt)
			}
		})
	}
}

// FuzzFieldPolicy checks that what the policy accepts holds no control or
// format character (ZWJ and ZWNJ aside), that the display sanitizers leave
// accepted text alone, and that the policy agrees with Refused.
func FuzzFieldPolicy(f *testing.F) {
	for _, seed := range []string{"", "Jane", "a\u200db", "a\u200bb", "\u202e", "\U000E0041", "a\u2028b", "a\nb\tc", "\xff", "\ufeff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		line, txt := ValidLine(in), ValidText(in)
		if line && !txt {
			t.Fatalf("%q: a valid line is not valid text", in)
		}
		if !txt {
			return
		}
		if !utf8.ValidString(in) {
			t.Fatalf("%q: invalid UTF-8 accepted", in)
		}
		for _, r := range in {
			if r == '\n' || r == '\t' {
				if line {
					t.Fatalf("%q: a line accepted %U", in, r)
				}
				continue
			}
			if unicode.IsControl(r) || (unicode.Is(unicode.Cf, r) && r != 0x200c && r != 0x200d) ||
				unicode.In(r, unicode.Zl, unicode.Zp) || IsBidiControl(r) || Refused(r) {
				t.Fatalf("%q: accepted %U", in, r)
			}
		}
		if line && Line(in) != in {
			t.Fatalf("%q: accepted as a line but Line changes it to %q", in, Line(in))
		}
	})
}

func BenchmarkValidLine(b *testing.B) {
	in := "Perdí mi teléfono y no puedo entrar 👩\u200d💻"
	b.ReportAllocs()
	for b.Loop() {
		_ = ValidLine(in)
	}
}
