package authn

import (
	"context"
	"encoding/hex"
	"slices"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

// PhoneChoice is a phone a signing-in user may get a code on: its id and
// the number masked, never the number.
type PhoneChoice struct {
	ID       int64
	Masked   string
	Delivery account.Delivery
	Default  bool
}

// Choices are the second factors a user past the password step may use.
type Choices struct {
	Phones  []PhoneChoice
	Methods []account.MethodKind // the other kinds on the account, once each
}

// SecondFactors lists the user's second factors after the password step,
// phones masked (the sign-in page's choice of where to send a code). The
// listing is audited.
func (e *Engine) SecondFactors(ctx context.Context, p Pending) (Choices, error) {
	if err := e.checkPending(p); err != nil {
		return Choices{}, err
	}
	var out Choices
	err := e.st.Write(ctx, func(tx store.Tx) error {
		out = Choices{}
		phones, methods, err := methodCount(ctx, tx, p.accountID)
		if err != nil {
			return err
		}
		for _, ph := range phones {
			num, err := e.keys.Open(ph.Sealed, ContactAAD(p.accountID))
			if err != nil {
				return fault.Storage(err)
			}
			out.Phones = append(out.Phones, PhoneChoice{ID: ph.ID, Masked: account.MaskPhone(string(num)),
				Delivery: ph.Delivery, Default: ph.Default})
		}
		for _, m := range methods {
			if !slices.Contains(out.Methods, m.Kind) {
				out.Methods = append(out.Methods, m.Kind)
			}
		}
		return record(ctx, tx, access.User(p.accountID), e.clock.Now(), "auth.second_factors_listed", p.accountID, "")
	})
	return out, err
}

// ResetView is where the user's own account reset stands. Token is the
// deletion link's secret, set only once the request is granted: the
// granted notice does not carry it (no rendered mail or text does), so the
// user's account page, after the password step, is where the link is.
type ResetView struct {
	Stage       account.Stage
	RequestedAt time.Time
	GrantAt     time.Time
	ExpiresAt   time.Time
	Token       string
}

// ResetLink reads the user's reset after the password step and, while it
// is granted, opens the deletion token sealed with the granted notice.
// Showing the link is audited.
func (e *Engine) ResetLink(ctx context.Context, p Pending) (ResetView, error) {
	if err := e.checkPending(p); err != nil {
		return ResetView{}, err
	}
	now := e.clock.Now()
	id := p.accountID
	var out ResetView
	err := e.st.Write(ctx, func(tx store.Tx) error {
		out = ResetView{Stage: account.StageNone}
		r, err := tx.Reset(ctx, id)
		if err != nil || r == nil {
			return err
		}
		out = ResetView{Stage: r.StageAt(now), RequestedAt: r.RequestedAt, GrantAt: r.GrantAt(), ExpiresAt: r.ExpiresAt()}
		if out.Stage != account.StageGranted || len(r.TokenHash) == 0 {
			return nil // the wait is not over, or the jobs runner has not granted it yet
		}
		rows, err := tx.Outbox(ctx, id)
		if err != nil {
			return err
		}
		for i := len(rows) - 1; i >= 0 && out.Token == ""; i-- {
			n := rows[i]
			if n.Template != notify.TemplateResetGranted || n.Data["token_sealed"] == "" {
				continue
			}
			raw, err := hex.DecodeString(n.Data["token_sealed"])
			if err != nil {
				continue
			}
			tok, err := e.keys.Open(raw, ResetTokenAAD(id))
			if err == nil && e.keys.CodeMatches("reset:"+id, string(tok), r.TokenHash) {
				out.Token = string(tok)
			}
		}
		if out.Token == "" {
			return nil
		}
		return record(ctx, tx, access.User(id), now, "account_reset.link_shown", id, "")
	})
	return out, err
}
