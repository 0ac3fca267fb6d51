package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/fault"
)

// fieldForm is a column of labelled text fields, one focused at a time,
// as the sign-in, lock and audit filter forms show them.
type fieldForm struct {
	inputs []textinput.Model
	names  []string // the core's field names, also the "field.<name>" ids
	focus  int
}

// newFieldForm makes one field per name, each with its character limit,
// and focuses the first.
func newFieldForm(c *common, names []string, limits []int) fieldForm {
	f := fieldForm{inputs: make([]textinput.Model, len(names)), names: names}
	for i := range f.inputs {
		ti := textinput.New()
		c.styles.styleInput(&ti)
		ti.Cursor.SetMode(cursor.CursorStatic) // no blink ticks: cheaper over SSH, stable in tests
		ti.CharLimit = limits[i]
		f.inputs[i] = ti
	}
	f.setFocus(0)
	return f
}

// setFocus focuses field i. The "> " prompt marks focus in text, so it
// shows without colour too.
func (f *fieldForm) setFocus(i int) {
	f.focus = i
	for j := range f.inputs {
		if j == i {
			f.inputs[j].Focus()
			f.inputs[j].Prompt = "> "
		} else {
			f.inputs[j].Blur()
			f.inputs[j].Prompt = "  "
		}
	}
}

// moveKey moves the focus on Next and Prev, round the form; it reports
// whether msg was one of them.
func (f *fieldForm) moveKey(k *keyMap, msg tea.KeyMsg) bool {
	n := len(f.inputs)
	switch {
	case key.Matches(msg, k.Next):
		f.setFocus((f.focus + 1) % n)
	case key.Matches(msg, k.Prev):
		f.setFocus((f.focus + n - 1) % n)
	default:
		return false
	}
	return true
}

// update types into the focused field.
func (f *fieldForm) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return cmd
}

// missing names the first blank field as an invalid input and focuses it,
// or is nil when every field is filled.
func (f *fieldForm) missing() error {
	for i, in := range f.inputs {
		if strings.TrimSpace(in.Value()) == "" {
			f.setFocus(i)
			return fault.Invalid(f.names[i], fault.CodeInvalidInput)
		}
	}
	return nil
}

// labelWidth is the widest label in the session's language.
func (f *fieldForm) labelWidth(c *common) int {
	lw := 0
	for _, n := range f.names {
		lw = max(lw, lipgloss.Width(c.loc.T("field."+n)))
	}
	return lw
}

// setWidth fits the fields beside their labels in w columns.
func (f *fieldForm) setWidth(c *common, w int) {
	iw := max(10, w-f.labelWidth(c)-6)
	for i := range f.inputs {
		f.inputs[i].Width = iw
	}
}

// rows draws each field after its label, the labels padded to one width.
func (f *fieldForm) rows(c *common) []string {
	lw := f.labelWidth(c)
	rows := make([]string, 0, len(f.inputs))
	for i, in := range f.inputs {
		rows = append(rows, c.styles.Label.Render(padRight(c.loc.T("field."+f.names[i]), lw))+"  "+in.View())
	}
	return rows
}
