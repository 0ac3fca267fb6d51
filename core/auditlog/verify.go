package auditlog

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"errors"
	"hash"

	"supportdesk/core/audit"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// ErrExportedHead is a head given to Verify whose signature does not
// verify with the key file's public key: a forged or mistyped file, or
// the head of another database. It says nothing about the log itself.
var ErrExportedHead = errors.New("auditlog: the exported head is not signed by this key file")

// Report is the outcome of Verify.
type Report struct {
	Count   int64        // entries that verified, in order, before any break
	Unkeyed int64        // of those, entries from before the keyed log (no MAC)
	Head    audit.Head   // the stored head
	Break   *audit.Break // the first failure; nil when the log holds
}

// Verify walks the whole log on one snapshot and checks the chain, every
// entry's MAC and the stored head's signature. With head, a head exported
// earlier (nil for none), it also checks that the log still holds the
// entry head names, with head's hash: that catches a deleted tail even
// under an older, genuinely signed head. The report names the first
// broken entry. A head that the key file did not sign is ErrExportedHead.
func Verify(ctx context.Context, st store.Store, keys *secret.Keyring, head *audit.Head) (Report, error) {
	pub := keys.AuditPublicKey()
	if head != nil && !ed25519.Verify(pub, head.Message(), head.Sig) {
		return Report{}, ErrExportedHead
	}
	var rep Report
	err := st.Read(ctx, func(r store.Reader) error {
		var err error
		rep, err = check(ctx, r, keys, pub, head, nil)
		return err
	})
	return rep, err
}

// errStopScan ends a scan at the first break.
var errStopScan = errors.New("auditlog: stop")

// check verifies the log r holds, calling emit (when not nil) with each
// entry that verified, in order.
func check(ctx context.Context, r store.Reader, keys *secret.Keyring, pub ed25519.PublicKey, exported *audit.Head,
	emit func(audit.Entry) error) (Report, error) {
	stored, err := r.SignedAuditHead(ctx)
	if err != nil {
		return Report{}, err
	}
	c := checker{mac: keys.NewAuditMAC(), exported: exported}
	if err := r.AuditScan(ctx, func(e audit.Entry) error {
		if c.add(e) != nil {
			return errStopScan
		}
		if emit != nil {
			return emit(e)
		}
		return nil
	}); err != nil && !errors.Is(err, errStopScan) {
		return Report{}, err
	}
	return Report{Count: c.count, Unkeyed: c.unkeyed, Head: stored, Break: c.finish(pub, stored)}, nil
}

// checker checks entries one at a time, in stored order.
type checker struct {
	chain    audit.Verifier
	mac      hash.Hash
	sum      []byte
	keyed    bool // a keyed entry was seen: every later one must be keyed
	count    int64
	unkeyed  int64
	exported *audit.Head
	seenExp  bool // the entry the exported head names was seen, and matched
	broken   *audit.Break
}

func (c *checker) add(e audit.Entry) *audit.Break {
	if c.broken != nil {
		return c.broken
	}
	if b := c.chain.Add(e); b != nil {
		c.broken = b
		return b
	}
	switch {
	case len(e.MAC) > 0:
		c.keyed = true
		c.mac.Reset()
		c.mac.Write(e.Hash)
		c.sum = c.mac.Sum(c.sum[:0])
		if !hmac.Equal(c.sum, e.MAC) {
			// The row, or the rows after it, were rewritten and re-chained
			// by someone without the key (or its MAC was).
			c.broken = &audit.Break{Seq: e.Seq, Reason: audit.ReasonEdited}
		}
	case c.keyed:
		// A MAC removed: only the legacy prefix may lack one.
		c.broken = &audit.Break{Seq: e.Seq, Reason: audit.ReasonEdited}
	default:
		c.unkeyed++
	}
	if c.broken == nil && c.exported != nil && e.Seq == c.exported.Seq {
		if !sameHash(e.Hash, c.exported.Hash) {
			// This entry or one before it was rewritten since the export;
			// the chain alone cannot tell which.
			c.broken = &audit.Break{Seq: e.Seq, Reason: audit.ReasonExportMismatch}
		}
		c.seenExp = true
	}
	if c.broken != nil {
		return c.broken
	}
	c.count++
	return nil
}

// finish checks the end of the log: the stored head's signature, the head
// against the last entry, and the exported head's entry.
func (c *checker) finish(pub ed25519.PublicKey, stored audit.Head) *audit.Break {
	if c.broken != nil {
		return c.broken
	}
	lastSeq, _ := c.chain.Last()
	// A signature is required once the log is keyed, and must verify
	// whenever present. An unkeyed log keeps its unsigned head.
	if (c.keyed || len(stored.Sig) > 0) && !ed25519.Verify(pub, stored.Message(), stored.Sig) {
		seq := stored.Seq
		if seq == 0 {
			seq = lastSeq // the head row itself is gone
		}
		c.broken = &audit.Break{Seq: seq, Reason: audit.ReasonHeadSignature}
		return c.broken
	}
	if b := c.chain.Finish(stored.Seq, stored.Hash); b != nil {
		c.broken = b
		return b
	}
	if c.exported != nil && !c.seenExp && c.exported.Seq > 0 {
		// The exported head is beyond the end: a tail was deleted and the
		// stored head set back.
		c.broken = &audit.Break{Seq: c.exported.Seq, Reason: audit.ReasonTailMissing}
	}
	return c.broken
}
