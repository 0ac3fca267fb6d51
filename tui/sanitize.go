package tui

import "supportdesk/core/safetext"

// sanitizeLine makes outside text safe for one terminal line (see
// core/safetext): names and labels come from users and partners.
func sanitizeLine(s string) string { return safetext.Line(s) }

// sanitizeText keeps paragraphs of multi-line outside text, safely.
func sanitizeText(s string) string { return safetext.Text(s) }
