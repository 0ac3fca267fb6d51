// Package store declares the persistence the core needs, as small
// interfaces a backend implements: store/sqlite (one file, one writer:
// the demo, tests and small desks) and store/postgres (several serve
// processes on one database). store/storetest is the conformance suite
// both pass.
package store

import (
	"context"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/notify"
	"supportdesk/core/ticket"
)

// Store opens transactions. Write runs fn in one write transaction and
// commits only if fn returns nil; Read runs fn on a consistent snapshot.
// Write transactions act as if run one after another: SQLite has one
// writer; PostgreSQL runs them at once and locks what each reads by key
// (a row, a counter, the audit head) until it commits, and reports a
// deadlock it breaks as fault.ErrConflict with nothing written.
type Store interface {
	Write(ctx context.Context, fn func(Tx) error) error
	Read(ctx context.Context, fn func(Reader) error) error
	Close() error
}

// Maintainer is what a backend may offer beyond the contract: the
// operator's tools. Callers ask for it with a type assertion.
type Maintainer interface {
	// Checkpoint folds a write-ahead log into the main file.
	Checkpoint(ctx context.Context) error
	// IntegrityCheck returns "ok" or the first problem found.
	IntegrityCheck(ctx context.Context) (string, error)
	// SchemaVersion is the migration the database is at.
	SchemaVersion(ctx context.Context) (int, error)
}

// Reader is what every transaction can read.
type Reader interface {
	AccountReader
	TicketReader
	AgentReader
	AuditReader
	OutboxReader
	StaffReader
	ProofingReader
	InboundReader
	AgentKeyReader
	// QueueStats counts open tickets by language and SLA state (breached
	// when due before now, at risk when due at or before risk) and the
	// outbox's backlog and failures, on one snapshot.
	QueueStats(ctx context.Context, now, risk time.Time) (QueueStats, error)
	Meta(ctx context.Context, key string) ([]byte, error)
	// MetaKeys lists meta keys that start with prefix and sort after
	// after, in order, at most limit.
	MetaKeys(ctx context.Context, prefix, after string, limit int) ([]string, error)
}

// Tx is a write transaction.
type Tx interface {
	Reader
	AccountWriter
	AgentWriter
	TicketWriter
	StaffWriter
	ProofingWriter
	InboundWriter
	AgentKeyWriter
	// AppendAudit seals e after the current head and stores it. Every core
	// caller appends through it. Over a store wrapped by core/auditlog it
	// also MACs the entry and signs the head at commit; a backend's own
	// AppendAudit seals the unkeyed chain only, and refuses once the log is
	// keyed (its head signed), so an unwrapped writer cannot slip unkeyed
	// entries into a keyed log.
	AppendAudit(ctx context.Context, e *audit.Entry) error
	// AppendAudits appends es in order, as AppendAudit would one after
	// another, in fewer statements (intake's group commit).
	AppendAudits(ctx context.Context, es []*audit.Entry) error
	Enqueue(ctx context.Context, n *notify.Notification) error
	// MarkOutbox stores a delivery attempt's outcome: Status, Attempts,
	// NextAttempt, LastError, SentAt and MessageID of n.
	MarkOutbox(ctx context.Context, n notify.Notification) error
	PutMeta(ctx context.Context, key string, value []byte) error
	DeleteMeta(ctx context.Context, key string) error
	PutThrottle(ctx context.Context, t Throttle) error
}

// ClockKey is a position in the running clocks, by due time then id.
type ClockKey struct {
	Due time.Time
	ID  int64
}

// Throttle is a counter in a time window (sign-in failures per IP, OTP
// sends per account).
type Throttle struct {
	Key         string
	Count       int
	WindowStart time.Time
}

// OneTimeCode is the pending SMS/voice code of an account, hashed.
type OneTimeCode struct {
	AccountID string
	PhoneID   int64
	Hash      []byte
	ExpiresAt time.Time
}

// Agency is a partner agency.
type Agency struct {
	ID   string
	Name string
}

// AccountReader reads the account model. Missing rows are fault.ErrNotFound.
type AccountReader interface {
	Account(ctx context.Context, id string) (account.Account, error)
	AccountIDByEmail(ctx context.Context, fp []byte) (string, error)
	AccountIDsByPhone(ctx context.Context, fp []byte) ([]string, error)
	Emails(ctx context.Context, accountID string) ([]account.Email, error)
	Phones(ctx context.Context, accountID string) ([]account.Phone, error)
	Methods(ctx context.Context, accountID string) ([]account.Method, error)
	BackupCodes(ctx context.Context, accountID string) ([]account.BackupCode, error)
	Profile(ctx context.Context, accountID string) (*account.Profile, error) // nil when none
	AgencyLinks(ctx context.Context, accountID string) ([]account.AgencyLink, error)
	Devices(ctx context.Context, accountID string) ([]account.Device, error)
	Events(ctx context.Context, accountID string, limit int) ([]account.Event, error) // newest first
	Reset(ctx context.Context, accountID string) (*account.Reset, error)              // nil when none
	// ResetsDue lists requests, not cancelled and not yet granted, made at
	// or before requestedBefore, oldest first.
	ResetsDue(ctx context.Context, requestedBefore time.Time, limit int) ([]account.Reset, error)
	// ResetsLapsed lists granted requests, not cancelled and not used,
	// granted at or before grantedBefore, oldest first.
	ResetsLapsed(ctx context.Context, grantedBefore time.Time, limit int) ([]account.Reset, error)
	OneTimeCode(ctx context.Context, accountID string) (*OneTimeCode, error) // nil when none
	Throttle(ctx context.Context, key string) (Throttle, error)              // zero when none
	Agencies(ctx context.Context) ([]Agency, error)
	CountAccounts(ctx context.Context) (int64, error)
}

// AccountWriter changes the account model.
type AccountWriter interface {
	InsertAccount(ctx context.Context, a account.Account) error
	// UpdateAccount stores a if its Version is still the stored one, and
	// bumps it; otherwise fault.ErrConflict.
	UpdateAccount(ctx context.Context, a *account.Account) error
	DeleteAccount(ctx context.Context, id string) error
	InsertEmail(ctx context.Context, e *account.Email) error
	TouchEmail(ctx context.Context, id int64, signIn time.Time) error
	InsertPhone(ctx context.Context, p *account.Phone) error
	DeletePhone(ctx context.Context, accountID string, id int64) error
	InsertMethod(ctx context.Context, m *account.Method) error
	UpdateMethod(ctx context.Context, m account.Method) error
	DeleteMethod(ctx context.Context, accountID string, id int64) error
	PutBackupCodes(ctx context.Context, accountID string, codes []account.BackupCode) error
	UseBackupCode(ctx context.Context, accountID string, index int, at time.Time) error
	PutProfile(ctx context.Context, p account.Profile) error
	PutAgency(ctx context.Context, a Agency) error
	PutAgencyLink(ctx context.Context, l account.AgencyLink) error
	InsertDevice(ctx context.Context, d *account.Device) error
	InsertEvent(ctx context.Context, e *account.Event) error
	PutReset(ctx context.Context, r account.Reset) error
	DeleteReset(ctx context.Context, accountID string) error
	PutOneTimeCode(ctx context.Context, c *OneTimeCode) error // replaces; ClearOneTimeCode removes
	ClearOneTimeCode(ctx context.Context, accountID string) error
}

// AgentReader reads staff records.
type AgentReader interface {
	AgentByEmail(ctx context.Context, fp []byte) (access.Agent, error)
	Agent(ctx context.Context, id string) (access.Agent, error)
	Agents(ctx context.Context) ([]access.Agent, error)
}

// AgentWriter changes staff records.
type AgentWriter interface {
	InsertAgent(ctx context.Context, a access.Agent) error
	UpdateAgent(ctx context.Context, a access.Agent) error
}

// IDV is where a user stands in identity proofing.
type IDV struct {
	AccountID      string
	Step           string
	IdentitySealed []byte // the identity data the user entered, sealed
	DocAt          time.Time
	ResolvedAt     time.Time
	VerifiedAt     time.Time
	StartedAt      time.Time
	UpdatedAt      time.Time
}

// IDVAttempt is one attempt at a proofing step.
type IDVAttempt struct {
	ID        int64
	AccountID string
	Step      string
	Passed    bool
	Reasons   []string // reason codes, never PII
	Detail    string   // e.g. the name of a mismatched field
	At        time.Time
}

// Enrollment is an in-person proofing enrollment.
type Enrollment struct {
	AccountID string
	Code      string
	Status    string
	CreatedAt time.Time
	ExpiresAt time.Time
	UpdatedAt time.Time
}

// Letter is a verify-by-mail letter; its code is stored hashed.
type Letter struct {
	ID        int64
	AccountID string
	CodeHash  []byte
	SentAt    time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// FraudReview is the review of a proofing attempt that raised a signal.
type FraudReview struct {
	AccountID string
	Status    string
	OpenedAt  time.Time
	DecidedAt time.Time
	DecidedBy string
}

// CallerCheck is one caller verification: a code sent to a contact the
// caller chose. AccountID is "" when the contact is no contact of record.
type CallerCheck struct {
	ID         string
	SessionID  string
	AccountID  string
	CodeHash   []byte
	Tries      int
	CreatedAt  time.Time
	ExpiresAt  time.Time
	VerifiedAt time.Time
	EndsAt     time.Time
	TicketID   int64
}

// ProofingReader reads identity proofing and caller verification.
type ProofingReader interface {
	IDV(ctx context.Context, accountID string) (*IDV, error) // nil when none
	// IDVAttempts lists an account's attempts, newest first.
	IDVAttempts(ctx context.Context, accountID string, limit int) ([]IDVAttempt, error)
	Enrollment(ctx context.Context, accountID string) (*Enrollment, error) // nil when none
	// EnrollmentsLapsed lists pending enrollments that expired at or before t.
	EnrollmentsLapsed(ctx context.Context, t time.Time, limit int) ([]Enrollment, error)
	Letters(ctx context.Context, accountID string) ([]Letter, error)         // newest first
	FraudReview(ctx context.Context, accountID string) (*FraudReview, error) // nil when none
	CallerCheck(ctx context.Context, id string) (CallerCheck, error)
	// CallerChecks lists a staff session's checks, newest first.
	CallerChecks(ctx context.Context, sessionID string) ([]CallerCheck, error)
}

// ProofingWriter changes identity proofing and caller verification.
type ProofingWriter interface {
	PutIDV(ctx context.Context, v IDV) error
	InsertIDVAttempt(ctx context.Context, a *IDVAttempt) error
	PutEnrollment(ctx context.Context, e Enrollment) error
	InsertLetter(ctx context.Context, l *Letter) error
	UseLetter(ctx context.Context, id int64, at time.Time) error
	PutFraudReview(ctx context.Context, f FraudReview) error
	PutCallerCheck(ctx context.Context, c CallerCheck) error
}

// StaffSession is a console or SSH session core issued at sign-in. Only
// the bearer token's hash is stored.
type StaffSession struct {
	ID        string
	TokenHash []byte
	AgentID   string
	Kind      string // tty, ssh
	CreatedAt time.Time
	ActiveAt  time.Time // last activity: the idle lock counts from it
	EndedAt   time.Time // zero while the session lives
	EndReason string
}

// DualState is where a dual-control request stands.
type DualState string

// The states of a request.
const (
	DualPending  DualState = "pending"
	DualApproved DualState = "approved"
	DualRejected DualState = "rejected"
	DualExpired  DualState = "expired"
)

// DualRequest is a dual-control request: one staff member asks, a
// different supervisor decides.
type DualRequest struct {
	ID          int64
	Kind        string // the action, e.g. account.suspend
	Target      string // account uuid
	Detail      string // e.g. a limiter's name
	Reason      string
	RequestedBy string
	RequestedAt time.Time
	ExpiresAt   time.Time
	State       DualState
	DecidedBy   string
	DecidedAt   time.Time
	Version     int64
}

// StaffReader reads sessions and dual-control requests.
type StaffReader interface {
	// StaffSession finds a session by its token hash.
	StaffSession(ctx context.Context, tokenHash []byte) (StaffSession, error)
	// DualRequest reads one request.
	DualRequest(ctx context.Context, id int64) (DualRequest, error)
	// DualRequests lists requests in a state, newest first ("" for all).
	DualRequests(ctx context.Context, state DualState, limit int) ([]DualRequest, error)
	// LiveAgents lists, once each, the agents with a session not ended
	// and created after a time (the session lifetime ago): signed in,
	// idle-locked or not.
	LiveAgents(ctx context.Context, createdAfter time.Time) ([]string, error)
}

// StaffWriter changes sessions and dual-control requests.
type StaffWriter interface {
	InsertStaffSession(ctx context.Context, s StaffSession) error
	// TouchStaffSession records activity on a live session.
	TouchStaffSession(ctx context.Context, id string, at time.Time) error
	// EndStaffSession ends one session; EndAgentSessions every live one of
	// an agent, returning how many.
	EndStaffSession(ctx context.Context, id string, at time.Time, reason string) error
	EndAgentSessions(ctx context.Context, agentID string, at time.Time, reason string) (int, error)
	// InsertDualRequest stores a new request and sets its ID, at version 1.
	InsertDualRequest(ctx context.Context, r *DualRequest) error
	// UpdateDualRequest stores r if its Version is still the stored one,
	// and bumps it; otherwise fault.ErrConflict.
	UpdateDualRequest(ctx context.Context, r *DualRequest) error
}

// AuditReader reads the audit log.
type AuditReader interface {
	// AuditHead is the last entry's seq and hash as recorded with the last
	// write (0, nil for an empty log); inside a write transaction it counts
	// the entries appended so far.
	AuditHead(ctx context.Context) (int64, []byte, error)
	// SignedAuditHead is the same head with its signature, which is empty
	// for a head stored before the log was keyed (and for an empty log).
	SignedAuditHead(ctx context.Context) (audit.Head, error)
	// AuditEntry reads the entry seq; a missing one is fault.ErrNotFound.
	AuditEntry(ctx context.Context, seq int64) (audit.Entry, error)
	// AuditScan calls fn for every entry in stored order.
	AuditScan(ctx context.Context, fn func(audit.Entry) error) error
	AuditTail(ctx context.Context, limit int) ([]audit.Entry, error)
	// AuditQuery lists the entries f selects, newest (highest Seq) first.
	AuditQuery(ctx context.Context, f AuditFilter) ([]audit.Entry, error)
}

// AuditFilter selects audit entries for a viewer. Zero fields select all.
type AuditFilter struct {
	ActorID  string
	TargetID string // account uuid, ticket ref, agent id
	// Action selects that action and the ones under it: "account" selects
	// "account.view" and "account.search", "account.view" only itself.
	Action string
	From   time.Time // At at or after From
	To     time.Time // At before To
	Before int64     // Seq below Before: the next page after the last Seq seen
	Limit  int       // at most this many; 0 for none
}

// AuditWriter stores audit rows exactly as given, without sealing. A
// backend's write transaction implements it for core/auditlog, which seals
// entries (chain hash and MAC) and signs the head; the rest of the core
// appends through Tx.AppendAudit and never sees these methods.
type AuditWriter interface {
	// InsertAudit stores a sealed entry; a Seq already taken is
	// fault.ErrConflict.
	InsertAudit(ctx context.Context, e audit.Entry) error
	// InsertAudits stores sealed entries in order, as InsertAudit would.
	InsertAudits(ctx context.Context, es []audit.Entry) error
	// PutAuditHead replaces the stored head.
	PutAuditHead(ctx context.Context, h audit.Head) error
}

// OutboxReader reads queued notifications.
type OutboxReader interface {
	// DueOutbox lists queued rows of one channel whose next attempt is at
	// or before now, oldest first.
	DueOutbox(ctx context.Context, now time.Time, channel notify.Channel, limit int) ([]notify.Notification, error)
	// TicketOutbox lists the rows of one ticket, oldest first.
	TicketOutbox(ctx context.Context, ticketID int64) ([]notify.Notification, error)
	Outbox(ctx context.Context, accountID string) ([]notify.Notification, error)
	OutboxCount(ctx context.Context) (int64, error)
	// DueOutboxLane is DueOutbox for one lane: account notices (rows of no
	// ticket) when ticketMail is false, ticket mail when it is true.
	DueOutboxLane(ctx context.Context, now time.Time, channel notify.Channel, ticketMail bool, limit int) ([]notify.Notification, error)
	// OutboxFailed counts the rows failed for good (a permanent refusal, or
	// out of attempts): what supervisors are shown.
	OutboxFailed(ctx context.Context) (int64, error)
}

// QueueRow is the part of a ticket a queue needs: enough to order, filter
// and classify without loading subjects and bodies.
type QueueRow struct {
	ID        int64
	Ref       string
	Language  string
	Category  ticket.Category
	Agency    string
	Status    ticket.Status
	Assignee  string
	CreatedAt time.Time
	Due       time.Time
	Paused    bool
	Fulfilled bool
	// FulfilledAt is when the first reply met the target, zero before.
	FulfilledAt time.Time
}

// Closure is a day the center is closed, added by a supervisor.
type Closure struct {
	Day       string // YYYY-MM-DD in the center's zone
	Reason    string
	CreatedBy string
	CreatedAt time.Time
}

// QueueKey is a ticket's place in queue order: its rank (0 clock
// running, 1 paused, 2 answered, 3 answered and paused), then its due
// time, then its id. A page starts after, or ends before, a key.
type QueueKey struct {
	Rank int
	Due  time.Time
	ID   int64
}

// KeyOf is a ticket's queue key.
func KeyOf(t ticket.Ticket) QueueKey {
	return QueueKey{Rank: Rank(t.SLA.Fulfilled(), t.SLA.Paused()), Due: t.SLA.Due, ID: t.ID}
}

// Rank is a clock's first place in queue order, as a backend stores it:
// 0 running, 1 paused, 2 answered, 3 answered and paused.
func Rank(fulfilled, paused bool) int {
	r := 0
	if fulfilled {
		r += 2
	}
	if paused {
		r++
	}
	return r
}

// QueueQuery selects a window of open tickets: running clocks first by
// due time (breached, at risk, on track), then paused ones, then those
// already answered. The window is the first Limit tickets after the key
// After (from the start when nil); with Backward, the last Limit tickets
// before it (up to the end when nil), still in queue order. A queue of
// solved and closed tickets alone is in the reverse order: newest first.
type QueueQuery struct {
	Statuses []ticket.Status
	// Agent scopes the queue to tickets assigned to it plus unassigned ones
	// in Languages; "" leaves it unscoped.
	Agent     string
	Languages []string
	Language  string
	Category  ticket.Category
	Agency    string
	Assignee  *string // exact assignee ("" for unassigned) when set
	Ref       string
	Requester []byte   // requester fingerprint
	Words     []string // every one must appear in the subject or the body (full-text, any backend)
	// DueBy keeps running clocks (not paused or fulfilled) due at or
	// before it: the at-risk and breached list.
	DueBy    time.Time
	After    *QueueKey
	Backward bool
	Limit    int
}

// Filter is an equality a queue query asks of one ticket column.
type Filter struct{ Column, Value string }

// Filters lists the equality filters q sets, by the column both backends
// store them in (the tallies have these columns too): language, category,
// agency and assignee ("" for unassigned).
func (q QueueQuery) Filters() []Filter {
	var out []Filter
	if q.Language != "" {
		out = append(out, Filter{"language", q.Language})
	}
	if q.Category != "" {
		out = append(out, Filter{"category", string(q.Category)})
	}
	if q.Agency != "" {
		out = append(out, Filter{"agency", q.Agency})
	}
	if q.Assignee != nil {
		out = append(out, Filter{"assignee", *q.Assignee})
	}
	return out
}

// StateCounts are open tickets by SLA state.
type StateCounts struct {
	OnTrack, AtRisk, Breached, Paused, Fulfilled int
}

// BoardCell is a language × agency × category group of open tickets.
type BoardCell struct {
	Language string
	Agency   string
	Category ticket.Category
	StateCounts
}

// LoadRow is one assignee's open tickets by state, and replies since a time.
type LoadRow struct {
	Assignee string
	StateCounts
	Replies int
}

// TicketReader reads tickets. Missing tickets are fault.ErrNotFound.
type TicketReader interface {
	// QueuePage returns the window the query selects (subjects, no bodies)
	// and how many tickets match in all.
	QueuePage(ctx context.Context, q QueueQuery) ([]ticket.Ticket, int, error)
	// BoardCells counts open tickets by language, agency, category and
	// state; a clock is breached when due before now, at risk when due at
	// or before risk.
	BoardCells(ctx context.Context, now, risk time.Time) ([]BoardCell, error)
	// Workload counts open tickets by assignee and state, with the public
	// replies each assignee wrote since repliesSince.
	Workload(ctx context.Context, now, risk, repliesSince time.Time) ([]LoadRow, error)
	// Attainment counts the tickets created in [from, now) whose target has
	// passed or been met, and those answered in time.
	Attainment(ctx context.Context, from, now time.Time) (total, inTime int, err error)
	Ticket(ctx context.Context, id int64) (ticket.Ticket, error)
	TicketByRef(ctx context.Context, ref string) (ticket.Ticket, error)
	TicketByIdempotencyKey(ctx context.Context, key string) (ticket.Ticket, error)
	// TicketsByAccount lists the tickets linked to an account, newest first.
	TicketsByAccount(ctx context.Context, accountID string, limit int) ([]ticket.Ticket, error)
	// TicketsByRequester lists a requester's tickets, newest first.
	TicketsByRequester(ctx context.Context, fp []byte, limit int) ([]ticket.Ticket, error)
	// SearchTickets finds the tickets whose subject or body hold every
	// word, best first; each backend builds its own full-text query.
	SearchTickets(ctx context.Context, words []string, limit int) ([]ticket.Ticket, error)
	TicketMessages(ctx context.Context, ticketID int64) ([]ticket.Message, error)
	SLAEvents(ctx context.Context, ticketID int64) ([]ticket.SLAEvent, error)
	// ScanQueue calls fn for every ticket whose status is one of statuses.
	ScanQueue(ctx context.Context, statuses []ticket.Status, fn func(QueueRow) error) error
	// BreachCandidates lists tickets whose running clock ran out at or
	// before now and whose breach is not logged yet.
	BreachCandidates(ctx context.Context, now time.Time, limit int) ([]ticket.Ticket, error)
	// RunningClocks lists open tickets whose clock runs (not paused, not
	// fulfilled) and is due after now, by due time then id, after key.
	RunningClocks(ctx context.Context, now time.Time, after ClockKey, limit int) ([]ticket.Ticket, error)
	// MaxTicketID is the largest ticket id, 0 when there is none.
	MaxTicketID(ctx context.Context) (int64, error)
	CountTickets(ctx context.Context) (int64, error)
	Closures(ctx context.Context) ([]Closure, error)
}

// TicketWriter changes tickets.
type TicketWriter interface {
	// InsertTicket stores t with its ID and Ref already set, at version 1.
	InsertTicket(ctx context.Context, t *ticket.Ticket) error
	// UpdateTicket stores t if its Version is still the stored one, and
	// bumps it; otherwise fault.ErrConflict.
	UpdateTicket(ctx context.Context, t *ticket.Ticket) error
	// UpdateClock stores a ticket's SLA clock alone and bumps its version,
	// so a writer holding the old version conflicts.
	UpdateClock(ctx context.Context, id int64, c ticket.Clock) error
	InsertTicketMessage(ctx context.Context, m *ticket.Message) error
	InsertSLAEvent(ctx context.Context, e *ticket.SLAEvent) error
	// InsertTickets stores new tickets, each with what comes with it, as
	// InsertTicket, InsertTicketMessage, InsertSLAEvent and Enqueue would
	// one after another, in a few statements for the whole batch (intake's
	// group commit): the IDs of the messages, events and notifications
	// are set as those would set them.
	InsertTickets(ctx context.Context, ts []NewTicket) error
	// RequesterRecent counts, for each address fingerprint, the tickets
	// it opened created after since, each count stopping at limit. The
	// requesters are taken one transaction at a time until it ends, so two
	// writes that count the same requester's tickets see each other's.
	RequesterRecent(ctx context.Context, fps [][]byte, since time.Time, limit int) ([]int, error)
	PutClosure(ctx context.Context, c Closure) error
	DeleteClosure(ctx context.Context, day string) error
}

// NewTicket is one ticket of InsertTickets: the ticket, with its ID and
// Ref set; its first message; the event that started its clock (nil: none);
// and its acknowledgement (nil: none).
type NewTicket struct {
	Ticket  *ticket.Ticket
	Message *ticket.Message
	Event   *ticket.SLAEvent
	Ack     *notify.Notification
}
