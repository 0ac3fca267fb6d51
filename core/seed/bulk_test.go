package seed_test

import (
	"context"
	"slices"
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
	if err := st.Raw().QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		t.Fatalf("synchronous after a bulk load = %d (%v), want 2 (FULL)", sync, err)
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
