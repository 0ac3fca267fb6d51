package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/callers"
	"supportdesk/core/desk"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
)

// Caller verification: the caller states an email or a phone; core sends
// a code if it is a contact of record and answers the same either way;
// the caller reads the code back. Until the code is right, what the
// verifier draws depends only on what the agent typed and on the clock, so
// the screen never tells whether an account exists.

// verifyStep is where a verification stands.
type verifyStep int

const (
	verifyStated verifyStep = iota // the agent types the contact the caller states
	verifyCode                     // a code may have gone out: the agent types what the caller reads
	verifySpent                    // 3 wrong codes or the code's 10 minutes passed: a new code is needed
	verifyDone                     // the right code: the account is open until until
)

// codeLength is what the caller reads back.
const codeLength = callers.CodeLength

// callerCheckMsg answers VerifyCaller.
type callerCheckMsg struct {
	to, seq int
	check   callers.Check
	err     error
}

// callerConfirmedMsg answers ConfirmCaller.
type callerConfirmedMsg struct {
	to, seq  int
	verified callers.Verified
	err      error
}

// verifyEndMsg fires when a verification's 30 minutes are up.
type verifyEndMsg struct{ to, gen int }

func (m callerCheckMsg) callErr() error     { return m.err }
func (m callerConfirmedMsg) callErr() error { return m.err }

func (m callerCheckMsg) addressedTo() int     { return m.to }
func (m callerConfirmedMsg) addressedTo() int { return m.to }
func (m verifyEndMsg) addressedTo() int       { return m.to }

// addressedMsg is an answer or a timer for the page whose id it carries;
// the root hands it to every open page and each takes its own.
type addressedMsg interface{ addressedTo() int }

func verifyCallerCmd(ctx context.Context, b Callers, tok staff.Token, stated string, callID int64, to, seq int) tea.Cmd {
	return func() tea.Msg {
		chk, err := call(ctx, func(ctx context.Context) (callers.Check, error) {
			return b.VerifyCaller(ctx, tok, stated, callID)
		})
		return callerCheckMsg{to: to, seq: seq, check: chk, err: err}
	}
}

func confirmCallerCmd(ctx context.Context, b Callers, tok staff.Token, checkID, code string, to, seq int) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (callers.Verified, error) {
			return b.ConfirmCaller(ctx, tok, checkID, code)
		})
		return callerConfirmedMsg{to: to, seq: seq, verified: v, err: err}
	}
}

// verifyEndCmd waits until the verification ends, on the injected clock's
// reckoning of how long that is.
func verifyEndCmd(ctx context.Context, to, gen int, after time.Duration) tea.Cmd {
	return tickIn(ctx, max(after, time.Second), func(time.Time) tea.Msg { return verifyEndMsg{to: to, gen: gen} })
}

// verifier runs one caller verification for the page owner.
type verifier struct {
	c       *common
	owner   int
	call    int64 // the call on record the verification links to, 0 for none
	stated  textinput.Model
	code    textinput.Model
	step    verifyStep
	check   callers.Check
	wrong   int // wrong codes read back for this check
	busy    bool
	seq     int    // the latest request; older answers are dropped
	err     error  // core's refusal
	hint    string // a refusal the console makes itself: a message id
	spent   string // why a new code is needed: a message id
	ended   time.Time
	account *desk.AccountView
	until   time.Time
	gen     int // the expiry timer in force
}

func newVerifier(c *common, owner int, call int64) *verifier {
	stated := textinput.New()
	c.styles.styleInput(&stated)
	stated.Cursor.SetMode(cursor.CursorStatic)
	stated.CharLimit = desk.MaxQueryLength
	code := textinput.New()
	c.styles.styleInput(&code)
	code.Cursor.SetMode(cursor.CursorStatic)
	code.CharLimit = codeLength
	v := &verifier{c: c, owner: owner, call: call, stated: stated, code: code}
	v.focus()
	return v
}

// focused reports whether one of the verifier's fields holds the keyboard.
func (v *verifier) focused() bool { return v.stated.Focused() || v.code.Focused() }

// focus gives the keyboard to the field of the step: the stated contact or
// the code.
func (v *verifier) focus() {
	v.stated.Prompt, v.code.Prompt = "  ", "  "
	v.stated.Blur()
	v.code.Blur()
	switch v.step {
	case verifyStated:
		v.stated.Focus()
		v.stated.Prompt = "> "
	case verifyCode:
		v.code.Focus()
		v.code.Prompt = "> "
	}
}

// blur leaves the fields, so the screen's keys work.
func (v *verifier) blur() {
	v.stated.Blur()
	v.code.Blur()
	v.stated.Prompt, v.code.Prompt = "  ", "  "
}

// restart drops the check and any account, and asks for a contact again.
func (v *verifier) restart() {
	v.step, v.check, v.wrong, v.busy = verifyStated, callers.Check{}, 0, false
	v.err, v.hint, v.spent = nil, "", ""
	v.account, v.until = nil, time.Time{}
	v.seq++ // an answer on its way is for the old check
	v.gen++ // and so is the expiry timer
	v.stated.Reset()
	v.code.Reset()
	v.focus()
}

// verified reports whether the caller is verified now: View reads it, so
// an account past its time is never drawn even before the timer fires.
func (v *verifier) verified() bool {
	return v.step == verifyDone && v.account != nil && v.c.now().Before(v.until)
}

// setWidth fits the fields beside their labels.
func (v *verifier) setWidth(w int) {
	// The label, two spaces, the prompt and the cursor beside the text.
	v.stated.Width = max(10, w-lipgloss.Width(v.c.loc.T("verify.field_stated"))-6)
	v.code.Width = codeLength + 1
}

// key handles a key while a field has focus; done is false for an esc
// with nothing left to clear, which the page decides on.
func (v *verifier) key(msg tea.KeyMsg) (cmd tea.Cmd, done bool) {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Search):
		return v.submit(), true
	case key.Matches(msg, k.Back):
		switch {
		case v.busy:
			v.busy = false
			v.seq++ // cancel: the late answer will be dropped
		case v.step == verifyCode && (v.code.Value() != "" || v.hint != ""):
			v.code.Reset()
			v.hint = ""
		case v.step == verifyCode:
			v.restart() // another contact
		case v.stated.Value() != "" || v.err != nil || v.hint != "" || !v.ended.IsZero():
			v.stated.Reset()
			v.err, v.hint, v.ended = nil, "", time.Time{}
		default:
			return nil, false
		}
		return nil, true
	}
	msg = sanitizeKey(msg, false)
	var c tea.Cmd
	if v.step == verifyCode {
		v.code, c = v.code.Update(msg)
		return c, true
	}
	v.stated, c = v.stated.Update(msg)
	return c, true
}

// paste hands a non-key message (a paste) to the field in focus.
func (v *verifier) paste(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case v.code.Focused():
		v.code, cmd = v.code.Update(msg)
	case v.stated.Focused():
		v.stated, cmd = v.stated.Update(msg)
	}
	return cmd
}

// submit asks core for a code to the stated contact, or checks the code
// the caller read. What the console refuses itself (an empty field, a
// UUID, a code that is not 6 digits) depends only on what was typed.
func (v *verifier) submit() tea.Cmd {
	if v.busy || v.c.agent == nil {
		return nil
	}
	v.err, v.hint = nil, ""
	switch v.step {
	case verifyStated:
		q := strings.TrimSpace(v.stated.Value())
		if q == "" {
			v.hint = "verify.stated_empty"
			return nil
		}
		if kind, _, err := desk.Classify(q); err == nil && kind == desk.QueryUUID {
			v.hint = "verify.no_uuid" // a caller states an email or a phone
			return nil
		}
		v.busy, v.ended = true, time.Time{}
		v.seq++
		return verifyCallerCmd(v.c.ctx, v.c.backend, v.c.token(), q, v.call, v.owner, v.seq)
	case verifyCode:
		code := strings.TrimSpace(v.code.Value())
		if len(code) != codeLength || strings.Trim(code, "0123456789") != "" {
			v.hint = "verify.code_shape"
			return nil
		}
		v.busy = true
		v.seq++
		return confirmCallerCmd(v.c.ctx, v.c.backend, v.c.token(), v.check.ID, code, v.owner, v.seq)
	}
	return nil
}

// update takes the verifier's answers and timers.
func (v *verifier) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case callerCheckMsg:
		if msg.seq != v.seq || !v.busy {
			return nil
		}
		v.busy = false
		if msg.err != nil {
			v.err = msg.err // the contact stays so the agent can fix it
			return nil
		}
		// The same step whatever core knows: a code may have gone out.
		v.check, v.wrong, v.step = msg.check, 0, verifyCode
		v.stated.Reset() // the contact is PII: off the screen once sent
		v.code.Reset()
		v.focus()
		return nil
	case callerConfirmedMsg:
		if msg.seq != v.seq || !v.busy {
			return nil
		}
		v.busy = false
		return v.confirmed(msg)
	case verifyEndMsg:
		if msg.gen != v.gen || v.step != verifyDone {
			return nil
		}
		if left := v.until.Sub(v.c.now()); left > 0 {
			return verifyEndCmd(v.c.base, v.owner, v.gen, left)
		}
		until := v.until
		v.restart()
		v.ended = until
		return nil
	}
	return nil
}

// confirmed takes the answer to a code: the account on the right one; a
// wrong one counts a try; the third, or an expired code, needs a new code.
func (v *verifier) confirmed(msg callerConfirmedMsg) tea.Cmd {
	v.code.Reset()
	if msg.err == nil {
		acct := msg.verified.Account
		v.account, v.until, v.step = &acct, msg.verified.Until, verifyDone
		v.err, v.hint = nil, ""
		v.blur()
		v.gen++
		return verifyEndCmd(v.c.base, v.owner, v.gen, v.until.Sub(v.c.now()))
	}
	switch fault.CodeOf(msg.err) {
	case fault.CodeBadCredentials:
		v.wrong++
		v.err = nil
		if v.wrong >= callers.MaxTries {
			v.spend("verify.spent_tries")
		}
		return nil
	case fault.CodeRateLimited:
		v.wrong = callers.MaxTries
		v.spend("verify.spent_tries")
	case fault.CodeCodeExpired:
		v.spend("verify.spent_expired")
	case fault.CodeCodeReused, fault.CodeNotFound:
		v.spend("verify.spent_used")
	default:
		v.err = msg.err // a store or session failure: the agent may try the code again
	}
	return nil
}

// spend ends the check: only a new code helps now.
func (v *verifier) spend(why string) {
	v.step, v.spent, v.err = verifySpent, why, nil
	v.blur()
}

// status is the line under the field: work on its way, a refusal, the
// tries left.
func (v *verifier) status(width int) string {
	loc, s := v.c.loc, v.c.styles
	switch {
	case v.busy && v.step == verifyCode:
		return s.Busy.Render(truncate(loc.T("verify.checking"), width))
	case v.busy:
		return s.Busy.Render(truncate(loc.T("verify.sending"), width))
	case v.hint != "":
		return s.Error.Render(wrap("✗ "+loc.T(v.hint), width))
	case v.err != nil:
		return s.Error.Render(wrap("✗ "+loc.Err(v.err), width))
	case v.step == verifyCode && v.wrong > 0:
		return s.Error.Render(wrap("✗ "+loc.N("verify.code_wrong", callers.MaxTries-v.wrong, nil), width))
	case v.step == verifyStated && !v.ended.IsZero():
		return s.Warn.Render(wrap("! "+loc.T("verify.ended", map[string]any{"Time": loc.Time(v.ended)}), width))
	}
	return ""
}

// lines draws the verification for its step, width cells wide: the field,
// what the agent says or reads, and the status.
func (v *verifier) lines(width int) []string {
	loc, s := v.c.loc, v.c.styles
	var out []string
	switch v.step {
	case verifyStated:
		out = append(out,
			truncate(s.Label.Render(loc.T("verify.field_stated"))+"  "+v.stated.View(), width),
			s.Muted.Render(truncate(loc.T("verify.hint"), width)))
	case verifyCode:
		out = append(out, truncate(s.Label.Render(loc.T("verify.field_code"))+"  "+v.code.View(), width))
		out = append(out, styledLines(s.Warn, loc.T("verify.sent"), width)...)
		out = append(out, s.Muted.Render(truncate(loc.N("verify.code_valid", callers.MaxTries,
			map[string]any{"Time": loc.Time(v.check.ExpiresAt)}), width)))
	case verifySpent:
		out = append(out, styledLines(s.Error, "✗ "+loc.T(v.spent), width)...)
		out = append(out, s.Muted.Render(truncate(loc.T("verify.new_code"), width)))
	case verifyDone:
		out = append(out, v.badge(width))
	}
	if st := v.status(width); st != "" {
		out = append(out, strings.Split(st, "\n")...)
	}
	return out
}

// badge says until when the caller is verified, or that it ended.
func (v *verifier) badge(width int) string {
	loc, s := v.c.loc, v.c.styles
	if !v.verified() {
		return s.Warn.Render(truncate("! "+loc.T("verify.ended", map[string]any{"Time": loc.Time(v.until)}), width))
	}
	return s.OK.Render(truncate("✓ "+loc.T("verify.badge", map[string]any{"Time": loc.Time(v.until)}), width))
}

// help lists the keys of the step in focus.
func (v *verifier) help() []key.Binding {
	k := v.c.keys
	switch v.step {
	case verifyCode:
		return []key.Binding{withHelp(k.Search, v.c.loc.T("help.check_code")), withHelp(k.Back, v.c.loc.T("help.other_contact"))}
	case verifySpent:
		return []key.Binding{withHelp(k.Search, v.c.loc.T("help.new_code"))}
	}
	return []key.Binding{withHelp(k.Search, v.c.loc.T("help.send_code"))}
}
