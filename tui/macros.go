package tui

import (
	"errors"
	"strings"
	"time"

	"supportdesk/core/desk"
	"supportdesk/core/helpdesk"
	"supportdesk/core/limit"
	"supportdesk/core/proofing"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// macro is a reply macro. Its texts live in locales/macros.<lang>.toml:
// reply.<name>.title in the agent's language for the picker, and
// reply.<name>.body in the ticket's language for the requester. The mail
// template adds the greeting, closing and signature, so a body has none.
type macro struct {
	name string
	// status is set on the ticket once the reply is sent ("" leaves it):
	// a macro that asks the requester to act sends and sets pending.
	status ticket.Status
	// limiter is the proofing limiter a failure reason's retry counts
	// against; nil when none does.
	limiter *limit.Limit
}

// macros are the reply macros in picker order: the general ones, then the
// proofing tips, one for each failure reason core/proofing reports.
var macros = append([]macro{
	{name: "more_info", status: ticket.StatusPending},
	{name: "investigating"},
	{name: "lost_phone"},
	{name: "account_reset", status: ticket.StatusPending},
	{name: "personal_key"},
	{name: "account_locked"},
	{name: "email_change"},
	{name: "phishing"},
	{name: "in_person", status: ticket.StatusPending},
}, proofingMacros()...)

// proofingMacros gives every proofing failure reason its tips, which
// leave the ticket pending while the requester tries again.
func proofingMacros() []macro {
	out := make([]macro, 0, len(proofing.Reasons))
	for _, r := range proofing.Reasons {
		m := macro{name: "proofing_" + string(r), status: ticket.StatusPending}
		switch r {
		case proofing.ReasonGlare, proofing.ReasonBlur, proofing.ReasonBarcode, proofing.ReasonExpired,
			proofing.ReasonWrongType, proofing.ReasonSelfie:
			m.limiter = &proofing.DocAuth
		case proofing.ReasonDataMismatch:
			m.limiter = &proofing.Resolve
		case proofing.ReasonPhoneUnverified:
			m.limiter = &proofing.PhoneAddress
		}
		out = append(out, m)
	}
	return out
}

// Waits the macros quote, Login.gov's defaults.
const (
	resetWaitHours    = 24 // the account reset's wait, and the deletion link's life
	lockoutMinutes    = 10 // the MFA lock after too many wrong codes
	maxEmailAddresses = 12
)

// errMacroNoDate refuses a macro that would promise a date the ticket
// does not have ahead of it.
var errMacroNoDate = errors.New("tui: no date ahead to promise")

// macroByName finds a macro.
func macroByName(name string) (macro, bool) {
	for _, m := range macros {
		if m.name == name {
			return m, true
		}
	}
	return macro{}, false
}

// macroItems lists the macros for the picker, titled in the agent's
// language; a macro that sets a status says so.
func macroItems(c *common) []pickItem {
	items := make([]pickItem, 0, len(macros))
	for _, m := range macros {
		it := pickItem{label: c.loc.T("reply." + m.name + ".title"), value: m.name}
		if m.status != "" {
			it.detail = c.loc.T("composer.macro_sets", map[string]any{"Status": enumText(c.loc, "ticket_status", string(m.status))})
		}
		items = append(items, it)
	}
	return items
}

// macroBody renders a macro in the ticket's language, never the agent's:
// the text goes to the requester. Dates and times come from the ticket and
// its account as core sent them, formatted in that language and naming
// the center's zone. A macro that would promise a date already past
// refuses with errMacroNoDate.
func macroBody(c *common, name string, v *helpdesk.TicketView) (string, error) {
	m, ok := macroByName(name)
	if !ok {
		return "", errors.New("tui: unknown macro " + name)
	}
	tl := c.loc.WithLang(v.Language)
	now := c.now()
	// A time for a letter: its date in words and its clock time with the zone named.
	at := func(t time.Time) string {
		return tl.T("reply.at", map[string]any{"Date": tl.Date(t), "Time": tl.Time(t)})
	}
	data := map[string]any{
		"Ref":  sanitizeLine(v.Ref),
		"Wait": tl.N("reply.hours", resetWaitHours, nil),
	}
	acct := v.Account
	switch {
	case name == "investigating":
		if v.AnswerBy.IsZero() || !v.AnswerBy.After(now) {
			return "", errMacroNoDate
		}
		data["Due"] = tl.Date(v.AnswerBy)
	case name == "account_reset":
		data["GrantAt"] = ""
		if acct != nil && acct.Reset != nil && acct.Reset.CancelledAt.IsZero() && acct.Reset.GrantAt.After(now) {
			data["GrantAt"] = at(acct.Reset.GrantAt)
		}
	case name == "account_locked":
		data["Until"] = ""
		if acct != nil && acct.LockedUntil.After(now) {
			data["Until"] = at(acct.LockedUntil)
		}
		data["Wait"] = tl.N("reply.minutes", lockoutMinutes, nil)
	case name == "email_change":
		data["Max"] = tl.Number(maxEmailAddresses)
	case name == "in_person":
		data["Expires"] = ""
		if acct != nil && acct.Proofing != nil && acct.Proofing.Enrollment != nil {
			if e := acct.Proofing.Enrollment; e.Status == proofing.EnrollPending && e.ExpiresAt.After(now) {
				data["Expires"] = tl.Date(e.ExpiresAt)
			}
		}
		data["Days"] = tl.N("reply.days", int(proofing.EnrollmentValidity/(24*time.Hour)), nil)
	}
	parts := []string{tl.T("reply."+name+".body", data)}
	if strings.HasPrefix(name, "proofing_") {
		if m.limiter != nil {
			parts = append(parts, retryText(tl, m.limiter, acct, now, at))
		}
		parts = append(parts, tl.T("reply.proofing.fallback", map[string]any{
			"Days":       tl.N("reply.days", int(proofing.EnrollmentValidity/(24*time.Hour)), nil),
			"LetterDays": tl.N("reply.days", int(proofing.LetterValidity/(24*time.Hour)), nil),
		}))
	}
	return strings.Join(parts, "\n\n"), nil
}

// retryText says when the requester may try the failed step again: now,
// within the limiter's allowance, or once a used-up limiter clears.
func retryText(tl *i18n.Localizer, l *limit.Limit, acct *desk.AccountView, now time.Time, at func(time.Time) string) string {
	if acct != nil && acct.Proofing != nil {
		for _, st := range acct.Proofing.Limits {
			if st.Name == l.Name && st.Exhausted() && st.ClearsAt.After(now) {
				return tl.T("reply.proofing.retry_after", map[string]any{"Time": at(st.ClearsAt)})
			}
		}
	}
	return tl.T("reply.proofing.retry_now", map[string]any{
		"Tries":  tl.N("reply.attempts", l.Max, nil),
		"Window": tl.N("reply.hours", int(l.Window/time.Hour), nil),
	})
}

// macroStatus is the status a macro sets once its reply is sent.
func macroStatus(name string) ticket.Status {
	m, _ := macroByName(name)
	return m.status
}
