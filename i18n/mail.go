package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"supportdesk/core/safetext"
	"time"
	"unicode"
	"unicode/utf8"

	"supportdesk/core/notify"
)

// RenderMail renders an outbox row as a plain-text email in the row's
// language: the subject is mail.<template>.subject, the body a greeting,
// mail.<template>.body, a closing and the team's signature. Data values become template
// variables named in CamelCase ("ref" is {{.Ref}}); a few are localized
// first: "kind" (a method kind), "remaining" (a count), "due" (an RFC 3339
// instant, shown as a long date). Values ending in "_sealed" never reach
// the text. Bundle satisfies core/mail's Renderer.
func (b *Bundle) RenderMail(n notify.Notification) (subject, body string, err error) {
	l := b.Localizer(n.Language)
	prefix := "mail." + string(n.Template)
	if !l.Has(prefix+".subject") || !l.Has(prefix+".body") {
		return "", "", fmt.Errorf("i18n: no mail messages for template %q", n.Template)
	}
	data, err := mailData(l, n.Data)
	if err != nil {
		return "", "", fmt.Errorf("i18n: mail %s: %w", n.Template, err)
	}
	subject = singleLine(l.T(prefix+".subject", data))
	greeting := l.T("mail.greeting")
	if name, _ := data["Name"].(string); name != "" {
		greeting = l.T("mail.greeting_named", map[string]any{"Name": singleLine(name)})
	}
	body = greeting + "\n\n" + l.T(prefix+".body", data) + "\n\n" + l.T("mail.closing") + "\n" + l.T("mail.signature")
	if strings.Contains(subject, "<no value>") || strings.Contains(body, "<no value>") {
		// text/template prints a missing variable this way; a mail with a hole must not go out
		return "", "", fmt.Errorf("i18n: mail %s: a template variable has no data", n.Template)
	}
	return subject, body, nil
}

// RenderMail renders a notification exactly as the outbox will (in the
// notification's language, not the localizer's), so the console can show a
// reply before it is sent.
func (l *Localizer) RenderMail(n notify.Notification) (subject, body string, err error) {
	return l.bundle.RenderMail(n)
}

// MailSender is the From display name of mail to a user of lang: the
// team's name in the user's language. Bundle satisfies core/mail's
// SenderNamer with it.
func (b *Bundle) MailSender(lang string) string {
	return singleLine(b.Localizer(lang).T("mail.sender"))
}

// MailSender is the From display name of mail in this localizer's language.
func (l *Localizer) MailSender() string { return l.bundle.MailSender(l.lang) }

// mailData turns a row's Data into template data, localizing the values
// that need it and stripping control characters from the rest.
func mailData(l *Localizer, in map[string]string) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if strings.HasSuffix(k, "_sealed") {
			continue // a sealed value is never mailed as is; see account_reset_granted
		}
		out[camel(k)] = strings.TrimSpace(plainText(v))
	}
	if kind, ok := in["kind"]; ok {
		if id := "method." + kind; l.Has(id) {
			out["Kind"] = l.T(id)
		}
	}
	if s, ok := in["remaining"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("remaining %q is not a count", s)
		}
		out["Remaining"] = l.N("mail.backup_code_used.remaining", n, nil)
	}
	for _, k := range []string{"due", "expires"} {
		s, ok := in[k]
		if !ok {
			continue
		}
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("%s %q is not RFC 3339", k, s)
		}
		out[camel(k)] = l.Date(at)
	}
	if name, ok := in["limiter"]; ok && l.Has("limiter."+name) {
		out["Limiter"] = l.T("limiter." + name)
	}
	return out, nil
}

// camel maps a snake_case data key to its template variable: "ref" to
// "Ref", "due_date" to "DueDate".
func camel(k string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(k, "_") {
		r, size := utf8.DecodeRuneInString(part)
		if size == 0 {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[size:])
	}
	return b.String()
}

// plainText makes outside text (a requester's name, an agent's reply) safe
// for a plain-text mail: the same cleaning as the console's (core/safetext),
// keeping paragraphs.
func plainText(s string) string { return safetext.Text(s) }

// singleLine folds line breaks and tabs into one space, for a subject line
// or a name in a greeting. Only ASCII blanks collapse: a French no-break
// space stays where it is.
func singleLine(s string) string {
	s = plainText(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' || r == '\t' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
