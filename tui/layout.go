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
	lines := make([]string, 0, len(rows))
	for _, r := range rows {
		label := pad + s.Label.Render(padRight(r[0], lw)) + "  "
		value := wrap(r[1], valW)
		lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, label, value))
	}
	return strings.Join(lines, "\n")
}

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
