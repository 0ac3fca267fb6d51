// Package pgtest finds the PostgreSQL server tests run against and gives
// each test a schema or a database of its own.
//
// The server is $SUPPORTDESK_TEST_PG; with the variable set (as .ci/run
// sets it) a server that cannot be reached fails the test. Without it the
// tests try the machine's own on 127.0.0.1:5432 and skip when none
// answers.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Default is the server tried when $SUPPORTDESK_TEST_PG is not set.
const Default = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL is the server's URL, after a connection proved it answers.
func URL(t testing.TB) string {
	t.Helper()
	u, required := os.LookupEnv("SUPPORTDESK_TEST_PG")
	if !required {
		u = Default
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		if required {
			t.Fatalf("PostgreSQL at $SUPPORTDESK_TEST_PG: %v", err)
		}
		t.Skipf("no PostgreSQL on 127.0.0.1:5432 (set SUPPORTDESK_TEST_PG to require one): %v", err)
	}
	c.Close(ctx)
	return u
}

var names atomic.Int64

// Name is a name no other test of this run uses: prefix, the process and
// a counter, within PostgreSQL's 63 bytes.
func Name(prefix string) string {
	n := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), names.Add(1))
	if len(n) > 63 {
		n = n[len(n)-63:]
	}
	return strings.ToLower(n)
}

// Schema names a schema for one test on server u and drops it, and all
// in it, when the test ends (on a connection of its own: the test's
// stores are closed by then).
func Schema(t testing.TB, u, prefix string) string {
	t.Helper()
	name := Name(prefix)
	t.Cleanup(func() { drop(u, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE") })
	return name
}

// Database creates an empty database for one test and returns its URL;
// it is dropped, connections and all, when the test ends.
func Database(t testing.TB, prefix string) string {
	t.Helper()
	server := URL(t)
	name := Name(prefix)
	ident := pgx.Identifier{name}.Sanitize()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop(server, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)") })
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func drop(server, stmt string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c, err := pgx.Connect(ctx, server); err == nil {
		c.Exec(ctx, stmt)
		c.Close(ctx)
	}
}
