package tui

import "testing"

// A device the core names "<browser> on <system>" reads in the agent's
// language; other names are shown as they are, made safe.
func TestDeviceNameIsLocalized(t *testing.T) {
	t.Parallel()
	cases := []struct{ lang, in, want string }{
		{"en", "Chrome on Windows", "Chrome on Windows"},
		{"es", "Chrome on Windows", "Chrome en Windows"},
		{"fr", "Safari on iPhone", "Safari sous iPhone"},
		{"fr", "Pixel 8", "Pixel 8"},
		{"fr", " on Windows", " on Windows"},
		{"es", "Firefox on Linux\x1b[31m", "Firefox en Linux"},
	}
	for _, c := range cases {
		if got := deviceName(loc(t, c.lang), c.in); got != c.want {
			t.Errorf("%s deviceName(%q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}
