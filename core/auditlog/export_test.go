package auditlog_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/coretest"
	"supportdesk/core/seed"
	"supportdesk/core/store"
)

func export(t *testing.T, l *logStore, since time.Time) (string, audit.Head) {
	t.Helper()
	var buf bytes.Buffer
	h, err := auditlog.Export(t.Context(), l.st, l.keys, since, &buf)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return buf.String(), h
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// (f) The export's head is the stored head, verifies with the public key,
// and the receiver's check of the file passes.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 120, 12)
	out, h := export(t, l, time.Time{})
	stored := l.head(t)
	if h.Seq != stored.Seq || !bytes.Equal(h.Hash, stored.Hash) || !bytes.Equal(h.Sig, stored.Sig) {
		t.Errorf("Export head = %+v, stored %+v", h, stored)
	}
	read, err := auditlog.ReadHead(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if read.Seq != 120 || !bytes.Equal(read.Hash, stored.Hash) || !bytes.Equal(read.Sig, stored.Sig) {
		t.Errorf("ReadHead = %+v, want the stored head %+v", read, stored)
	}
	if !ed25519.Verify(l.keys.AuditPublicKey(), read.Message(), read.Sig) {
		t.Error("the exported head does not verify with the public key")
	}
	ls := lines(out)
	if len(ls) != 121 {
		t.Fatalf("export has %d lines, want 120 entries and a head", len(ls))
	}
	var last struct {
		Head struct {
			PublicKey string `json:"public_key"`
		} `json:"head"`
	}
	if err := json.Unmarshal([]byte(ls[120]), &last); err != nil || last.Head.PublicKey != hex.EncodeToString(l.keys.AuditPublicKey()) {
		t.Errorf("head line %s: public key %q, %v", ls[120], last.Head.PublicKey, err)
	}
	// Every field the hash covers, and no MAC: the receiver cannot check
	// one, and it would only hand out MACs of the key file.
	var first map[string]any
	if err := json.Unmarshal([]byte(ls[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"seq", "at", "actor_id", "actor_role", "session", "action", "target_type", "target_id",
		"detail", "prev_hash", "hash"} {
		if _, ok := first[k]; !ok {
			t.Errorf("entry line lacks %q: %s", k, ls[0])
		}
	}
	if _, ok := first["mac"]; ok || strings.Contains(out, hex.EncodeToString(l.keys.AuditMAC(stored.Hash))) {
		t.Error("the export carries MACs")
	}
	if first["at"] != "2026-03-02T14:00:00.000Z" {
		t.Errorf("at = %v, want RFC 3339 in UTC with milliseconds", first["at"])
	}

	rep, err := auditlog.VerifyExport(strings.NewReader(out), l.keys.AuditPublicKey())
	if err != nil || rep.Break != nil || rep.Count != 120 || rep.Head.Seq != 120 {
		t.Errorf("VerifyExport = %+v, %v; want 120 entries", rep, err)
	}
	if rep, _ := auditlog.VerifyExport(strings.NewReader(out), testKeys(t, 2).AuditPublicKey()); rep.Break == nil ||
		rep.Break.Reason != audit.ReasonHeadSignature {
		t.Errorf("VerifyExport with another public key = %+v, want a head_signature break", rep)
	}
	// The export verifies as a head for the live log later on.
	l.add(t, 7, 7)
	if rep := l.verify(t, &read); rep.Break != nil || rep.Count != 127 {
		t.Errorf("Verify with the exported head = %+v", rep)
	}
}

func TestExportSince(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 60, 6) // entry i is at t0 + i seconds
	since := t0.Add(45*time.Second + 500*time.Millisecond)
	out, h := export(t, l, since.In(time.FixedZone("EST", -5*3600)))
	ls := lines(out)
	if len(ls) != 15 || h.Seq != 60 {
		t.Fatalf("export since entry 47 has %d lines (head seq %d), want 14 entries and a head", len(ls), h.Seq)
	}
	var e struct {
		Seq int64  `json:"seq"`
		At  string `json:"at"`
	}
	if err := json.Unmarshal([]byte(ls[0]), &e); err != nil || e.Seq != 47 || e.At != "2026-03-02T14:00:46.000Z" {
		t.Errorf("first line %s: %+v, %v", ls[0], e, err)
	}
	// The receiver checks a partial export from its first entry on.
	if rep, err := auditlog.VerifyExport(strings.NewReader(out), l.keys.AuditPublicKey()); err != nil || rep.Break != nil || rep.Count != 14 {
		t.Errorf("VerifyExport of a partial export = %+v, %v", rep, err)
	}
	// Since after the last entry: only the head.
	out, _ = export(t, l, t0.Add(time.Hour))
	if ls := lines(out); len(ls) != 1 || !strings.HasPrefix(ls[0], `{"head":`) {
		t.Errorf("export since the future = %q", out)
	}
}

// An export edited in transit fails the receiver's check at that entry.
func TestVerifyExportCatchesEdits(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 30, 10)
	out, _ := export(t, l, time.Time{})
	ls := lines(out)
	pub := l.keys.AuditPublicKey()
	tests := []struct {
		name string
		edit func([]string) []string
		want *audit.Break
	}{
		{"detail", func(ls []string) []string {
			ls[11] = strings.Replace(ls[11], `"detail":"reason=call 11"`, `"detail":"reason=none"`, 1)
			return ls
		}, &audit.Break{Seq: 12, Reason: audit.ReasonEdited}},
		{"line dropped", func(ls []string) []string { return append(ls[:5:5], ls[6:]...) },
			&audit.Break{Seq: 7, Reason: audit.ReasonMissingBefore}},
		{"tail dropped", func(ls []string) []string { return append(ls[:25:25], ls[30]) },
			&audit.Break{Seq: 30, Reason: audit.ReasonTailMissing}},
		{"head seq changed", func(ls []string) []string {
			ls[30] = strings.Replace(ls[30], `"seq":30`, `"seq":25`, 1)
			return ls
		}, &audit.Break{Seq: 25, Reason: audit.ReasonHeadSignature}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			edited := strings.Join(tc.edit(append([]string(nil), ls...)), "\n")
			rep, err := auditlog.VerifyExport(strings.NewReader(edited), pub)
			if err != nil {
				t.Fatal(err)
			}
			wantBreak(t, rep, tc.want)
		})
	}
	if _, err := auditlog.VerifyExport(strings.NewReader(strings.Join(ls[:30], "\n")), pub); !errors.Is(err, auditlog.ErrNoHead) {
		t.Errorf("VerifyExport without a head = %v, want ErrNoHead", err)
	}
}

// A log that does not verify is not exported (nor signed).
func TestExportRefusesABrokenLog(t *testing.T) {
	t.Parallel()
	l := newLog(t)
	l.add(t, 20, 5)
	rechain(t, l, 9, func(e *audit.Entry) { e.Detail = "x" })
	_, err := auditlog.Export(t.Context(), l.st, l.keys, time.Time{}, &bytes.Buffer{})
	var b *audit.Break
	if !errors.As(err, &b) || *b != (audit.Break{Seq: 9, Reason: audit.ReasonEdited}) {
		t.Errorf("Export of a broken log = %v, want the break at 9", err)
	}
}

func TestReadHead(t *testing.T) {
	t.Parallel()
	h := `{"head":{"seq":3,"hash":"0a0b","sig":"0c","public_key":"0d"}}`
	tests := []struct {
		name, in string
		want     audit.Head
		err      bool
	}{
		{"head only", h + "\n", audit.Head{Seq: 3, Hash: []byte{10, 11}, Sig: []byte{12}}, false},
		{"after entries, CRLF", `{"seq":1,"detail":"a \"head\" in text"}` + "\r\n" + h + "\r\n",
			audit.Head{Seq: 3, Hash: []byte{10, 11}, Sig: []byte{12}}, false},
		{"the last head wins", h + "\n" + strings.Replace(h, `"seq":3`, `"seq":4`, 1),
			audit.Head{Seq: 4, Hash: []byte{10, 11}, Sig: []byte{12}}, false},
		{"no head", `{"seq":1}`, audit.Head{}, true},
		{"empty", "", audit.Head{}, true},
		{"bad hex", strings.Replace(h, "0a0b", "zz", 1), audit.Head{}, true},
		{"negative seq", strings.Replace(h, `"seq":3`, `"seq":-3`, 1), audit.Head{}, true},
		{"not JSON", `{"head": nope`, audit.Head{}, true},
	}
	for _, tc := range tests {
		got, err := auditlog.ReadHead(strings.NewReader(tc.in))
		if (err != nil) != tc.err || got.Seq != tc.want.Seq || !bytes.Equal(got.Hash, tc.want.Hash) || !bytes.Equal(got.Sig, tc.want.Sig) {
			t.Errorf("%s: ReadHead = %+v, %v; want %+v, error %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

// ReadHead reads files from outside: it must not panic or loop on any.
func FuzzReadHead(f *testing.F) {
	f.Add(`{"head":{"seq":3,"hash":"0a0b","sig":"0c","public_key":"0d"}}`)
	f.Add("{\"seq\":1}\n{\"head\":null}\n")
	f.Add(`{"head":{"seq":9223372036854775807,"hash":"","sig":""}}`)
	f.Add("\xff\xfe{\"head\"")
	f.Fuzz(func(t *testing.T, in string) {
		h, err := auditlog.ReadHead(strings.NewReader(in))
		if err == nil && h.Seq < 0 {
			t.Errorf("ReadHead accepted seq %d", h.Seq)
		}
		auditlog.VerifyExport(strings.NewReader(in), make([]byte, ed25519.PublicKeySize))
		auditlog.VerifyExport(strings.NewReader(in), []byte(in)) // a key of any length is refused, not a panic
	})
}

// (f) Entries never hold PII by construction: the export of a seeded
// desk holds none of the seeded accounts' email addresses or phone numbers,
// nor the demo agents' addresses.
func TestExportHoldsNoPII(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, c, _ := coretest.Open(t)
	const n, seedN = 60, 7
	if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, svc.Operator("test"), seed.Options{Accounts: n, Seed: seedN,
		Now: c.Now(), PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Tickets(ctx, svc.Store, svc.Keys, seed.TicketOptions{Tickets: 40, Seed: seedN, Now: c.Now(),
		Accounts: n, Policy: svc.Tickets.Policy()}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	h, err := auditlog.Export(ctx, svc.Store, svc.Keys, time.Time{}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if h.Seq < n+40 {
		t.Fatalf("export head seq %d: the seeded desk wrote fewer entries than expected", h.Seq)
	}
	out := strings.ToLower(buf.String())
	var pii []string
	for i := range n {
		email, phone := seed.Email(seedN, i), seed.Phone(seedN, i)
		local, _, _ := strings.Cut(email, "@")
		pii = append(pii, email, local, phone, strings.TrimPrefix(phone, "+1"), strings.TrimPrefix(phone, "+33"))
	}
	for _, a := range seed.DemoAgents(seedN) {
		pii = append(pii, a.Email)
	}
	for _, p := range pii {
		if strings.Contains(out, strings.ToLower(p)) {
			t.Errorf("the export holds %q", p)
		}
	}
	// The store holds the same addresses, sealed: the check looks for the
	// right strings.
	err = svc.Store.Read(ctx, func(r store.Reader) error {
		id, err := r.AccountIDByEmail(ctx, svc.Keys.Fingerprint("email", seed.Email(seedN, 0)))
		if err != nil || id != seed.AccountID(seedN, 0) {
			t.Errorf("seeded account 0 not found by its address: %q, %v", id, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(buf.String()))
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("not a JSON line: %s", sc.Text())
		}
	}
}
