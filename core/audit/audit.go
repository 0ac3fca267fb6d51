// Package audit builds the hash-chained audit log. Each entry's hash is
// SHA-256 over the previous entry's hash and a canonical, length-prefixed
// encoding of the entry, so an edited, deleted or reordered row breaks the
// chain at a place Verify can name.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"supportdesk/core/access"
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
}

// Sum computes the entry's hash from its fields and PrevHash.
func (e *Entry) Sum() []byte {
	h := sha256.New()
	h.Write(e.PrevHash)
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(e.Seq))
	h.Write(buf[:])
	binary.BigEndian.PutUint64(buf[:], uint64(e.At.UnixMilli()))
	h.Write(buf[:])
	for _, f := range []string{e.ActorID, e.ActorRole, e.Session, e.Action, e.TargetType, e.TargetID, e.Detail} {
		binary.BigEndian.PutUint32(buf[:4], uint32(len(f)))
		h.Write(buf[:4])
		h.Write([]byte(f))
	}
	return h.Sum(nil)
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
	Reason string // "edited", "missing_before", "reordered", "tail_missing"
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
}

// Add checks the next entry. It returns the first break found, then keeps
// returning it.
func (v *Verifier) Add(e Entry) *Break {
	if v.broken != nil {
		return v.broken
	}
	switch {
	case e.Seq <= v.lastSeq:
		v.broken = &Break{Seq: e.Seq, Reason: "reordered"}
	case e.Seq != v.lastSeq+1:
		v.broken = &Break{Seq: e.Seq, Reason: "missing_before"}
	case !bytes.Equal(e.PrevHash, v.lastHash):
		// The row before was edited (its hash column) or rows were swapped.
		v.broken = &Break{Seq: e.Seq, Reason: "reordered"}
	case !bytes.Equal(e.Sum(), e.Hash):
		v.broken = &Break{Seq: e.Seq, Reason: "edited"}
	}
	if v.broken != nil {
		return v.broken
	}
	v.count++
	v.lastSeq = e.Seq
	v.lastHash = e.Hash
	return nil
}

// Finish checks the chain's end against the head the store recorded with
// the last write, which catches a deleted tail.
func (v *Verifier) Finish(headSeq int64, headHash []byte) *Break {
	if v.broken != nil {
		return v.broken
	}
	if headSeq != v.lastSeq || !bytes.Equal(headHash, v.lastHash) {
		v.broken = &Break{Seq: headSeq, Reason: "tail_missing"}
		if headSeq == v.lastSeq {
			v.broken.Reason = "edited"
		}
	}
	return v.broken
}

// Count is the number of entries verified so far.
func (v *Verifier) Count() int64 { return v.count }

// Record builds an unsealed entry for the store to append.
func Record(actor access.Actor, at time.Time, action, targetType, targetID, detail string) *Entry {
	return &Entry{At: at, ActorID: actor.ID, ActorRole: string(actor.Role), Session: actor.Session,
		Action: action, TargetType: targetType, TargetID: targetID, Detail: detail}
}
