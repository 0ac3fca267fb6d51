package desk

import (
	"time"

	"supportdesk/core/account"
	"supportdesk/core/proofing"
)

// QueryKind is what a look-up query was recognised as.
type QueryKind string

// The query kinds.
const (
	QueryEmail QueryKind = "email"
	QueryPhone QueryKind = "phone"
	QueryUUID  QueryKind = "uuid"
)

// MaxQueryLength bounds a look-up query; longer input is refused unread.
const MaxQueryLength = 256

// AccountView is an account as an agent may see it: PII masked, no secret.
// Lite views (agency help desks) carry only the status, IAL, method kinds
// and counts, and the last sign-in at the desk's own agencies.
type AccountView struct {
	ID           string
	Lite         bool
	CreatedAt    time.Time
	Language     string
	Status       account.Status // stored status
	LockedUntil  time.Time      // a time-bound MFA or sign-in lock, zero when none
	IAL          int
	Emails       []EmailView
	Phones       []PhoneView
	Methods      []MethodView // every MFA method, phones included
	Profile      *ProfileView
	Agencies     []AgencyView
	Devices      []account.Device
	Events       []account.Event // newest first, at most EventLimit
	Reset        *ResetView
	Proofing     *proofing.View // identity proofing; nil when never started (full views only)
	OtherMatches int            // other accounts that share the phone searched for
}

// EventLimit is how many events a view carries.
const EventLimit = 20

// EmailView is a masked address of record.
type EmailView struct {
	Masked      string // j•••@example.com
	ConfirmedAt time.Time
	LastSignIn  time.Time
}

// PhoneView is a masked phone of record.
type PhoneView struct {
	Masked   string // •••-•••-1234
	Delivery account.Delivery
	Default  bool
}

// MethodView is one MFA method: kind, name and dates, never a secret.
type MethodView struct {
	Kind      account.MethodKind
	Name      string // sanitize before display: user-chosen
	CreatedAt time.Time
	LastUsed  time.Time
	Remaining int // backup codes left; 0 for other kinds
}

// ProfileView is the IAL2 profile.
type ProfileView struct {
	State              account.ProfileState
	VerifiedAt         time.Time
	DeactivationReason string
	PersonalKeyAt      time.Time
}

// AgencyView is a partner agency the user signed in to.
type AgencyView struct {
	ID      string
	Name    string
	FirstAt time.Time
	LastAt  time.Time
}

// ResetView is the account-reset timeline.
type ResetView struct {
	Stage       account.Stage
	RequestedAt time.Time
	GrantAt     time.Time
	ExpiresAt   time.Time
	CancelledAt time.Time
	CancelledBy string
}
