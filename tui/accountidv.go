package tui

import (
	"strings"
)

// proofing shows where the user stands in identity proofing on the
// account panel's Proofing tab: the step, each limiter with its use and
// when it clears, the last failure's reasons, the fallbacks under way and
// a fraud review; times in the center's zone. Empty for a user who never
// started (and for lite views, which carry none).
func (a accountView) proofing() string {
	p := a.v.Proofing
	if p == nil {
		return ""
	}
	loc := a.loc
	w := max(10, a.width-2)
	indent := func(text string) string {
		lines := strings.Split(wrap(text, w), "\n")
		for i, l := range lines {
			lines[i] = "  " + l
		}
		return strings.Join(lines, "\n")
	}
	parts := []string{
		indent(loc.T("idv.step_now", map[string]any{"Step": enumText(loc, "http.step", p.Step)})),
		indent(limitLines(loc, p)),
	}
	if i, ok := lastFailure(p); ok {
		at := p.Attempts[i]
		reasons := strings.Join(reasonsOf(loc, at.Reasons), ", ")
		if reasons == "" {
			reasons = dash
		}
		parts = append(parts, indent(loc.T("idv.last_failure", map[string]any{
			"Date": loc.DateTime(at.At), "Step": enumText(loc, "http.step", at.Step), "Reasons": reasons})))
	}
	if en := p.Enrollment; en != nil {
		parts = append(parts, indent(loc.T("idv.enroll_see", map[string]any{
			"Status": enumText(loc, "enroll", en.Status), "Code": sanitizeLine(en.Code), "Date": loc.DateTime(en.ExpiresAt)})))
	}
	if len(p.Letters) > 0 {
		text := loc.N("idv.letters_see", lettersInWindow(p, a.now), nil)
		if l, ok := newestLetter(p); ok && l.UsedAt.IsZero() {
			text += " " + loc.T("idv.letter_see", map[string]any{"Sent": loc.DateTime(l.SentAt), "Expires": loc.DateTime(l.ExpiresAt)})
		}
		parts = append(parts, indent(text))
	}
	if f := p.Fraud; f != nil {
		parts = append(parts, indent(loc.T("account.idv_fraud", map[string]any{"Status": enumText(loc, "fraud", f.Status)})))
	}
	return a.section("account.idv", strings.Join(parts, "\n"))
}
