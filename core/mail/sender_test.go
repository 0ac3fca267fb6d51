package mail

import (
	"context"
	"sync"
	"testing"

	"supportdesk/core/notify"
)

// namedRenderer also names the sender in each language, as package i18n's
// Bundle does.
type namedRenderer struct{ testRenderer }

func (namedRenderer) MailSender(lang string) string {
	return map[string]string{"es": "Centro de Atención", "fr": "Centre de contact"}[lang]
}

// capture keeps what it is asked to send.
type capture struct {
	mu   sync.Mutex
	msgs []*Message
}

func (c *capture) Send(_ context.Context, m *Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	return nil
}

// TestFromNamesTheTeamInTheUsersLanguage checks that the From display name
// follows each mail's language when the renderer names the sender, keeps
// the configured address, and stays as configured when it does not.
func TestFromNamesTheTeamInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	tr := &capture{}
	f := newFixture(t, tr)
	f.w.From = "Support <support@desk.example.gov>"
	f.w.Renderer = namedRenderer{}
	f.enqueue(t, ack("es"), jose)
	f.enqueue(t, methodAdded(), jose)
	f.runOnce(t, 2, 0)
	got := map[string]string{}
	for _, m := range tr.msgs {
		got[m.Language] = m.From
	}
	want := map[string]string{
		"es": `"Centro de Atención" <support@desk.example.gov>`,
		"fr": `"Centre de contact" <support@desk.example.gov>`,
	}
	for lang, w := range want {
		if got[lang] != w {
			t.Errorf("%s: From %q, want %q", lang, got[lang], w)
		}
		if err := (&Message{MessageID: "<a@b>", From: got[lang], To: jose, Date: start}).Check(); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}

	plain := &capture{}
	g := newFixture(t, plain)
	g.enqueue(t, notify.Notification{AccountID: accountID, Template: notify.TemplateMethodAdded, Language: "fr",
		Data: map[string]string{"kind": "auth_app"}}, jose)
	g.runOnce(t, 1, 0)
	if len(plain.msgs) != 1 || plain.msgs[0].From != from {
		t.Errorf("without a sender name the From stays %q: %+v", from, plain.msgs)
	}
}
