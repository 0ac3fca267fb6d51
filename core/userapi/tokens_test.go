package userapi

import (
	"crypto/sha256"
	"testing"
	"time"

	"supportdesk/core/fault"
)

func TestTokensKeepOnlyHashesAndExpire(t *testing.T) {
	t.Parallel()
	ts := newTokens()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	a, err := ts.issue(grant{kind: kindSession, account: "a", expires: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ts.issue(grant{kind: kindPending, account: "a", expires: now.Add(time.Minute)}, now)
	c, _ := ts.issue(grant{kind: kindPending, account: "c", expires: now.Add(time.Minute)}, now)
	if len(a) != 43 || a == b {
		t.Fatalf("tokens %q %q", a, b)
	}
	for k := range ts.m {
		if string(k[:]) == a || k != sha256.Sum256([]byte(a)) && k != sha256.Sum256([]byte(b)) && k != sha256.Sum256([]byte(c)) {
			t.Fatalf("a key that is not a token's hash: %x", k)
		}
	}
	if _, ok := ts.lookup(b, now.Add(time.Minute)); ok {
		t.Fatal("an expired token still works")
	}
	if _, ok := ts.lookup(a, now.Add(time.Minute)); !ok {
		t.Fatal("a live token was refused")
	}
	ts.revokeAccount("a")
	if _, ok := ts.lookup(a, now); ok {
		t.Fatal("a deleted account's token still works")
	}
	if _, ok := ts.lookup(c, now); !ok {
		t.Fatal("another account's token went too")
	}
}

func TestTokensAreBounded(t *testing.T) {
	t.Parallel()
	ts := newTokens()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	for range MaxTokens {
		if _, err := ts.issue(grant{kind: kindPending, expires: now.Add(time.Minute)}, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.issue(grant{kind: kindPending, expires: now.Add(time.Minute)}, now); fault.CodeOf(err) != fault.CodeStorage {
		t.Fatalf("past the bound: %v", err)
	}
	// Once they expire, a sweep makes room.
	if _, err := ts.issue(grant{kind: kindPending, expires: now.Add(time.Hour)}, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if len(ts.m) != 1 {
		t.Fatalf("%d tokens after the sweep", len(ts.m))
	}
}
