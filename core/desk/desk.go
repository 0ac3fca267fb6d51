// Package desk is the agent-facing side of the account model: audited
// look-up, the masked account view, and what staff may do to an account.
// Every call resolves its session, is authorized on the row it reads and
// audited here; the console only renders what comes back.
package desk

import (
	"supportdesk/core/clock"
	"supportdesk/core/secret"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// Desk serves agents.
type Desk struct {
	st    store.Store
	keys  *secret.Keyring
	clock clock.Clock
	staff *staff.Staff
}

// New builds a desk; staff resolves every call's session to its actor.
func New(st store.Store, keys *secret.Keyring, c clock.Clock, s *staff.Staff) *Desk {
	return &Desk{st: st, keys: keys, clock: c, staff: s}
}
