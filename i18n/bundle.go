// Package i18n localizes the console: a go-i18n bundle loaded once from
// package locales, a per-session Localizer, and locale formatting of dates,
// durations and numbers in en, es and fr.
package i18n

import (
	"fmt"
	"io/fs"
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

// newBundle loads every active.<lang>.toml of Languages from fsys.
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
		mf, err := b.b.LoadMessageFileFS(fsys, "active."+lang+".toml")
		if err != nil {
			return nil, fmt.Errorf("i18n: load %s messages: %w", lang, err)
		}
		set := make(map[string]struct{}, len(mf.Messages))
		for _, m := range mf.Messages {
			set[m.ID] = struct{}{}
		}
		b.ids[lang] = set
	}
	return b, nil
}

// Localizer returns a localizer for lang in the center's zone; an unknown
// lang falls back to DefaultLanguage.
func (b *Bundle) Localizer(lang string) *Localizer {
	lang = Normalize(lang)
	return &Localizer{
		bundle: b,
		lang:   lang,
		l:      goi18n.NewLocalizer(b.b, lang),
		loc:    b.loc,
		f:      formats[lang],
	}
}
