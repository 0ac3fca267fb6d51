package store

import (
	"strings"
	"time"
)

// Both backends store these values the same way, so that storecopy moves
// rows from one to the other as they are.

// UnixMS stores a time as unix milliseconds, the zero time as 0.
func UnixMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// TimeOfMS reads UnixMS back, in UTC; 0 is the zero time.
func TimeOfMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// SplitList reads a list column (values joined with commas); "" is none.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
