package i18n

import (
	"maps"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"supportdesk/core/fault"
)

// Localizer renders messages and formats values in one language and time
// zone. It is immutable: WithLang and In return new values, so a session can
// switch language without racing its pending commands.
type Localizer struct {
	bundle *Bundle
	lang   string
	pseudo bool // the pseudo-locale: English, accented and longer
	l      *goi18n.Localizer
	loc    *time.Location
	f      format
}

// Lang returns the localizer's language, one of Languages.
func (l *Localizer) Lang() string { return l.lang }

// Tag returns the language as asked for: Lang, or PseudoLanguage for the
// pseudo-locale (which formats and counts as English), so that a screen
// made from it stays in it.
func (l *Localizer) Tag() string {
	if l.pseudo {
		return PseudoLanguage
	}
	return l.lang
}

// WithLang returns a localizer for another language in the same zone.
func (l *Localizer) WithLang(lang string) *Localizer {
	n := l.bundle.Localizer(lang)
	n.loc = l.loc
	return n
}

// In returns a localizer that shows times in loc; nil keeps the current zone.
func (l *Localizer) In(loc *time.Location) *Localizer {
	n := *l
	if loc != nil {
		n.loc = loc
	}
	return &n
}

// Location returns the zone times are shown in.
func (l *Localizer) Location() *time.Location { return l.loc }

// Has reports whether id has a message in this language or in the default
// language, so callers can fall back on their own for open-ended ids.
func (l *Localizer) Has(id string) bool {
	if _, ok := l.bundle.ids[l.lang][id]; ok {
		return true
	}
	_, ok := l.bundle.ids[DefaultLanguage][id]
	return ok
}

// T renders the message id with the merged template data. A missing
// message renders as its id, so a gap shows up in review instead of a panic.
func (l *Localizer) T(id string, data ...map[string]any) string {
	var td map[string]any
	if len(data) > 0 {
		td = make(map[string]any)
		for _, d := range data {
			maps.Copy(td, d)
		}
	}
	return l.render(&goi18n.LocalizeConfig{MessageID: id, TemplateData: td})
}

// N renders the plural message id for count; the template sees count as
// {{.Count}} next to data.
func (l *Localizer) N(id string, count int, data map[string]any) string {
	td := make(map[string]any, len(data)+1)
	maps.Copy(td, data)
	td["Count"] = l.Number(int64(count))
	return l.render(&goi18n.LocalizeConfig{MessageID: id, TemplateData: td, PluralCount: count})
}

// render never panics: go-i18n returns its best effort next to an error,
// and only an empty result falls back to the id.
func (l *Localizer) render(lc *goi18n.LocalizeConfig) string {
	if !l.Has(lc.MessageID) {
		return lc.MessageID
	}
	msg, err := l.l.Localize(lc)
	if msg == "" && err != nil {
		return lc.MessageID
	}
	return msg
}

// Err localizes an error for the agent. A *fault.Error anywhere in the chain
// becomes "error.<code>" with Until, Max, Field and Limit as template data;
// any other error becomes the generic storage message, because raw error
// text from outside must never reach a user.
func (l *Localizer) Err(err error) string {
	if err == nil {
		return ""
	}
	fe, ok := fault.As(err)
	if !ok || fe == nil {
		return l.T("error." + string(fault.CodeStorage))
	}
	id := "error." + string(fe.Code)
	if !l.Has(id) {
		id = "error." + string(fault.CodeStorage)
	}
	data := map[string]any{
		"Until": "",
		"Max":   l.Number(int64(fe.Max)),
		"Field": l.field(fe.Field),
		"Limit": fe.Limit,
	}
	if !fe.Until.IsZero() {
		data["Until"] = l.DateTime(fe.Until)
	}
	return l.T(id, data)
}

// field localizes a core field name, keeping the name when it has no label.
func (l *Localizer) field(name string) string {
	if name == "" {
		return ""
	}
	if id := "field." + name; l.Has(id) {
		return l.T(id)
	}
	return name
}
