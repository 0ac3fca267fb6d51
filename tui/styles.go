package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
)

// styles are built once per session from that session's renderer, so an SSH
// session's colour profile never leaks into another's.
type styles struct {
	r *lipgloss.Renderer

	Title     lipgloss.Style
	Header    lipgloss.Style
	HeaderDim lipgloss.Style
	Rule      lipgloss.Style
	Heading   lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Muted     lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style
	OK        lipgloss.Style
	Busy      lipgloss.Style
	Box       lipgloss.Style
	BoxTitle  lipgloss.Style
	TableHead lipgloss.Style
	Prompt    lipgloss.Style
	Text      lipgloss.Style
	Small     lipgloss.Style
	Help      help.Styles

	Selected  lipgloss.Style // the row under the cursor; a "›" marker says it too
	TabOn     lipgloss.Style // the tab in view; brackets say it too
	TabOff    lipgloss.Style
	Inbound   lipgloss.Style // thread headers by kind; a symbol and a word say it too
	Public    lipgloss.Style
	Internal  lipgloss.Style
	Breached  lipgloss.Style // SLA badges; each badge has a symbol and a word
	AtRisk    lipgloss.Style
	OnTrack   lipgloss.Style
	Paused    lipgloss.Style
	Fulfilled lipgloss.Style
}

// newStyles builds the styles on r.
func newStyles(r *lipgloss.Renderer) *styles {
	// The palette is adaptive so light and dark terminals both read well;
	// colour only ever repeats what the text already says.
	theme := struct {
		accent, muted, subtle, danger, warn, ok lipgloss.AdaptiveColor
	}{
		accent: lipgloss.AdaptiveColor{Light: "#1B4F9C", Dark: "#7AB8FF"},
		muted:  lipgloss.AdaptiveColor{Light: "#5C5C5C", Dark: "#A0A0A0"},
		subtle: lipgloss.AdaptiveColor{Light: "#9A9A9A", Dark: "#5A5A5A"},
		danger: lipgloss.AdaptiveColor{Light: "#B00020", Dark: "#FF6B6B"},
		warn:   lipgloss.AdaptiveColor{Light: "#8A5A00", Dark: "#F2C14E"},
		ok:     lipgloss.AdaptiveColor{Light: "#1E7A34", Dark: "#6BD68A"},
	}
	s := &styles{r: r}
	s.Title = r.NewStyle().Bold(true).Foreground(theme.accent)
	s.Header = r.NewStyle().Bold(true)
	s.HeaderDim = r.NewStyle().Foreground(theme.muted)
	s.Rule = r.NewStyle().Foreground(theme.subtle)
	s.Heading = r.NewStyle().Bold(true).Foreground(theme.accent)
	s.Label = r.NewStyle().Foreground(theme.muted)
	s.Value = r.NewStyle()
	s.Muted = r.NewStyle().Foreground(theme.muted)
	s.Error = r.NewStyle().Bold(true).Foreground(theme.danger)
	s.Warn = r.NewStyle().Foreground(theme.warn)
	s.OK = r.NewStyle().Foreground(theme.ok)
	s.Busy = r.NewStyle().Italic(true).Foreground(theme.muted)
	s.Box = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(theme.subtle).Padding(0, 1)
	s.BoxTitle = r.NewStyle().Bold(true).Foreground(theme.warn)
	s.TableHead = r.NewStyle().Bold(true).Foreground(theme.muted)
	s.Prompt = r.NewStyle().Bold(true).Foreground(theme.accent)
	s.Text = r.NewStyle()
	s.Small = r.NewStyle().Bold(true).Foreground(theme.warn)
	s.Selected = r.NewStyle().Bold(true).Reverse(true)
	s.TabOn = r.NewStyle().Bold(true).Underline(true).Foreground(theme.accent)
	s.TabOff = r.NewStyle().Foreground(theme.muted)
	s.Inbound = r.NewStyle().Bold(true)
	s.Public = r.NewStyle().Bold(true).Foreground(theme.accent)
	s.Internal = r.NewStyle().Bold(true).Foreground(theme.warn)
	s.Breached = r.NewStyle().Bold(true).Foreground(theme.danger)
	s.AtRisk = r.NewStyle().Bold(true).Foreground(theme.warn)
	s.OnTrack = r.NewStyle().Foreground(theme.ok)
	s.Paused = r.NewStyle().Foreground(theme.muted)
	s.Fulfilled = r.NewStyle().Foreground(theme.ok)
	s.Help = help.Styles{
		ShortKey:       r.NewStyle().Foreground(theme.muted),
		ShortDesc:      r.NewStyle().Foreground(theme.subtle),
		ShortSeparator: r.NewStyle().Foreground(theme.subtle),
		Ellipsis:       r.NewStyle().Foreground(theme.subtle),
		FullKey:        r.NewStyle().Foreground(theme.muted),
		FullDesc:       r.NewStyle().Foreground(theme.subtle),
		FullSeparator:  r.NewStyle().Foreground(theme.subtle),
	}
	return s
}

// styleTextarea gives a textarea this session's styles, for the same
// reason as styleInput. The cursor line is not highlighted: in a 16-colour
// or NO_COLOR terminal a background is the only thing that would show it.
func (s *styles) styleTextarea(ta *textarea.Model) {
	st := textarea.Style{
		Base:             s.r.NewStyle(),
		CursorLine:       s.r.NewStyle(),
		CursorLineNumber: s.Muted,
		EndOfBuffer:      s.Muted,
		LineNumber:       s.Muted,
		Placeholder:      s.Muted,
		Prompt:           s.Prompt,
		Text:             s.Text,
	}
	ta.FocusedStyle = st
	blurred := st
	blurred.Prompt = s.Muted
	blurred.Text = s.Muted
	ta.BlurredStyle = blurred
	ta.Cursor.Style = s.r.NewStyle()
	ta.Cursor.TextStyle = s.r.NewStyle()
}

// styleInput gives a text input this session's styles instead of the
// bubbles defaults, which are bound to the process-wide renderer.
func (s *styles) styleInput(ti *textinput.Model) {
	ti.PromptStyle = s.Prompt
	ti.TextStyle = s.Text
	ti.PlaceholderStyle = s.Muted
	ti.CompletionStyle = s.Muted
	ti.Cursor.Style = s.r.NewStyle()
	ti.Cursor.TextStyle = s.r.NewStyle()
}
