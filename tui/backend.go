package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/access"
	"supportdesk/core/desk"
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
	Demo    []DemoCredential // nil outside demo mode
	Lang    string           // language before sign-in: en, es or fr
	Session string           // session id for the audit trail
	Now     func() time.Time // injected clock; time.Now when nil

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
