// Package notify describes the messages the engine queues for users: one to
// every address of record on each binding, removal or recovery. Rows go to
// an outbox in the same transaction as the change; delivery is separate.
package notify

import "time"

// Channel is how a notification travels.
type Channel string

// The channels.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
)

// Template names the message; the text lives in the locales.
type Template string

// The templates.
const (
	TemplateMethodAdded     Template = "method_added"
	TemplateMethodRemoved   Template = "method_removed"
	TemplateBackupCodeUsed  Template = "backup_code_used"
	TemplatePersonalKeyUsed Template = "personal_key_used"
	TemplateResetRequested  Template = "account_reset_requested"
	TemplateResetGranted    Template = "account_reset_granted"
	TemplateResetCancelled  Template = "account_reset_cancelled"
	TemplateAccountDeleted  Template = "account_deleted"
	TemplateHardLocked      Template = "account_hard_locked"
	TemplateNewDevice       Template = "new_device_sign_in"
)

// The identity-proofing and caller-verification templates. Data: a
// letter and a caller's code carry "code_sealed" (hex, sealed under the
// row's AAD), an enrollment "code" (not a sign-in secret) and "expires"
// (RFC 3339), a limiter reset "limiter".
const (
	TemplateAccountVerified Template = "account_verified"
	TemplateLetter          Template = "verify_by_mail_letter"
	TemplateInPerson        Template = "in_person_enrollment"
	TemplateLimiterReset    Template = "proofing_limiter_reset"
	TemplateCallerCode      Template = "caller_code"
)

// The ticket templates. Data: "ref" (SD-2026-000123); the acknowledgement
// also "due" (an RFC 3339 instant) and "name", a reply "body".
const (
	TemplateTicketAck   Template = "ticket_ack"
	TemplateTicketReply Template = "ticket_reply"
	// TemplateAttachmentsRemoved tells a requester who mailed attachments
	// that they were not kept, and never to mail identity documents.
	TemplateAttachmentsRemoved Template = "ticket_attachments_removed"
)

// Status of an outbox row.
type Status string

// The statuses.
const (
	StatusQueued Status = "queued"
	StatusSent   Status = "sent"
	StatusFailed Status = "failed"
	// StatusVoid is a row written so that two paths do the same work (a
	// caller code for a contact on no account): never delivered.
	StatusVoid Status = "void"
)

// Notification is one outbox row. The recipient is sealed; Data holds
// template variables with no PII (a method kind, a date).
type Notification struct {
	ID          int64
	CreatedAt   time.Time
	AccountID   string
	Channel     Channel
	Template    Template
	Language    string
	ToSealed    []byte
	Data        map[string]string
	Status      Status
	Attempts    int
	NextAttempt time.Time
	MessageID   string // stable across retries, so a resend after a crash is recognisably the same message
	AAD         string // associated data ToSealed was sealed with; "" means "contact:"+AccountID
	TicketID    int64  // the ticket a reply or acknowledgement belongs to; 0 for account notices
	LastError   string // the last delivery error, without PII
	SentAt      time.Time
}

// Open statuses of rows a worker picks up.
const StatusSending Status = "sending"
