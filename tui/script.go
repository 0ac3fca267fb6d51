package tui

import (
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/desk"
	"supportdesk/i18n"
)

// A guided script walks a verified caller through one task, step by step.
// Each step is drawn in two columns side by side: what the agent sees, in
// the agent's language, and what to say, in the caller's. The agent closes
// a step with an outcome, which goes on the call's ticket (RecordStep).
// Scripts only read the account: none binds or removes a method, and none
// shows a code or a key.

// The outcome codes a step offers; "outcome.<code>" labels them and
// "step.<code>" the steps, on the call screen and in the ticket's thread.
const (
	outcomeGuided         = "guided"   // the caller was told what to do
	outcomeResolved       = "resolved" // it worked while on the phone
	outcomeDeclined       = "declined" // not possible for the caller: the tree moves on
	outcomeRequested      = "requested"
	outcomeCancelled      = "cancelled" // a reset cancelled on the verified caller's word
	outcomeCancelledFraud = "cancelled_fraud"
	outcomeResent         = "resent" // the reset's notice sent again
)

// scriptStep is one step as drawn now. Steps are built again from the
// account on every draw, so times and counts never go stale.
type scriptStep struct {
	code     string        // the step's code on record: "mfa.backup_codes"
	see      []string      // what the agent sees, in the agent's language
	say      []string      // what to say, in the caller's language
	outcomes []string      // the outcomes offered, the likeliest first
	next     bool          // the next best path
	keys     []key.Binding // keys the step offers besides the outcomes
}

// scriptEnv is what a script reads: the verified caller's account, the
// clock, and the two languages, both in the caller's time zone.
type scriptEnv struct {
	c      *common
	v      *desk.AccountView
	now    time.Time
	agent  *i18n.Localizer
	caller *i18n.Localizer
	zone   callerZone
}

// scriptState is where the agent stands in one script.
type scriptState struct {
	step   int               // the step in view
	button int               // the outcome under the cursor
	done   map[string]string // the outcome on record, by step code
	begun  bool              // the first step was chosen for this account
}

// record notes an outcome on record; a step the caller cannot take moves
// the tree on to the next one, if the agent is still on it.
func (st *scriptState) record(steps []scriptStep, code, outcome string) {
	if st.done == nil {
		st.done = map[string]string{}
	}
	st.done[code] = outcome
	if outcome != outcomeDeclined || st.step >= len(steps) || steps[st.step].code != code {
		return
	}
	if st.step+1 < len(steps) {
		st.step++
		st.button = 0
	}
}

// move goes to another step, wrapping around.
func (st *scriptState) move(steps []scriptStep, dir int) {
	if n := len(steps); n > 0 {
		st.step = (st.step + dir + n) % n
		st.button = 0
	}
}

// clamp keeps the cursor on a step and a button that exist.
func (st *scriptState) clamp(steps []scriptStep) {
	st.step = max(0, min(st.step, len(steps)-1))
	if st.step < len(steps) {
		st.button = max(0, min(st.button, len(steps[st.step].outcomes)-1))
	}
}

// current is the step in view.
func (st *scriptState) current(steps []scriptStep) (scriptStep, bool) {
	if st.step < 0 || st.step >= len(steps) {
		return scriptStep{}, false
	}
	return steps[st.step], true
}

// callerZone is the zone times are told in: one the caller states, or the
// center's.
type callerZone struct {
	code string // "center", "et", "ct", ...: "zone.<code>" names it
	loc  *time.Location
}

// callerZones are the zones a caller may state, the center's first (the
// default); a zone the host cannot load falls back to the center's.
var callerZones = []struct{ code, name string }{
	{"center", ""},
	{"et", "America/New_York"},
	{"ct", "America/Chicago"},
	{"mt", "America/Denver"},
	{"pt", "America/Los_Angeles"},
	{"akt", "America/Anchorage"},
	{"ht", "Pacific/Honolulu"},
}

// zoneLocations loads the zones once per process; time/tzdata is linked
// in by package i18n, so they load on hosts without a zone database.
var zoneLocations = sync.OnceValue(func() map[string]*time.Location {
	out := map[string]*time.Location{}
	for _, z := range callerZones {
		if z.name == "" {
			continue
		}
		if l, err := time.LoadLocation(z.name); err == nil {
			out[z.code] = l
		}
	}
	return out
})

// zoneAt returns the i-th zone, the center's for 0 or one that did not load.
func zoneAt(c *common, i int) callerZone {
	i = max(0, min(i, len(callerZones)-1))
	if l, ok := zoneLocations()[callerZones[i].code]; ok && i > 0 {
		return callerZone{code: callerZones[i].code, loc: l}
	}
	return callerZone{code: "center", loc: c.loc.Location()}
}

// label names the zone in loc's language.
func (z callerZone) label(loc *i18n.Localizer) string {
	if z.code == "center" {
		return loc.T("zone.center", map[string]any{"Zone": z.loc.String()})
	}
	return loc.T("zone." + z.code)
}

// twoColumns lays what the agent sees beside what to say, each column
// wrapped to its half of width, a rule between them. Every line is at
// most width cells wide.
func twoColumns(s *styles, see, say []string, width int) []string {
	lw := max(10, (width-3)/2)
	rw := max(10, width-3-lw)
	left, right := paragraphs(see, lw), paragraphs(say, rw)
	rule := s.Rule.Render(" │ ")
	out := make([]string, 0, max(len(left), len(right)))
	for i := range max(len(left), len(right)) {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = s.Text.Render(right[i])
		}
		out = append(out, strings.TrimRight(padRight(l, lw)+rule+r, " "))
	}
	return out
}

// columnHeads are the two columns' headings, cut to their halves.
func columnHeads(s *styles, see, say string, width int) string {
	lw := max(10, (width-3)/2)
	rw := max(10, width-3-lw)
	return padRight(s.Heading.Render(truncate(see, lw)), lw) + s.Rule.Render(" │ ") + s.Heading.Render(truncate(say, rw))
}

// paragraphs wraps each paragraph to w cells, a blank line between them.
// A line that starts with a mark ("• ", "✗ " or two spaces) hangs: its
// continuation lines are indented under its text.
func paragraphs(ps []string, w int) []string {
	var out []string
	for i, p := range ps {
		if i > 0 {
			out = append(out, "")
		}
		for _, line := range strings.Split(p, "\n") {
			lead := ""
			for _, mark := range []string{"• ", "✗ ", "  "} {
				if strings.HasPrefix(line, mark) && w > 12 {
					lead, line = mark, strings.TrimPrefix(line, mark)
					break
				}
			}
			for j, l := range strings.Split(wrap(line, w-lipgloss.Width(lead)), "\n") {
				if j == 0 {
					l = lead + l
				} else {
					l = strings.Repeat(" ", lipgloss.Width(lead)) + l
				}
				out = append(out, truncate(l, w)) // a word longer than the column is cut, never overruns
			}
		}
	}
	return out
}

// stepPath shows the script's steps in order on one line: the one in view
// in brackets, a mark for each outcome on record, a star on the next best
// path. Symbols repeat what colour says.
func stepPath(c *common, steps []scriptStep, st *scriptState, width int) string {
	loc, s := c.loc, c.styles
	parts := make([]string, 0, len(steps))
	for i, step := range steps {
		label := stepLabel(loc, step.code)
		switch out, ok := st.done[step.code]; {
		case ok && out == outcomeDeclined:
			label = "✗ " + label
		case ok:
			label = "✓ " + label
		}
		if step.next {
			label += " ★"
		}
		if i == st.step {
			parts = append(parts, s.TabOn.Render("["+label+"]"))
			continue
		}
		parts = append(parts, s.TabOff.Render(label))
	}
	return truncate(strings.Join(parts, s.Muted.Render(" › ")), width)
}

// outcomeLine shows the step's outcomes as buttons, the chosen one in
// brackets; when they do not fit, only the chosen one with its place.
func outcomeLine(c *common, step scriptStep, st *scriptState, width int) string {
	loc, s := c.loc, c.styles
	head := s.Label.Render(loc.T("script.outcome")) + "  "
	if on, ok := st.done[step.code]; ok {
		head = s.OK.Render("✓ "+loc.T("script.on_record", map[string]any{"Outcome": outcomeLabel(loc, on)})) + " · " + head
	}
	var b strings.Builder
	for i, o := range step.outcomes {
		if i > 0 {
			b.WriteString(" ")
		}
		if i == st.button {
			b.WriteString(s.Selected.Render("[" + outcomeLabel(loc, o) + "]"))
		} else {
			b.WriteString(" " + outcomeLabel(loc, o) + " ")
		}
	}
	line := head + b.String()
	if lipgloss.Width(line) > width && st.button < len(step.outcomes) {
		line = head + s.Selected.Render("‹ ["+outcomeLabel(loc, step.outcomes[st.button])+"] ›")
	}
	return truncate(line, width)
}

// stepLabel and outcomeLabel localize the codes on record, showing a code
// the console has no message for as it is, sanitized.
func stepLabel(loc *i18n.Localizer, code string) string { return enumText(loc, "step", code) }

func outcomeLabel(loc *i18n.Localizer, code string) string { return enumText(loc, "outcome", code) }

// methodKinds lists the account's sign-in methods by kind with their count
// ("Phone (2), Authentication app"), never a number or a name: backup
// codes are a step of their own.
func methodKinds(loc *i18n.Localizer, v *desk.AccountView) string {
	var kinds []string
	count := map[string]int{}
	for _, m := range v.Methods {
		k := string(m.Kind)
		if k == "backup_codes" {
			continue
		}
		if count[k] == 0 {
			kinds = append(kinds, k)
		}
		count[k]++
	}
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		label := enumText(loc, "method", k)
		if n := count[k]; n > 1 {
			label += " (" + loc.Number(int64(n)) + ")"
		}
		parts = append(parts, label)
	}
	return strings.Join(parts, ", ")
}
