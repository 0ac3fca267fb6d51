package store

import (
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
