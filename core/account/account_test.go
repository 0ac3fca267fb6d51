package account

import (
	"testing"
	"time"
)

func TestMaskEmail(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"jane@example.com", "j•••@example.com"},
		{"j@example.com", "j•••@example.com"},
		{"élodie@exemple.fr", "é•••@exemple.fr"},
		{"a.b@c@example.com", "a•••@example.com"},
		{"@example.com", "•••"},
		{"", "•••"},
		{"no-at-sign", "•••"},
	}
	for _, tc := range tests {
		if got := MaskEmail(tc.in); got != tc.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"+12025550142", "•••-•••-0142"},
		{"+442079460958", "•••-•••-0958"},
		{"0142", "•••-•••-0142"},
		{"142", "•••-•••"},
		{"", "•••-•••"},
	}
	for _, tc := range tests {
		if got := MaskPhone(tc.in); got != tc.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestResetStageAt(t *testing.T) {
	t.Parallel()
	req := time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC)
	pending := &Reset{AccountID: "acct-1", RequestedAt: req}
	cancelled := &Reset{AccountID: "acct-1", RequestedAt: req, CancelledAt: req.Add(time.Hour), CancelledBy: "user"}
	tests := []struct {
		name  string
		r     *Reset
		at    time.Time
		stage Stage
	}{
		{"no request", nil, req, StageNone},
		{"at request", pending, req, StageWaiting},
		{"an hour in", pending, req.Add(time.Hour), StageWaiting},
		{"1 ns before the wait ends", pending, req.Add(ResetWait - time.Nanosecond), StageWaiting},
		{"wait ends", pending, req.Add(ResetWait), StageGranted},
		{"mid validity", pending, req.Add(36 * time.Hour), StageGranted},
		{"1 ns before expiry", pending, req.Add(ResetWait + ResetValidity - time.Nanosecond), StageGranted},
		{"expiry", pending, req.Add(ResetWait + ResetValidity), StageExpired},
		{"a week on", pending, req.Add(7 * 24 * time.Hour), StageExpired},
		{"cancelled while waiting", cancelled, req.Add(2 * time.Hour), StageCancelled},
		{"cancelled, after the wait", cancelled, req.Add(ResetWait), StageCancelled},
		{"cancelled, after expiry", cancelled, req.Add(72 * time.Hour), StageCancelled},
		{"another zone", pending, req.Add(ResetWait).In(time.FixedZone("EST", -5*3600)), StageGranted},
	}
	for _, tc := range tests {
		if got := tc.r.StageAt(tc.at); got != tc.stage {
			t.Errorf("%s: StageAt = %s, want %s", tc.name, got, tc.stage)
		}
	}
	if got := pending.GrantAt(); !got.Equal(req.Add(24 * time.Hour)) {
		t.Errorf("GrantAt = %v", got)
	}
	if got := pending.ExpiresAt(); !got.Equal(req.Add(48 * time.Hour)) {
		t.Errorf("ExpiresAt = %v", got)
	}
}

func TestEventKindsUnique(t *testing.T) {
	t.Parallel()
	seen := map[EventKind]bool{}
	for _, k := range EventKinds {
		if seen[k] {
			t.Errorf("event kind %q listed twice", k)
		}
		seen[k] = true
	}
}
