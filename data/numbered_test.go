package data

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestNumbered(t *testing.T) {
	ok := fstest.MapFS{
		"m/0002_b.sql": {Data: []byte("B")},
		"m/0001_a.sql": {Data: []byte("A")},
	}
	ms, err := Numbered(ok, "m")
	if err != nil || len(ms) != 2 || ms[0].SQL != "A" || ms[1].Version != 2 || ms[1].Name != "0002_b.sql" {
		t.Fatalf("Numbered = %+v, %v", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"expected number 2": {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"must start with":   {"m/0001_a.sql": {}, "m/later.sql": {}},
	} {
		if _, err := Numbered(fsys, "m"); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// The embedded sets themselves.
	if ms, err := Numbered(Migrations, "migrations"); err != nil || len(ms) == 0 {
		t.Errorf("SQLite migrations: %d, %v", len(ms), err)
	}
	if ms, err := Numbered(Postgres, "postgres"); err != nil || len(ms) == 0 {
		t.Errorf("PostgreSQL migrations: %d, %v", len(ms), err)
	}
}
