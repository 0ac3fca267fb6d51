package calendar

import (
	"testing"
	"time"
)

func TestDayNumbersMatchTimePackage(t *testing.T) {
	t.Parallel()
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 400*366+800; i++ {
		tm := start.AddDate(0, 0, i)
		d := DateOf(tm)
		n := d.number()
		if want := int(tm.Unix() / 86400); n != want {
			t.Fatalf("%v.number() = %d, want %d", d, n, want)
		}
		if back := dateOf(n); back != d {
			t.Fatalf("dateOf(%d) = %v, want %v", n, back, d)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", d, d.Weekday(), tm.Weekday())
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2027-12-31", Date{2027, time.December, 31}, true},
		{"2028-02-29", Date{2028, time.February, 29}, true},
		{"2026-02-29", Date{}, false},
		{"2026-13-01", Date{}, false},
		{"26-1-1", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v", tt.in, got, err)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
	if d := (Date{2027, time.December, 31}).AddDays(1); d != (Date{2028, time.January, 1}) {
		t.Errorf("AddDays across the year end = %v", d)
	}
}
