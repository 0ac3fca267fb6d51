package auditlog_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/store"
	"supportdesk/core/store/sqlite"
	"supportdesk/core/store/storetest"
	"supportdesk/data"
)

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func testKeys(t testing.TB, seed byte) *secret.Keyring {
	t.Helper()
	k, err := secret.New(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openDB(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// logStore is a keyed store over a fresh database, with the raw backend
// kept for tampering.
type logStore struct {
	raw  *sqlite.Store
	st   store.Store
	keys *secret.Keyring
	n    int // entries appended so far
}

func newLog(t testing.TB) *logStore {
	t.Helper()
	raw, keys := openDB(t), testKeys(t, 1)
	return &logStore{raw: raw, st: auditlog.Wrap(raw, keys), keys: keys}
}

// entry is the i-th test entry: different actors, targets and times, and
// never PII.
func entry(i int) *audit.Entry {
	actor := access.Actor{ID: fmt.Sprintf("agent-%d", i%7), Role: access.RoleAgent, Session: fmt.Sprintf("ssh-%d", i%3)}
	return audit.Record(actor, t0.Add(time.Duration(i)*time.Second), "account.view", "account",
		fmt.Sprintf("acct-%d", i%50), fmt.Sprintf("reason=call %d", i))
}

// add appends n entries in transactions of per entries each.
func (l *logStore) add(t testing.TB, n, per int) {
	t.Helper()
	ctx := context.Background()
	for done := 0; done < n; done += per {
		err := l.st.Write(ctx, func(tx store.Tx) error {
			for i := done; i < min(done+per, n); i++ {
				if err := tx.AppendAudit(ctx, entry(l.n+i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("append: %v", err)
		}
	}
	l.n += n
}

func (l *logStore) verify(t testing.TB, head *audit.Head) auditlog.Report {
	t.Helper()
	rep, err := auditlog.Verify(context.Background(), l.st, l.keys, head)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func (l *logStore) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := l.raw.Raw().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// storedHead is the head row's raw value, as an intruder would copy it.
func (l *logStore) storedHead(t testing.TB) []byte {
	t.Helper()
	var v []byte
	if err := l.raw.Raw().QueryRow(`SELECT value FROM meta WHERE key = 'audit_head'`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// rewriteHead sets the head row to entry seq as the unkeyed code computed
// it: seq and hash, and no signature unless sig is given.
func (l *logStore) rewriteHead(t testing.TB, seq int64, sig ...byte) {
	t.Helper()
	var hash []byte
	if err := l.raw.Raw().QueryRow(`SELECT hash FROM audit_log WHERE seq = ?`, seq).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	v := append(binary.BigEndian.AppendUint64(nil, uint64(seq)), hash...)
	l.exec(t, `UPDATE meta SET value = ? WHERE key = 'audit_head'`, append(v, sig...))
}

func (l *logStore) head(t testing.TB) audit.Head {
	t.Helper()
	var h audit.Head
	if err := l.st.Read(context.Background(), func(r store.Reader) error {
		var err error
		h, err = r.SignedAuditHead(context.Background())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

func wantBreak(t *testing.T, rep auditlog.Report, want *audit.Break) {
	t.Helper()
	if (rep.Break == nil) != (want == nil) || rep.Break != nil && *rep.Break != *want {
		t.Errorf("Verify break = %v, want %v", rep.Break, want)
	}
}

// The wrapped store is a store: the whole conformance suite passes through
// it, with keyed entries (Audit/Chain, Write/Rollback, Concurrent).
func TestWrappedStoreConformance(t *testing.T) {
	keys := testKeys(t, 1)
	storetest.RunWrapped(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "desk.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return auditlog.Wrap(s, keys)
	})
}

func TestUnwrap(t *testing.T) {
	t.Parallel()
	raw := openDB(t)
	w, ok := auditlog.Wrap(raw, testKeys(t, 1)).(interface{ Unwrap() store.Store })
	if !ok || w.Unwrap() != store.Store(raw) {
		t.Error("the wrapped store does not unwrap to its backend")
	}
}

func TestAppendSealsAndSigns(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	ctx := t.Context()
	var es []*audit.Entry
	err := l.st.Write(ctx, func(tx store.Tx) error {
		for i := range 3 {
			e := entry(i)
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
			es = append(es, e)
		}
		// Inside the transaction the head counts what was appended, signed
		// as the commit will store it.
		seq, hash, err := tx.AuditHead(ctx)
		if seq != 3 || !bytes.Equal(hash, es[2].Hash) || err != nil {
			t.Errorf("AuditHead in the transaction = %d, %x, %v", seq, hash, err)
		}
		h, err := tx.SignedAuditHead(ctx)
		if h.Seq != 3 || !ed25519.Verify(l.keys.AuditPublicKey(), h.Message(), h.Sig) || err != nil {
			t.Errorf("SignedAuditHead in the transaction = %+v, %v", h, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range es {
		if e.Seq != int64(i+1) || !bytes.Equal(e.Hash, e.Sum()) || !bytes.Equal(e.MAC, l.keys.AuditMAC(e.Hash)) {
			t.Errorf("entry %d: seq %d, hash ok %v, MAC ok %v", i, e.Seq, bytes.Equal(e.Hash, e.Sum()),
				bytes.Equal(e.MAC, l.keys.AuditMAC(e.Hash)))
		}
	}
	h := l.head(t)
	if h.Seq != 3 || !bytes.Equal(h.Hash, es[2].Hash) || !ed25519.Verify(l.keys.AuditPublicKey(), h.Message(), h.Sig) {
		t.Errorf("stored head = %+v; want seq 3, the last hash, a valid signature", h)
	}
	// A transaction that appends nothing leaves the head alone; the head
	// it reads is the stored one, signature included.
	if err := l.st.Write(ctx, func(tx store.Tx) error {
		if seq, _, err := tx.AuditHead(ctx); seq != 3 || err != nil {
			t.Errorf("AuditHead in a later transaction = %d, %v", seq, err)
		}
		if got, err := tx.SignedAuditHead(ctx); !bytes.Equal(got.Sig, h.Sig) || err != nil {
			t.Errorf("SignedAuditHead in a later transaction = %+v, %v; want %+v", got, err, h)
		}
		return tx.PutMeta(ctx, "k", []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
	if got := l.head(t); !bytes.Equal(got.Sig, h.Sig) || got.Seq != 3 {
		t.Errorf("head after a write without entries = %+v, want %+v", got, h)
	}
}

// counting counts the head and row calls the keyed store makes on the
// backend.
type counting struct {
	store.Store
	headReads, headWrites, inserts int
}

func (c *counting) Write(ctx context.Context, fn func(store.Tx) error) error {
	return c.Store.Write(ctx, func(tx store.Tx) error {
		return fn(&countingTx{Tx: tx, w: tx.(store.AuditWriter), c: c})
	})
}

type countingTx struct {
	store.Tx
	w store.AuditWriter
	c *counting
}

func (t *countingTx) SignedAuditHead(ctx context.Context) (audit.Head, error) {
	t.c.headReads++
	return t.Tx.SignedAuditHead(ctx)
}

func (t *countingTx) InsertAudit(ctx context.Context, e audit.Entry) error {
	t.c.inserts++
	return t.w.InsertAudit(ctx, e)
}

func (t *countingTx) InsertAudits(ctx context.Context, es []audit.Entry) error {
	t.c.inserts += len(es)
	return t.w.InsertAudits(ctx, es)
}

func (t *countingTx) PutAuditHead(ctx context.Context, h audit.Head) error {
	t.c.headWrites++
	return t.w.PutAuditHead(ctx, h)
}

// A seeding batch appends thousands of entries in one transaction: the
// head is read once and signed and written once.
func TestOneHeadReadAndWritePerTransaction(t *testing.T) {
	t.Parallel()
	c := &counting{Store: openDB(t)}
	l := &logStore{st: auditlog.Wrap(c, testKeys(t, 1)), keys: testKeys(t, 1)}
	l.add(t, 2000, 2000)
	l.add(t, 10, 5)
	if c.headReads != 3 || c.headWrites != 3 || c.inserts != 2010 {
		t.Errorf("3 transactions, 2010 entries: %d head reads, %d head writes, %d inserts", c.headReads, c.headWrites, c.inserts)
	}
	if rep := l.verify(t, nil); rep.Break != nil || rep.Count != 2010 {
		t.Errorf("Verify = %+v", rep)
	}
}

func TestWrapNeedsAnAuditWriter(t *testing.T) {
	t.Parallel()
	// A store whose transactions hide the raw methods cannot carry the log.
	hiding := &hidingStore{openDB(t)}
	err := auditlog.Wrap(hiding, testKeys(t, 1)).Write(t.Context(), func(tx store.Tx) error {
		return tx.AppendAudit(t.Context(), entry(0))
	})
	if fault.CodeOf(err) != fault.CodeStorage {
		t.Errorf("Write over a store without AuditWriter = %v, want a storage fault", err)
	}
}

type hidingStore struct{ store.Store }

func (h *hidingStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	return h.Store.Write(ctx, func(tx store.Tx) error { return fn(struct{ store.Tx }{tx}) })
}

// Once the log is keyed, the backend's unkeyed append refuses: an
// unwrapped writer cannot slip entries without a MAC into it.
func TestUnkeyedAppendRefusedOnceKeyed(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 3, 3)
	err := l.raw.Write(t.Context(), func(tx store.Tx) error { return tx.AppendAudit(t.Context(), entry(9)) })
	if err == nil {
		t.Fatal("unkeyed append to a keyed log succeeded")
	}
	if rep := l.verify(t, nil); rep.Break != nil || rep.Count != 3 {
		t.Errorf("Verify after a refused append = %+v", rep)
	}
}

// A log from before the keyed one (schema 2: no MAC column, a 40-byte
// head) migrates, verifies as unkeyed, and the first keyed commit carries
// it on; MACs are never added to the old rows.
func TestMigratedLegacyLog(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v2.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"migrations/0001_init.sql", "migrations/0002_tickets.sql"} {
		q, err := data.Migrations.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(q)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// Twenty entries as the unkeyed code of schema 2 wrote them.
	var seq int64
	var hash []byte
	for i := range 20 {
		e := entry(i)
		e.Seal(seq, hash)
		if _, err := db.Exec(`INSERT INTO audit_log (seq, at, actor_id, actor_role, session, action, target_type, target_id, detail, prev_hash, hash)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, e.Seq, e.At.UnixMilli(), e.ActorID, e.ActorRole, e.Session, e.Action,
			e.TargetType, e.TargetID, e.Detail, append([]byte{}, e.PrevHash...), e.Hash); err != nil {
			t.Fatal(err)
		}
		seq, hash = e.Seq, e.Hash
	}
	if _, err := db.Exec(`INSERT INTO meta (key, value) VALUES ('audit_head', ?)`,
		append(binary.BigEndian.AppendUint64(nil, uint64(seq)), hash...)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	raw, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	l := &logStore{raw: raw, st: auditlog.Wrap(raw, testKeys(t, 1)), keys: testKeys(t, 1), n: 20}
	rep := l.verify(t, nil)
	if rep.Break != nil || rep.Count != 20 || rep.Unkeyed != 20 || len(rep.Head.Sig) != 0 {
		t.Errorf("Verify of the migrated log = %+v; want 20 unkeyed entries, an unsigned head", rep)
	}
	l.add(t, 5, 5)
	rep = l.verify(t, nil)
	if rep.Break != nil || rep.Count != 25 || rep.Unkeyed != 20 || len(rep.Head.Sig) == 0 {
		t.Errorf("Verify after a keyed commit = %+v; want 25 entries, 20 unkeyed, a signed head", rep)
	}
	var macs int
	if err := raw.Raw().QueryRow(`SELECT count(*) FROM audit_log WHERE length(mac) > 0`).Scan(&macs); err != nil || macs != 5 {
		t.Errorf("%d keyed rows, %v; want 5 (old rows are never MACed after the fact)", macs, err)
	}

	// The first keyed entry's MAC covers the old rows through the chain:
	// an old row edited and everything re-chained breaks there.
	rechain(t, l, 7, func(e *audit.Entry) { e.Detail = "nothing to see" })
	l.rewriteHead(t, 25)
	wantBreak(t, l.verify(t, nil), &audit.Break{Seq: 21, Reason: audit.ReasonEdited})
}

// An unsigned head over keyed entries is refused by the next write, which
// would otherwise sign over a truncation.
func TestWriteRefusedOnTamperedHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper func(t *testing.T, l *logStore)
		reason string
	}{
		{"unsigned head", func(t *testing.T, l *logStore) {
			l.exec(t, `DELETE FROM audit_log WHERE seq > 20`)
			l.rewriteHead(t, 20)
		}, audit.ReasonHeadSignature},
		{"signature of another head", func(t *testing.T, l *logStore) {
			sig := l.storedHead(t)[40:]
			l.exec(t, `DELETE FROM audit_log WHERE seq > 20`)
			l.rewriteHead(t, 20, sig...)
		}, audit.ReasonHeadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := newLog(t)
			l.add(t, 30, 10)
			tc.tamper(t, l)
			err := l.st.Write(t.Context(), func(tx store.Tx) error { return tx.AppendAudit(t.Context(), entry(99)) })
			var b *audit.Break
			if !errors.As(err, &b) || b.Reason != tc.reason || fault.CodeOf(err) != fault.CodeStorage {
				t.Fatalf("append after tampering = %v; want a storage fault with a %s break", err, tc.reason)
			}
			if rep := l.verify(t, nil); rep.Break == nil || rep.Break.Reason != tc.reason {
				t.Errorf("Verify after the refused write = %+v", rep)
			}
		})
	}
}
