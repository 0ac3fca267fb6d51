package mailparse

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxHTMLDepth bounds the recursion over the tree; content nested deeper
// than any real mail client writes is dropped.
const maxHTMLDepth = 256

// htmlToText renders an HTML body as the text a reader would see, minus
// the quoted history mail clients mark in their markup: block elements
// and <br> end lines, scripts, styles and the head are dropped, entities
// are decoded by the parser.
func htmlToText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		// Nesting too deep for the parser (over 512 open elements): no
		// client writes that, so a plain reading of the tokens will do.
		return tokensToText(s)
	}
	var c htmlConv
	c.b.Grow(len(s) / 2)
	c.walk(doc, 0)
	// A no-break space in HTML is mostly layout (&nbsp; to keep an empty
	// paragraph or indent); mail clients' own plain parts make it a space.
	return strings.ReplaceAll(c.b.String(), "\u00a0", " ")
}

// tokensToText keeps the text of an HTML document that cannot be built
// into a tree: tags end lines, script and style contents are dropped.
func tokensToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var c htmlConv
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.ReplaceAll(c.b.String(), "\u00a0", " ")
		case html.TextToken:
			if skip == 0 {
				c.text(string(z.Text()))
			}
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); {
			case a == atom.Script || a == atom.Style || a == atom.Head || a == atom.Title:
				if z.Token().Type == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			case a == atom.Br || isPara(a) || isBlock(a):
				c.newline()
			}
		}
	}
}

type htmlConv struct {
	b    strings.Builder
	stop bool // quoted history began: nothing after it is the sender's
	pre  int  // inside <pre>: whitespace is kept
}

// quoteStarts are ids and classes clients put on the element that starts
// the quoted message; everything from there on is history, including the
// siblings that follow (Outlook puts the old body after divRplyFwdMsg).
var quoteStartIDs = map[string]bool{
	"divrplyfwdmsg": true, "x_divrplyfwdmsg": true, "appendonsend": true, "x_appendonsend": true,
	"mail-editor-reference-message-container": true, "olk_src_body_section": true,
}

var quoteStartClasses = map[string]bool{
	"gmail_quote": true, "gmail_quote_container": true, "yahoo_quoted": true,
	"moz-cite-prefix": true, "protonmail_quote": true,
}

// dropClasses are elements left out without ending the text: signatures.
var dropClasses = map[string]bool{"gmail_signature": true, "moz-signature": true}

func (c *htmlConv) walk(n *html.Node, depth int) {
	if c.stop || depth > maxHTMLDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		c.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		c.children(n, depth)
		return
	default:
		return // comments, doctype
	}

	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript,
		atom.Object, atom.Iframe, atom.Svg, atom.Math, atom.Select, atom.Button:
		return
	case atom.Br:
		c.b.WriteByte('\n')
		return
	case atom.Hr:
		c.newline()
		return
	}
	id, classes := "", ""
	for _, a := range n.Attr {
		switch a.Key {
		case "id":
			id = strings.ToLower(a.Val)
		case "class":
			classes = strings.ToLower(a.Val)
		}
	}
	if quoteStartIDs[id] {
		c.stop = true
		return
	}
	for _, cl := range strings.Fields(classes) {
		if quoteStartClasses[cl] {
			c.stop = true
			return
		}
		if dropClasses[cl] {
			c.newline()
			return
		}
	}
	if n.DataAtom == atom.Blockquote {
		c.newline() // quoted text, Apple's type=cite included
		return
	}

	// A paragraph is set off by a blank line, as a browser shows it;
	// Outlook's MsoNormal paragraphs are its lines (margin 0) and spacing
	// comes from empty ones, so they end a line only.
	para := isPara(n.DataAtom) && !strings.Contains(classes, "msonormal")
	block := isPara(n.DataAtom) || isBlock(n.DataAtom)
	switch {
	case para:
		c.paragraph()
	case block:
		c.newline()
	}
	if n.DataAtom == atom.Li {
		c.b.WriteString("- ") // keeps a list a list in text
	}
	if n.DataAtom == atom.Pre {
		c.pre++
	}
	c.children(n, depth)
	if n.DataAtom == atom.Pre {
		c.pre--
	}
	switch {
	case para:
		c.paragraph()
	case block:
		c.newline()
	case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
		c.space()
	}
}

func (c *htmlConv) children(n *html.Node, depth int) {
	for k := n.FirstChild; k != nil && !c.stop; k = k.NextSibling {
		c.walk(k, depth+1)
	}
}

// text writes a text node, folding whitespace runs into one space as a
// browser does, except inside <pre>.
func (c *htmlConv) text(s string) {
	if c.pre > 0 {
		c.b.WriteString(s)
		return
	}
	for len(s) > 0 {
		i := strings.IndexAny(s, " \t\n\r\f")
		if i < 0 {
			c.b.WriteString(s)
			return
		}
		c.b.WriteString(s[:i])
		c.space()
		s = strings.TrimLeft(s[i:], " \t\n\r\f")
	}
}

// space writes one space unless the line is empty or already ends in one.
func (c *htmlConv) space() {
	if c.b.Len() == 0 {
		return
	}
	if last := c.b.String()[c.b.Len()-1]; last != ' ' && last != '\n' {
		c.b.WriteByte(' ')
	}
}

// newline ends the current line unless it is already ended.
func (c *htmlConv) newline() {
	if c.b.Len() > 0 && c.b.String()[c.b.Len()-1] != '\n' {
		c.b.WriteByte('\n')
	}
}

// paragraph ends the line and leaves a blank one, unless at the start.
func (c *htmlConv) paragraph() {
	c.newline()
	if n := c.b.Len(); n > 1 && c.b.String()[n-2] != '\n' {
		c.b.WriteByte('\n')
	}
}

func isPara(a atom.Atom) bool {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Table, atom.Ul, atom.Ol, atom.Dl:
		return true
	}
	return false
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Li, atom.Dt, atom.Dd, atom.Tr,
		atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Address, atom.Center, atom.Form, atom.Fieldset, atom.Figure,
		atom.Main, atom.Nav, atom.Aside, atom.Body, atom.Html, atom.Caption, atom.Tbody, atom.Thead, atom.Tfoot:
		return true
	}
	return false
}
