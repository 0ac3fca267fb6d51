package tui

import (
	"strings"

	"supportdesk/core/helpdesk"
)

// macroNames are the reply macros, in picker order. Each has
// macro.<name>.title (shown in the agent's language) and macro.<name>.body
// (inserted in the ticket's language) in every locale.
var macroNames = []string{
	"greeting", "investigating", "lost_mfa", "account_reset", "proofing_retry", "account_locked", "email_change",
}

// resetWaitHours is the account-reset waiting period the macros quote.
const resetWaitHours = 24

// macroItems lists the macros for the picker, titled in the agent's language.
func macroItems(c *common) []pickItem {
	items := make([]pickItem, 0, len(macroNames))
	for _, n := range macroNames {
		items = append(items, pickItem{label: c.loc.T("macro." + n + ".title"), value: n})
	}
	return items
}

// macroBody renders a macro in the ticket's language, never the agent's:
// the text goes to the requester. The due date is formatted by that
// language's localizer too.
func macroBody(c *common, name string, v *helpdesk.TicketView) string {
	tl := c.loc.WithLang(v.Language)
	due := dash
	if !v.Due.IsZero() {
		due = tl.Date(v.Due)
	}
	return tl.T("macro."+name+".body", map[string]any{
		"Name": strings.TrimSpace(sanitizeLine(v.RequesterName)),
		"Due":  due,
		// "24 hours" in words: Duration would write "1 d", which reads badly in a letter.
		"Wait": tl.N("macro.wait_hours", resetWaitHours, nil),
	})
}
