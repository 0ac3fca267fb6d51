package auditlog_test

import (
	"context"
	"fmt"
	"testing"

	"supportdesk/core/auditlog"
	"supportdesk/core/store"
)

// BenchmarkVerify walks a log of 100 000 keyed entries: chain, MACs and
// the signed head, on one read snapshot.
func BenchmarkVerify(b *testing.B) {
	const n = 100_000
	l := newLog(b)
	l.add(b, n, 5000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := auditlog.Verify(ctx, l.st, l.keys, nil)
		if err != nil || rep.Break != nil || rep.Count != n {
			b.Fatalf("Verify = %+v, %v", rep, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/entry")
}

// BenchmarkAppend is the cost of one write transaction appending 1 or 1000
// entries, unkeyed (the backend's own AppendAudit, as before the keyed
// log) and keyed (a MAC per entry, one head check and one signature per
// transaction).
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	for _, keyed := range []bool{false, true} {
		for _, per := range []int{1, 1000} {
			b.Run(fmt.Sprintf("keyed=%v/entries=%d", keyed, per), func(b *testing.B) {
				l := newLog(b)
				st := store.Store(l.raw)
				if keyed {
					st = l.st
				}
				i := 0
				b.ReportAllocs()
				for b.Loop() {
					if err := st.Write(ctx, func(tx store.Tx) error {
						for range per {
							i++
							if err := tx.AppendAudit(ctx, entry(i)); err != nil {
								return err
							}
						}
						return nil
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
