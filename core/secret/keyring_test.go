package secret

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func testKeyring(t testing.TB, seed byte) *Keyring {
	t.Helper()
	k, err := New(bytes.Repeat([]byte{seed}, keySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeySize(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New accepted a %d-byte key", n)
		}
	}
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 1)
	aad := []byte("emails/sealed/acct-1")
	for _, msg := range [][]byte{[]byte("jane@example.com"), {}, bytes.Repeat([]byte("x"), 4096)} {
		sealed := k.Seal(msg, aad)
		got, err := k.Open(sealed, aad)
		if err != nil || !bytes.Equal(got, msg) {
			t.Errorf("Open(Seal(%q)) = %q, %v", msg, got, err)
		}
	}
	// A fresh nonce each time: equal plaintexts do not look equal at rest.
	if bytes.Equal(k.Seal([]byte("a"), aad), k.Seal([]byte("a"), aad)) {
		t.Error("two seals of the same plaintext are equal")
	}
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 1)
	aad := []byte("emails/sealed/acct-1")
	sealed := k.Seal([]byte("jane@example.com"), aad)

	if _, err := k.Open(sealed, []byte("emails/sealed/acct-2")); err == nil {
		t.Error("Open accepted another aad")
	}
	if _, err := k.Open(sealed, nil); err == nil {
		t.Error("Open accepted a missing aad")
	}
	if _, err := testKeyring(t, 2).Open(sealed, aad); err == nil {
		t.Error("Open accepted another key")
	}
	for _, n := range []int{0, 5, 11, 12, 27} {
		if _, err := k.Open(sealed[:n], aad); err == nil {
			t.Errorf("Open accepted a value cut to %d bytes", n)
		}
	}
	// Every byte matters: nonce, ciphertext and tag.
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := k.Open(bad, aad); err == nil {
			t.Errorf("Open accepted a flipped byte at %d", i)
		}
	}
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	k1, k1again, k2 := testKeyring(t, 1), testKeyring(t, 1), testKeyring(t, 2)
	fp := k1.Fingerprint("email", "jane@example.com")
	if len(fp) != 32 {
		t.Fatalf("Fingerprint has %d bytes, want 32", len(fp))
	}
	tests := []struct {
		name  string
		other []byte
		equal bool
	}{
		{"same key and input", k1.Fingerprint("email", "jane@example.com"), true},
		{"same key material", k1again.Fingerprint("email", "jane@example.com"), true},
		{"other key", k2.Fingerprint("email", "jane@example.com"), false},
		{"other domain", k1.Fingerprint("phone", "jane@example.com"), false},
		{"other value", k1.Fingerprint("email", "jane@example.org"), false},
		// The separator keeps domain and value apart.
		{"shifted boundary", k1.Fingerprint("emailj", "ane@example.com"), false},
		{"code hash is another key", k1.HashCode("email", "jane@example.com"), false},
	}
	for _, tc := range tests {
		if got := bytes.Equal(fp, tc.other); got != tc.equal {
			t.Errorf("%s: equal = %v, want %v", tc.name, got, tc.equal)
		}
	}
}

func TestHashCode(t *testing.T) {
	t.Parallel()
	k := testKeyring(t, 1)
	h := k.HashCode("backup", "ABCD1234WXYZ")
	if !k.CodeMatches("backup", "ABCD1234WXYZ", h) {
		t.Error("CodeMatches refused the right code")
	}
	for _, c := range []struct{ domain, code string }{{"backup", "ABCD1234WXYY"}, {"otp", "ABCD1234WXYZ"}, {"backup", ""}} {
		if k.CodeMatches(c.domain, c.code, h) {
			t.Errorf("CodeMatches(%q, %q) accepted", c.domain, c.code)
		}
	}
	if testKeyring(t, 2).CodeMatches("backup", "ABCD1234WXYZ", h) {
		t.Error("another pepper matched")
	}
	if k.CodeMatches("backup", "ABCD1234WXYZ", nil) {
		t.Error("a nil hash matched")
	}
}

func TestCheckTag(t *testing.T) {
	t.Parallel()
	a, b := testKeyring(t, 1), testKeyring(t, 1)
	if !bytes.Equal(a.CheckTag(), b.CheckTag()) {
		t.Error("CheckTag differs for one key")
	}
	if bytes.Equal(a.CheckTag(), testKeyring(t, 2).CheckTag()) {
		t.Error("CheckTag equal for two keys")
	}
	tag := a.CheckTag()
	tag[0] ^= 1
	if bytes.Equal(tag, a.CheckTag()) {
		t.Error("CheckTag returns the keyring's own slice")
	}
}

func TestAuditMAC(t *testing.T) {
	t.Parallel()
	k1, k1again, k2 := testKeyring(t, 1), testKeyring(t, 1), testKeyring(t, 2)
	hash := bytes.Repeat([]byte{3}, 32)
	mac := k1.AuditMAC(hash)
	if len(mac) != 32 {
		t.Fatalf("AuditMAC has %d bytes, want 32", len(mac))
	}
	h := k1.NewAuditMAC()
	h.Write(hash)
	tests := []struct {
		name  string
		other []byte
		equal bool
	}{
		{"same key material", k1again.AuditMAC(hash), true},
		{"reusable hash", h.Sum(nil), true},
		{"other key", k2.AuditMAC(hash), false},
		{"other hash", k1.AuditMAC(bytes.Repeat([]byte{4}, 32)), false},
		// A sub-key of its own: neither a fingerprint nor a code hash of the same bytes.
		{"not the fingerprint key", k1.Fingerprint("", string(hash)), false},
		{"not the pepper", k1.HashCode("", string(hash)), false},
	}
	for _, tc := range tests {
		if got := bytes.Equal(mac, tc.other); got != tc.equal {
			t.Errorf("%s: equal = %v, want %v", tc.name, got, tc.equal)
		}
	}
}

func TestSignAudit(t *testing.T) {
	t.Parallel()
	k1, k1again, k2 := testKeyring(t, 1), testKeyring(t, 1), testKeyring(t, 2)
	msg := []byte("supportdesk audit head v1")
	sig := k1.SignAudit(msg)
	pub := k1.AuditPublicKey()
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		t.Fatalf("key %d bytes, signature %d bytes", len(pub), len(sig))
	}
	if !ed25519.Verify(pub, msg, sig) {
		t.Error("the public key refuses the keyring's own signature")
	}
	// Derived from the master key: the same key file gives the same key pair.
	if !bytes.Equal(k1again.AuditPublicKey(), pub) || !bytes.Equal(k1again.SignAudit(msg), sig) {
		t.Error("the signing key is not derived from the master key alone")
	}
	if ed25519.Verify(k2.AuditPublicKey(), msg, sig) {
		t.Error("another key file's public key accepts the signature")
	}
	if ed25519.Verify(pub, []byte("supportdesk audit head v2"), sig) {
		t.Error("the signature covers another message")
	}
	pub[0] ^= 1
	if bytes.Equal(pub, k1.AuditPublicKey()) {
		t.Error("AuditPublicKey returns the keyring's own slice")
	}
}

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys", "master.key")
	k1, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreate = created %v, %v", created, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	if st.Size() != keySize {
		t.Errorf("key file holds %d bytes, want %d", st.Size(), keySize)
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("second LoadOrCreate = created %v, %v", created, err)
	}
	if !bytes.Equal(k1.Fingerprint("email", "a@b.co"), k2.Fingerprint("email", "a@b.co")) {
		t.Error("reloaded key gives another fingerprint")
	}
	if got, err := k2.Open(k1.Seal([]byte("x"), nil), nil); err != nil || string(got) != "x" {
		t.Errorf("reloaded key cannot open: %q, %v", got, err)
	}
	if !bytes.Equal(k1.CheckTag(), k2.CheckTag()) {
		t.Error("reloaded key gives another check tag")
	}

	other, _, err := LoadOrCreate(filepath.Join(t.TempDir(), "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(k1.Fingerprint("email", "a@b.co"), other.Fingerprint("email", "a@b.co")) {
		t.Error("two fresh key files give the same fingerprint")
	}
}

func TestLoadOrCreateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content []byte
		mode    os.FileMode
		wantErr error
	}{
		{"readable by others", make([]byte, keySize), 0o644, ErrKeyFileMode},
		{"readable by group", make([]byte, keySize), 0o640, ErrKeyFileMode},
		{"too short", make([]byte, keySize-1), 0o600, ErrKeyFileLength},
		{"too long", make([]byte, keySize+1), 0o600, ErrKeyFileLength},
		{"empty", nil, 0o600, ErrKeyFileLength},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			k, _, err := LoadOrCreate(path)
			if err == nil || k != nil {
				t.Fatalf("LoadOrCreate = %v, %v; want an error", k, err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("LoadOrCreate error = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestLoadNeverCreates(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "master.key")
	k, err := Load(path)
	var kfe *KeyFileError
	if k != nil || !errors.Is(err, ErrKeyFileMissing) || !errors.As(err, &kfe) || kfe.Path != path {
		t.Fatalf("Load of a missing file = %v, %v; want ErrKeyFileMissing naming %s", k, err, path)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load created %s", path)
	}
}
