package tui

import (
	"context"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/authn"
	"supportdesk/core/helpdesk"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
	"supportdesk/i18n"
)

// A call on record is a phone ticket the agent takes: it picks the
// caller's language and the reason, core puts the call on record
// (assigned to the agent, answered at once), the caller is verified with
// the call linked, and the guided scripts run for the verified caller's
// account, every step's outcome going on the call's ticket. Ending the
// call closes the ticket with an outcome; it shows in the queue like any
// other.

// callHeader is the lines above the call's body: the call, the caller's
// verification, the status line and the section bar.
const callHeader = 4

// callStage is where the call stands.
type callStage int

const (
	callSetup    callStage = iota // choosing the caller's language and the reason
	callStarting                  // core is putting it on record
	callOpen                      // on record: verification, then the scripts
	callEnded
)

// callSection is what the body shows once the caller is verified.
type callSection int

const (
	sectionMFA callSection = iota
	sectionIDV
	sectionAccount
)

// The call's answers, addressed to the call page by its id.
type (
	callStartedMsg struct {
		to   int
		call ticket.Ticket
		err  error
	}
	stepRecordedMsg struct {
		to            int
		step, outcome string
		view          helpdesk.TicketView
		err           error
	}
	callEndedMsg struct {
		to      int
		outcome string
		view    helpdesk.TicketView
		err     error
	}
)

func (m callStartedMsg) callErr() error    { return m.err }
func (m stepRecordedMsg) callErr() error   { return m.err }
func (m callEndedMsg) callErr() error      { return m.err }
func (m callStartedMsg) addressedTo() int  { return m.to }
func (m stepRecordedMsg) addressedTo() int { return m.to }
func (m callEndedMsg) addressedTo() int    { return m.to }

// openCallMsg asks the root to open a new call.
type openCallMsg struct{}

func startCallCmd(ctx context.Context, t Tickets, tok staff.Token, lang string, cat ticket.Category, to int) tea.Cmd {
	return func() tea.Msg {
		tk, err := call(ctx, func(ctx context.Context) (ticket.Ticket, error) { return t.StartCall(ctx, tok, lang, cat) })
		return callStartedMsg{to: to, call: tk, err: err}
	}
}

func recordStepCmd(ctx context.Context, t Tickets, tok staff.Token, id int64, step, outcome, note string, to int) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (helpdesk.TicketView, error) {
			return t.RecordStep(ctx, tok, id, step, outcome, note)
		})
		return stepRecordedMsg{to: to, step: step, outcome: outcome, view: v, err: err}
	}
}

// callPage is one call, from its setup to its end.
type callPage struct {
	c       *common
	id      int
	stage   callStage
	lang    int // the caller's language, in i18n.Languages
	cat     int // the reason, in ticket.Categories
	row     int // the setup row in focus: 0 language, 1 reason
	call    ticket.Ticket
	thread  *helpdesk.TicketView // the call as last written
	ver     *verifier
	acct    *accountPanel
	section callSection
	mfa     scriptState
	idv     scriptState
	zone    int             // the caller's zone, in callerZones
	noting  bool            // the outcome's note is open
	note    textinput.Model // an optional note for the step's outcome
	writing bool            // a step or the end is on its way
	limiter *limiterForm    // the limiter reset request, nil when closed
	end     *endForm        // the end of the call, nil when closed
	leave   bool            // esc asked to leave the open call: y confirms
	notice  notice
	err     error // the call could not be put on record
	vp      viewport.Model
	seq     int // the latest reload of the account
	width   int
	height  int
}

func newCallPage(c *common) *callPage {
	p := &callPage{c: c, id: c.nextID(), vp: viewport.New(0, 0)}
	p.vp.KeyMap = c.keys.Viewport
	if i := slices.Index(i18n.Languages, c.loc.Lang()); i >= 0 {
		p.lang = i
	}
	p.cat = max(0, slices.Index(ticket.Categories, ticket.CategoryLostMFA))
	p.acct = newAccountPanel(c, p.id)
	p.acct.reload = p.reloadAccount
	note := textinput.New()
	c.styles.styleInput(&note)
	note.Cursor.SetMode(cursor.CursorStatic)
	note.Prompt = "> "
	note.CharLimit = 500
	p.note = note
	return p
}

// Init has nothing to start: the agent first picks the language and reason.
func (p *callPage) Init() tea.Cmd { return nil }

// callerLang is the language the caller speaks.
func (p *callPage) callerLang() string { return i18n.Languages[p.lang] }

// InputFocused reports whether a field, a form or a choice holds the
// keyboard, so q and ? type.
func (p *callPage) InputFocused() bool {
	return p.stage == callSetup || p.ver != nil && p.ver.focused() || p.noting || p.limiter != nil || p.end != nil ||
		p.section == sectionAccount && p.acct.formOpen()
}

// hasDraft reports a note or a reason typed and not sent.
func (p *callPage) hasDraft() bool {
	return p.noting && strings.TrimSpace(p.note.Value()) != "" || p.limiter != nil && p.limiter.draft() ||
		p.end != nil && strings.TrimSpace(p.end.note.Value()) != "" || p.acct.hasDraft()
}

// Title names the screen in the header.
func (p *callPage) Title() string {
	if p.call.Ref == "" {
		return p.c.loc.T("call.title")
	}
	return p.c.loc.T("call.title") + " " + sanitizeLine(p.call.Ref)
}

// verified reports whether the caller's account is open now.
func (p *callPage) verified() bool { return p.ver != nil && p.ver.verified() }

// SetSize lays the page out.
func (p *callPage) SetSize(w, h int) {
	p.width, p.height = w, h
	bodyH := max(1, h-callHeader)
	p.acct.SetSize(w, bodyH)
	if p.ver != nil {
		p.ver.setWidth(w)
	}
	p.note.Width = max(10, w-lipgloss.Width(p.c.loc.T("call.field_note"))-6)
	if p.limiter != nil {
		p.limiter.setWidth(p.c, w)
	}
	if p.end != nil {
		p.end.note.Width = max(10, w-lipgloss.Width(p.c.loc.T("call.field_note"))-6)
	}
	p.vp.Width = w
	p.vp.Height = p.scriptRows()
	p.render()
}

// refresh follows a language switch.
func (p *callPage) refresh() {
	p.vp.KeyMap = p.c.keys.Viewport
	p.acct.refresh()
	p.SetSize(p.width, p.height)
}

// scriptRows is the height of the two columns: the body less the path,
// the headings, the outcome line and the note line.
func (p *callPage) scriptRows() int {
	if p.stage == callEnded {
		return max(1, p.height-callHeader)
	}
	return max(1, p.height-callHeader-4)
}

// env is what the scripts read, in the caller's zone.
func (p *callPage) env() scriptEnv {
	z := zoneAt(p.c, p.zone)
	return scriptEnv{c: p.c, v: p.ver.account, now: p.c.now(), zone: z,
		agent: p.c.loc.In(z.loc), caller: p.c.loc.WithLang(p.callerLang()).In(z.loc)}
}

// script returns the steps and state of the section in view.
func (p *callPage) script() ([]scriptStep, *scriptState) {
	if !p.verified() {
		return nil, nil
	}
	switch p.section {
	case sectionMFA:
		return mfaSteps(p.env()), &p.mfa
	case sectionIDV:
		return idvSteps(p.env()), &p.idv
	}
	return nil, nil
}

// scriptOf returns the steps and state of the script a step code is in.
func (p *callPage) scriptOf(code string) ([]scriptStep, *scriptState) {
	if !p.verified() {
		return nil, nil
	}
	if strings.HasPrefix(code, "idv.") {
		return idvSteps(p.env()), &p.idv
	}
	return mfaSteps(p.env()), &p.mfa
}

// render puts the body in the viewport: the script's columns, or the
// call's thread once it ended.
func (p *callPage) render() {
	p.vp.Height = p.scriptRows()
	p.vp.SetContent(p.bodyContent())
}

// bodyContent is what the viewport scrolls.
func (p *callPage) bodyContent() string {
	if p.stage == callEnded {
		if p.thread == nil {
			return ""
		}
		return renderThread(p.c, p.thread, max(20, p.width))
	}
	steps, st := p.script()
	if st == nil {
		return ""
	}
	step, ok := st.current(steps)
	if !ok {
		return ""
	}
	return strings.Join(twoColumns(p.c.styles, step.see, step.say, p.width), "\n")
}

// sync shows the verified account in the panel, or none, and starts the
// scripts on the section and step the account calls for.
func (p *callPage) sync() {
	var v = p.ver.account
	if !p.verified() {
		v = nil
	}
	if v == p.acct.v {
		return
	}
	p.acct.setView(v)
	if v == nil {
		return
	}
	if !p.idv.begun {
		p.idv.begun = true
		p.idv.step = idvNext(p.env())
	}
	if !p.mfa.begun {
		p.mfa.begun = true
		p.section = sectionMFA
		if p.call.Category == ticket.CategoryProofing {
			p.section = sectionIDV
		}
	}
}

// Update routes the call's answers and keys.
func (p *callPage) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := p.update(msg)
	if p.ver != nil {
		p.sync()
	}
	if steps, st := p.script(); st != nil {
		st.clamp(steps) // the account may have changed under the cursor
	}
	p.render()
	return p, cmd
}

func (p *callPage) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case callStartedMsg:
		if msg.to == p.id {
			return p.started(msg)
		}
		return nil
	case stepRecordedMsg:
		if msg.to == p.id {
			p.recorded(msg)
		}
		return nil
	case callEndedMsg:
		if msg.to == p.id {
			p.ended(msg)
		}
		return nil
	case limiterRequestedMsg:
		if msg.to == p.id {
			return p.limiterRequested(msg)
		}
		return nil
	case lookupDoneMsg:
		if msg.to == p.id && msg.err == nil && msg.seq == p.seq && p.verified() && msg.view.ID == p.ver.account.ID {
			v := msg.view
			p.ver.account = &v
			p.acct.setView(&v)
		}
		return nil
	case resetCancelledMsg:
		if msg.to != p.id {
			return nil
		}
		cmd, _ := p.acct.update(msg)
		if msg.err != nil || p.stage != callOpen {
			return cmd
		}
		outcome := outcomeCancelled
		if msg.why == authn.CancelSuspectedFraud {
			outcome = outcomeCancelledFraud
		}
		return tea.Batch(cmd, p.record(stepMFAReset, outcome, ""))
	case resetResentMsg:
		if msg.to != p.id {
			return nil
		}
		cmd, _ := p.acct.update(msg)
		if msg.err != nil || p.stage != callOpen {
			return cmd
		}
		return tea.Batch(cmd, p.record(stepMFAReset, outcomeResent, ""))
	case addressedMsg:
		if msg.addressedTo() == p.id && p.ver != nil {
			return p.ver.update(msg)
		}
		return nil
	case panelMsg:
		cmd, _ := p.acct.update(msg)
		return cmd
	case tea.KeyMsg:
		return p.key(msg)
	}
	// A paste, say: the field in focus takes it.
	var cmd tea.Cmd
	switch {
	case p.noting:
		p.note, cmd = p.note.Update(msg)
	case p.end != nil:
		p.end.note, cmd = p.end.note.Update(msg)
	case p.limiter != nil:
		p.limiter.detail, cmd = p.limiter.detail.Update(msg)
	case p.ver != nil:
		cmd = p.ver.paste(msg)
	}
	return cmd
}

// started takes the call on record and starts the verification linked to it.
func (p *callPage) started(msg callStartedMsg) tea.Cmd {
	if p.stage != callStarting {
		return nil
	}
	if msg.err != nil {
		p.stage, p.err = callSetup, msg.err
		return nil
	}
	p.stage, p.call, p.err = callOpen, msg.call, nil
	p.ver = newVerifier(p.c, p.id, msg.call.ID)
	p.ver.setWidth(p.width)
	p.notice = notice{id: "call.started", data: map[string]any{"Ref": sanitizeLine(msg.call.Ref)}}
	return nil
}

// record puts a step's outcome on the call.
func (p *callPage) record(step, outcome, note string) tea.Cmd {
	p.writing = true
	p.notice = notice{id: "call.recording", kind: noticeBusy}
	return recordStepCmd(p.c.ctx, p.c.tickets, p.c.token(), p.call.ID, step, outcome, note, p.id)
}

// recorded takes RecordStep's answer: the step is on record, and a step
// the caller cannot take moves the tree on.
func (p *callPage) recorded(msg stepRecordedMsg) {
	p.writing = false
	if msg.err != nil {
		p.notice = notice{id: "call.record_failed", kind: noticeErr, err: msg.err}
		return
	}
	v := msg.view
	p.thread = &v
	if steps, st := p.scriptOf(msg.step); st != nil {
		st.record(steps, msg.step, msg.outcome)
	}
	p.vp.GotoTop()
	if msg.step == stepIDVReset && msg.outcome == outcomeRequested {
		return // the request's flash says more: who decides
	}
	p.notice = notice{id: "call.recorded", data: map[string]any{
		"Step": stepLabel(p.c.loc, msg.step), "Outcome": outcomeLabel(p.c.loc, msg.outcome)}}
}

// limiterRequested takes the request's answer: on success the form closes,
// the flash says a supervisor other than the agent decides, and the step
// goes on record with the limiter and the reason.
func (p *callPage) limiterRequested(msg limiterRequestedMsg) tea.Cmd {
	f := p.limiter
	if msg.err != nil {
		if f != nil {
			f.busy, f.err = false, msg.err
		} else {
			p.notice = notice{id: "limiter_reset.failed", kind: noticeErr, err: msg.err}
		}
		return nil
	}
	p.limiter = nil
	cmd := p.record(stepIDVReset, outcomeRequested, msg.limiter+" · "+msg.reason)
	p.notice = notice{id: "limiter_reset.sent", data: map[string]any{"Limiter": enumText(p.c.loc, "limiter", msg.limiter)}}
	return cmd
}

// reloadAccount reads the verified account again by its UUID, after an
// action on it (a reset cancelled).
func (p *callPage) reloadAccount() tea.Cmd {
	if !p.verified() || p.c.agent == nil {
		return nil
	}
	p.seq++
	return lookupCmd(p.c.ctx, p.c.backend, p.c.token(), p.ver.account.ID, p.id, p.seq)
}

// key routes a key by the call's stage and what holds the keyboard.
func (p *callPage) key(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	if p.leave {
		// Any key answers: y leaves the call open in the queue.
		p.leave = false
		if key.Matches(msg, k.Confirm) {
			return navCmd(backMsg{})
		}
		return nil
	}
	switch p.stage {
	case callSetup:
		return p.setupKey(msg)
	case callStarting:
		return nil
	case callEnded:
		if key.Matches(msg, k.Back) {
			return navCmd(backMsg{})
		}
		var cmd tea.Cmd
		p.vp, cmd = p.vp.Update(msg)
		return cmd
	}
	switch {
	case p.end != nil:
		return p.endKey(msg)
	case p.limiter != nil:
		cmd, done := p.limiter.key(p.c, p.ver.account.ID, p.id, msg)
		if done {
			p.limiter = nil
		}
		return cmd
	case p.noting:
		return p.noteKey(msg)
	case p.ver.focused():
		cmd, done := p.ver.key(msg)
		if !done {
			p.ver.blur() // nothing left to clear: the call's keys work
		}
		return cmd
	case p.section == sectionAccount && p.acct.formOpen():
		cmd, _ := p.acct.update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.EndCall):
		p.openEnd()
		return nil
	case key.Matches(msg, k.Back):
		p.leave = true
		return nil
	case !p.verified():
		switch {
		case key.Matches(msg, k.NewSearch), key.Matches(msg, k.Search):
			if p.ver.step == verifySpent || p.ver.step == verifyDone {
				p.ver.restart()
			}
			p.ver.focus()
		}
		return nil
	case key.Matches(msg, k.ScriptMFA):
		p.section = sectionMFA
		p.vp.GotoTop()
		return nil
	case key.Matches(msg, k.ScriptIDV):
		p.section = sectionIDV
		p.vp.GotoTop()
		return nil
	case key.Matches(msg, k.CallAccount):
		p.section = sectionAccount
		return nil
	}
	if p.section == sectionAccount {
		switch {
		case key.Matches(msg, k.TabNext):
			return p.acct.step(1)
		case key.Matches(msg, k.TabPrev):
			return p.acct.step(-1)
		}
		cmd, _ := p.acct.update(msg)
		return cmd
	}
	return p.scriptKey(msg)
}

// setupKey chooses the caller's language and the reason, and starts the
// call on enter.
func (p *callPage) setupKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Back):
		return navCmd(backMsg{})
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down), key.Matches(msg, k.TabNext), key.Matches(msg, k.TabPrev):
		p.row = 1 - p.row
	case key.Matches(msg, k.Left), key.Matches(msg, k.Right):
		dir := 1
		if key.Matches(msg, k.Left) {
			dir = -1
		}
		if p.row == 0 {
			n := len(i18n.Languages)
			p.lang = (p.lang + dir + n) % n
		} else {
			n := len(ticket.Categories)
			p.cat = (p.cat + dir + n) % n
		}
	case key.Matches(msg, k.Apply):
		if p.c.agent == nil || p.c.tickets == nil {
			return nil
		}
		p.stage, p.err = callStarting, nil
		return startCallCmd(p.c.ctx, p.c.tickets, p.c.token(), p.callerLang(), ticket.Categories[p.cat], p.id)
	}
	return nil
}

// scriptKey moves in the script in view, chooses an outcome and opens its
// note, and runs the step's own keys.
func (p *callPage) scriptKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	steps, st := p.script()
	if st == nil {
		return nil
	}
	st.clamp(steps)
	step, ok := st.current(steps)
	switch {
	case key.Matches(msg, k.TabNext):
		st.move(steps, 1)
		p.vp.GotoTop()
	case key.Matches(msg, k.TabPrev):
		st.move(steps, -1)
		p.vp.GotoTop()
	case !ok:
	case key.Matches(msg, k.Left):
		st.button = (st.button + len(step.outcomes) - 1) % len(step.outcomes)
	case key.Matches(msg, k.Right):
		st.button = (st.button + 1) % len(step.outcomes)
	case key.Matches(msg, k.Record):
		if !p.writing {
			p.noting = true
			p.note.Reset()
			return p.note.Focus()
		}
	case key.Matches(msg, k.Zone) && p.section == sectionIDV:
		p.zone = (p.zone + 1) % len(callerZones)
	case key.Matches(msg, k.LimiterReset) && slices.ContainsFunc(step.keys, isKey(k.LimiterReset)):
		p.limiter = newLimiterForm(p.c, p.ver.account.Proofing)
		if p.limiter == nil {
			p.notice = notice{id: "limiter_reset.none", kind: noticeWarn}
			return nil
		}
		p.limiter.setWidth(p.c, p.width)
		return p.limiter.detail.Focus()
	case key.Matches(msg, k.CancelReset) && slices.ContainsFunc(step.keys, isKey(k.CancelReset)) && p.acct.canCancelReset():
		p.section = sectionAccount
		return p.acct.openCancelReset()
	case key.Matches(msg, k.ResendReset) && slices.ContainsFunc(step.keys, isKey(k.ResendReset)) && p.acct.canResendReset():
		p.section = sectionAccount
		return p.acct.openResendReset()
	default:
		var cmd tea.Cmd
		p.vp, cmd = p.vp.Update(msg)
		return cmd
	}
	return nil
}

// isKey matches a binding by its first key.
func isKey(b key.Binding) func(key.Binding) bool {
	return func(o key.Binding) bool { return slices.Equal(o.Keys(), b.Keys()) }
}

// noteKey types the outcome's note; enter records the step, esc drops it.
func (p *callPage) noteKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Back):
		p.noting = false
		p.note.Reset()
		p.note.Blur()
		return nil
	case key.Matches(msg, k.Record):
		steps, st := p.script()
		step, ok := st.current(steps)
		if !ok || p.writing || st.button >= len(step.outcomes) {
			return nil
		}
		note := strings.TrimSpace(p.note.Value())
		p.noting = false
		p.note.Reset()
		p.note.Blur()
		return p.record(step.code, step.outcomes[st.button], note)
	}
	var cmd tea.Cmd
	p.note, cmd = p.note.Update(sanitizeKey(msg, false))
	return cmd
}

// stepsOnRecord counts the guided steps on the call's thread.
func (p *callPage) stepsOnRecord() int {
	if p.thread == nil {
		return 0
	}
	n := 0
	for _, m := range p.thread.Messages {
		if step, _, _, ok := helpdesk.ParseStep(m.Body); ok && m.Kind == ticket.MessageInternal && step != "call.start" {
			n++
		}
	}
	return n
}

// ShortHelp lists the keys that work now.
func (p *callPage) ShortHelp() []key.Binding {
	k := p.c.keys
	loc := p.c.loc
	switch {
	case p.leave:
		return []key.Binding{withHelp(k.Confirm, loc.T("help.leave_call")), withHelp(k.Cancel, loc.T("help.stay"))}
	case p.stage == callSetup:
		return []key.Binding{withHelp(k.Apply, loc.T("help.start_call")), withHelp(k.Move, loc.T("help.next_field")), withHelp(k.Cycle, loc.T("help.change")), k.Cancel}
	case p.stage == callStarting:
		return nil
	case p.stage == callEnded:
		return []key.Binding{k.Scroll, k.backAs(loc.T("help.back"))}
	case p.end != nil:
		return []key.Binding{withHelp(k.Apply, loc.T("help.end_call")), withHelp(k.Move, loc.T("help.outcome")), k.Cancel}
	case p.limiter != nil:
		return p.limiter.help(p.c)
	case p.noting:
		return []key.Binding{k.Record, k.Cancel}
	case p.ver.focused():
		return append(p.ver.help(), k.EndCall)
	case p.section == sectionAccount && p.acct.formOpen():
		return p.acct.formHelp()
	case !p.verified():
		return []key.Binding{withHelp(k.NewSearch, loc.T("help.verify_caller")), k.EndCall, k.backAs(loc.T("help.leave_call"))}
	case p.section == sectionAccount:
		return []key.Binding{k.ScriptMFA, k.ScriptIDV, k.Tabs, k.Scroll, k.EndCall}
	}
	short := []key.Binding{k.Steps, k.Outcome, k.Record}
	steps, st := p.script()
	if step, ok := st.current(steps); ok {
		short = append(short, step.keys...)
	}
	return append(short, p.otherSection(), k.EndCall)
}

// otherSection is the key to the script not in view.
func (p *callPage) otherSection() key.Binding {
	if p.section == sectionIDV {
		return p.c.keys.ScriptMFA
	}
	return p.c.keys.ScriptIDV
}

// FullHelp groups the call's keys.
func (p *callPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	if p.stage != callOpen || p.end != nil || p.limiter != nil || p.noting || p.ver.focused() || !p.verified() ||
		p.section == sectionAccount && p.acct.formOpen() {
		return [][]key.Binding{p.ShortHelp()}
	}
	sections := []key.Binding{k.ScriptMFA, k.ScriptIDV, k.CallAccount}
	end := []key.Binding{k.EndCall, k.backAs(p.c.loc.T("help.leave_call"))}
	if p.section == sectionAccount {
		full := [][]key.Binding{}
		if keys := p.acct.actionKeys(); len(keys) > 0 {
			full = append(full, keys)
		}
		return append(full, []key.Binding{k.Tabs, k.TabNumber, k.Scroll}, sections, end)
	}
	work := []key.Binding{k.Steps, k.Outcome, k.Record}
	steps, st := p.script()
	if step, ok := st.current(steps); ok {
		work = append(work, step.keys...)
	}
	return [][]key.Binding{work, {k.Scroll, k.Page}, sections, end}
}

// View draws the call: its header lines, then the setup, the
// verification, the script, the account or the thread.
func (p *callPage) View() string {
	head := []string{p.headLine(), p.stateLine(), p.noticeLine(), p.sectionBar()}
	return strings.Join(head, "\n") + "\n" + p.bodyView()
}

// headLine names the call, the caller's language and the reason, and how
// many steps are on record.
func (p *callPage) headLine() string {
	loc, s := p.c.loc, p.c.styles
	if p.stage < callOpen {
		return s.Heading.Render(truncate(loc.T("call.setup_heading"), p.width))
	}
	// The reason goes last: a narrow terminal cuts it first.
	parts := []string{
		s.Heading.Render(sanitizeLine(p.call.Ref)),
		loc.T("call.caller_speaks", map[string]any{"Language": enumText(loc, "language", p.callerLang())}),
		loc.N("call.steps", p.stepsOnRecord(), nil),
		enumText(loc, "ticket_category", string(p.call.Category)),
	}
	return truncate(strings.Join(parts, " · "), p.width)
}

// stateLine says where the caller's verification stands.
func (p *callPage) stateLine() string {
	loc, s := p.c.loc, p.c.styles
	switch {
	case p.stage == callEnded:
		return s.Muted.Render(truncate(loc.T("call.ended_hint"), p.width))
	case p.stage < callOpen:
		return ""
	case p.ver.step == verifyDone:
		return p.ver.badge(p.width)
	}
	return s.Warn.Render(truncate("! "+loc.T("call.verify_first"), p.width))
}

// noticeLine is the flash, the work on its way, or the leave question.
func (p *callPage) noticeLine() string {
	loc, s := p.c.loc, p.c.styles
	switch {
	case p.leave:
		return s.Warn.Render(truncate("! "+loc.T("call.leave_confirm"), p.width))
	case p.stage == callStarting:
		return s.Busy.Render(truncate(loc.T("call.starting"), p.width))
	case p.err != nil:
		return s.Error.Render(truncate("✗ "+loc.T("call.start_failed")+" "+loc.Err(p.err), p.width))
	case p.notice.id != "":
		return p.c.noticeLine(p.notice, p.width)
	}
	return ""
}

// sectionBar lists the call's sections once the caller is verified.
func (p *callPage) sectionBar() string {
	if !p.verified() || p.stage != callOpen {
		return ""
	}
	loc, s := p.c.loc, p.c.styles
	k := p.c.keys
	items := []struct {
		sec  callSection
		bind key.Binding
		id   string
	}{{sectionMFA, k.ScriptMFA, "script.mfa"}, {sectionIDV, k.ScriptIDV, "script.idv"}, {sectionAccount, k.CallAccount, "script.account"}}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		label := it.bind.Help().Key + " " + loc.T(it.id)
		if it.sec == p.section {
			parts = append(parts, s.TabOn.Render("["+label+"]"))
		} else {
			parts = append(parts, s.TabOff.Render(" "+label+" "))
		}
	}
	return truncate(strings.Join(parts, " "), p.width)
}

// bodyView is the page under the header.
func (p *callPage) bodyView() string {
	loc, s := p.c.loc, p.c.styles
	w := p.width
	switch {
	case p.stage < callOpen:
		return p.setupView()
	case p.stage == callEnded:
		vp := p.vp
		vp.SetContent(p.bodyContent())
		return vp.View()
	case p.end != nil:
		return strings.Join(p.endLines(), "\n")
	case !p.verified():
		lines := p.ver.lines(w)
		lines = append(lines, "", s.Muted.Render(wrap(loc.T("call.verify_hint"), w)))
		return strings.Join(lines, "\n")
	case p.section == sectionAccount:
		return p.acct.View()
	case p.limiter != nil:
		return strings.Join(p.limiter.lines(p.c, w), "\n")
	}
	steps, st := p.script()
	step, ok := st.current(steps)
	if !ok {
		return ""
	}
	title := stepLabel(loc, step.code)
	if step.next {
		title += " · ★ " + loc.T("script.next_best")
	}
	say := loc.T("script.say", map[string]any{"Language": enumText(loc, "language", p.callerLang())})
	// The view reads the columns again, so a countdown is never stale;
	// the copy leaves the page's viewport as it is.
	vp := p.vp
	vp.SetContent(p.bodyContent())
	bottom := outcomeLine(p.c, step, st, w)
	last := ""
	switch {
	case p.noting:
		last = truncate(s.Label.Render(loc.T("call.field_note"))+"  "+p.note.View(), w)
	case p.writing:
		last = s.Busy.Render(truncate(loc.T("call.recording"), w))
	case !vp.AtBottom():
		last = s.Muted.Render(truncate("↓ "+loc.T("script.more"), w))
	}
	return strings.Join([]string{
		stepPath(p.c, steps, st, w),
		columnHeads(s, loc.T("script.see")+" · "+title, say, w),
		vp.View(),
		bottom,
		last,
	}, "\n")
}

// setupView chooses the caller's language and the call's reason.
func (p *callPage) setupView() string {
	loc, s := p.c.loc, p.c.styles
	w := p.width
	labels := []string{loc.T("call.field_language"), loc.T("call.field_category")}
	lw := max(lipgloss.Width(labels[0]), lipgloss.Width(labels[1]))
	values := []string{
		enumText(loc, "language", p.callerLang()),
		enumText(loc, "ticket_category", string(ticket.Categories[p.cat])),
	}
	lines := []string{""}
	for i := range labels {
		marker := "  "
		value := "‹ " + values[i] + " ›"
		if i == p.row {
			marker = "› "
			value = s.Selected.Render(value)
		}
		lines = append(lines, truncate(marker+s.Label.Render(padRight(labels[i], lw))+"  "+value, w))
	}
	lines = append(lines, "", s.Muted.Render(wrap(loc.T("call.setup_hint"), w)))
	return strings.Join(lines, "\n")
}
