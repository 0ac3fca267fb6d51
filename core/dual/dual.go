// Package dual is dual control: a staff member asks for a sensitive change
// with a reason, and a supervisor other than the requester approves or
// rejects it. Applying the change, recording the decision and its audit
// entry happen in one transaction; a request expires after 4 hours.
package dual

import (
	"context"
	"strconv"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/clock"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// Kind is what a request asks for: the action of the matrix it needs.
type Kind = access.Action

// The kinds of request.
const (
	KindSuspend      Kind = access.ActSuspend
	KindReinstate    Kind = access.ActReinstate
	KindLimiterReset Kind = access.ActLimiterReset // Detail names the limiter
)

// DefaultTTL is how long a request waits for a decision.
const DefaultTTL = 4 * time.Hour

// Applier makes the change a request asks for, inside the approving
// transaction; a non-nil error leaves everything as it was.
type Applier func(ctx context.Context, tx store.Tx, approver access.Actor, r store.DualRequest, now time.Time) error

// Control holds the requests.
type Control struct {
	st     store.Store
	staff  *staff.Staff
	clock  clock.Clock
	ttl    time.Duration
	apply  map[Kind]Applier
	detail map[Kind]func(string) error
}

// New builds dual control with the account kinds registered.
func New(st store.Store, s *staff.Staff, c clock.Clock) *Control {
	ctl := &Control{st: st, staff: s, clock: c, ttl: DefaultTTL, apply: map[Kind]Applier{}, detail: map[Kind]func(string) error{}}
	noDetail := func(d string) error {
		if d != "" {
			return fault.Invalid("detail", fault.CodeInvalidInput)
		}
		return nil
	}
	ctl.Register(KindSuspend, noDetail, setStatus(account.StatusSuspended, account.EventSuspended))
	ctl.Register(KindReinstate, noDetail, setStatus(account.StatusActive, account.EventReinstated))
	return ctl
}

// Register adds a kind of request: check validates its detail when it is
// asked for, a applies it when it is approved.
func (c *Control) Register(k Kind, check func(detail string) error, a Applier) {
	c.apply[k], c.detail[k] = a, check
}

// setStatus is the applier that moves an account to a status.
func setStatus(to account.Status, ev account.EventKind) Applier {
	return func(ctx context.Context, tx store.Tx, _ access.Actor, r store.DualRequest, now time.Time) error {
		a, err := tx.Account(ctx, r.Target)
		if err != nil {
			return err
		}
		if err := precondition(Kind(r.Kind), a.Status); err != nil {
			return err
		}
		a.Status = to
		if err := tx.UpdateAccount(ctx, &a); err != nil {
			return err
		}
		return tx.InsertEvent(ctx, &account.Event{AccountID: a.ID, Kind: ev, At: now, Detail: "request=" + itoa(r.ID)})
	}
}

// precondition refuses a suspension of a suspended account, or a
// reinstatement of one that is not suspended.
func precondition(k Kind, st account.Status) error {
	switch {
	case k == KindSuspend && st == account.StatusSuspended:
		return fault.ErrConflict
	case k == KindReinstate && st != account.StatusSuspended:
		return fault.ErrConflict
	}
	return nil
}

// View is a request as the console lists it.
type View struct {
	store.DualRequest
	RequesterName string
	Mine          bool // the viewer asked: it cannot approve
}

// Request asks for a change on an account, with a reason; detail says
// more where the kind needs it (the limiter to clear).
func (c *Control) Request(ctx context.Context, tok staff.Token, kind Kind, accountID, detail, reason string) (View, error) {
	reason, err := desk.CheckReason(reason)
	if err != nil {
		return View{}, err
	}
	if _, ok := c.apply[kind]; !ok {
		return View{}, fault.Invalid("kind", fault.CodeInvalidInput)
	}
	if err := c.detail[kind](detail); err != nil {
		return View{}, err
	}
	var out View
	err = c.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		sc, err := desk.AccountScope(ctx, tx, actor, accountID)
		if err != nil {
			return err
		}
		if err := staff.Check(actor, kind, sc, "account", accountID); err != nil {
			return err
		}
		a, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		if err := precondition(kind, a.Status); err != nil {
			return err
		}
		pending, err := tx.DualRequests(ctx, store.DualPending, 500)
		if err != nil {
			return err
		}
		for _, p := range pending {
			if p.Kind == string(kind) && p.Target == accountID && p.Detail == detail && now.Before(p.ExpiresAt) {
				return fault.ErrConflict // one open request per change
			}
		}
		r := store.DualRequest{Kind: string(kind), Target: accountID, Detail: detail, Reason: reason, RequestedBy: actor.ID,
			RequestedAt: now, ExpiresAt: now.Add(c.ttl), State: store.DualPending}
		if err := tx.InsertDualRequest(ctx, &r); err != nil {
			return err
		}
		out = View{DualRequest: r, Mine: true}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "dual.request", "account", accountID,
			"request="+itoa(r.ID)+" kind="+string(kind)+detailPart(detail)))
	})
	return out, err
}

// Approve applies a pending request. The approver is a supervisor who did
// not ask; the change, the decision and the audit entry commit together.
func (c *Control) Approve(ctx context.Context, tok staff.Token, id int64) error {
	return c.decide(ctx, tok, id, true)
}

// Reject closes a pending request without applying it.
func (c *Control) Reject(ctx context.Context, tok staff.Token, id int64) error {
	return c.decide(ctx, tok, id, false)
}

func (c *Control) decide(ctx context.Context, tok staff.Token, id int64, approve bool) error {
	var outcome error
	err := c.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		outcome = nil
		r, err := tx.DualRequest(ctx, id)
		if err != nil {
			return err
		}
		target := "request=" + itoa(r.ID)
		if err := staff.Check(actor, access.ActApprove, actor.RequestScope(r.RequestedBy), "account", r.Target); err != nil {
			return err
		}
		if r.State != store.DualPending {
			return fault.New(fault.CodeRequestDecided)
		}
		if !now.Before(r.ExpiresAt) {
			// Expiry is recorded, not a refusal: the request is over.
			r.State, r.DecidedAt = store.DualExpired, now
			if err := tx.UpdateDualRequest(ctx, &r); err != nil {
				return err
			}
			outcome = fault.New(fault.CodeRequestExpired)
			return tx.AppendAudit(ctx, audit.Record(actor, now, "dual.expire", "account", r.Target, target))
		}
		action := "dual.reject"
		r.State = store.DualRejected
		if approve {
			if err := c.apply[Kind(r.Kind)](ctx, tx, actor, r, now); err != nil {
				return err
			}
			action, r.State = "dual.approve", store.DualApproved
		}
		r.DecidedBy, r.DecidedAt = actor.ID, now
		if err := tx.UpdateDualRequest(ctx, &r); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, action, "account", r.Target, target+" kind="+r.Kind+detailPart(r.Detail)))
	})
	if err != nil {
		return err
	}
	return outcome
}

// Pending lists the requests waiting for a decision: every one for a
// supervisor, the actor's own for others. Expired ones are left out.
func (c *Control) Pending(ctx context.Context, tok staff.Token) ([]View, error) {
	var out []View
	err := c.staff.Read(ctx, tok, func(r store.Reader, actor access.Actor, now time.Time) error {
		if !actor.Can(access.ActDualControlList, access.ScopeOwn) {
			return staff.Deny(access.ActDualControlList, "dual", "", nil)
		}
		all, err := r.DualRequests(ctx, store.DualPending, 500)
		if err != nil {
			return err
		}
		agents, err := r.Agents(ctx)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, a := range agents {
			names[a.ID] = a.DisplayName
		}
		out = out[:0]
		for _, q := range all {
			if !now.Before(q.ExpiresAt) || !actor.Can(access.ActDualControlList, actor.RequestScope(q.RequestedBy)) {
				continue
			}
			out = append(out, View{DualRequest: q, RequesterName: names[q.RequestedBy], Mine: q.RequestedBy == actor.ID})
		}
		return nil
	})
	return out, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func detailPart(d string) string {
	if d == "" {
		return ""
	}
	return " detail=" + d
}
