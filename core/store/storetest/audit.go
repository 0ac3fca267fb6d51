package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// testAuditWriter checks the raw audit rows a backend stores for
// core/auditlog: entries and heads exactly as given, and an unkeyed
// AppendAudit that refuses once the head is signed.
func testAuditWriter(t *testing.T, s store.Store) {
	ctx := t.Context()
	mac := bytes.Repeat([]byte{0xAC}, 32)
	sig := bytes.Repeat([]byte{0x51}, 64)
	var sealed []audit.Entry
	var prev []byte
	for i := range 3 {
		e := audit.Record(access.System, t0.Add(time.Duration(i)*time.Minute), "account.view", "account", "acct-1", "")
		e.Seal(int64(i), prev)
		e.MAC = mac
		sealed, prev = append(sealed, *e), e.Hash
	}
	head := audit.Head{Seq: 3, Hash: sealed[2].Hash, Sig: sig}
	write(t, s, func(tx store.Tx) error {
		w, ok := tx.(store.AuditWriter)
		if !ok {
			t.Fatalf("%T does not implement store.AuditWriter", tx)
		}
		if err := w.InsertAudit(ctx, sealed[0]); err != nil {
			return err
		}
		if err := w.InsertAudits(ctx, sealed[1:]); err != nil {
			return err
		}
		wantCode(t, "InsertAudit of a taken seq", w.InsertAudit(ctx, sealed[1]), fault.CodeConflict)
		wantCode(t, "InsertAudits with a taken seq", w.InsertAudits(ctx, sealed[2:]), fault.CodeConflict)
		if err := w.PutAuditHead(ctx, head); err != nil {
			return err
		}
		// The transaction sees the head it stored.
		got, err := tx.SignedAuditHead(ctx)
		same(t, "SignedAuditHead in the writing transaction", got, head)
		return err
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.SignedAuditHead(ctx)
		same(t, "SignedAuditHead", got, head)
		if err != nil {
			return err
		}
		if seq, hash, err := r.AuditHead(ctx); seq != 3 || !bytes.Equal(hash, head.Hash) || err != nil {
			t.Errorf("AuditHead = %d, %x, %v; want 3, %x", seq, hash, err, head.Hash)
		}
		var all []audit.Entry
		if err := r.AuditScan(ctx, func(e audit.Entry) error { all = append(all, e); return nil }); err != nil {
			return err
		}
		same(t, "AuditScan of inserted entries", all, sealed)
		e, err := r.AuditEntry(ctx, 2)
		same(t, "AuditEntry(2)", e, sealed[1])
		if err != nil {
			return err
		}
		_, err = r.AuditEntry(ctx, 4)
		wantCode(t, "AuditEntry of a missing seq", err, fault.CodeNotFound)
		return nil
	})

	// The unkeyed AppendAudit leaves a keyed log alone.
	err := s.Write(ctx, func(tx store.Tx) error {
		return tx.AppendAudit(ctx, audit.Record(access.System, t0, "account.view", "account", "acct-1", ""))
	})
	if err == nil {
		t.Error("AppendAudit after a signed head succeeded; want a refusal")
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.SignedAuditHead(ctx)
		same(t, "SignedAuditHead after a refused append", got, head)
		if _, err := r.AuditEntry(ctx, 4); fault.CodeOf(err) != fault.CodeNotFound {
			t.Errorf("AuditEntry(4) after a refused append = %v, want not found", err)
		}
		return err
	})

	// A head put in a transaction that fails is not stored.
	boom := fmt.Errorf("boom")
	err = s.Write(ctx, func(tx store.Tx) error {
		if err := tx.(store.AuditWriter).PutAuditHead(ctx, audit.Head{Seq: 9, Hash: head.Hash, Sig: sig}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Write = %v, want %v", err, boom)
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.SignedAuditHead(ctx)
		same(t, "SignedAuditHead after a rolled back PutAuditHead", got, head)
		return err
	})
}

// testAuditUnkeyedHead checks that the unkeyed AppendAudit stores a head
// without a signature, and an entry without a MAC.
func testAuditUnkeyedHead(t *testing.T, s store.Store) {
	ctx := t.Context()
	e := audit.Record(access.System, t0, "account.view", "account", "acct-1", "")
	write(t, s, func(tx store.Tx) error { return tx.AppendAudit(ctx, e) })
	read(t, s, func(r store.Reader) error {
		h, err := r.SignedAuditHead(ctx)
		same(t, "SignedAuditHead", h, audit.Head{Seq: 1, Hash: e.Hash})
		got, err2 := r.AuditEntry(ctx, 1)
		same(t, "AuditEntry(1)", got, *e)
		if got.MAC != nil {
			t.Errorf("unkeyed entry has MAC %x", got.MAC)
		}
		if err == nil {
			err = err2
		}
		return err
	})
}

// testAuditQuery checks the viewer's filters, order and paging.
func testAuditQuery(t *testing.T, s store.Store) {
	ctx := t.Context()
	type row struct {
		actor, action, target string
	}
	rows := []row{
		{"agent-1", "account.view", "acct-1"},     // 1
		{"agent-2", "account.search", ""},         // 2
		{"agent-1", "account.view_pii", "acct-2"}, // 3: not under account.view
		{"agent-1", "accounts.export", "acct-1"},  // 4: not under account
		{"agent-2", "ticket.view", "T-100"},       // 5
		{"agent-1", "account", "acct-1"},          // 6
		{"agent-3", "account.view", "acct-1"},     // 7
		{"agent-1", "ticket.assign", "T-100"},     // 8
	}
	write(t, s, func(tx store.Tx) error {
		for i, r := range rows {
			// One hour apart, in another zone: filters compare instants.
			e := audit.Record(access.Actor{ID: r.actor, Role: access.RoleAgent}, t0.Add(time.Duration(i)*time.Hour).In(est),
				r.action, "account", r.target, "")
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	hour := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }
	tests := []struct {
		name string
		f    store.AuditFilter
		want []int64
	}{
		{"all, newest first", store.AuditFilter{}, []int64{8, 7, 6, 5, 4, 3, 2, 1}},
		{"actor", store.AuditFilter{ActorID: "agent-1"}, []int64{8, 6, 4, 3, 1}},
		{"target", store.AuditFilter{TargetID: "acct-1"}, []int64{7, 6, 4, 1}},
		{"ticket ref", store.AuditFilter{TargetID: "T-100"}, []int64{8, 5}},
		{"exact action", store.AuditFilter{Action: "account.view"}, []int64{7, 1}},
		{"action family", store.AuditFilter{Action: "account"}, []int64{7, 6, 3, 2, 1}},
		{"action family with a dot", store.AuditFilter{Action: "account."}, []int64{7, 6, 3, 2, 1}},
		{"unknown action", store.AuditFilter{Action: "acc"}, nil},
		{"from", store.AuditFilter{From: hour(5)}, []int64{8, 7, 6}},
		{"to is exclusive", store.AuditFilter{To: hour(2)}, []int64{2, 1}},
		{"range", store.AuditFilter{From: hour(2).In(est), To: hour(4).Add(time.Millisecond)}, []int64{5, 4, 3}},
		{"limit", store.AuditFilter{Limit: 3}, []int64{8, 7, 6}},
		{"next page", store.AuditFilter{Before: 6, Limit: 3}, []int64{5, 4, 3}},
		{"last page", store.AuditFilter{Before: 3, Limit: 3}, []int64{2, 1}},
		{"all filters", store.AuditFilter{ActorID: "agent-1", TargetID: "acct-1", Action: "account", From: hour(1),
			To: hour(7), Before: 7, Limit: 10}, []int64{6}},
		{"no match", store.AuditFilter{ActorID: "agent-9"}, nil},
	}
	read(t, s, func(r store.Reader) error {
		for _, tc := range tests {
			got, err := r.AuditQuery(ctx, tc.f)
			if err != nil {
				return fmt.Errorf("%s: %w", tc.name, err)
			}
			var seqs []int64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
			}
			if !slices.Equal(seqs, tc.want) {
				t.Errorf("%s: AuditQuery = %v, want %v", tc.name, seqs, tc.want)
			}
		}
		// Entries come back whole.
		got, err := r.AuditQuery(ctx, store.AuditFilter{Before: 2})
		if err != nil {
			return err
		}
		want, err := r.AuditEntry(ctx, 1)
		same(t, "AuditQuery entry", got, []audit.Entry{want})
		return err
	})
}

// emptyAudit checks the audit reads of an empty log.
func emptyAudit(ctx context.Context, t *testing.T, r store.Reader) {
	t.Helper()
	if seq, hash, err := r.AuditHead(ctx); seq != 0 || len(hash) != 0 || err != nil {
		t.Errorf("AuditHead of an empty log = %d, %x, %v", seq, hash, err)
	}
	if h, err := r.SignedAuditHead(ctx); h.Seq != 0 || len(h.Hash) != 0 || len(h.Sig) != 0 || err != nil {
		t.Errorf("SignedAuditHead of an empty log = %+v, %v", h, err)
	}
	_, err := r.AuditEntry(ctx, 1)
	wantCode(t, "AuditEntry of an empty log", err, fault.CodeNotFound)
	if es, err := r.AuditQuery(ctx, store.AuditFilter{}); len(es) != 0 || err != nil {
		t.Errorf("AuditQuery of an empty log = %d entries, %v", len(es), err)
	}
}
