package postgres

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/store"
	"supportdesk/core/store/storetest"
)

// testURL is the PostgreSQL server the tests use: $SUPPORTDESK_TEST_PG,
// else the machine's own on 127.0.0.1:5432. With the variable set (as CI
// sets it) an unreachable server fails the tests; without it, they skip.
func testURL(t *testing.T) string {
	t.Helper()
	url, required := os.LookupEnv("SUPPORTDESK_TEST_PG")
	if !required {
		url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		if required {
			t.Fatalf("PostgreSQL at $SUPPORTDESK_TEST_PG: %v", err)
		}
		t.Skipf("no PostgreSQL on 127.0.0.1:5432 (set SUPPORTDESK_TEST_PG to require one): %v", err)
	}
	c.Close(ctx)
	return url
}

var schemas atomic.Int64

// openTemp opens a store in a schema of its own, dropped when the test
// ends, so parallel subtests never share rows.
func openTemp(t *testing.T, url string, opt Options) *Store {
	t.Helper()
	opt.Schema = fmt.Sprintf("t%d_%d", os.Getpid(), schemas.Add(1))
	s, err := Open(t.Context(), url, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	// storetest closes the store first; the schema goes on a connection
	// of its own.
	t.Cleanup(func() { dropSchema(url, opt.Schema) })
	return s
}

func dropSchema(url, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return
	}
	defer c.Close(ctx)
	c.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
}

func TestConformance(t *testing.T) {
	url := testURL(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t, url, Options{MaxConns: 8}) })
}
