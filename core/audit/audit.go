// Package audit builds the hash-chained audit log. Each entry's hash is
// SHA-256 over the previous entry's hash and a canonical, length-prefixed
// encoding of the entry, so an edited, deleted or reordered row breaks the
// chain at a place Verify can name. The chain alone is unkeyed: anyone can
// recompute it. core/auditlog adds what a writer of the database cannot
// forge (a MAC per entry, a signed head); this package holds only the
// key-free parts, so that an export's receiver can recompute hashes.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"supportdesk/core/access"
)

// The reasons a Break gives. The UI localizes each as
// "audit_break.<reason>".
const (
	ReasonEdited         = "edited"          // the entry's content, hash or MAC does not match
	ReasonMissingBefore  = "missing_before"  // an entry before it was deleted
	ReasonReordered      = "reordered"       // it does not follow the previous entry
	ReasonTailMissing    = "tail_missing"    // the head names an entry that is gone
	ReasonHeadSignature  = "head_signature"  // the head's signature is missing or wrong
	ReasonExportMismatch = "export_mismatch" // the log no longer holds the entry an exported head names
)

// Entry is one audit record. Detail never holds secrets or unmasked PII.
type Entry struct {
	Seq        int64
	At         time.Time
	ActorID    string
	ActorRole  string
	Session    string
	Action     string
	TargetType string
	TargetID   string
	Detail     string
	PrevHash   []byte
	Hash       []byte
	// MAC is HMAC-SHA-256 of Hash under the key file's audit sub-key, set by
	// core/auditlog. Entries written before the log was keyed have none.
	MAC []byte
}

// Sum computes the entry's hash from its fields and PrevHash.
func (e *Entry) Sum() []byte {
	sum := sha256.Sum256(e.encode(nil))
	return sum[:]
}

// encode appends the canonical encoding that Sum hashes: PrevHash, Seq and
// At in milliseconds as 8-byte big-endian numbers, then each text field
// prefixed with its 4-byte length, so field boundaries cannot shift. It
// must never change: stored hashes and exports depend on it.
func (e *Entry) encode(buf []byte) []byte {
	buf = append(buf, e.PrevHash...)
	buf = binary.BigEndian.AppendUint64(buf, uint64(e.Seq))
	buf = binary.BigEndian.AppendUint64(buf, uint64(e.At.UnixMilli()))
	for _, f := range [...]string{e.ActorID, e.ActorRole, e.Session, e.Action, e.TargetType, e.TargetID, e.Detail} {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(f)))
		buf = append(buf, f...)
	}
	return buf
}

// Head is the chain's end as stored with each commit: the last entry's Seq
// and Hash, and an Ed25519 signature over them (Message) by the key file's
// audit signing key. A head stored before the log was keyed has no Sig.
type Head struct {
	Seq  int64
	Hash []byte
	Sig  []byte
}

// headDomain keeps a head signature from meaning anything else signed with
// the same key.
const headDomain = "supportdesk audit head v1\x00"

// Message is what Sig signs: a domain label, Seq and Hash.
func (h Head) Message() []byte {
	m := binary.BigEndian.AppendUint64([]byte(headDomain), uint64(h.Seq))
	return append(m, h.Hash...)
}

// Seal sets Seq, PrevHash and Hash so that e follows the head (seq, hash).
func (e *Entry) Seal(headSeq int64, headHash []byte) {
	e.Seq = headSeq + 1
	e.PrevHash = append([]byte(nil), headHash...)
	e.At = e.At.Truncate(time.Millisecond)
	e.Hash = e.Sum()
}

// Break describes the first entry where the chain fails.
type Break struct {
	Seq    int64  // the entry that fails (for a missing tail, the stored head)
	Reason string // one of the Reason constants
}

// Error names the entry and the reason.
func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d (%s)", b.Seq, b.Reason)
}

// Verifier checks entries one at a time, in stored order.
type Verifier struct {
	count    int64
	lastSeq  int64
	lastHash []byte
	broken   *Break
	buf      []byte // re-used for each entry's encoding: a log has millions
}

// VerifierAfter returns a verifier that starts after an entry it does not
// see, given that entry's seq and hash: the start of a partial export,
// whose first entry links to an entry left out.
func VerifierAfter(seq int64, hash []byte) *Verifier {
	return &Verifier{lastSeq: seq, lastHash: hash}
}

// Add checks the next entry. It returns the first break found, then keeps
// returning it.
func (v *Verifier) Add(e Entry) *Break {
	if v.broken != nil {
		return v.broken
	}
	switch {
	case e.Seq <= v.lastSeq:
		v.broken = &Break{Seq: e.Seq, Reason: ReasonReordered}
	case e.Seq != v.lastSeq+1:
		v.broken = &Break{Seq: e.Seq, Reason: ReasonMissingBefore}
	case !bytes.Equal(e.PrevHash, v.lastHash):
		// The row before was edited (its hash column) or rows were swapped.
		v.broken = &Break{Seq: e.Seq, Reason: ReasonReordered}
	case !v.sumMatches(&e):
		v.broken = &Break{Seq: e.Seq, Reason: ReasonEdited}
	}
	if v.broken != nil {
		return v.broken
	}
	v.count++
	v.lastSeq = e.Seq
	v.lastHash = e.Hash
	return nil
}

func (v *Verifier) sumMatches(e *Entry) bool {
	v.buf = e.encode(v.buf[:0])
	sum := sha256.Sum256(v.buf)
	return bytes.Equal(sum[:], e.Hash)
}

// Finish checks the chain's end against the head the store recorded with
// the last write, which catches a deleted tail.
func (v *Verifier) Finish(headSeq int64, headHash []byte) *Break {
	if v.broken != nil {
		return v.broken
	}
	if headSeq != v.lastSeq || !bytes.Equal(headHash, v.lastHash) {
		v.broken = &Break{Seq: headSeq, Reason: ReasonTailMissing}
		if headSeq == v.lastSeq {
			v.broken.Reason = ReasonEdited
		}
	}
	return v.broken
}

// Count is the number of entries verified so far.
func (v *Verifier) Count() int64 { return v.count }

// Last is the last entry verified (0, nil before the first).
func (v *Verifier) Last() (seq int64, hash []byte) { return v.lastSeq, v.lastHash }

// Record builds an unsealed entry for the store to append.
func Record(actor access.Actor, at time.Time, action, targetType, targetID, detail string) *Entry {
	return &Entry{At: at, ActorID: actor.ID, ActorRole: string(actor.Role), Session: actor.Session,
		Action: action, TargetType: targetType, TargetID: targetID, Detail: detail}
}
