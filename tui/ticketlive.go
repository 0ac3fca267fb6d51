package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/feed"
	"supportdesk/core/presence"
)

// The ticket view's live side: it reloads when the ticket changes in
// another session, and shows who else has it open ("Ana Agent is
// replying"), which core keeps from what each console sets.

// follow reloads the ticket when it, or every clock, changed; a change of
// who is on it asks core for the list only.
func (p *ticketPage) follow(changes []feed.Change) tea.Cmd {
	reload, who := false, false
	for _, c := range changes {
		switch {
		case c.Kind == feed.Resync, c.Kind == feed.Queues, c.Kind == feed.Ticket && c.Ticket == p.ticketID:
			reload = true
		case c.Kind == feed.Presence && c.Ticket == p.ticketID:
			who = true
		}
	}
	switch {
	case reload:
		return p.load() // the view carries who is on it
	case who && p.c.live != nil && p.sent != "":
		return presenceCmd(p.c.ctx, p.c.live, p.c.token(), p.ticketID, p.sent, p.id)
	}
	return nil
}

// state is what this console does on the ticket: replying while the
// reply composer is open, else viewing. An internal note is no reply.
func (p *ticketPage) state() presence.State {
	if p.mode == actReply {
		return presence.Replying
	}
	return presence.Viewing
}

// announce sets the presence in core when it differs from what was last
// set; the answer brings the others on the ticket.
func (p *ticketPage) announce() tea.Cmd {
	if p.c.live == nil || p.c.agent == nil || p.sent == presence.Left {
		return nil
	}
	st := p.state()
	if st == p.sent {
		return nil
	}
	p.sent = st
	return presenceCmd(p.c.ctx, p.c.live, p.c.token(), p.ticketID, st, p.id)
}

// leave tells core the ticket closed here, on the terminal's context: the
// session's may end with this very screen.
func (p *ticketPage) leave() tea.Cmd {
	if p.c.live == nil || p.c.agent == nil || p.sent == "" || p.sent == presence.Left {
		return nil
	}
	p.sent = presence.Left
	return leaveCmd(p.c.base, p.c.live, p.c.token(), p.ticketID)
}

// setOthers shows who else is on the ticket, laying the page out again
// when the presence line comes or goes.
func (p *ticketPage) setOthers(others []presence.Viewer) {
	rows := p.headerRows()
	p.others = others
	if p.headerRows() != rows {
		p.relayout()
	}
}

// presenceView is the line naming the other agents on the ticket; it
// warns when one of them is writing a reply.
func (p *ticketPage) presenceView() string {
	loc, s := p.c.loc, p.c.styles
	parts := make([]string, 0, len(p.others))
	replying := false
	for _, v := range p.others {
		id := "ticket.presence.viewing"
		if v.State == presence.Replying {
			id, replying = "ticket.presence.replying", true
		}
		parts = append(parts, loc.T(id, map[string]any{"Name": strings.TrimSpace(sanitizeLine(v.Name))}))
	}
	line := truncate("● "+strings.Join(parts, " · "), p.width)
	if replying {
		return s.Warn.Render(line)
	}
	return s.Muted.Render(line)
}
