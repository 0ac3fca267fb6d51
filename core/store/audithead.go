package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"

	"supportdesk/core/audit"
	"supportdesk/core/fault"
)

// AuditHeadMeta is the meta row in which a backend records the chain's
// head with each write, so a deleted tail is noticed. Both backends store
// it alike (EncodeAuditHead), so a copied desk's head reads the same.
const AuditHeadMeta = "audit_head"

var (
	errCorruptHead = errors.New("audit head row is corrupt")
	// ErrKeyedLog refuses an unkeyed append once core/auditlog has signed
	// the head: the entry would have no MAC and the head no signature, and
	// verify would report the log as tampered with.
	ErrKeyedLog = errors.New("the audit log is keyed: append through core/auditlog")
)

// EncodeAuditHead is a head as stored: the seq (8 bytes, big-endian), the
// hash (32 bytes) and, once the log is keyed, the head's signature.
func EncodeAuditHead(h audit.Head) []byte {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(h.Hash)+len(h.Sig)), uint64(h.Seq))
	return append(append(v, h.Hash...), h.Sig...)
}

// DecodeAuditHead reads a stored head. Heads written before the keyed log
// (SQLite schema 3) are 40 bytes: they read, without a signature.
func DecodeAuditHead(v []byte) (audit.Head, error) {
	if len(v) < 8 {
		return audit.Head{}, fault.Storage(errCorruptHead)
	}
	h := audit.Head{Seq: int64(binary.BigEndian.Uint64(v[:8]))}
	rest := v[8:]
	switch {
	case h.Seq == 0 && len(rest) == 0:
		return h, nil
	case len(rest) < sha256.Size:
		return audit.Head{}, fault.Storage(errCorruptHead)
	}
	h.Hash = rest[:sha256.Size]
	if len(rest) > sha256.Size {
		h.Sig = rest[sha256.Size:]
	}
	return h, nil
}

// HeadCache is a write transaction's audit head, as both backends keep
// it: read once (a seeding batch appends thousands of entries), moved by
// each unkeyed append, and written once at commit. core/auditlog, which
// keys the log, writes its signed head itself (Stored).
type HeadCache struct {
	loaded, dirty bool
	head          audit.Head
}

// Head returns the head, reading it with read on first use: a backend
// may make read take a lock first.
func (c *HeadCache) Head(ctx context.Context, read func(context.Context) (audit.Head, error)) (audit.Head, error) {
	if !c.loaded {
		h, err := read(ctx)
		if err != nil {
			return audit.Head{}, err
		}
		c.loaded, c.head = true, h
	}
	return c.head, nil
}

// Loaded reports whether the head was read or stored in this transaction.
func (c *HeadCache) Loaded() bool { return c.loaded }

// Append seals es on the unkeyed chain after the head, in order, and
// stores them with insert. It refuses a keyed log (a signed head) rather
// than break it.
func (c *HeadCache) Append(ctx context.Context, es []*audit.Entry, read func(context.Context) (audit.Head, error),
	insert func(context.Context, []audit.Entry) error) error {
	if len(es) == 0 {
		return nil
	}
	h, err := c.Head(ctx, read)
	if err != nil {
		return err
	}
	if len(h.Sig) > 0 {
		return fault.Storage(ErrKeyedLog)
	}
	sealed := make([]audit.Entry, len(es))
	for i, e := range es {
		e.Seal(h.Seq, h.Hash)
		h = audit.Head{Seq: e.Seq, Hash: e.Hash}
		sealed[i] = *e
	}
	if err := insert(ctx, sealed); err != nil {
		return err
	}
	c.head, c.dirty = h, true
	return nil
}

// Stored records that h was just written: the cache follows it, and no
// unkeyed head is written over it at commit.
func (c *HeadCache) Stored(h audit.Head) {
	c.loaded, c.head, c.dirty = true, h, false
}

// Flush writes the head with put, at commit, if an append moved it.
func (c *HeadCache) Flush(ctx context.Context, put func(context.Context, audit.Head) error) error {
	if !c.dirty {
		return nil
	}
	return put(ctx, c.head)
}

// StoredAuditHead reads the head as a backend stores it, in meta, through
// the backend's Meta: none stored yet is the empty head.
func StoredAuditHead(ctx context.Context, meta func(context.Context, string) ([]byte, error)) (audit.Head, error) {
	v, err := meta(ctx, AuditHeadMeta)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return audit.Head{}, nil
	}
	if err != nil {
		return audit.Head{}, err
	}
	return DecodeAuditHead(v)
}
