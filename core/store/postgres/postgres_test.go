package postgres

import (
	"testing"

	"supportdesk/core/store"
	"supportdesk/core/store/postgres/pgtest"
	"supportdesk/core/store/storetest"
)

// testURL is the PostgreSQL server the tests use (see pgtest).
func testURL(t *testing.T) string { return pgtest.URL(t) }

// openTemp opens a store in a schema of its own, dropped when the test
// ends, so parallel subtests never share rows.
func openTemp(t *testing.T, url string, opt Options) *Store {
	t.Helper()
	opt.Schema = pgtest.Schema(t, url, "t")
	s, err := Open(t.Context(), url, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	url := testURL(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t, url, Options{MaxConns: 8}) })
}
