package desk

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// Classify tells what a query is and normalizes it, without touching the
// store. Queries over MaxQueryLength bytes or with control characters are
// refused before anything else.
func Classify(query string) (QueryKind, string, error) {
	if len(query) > MaxQueryLength {
		return "", "", fault.Invalid("query", fault.CodeQueryTooLong)
	}
	if !utf8.ValidString(query) {
		return "", "", fault.Invalid("query", fault.CodeQueryUnrecognised)
	}
	for _, r := range query {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return "", "", fault.Invalid("query", fault.CodeQueryUnrecognised)
		}
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
// same transaction. Agency help desks see only accounts linked to their
// agencies; any other account is "not found" to them.
func (d *Desk) Lookup(ctx context.Context, actor access.Actor, query string) (AccountView, error) {
	if err := actor.Authorize(access.PermAccountSearch); err != nil {
		return AccountView{}, err
	}
	kind, norm, cerr := Classify(query)
	now := d.clock.Now()
	var view AccountView
	var outcome error
	err := d.st.Write(ctx, func(tx store.Tx) error {
		outcome = cerr
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
				view, err = d.load(ctx, tx, actor, id)
				if err != nil {
					return err
				}
				view.OtherMatches = others
				if !actor.InScope(agencyIDs(view.Agencies)) {
					outcome, result, view, id = fault.ErrNotFound, "out_of_scope", AccountView{}, ""
				} else {
					result = "found"
				}
			}
		}
		detail := "kind=" + string(kind) + " result=" + result
		if err := tx.AppendAudit(ctx, audit.Record(actor, now, "account.search", "account", id, detail)); err != nil {
			return err
		}
		if result != "found" {
			return nil
		}
		action := "account.view"
		if view.Lite {
			action = "account.view_lite"
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, action, "account", id, ""))
	})
	if err != nil {
		return AccountView{}, err
	}
	if outcome != nil {
		return AccountView{}, outcome
	}
	return view, nil
}

func agencyIDs(a []AgencyView) []string {
	ids := make([]string, len(a))
	for i, v := range a {
		ids[i] = v.ID
	}
	return ids
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

// Resolve is the read path of Lookup without the audit write: benchmarks
// measure it, and later callers that already audited reuse it.
func (d *Desk) Resolve(ctx context.Context, actor access.Actor, query string) (AccountView, error) {
	if err := actor.Authorize(access.PermAccountSearch); err != nil {
		return AccountView{}, err
	}
	kind, norm, err := Classify(query)
	if err != nil {
		return AccountView{}, err
	}
	var view AccountView
	err = d.st.Read(ctx, func(r store.Reader) error {
		id, others, err := d.resolve(ctx, r, kind, norm)
		if err != nil {
			return err
		}
		view, err = d.load(ctx, r, actor, id)
		view.OtherMatches = others
		return err
	})
	if err == nil && !actor.InScope(agencyIDs(view.Agencies)) {
		return AccountView{}, fault.ErrNotFound
	}
	return view, err
}

// load builds the masked view of one account.
func (d *Desk) load(ctx context.Context, r store.Reader, actor access.Actor, id string) (AccountView, error) {
	a, err := r.Account(ctx, id)
	if err != nil {
		return AccountView{}, err
	}
	lite := !actor.Can(access.PermAccountView)
	if lite {
		if err := actor.Authorize(access.PermAccountViewLite); err != nil {
			return AccountView{}, err
		}
	}
	v := AccountView{ID: a.ID, Lite: lite, CreatedAt: a.CreatedAt, Language: a.EmailLanguage, Status: a.Status,
		IAL: a.IAL}
	if d.clock.Now().Before(a.LockedUntil) {
		v.LockedUntil = a.LockedUntil
	}
	emails, err := r.Emails(ctx, id)
	if err != nil {
		return v, err
	}
	aad := authn.ContactAAD(id)
	for _, e := range emails {
		plain, err := d.keys.Open(e.Sealed, aad)
		if err != nil {
			return v, fault.Storage(err)
		}
		v.Emails = append(v.Emails, EmailView{Masked: account.MaskEmail(string(plain)), ConfirmedAt: e.ConfirmedAt, LastSignIn: e.LastSignIn})
	}
	links, err := r.AgencyLinks(ctx, id)
	if err != nil {
		return v, err
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
		v.Methods = append(v.Methods, MethodView{Kind: account.KindPhone, CreatedAt: p.CreatedAt, LastUsed: p.LastUsed})
	}
	methods, err := r.Methods(ctx, id)
	if err != nil {
		return v, err
	}
	for _, m := range methods {
		mv := MethodView{Kind: m.Kind, Name: m.Name, CreatedAt: m.CreatedAt, LastUsed: m.LastUsed}
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
		v.Reset = &ResetView{Stage: rs.StageAt(d.clock.Now()), RequestedAt: rs.RequestedAt, GrantAt: rs.GrantAt(),
			ExpiresAt: rs.ExpiresAt(), CancelledAt: rs.CancelledAt, CancelledBy: rs.CancelledBy}
	}
	if lite {
		return v, nil
	}
	if v.Devices, err = r.Devices(ctx, id); err != nil {
		return v, err
	}
	v.Events, err = r.Events(ctx, id, EventLimit)
	return v, err
}

// ResolveID is the bare look-up: classify, fingerprint, one indexed read.
// It neither audits nor loads the view; benchmarks measure it.
func (d *Desk) ResolveID(ctx context.Context, actor access.Actor, query string) (string, error) {
	if err := actor.Authorize(access.PermAccountSearch); err != nil {
		return "", err
	}
	kind, norm, err := Classify(query)
	if err != nil {
		return "", err
	}
	var id string
	err = d.st.Read(ctx, func(r store.Reader) error {
		id, _, err = d.resolve(ctx, r, kind, norm)
		return err
	})
	return id, err
}

// View returns an account's masked view by id, for a panel beside a ticket
// linked to it, and audits the view with its reason (e.g. "ticket=SD-…").
// Agency help desks see only accounts of their agencies.
func (d *Desk) View(ctx context.Context, actor access.Actor, id, reason string) (AccountView, error) {
	if err := actor.Authorize(access.PermAccountSearch); err != nil {
		return AccountView{}, err
	}
	now := d.clock.Now()
	var view AccountView
	err := d.st.Write(ctx, func(tx store.Tx) error {
		var err error
		view, err = d.load(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !actor.InScope(agencyIDs(view.Agencies)) {
			return fault.ErrNotFound
		}
		action := "account.view"
		if view.Lite {
			action = "account.view_lite"
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, action, "account", id, reason))
	})
	if err != nil {
		return AccountView{}, err
	}
	return view, nil
}
