package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/desk"
	"supportdesk/core/helpdesk"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// Backend is what the console asks of the core. The console never reads the
// database: every call goes through this interface, from a tea.Cmd.
// *desk.Desk implements it.
type Backend interface {
	// SignIn checks an agent's email, password and TOTP code. Failures are
	// *fault.Error values (bad_credentials, rate_limited with Until, ...).
	SignIn(ctx context.Context, email, password, code, session string) (desk.SignedIn, error)
	// Lookup finds one account by exact email, phone (E.164, formatting
	// allowed) or UUID, and returns its masked view. Errors are *fault.Error
	// (not_found, query_too_long, query_unrecognised, phone_malformed,
	// email_malformed, not_permitted).
	Lookup(ctx context.Context, actor access.Actor, query string) (desk.AccountView, error)
	// SetUILanguage stores the agent's console language.
	SetUILanguage(ctx context.Context, actor access.Actor, lang string) error
}

// DemoCredential is one demo agent shown on the sign-in screen in demo
// mode only.
type DemoCredential struct {
	Role     access.Role
	Email    string
	Password string
	// TOTP returns the agent's current code, so a new user can sign in.
	TOTP func(now time.Time) string
}

// Options configure one console session (one terminal or SSH session).
type Options struct {
	Backend Backend
	// Tickets serves the queue, ticket view and supervisor board; nil
	// leaves the console to account look-up only.
	Tickets Tickets
	Demo    []DemoCredential // nil outside demo mode
	// DemoQueries are seeded accounts a new user can look up (demo mode
	// only): an email, a phone, a UUID.
	DemoQueries []string
	Lang        string           // language before sign-in: en, es or fr
	Session     string           // session id for the audit trail
	Now         func() time.Time // injected clock; time.Now when nil

	// Context ends the session's backend calls when the terminal or SSH
	// session goes away; context.Background when nil.
	Context context.Context
	// Renderer is the session's lipgloss renderer (one per SSH session);
	// lipgloss.DefaultRenderer when nil.
	Renderer *lipgloss.Renderer
	// LightBackground tells the styles the terminal is light. It is set up
	// front because querying the terminal for its background can hang.
	LightBackground bool
	// Bundle holds the messages; loaded once per process when nil.
	Bundle *i18n.Bundle
	// Location is the zone dates are shown in; i18n.DefaultZone when nil.
	Location *time.Location
}

// Tickets is what the queue, ticket view and supervisor board ask of the
// core. Ticket writes take the Version the agent saw; a ticket changed
// meanwhile comes back as a fault.CodeConflict error: say so and reload.
type Tickets interface {
	// Queue returns a window of the agent's queue: tickets assigned to it
	// plus unassigned ones in its languages, ordered by due time.
	Queue(ctx context.Context, actor access.Actor, f helpdesk.QueueFilter, offset, limit int) (helpdesk.QueuePage, error)
	Ticket(ctx context.Context, actor access.Actor, id int64) (helpdesk.TicketView, error)
	// Reply mails a public reply (it meets the SLA target); Note adds an
	// internal note. Both return the ticket as it now is.
	Reply(ctx context.Context, actor access.Actor, id, version int64, body string) (helpdesk.TicketView, error)
	Note(ctx context.Context, actor access.Actor, id, version int64, body string) (helpdesk.TicketView, error)
	SetStatus(ctx context.Context, actor access.Actor, id, version int64, status ticket.Status) (helpdesk.TicketView, error)
	// Assign gives the ticket to an agent; "" unassigns.
	Assign(ctx context.Context, actor access.Actor, id, version int64, agentID string) (helpdesk.TicketView, error)
	Agents(ctx context.Context, actor access.Actor) ([]helpdesk.AgentSummary, error)
	// Board is the supervisor board (supervisors only: not_permitted otherwise).
	Board(ctx context.Context, actor access.Actor) (helpdesk.BoardView, error)
	// Reassign moves tickets to an agent in one go; it returns how many moved.
	Reassign(ctx context.Context, actor access.Actor, ids []int64, agentID string) (int, error)
	AddClosure(ctx context.Context, actor access.Actor, day, reason string) error
	RemoveClosure(ctx context.Context, actor access.Actor, day string) error
	// AccountTickets lists the tickets linked to an account, newest first.
	AccountTickets(ctx context.Context, actor access.Actor, accountID string) ([]helpdesk.QueueItem, error)
}
