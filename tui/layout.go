package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Layout helpers measure by display width (lipgloss.Width), never by bytes:
// Spanish and French labels run longer, French carries no-break spaces and
// names carry accents and wide characters.

// padRight pads s with spaces to display width w.
func padRight(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-lipgloss.Width(s)))
}

// truncate cuts s to display width w with an ellipsis.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// wrap breaks text into lines of at most w display cells, at spaces (not
// at no-break spaces) where it can.
func wrap(text string, w int) string {
	if w <= 0 {
		return text
	}
	return ansi.Wrap(text, w, "")
}

// fieldRows renders label/value pairs with labels aligned on the widest,
// wrapping values to the remaining width.
func (s *styles) fieldRows(indent, width int, rows [][2]string) string {
	lw := 0
	for _, r := range rows {
		lw = max(lw, lipgloss.Width(r[0]))
	}
	pad := strings.Repeat(" ", indent)
	valW := max(10, width-indent-lw-2)
	under := max(10, width-indent-2) // a value on the line below its label
	lines := make([]string, 0, len(rows))
	for _, r := range rows {
		label := pad + s.Label.Render(padRight(r[0], lw)) + "  "
		if w := lipgloss.Width(r[1]); w > valW && w <= under && !strings.ContainsRune(r[1], ' ') {
			// One unbreakable value (a UUID, a date) too wide for the
			// column goes whole under its label rather than cut in two.
			lines = append(lines, pad+s.Label.Render(r[0]), pad+"  "+r[1])
			continue
		}
		lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, label, wrap(r[1], valW)))
	}
	return strings.Join(lines, "\n")
}

// unbroken joins a value's words with no-break spaces, so wrapping moves
// it whole to the next line instead of cutting it.
func unbroken(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }

// table renders rows under headers, columns padded to their widest cell and
// the last column cut to fit width.
func (s *styles) table(indent, width int, headers []string, rows [][]string) string {
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], lipgloss.Width(cell))
		}
	}
	pad := strings.Repeat(" ", indent)
	line := func(cells []string, style *lipgloss.Style) string {
		var b strings.Builder
		b.WriteString(pad)
		used := indent
		for i, cell := range cells {
			if i == len(cells)-1 {
				cell = truncate(cell, width-used)
			} else {
				cell = padRight(cell, widths[i]) + "  "
			}
			used += lipgloss.Width(cell)
			if style != nil {
				cell = style.Render(cell)
			}
			b.WriteString(cell)
		}
		return strings.TrimRight(b.String(), " ")
	}
	out := []string{line(headers, &s.TableHead)}
	for _, r := range rows {
		out = append(out, line(r, nil))
	}
	return strings.Join(out, "\n")
}

// item renders one list entry: a marker and a title, and details indented
// beneath it, wrapped to width.
func (s *styles) item(indent, width int, title string, details ...string) string {
	inner := strings.Repeat(" ", indent+2)
	var lines []string
	for i, l := range strings.Split(wrap(title, width-indent-2), "\n") {
		if i == 0 {
			lines = append(lines, strings.Repeat(" ", indent)+"▪ "+l)
		} else {
			lines = append(lines, inner+l)
		}
	}
	for _, d := range details {
		if d == "" {
			continue
		}
		for _, l := range strings.Split(wrap(d, width-indent-2), "\n") {
			lines = append(lines, inner+s.Muted.Render(l))
		}
	}
	return strings.Join(lines, "\n")
}

// styledLines wraps text to width and renders each line in st, for the
// lines of a form that must show whole (a confirmation, an error) even in
// a narrow panel.
func styledLines(st lipgloss.Style, text string, width int) []string {
	lines := strings.Split(wrap(text, max(1, width)), "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

// listTable draws a list screen's table: the heading, then the rows from
// top, n at most, the cursor's row as one plain run under the selected
// style. Each column is as wide as its heading and the rows given (rows
// left nil are not measured: a screen may format only those in view),
// capped at caps[c] when that is above 0; the last column takes the width
// left, at least 10 cells, and is cut.
func listTable(s *styles, width int, head []string, rows [][]string, caps []int, top, n, cursor int) []string {
	last := len(head) - 1
	widths := make([]int, len(head))
	for c := range last {
		widths[c] = lipgloss.Width(head[c])
		for _, row := range rows {
			if row != nil {
				widths[c] = max(widths[c], lipgloss.Width(row[c]))
			}
		}
		if c < len(caps) && caps[c] > 0 {
			widths[c] = min(widths[c], caps[c])
		}
	}
	used := 2
	for c := range last {
		used += widths[c] + 2
	}
	widths[last] = max(10, width-used)
	line := func(marker string, row []string) string {
		var b strings.Builder
		b.WriteString(marker)
		for c := range row {
			cell := truncate(row[c], widths[c])
			b.WriteString(cell)
			if c < last {
				b.WriteString(strings.Repeat(" ", max(0, widths[c]-lipgloss.Width(cell))+2))
			}
		}
		return truncate(b.String(), width)
	}
	out := []string{s.TableHead.Render(line("  ", head))}
	for i := top; i < len(rows) && i < top+n; i++ {
		if i == cursor {
			out = append(out, s.Selected.Render(line("› ", rows[i])))
			continue
		}
		out = append(out, line("  ", rows[i]))
	}
	return out
}
