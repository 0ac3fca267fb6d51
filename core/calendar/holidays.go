package calendar

import (
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"
)

// Holiday is a day the center is closed for a public holiday, on the date it
// is observed.
type Holiday struct {
	Date Date
	Name string
}

// HolidaySource gives the holidays observed in a year. Observed must return
// every holiday whose observed date falls in year, including one that
// belongs to the next year (New Year's Day of year+1 observed on 31
// December), and must be safe for concurrent use.
type HolidaySource interface {
	Observed(year int) []Holiday
}

// HolidayFunc adapts a function to HolidaySource.
type HolidayFunc func(year int) []Holiday

// Observed calls f.
func (f HolidayFunc) Observed(year int) []Holiday { return f(year) }

// HolidayList is a fixed list of observed holidays, as configuration gives
// them.
type HolidayList []Holiday

// Observed returns the listed holidays that fall in year.
func (l HolidayList) Observed(year int) []Holiday {
	var out []Holiday
	for _, h := range l {
		if h.Date.Year == year {
			out = append(out, h)
		}
	}
	return out
}

// USFederal returns the 11 US federal holidays as observed (5 U.S.C. 6103
// and Executive Order 11582): Saturday to the Friday before, Sunday to the
// Monday after.
//
// The dates come from rickar/cal/v2/us, whose rules are right for all 11
// (checked against OPM's tables for 2021-2030 in the tests). One trap in its
// API, handled here: (*cal.Holiday).Calc(year) returns the observed date of
// that year's holiday, so New Year's Day of 2028 (a Saturday) comes out of
// Calc(2028) as 2027-12-31, and Calc(2027) never yields it. A year's list
// therefore also asks for the next year's holidays and keeps those observed
// in the year asked for.
func USFederal() HolidaySource { return HolidayFunc(usFederal) }

func usFederal(year int) []Holiday {
	out := make([]Holiday, 0, 12)
	for _, y := range [2]int{year, year + 1} {
		for _, h := range us.Holidays {
			out = appendObserved(out, h, y, year)
		}
	}
	return out
}

// appendObserved appends h's observance for holiday year y when it falls in
// year.
func appendObserved(out []Holiday, h *cal.Holiday, y, year int) []Holiday {
	_, obs := h.Calc(y)
	if obs.IsZero() || obs.Year() != year {
		return out
	}
	return append(out, Holiday{Date: DateOf(obs), Name: name(h)})
}

// name is the holiday's name in 5 U.S.C. 6103: the library calls the third
// Monday of February "Presidents' Day", the statute "Washington's Birthday".
func name(h *cal.Holiday) string {
	if h == us.PresidentsDay {
		return "Washington's Birthday"
	}
	return h.Name
}
