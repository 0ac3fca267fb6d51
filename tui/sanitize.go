package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/safetext"
)

// sanitizeLine makes outside text safe for one terminal line (see
// core/safetext): names and labels come from users and partners.
func sanitizeLine(s string) string { return safetext.Line(s) }

// sanitizeText keeps paragraphs of multi-line outside text, safely.
func sanitizeText(s string) string { return safetext.Text(s) }

// sanitizeKey cleans the runes of a key or a paste before a form's field
// takes them: a paste can carry escape sequences and bidi controls, which
// the field would otherwise show and send to core as typed. multiline
// keeps line breaks (a message), else they become spaces.
func sanitizeKey(msg tea.KeyMsg, multiline bool) tea.KeyMsg {
	if msg.Type != tea.KeyRunes || len(msg.Runes) == 0 {
		return msg
	}
	clean := sanitizeLine(string(msg.Runes))
	if multiline {
		clean = sanitizeText(string(msg.Runes))
	}
	msg.Runes = []rune(clean)
	return msg
}
