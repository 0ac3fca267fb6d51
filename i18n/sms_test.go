package i18n

import (
	"strings"
	"testing"

	"supportdesk/core/notify"
)

func TestRenderSMSForEveryAccountNotice(t *testing.T) {
	t.Parallel()
	b, err := NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	templates := []notify.Template{notify.TemplateMethodAdded, notify.TemplateMethodRemoved, notify.TemplateBackupCodeUsed,
		notify.TemplatePersonalKeyUsed, notify.TemplateResetRequested, notify.TemplateResetGranted, notify.TemplateResetCancelled,
		notify.TemplateAccountDeleted, notify.TemplateHardLocked, notify.TemplateNewDevice}
	for _, lang := range Languages {
		for _, tmpl := range templates {
			text, err := b.RenderSMS(notify.Notification{Template: tmpl, Language: lang,
				Data: map[string]string{"kind": "auth_app", "remaining": "3", "token_sealed": "abcd"}})
			if err != nil || text == "" || strings.ContainsAny(text, "\n\x1b") || strings.Contains(text, "abcd") {
				t.Errorf("%s %s: %q %v", lang, tmpl, text, err)
			}
		}
	}
	es, _ := b.RenderSMS(notify.Notification{Template: notify.TemplateMethodAdded, Language: "es", Data: map[string]string{"kind": "auth_app"}})
	if !strings.Contains(es, b.Localizer("es").T("method.auth_app")) {
		t.Errorf("method kind not localized: %q", es)
	}
	if _, err := b.RenderSMS(notify.Notification{Template: notify.TemplateTicketAck, Language: "en"}); err == nil {
		t.Error("a ticket acknowledgement rendered as a text message")
	}
}
