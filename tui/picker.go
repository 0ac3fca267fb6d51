package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// pickerKind says what a picker chooses.
type pickerKind int

// The pickers.
const (
	pickMacro pickerKind = iota
	pickStatus
	pickAssign
	pickReassign
	pickAgent // the audit filter's agent
)

// pickItem is one choice: what the agent reads and what the page acts on.
type pickItem struct {
	label  string // sanitized by whoever builds it
	detail string
	value  string
}

// picker is a short list the agent chooses one entry from: a macro, a
// status, an agent. It is drawn in the page, never as a separate screen,
// so esc returns to exactly where the agent was.
type picker struct {
	kind      pickerKind
	titleID   string
	titleData map[string]any
	count     int // when set, titleID is a plural message for it
	items     []pickItem
	cursor    int
	loading   bool  // the choices are on their way (agents)
	err       error // loading them failed
}

// update moves the cursor; it reports chosen on enter and closed on esc.
func (pk *picker) update(k *keyMap, msg tea.KeyMsg) (chosen, closed bool) {
	switch {
	case key.Matches(msg, k.Up), key.Matches(msg, k.TabPrev):
		if len(pk.items) > 0 {
			pk.cursor = (pk.cursor + len(pk.items) - 1) % len(pk.items)
		}
	case key.Matches(msg, k.Down), key.Matches(msg, k.TabNext):
		if len(pk.items) > 0 {
			pk.cursor = (pk.cursor + 1) % len(pk.items)
		}
	case key.Matches(msg, k.Top):
		pk.cursor = 0
	case key.Matches(msg, k.Bottom):
		pk.cursor = max(0, len(pk.items)-1)
	case key.Matches(msg, k.Choose):
		return len(pk.items) > 0 && !pk.loading, false
	case key.Matches(msg, k.Back):
		return false, true
	}
	return false, false
}

// selected returns the entry under the cursor.
func (pk *picker) selected() (pickItem, bool) {
	if pk.cursor < 0 || pk.cursor >= len(pk.items) {
		return pickItem{}, false
	}
	return pk.items[pk.cursor], true
}

// view draws the title and the entries that fit in height lines, the
// selected one marked with "›" so it shows without colour.
func (pk *picker) view(c *common, width, height int) string {
	loc, s := c.loc, c.styles
	title := loc.T(pk.titleID, pk.titleData)
	if pk.count > 0 {
		title = loc.N(pk.titleID, pk.count, pk.titleData)
	}
	lines := []string{s.Heading.Render(truncate(title, width))}
	switch {
	case pk.loading:
		lines = append(lines, s.Busy.Render(loc.T("picker.loading")))
	case pk.err != nil:
		lines = append(lines, s.Error.Render(truncate("✗ "+loc.Err(pk.err), width)))
	case len(pk.items) == 0:
		lines = append(lines, s.Muted.Render(loc.T("picker.empty")))
	}
	rows := max(1, height-1)
	top := max(0, min(pk.cursor-rows/2, len(pk.items)-rows))
	for i := top; i < len(pk.items) && i < top+rows; i++ {
		it := pk.items[i]
		text := it.label
		if it.detail != "" {
			text += " · " + s.Muted.Render(it.detail)
		}
		if i == pk.cursor {
			text = "› " + it.label
			if it.detail != "" {
				text += " · " + it.detail
			}
			lines = append(lines, s.Selected.Render(truncate(text, width)))
			continue
		}
		lines = append(lines, truncate("  "+text, width))
	}
	return strings.Join(lines, "\n")
}
