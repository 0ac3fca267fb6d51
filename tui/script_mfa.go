package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/desk"
)

// The MFA recovery script is a decision tree built from the account's
// methods and state, in DESIGN's order: another method still on the
// account (sign in with it, then replace the lost one); backup codes; the
// personal key (IAL2); none left: the account reset, its timeline, and
// cancelling it on the verified caller's word or as fraud. The agent only
// guides the caller's own way back: nothing here binds or removes a
// method, or shows a code or a key.

// The MFA steps' codes on record.
const (
	stepMFAOther  = "mfa.other_method"
	stepMFABackup = "mfa.backup_codes"
	stepMFAKey    = "mfa.personal_key"
	stepMFAReset  = "mfa.account_reset"
)

// mfaSteps are the branches that apply to the account, in the tree's
// order; the account reset, the last resort, is always there.
func mfaSteps(e scriptEnv) []scriptStep {
	var steps []scriptStep
	if signInMethods(e.v) >= 2 {
		// The caller lost one: another is still on the account.
		steps = append(steps, mfaOther(e))
	}
	if n := backupCodesLeft(e.v); n > 0 {
		steps = append(steps, mfaBackup(e, n))
	}
	if hasPersonalKey(e.v) {
		steps = append(steps, mfaKey(e))
	}
	return append(steps, mfaReset(e))
}

// signInMethods counts the methods other than backup codes.
func signInMethods(v *desk.AccountView) int {
	n := 0
	for _, m := range v.Methods {
		if m.Kind != account.KindBackupCodes {
			n++
		}
	}
	return n
}

// backupCodesLeft counts the unused backup codes.
func backupCodesLeft(v *desk.AccountView) int {
	n := 0
	for _, m := range v.Methods {
		if m.Kind == account.KindBackupCodes {
			n += m.Remaining
		}
	}
	return n
}

// hasPersonalKey reports an IAL2 account whose user holds a personal key.
func hasPersonalKey(v *desk.AccountView) bool {
	return v.IAL == 2 && v.Profile != nil && !v.Profile.PersonalKeyAt.IsZero()
}

// resetUnderWay reports a reset that waits or is granted.
func resetUnderWay(v *desk.AccountView) bool {
	return v.Reset != nil && (v.Reset.Stage == account.StageWaiting || v.Reset.Stage == account.StageGranted)
}

func mfaOther(e scriptEnv) scriptStep {
	see := []string{e.agent.T("mfa.other.see", map[string]any{"Methods": methodKinds(e.agent, e.v)}), e.agent.T("mfa.never")}
	say := []string{e.caller.T("mfa.other.say", map[string]any{"Methods": methodKinds(e.caller, e.v)})}
	if resetUnderWay(e.v) {
		say = append(say, e.caller.T("mfa.other.say_reset"))
	}
	return scriptStep{code: stepMFAOther, see: see, say: say,
		outcomes: []string{outcomeResolved, outcomeGuided, outcomeDeclined}}
}

func mfaBackup(e scriptEnv, left int) scriptStep {
	return scriptStep{code: stepMFABackup,
		see:      []string{e.agent.N("mfa.backup.see", left, nil), e.agent.T("mfa.never")},
		say:      []string{e.caller.N("mfa.backup.say", left, nil)},
		outcomes: []string{outcomeResolved, outcomeGuided, outcomeDeclined}}
}

func mfaKey(e scriptEnv) scriptStep {
	return scriptStep{code: stepMFAKey,
		see:      []string{e.agent.T("mfa.key.see", map[string]any{"Date": e.agent.Date(e.v.Profile.PersonalKeyAt)}), e.agent.T("mfa.never")},
		say:      []string{e.caller.T("mfa.key.say")},
		outcomes: []string{outcomeResolved, outcomeGuided, outcomeDeclined}}
}

// mfaReset is the last resort: the account reset's timeline as it stands,
// with a countdown to the grant, and how to cancel it.
func mfaReset(e scriptEnv) scriptStep {
	a, c := e.agent, e.caller
	stage := account.StageNone
	if e.v.Reset != nil && e.v.Reset.Stage != "" {
		stage = e.v.Reset.Stage
	}
	data := func(l interface {
		DateTime(time.Time) string
		Duration(time.Duration) string
	}) map[string]any {
		r := e.v.Reset
		if r == nil {
			return nil
		}
		left := r.GrantAt.Sub(e.now)
		if stage == account.StageGranted {
			left = r.ExpiresAt.Sub(e.now)
		}
		return map[string]any{
			"Requested": l.DateTime(r.RequestedAt), "Grant": l.DateTime(r.GrantAt),
			"Expires": l.DateTime(r.ExpiresAt), "Cancelled": l.DateTime(r.CancelledAt),
			"Left": l.Duration(max(0, left).Truncate(time.Minute)),
		}
	}
	id := map[account.Stage]string{
		account.StageWaiting: "waiting", account.StageGranted: "granted",
		account.StageExpired: "expired", account.StageCancelled: "cancelled",
	}[stage]
	if id == "" {
		id = "none"
	}
	see := []string{a.T("mfa.reset.see_"+id, data(a))}
	say := []string{c.T("mfa.reset.say_"+id, data(c))}
	if e.v.IAL == 2 {
		see = append(see, a.T("mfa.reset.see_ial2"))
		say = append(say, c.T("mfa.reset.say_ial2"))
	}
	var keys []key.Binding
	outcomes := []string{outcomeGuided, outcomeRequested, outcomeDeclined}
	if resetUnderWay(e.v) {
		outcomes = []string{outcomeGuided, outcomeResolved, outcomeDeclined}
		if e.c.can(access.ActResetCancel, access.ScopeAny) {
			see = append(see, a.T("mfa.reset.see_cancel"))
			keys = append(keys, e.c.keys.CancelReset)
		}
		if e.c.can(access.ActResetResend, access.ScopeAny) {
			see = append(see, a.T("mfa.reset.see_resend"))
			keys = append(keys, e.c.keys.ResendReset)
		}
	}
	see = append(see, a.T("mfa.never"))
	return scriptStep{code: stepMFAReset, see: see, say: say, outcomes: outcomes, keys: keys}
}
