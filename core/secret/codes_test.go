package secret

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeCrockford(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"ABCD1234WXYZ", "ABCD1234WXYZ"},
		{"abcd-1234-wxyz", "ABCD1234WXYZ"},
		{" abcd 1234\twxyz ", "ABCD1234WXYZ"},
		{"iIlL", "1111"},
		{"oO0", "000"},
		{"0ZA4-HKQ2-8VMT-3P6E", "0ZA4HKQ28VMT3P6E"},
		{"", ""},
		{"----", ""},
	}
	for _, tc := range tests {
		if got := NormalizeCrockford(tc.in); got != tc.want {
			t.Errorf("NormalizeCrockford(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRandomCrockford(t *testing.T) {
	t.Parallel()
	seen := map[rune]bool{}
	for _, n := range []int{0, 1, 12, 16, 1000} {
		s := RandomCrockford(n)
		if len(s) != n {
			t.Errorf("RandomCrockford(%d) has length %d", n, len(s))
		}
		for _, r := range s {
			if !strings.ContainsRune(crockford, r) {
				t.Errorf("RandomCrockford produced %q, outside the alphabet", r)
			}
			seen[r] = true
		}
		// A fresh code is already in normal form.
		if NormalizeCrockford(s) != s {
			t.Errorf("NormalizeCrockford changes a fresh code %q", s)
		}
	}
	if len(seen) != len(crockford) {
		t.Errorf("1029 random characters used %d of %d letters", len(seen), len(crockford))
	}
	if a, b := RandomCrockford(16), RandomCrockford(16); a == b {
		t.Error("two 80-bit codes are equal")
	}
	for _, bad := range "ILOU" {
		if strings.ContainsRune(crockford, bad) {
			t.Errorf("alphabet holds %q", bad)
		}
	}
}

func TestRandomDigits(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 6, 100} {
		s := RandomDigits(n)
		if len(s) != n || strings.Trim(s, "0123456789") != "" {
			t.Errorf("RandomDigits(%d) = %q", n, s)
		}
	}
}

func TestFormatPersonalKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"0ZA4HKQ28VMT3P6E", "0ZA4-HKQ2-8VMT-3P6E"},
		{"SHORT", "SHORT"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := FormatPersonalKey(tc.in); got != tc.want {
			t.Errorf("FormatPersonalKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	k := RandomCrockford(16)
	if NormalizeCrockford(FormatPersonalKey(k)) != k {
		t.Error("a formatted key does not normalize back")
	}
}

func FuzzNormalizeCrockford(f *testing.F) {
	for _, s := range []string{"abcd-1234-wxyz", "iIlLoO", " 0ZA4 HKQ2 ", "", "ß", "ı", "\xff\xfe", "\x1b[31m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := NormalizeCrockford(in)
		if again := NormalizeCrockford(out); again != out {
			t.Errorf("NormalizeCrockford(%q) = %q, which normalizes to %q", in, out, again)
		}
		if strings.ContainsAny(out, " -\tILOilo") {
			t.Errorf("NormalizeCrockford(%q) = %q keeps a dropped or mapped character", in, out)
		}
		if !utf8.ValidString(out) {
			t.Errorf("NormalizeCrockford(%q) = %q is not UTF-8", in, out)
		}
	})
}
