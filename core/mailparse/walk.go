package mailparse

import (
	"errors"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"

	"supportdesk/core/safetext"
)

// Bounds on the MIME tree: legitimate mail nests a few levels and has a
// few dozen parts; a crafted one must not make us recurse or loop without end.
const (
	maxDepth = 16
	maxParts = 500
)

// Bounds on how much of one text part is read. Text keeps MaxText bytes;
// sixteen times that of plain text leaves room for the blank lines and
// escapes cleaning removes, and HTML is verbose (styles, inline images).
// Beyond, every copy of a 10 MB part costs time for text nobody will see.
const (
	maxPlainRaw = 16 * MaxText
	maxHTMLRaw  = 64 * MaxText
)

// signatures are the parts multipart/signed adds for S/MIME and OpenPGP.
var signatures = map[string]bool{
	"application/pkcs7-signature":   true,
	"application/x-pkcs7-signature": true,
	"application/pgp-signature":     true,
}

// body holds the readable text of a subtree: plain parts and HTML parts
// already turned into text, each cleaned by safetext.Text.
type body struct {
	plain, html       []string
	plainCut, htmlCut bool // a part was longer than the bound read
}

// best is the text/plain rendering when there is one with content, else
// the HTML one: plain is what the person's client wrote, HTML a guess.
// cut reports that the rendering chosen lost a part's end.
func (b body) best() (text string, cut bool) {
	if p := strings.Join(b.plain, "\n"); strings.TrimSpace(p) != "" {
		return p, b.plainCut
	}
	return strings.Join(b.html, "\n"), b.htmlCut
}

func (b *body) add(o body) {
	b.plain = append(b.plain, o.plain...)
	b.html = append(b.html, o.html...)
	b.plainCut = b.plainCut || o.plainCut
	b.htmlCut = b.htmlCut || o.htmlCut
}

// walker collects, over the whole tree, what is not body text.
type walker struct {
	parts       int
	attachments int
	isReport    bool // a multipart/report of any kind: a machine wrote it
	report      *report
}

// walk reads entity e and returns its body text. inDSN is set under a
// delivery-status multipart/report, whose machine parts are the report
// itself rather than attachments.
func (w *walker) walk(e *message.Entity, depth int, inDSN bool) body {
	w.parts++
	if w.parts > maxParts {
		return body{}
	}
	mt, params, err := e.Header.ContentType()
	if (err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter)) || !strings.Contains(mt, "/") {
		mt = "" // RFC 2045 5.2: a broken Content-Type means text/plain
	}
	disp, dparams, _ := e.Header.ContentDisposition()

	switch {
	case strings.HasPrefix(mt, "multipart/"):
		return w.multipart(e, mt, params, depth, inDSN)
	case inDSN && (mt == "message/delivery-status" || mt == "message/global-delivery-status"):
		w.dsn().readStatus(e.Body)
		return body{}
	case inDSN && (mt == "message/rfc822" || mt == "text/rfc822-headers" || mt == "message/global" || mt == "message/global-headers"):
		w.dsn().readOriginal(e.Body)
		return body{}
	case signatures[mt]:
		return body{} // a signature on the message is no file the person sent
	case disp == "attachment":
		w.attachments++
		return body{}
	case mt == "text/plain" || mt == "text/html" || mt == "":
		if dparams["filename"] != "" || params["name"] != "" {
			w.attachments++ // a text file sent inline is still a file
			return body{}
		}
		limit := maxPlainRaw
		if mt == "text/html" {
			limit = maxHTMLRaw
		}
		s, cut := readText(e.Body, limit)
		s = decodeText(s, params["charset"])
		if mt == "text/html" {
			return body{html: []string{safetext.Text(htmlToText(s))}, htmlCut: cut}
		}
		s = safetext.Text(s)
		if strings.EqualFold(params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
		}
		return body{plain: []string{s}, plainCut: cut}
	default:
		w.attachments++
		return body{}
	}
}

func (w *walker) multipart(e *message.Entity, mt string, params map[string]string, depth int, inDSN bool) body {
	if depth >= maxDepth {
		return body{}
	}
	mr := e.MultipartReader()
	if mr == nil {
		return body{}
	}
	if mt == "multipart/report" {
		w.isReport = true
		if rt := strings.ToLower(params["report-type"]); rt == "delivery-status" || rt == "global-delivery-status" {
			inDSN = true
			w.dsn()
		}
	}
	var out body
	var alt []body
	for {
		p, err := mr.NextPart()
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			break // io.EOF, or a broken boundary: keep what was read
		}
		kid := w.walk(p, depth+1, inDSN)
		if mt == "multipart/alternative" {
			alt = append(alt, kid)
		} else {
			out.add(kid)
		}
		if w.parts > maxParts {
			break
		}
	}
	if mt == "multipart/alternative" {
		// The alternatives say the same thing: keep one plain and one HTML
		// rendering, not both concatenated.
		for _, k := range alt {
			if out.plain == nil && len(k.plain) > 0 {
				out.plain = k.plain
			}
			if out.html == nil && len(k.html) > 0 {
				out.html = k.html
			}
		}
	}
	return out
}

func (w *walker) dsn() *report {
	if w.report == nil {
		w.report = &report{}
	}
	return w.report
}

// readText reads at most limit bytes of a part, reporting whether there
// was more; the rest is skipped by the multipart reader or Parse's drain.
// A damaged part still gives what it has, so read errors are not returned.
func readText(r io.Reader, limit int) (string, bool) {
	data, _ := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(data) > limit {
		return cutRunes(string(data[:limit]), limit), true
	}
	return string(data), false
}

// decodeText finishes the decoding of a part go-message has already
// charset-decoded. 8-bit text with no charset, "us-ascii", or one nobody
// knows ("unknown-8bit") is almost always from a legacy Windows client,
// so it is read as windows-1252 rather than shown as replacement
// characters. Text declared UTF-8 is left to safetext: a few bad bytes
// must not turn every accent around them into mojibake.
func decodeText(s, cs string) string {
	if !utf8.ValidString(s) && legacyCharset(cs) {
		if d, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
			return d
		}
	}
	return s
}

// legacyCharset reports a declared charset that did not decode the part:
// none, ASCII, or one the charset package does not know.
func legacyCharset(cs string) bool {
	switch cs = strings.ToLower(strings.TrimSpace(cs)); cs {
	case "utf-8", "utf8":
		return false
	case "", "us-ascii", "ascii":
		return true
	}
	_, err := charset.Reader(cs, strings.NewReader(""))
	return err != nil
}
