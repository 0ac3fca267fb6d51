package auditlog

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"supportdesk/core/audit"
	"supportdesk/core/secret"
	"supportdesk/core/store"
)

// exportTime is RFC 3339 in UTC with the milliseconds the hash covers.
const exportTime = "2006-01-02T15:04:05.000Z07:00"

// entryLine is one exported entry. It carries every field the hash covers,
// so a receiver recomputes each hash and the links between them. It leaves
// out the MAC: a receiver without the key file cannot check it, and the
// signed head already vouches for the whole chain.
type entryLine struct {
	Seq        int64  `json:"seq"`
	At         string `json:"at"`
	ActorID    string `json:"actor_id"`
	ActorRole  string `json:"actor_role"`
	Session    string `json:"session"`
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	Detail     string `json:"detail"`
	PrevHash   string `json:"prev_hash"`
	Hash       string `json:"hash"`
}

// headLine is the export's last line.
type headLine struct {
	Head *headJSON `json:"head"`
}

type headJSON struct {
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	Sig       string `json:"sig"`
	PublicKey string `json:"public_key"`
}

// Export writes the log as JSON Lines to w: one object per entry, from the
// first entry at or after since to the end (all of them for a zero since),
// then {"head": {"seq", "hash", "sig", "public_key"}}, hex-encoded. It
// first verifies the whole log, as Verify does, on the same snapshot, and
// signs only a log that holds; a broken one is an *audit.Break error, and
// what was written to w before it must be discarded. The head it returns
// and writes is the stored one (a log from before the keyed one gets its
// first signature here). Entries hold no PII by construction, so neither
// does the export. The public key in the file is for convenience: a
// receiver checks it against one it got from the operator another way.
//
// Entries after since follow each other without gaps even when clocks of
// several processes disagreed, so a receiver can check every link.
func Export(ctx context.Context, st store.Store, keys *secret.Keyring, since time.Time, w io.Writer) (audit.Head, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	pub := keys.AuditPublicKey()
	var head audit.Head
	err := st.Read(ctx, func(r store.Reader) error {
		started := false
		rep, err := check(ctx, r, keys, pub, nil, func(e audit.Entry) error {
			if !started && e.At.Before(since) {
				return nil
			}
			started = true
			line, err := toLine(e)
			if err != nil {
				return err
			}
			return enc.Encode(line)
		})
		if err != nil {
			return err
		}
		if rep.Break != nil {
			return rep.Break
		}
		head = audit.Head{Seq: rep.Head.Seq, Hash: rep.Head.Hash}
		head.Sig = keys.SignAudit(head.Message())
		return enc.Encode(headLine{&headJSON{Seq: head.Seq, Hash: hex.EncodeToString(head.Hash),
			Sig: hex.EncodeToString(head.Sig), PublicKey: hex.EncodeToString(pub)}})
	})
	if err != nil {
		return audit.Head{}, err
	}
	return head, bw.Flush()
}

func toLine(e audit.Entry) (entryLine, error) {
	for _, f := range [...]string{e.ActorID, e.ActorRole, e.Session, e.Action, e.TargetType, e.TargetID, e.Detail} {
		if !utf8.ValidString(f) {
			// JSON would replace the bad bytes, and the receiver's hash
			// would no longer match: refuse rather than export a false break.
			return entryLine{}, fmt.Errorf("auditlog: entry %d holds text that is not UTF-8 and cannot be exported", e.Seq)
		}
	}
	return entryLine{Seq: e.Seq, At: e.At.UTC().Format(exportTime), ActorID: e.ActorID, ActorRole: e.ActorRole,
		Session: e.Session, Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Detail: e.Detail,
		PrevHash: hex.EncodeToString(e.PrevHash), Hash: hex.EncodeToString(e.Hash)}, nil
}

func (l entryLine) entry() (audit.Entry, error) {
	at, err := time.Parse(time.RFC3339Nano, l.At)
	if err != nil {
		return audit.Entry{}, err
	}
	prev, err := hex.DecodeString(l.PrevHash)
	if err != nil {
		return audit.Entry{}, err
	}
	h, err := hex.DecodeString(l.Hash)
	if err != nil {
		return audit.Entry{}, err
	}
	return audit.Entry{Seq: l.Seq, At: at, ActorID: l.ActorID, ActorRole: l.ActorRole, Session: l.Session,
		Action: l.Action, TargetType: l.TargetType, TargetID: l.TargetID, Detail: l.Detail, PrevHash: prev, Hash: h}, nil
}

// ErrNoHead is an export without a head line.
var ErrNoHead = errors.New("auditlog: no head line in the export")

var errPublicKey = errors.New("auditlog: not an Ed25519 public key")

// maxLine bounds one line of an export read back: entries are short, and a
// file from elsewhere must not exhaust memory.
const maxLine = 1 << 20

// ReadHead reads the head of an export: its last line with a "head".
func ReadHead(r io.Reader) (audit.Head, error) {
	var head audit.Head
	found := false
	err := eachLine(r, func(line []byte) error {
		h, ok, err := parseHead(line)
		if err != nil {
			return err
		}
		if ok {
			head, found = h, true
		}
		return nil
	})
	if err != nil {
		return audit.Head{}, err
	}
	if !found {
		return audit.Head{}, ErrNoHead
	}
	return head, nil
}

// parseHead reads a head line; ok is false for any other line.
func parseHead(line []byte) (audit.Head, bool, error) {
	if !bytes.Contains(line, []byte(`"head"`)) {
		return audit.Head{}, false, nil
	}
	var hl headLine
	if err := json.Unmarshal(line, &hl); err != nil {
		return audit.Head{}, false, fmt.Errorf("auditlog: head line: %w", err)
	}
	if hl.Head == nil {
		return audit.Head{}, false, nil
	}
	h := audit.Head{Seq: hl.Head.Seq}
	var err error
	if h.Hash, err = hex.DecodeString(hl.Head.Hash); err != nil {
		return audit.Head{}, false, fmt.Errorf("auditlog: head hash: %w", err)
	}
	if h.Sig, err = hex.DecodeString(hl.Head.Sig); err != nil {
		return audit.Head{}, false, fmt.Errorf("auditlog: head signature: %w", err)
	}
	if h.Seq < 0 {
		return audit.Head{}, false, fmt.Errorf("auditlog: head seq %d", h.Seq)
	}
	return h, true, nil
}

// eachLine calls fn with every non-empty line of r, without its newline.
func eachLine(r io.Reader, fn func([]byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	return sc.Err()
}

// VerifyExport checks an export as its receiver can, without the key
// file: every entry's hash, the links between entries, the head against
// the last entry, and the head's signature with pub (which the receiver
// got from the operator, not from the file). The first exported entry's
// PrevHash is taken as given; the receiver ties it to an earlier export's
// head. Report.Unkeyed is always 0: MACs are not exported.
func VerifyExport(r io.Reader, pub ed25519.PublicKey) (Report, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Report{}, errPublicKey // ed25519.Verify would panic
	}
	var (
		rep   Report
		chain *audit.Verifier // from the first entry on
		found bool
	)
	err := eachLine(r, func(line []byte) error {
		h, ok, err := parseHead(line)
		if err != nil {
			return err
		}
		if ok {
			rep.Head, found = h, true
			return nil
		}
		if found {
			return errors.New("auditlog: an entry after the head line")
		}
		if rep.Break != nil {
			return nil // the first break stands; the head line is still to come
		}
		var l entryLine
		if err := json.Unmarshal(line, &l); err != nil {
			return fmt.Errorf("auditlog: entry line: %w", err)
		}
		e, err := l.entry()
		if err != nil {
			return fmt.Errorf("auditlog: entry %d: %w", l.Seq, err)
		}
		if chain == nil {
			chain = audit.VerifierAfter(e.Seq-1, e.PrevHash)
		}
		rep.Break = chain.Add(e)
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	if !found {
		return Report{}, ErrNoHead
	}
	if chain != nil {
		rep.Count = chain.Count()
	}
	switch {
	case rep.Break != nil:
	case !ed25519.Verify(pub, rep.Head.Message(), rep.Head.Sig):
		rep.Break = &audit.Break{Seq: rep.Head.Seq, Reason: audit.ReasonHeadSignature}
	case chain != nil:
		rep.Break = chain.Finish(rep.Head.Seq, rep.Head.Hash)
	}
	return rep, nil
}
