package postgres

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

func TestPrefixEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		prefix, want string
		ok           bool
	}{
		{"", "", false},
		{"job:", "job;", true},
		{"idem:é", "idem:ê", true},
		{"a\U0010FFFF", "b", true},
		{"\U0010FFFF\U0010FFFF", "", false},
		{"x\uD7FF", "x\uE000", true}, // past the surrogates
	} {
		got, ok := prefixEnd(tc.prefix)
		if got != tc.want || ok != tc.ok {
			t.Errorf("prefixEnd(%+q) = %+q, %v; want %+q, %v", tc.prefix, got, ok, tc.want, tc.ok)
			continue
		}
		// Every string with the prefix sorts below the bound, byte for byte.
		for _, s := range []string{tc.prefix, tc.prefix + "\U0010FFFF", tc.prefix + "~~~"} {
			if ok && strings.Compare(s, got) >= 0 {
				t.Errorf("prefixEnd(%+q) = %+q is not above %+q", tc.prefix, got, s)
			}
		}
	}
}

// TestKeyedAuditConcurrent: writers appending through core/auditlog (which
// reads the head with SignedAuditHead, then InsertAudit and PutAuditHead)
// from several connections at once leave one keyed chain that verifies,
// with every committed entry and none of a rolled-back transaction.
func TestKeyedAuditConcurrent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	raw := openTemp(t, testURL(t), Options{MaxConns: 8})
	t.Cleanup(func() { raw.Close() })
	keys, err := secret.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	st := auditlog.Wrap(raw, keys)
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	const writers, txs = 6, 8
	abort := errors.New("abort")
	var mu sync.Mutex
	committed := 0
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			actor := access.Actor{ID: fmt.Sprintf("agent-%d", w), Role: access.RoleAgent}
			for i := range txs {
				n := 1 + (w+i)%3
				err := st.Write(ctx, func(tx store.Tx) error {
					for k := range n {
						if err := tx.AppendAudit(ctx, audit.Record(actor, at, "account.view", "account", "acct-1",
							fmt.Sprintf("w%d t%d e%d", w, i, k))); err != nil {
							return err
						}
					}
					if i%4 == 3 {
						return abort
					}
					return nil
				})
				switch {
				case errors.Is(err, abort):
				case err != nil:
					errs[w] = err
					return
				default:
					mu.Lock()
					committed += n
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	rep, err := auditlog.Verify(ctx, st, keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Break != nil || rep.Count != int64(committed) || rep.Unkeyed != 0 || rep.Head.Seq != int64(committed) {
		t.Errorf("Verify = %+v; want %d keyed entries and no break", rep, committed)
	}

	// The backend's own AppendAudit leaves the keyed log alone.
	err = raw.Write(ctx, func(tx store.Tx) error {
		return tx.AppendAudit(ctx, audit.Record(access.System, at, "account.view", "account", "acct-1", ""))
	})
	if err == nil {
		t.Error("an unkeyed AppendAudit over the keyed log succeeded; want a refusal")
	}
}
