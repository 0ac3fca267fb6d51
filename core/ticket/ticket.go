// Package ticket is the contact-form side of the support domain: tickets,
// their message threads and their SLA clocks, intake with group commit, and
// search by reference, requester or full text.
package ticket

import (
	"fmt"
	"time"

	"supportdesk/core/sla"
)

// Channel is how a ticket arrived.
type Channel string

// The channels.
const (
	ChannelWeb   Channel = "web"
	ChannelEmail Channel = "email"
	ChannelPhone Channel = "phone"
)

// Category is what the requester needs help with.
type Category string

// The categories.
const (
	CategorySignIn        Category = "sign_in"
	CategoryLostMFA       Category = "lost_mfa"
	CategoryProofing      Category = "proofing"
	CategoryAccountLocked Category = "account_locked"
	CategoryEmailChange   Category = "email_change"
	CategoryOther         Category = "other"
)

// Categories lists every category.
var Categories = []Category{CategorySignIn, CategoryLostMFA, CategoryProofing, CategoryAccountLocked,
	CategoryEmailChange, CategoryOther}

// Status is where a ticket stands.
type Status string

// The statuses.
const (
	StatusNew     Status = "new"
	StatusOpen    Status = "open"
	StatusPending Status = "pending" // waiting on the requester: the SLA clock is paused
	StatusSolved  Status = "solved"
	StatusClosed  Status = "closed"
)

// Statuses lists every status.
var Statuses = []Status{StatusNew, StatusOpen, StatusPending, StatusSolved, StatusClosed}

// MessageKind is a line of the thread.
type MessageKind string

// The message kinds.
const (
	MessageInbound  MessageKind = "inbound"  // from the requester
	MessagePublic   MessageKind = "public"   // an agent's reply, mailed
	MessageInternal MessageKind = "internal" // an agent's note, never mailed
)

// Clock is a ticket's SLA clock (see core/sla).
type Clock = sla.Clock

// Ticket is one contact-center ticket. Requester address and name are
// sealed; subject and body are requester text, searchable, and sanitized
// wherever they are displayed.
type Ticket struct {
	ID              int64
	Ref             string
	Channel         Channel
	Language        string
	Category        Category
	RequesterSealed []byte
	RequesterFP     []byte
	NameSealed      []byte
	AccountID       string
	Agency          string
	Subject         string
	Body            string
	Status          Status
	Assignee        string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int64
	IdempotencyKey  string
	SLA             Clock
	FirstReplyAt    time.Time
	BreachLoggedAt  time.Time // "breached" logged for the current target; zero after a restart
	OpenedBy        string    // the agency desk that escalated it; "" for contact-form and mail tickets
	FollowsRef      string    // the older ticket a late reply by mail followed up; "" for most
	MailBouncedAt   time.Time // when mail to the requester last bounced; zero when none did
	SolvedAt        time.Time // when it was last marked solved: a reply within 7 days reopens it
}

// Message is one line of a ticket's thread.
type Message struct {
	ID        int64
	TicketID  int64
	Kind      MessageKind
	Author    string
	Body      string
	CreatedAt time.Time
}

// SLAEvent is one line of a ticket's SLA log.
type SLAEvent struct {
	ID       int64
	TicketID int64
	Kind     string // activated, paused, resumed, fulfilled, breached
	At       time.Time
	Due      time.Time
}

// LogEntry is the stored line of an SLA transition's event.
func LogEntry(ticketID int64, e sla.Event) *SLAEvent {
	return &SLAEvent{TicketID: ticketID, Kind: string(e.Kind), At: e.At, Due: e.Due}
}

// Ref formats a human reference: SD-2026-000123.
func Ref(year int, id int64) string { return fmt.Sprintf("SD-%d-%06d", year, id) }

// RequesterAAD binds a ticket's sealed requester fields to the ticket.
func RequesterAAD(ref string) string { return "requester:" + ref }
