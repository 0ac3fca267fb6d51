package i18n

import (
	"strings"
	"supportdesk/core/safetext"
	"testing"
	"unicode/utf8"

	"supportdesk/core/notify"
)

// sampleData gives every template the data its producer stores.
var sampleData = map[notify.Template]map[string]string{
	notify.TemplateMethodAdded:        {"kind": "auth_app"},
	notify.TemplateMethodRemoved:      {"kind": "phone"},
	notify.TemplateBackupCodeUsed:     {"remaining": "3"},
	notify.TemplateResetGranted:       {"token_sealed": "00ff"},
	notify.TemplateTicketAck:          {"ref": "SD-2026-000123", "due": "2026-11-30T19:30:00-05:00", "name": "José Pérez"},
	notify.TemplateTicketReply:        {"ref": "SD-2026-000123", "body": "Bonjour,\nvoici la réponse."},
	notify.TemplateAttachmentsRemoved: {"ref": "SD-2026-000123"},
	notify.TemplateLetter:             {"code": "7K3M9QW2XA"},
	notify.TemplateCallerCode:         {"code": "482913"},
	notify.TemplateInPerson:           {"code": "4829130274619305", "expires": "2026-12-07T10:00:00-05:00"},
	notify.TemplateLimiterReset:       {"limiter": "idv_doc_auth"},
}

func TestEveryTemplateHasMail(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	cats := loadCatalogs(t)
	templates := constValues(t, "../core/notify", "Template")["Template"]
	if len(templates) < 12 {
		t.Fatalf("found %d templates in core/notify; did the source move?", len(templates))
	}
	for _, tmpl := range templates {
		for _, lang := range Languages {
			for _, part := range []string{"subject", "body"} {
				if _, ok := cats[lang]["mail."+tmpl+"."+part]; !ok {
					t.Errorf("%s: missing mail.%s.%s", lang, tmpl, part)
				}
			}
			subject, body, err := b.RenderMail(notify.Notification{
				Template: notify.Template(tmpl), Language: lang, Data: sampleData[notify.Template(tmpl)]})
			if err != nil {
				t.Errorf("%s %s: %v", lang, tmpl, err)
				continue
			}
			if subject == "" || strings.ContainsAny(subject, "\r\n\t") || strings.Contains(subject+body, "{{") {
				t.Errorf("%s %s: subject %q", lang, tmpl, subject)
			}
			if strings.Contains(body, "\r") || strings.TrimSpace(body) != body {
				t.Errorf("%s %s: body %q", lang, tmpl, body)
			}
		}
	}
}

func TestRenderMail(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	ack := sampleData[notify.TemplateTicketAck]
	tests := []struct {
		name     string
		n        notify.Notification
		subject  string
		contains []string
		absent   []string
	}{
		{
			name:    "french ack names the due date in French",
			n:       notify.Notification{Template: notify.TemplateTicketAck, Language: "fr", Data: ack},
			subject: "Accusé de réception de votre demande SD-2026-000123",
			contains: []string{"Bonjour José Pérez,\n\n", "sa référence est SD-2026-000123",
				"au plus tard le lundi 30 novembre 2026.", "\n\nCordialement,\nL'équipe du centre de contact"},
		},
		{
			name:     "spanish ack",
			n:        notify.Notification{Template: notify.TemplateTicketAck, Language: "es", Data: ack},
			subject:  "Acuse de recibo de su solicitud SD-2026-000123",
			contains: []string{"Hola, José Pérez:\n\n", "a más tardar el lunes, 30 de noviembre de 2026."},
		},
		{
			name:     "english ack",
			n:        notify.Notification{Template: notify.TemplateTicketAck, Language: "en", Data: ack},
			subject:  "We received your request SD-2026-000123",
			contains: []string{"Hello José Pérez,", "by Monday, November 30, 2026."},
		},
		{
			name:     "unknown language falls back to English",
			n:        notify.Notification{Template: notify.TemplateAccountDeleted, Language: "de"},
			subject:  "Your account was deleted",
			contains: []string{"Hello,\n\n"},
		},
		{
			name:     "method kind is localized",
			n:        notify.Notification{Template: notify.TemplateMethodAdded, Language: "fr", Data: map[string]string{"kind": "auth_app"}},
			subject:  "Une méthode d'authentification a été ajoutée à votre compte",
			contains: []string{"ajoutée à votre compte\u00a0: Application d'authentification."},
		},
		{
			name:     "unknown kind is shown as stored",
			n:        notify.Notification{Template: notify.TemplateMethodRemoved, Language: "en", Data: map[string]string{"kind": "carrier_pigeon"}},
			subject:  "An authentication method was removed from your account",
			contains: []string{"account: carrier_pigeon."},
		},
		{
			name:     "remaining codes, plural",
			n:        notify.Notification{Template: notify.TemplateBackupCodeUsed, Language: "es", Data: map[string]string{"remaining": "1"}},
			subject:  "Se usó un código de respaldo en su cuenta",
			contains: []string{"su cuenta. Le queda 1 código.\n"},
		},
		{
			name:     "remaining codes, French zero is singular",
			n:        notify.Notification{Template: notify.TemplateBackupCodeUsed, Language: "fr", Data: map[string]string{"remaining": "0"}},
			subject:  "Un code de secours a été utilisé sur votre compte",
			contains: []string{"Il vous reste 0 code."},
		},
		{
			name:     "reset granted never mails the token",
			n:        notify.Notification{Template: notify.TemplateResetGranted, Language: "en", Data: map[string]string{"token_sealed": "deadbeefcafe"}},
			subject:  "You can now delete your account",
			contains: []string{"open the link in your account page"},
			absent:   []string{"deadbeefcafe", "Token"},
		},
		{
			name: "reply body from outside is plain text",
			n: notify.Notification{Template: notify.TemplateTicketReply, Language: "en", Data: map[string]string{
				"ref": "SD-2026-000124\r\nBcc: x@example.com", "name": "Ana\nBcc: y@example.com",
				"body": "  Line one\r\nLine\ttwo\x1b]0;pwned\x07 \u202eevil\rend\x00 {{.Ref}} ",
			}},
			subject:  "Reply to your request SD-2026-000124 Bcc: x@example.com",
			contains: []string{"Hello Ana Bcc: y@example.com,\n\nLine one\nLine two evilend {{.Ref}}\n\nReference: SD-2026-000124"},
			absent:   []string{"\x1b", "\x07", "\u202e", "\r", "\x00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			subject, body, err := b.RenderMail(tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if subject != tt.subject {
				t.Errorf("subject = %q, want %q", subject, tt.subject)
			}
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q:\n%s", want, body)
				}
			}
			for _, bad := range tt.absent {
				if strings.Contains(subject+body, bad) {
					t.Errorf("mail holds %q:\n%s\n%s", bad, subject, body)
				}
			}
		})
	}
}

func TestRenderMailRefuses(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	tests := []struct {
		name string
		n    notify.Notification
	}{
		{"unknown template", notify.Notification{Template: "no_such_template", Language: "en"}},
		{"ack without due date", notify.Notification{Template: notify.TemplateTicketAck, Language: "fr",
			Data: map[string]string{"ref": "SD-1", "name": "A"}}},
		{"due not RFC 3339", notify.Notification{Template: notify.TemplateTicketAck, Language: "fr",
			Data: map[string]string{"ref": "SD-1", "due": "30/11/2026"}}},
		{"remaining not a count", notify.Notification{Template: notify.TemplateBackupCodeUsed, Language: "en",
			Data: map[string]string{"remaining": "-1"}}},
		{"reply without body", notify.Notification{Template: notify.TemplateTicketReply, Language: "es",
			Data: map[string]string{"ref": "SD-1"}}},
	}
	for _, tt := range tests {
		if s, body, err := b.RenderMail(tt.n); err == nil {
			t.Errorf("%s: rendered %q / %q, want an error", tt.name, s, body)
		}
	}
}

func TestSingleLineKeepsNoBreakSpace(t *testing.T) {
	t.Parallel()
	if got, want := singleLine(" Réf.\u00a0: \n\t SD-1 "), "Réf.\u00a0: SD-1"; got != want {
		t.Errorf("singleLine = %q, want %q", got, want)
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"", "plain", "a\r\nb\rc", "\x1b[31mred\x1b[0m", "\u202eevil", "\xff\xfe", "tab\there\n", "\u0085\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := plainText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("%q: invalid UTF-8 %q", s, out)
		}
		for _, r := range out {
			if r == '\r' || r == 0x1b || (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) || safetext.IsBidiControl(r) {
				t.Fatalf("%q: output %q holds %U", s, out, r)
			}
		}
		if again := plainText(out); again != out {
			t.Fatalf("not idempotent: %q then %q", out, again)
		}
		if one := singleLine(out); strings.ContainsAny(one, "\n\t") {
			t.Fatalf("singleLine(%q) = %q", out, one)
		}
	})
}

// TestMailEndsWithClosingAndSender checks that every mail to a user ends
// with a closing and the team's name in the user's language, each once,
// and that the From name is the team's in that language, not "Support".
func TestMailEndsWithClosingAndSender(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	want := map[string]struct{ greeting, end, sender string }{
		"en": {"Hello Ana,\n\n", "\n\nKind regards,\nThe contact center team", "Contact Center"},
		"es": {"Hola, Ana:\n\n", "\n\nAtentamente,\nEl equipo del centro de atención", "Centro de Atención"},
		"fr": {"Bonjour Ana,\n\n", "\n\nCordialement,\nL'équipe du centre de contact", "Centre de contact"},
	}
	for lang, w := range want {
		n := notify.Notification{Template: notify.TemplateTicketReply, Language: lang,
			Data: map[string]string{"ref": "SD-2026-000123", "body": "Texte.", "name": "Ana"}}
		_, body, err := b.RenderMail(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(body, w.greeting) || !strings.HasSuffix(body, w.end) {
			t.Errorf("%s: greeting %q and end %q expected in\n%s", lang, w.greeting, w.end, body)
		}
		if strings.Count(body, strings.TrimSpace(w.greeting)) != 1 || strings.Count(body, strings.TrimSpace(w.end)) != 1 {
			t.Errorf("%s: greeting or closing twice in\n%s", lang, body)
		}
		if got := b.MailSender(lang); got != w.sender {
			t.Errorf("%s: sender %q, want %q", lang, got, w.sender)
		}
		// The preview renders through the same code as the outbox.
		ps, pb, err := b.Localizer("en").WithLang(lang).RenderMail(n)
		if s, _, _ := b.RenderMail(n); err != nil || ps != s || pb != body {
			t.Errorf("%s: preview %q / %q (%v) differs from the mail", lang, ps, pb, err)
		}
	}
	if got := b.MailSender("de"); got != want["en"].sender {
		t.Errorf("unknown language: sender %q", got)
	}
}
