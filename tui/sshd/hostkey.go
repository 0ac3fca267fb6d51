package sshd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/charmbracelet/keygen"
	gossh "golang.org/x/crypto/ssh"
)

// HostKeyModeError refuses a host key file that others can read: whoever
// reads it can pose as this server to every agent.
type HostKeyModeError struct {
	Path string
	Mode fs.FileMode
}

func (e *HostKeyModeError) Error() string {
	return fmt.Sprintf("host key %s has mode %#o: it must be 0600", e.Path, e.Mode.Perm())
}

// hostKey reads the host key at path, or makes an ed25519 one there (mode
// 0600) on first start. keygen writes nothing itself: its writer would
// chmod the key's directory, the database's, to 0700.
func hostKey(path string) (gossh.Signer, error) {
	info, err := os.Stat(path)
	switch {
	case err == nil:
		if info.Mode().Perm()&0o077 != 0 {
			return nil, &HostKeyModeError{Path: path, Mode: info.Mode()}
		}
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("host key %s is not a regular file", path)
		}
		kp, err := keygen.New(path)
		if err != nil {
			return nil, fmt.Errorf("host key %s: %w", path, err)
		}
		return kp.Signer(), nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	kp, err := keygen.New(path, keygen.WithKeyType(keygen.Ed25519))
	if err != nil {
		return nil, err
	}
	if err := writeNew(path, kp.RawPrivateKey()); err != nil {
		return nil, err
	}
	// The public half beside it, for operators to publish (known_hosts).
	if err := writeNew(path+".pub", []byte(kp.AuthorizedKey()+"\n")); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return kp.Signer(), nil
}

// writeNew writes data to a file that must not exist yet, mode 0600.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
