package auditlog_test

import (
	"context"
	"errors"
	"testing"

	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/store"
)

// The attacks of someone who can write the database file but does not hold
// the key file. Against the unkeyed chain (before core/auditlog), (b) and
// (c) verified ok; (a) was caught by the head row alone.

// rechain edits entry seq with the unkeyed algorithm, anyone can run it:
// the row's hash, and every later row's prev_hash and hash, recomputed.
// MACs are left as they were: computing new ones needs the key file.
func rechain(t *testing.T, l *logStore, seq int64, edit func(*audit.Entry)) {
	t.Helper()
	var es []audit.Entry
	if err := l.raw.Read(context.Background(), func(r store.Reader) error {
		return r.AuditScan(context.Background(), func(e audit.Entry) error { es = append(es, e); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	for i := range es {
		e := &es[i]
		switch {
		case e.Seq < seq:
			continue
		case e.Seq == seq:
			edit(e)
		default:
			e.PrevHash = es[i-1].Hash
		}
		e.Hash = e.Sum()
		l.exec(t, `UPDATE audit_log SET at = ?, actor_id = ?, detail = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
			e.At.UnixMilli(), e.ActorID, e.Detail, e.PrevHash, e.Hash, e.Seq)
	}
}

func TestAttacks(t *testing.T) {
	t.Parallel()
	const n = 500
	tests := []struct {
		name   string
		tamper func(t *testing.T, l *logStore)
		want   *audit.Break
	}{
		{"(e) untampered", func(*testing.T, *logStore) {}, nil},
		{"(a) last 100 rows deleted", func(t *testing.T, l *logStore) {
			l.exec(t, `DELETE FROM audit_log WHERE seq > ?`, n-100)
		}, &audit.Break{Seq: n, Reason: audit.ReasonTailMissing}},
		{"(b) last 100 rows deleted, head rewritten", func(t *testing.T, l *logStore) {
			l.exec(t, `DELETE FROM audit_log WHERE seq > ?`, n-100)
			l.rewriteHead(t, n-100)
		}, &audit.Break{Seq: n - 100, Reason: audit.ReasonHeadSignature}},
		{"(b) last 100 rows deleted, head rewritten keeping the old signature", func(t *testing.T, l *logStore) {
			sig := l.storedHead(t)[40:]
			l.exec(t, `DELETE FROM audit_log WHERE seq > ?`, n-100)
			l.rewriteHead(t, n-100, sig...)
		}, &audit.Break{Seq: n - 100, Reason: audit.ReasonHeadSignature}},
		{"(c) one row edited, later rows and head re-chained", func(t *testing.T, l *logStore) {
			rechain(t, l, 217, func(e *audit.Entry) { e.Detail = "nothing to see" })
			l.rewriteHead(t, n)
		}, &audit.Break{Seq: 217, Reason: audit.ReasonEdited}},
		{"(c) actor changed and re-chained, head keeps its signature", func(t *testing.T, l *logStore) {
			rechain(t, l, 300, func(e *audit.Entry) { e.ActorID = "agent-innocent" })
		}, &audit.Break{Seq: 300, Reason: audit.ReasonEdited}},
		{"(c) last row edited and re-chained", func(t *testing.T, l *logStore) {
			rechain(t, l, n, func(e *audit.Entry) { e.Detail = "" })
			l.rewriteHead(t, n)
		}, &audit.Break{Seq: n, Reason: audit.ReasonEdited}},
		{"MACs stripped from the edited row on", func(t *testing.T, l *logStore) {
			rechain(t, l, 400, func(e *audit.Entry) { e.Detail = "x" })
			l.exec(t, `UPDATE audit_log SET mac = x'' WHERE seq >= 400`)
			l.rewriteHead(t, n)
		}, &audit.Break{Seq: 400, Reason: audit.ReasonEdited}},
		{"MAC copied from another row", func(t *testing.T, l *logStore) {
			l.exec(t, `UPDATE audit_log SET mac = (SELECT mac FROM audit_log WHERE seq = 10) WHERE seq = 11`)
		}, &audit.Break{Seq: 11, Reason: audit.ReasonEdited}},
		{"head row deleted", func(t *testing.T, l *logStore) {
			l.exec(t, `DELETE FROM meta WHERE key = 'audit_head'`)
		}, &audit.Break{Seq: n, Reason: audit.ReasonHeadSignature}},
		{"middle row deleted", func(t *testing.T, l *logStore) {
			l.exec(t, `DELETE FROM audit_log WHERE seq = 250`)
		}, &audit.Break{Seq: 251, Reason: audit.ReasonMissingBefore}},
		{"edited in place", func(t *testing.T, l *logStore) {
			l.exec(t, `UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 42`)
		}, &audit.Break{Seq: 42, Reason: audit.ReasonEdited}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := newLog(t)
			// Many transactions of different sizes, as a desk writes them.
			l.add(t, 300, 1)
			l.add(t, 200, 40)
			tc.tamper(t, l)
			rep := l.verify(t, nil)
			wantBreak(t, rep, tc.want)
			if tc.want == nil && (rep.Count != n || rep.Unkeyed != 0 || rep.Head.Seq != n) {
				t.Errorf("Verify = %+v; want %d keyed entries", rep, n)
			}
			if tc.want != nil && rep.Count != tc.want.Seq-1 && tc.want.Reason != audit.ReasonTailMissing &&
				tc.want.Reason != audit.ReasonHeadSignature && tc.want.Reason != audit.ReasonMissingBefore {
				t.Errorf("Count = %d, want the %d entries before the break", rep.Count, tc.want.Seq-1)
			}
		})
	}
}

// (d) The intruder saved a genuinely signed head, let the desk write on,
// then deleted everything after that head and put it back. The stored log
// is consistent and signed; only a head exported in between shows the
// truncation.
func TestExportedHeadCatchesRollback(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 100, 10)
	saved := l.storedHead(t) // seq 100, signed
	l.add(t, 50, 5)
	exported := l.head(t) // seq 150, as an export would carry it
	l.add(t, 25, 5)

	l.exec(t, `DELETE FROM audit_log WHERE seq > 100`)
	l.exec(t, `UPDATE meta SET value = ? WHERE key = 'audit_head'`, saved)

	if rep := l.verify(t, nil); rep.Break != nil || rep.Count != 100 {
		t.Fatalf("without an exported head: %+v; the rollback is expected to look consistent", rep)
	}
	wantBreak(t, l.verify(t, &exported), &audit.Break{Seq: 150, Reason: audit.ReasonTailMissing})

	// The rolled-back log also takes new writes (the head is genuine), and
	// the exported head still shows the rewrite, now as a different entry
	// 150.
	l.n = 1000
	l.add(t, 60, 20)
	wantBreak(t, l.verify(t, &exported), &audit.Break{Seq: 150, Reason: audit.ReasonExportMismatch})
}

// An intruder can strip every MAC and the head's signature, so that a keyed
// log looks like one from before the keyed log, and then rewrite it with
// the unkeyed algorithm. Verify alone then reports only unkeyed entries;
// an exported head shows the rewrite.
func TestDowngradeShowsUnkeyedAndFailsAnExportedHead(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 80, 8)
	exported := l.head(t)
	l.exec(t, `UPDATE audit_log SET mac = x''`)
	rechain(t, l, 33, func(e *audit.Entry) { e.Detail = "nothing to see" })
	l.rewriteHead(t, 80)

	rep := l.verify(t, nil)
	if rep.Break != nil || rep.Unkeyed != 80 {
		t.Errorf("Verify of a downgraded log = %+v; want every entry reported unkeyed", rep)
	}
	wantBreak(t, l.verify(t, &exported), &audit.Break{Seq: 80, Reason: audit.ReasonExportMismatch})
}

func TestExportedHeadMustBeSigned(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 10, 10)
	good := l.head(t)
	forged := good
	forged.Seq = 5
	other := testKeys(t, 2)
	alien := audit.Head{Seq: good.Seq, Hash: good.Hash}
	alien.Sig = other.SignAudit(alien.Message())
	for name, h := range map[string]audit.Head{"seq changed": forged, "no signature": {Seq: 10, Hash: good.Hash},
		"another key file": alien} {
		if _, err := auditlog.Verify(t.Context(), l.st, l.keys, &h); !errors.Is(err, auditlog.ErrExportedHead) {
			t.Errorf("%s: Verify = %v, want ErrExportedHead", name, err)
		}
	}
	if rep := l.verify(t, &good); rep.Break != nil || rep.Count != 10 {
		t.Errorf("Verify with the current head = %+v", rep)
	}
	// A head older than the stored one is fine: the log grew since.
	l.add(t, 5, 5)
	if rep := l.verify(t, &good); rep.Break != nil || rep.Count != 15 {
		t.Errorf("Verify with an older exported head = %+v", rep)
	}
}

func TestEmptyLogVerifies(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	if rep := l.verify(t, nil); rep.Break != nil || rep.Count != 0 {
		t.Errorf("Verify of an empty log = %+v", rep)
	}
}
