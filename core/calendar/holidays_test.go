package calendar

import (
	"slices"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"
)

// federalNames are the 11 holidays of 5 U.S.C. 6103, in calendar order.
var federalNames = [11]string{
	"New Year's Day", "Martin Luther King Jr. Day", "Washington's Birthday", "Memorial Day",
	"Juneteenth", "Independence Day", "Labor Day", "Columbus Day", "Veterans Day",
	"Thanksgiving Day", "Christmas Day",
}

// federalObserved pins the observed dates OPM publishes, by holiday year and
// in the order of federalNames. New Year's Day 2022 and 2028 fall on a
// Saturday and are observed on 31 December of the year before.
var federalObserved = map[int][11]string{
	2021: {"2021-01-01", "2021-01-18", "2021-02-15", "2021-05-31", "2021-06-18", "2021-07-05", "2021-09-06", "2021-10-11", "2021-11-11", "2021-11-25", "2021-12-24"},
	2022: {"2021-12-31", "2022-01-17", "2022-02-21", "2022-05-30", "2022-06-20", "2022-07-04", "2022-09-05", "2022-10-10", "2022-11-11", "2022-11-24", "2022-12-26"},
	2023: {"2023-01-02", "2023-01-16", "2023-02-20", "2023-05-29", "2023-06-19", "2023-07-04", "2023-09-04", "2023-10-09", "2023-11-10", "2023-11-23", "2023-12-25"},
	2024: {"2024-01-01", "2024-01-15", "2024-02-19", "2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02", "2024-10-14", "2024-11-11", "2024-11-28", "2024-12-25"},
	2025: {"2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25"},
	2026: {"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"},
	2027: {"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24"},
	2028: {"2027-12-31", "2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04", "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25"},
	2029: {"2029-01-01", "2029-01-15", "2029-02-19", "2029-05-28", "2029-06-19", "2029-07-04", "2029-09-03", "2029-10-08", "2029-11-12", "2029-11-22", "2029-12-25"},
	2030: {"2030-01-01", "2030-01-21", "2030-02-18", "2030-05-27", "2030-06-19", "2030-07-04", "2030-09-02", "2030-10-14", "2030-11-11", "2030-11-28", "2030-12-25"},
	// 2031 only feeds the reference calendar, whose samples run to 2031.
	2031: {"2031-01-01", "2031-01-20", "2031-02-17", "2031-05-26", "2031-06-19", "2031-07-04", "2031-09-01", "2031-10-13", "2031-11-11", "2031-11-27", "2031-12-25"},
}

// pinnedHolidays returns the pinned observed dates as a set.
func pinnedHolidays(t testing.TB) map[Date]string {
	t.Helper()
	out := map[Date]string{}
	for _, days := range federalObserved {
		for i, s := range days {
			out[mustDate(t, s)] = federalNames[i]
		}
	}
	return out
}

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestUSFederalMatchesPublishedDates(t *testing.T) {
	t.Parallel()
	pinned := pinnedHolidays(t)
	src := USFederal()
	for year := 2021; year <= 2030; year++ {
		t.Run(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"), func(t *testing.T) {
			t.Parallel()
			got := map[Date]string{}
			for _, h := range src.Observed(year) {
				if h.Date.Year != year {
					t.Errorf("Observed(%d) returned %v", year, h.Date)
				}
				got[h.Date] = h.Name
			}
			want := map[Date]string{}
			for d, name := range pinned {
				if d.Year == year {
					want[d] = name
				}
			}
			for d, name := range want {
				if got[d] != name {
					t.Errorf("%v: got %q, want %q", d, got[d], name)
				}
			}
			for d, name := range got {
				if _, ok := want[d]; !ok {
					t.Errorf("unexpected holiday %v %q", d, name)
				}
			}
		})
	}
}

func TestDefaultCalendarClosesOnEveryObservedDay(t *testing.T) {
	t.Parallel()
	c := mustDefault(t)
	for d, name := range pinnedHolidays(t) {
		if c.IsBusinessDay(d) {
			t.Errorf("%v (%s) is a business day", d, name)
		}
	}
	for _, tt := range []struct {
		day  string
		want bool
	}{
		{"2027-12-31", false}, // New Year 2028 observed
		{"2028-01-01", false}, // Saturday
		{"2028-01-03", true},  // Monday after
		{"2027-12-30", true},
		{"2022-06-20", false}, // Juneteenth observed on Monday
		{"2026-07-03", false}, // Independence Day observed on Friday
		{"2026-07-06", true},
		{"2026-11-27", true}, // the day after Thanksgiving is not a federal holiday
		{"2023-11-10", false},
		{"2029-11-12", false},
	} {
		if got := c.IsBusinessDay(mustDate(t, tt.day)); got != tt.want {
			t.Errorf("IsBusinessDay(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
}

// TestRickarIsWorkdayAgrees checks the library's own calendar too: its
// IsHoliday handles the New Year wrap that Calc alone does not.
func TestRickarIsWorkdayAgrees(t *testing.T) {
	t.Parallel()
	bc := cal.NewBusinessCalendar()
	bc.AddHoliday(us.Holidays...)
	for d, name := range pinnedHolidays(t) {
		if bc.IsWorkday(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("rickar: %v (%s) is a workday", d, name)
		}
	}
	// The trap USFederal works around: Calc(2027) does not yield 2027-12-31.
	if _, obs := us.NewYear.Calc(2028); DateOf(obs) != (Date{2027, time.December, 31}) {
		t.Errorf("us.NewYear.Calc(2028) observed = %v", obs)
	}
}

func TestHolidayList(t *testing.T) {
	t.Parallel()
	l := HolidayList{{Date{2026, 12, 24}, "Christmas Eve"}, {Date{2027, 1, 2}, "x"}}
	if got := l.Observed(2026); !slices.Equal(got, l[:1]) {
		t.Errorf("Observed(2026) = %v", got)
	}
	cfg := DefaultConfig()
	cfg.Holidays = l
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsBusinessDay(Date{2026, 12, 24}) || !c.IsBusinessDay(Date{2026, 12, 25}) {
		t.Error("a configured holiday list is not used alone")
	}
}
