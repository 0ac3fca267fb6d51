package i18n

import (
	"strconv"
	"strings"
	"time"
)

// format is one language's CLDR-style data; x/text has no date formatting,
// so the few patterns the console needs are written out here.
type format struct {
	weekdays [7]string  // Sunday first, as time.Weekday counts
	months   [12]string // January first
	longDate func(f format, t time.Time) string
	short    string // time.Format layout of a short date
	dateTime string // time.Format layout of a short date and time
	group    string // thousands separator
	minGroup int    // digits needed before grouping starts (CLDR minimumGroupingDigits + 3)
	unitSep  string // between a number and its unit
	days     string // unit symbols for Duration
	hours    string
	minutes  string
	seconds  string
}

// nnbsp is U+202F NARROW NO-BREAK SPACE, the CLDR French digit group separator.
const nnbsp = "\u202f"

// nbsp is U+00A0 NO-BREAK SPACE: French keeps a number with its unit.
const nbsp = "\u00a0"

var formats = map[string]format{
	"en": {
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		months: [12]string{"January", "February", "March", "April", "May", "June", "July",
			"August", "September", "October", "November", "December"},
		longDate: func(f format, t time.Time) string {
			return f.weekdays[t.Weekday()] + ", " + f.months[t.Month()-1] + " " +
				strconv.Itoa(t.Day()) + ", " + strconv.Itoa(t.Year())
		},
		short:    "01/02/2006",
		dateTime: "01/02/2006 3:04 PM MST",
		group:    ",", minGroup: 4, unitSep: " ",
		days: "d", hours: "h", minutes: "min", seconds: "s",
	},
	"es": {
		weekdays: [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
			"agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		longDate: func(f format, t time.Time) string {
			return f.weekdays[t.Weekday()] + ", " + strconv.Itoa(t.Day()) + " de " +
				f.months[t.Month()-1] + " de " + strconv.Itoa(t.Year())
		},
		short:    "02/01/2006",
		dateTime: "02/01/2006 15:04 MST",
		// CLDR es: minimumGroupingDigits 2, so 1000 stays ungrouped and 10.000 is grouped.
		group: ".", minGroup: 5, unitSep: " ",
		days: "d", hours: "h", minutes: "min", seconds: "s",
	},
	"fr": {
		weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
			"août", "septembre", "octobre", "novembre", "décembre"},
		longDate: func(f format, t time.Time) string {
			day := strconv.Itoa(t.Day())
			if t.Day() == 1 {
				day = "1er" // French writes the first of the month as an ordinal
			}
			return f.weekdays[t.Weekday()] + " " + day + " " + f.months[t.Month()-1] + " " +
				strconv.Itoa(t.Year())
		},
		short:    "02/01/2006",
		dateTime: "02/01/2006 15:04 MST",
		group:    nnbsp, minGroup: 4, unitSep: nbsp,
		days: "j", hours: "h", minutes: "min", seconds: "s",
	},
}

// Date formats t as a long date in the localizer's zone:
// "Monday, November 30, 2026", "lunes, 30 de noviembre de 2026",
// "lundi 30 novembre 2026".
func (l *Localizer) Date(t time.Time) string {
	return l.f.longDate(l.f, t.In(l.loc))
}

// ShortDate formats t as a numeric date: "11/30/2026", "30/11/2026".
func (l *Localizer) ShortDate(t time.Time) string {
	return t.In(l.loc).Format(l.f.short)
}

// DateTime formats t as a short date and time with the zone abbreviation:
// "11/30/2026 3:04 PM EST", "30/11/2026 15:04 EST".
func (l *Localizer) DateTime(t time.Time) string {
	return t.In(l.loc).Format(l.f.dateTime)
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

// Number formats n with the language's digit grouping: 1,000,000;
// 1.000.000; 1 000 000 (narrow no-break spaces).
func (l *Localizer) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if len(s) < l.f.minGroup {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		b.WriteString(l.f.group)
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
