package calendar

import (
	"fmt"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"supportdesk/core/fault"
)

// File is the [calendar] table of the configuration file. Omitted keys
// keep the defaults (08:00-20:00 America/New_York, Monday to Friday, US
// federal holidays as observed).
//
//	[calendar]
//	zone = "America/New_York"
//	open = "08:00"
//	close = "20:00"
//	weekdays = ["mon", "tue", "wed", "thu", "fri"]
//	holidays = "us-federal"        # or "none"
//	extra_holidays = ["2026-12-24"] # observed dates added to the set
type File struct {
	Zone          string   `toml:"zone"`
	Open          string   `toml:"open"`
	Close         string   `toml:"close"`
	Weekdays      []string `toml:"weekdays"`
	Holidays      string   `toml:"holidays"`
	ExtraHolidays []string `toml:"extra_holidays"`
}

// ParseConfig reads a configuration file's [calendar] table onto the
// defaults. A bad value is a fault.CodeInvalidInput naming the key.
func ParseConfig(data []byte) (Config, error) {
	var doc struct {
		Calendar File `toml:"calendar"`
	}
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return Config{}, &fault.Error{Code: fault.CodeInvalidInput, Field: "config", Err: err}
	}
	for _, k := range md.Undecoded() {
		if k[0] == "calendar" {
			return Config{}, &fault.Error{Code: fault.CodeInvalidInput, Field: "calendar." + strings.Join(k[1:], "."),
				Err: fmt.Errorf("unknown key %s", k)}
		}
	}
	return doc.Calendar.Apply(DefaultConfig())
}

// Apply lays the file's values over cfg.
func (f File) Apply(cfg Config) (Config, error) {
	bad := func(key string, err error) error {
		return &fault.Error{Code: fault.CodeInvalidInput, Field: "calendar." + key, Err: err}
	}
	if f.Zone != "" {
		loc, err := time.LoadLocation(f.Zone)
		if err != nil {
			return cfg, bad("zone", err)
		}
		cfg.Zone = loc
	}
	clock := func(key, v string, into *time.Duration) error {
		if v == "" {
			return nil
		}
		if v == "24:00" {
			*into = 24 * time.Hour
			return nil
		}
		t, err := time.Parse("15:04", v)
		if err != nil {
			return bad(key, err)
		}
		*into = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
		return nil
	}
	if err := clock("open", f.Open, &cfg.Open); err != nil {
		return cfg, err
	}
	if err := clock("close", f.Close, &cfg.Close); err != nil {
		return cfg, err
	}
	if f.Weekdays != nil {
		days := map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
			"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
		cfg.Weekdays = nil
		for _, d := range f.Weekdays {
			wd, ok := days[strings.ToLower(strings.TrimSpace(d))[:min(3, len(strings.TrimSpace(d)))]]
			if !ok {
				return cfg, bad("weekdays", fmt.Errorf("unknown weekday %q", d))
			}
			cfg.Weekdays = append(cfg.Weekdays, wd)
		}
	}
	switch f.Holidays {
	case "", "us-federal":
	case "none":
		cfg.Holidays = nil
	default:
		return cfg, bad("holidays", fmt.Errorf("unknown holiday set %q (us-federal or none)", f.Holidays))
	}
	if len(f.ExtraHolidays) > 0 {
		var extra HolidayList
		for _, s := range f.ExtraHolidays {
			d, err := ParseDate(s)
			if err != nil {
				return cfg, bad("extra_holidays", err)
			}
			extra = append(extra, Holiday{Date: d, Name: "configured"})
		}
		cfg.Holidays = union{cfg.Holidays, extra}
	}
	if _, err := New(cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// union observes the holidays of several sources.
type union [2]HolidaySource

// Observed joins both sources' holidays for the year.
func (u union) Observed(year int) []Holiday {
	var out []Holiday
	for _, s := range u {
		if s != nil {
			out = append(out, s.Observed(year)...)
		}
	}
	return out
}
