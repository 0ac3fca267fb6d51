package access

import "time"

// Agent is a staff member of the contact center or of a partner agency's
// help desk. Email and TOTP seed are sealed at rest by the store's caller.
type Agent struct {
	ID           string
	EmailSealed  []byte // AES-GCM sealed email address
	EmailFP      []byte // keyed fingerprint of the normalized email
	DisplayName  string
	Role         Role
	Languages    []string // languages the agent answers in
	UILanguage   string   // the console's language
	Agencies     []string // for agency help desks
	PasswordHash string
	TOTPSealed   []byte // AES-GCM sealed TOTP secret
	TOTPLastStep int64  // last accepted TOTP step, to refuse replay
	FailedSignIn int
	LockedUntil  time.Time
	CreatedAt    time.Time
	DisabledAt   time.Time
}

// Actor returns the actor for the agent in a session.
func (a Agent) Actor(session string) Actor {
	return Actor{ID: a.ID, Role: a.Role, Agencies: a.Agencies, Languages: a.Languages, Session: session}
}
