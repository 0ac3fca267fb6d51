package helpdesk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// keyPrefix starts the meta key of every Idempotency-Key record.
const keyPrefix = "intake_key:"

// KeyLifetime is how long an Idempotency-Key stays bound to its
// submission; an older key starts a new one.
const KeyLifetime = 24 * time.Hour

// ErrKeyReused refuses a submission whose Idempotency-Key is bound to
// another submission: storing it would lose one message or the other.
var ErrKeyReused = &fault.Error{Code: fault.CodeConflict, Field: "idempotency_body"}

// keyRecord is what an Idempotency-Key is bound to, kept in the store's
// meta rows under the key's fingerprint: the submission's keyed hash and
// the first answer (reference and due), so a replay answers the same.
type keyRecord struct {
	Hash     []byte    `json:"hash"`
	TicketID int64     `json:"ticket"`
	Ref      string    `json:"ref"`
	Due      time.Time `json:"due"`
	At       time.Time `json:"at"`
}

// canonical is the submission as validated, each field length-prefixed so
// no two submissions share it; its SHA-256 is what a key is bound to.
func canonical(v ticket.Valid) string {
	var b strings.Builder
	for _, f := range []string{string(v.Channel), v.Email, v.Name, v.Language, string(v.Category), v.Agency, v.Subject, v.Body} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func (in *Intake) keyMeta(key string) string {
	return keyPrefix + hex.EncodeToString(in.keys.Fingerprint("idempotency_key", key))
}

// keyRecord reads the live record of key at now: ok is false when there is
// none or it is older than KeyLifetime.
func (in *Intake) keyRecord(ctx context.Context, tx store.Tx, key string, now time.Time) (result, bool, error) {
	raw, err := tx.Meta(ctx, in.keyMeta(key))
	if fault.CodeOf(err) == fault.CodeNotFound {
		// A ticket from before keys had records: its body is unknown, so a
		// retry within the lifetime replays it as it did then.
		prev, err := tx.TicketByIdempotencyKey(ctx, key)
		if fault.CodeOf(err) == fault.CodeNotFound || err == nil && !now.Before(prev.CreatedAt.Add(KeyLifetime)) {
			return result{}, false, nil
		}
		return result{t: prev}, err == nil, err
	}
	if err != nil {
		return result{}, false, err
	}
	var rec keyRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return result{}, false, fault.Storage(err)
	}
	if !now.Before(rec.At.Add(KeyLifetime)) {
		return result{}, false, nil
	}
	return result{t: ticket.Ticket{ID: rec.TicketID, Ref: rec.Ref, SLA: ticket.Clock{Due: rec.Due}}, hash: rec.Hash}, true, nil
}

// putKeyRecord binds key to the submission's hash and t's first answer.
func (in *Intake) putKeyRecord(ctx context.Context, tx store.Tx, key string, hash []byte, t ticket.Ticket, now time.Time) error {
	raw, err := json.Marshal(keyRecord{Hash: hash, TicketID: t.ID, Ref: t.Ref, Due: t.SLA.Due, At: now})
	if err != nil {
		return fault.Storage(err)
	}
	return tx.PutMeta(ctx, in.keyMeta(key), raw)
}

// replayOf answers a submission under a live key: the first answer when
// the submission is the same (or the record predates hashes), else
// ErrKeyReused.
func replayOf(rec result, hash []byte) result {
	if rec.hash != nil && !hmac.Equal(rec.hash, hash) {
		return result{err: ErrKeyReused}
	}
	return result{t: rec.t, hash: rec.hash}
}

// sweepBatch bounds one sweep transaction.
const sweepBatch = 500

// SweepKeys deletes the records of Idempotency-Keys older than
// KeyLifetime, which no longer count, and returns how many it deleted. The
// jobs runner calls it; each batch is its own transaction.
func (in *Intake) SweepKeys(ctx context.Context) (int, error) {
	deleted, after := 0, ""
	for {
		var keys []string
		n := 0
		err := in.st.Write(ctx, func(tx store.Tx) error {
			now := in.clock.Now()
			var err error
			keys, err = tx.MetaKeys(ctx, keyPrefix, after, sweepBatch)
			if err != nil {
				return err
			}
			n = 0
			for _, k := range keys {
				raw, err := tx.Meta(ctx, k)
				if err != nil {
					return err
				}
				var rec keyRecord
				if json.Unmarshal(raw, &rec) == nil && now.Before(rec.At.Add(KeyLifetime)) {
					continue
				}
				if err := tx.DeleteMeta(ctx, k); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err == nil {
			deleted += n
		}
		if err != nil || len(keys) < sweepBatch {
			return deleted, err
		}
		after = keys[len(keys)-1]
	}
}
