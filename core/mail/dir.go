package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir is the demo transport: it writes each message to Path as
// <message-id>.eml instead of sending it. The file is written under a
// temporary name and renamed, so a reader never sees half a message, and
// sending the same message again replaces its file rather than adding one.
type Dir struct {
	Path string
}

// Send writes msg to its file.
func (d Dir) Send(ctx context.Context, msg *Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := msg.Check(); err != nil {
		return Permanent(err)
	}
	if err := os.MkdirAll(d.Path, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d.Path, ".tmp-*.eml") // mode 0600: the file holds an address
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(msg.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(d.Path, FileName(msg.MessageID))); err != nil {
		return err
	}
	if dir, err := os.Open(d.Path); err == nil {
		dir.Sync() // make the rename durable; not every file system supports it
		dir.Close()
	}
	return nil
}

// Clean removes the temporary files a crash left between CreateTemp and
// the rename (often empty): Worker.Run calls it before its first send. A
// message cut off that way was never marked sent, so it is written again.
func (d Dir) Clean() error {
	tmps, err := filepath.Glob(filepath.Join(d.Path, ".tmp-*.eml"))
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range tmps {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// FileName is the .eml name of a Message-ID: the id without its angle
// brackets, with any character outside [A-Za-z0-9._@+-] replaced by "_"
// and, when something was replaced, a hash of the id appended so two ids
// never share a file.
func FileName(messageID string) string {
	id := strings.TrimSuffix(strings.TrimPrefix(messageID, "<"), ">")
	safe := strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9',
			r == '.', r == '_', r == '@', r == '+', r == '-':
			return r
		}
		return '_'
	}, id)
	if safe != id || id == "" || strings.HasPrefix(safe, ".") || len(safe) > 200 {
		sum := sha256.Sum256([]byte(messageID))
		safe = fmt.Sprintf("%.200s-%s", strings.TrimLeft(safe, "."), hex.EncodeToString(sum[:8]))
	}
	return safe + ".eml"
}
