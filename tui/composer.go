package tui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/helpdesk"
	"supportdesk/core/notify"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

// The composer's send step: ctrl+s on a reply shows the mail the
// requester will receive, rendered by the code that renders the outbox
// (i18n's RenderMail), and waits for y. A macro may have the reply set a
// status once sent (pending, for one that asks the requester to act); p
// switches that on and off in the preview.

// previewMail renders the reply as the requester will receive it: the
// sender's name, the subject and the body with greeting, closing and
// signature, all in the ticket's language.
func previewMail(c *common, v *helpdesk.TicketView, body string) (sender, subject, text string, err error) {
	n := notify.Notification{Template: notify.TemplateTicketReply, Language: v.Language,
		Data: map[string]string{"ref": v.Ref, "body": body, "name": v.RequesterName}}
	subject, text, err = c.loc.RenderMail(n)
	if err != nil {
		return "", "", "", err
	}
	return c.loc.WithLang(v.Language).MailSender(), subject, text, nil
}

// pendingKey switches "set pending once sent" in the preview.
func pendingKey(c *common) key.Binding {
	return key.NewBinding(key.WithKeys("p"), key.WithHelp("p", c.loc.T("composer.help_pending")))
}

// openPreview checks the draft and shows the preview; nothing is sent yet.
func (p *ticketPage) openPreview() tea.Cmd {
	body := strings.TrimSpace(p.composer.Value())
	if body == "" {
		p.notice = notice{id: "ticket.draft_empty", kind: noticeErr}
		return nil
	}
	if _, _, _, err := previewMail(p.c, p.view, body); err != nil {
		p.notice = notice{id: "composer.preview_failed", kind: noticeErr, err: err}
		return nil
	}
	p.confirming = true
	p.notice = notice{}
	p.preview.GotoTop()
	p.renderPreview()
	return nil
}

// renderPreview fills the preview viewport at the current width.
func (p *ticketPage) renderPreview() {
	if !p.confirming || p.view == nil {
		return
	}
	loc, s := p.c.loc, p.c.styles
	sender, subject, text, err := previewMail(p.c, p.view, strings.TrimSpace(p.composer.Value()))
	if err != nil {
		p.preview.SetContent(s.Error.Render(wrap("✗ "+loc.Err(err), p.width)))
		return
	}
	w := max(20, p.width)
	head := []string{
		truncate(s.Muted.Render(loc.T("composer.preview_from")+" ")+sanitizeLine(sender), w),
		truncate(s.Muted.Render(loc.T("composer.preview_to")+" ")+sanitizeLine(p.view.RequesterMasked), w),
		truncate(s.Muted.Render(loc.T("composer.preview_subject")+" ")+sanitizeLine(subject), w),
		s.Rule.Render(strings.Repeat("─", min(w, 60))),
	}
	p.preview.SetContent(strings.Join(head, "\n") + "\n" + wrap(sanitizeText(text), w))
}

// previewKey handles keys while the preview is up: y sends, p switches
// the status the reply sets, esc goes back to the draft.
func (p *ticketPage) previewKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Confirm):
		p.confirming = false
		return p.post()
	case key.Matches(msg, pendingKey(p.c)):
		if p.afterSend == "" {
			p.afterSend = ticket.StatusPending
		} else {
			p.afterSend = ""
		}
		return nil
	case key.Matches(msg, k.Back), key.Matches(msg, k.Cancel):
		p.confirming = false
		p.focus = focusComposer
		return p.composer.Focus()
	}
	var cmd tea.Cmd
	p.preview, cmd = p.preview.Update(msg)
	return cmd
}

// previewView is the preview's title, the mail and what sending does.
func (p *ticketPage) previewView(h int) string {
	loc, s := p.c.loc, p.c.styles
	lang := enumText(loc, "language", p.view.Language)
	title := s.Heading.Render(truncate(loc.T("composer.preview_title", map[string]any{"Language": lang}), p.width))
	then := loc.T("composer.then_nothing")
	if p.afterSend != "" {
		then = loc.T("composer.then_status", map[string]any{"Status": enumText(loc, "ticket_status", string(p.afterSend))})
	}
	// The question wraps rather than lose its end (the status) on a narrow screen.
	ask := strings.Split(wrap("? "+loc.T("composer.confirm_send")+" "+then, max(20, p.width)), "\n")
	for i, l := range ask {
		ask[i] = s.Warn.Render(l)
	}
	p.preview.Width, p.preview.Height = p.width, max(1, h-1-len(ask))
	return title + "\n" + p.preview.View() + "\n" + strings.Join(ask, "\n")
}

// previewHelp lists the keys of the preview.
func (p *ticketPage) previewHelp() []key.Binding {
	k := p.c.keys
	return []key.Binding{withHelp(k.Confirm, p.c.loc.T("composer.help_send")), pendingKey(p.c), k.Scroll,
		k.backAs(p.c.loc.T("composer.help_edit"))}
}

// replyStatusCmd sends a reply and then, when status is set, sets it on
// the ticket as the reply left it. A failed status change after a sent
// reply is reported as such: the reply is not sent twice.
func replyStatusCmd(ctx context.Context, t Tickets, tok staff.Token, id, version int64, body string, status ticket.Status, to int) tea.Cmd {
	if status == "" {
		return replyCmd(ctx, t, tok, id, version, body, to)
	}
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (helpdesk.TicketView, error) {
			return t.Reply(ctx, tok, id, version, body)
		})
		if err != nil {
			return ticketChangedMsg{to: to, action: actReply, err: err}
		}
		after, serr := call(ctx, func(ctx context.Context) (helpdesk.TicketView, error) {
			return t.SetStatus(ctx, tok, v.ID, v.Version, status)
		})
		if serr != nil {
			return ticketChangedMsg{to: to, action: actReply, view: v, status: status, statusErr: serr}
		}
		return ticketChangedMsg{to: to, action: actReply, view: after, status: status}
	}
}
