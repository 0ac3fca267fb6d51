package tui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"

	"supportdesk/core/access"
	"supportdesk/core/limit"
	"supportdesk/core/proofing"
	"supportdesk/i18n"
)

// The proofing retry script: where the caller stands in identity proofing,
// each limiter with its use and when it clears (told in the caller's time
// zone, named), the last failure's reasons with a tip to read aloud in the
// caller's language, then the next best path: retry while tries remain,
// in-person proofing at a Post Office, or verify by mail; and, when a
// limiter is used up for a reason that is not the caller's, a request for
// a supervisor to clear it early (dual control).

// The proofing steps' codes on record.
const (
	stepIDVRetry    = "idv.retry_tips"
	stepIDVInPerson = "idv.in_person"
	stepIDVByMail   = "idv.by_mail"
	stepIDVReset    = "idv.limiter_reset"
)

// The steps in idvSteps' order.
const (
	idvRetry = iota
	idvInPerson
	idvByMail
	idvReset
)

// stepLimiter names the limiter that counts a proofing step's attempts.
var stepLimiter = map[string]string{
	proofing.StepDocument:    proofing.DocAuth.Name,
	proofing.StepResolution:  proofing.Resolve.Name,
	proofing.StepVerify:      proofing.PhoneAddress.Name,
	proofing.StepByMail:      proofing.PhoneAddress.Name,
	proofing.StepPersonalKey: proofing.PersonalKey.Name,
}

// idvSteps are the script's steps, the next best path starred.
func idvSteps(e scriptEnv) []scriptStep {
	steps := []scriptStep{idvRetryStep(e), idvInPersonStep(e), idvByMailStep(e), idvResetStep(e)}
	steps[idvNext(e)].next = true
	// The zone and the limiter reset work from every step.
	keys := []key.Binding{e.c.keys.Zone}
	if e.c.can(access.ActLimiterReset, access.ScopeAny) {
		keys = append(keys, e.c.keys.LimiterReset)
	}
	for i := range steps {
		steps[i].keys = keys
	}
	return steps
}

// idvNext picks the next best path: a fallback already under way, else a
// retry while tries remain, else the fallback for the step that failed (in
// person for the document and the identity data, a letter for the phone).
func idvNext(e scriptEnv) int {
	p := e.v.Proofing
	if p == nil {
		return idvRetry
	}
	if enrollmentOpen(p, e.now) {
		return idvInPerson
	}
	if _, ok := pendingLetter(p, e.now); ok {
		return idvByMail
	}
	if st, ok := limitOf(p, stepLimiter[p.Step]); !ok || st.Used < st.Max {
		return idvRetry
	}
	if p.Step == proofing.StepVerify || p.Step == proofing.StepByMail {
		return idvByMail
	}
	return idvInPerson
}

// limitOf finds a limiter's status in the view.
func limitOf(p *proofing.View, name string) (limit.Status, bool) {
	i := slices.IndexFunc(p.Limits, func(s limit.Status) bool { return s.Name == name })
	if i < 0 {
		return limit.Status{}, false
	}
	return p.Limits[i], true
}

// lastFailure is the newest attempt that failed.
func lastFailure(p *proofing.View) (int, bool) {
	for i, a := range p.Attempts {
		if !a.Passed {
			return i, true
		}
	}
	return 0, false
}

// enrollmentOpen reports an in-person enrollment the caller can still use.
func enrollmentOpen(p *proofing.View, now time.Time) bool {
	en := p.Enrollment
	return en != nil && (en.Status == proofing.EnrollPending || en.Status == proofing.EnrollEstablishing) && now.Before(en.ExpiresAt)
}

// pendingLetter is the newest letter whose code is unused and still valid.
func pendingLetter(p *proofing.View, now time.Time) (proofing.LetterView, bool) {
	l, ok := newestLetter(p)
	return l, ok && l.UsedAt.IsZero() && now.Before(l.ExpiresAt)
}

// newestLetter is the letter sent last.
func newestLetter(p *proofing.View) (proofing.LetterView, bool) {
	if len(p.Letters) == 0 {
		return proofing.LetterView{}, false
	}
	return slices.MaxFunc(p.Letters, func(a, b proofing.LetterView) int { return a.SentAt.Compare(b.SentAt) }), true
}

// lettersInWindow counts the letters sent in the last 30 days.
func lettersInWindow(p *proofing.View, now time.Time) int {
	n := 0
	for _, l := range p.Letters {
		if now.Sub(l.SentAt) < proofing.LetterWindow {
			n++
		}
	}
	return n
}

// limiterName localizes a limiter's name.
func limiterName(loc *i18n.Localizer, name string) string { return enumText(loc, "limiter", name) }

// limitLines are the limiters, one a line: used/max, and when the window
// clears for one in use, in the caller's zone. A used-up one is marked.
func limitLines(a *i18n.Localizer, p *proofing.View) string {
	lines := make([]string, 0, len(p.Limits))
	for _, st := range p.Limits {
		data := map[string]any{"Name": limiterName(a, st.Name), "Used": a.Number(int64(st.Used)), "Max": a.Number(int64(st.Max))}
		mark := "  "
		if st.Exhausted() {
			mark = "✗ "
		}
		text := data["Name"].(string) + " " + data["Used"].(string) + "/" + data["Max"].(string)
		if st.Used > 0 && !st.ClearsAt.IsZero() {
			data["Time"] = a.DateTime(st.ClearsAt)
			text = a.T("idv.limit_clears", data)
		}
		lines = append(lines, mark+text)
	}
	return strings.Join(lines, "\n")
}

// reasonsOf localizes the reason codes of an attempt, once each.
func reasonsOf(loc *i18n.Localizer, codes []string) []string {
	var out []string
	for _, r := range slices.Compact(slices.Clone(codes)) {
		out = append(out, enumText(loc, "reason", r))
	}
	return out
}

// idvRetryStep: where the caller stands, the limiters, the last failure
// and the tries left; the tips to read aloud for each reason.
func idvRetryStep(e scriptEnv) scriptStep {
	a, c := e.agent, e.caller
	step := scriptStep{code: stepIDVRetry, outcomes: []string{outcomeGuided, outcomeResolved, outcomeDeclined}}
	p := e.v.Proofing
	if p == nil {
		step.see = []string{a.T("idv.not_started_see")}
		step.say = []string{c.T("idv.not_started_say")}
		return step
	}
	step.see = append(step.see,
		a.T("idv.step_now", map[string]any{"Step": enumText(a, "http.step", p.Step)}),
		limitLines(a, p),
		a.T("idv.zone", map[string]any{"Zone": e.zone.label(a)}))
	fraud := p.Fraud != nil && p.Fraud.Status == proofing.FraudPending
	if fraud {
		step.see = append(step.see, a.T("idv.fraud_see"))
		step.say = []string{c.T("idv.fraud_say")}
		return step
	}
	if i, ok := lastFailure(p); ok {
		at := p.Attempts[i]
		reasons := strings.Join(reasonsOf(a, at.Reasons), ", ")
		if reasons == "" {
			reasons = dash
		}
		if d := strings.TrimSpace(sanitizeLine(at.Detail)); d != "" {
			reasons += " (" + d + ")"
		}
		step.see = append(step.see, a.T("idv.last_failure", map[string]any{
			"Date": a.DateTime(at.At), "Step": enumText(a, "http.step", at.Step), "Reasons": reasons}))
		for _, r := range slices.Compact(slices.Clone(at.Reasons)) {
			if id := "tip." + r; c.Has(id) {
				step.say = append(step.say, "• "+c.T(id))
			}
		}
	} else {
		step.say = append(step.say, c.T("idv.no_failure_say"))
	}
	if st, ok := limitOf(p, stepLimiter[p.Step]); ok {
		name := limiterName(a, st.Name)
		if left := st.Max - st.Used; left > 0 {
			step.see = append(step.see, a.N("idv.tries_left", left, map[string]any{"Name": name}))
			step.say = append(step.say, c.N("idv.tries_say", left, nil))
		} else {
			step.see = append(step.see, a.T("idv.tries_none", map[string]any{"Name": name, "Time": a.DateTime(st.ClearsAt)}))
			step.say = append(step.say, c.T("idv.wait_say", map[string]any{"Time": c.DateTime(st.ClearsAt), "Zone": e.zone.label(c)}))
		}
	}
	return step
}

// idvInPersonStep: the enrollment at a Post Office, its code and expiry.
func idvInPersonStep(e scriptEnv) scriptStep {
	a, c := e.agent, e.caller
	step := scriptStep{code: stepIDVInPerson, outcomes: []string{outcomeGuided, outcomeDeclined}}
	p := e.v.Proofing
	if p != nil && p.Enrollment != nil {
		en := p.Enrollment
		step.see = []string{a.T("idv.enroll_see", map[string]any{
			"Status": enumText(a, "enroll", en.Status), "Code": sanitizeLine(en.Code), "Date": a.DateTime(en.ExpiresAt)})}
	} else {
		step.see = []string{a.T("idv.enroll_none_see")}
	}
	if p != nil && enrollmentOpen(p, e.now) {
		step.say = []string{c.T("idv.enroll_say", map[string]any{"Code": sanitizeLine(p.Enrollment.Code), "Date": c.DateTime(p.Enrollment.ExpiresAt)})}
	} else {
		step.say = []string{c.T("idv.enroll_none_say")}
	}
	return step
}

// idvByMailStep: the letters sent and when the last one's code expires.
func idvByMailStep(e scriptEnv) scriptStep {
	a, c := e.agent, e.caller
	step := scriptStep{code: stepIDVByMail, outcomes: []string{outcomeGuided, outcomeDeclined}}
	p := e.v.Proofing
	if p == nil {
		step.see = []string{a.N("idv.letters_see", 0, nil)}
		step.say = []string{c.T("idv.letter_none_say")}
		return step
	}
	n := lettersInWindow(p, e.now)
	step.see = []string{a.N("idv.letters_see", n, nil)}
	if l, ok := newestLetter(p); ok {
		switch {
		case !l.UsedAt.IsZero():
			step.see = append(step.see, a.T("idv.letter_used_see", map[string]any{"Date": a.DateTime(l.UsedAt)}))
		case !e.now.Before(l.ExpiresAt):
			step.see = append(step.see, a.T("idv.letter_expired_see", map[string]any{"Date": a.DateTime(l.ExpiresAt)}))
		default:
			step.see = append(step.see, a.T("idv.letter_see", map[string]any{"Sent": a.DateTime(l.SentAt), "Expires": a.DateTime(l.ExpiresAt)}))
		}
	}
	switch l, ok := pendingLetter(p, e.now); {
	case ok:
		step.say = []string{c.T("idv.letter_say", map[string]any{"Sent": c.Date(l.SentAt), "Expires": c.DateTime(l.ExpiresAt)})}
	case n >= proofing.LettersPerWindow:
		step.see = append(step.see, a.T("idv.letters_max_see"))
		step.say = []string{c.T("idv.letters_max_say")}
	default:
		step.say = []string{c.T("idv.letter_none_say")}
	}
	return step
}

// idvResetStep: a limiter used up for a reason that is not the caller's
// can be cleared early, by a supervisor other than the agent.
func idvResetStep(e scriptEnv) scriptStep {
	a, c := e.agent, e.caller
	step := scriptStep{code: stepIDVReset, outcomes: []string{outcomeGuided, outcomeDeclined},
		see: []string{a.T("idv.reset_see")}, say: []string{c.T("idv.reset_say")}}
	var used []string
	if p := e.v.Proofing; p != nil {
		for _, st := range p.Limits {
			if st.Exhausted() {
				used = append(used, limiterName(a, st.Name)+" "+a.Number(int64(st.Used))+"/"+a.Number(int64(st.Max)))
			}
		}
	}
	if len(used) > 0 {
		step.see = append(step.see, a.T("idv.reset_exhausted", map[string]any{"Limits": strings.Join(used, ", ")}))
	} else {
		step.see = append(step.see, a.T("idv.reset_none"))
	}
	return step
}
