package helpdesk

import (
	"maps"
	"slices"
	"time"

	"supportdesk/core/desk"
	"supportdesk/core/presence"
	"supportdesk/core/sla"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// QueueFilter narrows a queue. Empty fields match everything.
type QueueFilter struct {
	Status   ticket.Status // one of FilterStatuses, or "" for the three open ones
	Language string
	Category ticket.Category
	Agency   string
	// Search is a reference (SD-2026-000123), a requester's exact email,
	// or words matched against subject and body (full text).
	Search string
}

// QueueItem is one row of a queue, ready to show: the requester masked,
// the SLA state and the business time left.
type QueueItem struct {
	ID              int64
	Place           QueueKey // its place in queue order, where a next or previous page starts
	Ref             string
	Language        string
	Category        ticket.Category
	Agency          string
	AgencyName      string // the agency's name, "" when none or unknown
	Status          ticket.Status
	Assignee        string // agent id, "" when unassigned
	AssigneeName    string
	RequesterMasked string // j•••@example.com
	CreatedAt       time.Time
	Due             time.Time
	State           sla.State
	Left            time.Duration // business time left; negative once breached
	Subject         string        // requester text: sanitize before display
}

// QueuePage is a window of a queue, most urgent first: tickets waiting for
// a reply by due time, then paused ones, then answered ones.
type QueuePage struct {
	Items    []QueueItem
	Total    int // rows matching the filter
	At       time.Time
	Agencies []AgencyOption // every partner agency, by name: the agency filter's values
}

// AgencyOption is a partner agency a queue can be filtered by.
type AgencyOption struct {
	ID   string
	Name string
}

// QueueKey is a ticket's place in queue order.
type QueueKey = store.QueueKey

// PageAt places a queue window: the first rows (the zero value), the rows
// just after a key, the rows just before one, or the last rows.
type PageAt struct {
	After  *QueueKey
	Before *QueueKey
	Last   bool
}

// MessageView is one line of a ticket's thread.
type MessageView struct {
	Kind       ticket.MessageKind
	AuthorName string // agent display name, or "" for the requester
	Body       string // sanitize before display
	At         time.Time
}

// TicketView is a ticket as an agent works it.
type TicketView struct {
	ID              int64
	Version         int64 // pass back to Reply/Note/SetStatus/Assign
	Ref             string
	Channel         ticket.Channel
	Language        string
	Category        ticket.Category
	Agency          string
	AgencyName      string
	Status          ticket.Status
	Assignee        string
	AssigneeName    string
	Subject         string // sanitize before display
	RequesterMasked string
	RequesterName   string // for the greeting macro; sanitize before display
	CreatedAt       time.Time
	Due             time.Time
	State           sla.State
	Left            time.Duration
	Messages        []MessageView
	SLALog          []ticket.SLAEvent
	Account         *desk.AccountView // the linked account, masked; nil when none
	FollowsRef      string            // the older ticket a late reply by mail followed up; "" for most
	MailBounced     time.Time         // when mail to the requester last bounced; zero when none did
	// Present are the other agents who have the ticket open now (not the
	// viewer), replying before viewing in importance; empty for most.
	Present []presence.Viewer
	// AnswerBy is the date a reply may promise the next answer by: the due
	// time while the ticket is on track, else a full reply target from now
	// on the business calendar (a breached ticket's due time is past).
	AnswerBy time.Time
}

// Cell is one line of the supervisor's counts: a language × agency ×
// category combination and how many of its open tickets are in each state.
type Cell struct {
	Language   string
	Agency     string
	AgencyName string // "" when none or unknown
	Category   ticket.Category
	OnTrack    int
	AtRisk     int
	Breached   int
	Paused     int
}

// LanguageLoad is one language's backlog and who can answer it: open
// tickets not yet answered (breached and at risk among them), and the
// agents working that language with a session open now.
type LanguageLoad struct {
	Language       string
	Waiting        int
	AtRisk         int
	Breached       int
	AgentsSignedIn int
}

// AgentLoad is one agent's workload.
type AgentLoad struct {
	AgentID      string
	Name         string
	Open         int
	AtRisk       int
	Breached     int
	RepliesToday int
}

// Attainment is "answered within 2 business days" over a window: tickets
// whose target fell in the window, and how many were answered in time.
type Attainment struct {
	Days     int
	Total    int
	InTime   int
	Ratio    float64 // InTime / Total; 1 when Total is 0
	Target   float64 // 0.90
	Achieved bool
}

// AttainmentTarget is the share of tickets to answer within the target.
const AttainmentTarget = 0.90

// BoardView is the supervisor board.
type BoardView struct {
	At         time.Time
	Cells      []Cell
	Totals     map[sla.State]int
	Workload   []AgentLoad
	Languages  []LanguageLoad // en, es, fr, each whether or not it has tickets
	Urgent     []QueueItem    // breached and at-risk tickets, most urgent first
	Attainment []Attainment
	Closures   []ClosureView
	MailFailed int64 // outbox rows failed for good (a relay's 5xx, or out of attempts)
}

// clone copies the board's slices and map, so that supervisors who shared
// one read of it each hold their own.
func (v BoardView) clone() BoardView {
	v.Cells = slices.Clone(v.Cells)
	v.Totals = maps.Clone(v.Totals)
	v.Workload = slices.Clone(v.Workload)
	v.Languages = slices.Clone(v.Languages)
	v.Urgent = slices.Clone(v.Urgent)
	v.Attainment = slices.Clone(v.Attainment)
	v.Closures = slices.Clone(v.Closures)
	return v
}

// ClosureView is a closure day.
type ClosureView struct {
	Day    string // YYYY-MM-DD
	Reason string
}

// AgentSummary names an agent for assignment pickers.
type AgentSummary struct {
	ID        string
	Name      string
	Languages []string
}
