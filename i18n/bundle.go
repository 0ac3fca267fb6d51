// Package i18n localizes the console: a go-i18n bundle loaded once from
// package locales, a per-session Localizer, and locale formatting of dates,
// durations and numbers in en, es and fr.
package i18n

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the center's zone must load on hosts without a zoneinfo database

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"supportdesk/locales"
)

// DefaultZone is the contact center's time zone, used unless a Localizer is
// given another location.
const DefaultZone = "America/New_York"

// Bundle holds every message of every language. It is read-only after
// NewBundle, so one Bundle serves all sessions of a process.
type Bundle struct {
	b   *goi18n.Bundle
	ids map[string]map[string]struct{} // language -> message ids it defines
	loc *time.Location
}

// NewBundle loads the message files embedded in package locales.
func NewBundle() (*Bundle, error) {
	return newBundle(locales.FS)
}

// newBundle loads the message files of every language of Languages from
// fsys (MessageFiles); an id defined in two files of a language is an error.
func newBundle(fsys fs.FS) (*Bundle, error) {
	loc, err := time.LoadLocation(DefaultZone)
	if err != nil {
		return nil, fmt.Errorf("i18n: load zone %s: %w", DefaultZone, err)
	}
	b := &Bundle{
		b:   goi18n.NewBundle(language.English),
		ids: make(map[string]map[string]struct{}, len(Languages)),
		loc: loc,
	}
	b.b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Languages {
		files, err := MessageFiles(fsys, lang)
		if err != nil {
			return nil, err
		}
		set := map[string]struct{}{}
		for _, f := range files {
			mf, err := b.b.LoadMessageFileFS(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("i18n: load %s messages: %w", lang, err)
			}
			for _, m := range mf.Messages {
				if _, dup := set[m.ID]; dup {
					return nil, fmt.Errorf("i18n: %s: message %q is defined twice", f, m.ID)
				}
				set[m.ID] = struct{}{}
				if lang == DefaultLanguage {
					if err := b.b.AddMessages(pseudoTag, pseudoMessage(m)); err != nil {
						return nil, fmt.Errorf("i18n: pseudo-locale: %w", err)
					}
				}
			}
		}
		b.ids[lang] = set
	}
	return b, nil
}

// MessageFiles lists a language's message files in fsys: active.<lang>.toml,
// the console's, first, then any <area>.<lang>.toml (macros.es.toml, say)
// that keeps one area's texts apart for its translators.
func MessageFiles(fsys fs.FS, lang string) ([]string, error) {
	files, err := fs.Glob(fsys, "*."+lang+".toml")
	if err != nil {
		return nil, err
	}
	active := "active." + lang + ".toml"
	if !slices.Contains(files, active) {
		return nil, fmt.Errorf("i18n: no %s", active)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return f == active })
	return append([]string{active}, files...), nil
}

// Localizer returns a localizer for lang in the center's zone; an unknown
// lang falls back to DefaultLanguage.
func (b *Bundle) Localizer(lang string) *Localizer {
	// The pseudo-locale speaks English with English formats (and counts
	// as English for Has and the language key), its messages accented.
	pseudo := strings.EqualFold(strings.TrimSpace(lang), PseudoLanguage)
	lang = Normalize(lang)
	tag := lang
	if pseudo {
		tag = PseudoLanguage
	}
	return &Localizer{
		bundle: b,
		lang:   lang,
		pseudo: pseudo,
		l:      goi18n.NewLocalizer(b.b, tag),
		loc:    b.loc,
		f:      formats[lang],
	}
}
