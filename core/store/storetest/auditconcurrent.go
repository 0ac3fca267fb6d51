package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/store"
)

// testAuditConcurrentWriters: writers appending through Write at once,
// one to three entries a transaction, some transactions rolled back,
// leave one chain: seqs 1..n with no gap, each entry's PrevHash the hash
// of the entry before it, each transaction's entries side by side, every
// committed entry stored once exactly as its writer saw it sealed, and no
// entry of a rolled-back transaction.
func testAuditConcurrentWriters(t *testing.T, s store.Store) {
	ctx := t.Context()
	const writers, txs = 6, 8
	abort := errors.New("abort")
	// committed[w][i] are the entries of writer w's i-th transaction as
	// sealed, nil when it was rolled back.
	var committed [writers][txs][]audit.Entry
	var errs [writers]error
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			actor := access.Actor{ID: fmt.Sprintf("agent-%d", w), Role: access.RoleAgent}
			for i := range txs {
				var sealed []audit.Entry
				rollback := i%4 == 3
				err := s.Write(ctx, func(tx store.Tx) error {
					sealed = sealed[:0] // fn may run again
					for k := range 1 + (w+i)%3 {
						e := audit.Record(actor, t0, "account.view", "account", "acct-1", fmt.Sprintf("w%d t%d e%d", w, i, k))
						if err := tx.AppendAudit(ctx, e); err != nil {
							return err
						}
						sealed = append(sealed, *e)
					}
					if rollback {
						return abort
					}
					return nil
				})
				switch {
				case rollback && errors.Is(err, abort):
				case err != nil:
					errs[w] = fmt.Errorf("transaction %d: %w", i, err)
					return
				default:
					committed[w][i] = sealed
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}

	var chain []audit.Entry
	read(t, s, func(r store.Reader) error {
		if err := r.AuditScan(ctx, func(e audit.Entry) error { chain = append(chain, e); return nil }); err != nil {
			return err
		}
		seq, hash, err := r.AuditHead(ctx)
		if err != nil {
			return err
		}
		if n := int64(len(chain)); seq != n || n > 0 && !bytes.Equal(hash, chain[n-1].Hash) {
			t.Errorf("AuditHead = %d, %x; want the last of %d entries", seq, hash, n)
		}
		return nil
	})
	bySeq := map[int64]audit.Entry{}
	var prev []byte
	for i, e := range chain {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d of the scan has seq %d: a gap or a fork", i+1, e.Seq)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			t.Fatalf("entry %d: PrevHash %x, want %x (the previous entry's hash): a fork", e.Seq, e.PrevHash, prev)
		}
		prev = e.Hash
		bySeq[e.Seq] = e
	}
	want := 0
	for w := range writers {
		last := int64(0)
		for i := range txs {
			es := committed[w][i]
			want += len(es)
			for k, e := range es {
				same(t, fmt.Sprintf("stored entry %d of writer %d", e.Seq, w), bySeq[e.Seq], e)
				if k > 0 && e.Seq != es[k-1].Seq+1 {
					t.Errorf("writer %d, transaction %d: entries at seqs %d and %d, want them side by side", w, i, es[k-1].Seq, e.Seq)
				}
				if e.Seq <= last {
					t.Errorf("writer %d: entry at seq %d after one at %d", w, e.Seq, last)
				}
				last = e.Seq
			}
		}
	}
	if len(chain) != want {
		t.Errorf("the chain holds %d entries, want the %d committed", len(chain), want)
	}
}
