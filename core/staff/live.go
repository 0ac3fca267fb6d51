package staff

import (
	"context"

	"supportdesk/core/store"
)

// Live reports whether the session behind tok still stands, for a front
// end that watches its sessions (the SSH server closes a disabled agent's
// connection). It is a read: it records no activity, so it never holds the
// idle lock off, and it audits nothing, so polling costs no write. An
// idle-locked session still stands (nil); otherwise the error is the one
// every call would get: CodeSessionEnded, CodeAgentDisabled,
// CodeSessionExpired, CodeLocked, or a storage failure.
func (s *Staff) Live(ctx context.Context, tok Token) error {
	var out error
	err := s.st.Read(ctx, func(r store.Reader) error {
		if _, _, ref := s.resolve(ctx, r, tok, s.clock.Now(), true); ref != nil {
			out = ref.err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return out
}
