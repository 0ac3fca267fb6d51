package mailin

import (
	"bytes"
	"errors"
	"io"
)

// DefaultMaxBytes is the message size limit when none is set: 10 MiB.
const DefaultMaxBytes int64 = 10 << 20

// Errors of ReadMessage; both are permanent: the same message will always
// be refused.
var (
	ErrTooLarge = errors.New("mailin: message over the size limit")
	ErrEmpty    = errors.New("mailin: empty message")
)

// ReadMessage reads one whole message of at most max bytes, so that nothing
// is committed from a message cut short or refused for its size. The SMTP
// receiver and the pipe from the MTA read through it alike.
func ReadMessage(r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > max {
		return nil, ErrTooLarge
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, ErrEmpty
	}
	return raw, nil
}
