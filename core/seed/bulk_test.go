package seed_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"supportdesk/core/auditlog"
	"supportdesk/core/coretest"
	"supportdesk/core/seed"
	"supportdesk/core/store/sqlite"
)

// indexes lists the database's declared indexes.
func indexes(t *testing.T, st *sqlite.Store) []string {
	t.Helper()
	rs, err := st.Raw().Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var n string
		if err := rs.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// A bulk load (parallel generation, indexes built last) makes the same
// people as the ordinary path, leaves every index and pragma as the schema
// has them, and keeps the audit chain whole.
func TestBulkSeedMatchesOrdinarySeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	plain := seeded(t, 400, 9)
	svc, st, c, _ := coretest.OpenSQLite(t)
	before := indexes(t, st)
	if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{
		Accounts: 400, Seed: 9, Now: c.Now(), Bulk: true, Batch: 150,
		PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}); err != nil {
		t.Fatal(err)
	}
	if after := indexes(t, st); !slices.Equal(before, after) || len(after) == 0 {
		t.Fatalf("indexes after a bulk load:\n%v\nwant\n%v", after, before)
	}
	var sync int
	if err := st.Raw().QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 1 {
		t.Fatalf("synchronous after a bulk load = %d (%v), want 1 (NORMAL, the writer's: its syncer syncs the WAL)", sync, err)
	}
	if res, err := st.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity: %q %v", res, err)
	}
	if rep, err := auditlog.Verify(ctx, svc.Store, svc.Keys, nil); err != nil || rep.Break != nil || rep.Count < 400 {
		t.Fatalf("audit chain after a bulk load: %v %+v", err, rep)
	}
	supA, supB := supervisor(t, plain), supervisor(t, svc)
	for _, i := range []int{0, 1, 149, 150, 255, 256, 399} {
		fa, fb := view(t, plain, supA, seed.Email(9, i)), view(t, svc, supB, seed.Email(9, i))
		if fmtv(fa) != fmtv(fb) {
			t.Fatalf("account %d differs:\n%v\n%v", i, fa, fb)
		}
	}
}

// dump reads a table's columns that do not depend on the database's key
// (no sealed values, fingerprints or keyed hashes), in key order.
func dump(t *testing.T, st *sqlite.Store, table, cols string) []string {
	t.Helper()
	rs, err := st.Raw().Query(`SELECT ` + cols + ` FROM ` + table + ` ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	n := len(strings.Split(cols, ","))
	var out []string
	for rs.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The bulk write (many rows to a statement, keys given up front) stores
// the same rows, with the same keys, as seeding one write at a time.
func TestBulkWriteStoresWhatWriteStores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	seedInto := func(bulk bool) *sqlite.Store {
		svc, st, c, _ := coretest.OpenSQLite(t)
		if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{
			Accounts: 300, Seed: 5, Now: c.Now(), Bulk: bulk, Batch: 120,
			PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	plain, bulk := seedInto(false), seedInto(true)
	for _, c := range []struct{ table, cols string }{
		{"accounts", "pk, id, created_at, email_language, status, ial, password_hash, locked_until, failed_signins, window_start, failed_mfa, consec_failures, version"},
		{"emails", "id, account_id, created_at, confirmed_at, last_sign_in, length(sealed), length(fp)"},
		{"phones", "id, account_id, delivery, is_default, created_at, last_used, length(sealed)"},
		{"mfa_methods", "id, account_id, kind, name, created_at, last_used, sealed IS NULL, last_step, credential"},
		{"backup_codes", "account_id, idx, used_at, length(hash)"},
		{"profiles", "account_id, state, verified_at, deactivation_reason, personal_key_at, length(personal_key_hash)"},
		{"agency_links", "account_id, agency_id, first_at, last_at"},
		{"devices", "id, account_id, name, first_at, last_at"},
		{"events", "id, account_id, kind, at, detail"},
		{"account_resets", "account_id, requested_at, cancelled_at, cancelled_by, granted_at, deleted_at, token_hash IS NULL"},
		{"idv", "account_id, step"},
		{"idv_attempts", "id, account_id, step, passed, at"},
		{"audit_log", "seq, actor_id, action, target_type, target_id, detail"},
	} {
		want, got := dump(t, plain, c.table, c.cols), dump(t, bulk, c.table, c.cols)
		if len(want) == 0 && c.table != "account_resets" {
			t.Errorf("%s: no rows seeded", c.table)
		}
		if !slices.Equal(want, got) {
			t.Errorf("%s differs after a bulk write: %d rows, want %d", c.table, len(got), len(want))
			for i := range min(len(want), len(got)) {
				if want[i] != got[i] {
					t.Errorf("first difference:\n got %s\nwant %s", got[i], want[i])
					break
				}
			}
		}
	}
}
