package mailparse

import (
	"strings"

	"github.com/emersion/go-message"
)

// autoSubjects are the subject prefixes Exchange, Outlook, Gmail and
// Apple put on out-of-office replies in en, es and fr; some of these
// arrive without any RFC 3834 header.
var autoSubjects = []string{
	"automatic reply:", "auto-reply:", "autoreply:", "out of office:", "out of office reply",
	"respuesta automática:", "fuera de la oficina:",
	"réponse automatique :", "réponse automatique:", "absence du bureau",
}

// isAuto reports a message a machine sent, from the headers RFC 3834,
// Exchange and older autoresponders set, a null return path (only bounces
// and auto-replies use it), a mailer daemon as sender (old MTAs bounce in
// plain text), or an out-of-office subject.
func isAuto(h message.Header, from, subject string) bool {
	if local, _, ok := strings.Cut(from, "@"); ok && strings.EqualFold(local, "mailer-daemon") {
		return true
	}
	if v := strings.ToLower(firstToken(strings.ReplaceAll(h.Get("Auto-Submitted"), ";", " "))); v != "" && v != "no" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return true
	}
	if h.Has("X-Autoreply") || h.Has("X-Autorespond") || h.Has("X-Autoresponse") {
		return true
	}
	// Exchange marks its own automatic mail so others do not answer it;
	// ordinary Outlook mail does not carry these values.
	for _, tok := range strings.Split(h.Get("X-Auto-Response-Suppress"), ",") {
		switch strings.ToLower(strings.TrimSpace(tok)) {
		case "all", "oof", "autoreply":
			return true
		}
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" {
		return true
	}
	s := strings.ToLower(strings.ReplaceAll(subject, "\u00a0", " "))
	for _, p := range autoSubjects {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
