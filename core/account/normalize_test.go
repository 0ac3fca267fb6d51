package account

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"supportdesk/core/fault"
	"supportdesk/core/safetext"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want "" means refused
	}{
		{"jane@example.com", "jane@example.com"},
		{"  Jane.Doe@Example.COM\t", "jane.doe@example.com"},
		{"jane+support@mail.example.gov", "jane+support@mail.example.gov"},
		{"o'brien@example.ie", "o'brien@example.ie"},
		{"josé@exemple.fr", "josé@exemple.fr"},
		{"ÉLODIE@EXEMPLE.FR", "ÉLODIE@exemple.fr"},          // a non-ASCII local part is kept as typed
		{"İ@example.com", "İ@example.com"},                  // not folded to i@
		{"\u212Aate@example.com", "\u212Aate@example.com"},  // the Kelvin sign is not k
		{"ana@Bücher.Example", "ana@xn--bcher-kva.example"}, // IDN to punycode
		{"ana@BÜCHER.example", "ana@xn--bcher-kva.example"},
		{"ana@xn--bcher-kva.example", "ana@xn--bcher-kva.example"},
		{"a@straße.de", "a@xn--strae-oqa.de"}, // not transitional: ß stays ß
		{"a@例え.テスト", "a@xn--r8jz45g.xn--zckzah"},
		{strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com"},
		{strings.Repeat("a", 65) + "@example.com", ""}, // local part over 64 octets
		{strings.Repeat("é", 33) + "@example.com", ""}, // 66 octets
		{"a@b\u200d.com", ""},                          // a joiner in a domain
		{"jane\u2028@example.com", ""},
		{"jane@example.com\U000E0041", ""},
		{"", ""},
		{"   ", ""},
		{"jane", ""},
		{"jane@", ""},
		{"@example.com", ""},
		{"jane@localhost", ""},
		{"jane@@example.com", ""},
		{"jane doe@example.com", ""},
		{"Jane <jane@example.com>", ""},
		{"<jane@example.com>", ""},
		{"jane@example.com, bob@example.com", ""},
		{`"jane doe"@example.com`, ""},
		{"jane@example.com (Jane)", ""},
		{"jane@[192.0.2.1]", ""},
		{"jane\n@example.com", ""},
		{"jane@example.com\r\nBcc: x@example.com", ""},
		{"\x1b[31mjane@example.com", ""},
		{"jane@example.com\x1b]8;;http://evil\x07", ""},
		{"jane\u009b31m@example.com", ""}, // C1 CSI
		{"jane@exa\u202emple.com", ""},    // bidi override
		{"jane\u200b@example.com", ""},    // zero-width space
		{"jane\x00@example.com", ""},
		{"jane@example.com\xff", ""},
		{strings.Repeat("a", 243) + "@example.com", ""}, // 255 characters
		{strings.Repeat("a", 10_000) + "@example.com", ""},
		{strings.Repeat("Ⱥ", 100) + "@example.com", ""}, // 212 bytes, 312 once lower-cased
	}
	for _, tc := range tests {
		got, err := NormalizeEmail(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("NormalizeEmail(%q) = %q, want refused", tc.in, got)
			} else if e, ok := fault.As(err); !ok || e.Code != fault.CodeEmailMalformed || e.Field != "email" || e.Max != MaxEmailLength {
				t.Errorf("NormalizeEmail(%q) error = %#v, want email_malformed on field email with its limit", tc.in, err)
			}
			continue
		}
		if got != tc.want || err != nil {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	// The longest address accepted.
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com"
	if len(long) != MaxEmailLength {
		t.Fatalf("test address has %d characters", len(long))
	}
	if got, err := NormalizeEmail(long); got != long || err != nil {
		t.Errorf("NormalizeEmail(254 characters) = %q, %v", got, err)
	}
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want "" means refused
	}{
		{"(202) 555-0142", "+12025550142"},
		{"202.555.0142", "+12025550142"},
		{"202-555-0142", "+12025550142"},
		{"2025550142", "+12025550142"},
		{"+1 202 555 0142", "+12025550142"},
		{"12025550142", "+12025550142"},
		{"1 (202) 555-0142", "+12025550142"},
		{" +12025550142 ", "+12025550142"},
		{"+44 20 7946 0958", "+442079460958"},
		{"+33 1 23 45 67 89", "+33123456789"},
		{"+52 55 1234 5678", "+525512345678"},
		{"", ""},
		{"+", ""},
		{"555-012", ""},           // too short
		{"555-0142", ""},          // seven digits
		{"+4420", ""},             // too short with a country code
		{"+1234567890123456", ""}, // 16 digits
		{"+0 202 555 0142", ""},   // no country code starts with 0
		{"+1 102 555 0142", ""},   // area code starts with 1
		{"(202) 155-0142", ""},    // exchange starts with 1
		{"02025550142", ""},
		{"22025550142", ""},
		{"202 555 01", ""},
		{"202-555-0142 ext 5", ""},
		{"202-555-CALL", ""},
		{"call me", ""},
		{"2O2-555-0142", ""}, // letter O
		{"++12025550142", ""},
		{"1+2025550142", ""},
		{"202/555/0142", ""},
		{"\x1b[31m2025550142", ""},
		{"2025550142\x1b]0;title\x07", ""},
		{"202\u00a0555\u00a00142", ""},
		{"٢٠٢٥٥٥٠١٤٢", ""}, // Arabic-Indic digits
		{"202\u202e5550142", ""},
		{strings.Repeat("2", 10_000), ""},
		{strings.Repeat(" ", 40) + "2025550142", "+12025550142"},
		{"2 0 2 5 5 5 0 1 4 2 ..........................", ""},
	}
	for _, tc := range tests {
		got, err := NormalizePhone(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("NormalizePhone(%q) = %q, want refused", tc.in, got)
			} else if e, ok := fault.As(err); !ok || e.Code != fault.CodePhoneMalformed || e.Field != "phone" {
				t.Errorf("NormalizePhone(%q) error = %v, want phone_malformed on field phone", tc.in, err)
			}
			continue
		}
		if got != tc.want || err != nil {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestLooksLikePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"(202) 555-0142", true},
		{"+44 20 7946 0958", true},
		{"555-012", true},
		{"jane@example.com", false},
		{"", false},
		{"+", false},
		{"2+2", false},
		{"a1", false},
	}
	for _, tc := range tests {
		if got := LooksLikePhone(tc.in); got != tc.want {
			t.Errorf("LooksLikePhone(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"jane@example.com", " Jane@Example.COM ", "a@b.c", "josé@exemple.fr", "ȺȺ@example.com",
		"İ@example.com", "\u212A@Example.com", "a@Bücher.de", "a@xn--bcher-kva.de", "a@\u212Aelvin.com", `"a b"@example.com`, "a@[1.2.3.4]", "jane\u202e@example.com", "\x1b[0m", "a@b@c.d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizeEmail(in)
		if err != nil {
			if out != "" {
				t.Errorf("NormalizeEmail(%q) returned %q with an error", in, out)
			}
			return
		}
		again, err := NormalizeEmail(out)
		if err != nil || again != out {
			t.Errorf("NormalizeEmail(%q) = %q, which normalizes to %q, %v", in, out, again, err)
		}
		if len(out) > MaxEmailLength || !utf8.ValidString(out) || strings.Count(out, "@") < 1 {
			t.Errorf("NormalizeEmail(%q) = %q is not a plausible address", in, out)
		}
		at := strings.LastIndexByte(out, '@')
		local, domain := out[:at], out[at+1:]
		if len(local) > MaxLocalLength {
			t.Errorf("NormalizeEmail(%q) = %q: local part over %d octets", in, out, MaxLocalLength)
		}
		for _, r := range domain {
			if r >= utf8.RuneSelf || (r >= 'A' && r <= 'Z') {
				t.Errorf("NormalizeEmail(%q) = %q: the domain is not lower-case ASCII", in, out)
				break
			}
		}
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp) || safetext.Refused(r) {
				t.Errorf("NormalizeEmail(%q) = %q holds %U", in, out, r)
			}
		}
		// Only ASCII is lower-cased: the input's local part, trimmed, is the
		// output's, byte for byte, or its ASCII lower-casing.
		trimmed := strings.TrimSpace(in)
		inLocal := trimmed[:strings.LastIndexByte(trimmed, '@')]
		if local != inLocal && local != asciiLower(inLocal) {
			t.Errorf("NormalizeEmail(%q) = %q changed the mailbox %q", in, out, inLocal)
		}
		if !isASCII(inLocal) && local != inLocal {
			t.Errorf("NormalizeEmail(%q) = %q folded a non-ASCII local part", in, out)
		}
		_ = MaskEmail(out) // must not panic
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"(202) 555-0142", "202.555.0142", "+1 202 555 0142", "12025550142", "+44 20 7946 0958",
		"555-012", "+", "٢٠٢", "\x1b[31m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizePhone(in)
		if err != nil {
			if out != "" {
				t.Errorf("NormalizePhone(%q) returned %q with an error", in, out)
			}
			return
		}
		again, err := NormalizePhone(out)
		if err != nil || again != out {
			t.Errorf("NormalizePhone(%q) = %q, which normalizes to %q, %v", in, out, again, err)
		}
		if len(out) < 9 || len(out) > 16 || out[0] != '+' || strings.Trim(out[1:], "0123456789") != "" {
			t.Errorf("NormalizePhone(%q) = %q is not E.164", in, out)
		}
		if !LooksLikePhone(in) {
			t.Errorf("NormalizePhone accepts %q but LooksLikePhone refuses it", in)
		}
		_ = MaskPhone(out)
	})
}
