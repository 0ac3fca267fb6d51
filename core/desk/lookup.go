package desk

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/proofing"
	"supportdesk/core/safetext"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// Classify tells what a query is and normalizes it, without touching the
// store. Queries over MaxQueryLength bytes or with control or format
// characters (core/safetext's policy) are refused before anything else.
func Classify(query string) (QueryKind, string, error) {
	if len(query) > MaxQueryLength {
		return "", "", fault.Invalid("query", fault.CodeQueryTooLong)
	}
	if !utf8.ValidString(query) {
		return "", "", fault.Invalid("query", fault.CodeQueryUnrecognised)
	}
	if strings.ContainsFunc(query, safetext.Refused) { // controls and format characters: the text policy
		return "", "", fault.Invalid("query", fault.CodeQueryUnrecognised)
	}
	q := strings.TrimSpace(query)
	switch {
	case q == "":
		return "", "", fault.Invalid("query", fault.CodeQueryUnrecognised)
	case strings.Contains(q, "@"):
		n, err := account.NormalizeEmail(q)
		return QueryEmail, n, err
	case account.LooksLikePhone(q):
		n, err := account.NormalizePhone(q)
		return QueryPhone, n, err
	}
	if id, err := uuid.Parse(q); err == nil && len(q) == 36 {
		return QueryUUID, id.String(), nil
	}
	return "", "", fault.Invalid("query", fault.CodeQueryUnrecognised)
}

// Lookup finds one account by exact email, phone or UUID and returns its
// masked view. The search is audited whatever it finds (the query itself,
// PII, is not recorded); a found account's view is audited too, in the
// same transaction. To an agency help desk an account outside its agencies
// answers exactly as a missing one, and is audited as a denied access.
func (d *Desk) Lookup(ctx context.Context, tok staff.Token, query string) (AccountView, error) {
	kind, norm, cerr := Classify(query)
	var view AccountView
	var outcome error
	err := d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := staff.Check(actor, access.ActSearch, access.ScopeGlobal, "account", ""); err != nil {
			return err
		}
		outcome, view = cerr, AccountView{}
		result := "invalid"
		id := ""
		if cerr == nil {
			var others int
			var err error
			id, others, err = d.resolve(ctx, tx, kind, norm)
			switch {
			case fault.CodeOf(err) == fault.CodeNotFound:
				outcome, result = fault.ErrNotFound, "none"
			case err != nil:
				return err
			default:
				view, err = d.load(ctx, tx, actor, id, now)
				switch {
				case errors.Is(err, fault.ErrNotPermitted):
					outcome, result, view, id = fault.ErrNotFound, "out_of_scope", AccountView{}, ""
				case err != nil:
					return err
				default:
					view.OtherMatches = others
					result = "found"
				}
			}
		}
		action := "account.search"
		if result == "out_of_scope" {
			action = "access.denied"
		}
		if err := tx.AppendAudit(ctx, audit.Record(actor, now, action, "account", id, "kind="+string(kind)+" result="+result)); err != nil {
			return err
		}
		if result != "found" {
			return nil
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, viewAction(view), "account", id, ""))
	})
	if err != nil {
		return AccountView{}, err
	}
	if outcome != nil {
		return AccountView{}, outcome
	}
	return view, nil
}

func viewAction(v AccountView) string {
	if v.Lite {
		return string(access.ActAccountLite)
	}
	return string(access.ActAccountView)
}

// resolve finds the account id for a normalized query.
func (d *Desk) resolve(ctx context.Context, r store.Reader, kind QueryKind, norm string) (string, int, error) {
	switch kind {
	case QueryEmail:
		id, err := r.AccountIDByEmail(ctx, d.keys.Fingerprint("email", norm))
		return id, 0, err
	case QueryPhone:
		ids, err := r.AccountIDsByPhone(ctx, d.keys.Fingerprint("phone", norm))
		if err != nil {
			return "", 0, err
		}
		return ids[0], len(ids) - 1, nil
	default:
		_, err := r.Account(ctx, norm)
		return norm, 0, err
	}
}

// AccountScope places an account for the actor, from its agency links as
// stored now.
func AccountScope(ctx context.Context, r store.Reader, actor access.Actor, id string) (access.Scope, error) {
	if actor.Role != access.RoleAgencyDesk {
		return actor.AccountScope(nil), nil
	}
	links, err := r.AgencyLinks(ctx, id)
	if err != nil {
		return "", err
	}
	ids := make([]string, len(links))
	for i, l := range links {
		ids[i] = l.AgencyID
	}
	return actor.AccountScope(ids), nil
}

// load builds the masked view of one account, full or lite as the actor's
// role and the account's scope allow, or fault.ErrNotPermitted.
func (d *Desk) load(ctx context.Context, r store.Reader, actor access.Actor, id string, now time.Time) (AccountView, error) {
	a, err := r.Account(ctx, id)
	if err != nil {
		return AccountView{}, err
	}
	sc, err := AccountScope(ctx, r, actor, id)
	if err != nil {
		return AccountView{}, err
	}
	lite := false
	switch {
	case actor.Can(access.ActAccountView, sc):
	case actor.Can(access.ActAccountLite, sc):
		lite = true
	default:
		return AccountView{}, &fault.Error{Code: fault.CodeNotPermitted, Limit: string(access.ActAccountView)}
	}
	v := AccountView{ID: a.ID, Lite: lite, CreatedAt: a.CreatedAt, Language: a.EmailLanguage, Status: a.Status,
		IAL: a.IAL}
	if now.Before(a.LockedUntil) {
		v.LockedUntil = a.LockedUntil
	}
	aad := authn.ContactAAD(id)
	if !lite {
		emails, err := r.Emails(ctx, id)
		if err != nil {
			return v, err
		}
		for _, e := range emails {
			plain, err := d.keys.Open(e.Sealed, aad)
			if err != nil {
				return v, fault.Storage(err)
			}
			v.Emails = append(v.Emails, EmailView{Masked: account.MaskEmail(string(plain)), ConfirmedAt: e.ConfirmedAt, LastSignIn: e.LastSignIn})
		}
	}
	links, err := r.AgencyLinks(ctx, id)
	if err != nil {
		return v, err
	}
	if lite {
		// The desk sees its own agencies' links only: the last sign-in there.
		links = slices.DeleteFunc(links, func(l account.AgencyLink) bool { return !slices.Contains(actor.Agencies, l.AgencyID) })
	}
	if len(links) > 0 {
		agencies, err := r.Agencies(ctx)
		if err != nil {
			return v, err
		}
		names := make(map[string]string, len(agencies))
		for _, ag := range agencies {
			names[ag.ID] = ag.Name
		}
		for _, l := range links {
			v.Agencies = append(v.Agencies, AgencyView{ID: l.AgencyID, Name: names[l.AgencyID], FirstAt: l.FirstAt, LastAt: l.LastAt})
		}
	}
	phones, err := r.Phones(ctx, id)
	if err != nil {
		return v, err
	}
	for _, p := range phones {
		if !lite {
			plain, err := d.keys.Open(p.Sealed, aad)
			if err != nil {
				return v, fault.Storage(err)
			}
			v.Phones = append(v.Phones, PhoneView{Masked: account.MaskPhone(string(plain)), Delivery: p.Delivery, Default: p.Default})
		}
		if lite {
			v.Methods = append(v.Methods, MethodView{Kind: account.KindPhone})
			continue
		}
		v.Methods = append(v.Methods, MethodView{Kind: account.KindPhone, CreatedAt: p.CreatedAt, LastUsed: p.LastUsed})
	}
	methods, err := r.Methods(ctx, id)
	if err != nil {
		return v, err
	}
	for _, m := range methods {
		mv := MethodView{Kind: m.Kind, Name: m.Name, CreatedAt: m.CreatedAt, LastUsed: m.LastUsed}
		if lite {
			mv = MethodView{Kind: m.Kind}
		}
		if m.Kind == account.KindBackupCodes {
			codes, err := r.BackupCodes(ctx, id)
			if err != nil {
				return v, err
			}
			for _, c := range codes {
				if c.UsedAt.IsZero() {
					mv.Remaining++
				}
			}
		}
		v.Methods = append(v.Methods, mv)
	}
	if lite {
		return v, nil
	}
	p, err := r.Profile(ctx, id)
	if err != nil {
		return v, err
	}
	if p != nil {
		v.Profile = &ProfileView{State: p.State, VerifiedAt: p.VerifiedAt, DeactivationReason: p.DeactivationReason, PersonalKeyAt: p.PersonalKeyAt}
	}
	rs, err := r.Reset(ctx, id)
	if err != nil {
		return v, err
	}
	if rs != nil {
		v.Reset = &ResetView{Stage: rs.StageAt(now), RequestedAt: rs.RequestedAt, GrantAt: rs.GrantAt(),
			ExpiresAt: rs.ExpiresAt(), CancelledAt: rs.CancelledAt, CancelledBy: rs.CancelledBy}
	}
	if v.Devices, err = r.Devices(ctx, id); err != nil {
		return v, err
	}
	if v.Proofing, err = proofing.Snapshot(ctx, r, id, now); err != nil {
		return v, err
	}
	if actor.Can(access.ActAccountEvents, sc) {
		v.Events, err = r.Events(ctx, id, EventLimit)
	}
	return v, err
}

// View returns an account's masked view by id, for a panel beside a ticket
// linked to it, and audits the view with its reason (e.g. "ticket=SD-…").
// Outside an agency desk's scope it is "not found", audited as denied.
func (d *Desk) View(ctx context.Context, tok staff.Token, id, reason string) (AccountView, error) {
	var view AccountView
	err := d.staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		var err error
		view, err = d.ViewTx(ctx, tx, actor, id, reason, now)
		return err
	})
	if err != nil {
		return AccountView{}, err
	}
	return view, nil
}

// ViewTx loads and audits an account's view inside a caller's transaction,
// for an actor core resolved (the ticket view shows the linked account).
// Outside the actor's scope it is a denial that answers "not found".
func (d *Desk) ViewTx(ctx context.Context, tx store.Tx, actor access.Actor, id, reason string, now time.Time) (AccountView, error) {
	view, err := d.load(ctx, tx, actor, id, now)
	if errors.Is(err, fault.ErrNotPermitted) {
		return AccountView{}, staff.Deny(access.ActAccountView, "account", id, fault.ErrNotFound)
	}
	if err != nil {
		return AccountView{}, err
	}
	return view, tx.AppendAudit(ctx, audit.Record(actor, now, viewAction(view), "account", id, reason))
}
