package audit

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"supportdesk/core/access"
)

var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

func sample() Entry {
	return Entry{Seq: 7, At: t0, ActorID: "agent-1", ActorRole: "agent", Session: "ssh-1", Action: "account.view",
		TargetType: "account", TargetID: "acct-1", Detail: `{"reason":"call"}`, PrevHash: bytes.Repeat([]byte{9}, 32)}
}

func TestSumDeterministic(t *testing.T) {
	t.Parallel()
	a, b := sample(), sample()
	if !bytes.Equal(a.Sum(), b.Sum()) || !bytes.Equal(a.Sum(), a.Sum()) {
		t.Fatal("Sum differs for equal entries")
	}
	if len(a.Sum()) != 32 {
		t.Errorf("Sum has %d bytes, want 32", len(a.Sum()))
	}
	// The zone does not matter, only the instant; Hash is not an input.
	b.At = b.At.In(time.FixedZone("EST", -5*3600))
	b.Hash = []byte("anything")
	if !bytes.Equal(a.Sum(), b.Sum()) {
		t.Error("Sum depends on the zone or on Hash")
	}
}

func TestSumCoversEveryField(t *testing.T) {
	t.Parallel()
	s := sample()
	base := s.Sum()
	tests := []struct {
		name   string
		change func(*Entry)
	}{
		{"Seq", func(e *Entry) { e.Seq++ }},
		{"At", func(e *Entry) { e.At = e.At.Add(time.Millisecond) }},
		{"ActorID", func(e *Entry) { e.ActorID = "agent-2" }},
		{"ActorRole", func(e *Entry) { e.ActorRole = "supervisor" }},
		{"Session", func(e *Entry) { e.Session = "ssh-2" }},
		{"Action", func(e *Entry) { e.Action = "account.search" }},
		{"TargetType", func(e *Entry) { e.TargetType = "agent" }},
		{"TargetID", func(e *Entry) { e.TargetID = "acct-2" }},
		{"Detail", func(e *Entry) { e.Detail = "" }},
		{"PrevHash", func(e *Entry) { e.PrevHash[31] ^= 1 }},
		{"PrevHash empty", func(e *Entry) { e.PrevHash = nil }},
		// Length prefixes keep field boundaries apart.
		{"boundary", func(e *Entry) { e.ActorID, e.ActorRole = "agent-1a", "gent" }},
		{"boundary empty", func(e *Entry) { e.TargetType, e.TargetID = "accountacct-1", "" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := sample()
			tc.change(&e)
			if bytes.Equal(e.Sum(), base) {
				t.Errorf("changing %s does not change Sum", tc.name)
			}
		})
	}
}

// chain builds n sealed entries as a store would.
func chain(n int) []Entry {
	var out []Entry
	var seq int64
	var head []byte
	actor := access.Actor{ID: "agent-1", Role: access.RoleAgent, Session: "s"}
	for i := range n {
		e := Record(actor, t0.Add(time.Duration(i)*time.Second+999), "account.view", "account", "acct", "d")
		e.Seal(seq, head)
		seq, head = e.Seq, e.Hash
		out = append(out, *e)
	}
	return out
}

func TestSeal(t *testing.T) {
	t.Parallel()
	es := chain(3)
	for i, e := range es {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d: Seq %d", i, e.Seq)
		}
		if e.At.Nanosecond()%int(time.Millisecond) != 0 {
			t.Errorf("entry %d: At %v not truncated to ms", i, e.At)
		}
		if !bytes.Equal(e.Hash, e.Sum()) {
			t.Errorf("entry %d: Hash is not Sum", i)
		}
		if i > 0 && !bytes.Equal(e.PrevHash, es[i-1].Hash) {
			t.Errorf("entry %d: PrevHash does not link", i)
		}
	}
	if len(es[0].PrevHash) != 0 {
		t.Errorf("first entry PrevHash = %x, want empty", es[0].PrevHash)
	}
	// Seal copies the head: a later change to the caller's slice is harmless.
	head := bytes.Clone(es[2].Hash)
	e := Record(access.System, t0, "a", "b", "c", "d")
	e.Seal(3, head)
	head[0] ^= 1
	if !bytes.Equal(e.PrevHash, es[2].Hash) {
		t.Error("Seal kept a reference to the head hash")
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	actor := access.Actor{ID: "agent-9", Role: access.RoleSupervisor, Session: "ssh-3"}
	e := Record(actor, t0, "reset.cancel", "account", "acct-1", "fraud")
	want := Entry{At: t0, ActorID: "agent-9", ActorRole: "supervisor", Session: "ssh-3", Action: "reset.cancel",
		TargetType: "account", TargetID: "acct-1", Detail: "fraud"}
	if e.ActorID != want.ActorID || e.ActorRole != want.ActorRole || e.Session != want.Session || e.Action != want.Action ||
		e.TargetType != want.TargetType || e.TargetID != want.TargetID || e.Detail != want.Detail || !e.At.Equal(t0) {
		t.Errorf("Record = %+v, want %+v", e, want)
	}
}

func verify(es []Entry, headSeq int64, headHash []byte) (*Break, int64) {
	var v Verifier
	for _, e := range es {
		if b := v.Add(e); b != nil {
			return b, v.Count()
		}
	}
	return v.Finish(headSeq, headHash), v.Count()
}

func TestVerifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// tamper edits a fresh chain of five and returns what the verifier
		// sees and the recorded head.
		tamper func(es []Entry) ([]Entry, int64, []byte)
		want   *Break
		count  int64
	}{
		{"intact", func(es []Entry) ([]Entry, int64, []byte) { return es, 5, es[4].Hash }, nil, 5},
		{"empty", func([]Entry) ([]Entry, int64, []byte) { return nil, 0, nil }, nil, 0},
		{"edited detail", func(es []Entry) ([]Entry, int64, []byte) {
			es[2].Detail = "changed"
			return es, 5, es[4].Hash
		}, &Break{Seq: 3, Reason: "edited"}, 2},
		{"edited and rehashed", func(es []Entry) ([]Entry, int64, []byte) {
			// Recomputing the row's own hash moves the break to the next row.
			es[2].Detail = "changed"
			es[2].Hash = es[2].Sum()
			return es, 5, es[4].Hash
		}, &Break{Seq: 4, Reason: "reordered"}, 3},
		{"deleted middle", func(es []Entry) ([]Entry, int64, []byte) {
			return append(es[:2:2], es[3:]...), 5, es[4].Hash
		}, &Break{Seq: 4, Reason: "missing_before"}, 2},
		{"deleted first", func(es []Entry) ([]Entry, int64, []byte) {
			return es[1:], 5, es[4].Hash
		}, &Break{Seq: 2, Reason: "missing_before"}, 0},
		{"contents swapped", func(es []Entry) ([]Entry, int64, []byte) {
			es[1], es[2] = es[2], es[1]
			es[1].Seq, es[2].Seq = 2, 3
			return es, 5, es[4].Hash
		}, &Break{Seq: 2, Reason: "reordered"}, 1},
		{"seq goes back", func(es []Entry) ([]Entry, int64, []byte) {
			return []Entry{es[0], es[1], es[2], es[1]}, 5, es[4].Hash
		}, &Break{Seq: 2, Reason: "reordered"}, 3},
		{"tail deleted", func(es []Entry) ([]Entry, int64, []byte) {
			return es[:4], 5, es[4].Hash
		}, &Break{Seq: 5, Reason: "tail_missing"}, 4},
		{"head rewritten", func(es []Entry) ([]Entry, int64, []byte) {
			return es, 5, bytes.Repeat([]byte{1}, 32)
		}, &Break{Seq: 5, Reason: "edited"}, 5},
		{"everything deleted", func(es []Entry) ([]Entry, int64, []byte) {
			return nil, 5, es[4].Hash
		}, &Break{Seq: 5, Reason: "tail_missing"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			es, seq, hash := tc.tamper(chain(5))
			got, n := verify(es, seq, hash)
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Errorf("break = %v, want %v", got, tc.want)
			}
			if n != tc.count {
				t.Errorf("Count = %d, want %d", n, tc.count)
			}
		})
	}
}

func TestVerifierKeepsFirstBreak(t *testing.T) {
	t.Parallel()
	es := chain(4)
	es[1].Detail = "x"
	var v Verifier
	v.Add(es[0])
	first := v.Add(es[1])
	if first == nil || first.Seq != 2 {
		t.Fatalf("Add = %v, want a break at 2", first)
	}
	if b := v.Add(es[2]); b != first {
		t.Errorf("later Add = %v, want the first break", b)
	}
	if b := v.Finish(4, es[3].Hash); b != first {
		t.Errorf("Finish = %v, want the first break", b)
	}
	if first.Error() != "audit chain broken at entry 2 (edited)" {
		t.Errorf("Error() = %q", first.Error())
	}
}

// TestSumIsStable pins the encoding: stored hashes and exported logs were
// computed with it, so a change here would break every chain.
func TestSumIsStable(t *testing.T) {
	t.Parallel()
	s := sample()
	if got, want := fmt.Sprintf("%x", s.Sum()), "ef417bc02e3dd685a2429d3869b038813af09e66dfdb0ed866f617510eb5ac5b"; got != want {
		t.Errorf("Sum = %s, want %s", got, want)
	}
	s.PrevHash, s.Seq, s.Detail = nil, 1, ""
	if got, want := fmt.Sprintf("%x", s.Sum()), "d78f0e533df6eb9832ab05df749524a33ff25d33b2b57ec4fbe062371573e63d"; got != want {
		t.Errorf("Sum of a first entry = %s, want %s", got, want)
	}
	// The verifier's re-used buffer gives the same answer as Sum.
	var v Verifier
	es := chain(3)
	for _, e := range es {
		if b := v.Add(e); b != nil {
			t.Fatalf("Add = %v", b)
		}
	}
	if seq, hash := v.Last(); seq != 3 || !bytes.Equal(hash, es[2].Hash) {
		t.Errorf("Last = %d, %x; want 3, %x", seq, hash, es[2].Hash)
	}
}

func TestHeadMessage(t *testing.T) {
	t.Parallel()
	h := Head{Seq: 258, Hash: bytes.Repeat([]byte{7}, 32), Sig: []byte("ignored")}
	m := h.Message()
	want := append([]byte("supportdesk audit head v1\x00\x00\x00\x00\x00\x00\x00\x01\x02"), h.Hash...)
	if !bytes.Equal(m, want) {
		t.Errorf("Message = %q, want %q", m, want)
	}
	// Seq and Hash are covered, the signature is not.
	for _, other := range []Head{{Seq: 259, Hash: h.Hash}, {Seq: 258, Hash: bytes.Repeat([]byte{8}, 32)}} {
		if bytes.Equal(other.Message(), m) {
			t.Errorf("Message of %+v equals that of %+v", other, h)
		}
	}
	if h2 := (Head{Seq: 258, Hash: h.Hash}); !bytes.Equal(h2.Message(), m) {
		t.Error("Message depends on Sig")
	}
}

func BenchmarkVerifierAdd(b *testing.B) {
	es := chain(1000)
	b.ReportAllocs()
	for b.Loop() {
		var v Verifier
		for _, e := range es {
			v.Add(e)
		}
	}
}
