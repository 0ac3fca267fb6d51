// Package auditlog keys the audit log, so that whoever can write the
// database file but does not hold the key file cannot rewrite it unnoticed.
//
// The entry hash stays the unkeyed SHA-256 chain of package audit, which an
// export's receiver can recompute. On top of it, Wrap gives each entry a MAC
// (HMAC-SHA-256 of its hash under a sub-key of the key file) and signs the
// head (Ed25519 over its seq and hash) at each commit. Verify then names:
//   - an entry edited and re-chained: its MAC no longer matches;
//   - a deleted tail whose head row was rewritten: the head's signature;
//   - a deleted tail under an older, genuinely signed head the intruder
//     saved: only a head exported earlier (Export, ReadHead) shows it, so
//     export heads regularly and keep them elsewhere.
//
// Entries from before the keyed log (schema 3) have no MAC and are never
// MACed afterwards: verify accepts them, and counts them, only before the
// first keyed entry, whose MAC covers them through the chain. An intruder
// can strip every MAC and the head's signature to make a keyed log look
// like an old unkeyed one; Report.Unkeyed shows it, and an exported head
// catches any change it hides.
package auditlog

import (
	"context"
	"crypto/ed25519"
	"errors"
	"hash"
	"sync"

	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// errNoAuditWriter is a backend whose transactions cannot store sealed
// rows: it cannot carry a keyed log.
var errNoAuditWriter = errors.New("auditlog: the store's transactions do not implement store.AuditWriter")

// Wrap returns st with a keyed audit log: in its write transactions,
// AppendAudit seals each entry on the chain and MACs it, and the commit
// stores the new head signed. The head is read and checked once, and
// signed and written once, per transaction, however many entries it
// appends. A transaction refuses to append after a stored head whose
// signature does not verify, or an unsigned head over a keyed entry: it
// would sign over the damage and hide it.
func Wrap(st store.Store, keys *secret.Keyring) store.Store {
	return &keyedStore{Store: st, keys: keys, pub: keys.AuditPublicKey()}
}

type keyedStore struct {
	store.Store
	keys *secret.Keyring
	pub  ed25519.PublicKey

	// trusted is the last head this process signed or checked: finding it
	// stored again needs no second signature check (about 50 µs).
	mu      sync.Mutex
	trusted audit.Head
}

// Unwrap returns the wrapped backend, for what it offers beyond the store
// contract (maintenance: checkpoints, integrity checks). Writing through it
// bypasses the keyed log, and its AppendAudit refuses a keyed one.
func (s *keyedStore) Unwrap() store.Store { return s.Store }

// Write runs fn in a write transaction of the wrapped store whose
// AppendAudit is keyed.
func (s *keyedStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	wait, err := s.WriteAsync(ctx, fn)
	if err != nil {
		return err
	}
	return wait()
}

// WriteAsync is Write through the wrapped store's WriteAsync
// (store.Pipeliner): the head is trusted once committed, as the next
// transaction reads it whether or not the disk has synced.
func (s *keyedStore) WriteAsync(ctx context.Context, fn func(store.Tx) error) (func() error, error) {
	var kt *keyedTx
	wait, err := store.WriteAsync(ctx, s.Store, func(tx store.Tx) error {
		raw, ok := tx.(store.AuditWriter)
		if !ok {
			return fault.Storage(errNoAuditWriter)
		}
		kt = &keyedTx{Tx: tx, raw: raw, s: s}
		if err := fn(kt); err != nil {
			return err
		}
		return kt.commitHead(ctx)
	})
	if err != nil {
		return nil, err
	}
	if kt != nil && kt.dirty {
		s.trust(kt.head)
	}
	return wait, nil
}

func (s *keyedStore) trust(h audit.Head) {
	s.mu.Lock()
	s.trusted = h
	s.mu.Unlock()
}

func (s *keyedStore) isTrusted(h audit.Head) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sameHead(s.trusted, h) && len(h.Sig) > 0
}

// keyedTx is a write transaction whose AppendAudit seals with the key.
type keyedTx struct {
	store.Tx
	raw    store.AuditWriter
	s      *keyedStore
	loaded bool
	dirty  bool
	head   audit.Head // as stored until an append; then signed at commit
	mac    hash.Hash
}

// AppendAudit seals e after the head (chain hash and MAC) and stores it.
func (t *keyedTx) AppendAudit(ctx context.Context, e *audit.Entry) error {
	return t.AppendAudits(ctx, []*audit.Entry{e})
}

// AppendAudits seals es after the head, in order, and stores them.
func (t *keyedTx) AppendAudits(ctx context.Context, es []*audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	if err := t.load(ctx); err != nil {
		return err
	}
	if t.mac == nil {
		t.mac = t.s.keys.NewAuditMAC()
	}
	h := t.head
	sealed := make([]audit.Entry, len(es))
	for i, e := range es {
		e.Seal(h.Seq, h.Hash)
		t.mac.Reset()
		t.mac.Write(e.Hash)
		e.MAC = t.mac.Sum(nil)
		h = audit.Head{Seq: e.Seq, Hash: e.Hash}
		sealed[i] = *e
	}
	if err := t.raw.InsertAudits(ctx, sealed); err != nil {
		return err
	}
	t.head, t.dirty = h, true
	return nil
}

// AuditHead sees the entries appended in this transaction.
func (t *keyedTx) AuditHead(ctx context.Context) (int64, []byte, error) {
	if !t.loaded {
		return t.Tx.AuditHead(ctx)
	}
	return t.head.Seq, t.head.Hash, nil
}

// SignedAuditHead sees the entries appended in this transaction, signed
// as the commit will store them.
func (t *keyedTx) SignedAuditHead(ctx context.Context) (audit.Head, error) {
	if !t.loaded {
		return t.Tx.SignedAuditHead(ctx)
	}
	h := t.head
	if t.dirty {
		h.Sig = t.s.keys.SignAudit(h.Message())
	}
	return h, nil
}

// load reads and checks the stored head, once per transaction.
func (t *keyedTx) load(ctx context.Context) error {
	if t.loaded {
		return nil
	}
	h, err := t.Tx.SignedAuditHead(ctx)
	if err != nil {
		return err
	}
	if err := t.check(ctx, h); err != nil {
		return err
	}
	t.loaded, t.head = true, h
	return nil
}

// check refuses to build on a head that is not what a keyed writer left.
func (t *keyedTx) check(ctx context.Context, h audit.Head) error {
	switch {
	case len(h.Sig) > 0:
		if t.s.isTrusted(h) || ed25519.Verify(t.s.pub, h.Message(), h.Sig) {
			t.s.trust(h)
			return nil
		}
		return refuse(h.Seq, audit.ReasonHeadSignature)
	case h.Seq == 0:
		return nil // an empty log; a head row deleted under entries fails at the first insert (seq 1 is taken)
	}
	// An unsigned head: a log from before the keyed one, which the first
	// keyed commit adopts, unless its last entry says the log is keyed.
	last, err := t.Tx.AuditEntry(ctx, h.Seq)
	switch {
	case fault.CodeOf(err) == fault.CodeNotFound:
		return refuse(h.Seq, audit.ReasonTailMissing)
	case err != nil:
		return err
	case len(last.MAC) > 0:
		return refuse(h.Seq, audit.ReasonHeadSignature)
	case !sameHash(last.Hash, h.Hash):
		return refuse(h.Seq, audit.ReasonEdited)
	}
	return nil
}

// refuse is the error of a write refused on a damaged log: a storage
// fault for the UI, with the break inside for errors.As.
func refuse(seq int64, reason string) error {
	return fault.Storage(&audit.Break{Seq: seq, Reason: reason})
}

// commitHead signs and stores the head if entries were appended.
func (t *keyedTx) commitHead(ctx context.Context) error {
	if !t.dirty {
		return nil
	}
	t.head.Sig = t.s.keys.SignAudit(t.head.Message())
	return t.raw.PutAuditHead(ctx, t.head)
}

func sameHead(a, b audit.Head) bool {
	return a.Seq == b.Seq && sameHash(a.Hash, b.Hash) && sameHash(a.Sig, b.Sig)
}

// sameHash compares public values (hashes, signatures): no constant time
// needed.
func sameHash(a, b []byte) bool { return string(a) == string(b) }
