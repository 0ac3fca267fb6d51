// Package secret holds the cryptography of secrets at rest: the key file,
// AES-256-GCM sealing of PII and TOTP seeds, keyed fingerprints for exact
// look-up, Argon2id password hashes and random one-time codes.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/crypto/hkdf"
)

// keySize is the size of the master key in the key file.
const keySize = 32

// KeyFileSize is the length a key file must have, in bytes.
const KeyFileSize = keySize

// Keyring derives the working keys from one master key: one to seal, one to
// fingerprint, one to pepper code hashes, one to MAC audit entries and an
// Ed25519 key pair to sign the audit head. Sub-keys are independent, so a
// fingerprint never reveals anything about the sealing key.
type Keyring struct {
	aead      cipher.AEAD
	finger    []byte
	pepper    []byte
	auditMAC  []byte
	auditSign ed25519.PrivateKey
	checkTag  []byte
}

// ErrKeyFileMode is returned when a key file is readable by others.
var ErrKeyFileMode = errors.New("key file must not be readable by group or others (want mode 0600)")

// ErrKeyFileLength is returned when a key file does not hold exactly one key.
var ErrKeyFileLength = fmt.Errorf("key file must hold exactly %d bytes", keySize)

// ErrKeyFileMissing is returned by Load when there is no key file.
var ErrKeyFileMissing = errors.New("key file is missing")

// KeyFileError is a problem with the key file at Path: Err is one of
// ErrKeyFileMissing, ErrKeyFileMode, ErrKeyFileLength, or an I/O error.
type KeyFileError struct {
	Path string
	Err  error
}

func (e *KeyFileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *KeyFileError) Unwrap() error { return e.Err }

// Load reads the key file at path and never creates one: a database that
// exists needs the key it was made with, not a fresh one.
func Load(path string) (*Keyring, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &KeyFileError{path, ErrKeyFileMissing}
	}
	if err != nil {
		return nil, &KeyFileError{path, err}
	}
	return fromFile(path, raw)
}

// fromFile checks the mode and the length of a key file read from path.
func fromFile(path string, raw []byte) (*Keyring, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &KeyFileError{path, err}
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, &KeyFileError{path, ErrKeyFileMode}
	}
	if len(raw) != keySize {
		return nil, &KeyFileError{path, ErrKeyFileLength}
	}
	return New(raw)
}

// LoadOrCreate reads the key file at path, or creates it with mode 0600 and
// a fresh random key when it does not exist. created tells which.
func LoadOrCreate(path string) (k *Keyring, created bool, err error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw = make([]byte, keySize)
		if _, err := rand.Read(raw); err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, err
		}
		if _, err := f.Write(raw); err != nil {
			f.Close()
			return nil, false, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, false, err
		}
		if err := f.Close(); err != nil {
			return nil, false, err
		}
		k, err := New(raw)
		return k, true, err
	}
	if err != nil {
		return nil, false, &KeyFileError{path, err}
	}
	k, err = fromFile(path, raw)
	return k, false, err
}

// New builds a keyring from a 32-byte master key.
func New(master []byte) (*Keyring, error) {
	if len(master) != keySize {
		return nil, fmt.Errorf("%w (it holds %d)", ErrKeyFileLength, len(master))
	}
	derive := func(label string) []byte {
		out := make([]byte, 32)
		r := hkdf.New(sha256.New, master, nil, []byte("supportdesk/"+label))
		if _, err := io.ReadFull(r, out); err != nil {
			panic(err) // hkdf cannot fail for 32 bytes
		}
		return out
	}
	block, err := aes.NewCipher(derive("seal"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &Keyring{aead: aead, finger: derive("fingerprint"), pepper: derive("pepper"), auditMAC: derive("audit-mac"),
		// An Ed25519 private key is its 32-byte seed: any derived seed is a valid key.
		auditSign: ed25519.NewKeyFromSeed(derive("audit-sign"))}
	k.checkTag = k.mac(derive("check"), []byte("supportdesk key check v1"))
	return k, nil
}

// Seal encrypts plaintext; aad binds the ciphertext to its place (table,
// column, row), so a ciphertext moved to another row does not open.
func (k *Keyring) Seal(plaintext, aad []byte) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return k.aead.Seal(nonce, nonce, plaintext, aad)
}

// Open decrypts what Seal produced with the same aad.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed value too short")
	}
	return k.aead.Open(nil, sealed[:n], sealed[n:], aad)
}

// Fingerprint is the keyed HMAC-SHA-256 of a normalized value, under a
// domain label ("email", "phone"), for exact look-up without plaintext.
func (k *Keyring) Fingerprint(domain, normalized string) []byte {
	return k.mac(k.finger, []byte(domain+"\x00"+normalized))
}

// HashCode hashes a high-entropy code (backup code, personal key, one-time
// code) with the pepper. Codes carry 60 bits or more, or are guarded by
// attempt limits, so a keyed fast hash is enough.
func (k *Keyring) HashCode(domain, code string) []byte {
	return k.mac(k.pepper, []byte(domain+"\x00"+code))
}

// CodeMatches compares a code with a stored hash in constant time.
func (k *Keyring) CodeMatches(domain, code string, hash []byte) bool {
	return subtle.ConstantTimeCompare(k.HashCode(domain, code), hash) == 1
}

// CheckTag is a value stored in the database when it is created, so that a
// database opened with a different key file is refused rather than read as
// garbage.
func (k *Keyring) CheckTag() []byte { return append([]byte(nil), k.checkTag...) }

// AuditMAC is the HMAC-SHA-256 of an audit entry's hash. Only a holder of
// the key file can compute it, so a writer of the database who rewrites an
// entry and re-chains the hashes after it cannot make the MAC match.
func (k *Keyring) AuditMAC(entryHash []byte) []byte {
	return k.mac(k.auditMAC, entryHash)
}

// NewAuditMAC returns a fresh HMAC-SHA-256 under the audit sub-key, for
// callers that MAC many entries and reuse one hash (Reset between uses)
// rather than allocate one per entry.
func (k *Keyring) NewAuditMAC() hash.Hash { return hmac.New(sha256.New, k.auditMAC) }

// SignAudit signs an audit head's message with the audit signing key.
func (k *Keyring) SignAudit(msg []byte) []byte { return ed25519.Sign(k.auditSign, msg) }

// AuditPublicKey is the key that checks SignAudit's signatures. It can be
// handed to whoever receives an exported log: it verifies, it cannot sign.
func (k *Keyring) AuditPublicKey() ed25519.PublicKey {
	return append(ed25519.PublicKey(nil), k.auditSign.Public().(ed25519.PublicKey)...)
}

func (k *Keyring) mac(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}
