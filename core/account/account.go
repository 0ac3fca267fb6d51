// Package account holds the account model of the identity provider, after
// Login.gov's identity-idp: the account, its addresses, MFA methods, IAL2
// profile, agency links, devices and events. Contact PII is sealed by the
// engine before it reaches a store; these types carry it sealed.
package account

import "time"

// Status is the stored state of an account.
type Status string

// The statuses. A time-bound lock is LockedUntil on the account, not a status.
const (
	StatusActive       Status = "active"
	StatusLocked       Status = "locked" // hard lock: 100 consecutive failures
	StatusSuspended    Status = "suspended"
	StatusResetPending Status = "reset_pending"
	StatusFraudReview  Status = "fraud_review"
)

// Limits from Login.gov's defaults and NIST SP 800-63B.
const (
	MaxEmails          = 12
	MaxPhones          = 5
	MaxAuthApps        = 2
	MaxPIVCAC          = 2
	BackupCodeCount    = 10
	BackupCodeLength   = 12
	PersonalKeyLength  = 16
	PasswordMinLength  = 12
	PasswordMaxLength  = 128
	OTPLength          = 6
	OTPValidity        = 10 * time.Minute
	MFAMaxAttempts     = 10
	MFALockout         = 10 * time.Minute
	SignInMaxFailures  = 5 // per account in SignInWindow
	SignInIPMaxFailure = 20
	SignInWindow       = 15 * time.Minute
	HardLockFailures   = 100
	ResetWait          = 24 * time.Hour
	ResetValidity      = 24 * time.Hour
)

// Languages the identity provider writes to its users in.
var Languages = []string{"en", "es", "fr"}

// Account is the root of the model.
type Account struct {
	ID             string
	CreatedAt      time.Time
	EmailLanguage  string
	Status         Status
	IAL            int
	PasswordHash   string
	LockedUntil    time.Time // MFA or sign-in lock, zero when none
	FailedSignIns  int       // password failures in the current window
	WindowStart    time.Time // start of the sign-in failure window
	FailedMFA      int       // wrong codes since the last success
	ConsecFailures int       // consecutive failures ever, for the NIST hard lock
	Version        int64     // optimistic concurrency
}

// Email is an address of record.
type Email struct {
	ID          int64
	AccountID   string
	Sealed      []byte
	FP          []byte
	CreatedAt   time.Time
	ConfirmedAt time.Time
	LastSignIn  time.Time
}

// Delivery is how a phone receives one-time codes.
type Delivery string

// The deliveries.
const (
	DeliverySMS   Delivery = "sms"
	DeliveryVoice Delivery = "voice"
)

// Phone is a phone of record, also an MFA method.
type Phone struct {
	ID        int64
	AccountID string
	Sealed    []byte
	FP        []byte
	Delivery  Delivery
	Default   bool
	CreatedAt time.Time
	LastUsed  time.Time
}

// MethodKind is a kind of MFA method other than a phone.
type MethodKind string

// The method kinds.
const (
	KindPhone       MethodKind = "phone"
	KindAuthApp     MethodKind = "auth_app"
	KindSecurityKey MethodKind = "security_key"
	KindPlatformKey MethodKind = "platform_key"
	KindPIVCAC      MethodKind = "piv_cac"
	KindBackupCodes MethodKind = "backup_codes"
)

// Method is an MFA method row: an auth app, a security or platform key, a
// PIV/CAC card (metadata only) or the set of backup codes.
type Method struct {
	ID         int64
	AccountID  string
	Kind       MethodKind
	Name       string // user's nickname: no PII by policy, still sanitized on display
	CreatedAt  time.Time
	LastUsed   time.Time
	Sealed     []byte // sealed TOTP secret for auth apps; nil otherwise
	LastStep   int64  // last accepted TOTP step
	Credential string // WebAuthn credential id or PIV/CAC subject hash, never shown
}

// BackupCode is one of the ten single-use codes, hashed.
type BackupCode struct {
	AccountID string
	Index     int
	Hash      []byte
	UsedAt    time.Time
}

// ProfileState is the IAL2 profile's state.
type ProfileState string

// The profile states.
const (
	ProfileActive          ProfileState = "active"
	ProfilePendingMail     ProfileState = "pending_verify_by_mail"
	ProfilePendingInPerson ProfileState = "pending_in_person"
	ProfilePendingFraud    ProfileState = "pending_fraud_review"
	ProfileDeactivated     ProfileState = "deactivated"
)

// Profile is the IAL2 identity-proofing profile.
type Profile struct {
	AccountID          string
	State              ProfileState
	VerifiedAt         time.Time
	DeactivationReason string // e.g. password_reset, account_reset
	PersonalKeyHash    []byte
	PersonalKeyAt      time.Time
}

// AgencyLink records that the user signed in to a partner agency.
type AgencyLink struct {
	AccountID string
	AgencyID  string
	FirstAt   time.Time
	LastAt    time.Time
}

// Device is a browser or device the user signed in from.
type Device struct {
	ID        int64
	AccountID string
	Name      string // e.g. "Firefox on Windows"
	FirstAt   time.Time
	LastAt    time.Time
}

// Event is one line of the account's history. Detail never holds PII.
type Event struct {
	ID        int64
	AccountID string
	Kind      EventKind
	At        time.Time
	Detail    string
}

// EventKind names an event, after identity-idp's event types.
type EventKind string

// The event kinds.
const (
	EventAccountCreated       EventKind = "account_created"
	EventPhoneConfirmed       EventKind = "phone_confirmed"
	EventPhoneChanged         EventKind = "phone_changed"
	EventPhoneRemoved         EventKind = "phone_removed"
	EventEmailChanged         EventKind = "email_changed"
	EventPasswordChanged      EventKind = "password_changed"
	EventAuthenticatorAdded   EventKind = "authenticator_enabled"
	EventAuthenticatorRemoved EventKind = "authenticator_disabled"
	EventBackupCodesAdded     EventKind = "backup_codes_added"
	EventBackupCodeUsed       EventKind = "backup_code_used"
	EventPersonalKeyUsed      EventKind = "personal_key_used"
	EventSignIn               EventKind = "sign_in_succeeded"
	EventSignInFailed         EventKind = "sign_in_unsuccessful"
	EventSignIn2FAFailed      EventKind = "sign_in_unsuccessful_2fa"
	EventMFALocked            EventKind = "mfa_locked"
	EventHardLocked           EventKind = "account_hard_locked"
	EventNewDevice            EventKind = "new_device_sign_in"
	EventAccountVerified      EventKind = "account_verified"
	EventResetRequested       EventKind = "account_reset_requested"
	EventResetGranted         EventKind = "account_reset_granted"
	EventResetCancelled       EventKind = "account_reset_cancelled"
	EventSuspended            EventKind = "account_suspended"
	EventReinstated           EventKind = "account_reinstated"
	EventLimiterReset         EventKind = "proofing_limiter_reset"
	EventInPersonEnrolled     EventKind = "in_person_enrolled"
)

// EventKinds lists every kind, for localization tests.
var EventKinds = []EventKind{
	EventAccountCreated, EventPhoneConfirmed, EventPhoneChanged, EventPhoneRemoved, EventReinstated, EventLimiterReset, EventInPersonEnrolled,
	EventEmailChanged, EventPasswordChanged, EventAuthenticatorAdded,
	EventAuthenticatorRemoved, EventBackupCodesAdded, EventBackupCodeUsed,
	EventPersonalKeyUsed, EventSignIn, EventSignInFailed, EventSignIn2FAFailed,
	EventMFALocked, EventHardLocked, EventNewDevice, EventAccountVerified,
	EventResetRequested, EventResetGranted, EventResetCancelled, EventSuspended,
}

// Reset is an account-reset request (the user lost every MFA method).
type Reset struct {
	AccountID   string
	RequestedAt time.Time
	CancelledAt time.Time
	CancelledBy string // "user", "sign_in", an agent id
	TokenHash   []byte // hash of the deletion link token, set when granted
	GrantedAt   time.Time
	DeletedAt   time.Time
}

// Stage is where a reset request stands at an instant.
type Stage string

// The stages of an account reset.
const (
	StageNone      Stage = "none"
	StageWaiting   Stage = "waiting"   // requested, 24 h not yet passed
	StageGranted   Stage = "granted"   // deletion link valid
	StageExpired   Stage = "expired"   // link not used within 24 h
	StageCancelled Stage = "cancelled" // by the user, a sign-in or an agent
)

// StageAt tells the stage of r at now. A nil reset is StageNone.
func (r *Reset) StageAt(now time.Time) Stage {
	switch {
	case r == nil:
		return StageNone
	case !r.CancelledAt.IsZero():
		return StageCancelled
	case now.Before(r.RequestedAt.Add(ResetWait)):
		return StageWaiting
	case now.Before(r.RequestedAt.Add(ResetWait + ResetValidity)):
		return StageGranted
	default:
		return StageExpired
	}
}

// GrantAt is when the wait ends.
func (r *Reset) GrantAt() time.Time { return r.RequestedAt.Add(ResetWait) }

// ExpiresAt is when the deletion link stops working.
func (r *Reset) ExpiresAt() time.Time { return r.RequestedAt.Add(ResetWait + ResetValidity) }
