package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/desk"
	"supportdesk/core/helpdesk"
)

// The account panel's tabs, in order; "account.tab.<name>" labels them.
const (
	tabOverview = iota
	tabMFA
	tabProofing
	tabAgencies
	tabHistory
	tabTickets
	tabCount
)

var accountTabNames = [tabCount]string{"overview", "mfa", "proofing", "agencies", "history", "tickets"}

// ticketsState is where the account's ticket list stands.
type ticketsState int

const (
	ticketsNone ticketsState = iota
	ticketsLoading
	ticketsLoaded
)

// accountPanel shows a masked account in tabs, in a scrolling viewport. The
// look-up screen shows it full width; the ticket view shows the linked
// account beside the thread.
type accountPanel struct {
	c          *common
	owner      int // the page whose id the ticket list's answer carries
	v          *desk.AccountView
	tab        int
	vp         viewport.Model
	tickets    []helpdesk.QueueItem
	pick       int // the ticket under the cursor in the Tickets tab
	pickLine   int // where its lines start in the tab's content, and how many
	pickLines  int
	state      ticketsState
	ticketsErr error
	form       panelForm // the form open over the tabs, nil when none
	notice     notice    // the last action's outcome
	// shown is a contact of record unmasked until shown.Until. It lives
	// here only: never logged, never in a draft, dropped with the account.
	shown    *desk.Unmasked
	shownGen int // the unmask in force; older expiry timers are dropped
	// reload asks the owner page for the account as it now is, after an
	// action that changed it; nil leaves the view as it is.
	reload func() tea.Cmd
	width  int
	height int
}

func newAccountPanel(c *common, owner int) *accountPanel {
	a := &accountPanel{c: c, owner: owner, vp: viewport.New(0, 0)}
	a.vp.KeyMap = c.keys.Viewport
	return a
}

// tabCount is how many tabs show: the ticket list needs the ticket backend.
func (a *accountPanel) tabs() int {
	if a.c.tickets == nil {
		return tabTickets
	}
	return tabCount
}

// setView shows another account (or none), from its first tab unless it
// is the same account again.
func (a *accountPanel) setView(v *desk.AccountView) {
	same := a.v != nil && v != nil && a.v.ID == v.ID
	a.v = v
	if !same {
		a.tab, a.tickets, a.state, a.ticketsErr = tabOverview, nil, ticketsNone, nil
		a.form, a.notice = nil, notice{}
		a.hideShown() // another account, or none: the unmasked value goes
	}
	a.render()
	if !same {
		a.vp.GotoTop()
	}
}

// setTab shows tab i, loading the ticket list the first time it is shown.
func (a *accountPanel) setTab(i int) tea.Cmd {
	if i < 0 || i >= a.tabs() || a.v == nil {
		return nil
	}
	a.tab = i
	a.render()
	a.vp.GotoTop()
	if i == tabTickets && a.state == ticketsNone && a.c.agent != nil {
		a.state = ticketsLoading
		a.render()
		return accountTicketsCmd(a.c.ctx, a.c.tickets, a.c.token(), a.v.ID, a.owner)
	}
	return nil
}

// step moves to the next (1) or previous (-1) tab, wrapping around.
func (a *accountPanel) step(dir int) tea.Cmd {
	n := a.tabs()
	return a.setTab((a.tab + dir + n) % n)
}

// SetSize fits the tab bar and the viewport.
func (a *accountPanel) SetSize(w, h int) {
	resized := w != a.width || h != a.height
	a.width, a.height = w, h
	a.vp.Width = max(1, w)
	a.vp.Height = a.viewportHeight()
	a.setFormWidth()
	if resized {
		a.render()
	}
}

// refresh re-renders after a language switch.
func (a *accountPanel) refresh() {
	a.vp.KeyMap = a.c.keys.Viewport
	a.SetSize(a.width, a.height)
	a.render()
}

// viewportHeight is what the tab bar and the request lines leave.
func (a *accountPanel) viewportHeight() int {
	return max(1, a.height-lipgloss.Height(a.tabBar())-len(a.formLines()))
}

// render puts the tab's content in the viewport.
func (a *accountPanel) render() {
	a.vp.Height = a.viewportHeight()
	if a.v == nil {
		a.vp.SetContent("")
		return
	}
	a.vp.SetContent(a.content())
}

// update takes the ticket list's and the request's answers, the request
// form's keys, and the keys that scroll or switch tabs; it reports whether
// it used the message.
func (a *accountPanel) update(msg tea.Msg) (tea.Cmd, bool) {
	k := a.c.keys
	if pm, ok := msg.(panelMsg); ok && pm.panelOf() != a.owner {
		return nil, false
	}
	a.expireShown() // whatever comes, an unmask past its time is not drawn again
	switch msg := msg.(type) {
	case accountTicketsMsg:
		if a.v == nil || msg.accountID != a.v.ID {
			return nil, false
		}
		a.state, a.tickets, a.ticketsErr, a.pick = ticketsLoaded, msg.items, msg.err, 0
		a.render()
		return nil, true
	case changeRequestedMsg:
		a.requested(msg)
		return nil, true
	case unmaskedMsg:
		return a.unmasked(msg), true
	case unmaskTickMsg:
		return a.unmaskTick(msg), true
	case escalatedMsg:
		return a.escalated(msg), true
	case resetCancelledMsg:
		return a.resetCancelled(msg), true
	case resetResentMsg:
		return a.resetResent(msg), true
	case tea.KeyMsg:
		if a.form != nil {
			return a.form.key(a, msg), true
		}
		switch {
		case key.Matches(msg, k.RequestChange) && a.canRequest():
			return a.openForm(), true
		case key.Matches(msg, k.Unmask) && a.canUnmask():
			return a.openUnmask(), true
		case key.Matches(msg, k.Escalate) && a.canEscalate():
			return a.openEscalate(), true
		case key.Matches(msg, k.CancelReset) && a.canCancelReset():
			return a.openCancelReset(), true
		case key.Matches(msg, k.ResendReset) && a.canResendReset():
			return a.openResendReset(), true
		case key.Matches(msg, k.TabNumber):
			i, _ := strconv.Atoi(msg.String())
			return a.setTab(i - 1), true
		case key.Matches(msg, k.Left):
			return a.step(-1), true
		case key.Matches(msg, k.Right):
			return a.step(1), true
		case a.tab == tabTickets && len(a.tickets) > 0 && key.Matches(msg, k.Open):
			return navCmd(openTicketMsg{id: a.tickets[a.pick].ID}), true
		case a.tab == tabTickets && len(a.tickets) > 0 && k.isCursor(msg):
			a.pick = max(0, min(len(a.tickets)-1, a.pick+k.cursorStep(msg, max(1, a.vp.Height/2), len(a.tickets))))
			a.render()
			a.showPick()
			return nil, true
		}
		var cmd tea.Cmd
		a.vp, cmd = a.vp.Update(msg)
		return cmd, true
	}
	return nil, false
}

// tabBar lists the tabs with their number keys, the one in view in
// brackets, wrapping when the labels do not fit on one line.
func (a *accountPanel) tabBar() string {
	loc, s := a.c.loc, a.c.styles
	var lines []string
	line, w := "", 0
	for i := range a.tabs() {
		label := strconv.Itoa(i+1) + " " + loc.T("account.tab."+accountTabNames[i])
		var cell string
		if i == a.tab {
			label = "[" + label + "]"
			cell = s.TabOn.Render(label)
		} else {
			label = " " + label + " "
			cell = s.TabOff.Render(label)
		}
		lw := lipgloss.Width(label)
		if w > 0 && w+1+lw > a.width {
			lines = append(lines, line)
			line, w = "", 0
		}
		if w > 0 {
			line += " "
			w++
		}
		line += cell
		w += lw
	}
	return strings.Join(append(lines, line), "\n")
}

// View draws the tab bar over the tab's content.
func (a *accountPanel) View() string {
	if a.v == nil {
		return a.c.styles.Muted.Render(wrap(a.c.loc.T("account.no_linked"), max(1, a.width)))
	}
	vp := a.vp
	if a.shown != nil && !a.c.now().Before(a.shown.Until) {
		// Past its time with no message since: draw a copy without it.
		vp.SetContent(a.contentWith(nil))
	}
	return strings.Join(append(a.formLines(), a.tabBar(), vp.View()), "\n")
}

// content renders the tab in view, with the contact unmasked if any.
func (a *accountPanel) content() string { return a.contentWith(a.shown) }

// contentWith renders the tab in view with shown in place of its masked
// value.
func (a *accountPanel) contentWith(shown *desk.Unmasked) string {
	av := accountView{c: a.c, loc: a.c.loc, s: a.c.styles, v: a.v, width: max(a.width, 20), now: a.c.now(), shown: shown}
	var secs []func() string
	switch a.tab {
	case tabOverview:
		secs = []func() string{av.summary, av.emails, av.phones, av.reset}
	case tabMFA:
		secs = []func() string{av.methods}
	case tabProofing:
		secs = []func() string{av.profile, av.proofing}
	case tabAgencies:
		secs = []func() string{av.agencies}
	case tabHistory:
		secs = []func() string{av.events, av.devices}
	case tabTickets:
		return a.ticketList(av)
	}
	var parts []string
	for _, sec := range secs {
		if out := sec(); out != "" {
			parts = append(parts, out)
		}
	}
	if len(parts) == 0 && a.v.Lite {
		parts = append(parts, a.c.styles.Warn.Render(wrap(a.c.loc.T("account.lite"), av.width)))
	}
	return strings.Join(parts, "\n\n")
}

// ticketList renders the tickets linked to the account, newest first.
func (a *accountPanel) ticketList(av accountView) string {
	loc, s := a.c.loc, a.c.styles
	head := s.Heading.Render(loc.T("account.tickets"))
	switch {
	case a.state == ticketsLoading:
		return head + "\n  " + s.Busy.Render(loc.T("queue.loading"))
	case a.ticketsErr != nil:
		return head + "\n  " + s.Error.Render(wrap("✗ "+loc.Err(a.ticketsErr), av.width-2))
	case len(a.tickets) == 0:
		return head + "\n  " + s.Muted.Render(loc.T("account.no_tickets"))
	}
	items := make([]string, 0, len(a.tickets))
	for i, t := range a.tickets {
		title := sanitizeLine(t.Ref) + " · " + enumText(loc, "ticket_status", string(t.Status)) + " · " + badgeText(loc, t.State)
		detail := av.date(t.CreatedAt) + " · " + langCode(t.Language) + " · " +
			enumText(loc, "ticket_category", string(t.Category)) + " · " + sanitizeLine(t.Subject)
		item := s.item(2, av.width, title, detail)
		if i == a.pick {
			// The cursor: enter opens this ticket.
			item = "›" + strings.TrimPrefix(item, " ")
			first, rest, _ := strings.Cut(item, "\n")
			item = s.Selected.Render(first) + "\n" + rest
		}
		items = append(items, item)
	}
	a.pickLine = 1
	for _, it := range items[:a.pick] {
		a.pickLine += strings.Count(it, "\n") + 1
	}
	a.pickLines = strings.Count(items[a.pick], "\n") + 1
	return head + "\n" + strings.Join(items, "\n")
}

// showPick scrolls the Tickets tab so the ticket under the cursor shows.
func (a *accountPanel) showPick() {
	switch {
	case a.pickLine < a.vp.YOffset:
		a.vp.SetYOffset(a.pickLine)
	case a.pickLine+a.pickLines > a.vp.YOffset+a.vp.Height:
		a.vp.SetYOffset(a.pickLine + a.pickLines - a.vp.Height)
	}
}
