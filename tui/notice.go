package tui

// noticeKind colours a screen's status line; the text says the same.
type noticeKind int

const (
	noticeOK noticeKind = iota
	noticeWarn
	noticeErr
	noticeBusy
)

// notice is a screen's status line (the ticket view, the board, the
// account panel, the requests), kept as an id and data so a language
// switch re-localizes it.
type notice struct {
	id    string
	data  map[string]any
	kind  noticeKind
	err   error // shown localized after the text, for noticeErr
	count int   // for plural messages; 0 renders id with T
}

// noticeLine renders a notice on one line cut to width: a symbol and the
// localized text (a plural when count is set), then the error for
// noticeErr. The symbol says what the colour says.
func (c *common) noticeLine(n notice, width int) string {
	loc, s := c.loc, c.styles
	text := loc.T(n.id, n.data)
	if n.count > 0 {
		text = loc.N(n.id, n.count, n.data)
	}
	switch n.kind {
	case noticeErr:
		if n.err != nil {
			text += " " + loc.Err(n.err)
		}
		return s.Error.Render(truncate("✗ "+text, width))
	case noticeWarn:
		return s.Warn.Render(truncate("! "+text, width))
	case noticeBusy:
		return s.Busy.Render(truncate(text, width))
	}
	return s.OK.Render(truncate("✓ "+text, width))
}
