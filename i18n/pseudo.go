package i18n

import (
	"strings"
	"unicode/utf8"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// PseudoLanguage is the pseudo-locale: every English message accented and
// about 35 % longer, its placeholders left whole. Text that stays plain
// ASCII on a screen in it was never localized; a layout that breaks in it
// will break in a longer language. It is for review and tests: the
// language key never cycles to it.
const PseudoLanguage = "en-XA"

var pseudoTag = language.MustParse(PseudoLanguage)

// accented maps ASCII letters to accented look-alikes of the same width.
var accented = func() map[rune]rune {
	from := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	to := "áƀçđéƒĝĥíĵķļɱñóþǫŕšţúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĻṀÑÓÞǪŔŠŢÚṼŴẊÝŽ"
	m := make(map[rune]rune, len(from))
	for i, r := range []rune(to) {
		m[rune(from[i])] = r
	}
	return m
}()

// pseudoText accents a message template's text and lengthens each word by
// a third and a bit (ceil 35 %) with a tilde-like filler, so that wrapping
// and column widths meet longer words, not a longer tail. Template actions
// ({{.Name}}) are copied as they are.
func pseudoText(s string) string {
	var b strings.Builder
	word := 0
	endWord := func() {
		for range (word*35 + 99) / 100 {
			b.WriteRune('ˑ')
		}
		word = 0
	}
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "{{") {
			end := strings.Index(s[i:], "}}")
			if end < 0 {
				end = len(s) - i - 2
			}
			endWord()
			b.WriteString(s[i : i+end+2])
			i += end + 2
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if a, ok := accented[r]; ok {
			b.WriteRune(a)
			word++
		} else {
			if word > 0 {
				endWord()
			}
			b.WriteRune(r)
		}
		i += n
	}
	endWord()
	return b.String()
}

// pseudoMessage is m with every form pseudo-localized.
func pseudoMessage(m *goi18n.Message) *goi18n.Message {
	p := *m
	for _, f := range []*string{&p.Zero, &p.One, &p.Two, &p.Few, &p.Many, &p.Other} {
		if *f != "" {
			*f = pseudoText(*f)
		}
	}
	return &p
}
