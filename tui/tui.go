// Package tui is the agent console: Bubble Tea models, one screen a file,
// keys and styles in one place each. It talks to the core only through
// Backend, from tea.Cmds, and shows every string through the session's
// i18n.Localizer.
package tui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/fault"
	"supportdesk/i18n"
)

// page is one screen: a tea.Model that also sizes itself, lists its keys
// for the help footer and says whether a text input holds the keyboard.
type page interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
	InputFocused() bool
	Title() string
}

// Layout rows outside the active page: header, rule, status line.
const chromeRows = 3

// defaultBundle loads the embedded messages once per process; the bundle is
// read-only, so sessions share it safely.
var defaultBundle = sync.OnceValues(i18n.NewBundle)

// model is the root of one session: it owns the common state, routes
// messages to the active page and draws the header and help footer.
type model struct {
	c           *common
	signIn      *signInPage
	lookup      *lookupPage // nil until sign-in
	queue       *queuePage  // nil unless the agent works the ticket queue
	stack       []page      // the screens opened since sign-in; the last is in view
	lock        *lockPage   // the idle lock over the stack, nil when open
	confirmOut  bool        // sign-out asked with a draft unsent: y confirms
	confirmQuit bool        // q or ctrl+c pressed with a draft unsent: y, q or ctrl+c quits
	idleGen     int         // the idle timer in force; older ticks are dropped
	langLater   bool        // the language changed while locked: saved on unlock
	langChosen  bool        // the language was switched on the sign-in screen: it wins over the profile's
	help        help.Model
	langErr     error  // a failed language save, shown until the next switch
	feed        follow // the change feed the screens follow (live.go)
	loadErr     bool   // the message bundle failed to load
}

// New returns the console for one terminal or SSH session.
func New(opts Options) tea.Model {
	bundle := opts.Bundle
	if bundle == nil {
		b, err := defaultBundle()
		if err != nil {
			return &model{loadErr: true}
		}
		bundle = b
	}
	r := opts.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	r.SetHasDarkBackground(!opts.LightBackground)
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	loc := bundle.Localizer(opts.Lang).In(opts.Location)
	st := newStyles(r)
	kind := opts.Kind
	if kind == "" {
		kind = "tty"
	}
	idle := opts.IdleLock
	if idle <= 0 {
		idle = defaultIdleLock
	}
	c := &common{
		base:     ctx,
		ctx:      ctx,
		cancel:   func() {},
		backend:  opts.Backend,
		tickets:  opts.Tickets,
		live:     liveOf(opts),
		kind:     kind,
		keyFP:    opts.KeyFingerprint,
		idleLock: idle,
		now:      now,
		demo:     opts.Demo,
		demoQs:   opts.DemoQueries,
		renderer: r,
		styles:   st,
		keys:     newKeyMap(loc),
		loc:      loc,
		width:    minWidth, // until the first WindowSizeMsg
		height:   minHeight,
		drafts:   map[int64]draft{},
	}
	h := help.New()
	h.Styles = st.Help
	m := &model{c: c, signIn: newSignInPage(c), help: h}
	m.layout()
	return m
}

// Init starts the sign-in screen.
func (m *model) Init() tea.Cmd {
	if m.loadErr {
		return tea.Quit
	}
	return m.signIn.Init()
}

// active returns the page in view: the lock when it is up, else the top
// of the stack, else the sign-in screen.
func (m *model) active() page {
	if m.lock != nil {
		return m.lock
	}
	if n := len(m.stack); n > 0 {
		return m.stack[n-1]
	}
	return m.signIn
}

// open pages, once each: the stack and the look-up screen even when it
// is not on the stack, so a search's late answer still finds it.
func (m *model) open() []page {
	pages := make([]page, 0, len(m.stack)+1)
	pages = append(pages, m.stack...)
	if m.lookup != nil && !slices.Contains(pages, page(m.lookup)) {
		pages = append(pages, m.lookup)
	}
	return pages
}

// push puts p in view.
func (m *model) push(p page) tea.Cmd {
	m.stack = append(m.stack, p)
	m.help.ShowAll = false
	m.layout()
	return p.Init()
}

// pop goes back to the previous screen, which reloads what may have changed
// meanwhile.
func (m *model) pop() tea.Cmd {
	if len(m.stack) < 2 {
		return nil
	}
	left := leave(m.stack[len(m.stack)-1])
	m.stack[len(m.stack)-1] = nil
	m.stack = m.stack[:len(m.stack)-1]
	m.help.ShowAll = false
	m.layout()
	if r, ok := m.active().(reloader); ok {
		return tea.Batch(left, r.reload(false))
	}
	return left
}

// reloader is a page that fetches its data again when it comes back into view.
type reloader interface {
	reload(filterChanged bool) tea.Cmd
}

// refresher is a page that re-renders after a language switch.
type refresher interface{ refresh() }

// Update routes msg and then lays the screen out again, since focus, help
// and language all change the footer's height.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.loadErr {
		return m, tea.Quit
	}
	cmd := m.update(msg)
	m.layout()
	return m, cmd
}

func (m *model) update(msg tea.Msg) tea.Cmd {
	c := m.c
	if a, ok := msg.(callAnswer); ok {
		if cmd, done := m.sessionFault(a.callErr()); done {
			return cmd
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.width, c.height = msg.Width, msg.Height
		m.layout()
		_, cmd := m.active().Update(msg) // a taller list may need more rows
		return cmd
	case tea.KeyMsg:
		touch := m.keyPressed()
		if cmd, ok := m.globalKey(msg); ok {
			return tea.Batch(touch, cmd)
		}
		_, cmd := m.active().Update(msg)
		return tea.Batch(touch, cmd)
	case signedInMsg:
		return m.signedIn(msg.agent)
	case changesMsg:
		return m.changes(msg)
	case liveFlushMsg:
		return m.flush(msg)
	case idleTickMsg:
		return m.idleTick(msg)
	case touchedMsg:
		return nil // a refusal was read above; success needs nothing
	case unlockedMsg:
		return m.unlocked(msg)
	case signedOutMsg:
		if msg.err != nil && c.agent == nil {
			m.signIn.notice = signInNotice{id: "signout.not_recorded", err: msg.err}
		}
		return nil
	case openTicketMsg:
		if c.tickets == nil {
			return nil
		}
		return m.push(newTicketPage(c, msg.id))
	case openCallMsg:
		if !c.takesCalls() {
			return nil
		}
		return m.push(newCallPage(c))
	case openLookupMsg:
		if slices.Contains(m.stack, page(m.lookup)) {
			return nil
		}
		m.lookup.reopen()
		return m.push(m.lookup)
	case openBoardMsg:
		if !c.canSupervise() {
			return nil
		}
		return m.push(newBoardPage(c))
	case openRequestsMsg:
		if !c.canListRequests() || slices.ContainsFunc(m.stack, isRequests) {
			return nil
		}
		return m.push(newRequestsPage(c))
	case openAuditMsg:
		if !c.canReadAudit() || slices.ContainsFunc(m.stack, isAudit) {
			return nil
		}
		return m.push(newAuditPage(c))
	case openHeldMsg:
		if !c.canReviewMail() || slices.ContainsFunc(m.stack, isHeld) {
			return nil
		}
		return m.push(newHeldPage(c))
	case backMsg:
		return m.pop()
	case langSavedMsg:
		if fault.CodeOf(msg.err) == fault.CodeSessionLocked {
			m.langLater = true // the lock is up (read above): the unlock saves it
			return nil
		}
		if msg.lang == c.loc.Lang() {
			m.langErr = msg.err
		}
		return nil
	case tickMsg:
		if c.agent != nil {
			return nil // signed in: the demo clock stops
		}
	}
	if !isAnswer(msg) || len(m.stack) == 0 {
		_, cmd := m.active().Update(msg) // keys, pastes: the screen in view
		return cmd
	}
	// Answers go to every open page; each takes only those addressed to it.
	var cmds []tea.Cmd
	for _, p := range m.open() {
		_, cmd := p.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// globalKey handles the keys that work on every screen. "?" and "q" are
// plain characters, so they only act when no text input has focus.
func (m *model) globalKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := m.c.keys
	typing := m.active().InputFocused()
	if key.Matches(msg, k.Quit) {
		// ctrl+c quits at once, unless a draft would be lost: then it asks
		// as q does, and a second ctrl+c quits. Locked, it quits: whoever
		// is at the terminal can end the session.
		if m.confirmQuit || m.lock != nil || !m.unsent() {
			return tea.Quit, true
		}
		m.confirmOut, m.confirmQuit = false, true
		return nil, true
	}
	if m.confirmOut {
		// Any key answers the question: y (or the sign-out key again)
		// signs out, anything else stays.
		m.confirmOut = false
		if key.Matches(msg, k.Confirm) || key.Matches(msg, k.SignOut) {
			return m.signOut(), true
		}
		return nil, true
	}
	if m.confirmQuit {
		m.confirmQuit = false // any key answers: y (or q again) quits, anything else stays
		if m.lock == nil {
			if key.Matches(msg, k.Confirm) || key.Matches(msg, k.QuitQ) {
				return tea.Quit, true
			}
			return nil, true
		}
	}
	switch {
	case key.Matches(msg, k.SignOut) && m.c.agent != nil:
		if m.unsent() {
			m.confirmOut = true
			return nil, true
		}
		return m.signOut(), true
	case key.Matches(msg, k.Language):
		return m.switchLanguage(), true
	case key.Matches(msg, k.HelpF1), !typing && key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil, true
	case !typing && key.Matches(msg, k.QuitQ):
		if m.unsent() {
			m.confirmQuit = true // a draft would be lost: ask first
			return nil, true
		}
		return tea.Quit, true
	}
	return nil, false
}

// switchLanguage moves to the next language at once and, once signed in,
// stores the choice from a command.
func (m *model) switchLanguage() tea.Cmd {
	c := m.c
	c.setLang(i18n.Next(c.loc.Lang()))
	m.langErr = nil
	for _, p := range m.open() {
		if r, ok := p.(refresher); ok {
			r.refresh()
		}
	}
	if c.agent == nil || c.backend == nil {
		m.langChosen = c.agent == nil
		return nil
	}
	if m.lock != nil {
		m.lock.refresh()
		m.langLater = true // a locked session cannot save: the unlock will
		return nil
	}
	return saveLangCmd(c.ctx, c.backend, c.token(), c.loc.Lang())
}

// helpKeys joins the active page's keys with the global ones, showing the
// quit and help keys that work in the current focus.
func (m *model) helpKeys() helpKeys {
	k := m.c.keys
	p := m.active()
	helpKey, quitKey := k.Help, k.QuitQ
	if p.InputFocused() {
		helpKey, quitKey = k.HelpF1, k.Quit
	}
	if m.help.ShowAll {
		helpKey.SetHelp(helpKey.Help().Key, m.c.loc.T("help.less"))
	}
	// The footer shows the help key whatever the width (fitShort): it
	// opens everything the line had no room for.
	if m.confirmOut {
		keys := []key.Binding{withHelp(k.Confirm, m.c.loc.T("help.sign_out")), withHelp(k.Cancel, m.c.loc.T("help.stay"))}
		return helpKeys{short: keys, full: [][]key.Binding{keys}}
	}
	if m.confirmQuit && m.lock == nil {
		keys := []key.Binding{withHelp(k.Confirm, m.c.loc.T("composer.help_quit")), withHelp(k.Cancel, m.c.loc.T("composer.help_stay"))}
		return helpKeys{short: keys, full: [][]key.Binding{keys}}
	}
	global := []key.Binding{helpKey, k.Language, quitKey}
	session := global
	if m.c.agent != nil {
		// Sign-out shows in the full help, beside the other session keys.
		session = []key.Binding{helpKey, k.Language, k.SignOut, quitKey}
	}
	full := append(p.FullHelp(), session)
	short := fitShort(m.help, append(p.ShortHelp(), k.Language, quitKey), helpKey, m.c.width)
	return helpKeys{short: short, full: full}
}

// fitShort chooses the footer's keys for a line of width cells: the help
// key always, last, and the others in order while each fits whole; one
// that does not is left to the full help, never cut mid-word.
func fitShort(h help.Model, keys []key.Binding, helpKey key.Binding, width int) []key.Binding {
	sep := lipgloss.Width(h.ShortSeparator)
	item := func(b key.Binding) int { return lipgloss.Width(b.Help().Key) + 1 + lipgloss.Width(b.Help().Desc) }
	used := item(helpKey)
	out := make([]key.Binding, 0, len(keys)+1)
	for _, b := range keys {
		if !b.Enabled() {
			continue
		}
		if w := item(b) + sep; used+w <= width {
			out = append(out, b)
			used += w
		}
	}
	return append(out, helpKey)
}

// layout gives the active page the rows left by the header, status line
// and help footer.
func (m *model) layout() {
	c := m.c
	m.help.Width = c.width
	footer := lipgloss.Height(m.footerView())
	m.active().SetSize(c.width, max(1, c.height-chromeRows-footer))
}

// View draws the session; it only reads state.
func (m *model) View() string {
	if m.loadErr {
		// The only text not localized: without messages there is nothing to localize with.
		return "supportdesk: the message catalogue failed to load.\n"
	}
	c := m.c
	if c.tooSmall() {
		return m.smallView()
	}
	footer := m.footerView()
	bodyRows := max(1, c.height-chromeRows-lipgloss.Height(footer))
	body := c.renderer.NewStyle().Height(bodyRows).MaxHeight(bodyRows).MaxWidth(c.width).
		Render(m.active().View())
	return strings.Join([]string{
		m.headerView(),
		c.styles.Rule.Render(strings.Repeat("─", c.width)),
		body,
		m.statusView(),
		footer,
	}, "\n")
}

// headerView shows the product, the screen, the agent and the language.
func (m *model) headerView() string {
	c := m.c
	s := c.styles
	left := c.loc.T("app.title") + " · " + m.active().Title()
	lang := c.loc.T("language_own." + c.loc.Lang()) // the switcher names a language in that language
	right := lang
	if c.agent != nil {
		name := sanitizeLine(c.agent.DisplayName)
		right = name + " · " + c.loc.T("role."+string(c.agent.Role)) + " · " + lang
		if lipgloss.Width(left)+lipgloss.Width(right)+2 > c.width {
			right = name + " · " + lang // the role goes first when space is short
		}
	}
	rw := lipgloss.Width(right)
	left = truncate(left, max(0, c.width-rw-2))
	gap := max(1, c.width-lipgloss.Width(left)-rw)
	return s.Title.Render(left) + strings.Repeat(" ", gap) + s.HeaderDim.Render(right)
}

// footerView renders the help for the screen in view. Each line is cut to
// the width because bubbles/help can overrun it when its ellipsis does not
// fit either.
func (m *model) footerView() string {
	lines := strings.Split(m.help.View(m.helpKeys()), "\n")
	for i, l := range lines {
		lines[i] = truncate(l, m.c.width)
	}
	return strings.Join(lines, "\n")
}

// statusView asks to confirm a sign-out, or shows a failed language save;
// otherwise it is blank.
func (m *model) statusView() string {
	if m.confirmOut {
		return m.c.styles.Warn.Render(truncate("! "+m.c.loc.T("signout.confirm"), m.c.width))
	}
	if m.confirmQuit && m.lock == nil {
		return m.c.styles.Warn.Render(truncate("! "+m.c.loc.T("composer.quit_confirm"), m.c.width))
	}
	if m.langErr == nil {
		return ""
	}
	return m.c.styles.Error.Render(truncate("✗ "+m.c.loc.T("console.lang_not_saved")+" "+m.c.loc.Err(m.langErr), m.c.width))
}

// smallView replaces the layout on a terminal below 80×24.
func (m *model) smallView() string {
	c := m.c
	text := c.loc.T("terminal.too_small", map[string]any{
		"Width":     strconv.Itoa(c.width),
		"Height":    strconv.Itoa(c.height),
		"MinWidth":  strconv.Itoa(minWidth),
		"MinHeight": strconv.Itoa(minHeight),
	})
	w := max(1, c.width)
	return c.styles.Small.Render(wrap(text, w))
}
