package sshd

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/muesli/termenv"
)

func TestHostKeyMadeOnceWithMode0600(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "db.ssh_host_ed25519")
	first, err := hostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := first.PublicKey().Type(); got != "ssh-ed25519" {
		t.Errorf("key type %s, want ssh-ed25519", got)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %#o, want 0600", info.Mode().Perm())
	}
	again, err := hostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.PublicKey().Marshal()) != string(first.PublicKey().Marshal()) {
		t.Error("the second start made a new host key")
	}
}

func TestHostKeyReadableByOthersRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "host_key")
	if _, err := hostKey(path); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := hostKey(path)
		var me *HostKeyModeError
		if !errors.As(err, &me) || me.Mode.Perm() != mode {
			t.Errorf("mode %#o: err %v, want a HostKeyModeError", mode, err)
		}
	}
}

func TestProfileFromClientEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  []string
		term string
		want termenv.Profile
	}{
		{nil, "xterm-256color", termenv.ANSI256},
		{nil, "xterm", termenv.ANSI},
		{nil, "dumb", termenv.Ascii},
		{nil, "", termenv.Ascii},
		{[]string{"NO_COLOR=1"}, "xterm-256color", termenv.Ascii},
		{[]string{"NO_COLOR="}, "xterm-256color", termenv.ANSI256}, // set but empty: no-color.org says colour stays
		{[]string{"COLORTERM=truecolor"}, "xterm-256color", termenv.TrueColor},
		{[]string{"COLORTERM=truecolor"}, "dumb", termenv.Ascii},
		{[]string{"TERM=dumb"}, "xterm-kitty", termenv.TrueColor}, // the PTY request's TERM wins
	}
	for _, tt := range tests {
		if got := newSessionEnv(tt.env, tt.term).profile(); got != tt.want {
			t.Errorf("env %v TERM %q: profile %v, want %v", tt.env, tt.term, got, tt.want)
		}
	}
}
