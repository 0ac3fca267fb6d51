package calendar

import (
	"testing"
	"time"

	"supportdesk/core/fault"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	cfg, err := ParseConfig([]byte(`
[calendar]
zone = "America/Chicago"
open = "09:00"
close = "17:30"
weekdays = ["mon", "tue", "wed", "thu"]
extra_holidays = ["2026-12-24"]
`))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Zone().String() != "America/Chicago" || cfg.Open != 9*time.Hour || cfg.Close != 17*time.Hour+30*time.Minute {
		t.Fatalf("%+v", cfg)
	}
	if cal.IsBusinessDay(Date{2026, 12, 24}) || cal.IsBusinessDay(Date{2026, 12, 25}) || cal.IsBusinessDay(Date{2026, 12, 18}) {
		t.Fatal("extra holiday, federal holiday or Friday counted as business days")
	}
	if !cal.IsBusinessDay(Date{2026, 12, 23}) {
		t.Fatal("a Wednesday is not a business day")
	}
	empty, err := ParseConfig(nil)
	if err != nil || empty.Open != DefaultConfig().Open || empty.Holidays == nil {
		t.Fatalf("defaults: %+v %v", empty, err)
	}
	none, _ := ParseConfig([]byte("[calendar]\nholidays = \"none\"\n"))
	if c, _ := New(none); !c.IsBusinessDay(Date{2026, 12, 25}) {
		t.Fatal(`holidays = "none" kept Christmas`)
	}
}

func TestParseConfigRefuses(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"calendar.zone":           `zone = "Mars/Olympus"`,
		"calendar.open":           `open = "8am"`,
		"calendar.weekdays":       `weekdays = ["someday"]`,
		"calendar.holidays":       `holidays = "fr"`,
		"calendar.extra_holidays": `extra_holidays = ["2026-02-30"]`,
		"calendar.opening":        `opening = "08:00"`,
		"config":                  `zone = `,
	}
	for field, line := range cases {
		_, err := ParseConfig([]byte("[calendar]\n" + line + "\n"))
		fe, ok := fault.As(err)
		if !ok || fe.Field != field {
			t.Errorf("%s: %v", line, err)
		}
	}
	if _, err := ParseConfig([]byte("[calendar]\nopen = \"20:00\"\nclose = \"08:00\"\n")); fault.CodeOf(err) != fault.CodeInvalidInput {
		t.Errorf("open after close: %v", err)
	}
}
