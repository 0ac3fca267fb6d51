package sqlite

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The database, its WAL and its SHM hold PII and the audit trail: they are
// created with mode 0600 whatever the umask, and a looser database file is
// tightened when it is opened.
func TestFileModes(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	for _, pre := range []os.FileMode{0, 0o644} {
		path := filepath.Join(t.TempDir(), "desk.db")
		if pre != 0 {
			if err := os.WriteFile(path, nil, pre); err != nil {
				t.Fatal(err)
			}
		}
		s, err := Open(t.Context(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// A read opens the SHM and the WAL in readers too.
		if _, err := s.SchemaVersion(t.Context()); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("pre %v: %s: mode %v, want 0600", pre, filepath.Base(f), st.Mode().Perm())
			}
		}
		s.Close()
	}
}
