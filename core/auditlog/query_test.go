package auditlog_test

import (
	"testing"
	"time"

	"supportdesk/core/auditlog"
	"supportdesk/core/store"
)

func TestQuery(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 700, 100) // entry i: agent-(i%7), acct-(i%50), at t0 + i s, seq i+1
	query := func(f auditlog.Filter) []int64 {
		t.Helper()
		var seqs []int64
		err := l.st.Read(t.Context(), func(r store.Reader) error {
			es, err := auditlog.Query(t.Context(), r, f)
			for _, e := range es {
				seqs = append(seqs, e.Seq)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return seqs
	}
	for _, limit := range []int{0, -1, 501, 10_000} {
		if got := query(auditlog.Filter{Limit: limit}); len(got) != auditlog.MaxPage || got[0] != 700 {
			t.Errorf("Limit %d: %d entries from %v, want the newest %d", limit, len(got), got[:1], auditlog.MaxPage)
		}
	}
	if got := query(auditlog.Filter{Limit: 3}); len(got) != 3 {
		t.Errorf("Limit 3: %v", got)
	}
	// Paging by Before visits every entry of a filter once, newest first.
	f := auditlog.Filter{ActorID: "agent-3", Limit: 40}
	var all []int64
	for {
		page := query(f)
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		f.Before = page[len(page)-1]
	}
	if len(all) != 100 {
		t.Errorf("paging agent-3's entries: %d, want 100", len(all))
	}
	for i, seq := range all {
		if (seq-1)%7 != 3 || i > 0 && seq >= all[i-1] {
			t.Fatalf("page order or filter broken at %d: %v", i, all[max(0, i-1):i+1])
		}
	}
	// Nothing can be in an empty or reversed range, or before a negative seq.
	for name, f := range map[string]auditlog.Filter{
		"empty range":    {From: t0.Add(time.Minute), To: t0.Add(time.Minute)},
		"reversed range": {From: t0.Add(time.Hour), To: t0},
		"negative":       {Before: -1},
	} {
		if got := query(f); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
	if got := query(auditlog.Filter{TargetID: "acct-7", From: t0.Add(100 * time.Second), To: t0.Add(300 * time.Second)}); len(got) != 4 ||
		got[0] != 258 || got[3] != 108 {
		t.Errorf("target in a range = %v, want [258 208 158 108]", got)
	}
}
