package tui

import (
	"strings"
	"time"

	"supportdesk/core/sla"
	"supportdesk/i18n"
)

// How ticket values read on screen. Every SLA state carries a symbol and a
// word besides its colour, so it reads in NO_COLOR and 16-colour terminals.

// stateSymbols are the badges' symbols, one cell wide each.
var stateSymbols = map[sla.State]string{
	sla.StateBreached:  "✗",
	sla.StateAtRisk:    "▲",
	sla.StateOnTrack:   "○",
	sla.StatePaused:    "‖",
	sla.StateFulfilled: "✓",
}

// badgeText is a state's symbol and localized word, unstyled, for width
// measurement.
func badgeText(loc *i18n.Localizer, st sla.State) string {
	sym, ok := stateSymbols[st]
	if !ok {
		sym = "?"
	}
	return sym + " " + enumText(loc, "sla_state", string(st))
}

// stateStyle renders text in the state's colour.
func (s *styles) stateStyle(st sla.State, text string) string {
	switch st {
	case sla.StateBreached:
		return s.Breached.Render(text)
	case sla.StateAtRisk:
		return s.AtRisk.Render(text)
	case sla.StateOnTrack:
		return s.OnTrack.Render(text)
	case sla.StatePaused:
		return s.Paused.Render(text)
	case sla.StateFulfilled:
		return s.Fulfilled.Render(text)
	}
	return text
}

// enumText localizes an enumeration value, showing the sanitized raw value
// when a newer core sends one the console has no message for.
func enumText(loc *i18n.Localizer, area, value string) string {
	if id := area + "." + value; loc.Has(id) {
		return loc.T(id)
	}
	return sanitizeLine(value)
}

// timeLeft is the business time left, or how late a breached ticket is.
func timeLeft(loc *i18n.Localizer, left time.Duration) string {
	if left < 0 {
		return loc.T("ticket.overdue", map[string]any{"Duration": loc.Hours(-left)})
	}
	return loc.Hours(left)
}

// age is how long ago t was, in the two largest units.
func age(loc *i18n.Localizer, now, t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return loc.Duration(max(0, now.Sub(t)).Truncate(time.Minute))
}

// langCode shows a language code as notation ("ES"), the same in every UI
// language and narrow enough for a column.
func langCode(lang string) string { return strings.ToUpper(sanitizeLine(lang)) }
