package authn

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"supportdesk/core/account"
)

// FileSender is the demo SMS/voice gateway: it appends each code to a file,
// the demo user's "phone". The number is written masked.
type FileSender struct {
	Path string
	mu   sync.Mutex
}

// SendOTP appends one line to the file.
func (f *FileSender) SendOTP(_ context.Context, e164 string, d account.Delivery, code, lang string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	fh, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := fmt.Fprintf(fh, "%s %s %s [%s] %s\n", time.Now().UTC().Format(time.RFC3339), d, account.MaskPhone(e164), lang, code)
	return errorsJoin(werr, fh.Close())
}

// SendText appends a text message (an account notice) to the file.
func (f *FileSender) SendText(_ context.Context, e164, text, lang string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	fh, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := fmt.Fprintf(fh, "%s text %s [%s] %s\n", time.Now().UTC().Format(time.RFC3339), account.MaskPhone(e164), lang, text)
	return errorsJoin(werr, fh.Close())
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
