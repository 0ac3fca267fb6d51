package service

import (
	"context"

	"supportdesk/core/authn"
	"supportdesk/core/callers"
	"supportdesk/core/desk"
	"supportdesk/core/dual"
	"supportdesk/core/feed"
	"supportdesk/core/helpdesk"
	"supportdesk/core/inbox"
	"supportdesk/core/presence"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

// The console's calls, one method each, so a front end holds one Service.
// Every call takes the session's token; core resolves the actor from it.

// SignIn checks an agent's email, password and TOTP code and opens a
// session of kind (tty, ssh).
func (s *Service) SignIn(ctx context.Context, email, password, code, kind string) (staff.SignedIn, error) {
	return s.Staff.SignIn(ctx, email, password, code, kind)
}

// SignInByKey opens an SSH session for the agent whose registered key has
// fingerprint, once its TOTP code checks.
func (s *Service) SignInByKey(ctx context.Context, fingerprint, code string) (staff.SignedIn, error) {
	return s.Staff.SignInByKey(ctx, fingerprint, code)
}

// Unlock re-authenticates an idle-locked session.
func (s *Service) Unlock(ctx context.Context, tok staff.Token, password, code string) error {
	return s.Staff.Unlock(ctx, tok, password, code)
}

// Touch records the agent's activity.
func (s *Service) Touch(ctx context.Context, tok staff.Token) error { return s.Staff.Touch(ctx, tok) }

// SignOut ends the session.
func (s *Service) SignOut(ctx context.Context, tok staff.Token) error {
	return s.Staff.SignOut(ctx, tok)
}

// SetUILanguage stores the agent's console language.
func (s *Service) SetUILanguage(ctx context.Context, tok staff.Token, lang string) error {
	return s.Staff.SetUILanguage(ctx, tok, lang)
}

// Lookup finds one account and returns its masked view.
func (s *Service) Lookup(ctx context.Context, tok staff.Token, query string) (desk.AccountView, error) {
	return s.Desk.Lookup(ctx, tok, query)
}

// CancelReset cancels an account reset on a verified caller's word or as fraud.
func (s *Service) CancelReset(ctx context.Context, tok staff.Token, accountID string, why authn.CancelReason) error {
	return s.Desk.CancelReset(ctx, tok, accountID, why)
}

// Unmask shows one field in full for 15 minutes (supervisors, with a reason).
func (s *Service) Unmask(ctx context.Context, tok staff.Token, accountID, field string, index int, reason string) (desk.Unmasked, error) {
	return s.Desk.Unmask(ctx, tok, accountID, field, index, reason)
}

// RequestChange asks for a dual-control change on an account.
func (s *Service) RequestChange(ctx context.Context, tok staff.Token, kind dual.Kind, accountID, reason string) (dual.View, error) {
	return s.Dual.Request(ctx, tok, kind, accountID, "", reason)
}

// RequestLimiterReset asks for a proofing limiter to be cleared early (a
// vendor outage, a documented misread): a different supervisor decides.
func (s *Service) RequestLimiterReset(ctx context.Context, tok staff.Token, accountID, limiter, reason string) (dual.View, error) {
	return s.Dual.Request(ctx, tok, dual.KindLimiterReset, accountID, limiter, reason)
}

// PendingRequests lists the dual-control requests waiting for a decision.
func (s *Service) PendingRequests(ctx context.Context, tok staff.Token) ([]dual.View, error) {
	return s.Dual.Pending(ctx, tok)
}

// Decide approves or rejects a dual-control request.
func (s *Service) Decide(ctx context.Context, tok staff.Token, id int64, approve bool) error {
	if approve {
		return s.Dual.Approve(ctx, tok, id)
	}
	return s.Dual.Reject(ctx, tok, id)
}

// Queue returns a window of the actor's queue.
func (s *Service) Queue(ctx context.Context, tok staff.Token, f helpdesk.QueueFilter, at helpdesk.PageAt, limit int) (helpdesk.QueuePage, error) {
	return s.Tickets.Queue(ctx, tok, f, at, limit)
}

// Ticket returns a ticket as an agent works it.
func (s *Service) Ticket(ctx context.Context, tok staff.Token, id int64) (helpdesk.TicketView, error) {
	return s.Tickets.Ticket(ctx, tok, id)
}

// Reply mails a public reply.
func (s *Service) Reply(ctx context.Context, tok staff.Token, id, version int64, body string) (helpdesk.TicketView, error) {
	return s.Tickets.Reply(ctx, tok, id, version, body)
}

// Note adds an internal note.
func (s *Service) Note(ctx context.Context, tok staff.Token, id, version int64, body string) (helpdesk.TicketView, error) {
	return s.Tickets.Note(ctx, tok, id, version, body)
}

// SetStatus moves a ticket.
func (s *Service) SetStatus(ctx context.Context, tok staff.Token, id, version int64, st ticket.Status) (helpdesk.TicketView, error) {
	return s.Tickets.SetStatus(ctx, tok, id, version, st)
}

// Assign gives a ticket to an agent ("" unassigns).
func (s *Service) Assign(ctx context.Context, tok staff.Token, id, version int64, agentID string) (helpdesk.TicketView, error) {
	return s.Tickets.Assign(ctx, tok, id, version, agentID)
}

// Agents lists the staff a ticket may be assigned to.
func (s *Service) Agents(ctx context.Context, tok staff.Token) ([]helpdesk.AgentSummary, error) {
	return s.Tickets.Agents(ctx, tok)
}

// Board is the supervisor board.
func (s *Service) Board(ctx context.Context, tok staff.Token) (helpdesk.BoardView, error) {
	return s.Tickets.Board(ctx, tok)
}

// Reassign moves tickets to an agent in one go.
func (s *Service) Reassign(ctx context.Context, tok staff.Token, ids []int64, agentID string) (helpdesk.Reassigned, error) {
	return s.Tickets.Reassign(ctx, tok, ids, agentID)
}

// AddClosure closes the center on a day.
func (s *Service) AddClosure(ctx context.Context, tok staff.Token, day, reason string) error {
	return s.Tickets.AddClosure(ctx, tok, day, reason)
}

// RemoveClosure reopens a day.
func (s *Service) RemoveClosure(ctx context.Context, tok staff.Token, day string) error {
	return s.Tickets.RemoveClosure(ctx, tok, day)
}

// AccountTickets lists the tickets linked to an account that the actor may see.
func (s *Service) AccountTickets(ctx context.Context, tok staff.Token, accountID string) ([]helpdesk.QueueItem, error) {
	return s.Tickets.AccountTickets(ctx, tok, accountID)
}

// Escalate opens a ticket for the contact center about an account in an
// agency desk's scope.
func (s *Service) Escalate(ctx context.Context, tok staff.Token, e helpdesk.Escalation) (ticket.Ticket, error) {
	return s.Tickets.Escalate(ctx, tok, e)
}

// VerifyCaller sends a code to the email or phone a caller states, if it is
// a contact of record; the answer is the same either way. call links the
// verification to a call on record (0 for none).
func (s *Service) VerifyCaller(ctx context.Context, tok staff.Token, stated string, call int64) (callers.Check, error) {
	return s.Callers.Start(ctx, tok, stated, call)
}

// ConfirmCaller checks the code the caller read back and opens the account.
func (s *Service) ConfirmCaller(ctx context.Context, tok staff.Token, checkID, code string) (callers.Verified, error) {
	return s.Callers.Confirm(ctx, tok, checkID, code)
}

// StartCall puts a phone call on record.
func (s *Service) StartCall(ctx context.Context, tok staff.Token, language string, category ticket.Category) (ticket.Ticket, error) {
	return s.Tickets.StartCall(ctx, tok, language, category)
}

// RecordStep writes a guided step's outcome and note on a call.
func (s *Service) RecordStep(ctx context.Context, tok staff.Token, call int64, step, outcome, note string) (helpdesk.TicketView, error) {
	return s.Tickets.RecordStep(ctx, tok, call, step, outcome, note)
}

// EndCall closes a call with its outcome.
func (s *Service) EndCall(ctx context.Context, tok staff.Token, call int64, outcome, note string) (helpdesk.TicketView, error) {
	return s.Tickets.EndCall(ctx, tok, call, outcome, note)
}

// ResendResetNotice sends the account reset's current notice again.
func (s *Service) ResendResetNotice(ctx context.Context, tok staff.Token, accountID string) error {
	return s.Desk.ResendResetNotice(ctx, tok, accountID)
}

// DecideFraudReview closes a proofing fraud review (supervisors).
func (s *Service) DecideFraudReview(ctx context.Context, tok staff.Token, accountID string, passed bool) error {
	return s.Desk.DecideFraudReview(ctx, tok, accountID, passed)
}

// HeldMail lists the mail held for review, oldest first, with the total held.
func (s *Service) HeldMail(ctx context.Context, tok staff.Token, after int64, limit int) ([]inbox.HeldMail, int64, error) {
	return s.Inbox.Held(ctx, tok, after, limit)
}

// ReleaseHeld puts a held message on ticket ref as the requester's reply.
func (s *Service) ReleaseHeld(ctx context.Context, tok staff.Token, id int64, ref string) error {
	return s.Inbox.Release(ctx, tok, id, ref)
}

// DiscardHeld drops a held message from the list.
func (s *Service) DiscardHeld(ctx context.Context, tok staff.Token, id int64) error {
	return s.Inbox.Discard(ctx, tok, id)
}

// Changes subscribes to the change feed: notices of what committed writes
// changed, for a console to reload what it shows. cancel ends it, as does
// ctx.
func (s *Service) Changes(ctx context.Context) (<-chan feed.Change, func()) {
	return s.Feed.Subscribe(ctx)
}

// SetPresence says the session views a ticket, replies on it, or has left
// it, and returns the other agents on it.
func (s *Service) SetPresence(ctx context.Context, tok staff.Token, id int64, state presence.State) ([]presence.Viewer, error) {
	return s.Tickets.SetPresence(ctx, tok, id, state)
}
