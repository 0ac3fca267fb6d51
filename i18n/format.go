package i18n

import (
	"strings"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/en_US"
	"github.com/go-playground/locales/es_US"
	"github.com/go-playground/locales/fr_FR"
)

// Dates, times and numbers come from CLDR through go-playground/locales:
// English is en-US, Spanish es-US (the center's users live in the United
// States: "10,000", "0.4", "6:32 p. m."), French fr-FR ("10 000", "0,4",
// "18:32"). Times are shown in the center's zone, DefaultZone, unless a
// Localizer is given another, and always name their zone. Durations are
// ours: CLDR's unit data is not in the library.

// format is one language's locale data and the few corrections made on top
// of the library's.
type format struct {
	tr locales.Translator
	// dateTime joins a short date and a short time (CLDR dateTimeFormats
	// short: "{1}, {0}" in en and es, "{1} {0}" in fr).
	dateTime string
	// upperPeriods: the library's en-US data says "pm"; US English, and
	// CLDR's own en data, write "PM".
	upperPeriods bool
	// firstOrdinal: French writes the first of the month "1er".
	firstOrdinal bool
	unitSep      string // between a number and its unit
	days         string // unit symbols for Duration
	hours        string
	minutes      string
	seconds      string
}

// nnbsp is U+202F NARROW NO-BREAK SPACE, the CLDR French digit group separator.
const nnbsp = "\u202f"

// nbsp is U+00A0 NO-BREAK SPACE: French keeps a number with its unit.
const nbsp = "\u00a0"

var formats = map[string]format{
	"en": {tr: en_US.New(), dateTime: ", ", upperPeriods: true,
		unitSep: " ", days: "d", hours: "h", minutes: "min", seconds: "s"},
	"es": {tr: es_US.New(), dateTime: ", ",
		unitSep: " ", days: "d", hours: "h", minutes: "min", seconds: "s"},
	"fr": {tr: fr_FR.New(), dateTime: " ", firstOrdinal: true,
		unitSep: nbsp, days: "j", hours: "h", minutes: "min", seconds: "s"},
}

// Date formats t as a long date with its weekday in the localizer's zone
// (CLDR full date): "Monday, November 30, 2026", "lunes, 30 de noviembre
// de 2026", "lundi 30 novembre 2026", "mardi 1er décembre 2026".
func (l *Localizer) Date(t time.Time) string {
	t = t.In(l.loc)
	s := l.f.tr.FmtDateFull(t)
	if l.f.firstOrdinal && t.Day() == 1 {
		s = strings.Replace(s, " 1 ", " 1er ", 1) // weekday names hold no digits
	}
	return s
}

// ShortDate formats t as a numeric date (CLDR short date): "11/30/26",
// "30/11/2026", "01/12/2026".
func (l *Localizer) ShortDate(t time.Time) string {
	return l.f.tr.FmtDateShort(t.In(l.loc))
}

// Time formats t as a time of day with its zone abbreviation: "3:04 PM EST",
// "3:04 p. m. EST", "15:04 EST".
func (l *Localizer) Time(t time.Time) string {
	t = t.In(l.loc)
	return l.clock(t) + " " + t.Format("MST")
}

// DateTime formats t as a short date and time with the zone abbreviation:
// "11/30/26, 3:04 PM EST", "30/11/2026, 3:04 p. m. EST",
// "30/11/2026 15:04 EST".
func (l *Localizer) DateTime(t time.Time) string {
	t = t.In(l.loc)
	return l.f.tr.FmtDateShort(t) + l.f.dateTime + l.Time(t)
}

// clock is the CLDR short time of t, already in the zone.
func (l *Localizer) clock(t time.Time) string {
	s := l.f.tr.FmtTimeShort(t)
	if l.f.upperPeriods {
		if head, ok := strings.CutSuffix(s, " am"); ok {
			return head + " AM"
		}
		if head, ok := strings.CutSuffix(s, " pm"); ok {
			return head + " PM"
		}
	}
	return s
}

// Duration formats d with its two largest units, truncated, in the
// language's unit symbols: "3 h 20 min", "2 j 4 h", "45 s".
func (l *Localizer) Duration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Truncate(time.Second)
	units := []struct {
		size time.Duration
		sym  string
	}{
		{24 * time.Hour, l.f.days}, {time.Hour, l.f.hours},
		{time.Minute, l.f.minutes}, {time.Second, l.f.seconds},
	}
	var parts []string
	for _, u := range units {
		n := d / u.size
		d -= n * u.size
		if n == 0 {
			if len(parts) > 0 {
				break // "3 h" rather than "3 h 0 min"
			}
			continue
		}
		parts = append(parts, l.Number(int64(n))+l.f.unitSep+u.sym)
		if len(parts) == 2 {
			break
		}
	}
	if len(parts) == 0 {
		return "0" + l.f.unitSep + l.f.seconds
	}
	return sign + strings.Join(parts, " ")
}

// Seconds formats d in seconds with one decimal, for elapsed times:
// "0.4 s", "0,4 s".
func (l *Localizer) Seconds(d time.Duration) string {
	return l.Decimal(d.Seconds(), 1) + l.f.unitSep + l.f.seconds
}

// Hours formats business time in hours and minutes ("3 h 20 min",
// "56 h"): a business day has 12 hours, so counting days of 24 would
// mislead.
func (l *Localizer) Hours(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	h, m := int64(d/time.Hour), int64((d%time.Hour)/time.Minute)
	switch {
	case h == 0:
		return sign + l.Number(m) + l.f.unitSep + l.f.minutes
	case m == 0:
		return sign + l.Number(h) + l.f.unitSep + l.f.hours
	}
	return sign + l.Number(h) + l.f.unitSep + l.f.hours + " " + l.Number(m) + l.f.unitSep + l.f.minutes
}

// Number formats n with the language's digit grouping: 1,000,000 (en,
// es-US); 1 000 000 (fr, narrow no-break spaces). Counts stay far below
// 2^53, where a float64 would round.
func (l *Localizer) Number(n int64) string {
	return l.f.tr.FmtNumber(float64(n), 0)
}

// Decimal formats v rounded to digits decimals (none when negative) with
// the language's grouping and decimal mark: 1,234.5 (en, es-US); 1 234,5
// (fr).
func (l *Localizer) Decimal(v float64, digits int) string {
	return l.f.tr.FmtNumber(v, uint64(max(digits, 0)))
}
