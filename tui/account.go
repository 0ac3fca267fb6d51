package tui

import (
	"strings"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/desk"
	"supportdesk/i18n"
)

// dash stands for a date that is not set; it is a symbol, not text.
const dash = "—"

// accountView renders a desk.AccountView in the agent's language. Every
// string from the account (names, masked values, ids) is sanitized here,
// at the last step before the terminal.
type accountView struct {
	c     *common
	loc   *i18n.Localizer
	s     *styles
	v     *desk.AccountView
	width int
	now   time.Time
	shown *desk.Unmasked // a contact unmasked for a supervisor, nil when none
}

// renderAccount returns the full, unclipped view for the viewport.
func renderAccount(c *common, v *desk.AccountView, width int) string {
	a := accountView{c: c, loc: c.loc, s: c.styles, v: v, width: max(width, 20), now: c.now()}
	var parts []string
	for _, sec := range []func() string{
		a.summary, a.emails, a.phones, a.methods, a.profile,
		a.agencies, a.reset, a.devices, a.events,
	} {
		if out := sec(); out != "" {
			parts = append(parts, out)
		}
	}
	return strings.Join(parts, "\n\n")
}

// section renders a heading above its body.
func (a accountView) section(titleID, body string) string {
	return a.s.Heading.Render(a.loc.T(titleID)) + "\n" + body
}

// none renders the localized "none" line of an empty section.
func (a accountView) none() string { return "  " + a.s.Muted.Render(a.loc.T("account.none")) }

// date and when format a point in time, or a dash when unset.
// date and when format a date, a date and time, held together: a narrow
// column wraps before them, never inside them.
func (a accountView) date(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return unbroken(a.loc.ShortDate(t))
}

func (a accountView) when(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return unbroken(a.loc.DateTime(t))
}

// enum localizes an enumeration value, showing the sanitized raw value when
// a newer core sends one the console has no message for.
func (a accountView) enum(area, value string) string {
	if id := area + "." + value; a.loc.Has(id) {
		return a.loc.T(id)
	}
	return sanitizeLine(value)
}

func (a accountView) summary() string {
	v := a.v
	status := a.enum("status", string(v.Status))
	locked := !v.LockedUntil.IsZero() && v.LockedUntil.After(a.now)
	if locked {
		status += " · " + a.loc.T("account.locked_until", map[string]any{"Until": a.loc.DateTime(v.LockedUntil)})
	}
	if v.Status == account.StatusActive && !locked {
		status = a.s.OK.Render(status)
	} else {
		status = a.s.Warn.Render(status)
	}
	ial := a.loc.Number(int64(v.IAL))
	if id := "ial.level_" + ial; a.loc.Has(id) {
		ial = a.loc.T(id)
	}
	rows := [][2]string{
		{a.loc.T("account.uuid"), sanitizeLine(v.ID)},
		{a.loc.T("account.created"), unbroken(a.loc.Date(v.CreatedAt))},
		{a.loc.T("account.email_language"), a.enum("language", v.Language)},
		{a.loc.T("account.status"), status},
		{a.loc.T("account.ial"), ial},
	}
	body := a.s.fieldRows(2, a.width, rows)
	if v.Lite {
		body += "\n  " + a.s.Warn.Render(wrap(a.loc.T("account.lite"), a.width-2))
	}
	if v.OtherMatches > 0 {
		body += "\n  " + a.s.Warn.Render(wrap(a.loc.N("account.other_matches", v.OtherMatches, nil), a.width-2))
	}
	return a.section("account.heading", body)
}

func (a accountView) emails() string {
	if len(a.v.Emails) == 0 {
		return a.section("account.emails", a.none())
	}
	items := make([]string, 0, len(a.v.Emails))
	for i, e := range a.v.Emails {
		confirmed := a.loc.T("account.email_unconfirmed")
		if !e.ConfirmedAt.IsZero() {
			confirmed = a.loc.T("account.email_confirmed", map[string]any{"Date": a.date(e.ConfirmedAt)})
		}
		last := a.loc.T("account.never_signed_in")
		if !e.LastSignIn.IsZero() {
			last = a.loc.T("account.last_sign_in", map[string]any{"Date": a.when(e.LastSignIn)})
		}
		items = append(items, a.s.item(2, a.width, a.contact("email", i, e.Masked), confirmed+" · "+last))
	}
	return a.section("account.emails", strings.Join(items, "\n"))
}

// contact is a contact of record as listed: masked, or in full with the
// time it hides again when a supervisor unmasked it and that time is to
// come.
func (a accountView) contact(field string, i int, masked string) string {
	u := a.shown
	if u == nil || u.Field != field || u.Index != i || !a.now.Before(u.Until) {
		return sanitizeLine(masked)
	}
	return a.s.Warn.Render(sanitizeLine(u.Value)) + " · " +
		a.loc.T("unmask.until", map[string]any{"Time": a.loc.DateTime(u.Until)})
}

func (a accountView) phones() string {
	if a.v.Lite {
		return "" // lite views carry no phones; the summary says so
	}
	if len(a.v.Phones) == 0 {
		return a.section("account.phones", a.none())
	}
	items := make([]string, 0, len(a.v.Phones))
	for i, p := range a.v.Phones {
		title := a.contact("phone", i, p.Masked) + " · " + a.enum("delivery", string(p.Delivery))
		if p.Default {
			title += " · " + a.loc.T("account.phone_default")
		}
		items = append(items, a.s.item(2, a.width, title))
	}
	return a.section("account.phones", strings.Join(items, "\n"))
}

func (a accountView) methods() string {
	if len(a.v.Methods) == 0 {
		return a.section("account.methods", a.none())
	}
	items := make([]string, 0, len(a.v.Methods))
	for _, m := range a.v.Methods {
		title := a.enum("method", string(m.Kind))
		if name := strings.TrimSpace(sanitizeLine(m.Name)); name != "" {
			title += " · " + a.loc.T("account.quoted", map[string]any{"Text": name})
		}
		used := a.loc.T("account.never_used")
		if !m.LastUsed.IsZero() {
			used = a.loc.T("account.last_used", map[string]any{"Date": a.when(m.LastUsed)})
		}
		detail := a.loc.T("account.added", map[string]any{"Date": a.date(m.CreatedAt)}) + " · " + used
		if m.Kind == account.KindBackupCodes {
			detail += " · " + a.loc.N("account.codes_remaining", m.Remaining, nil)
		}
		items = append(items, a.s.item(2, a.width, title, detail))
	}
	return a.section("account.methods", strings.Join(items, "\n"))
}

func (a accountView) profile() string {
	p := a.v.Profile
	if p == nil {
		return a.section("account.profile", a.none())
	}
	rows := [][2]string{{a.loc.T("account.profile_state"), a.enum("profile_state", string(p.State))}}
	if !p.VerifiedAt.IsZero() {
		rows = append(rows, [2]string{a.loc.T("account.verified"), a.when(p.VerifiedAt)})
	}
	if !p.PersonalKeyAt.IsZero() {
		rows = append(rows, [2]string{a.loc.T("account.personal_key"), a.when(p.PersonalKeyAt)})
	}
	if p.DeactivationReason != "" {
		rows = append(rows, [2]string{a.loc.T("account.deactivation"), a.enum("deactivation", p.DeactivationReason)})
	}
	return a.section("account.profile", a.s.fieldRows(2, a.width, rows))
}

func (a accountView) agencies() string {
	if len(a.v.Agencies) == 0 {
		return a.section("account.agencies", a.none())
	}
	items := make([]string, 0, len(a.v.Agencies))
	for _, ag := range a.v.Agencies {
		name := strings.TrimSpace(sanitizeLine(ag.Name))
		if name == "" {
			name = sanitizeLine(ag.ID)
		}
		detail := a.loc.T("account.first_seen", map[string]any{"Date": a.date(ag.FirstAt)}) + " · " +
			a.loc.T("account.last_seen", map[string]any{"Date": a.date(ag.LastAt)})
		items = append(items, a.s.item(2, a.width, name, detail))
	}
	return a.section("account.agencies", strings.Join(items, "\n"))
}

// reset shows the account-reset timeline, only when there is a request.
func (a accountView) reset() string {
	r := a.v.Reset
	if r == nil || r.Stage == account.StageNone || r.Stage == "" {
		return ""
	}
	rows := [][2]string{
		{a.loc.T("reset.stage"), a.s.Warn.Render(a.enum("reset_stage", string(r.Stage)))},
		{a.loc.T("reset.requested"), a.when(r.RequestedAt)},
		{a.loc.T("reset.grant_at"), a.when(r.GrantAt)},
		{a.loc.T("reset.expires_at"), a.when(r.ExpiresAt)},
	}
	if !r.CancelledAt.IsZero() {
		by := a.enum("reset.cancelled_by", r.CancelledBy)
		if r.CancelledBy == "" {
			by = dash
		}
		rows = append(rows,
			[2]string{a.loc.T("reset.cancelled"), a.when(r.CancelledAt)},
			[2]string{a.loc.T("reset.cancelled_by_label"), by})
	}
	return a.section("reset.heading", a.s.fieldRows(2, a.width, rows))
}

func (a accountView) devices() string {
	if a.v.Lite || len(a.v.Devices) == 0 {
		return ""
	}
	items := make([]string, 0, len(a.v.Devices))
	for _, d := range a.v.Devices {
		detail := a.loc.T("account.first_seen", map[string]any{"Date": a.date(d.FirstAt)}) + " · " +
			a.loc.T("account.last_seen", map[string]any{"Date": a.when(d.LastAt)})
		items = append(items, a.s.item(2, a.width, deviceName(a.loc, d.Name), detail))
	}
	return a.section("account.devices", strings.Join(items, "\n"))
}

// deviceName localizes a device the core names "<browser> on <system>"
// ("Chrome on Windows" reads "Chrome sous Windows" in French); any other
// name is shown as it is.
func deviceName(loc *i18n.Localizer, name string) string {
	name = sanitizeLine(name)
	browser, system, ok := strings.Cut(name, " on ")
	if !ok || browser == "" || system == "" || strings.Contains(system, " on ") {
		return name
	}
	return loc.T("account.device", map[string]any{"Browser": browser, "OS": system})
}

func (a accountView) events() string {
	if a.v.Lite {
		return ""
	}
	if len(a.v.Events) == 0 {
		return a.section("account.events_recent", a.none())
	}
	events := a.v.Events[:min(len(a.v.Events), desk.EventLimit)]
	title := a.s.Heading.Render(a.loc.N("account.events", len(events), nil))
	rows := make([][]string, 0, len(events))
	for _, e := range events {
		rows = append(rows, []string{a.when(e.At), a.enum("event", string(e.Kind))})
	}
	headers := []string{a.loc.T("account.event_when"), a.loc.T("account.event_what")}
	return title + "\n" + a.s.table(2, a.width, headers, rows)
}
