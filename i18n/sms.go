package i18n

import (
	"fmt"
	"strings"

	"supportdesk/core/notify"
)

// RenderSMS writes a notification as one short text message in n.Language:
// the account notices sent to every phone of record.
func (b *Bundle) RenderSMS(n notify.Notification) (string, error) {
	l := b.Localizer(n.Language)
	id := "sms." + string(n.Template)
	if !l.Has(id) {
		return "", fmt.Errorf("i18n: no text message for template %q", n.Template)
	}
	data, err := mailData(l, n.Data)
	if err != nil {
		return "", fmt.Errorf("i18n: sms %s: %w", n.Template, err)
	}
	text := singleLine(l.T(id, data))
	if strings.Contains(text, "<no value>") {
		return "", fmt.Errorf("i18n: sms %s: a template variable has no data", n.Template)
	}
	return text, nil
}
