package callers_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/coretest"
	"supportdesk/core/staff"
)

// An unverified search takes as long for a missing account as for an
// existing one: medians of many interleaved calls agree within noise.
// Timing belongs to an unloaded, uninstrumented run: skipped under -race
// and -short.
func TestSameTimingForMissingAndExistingAccounts(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("timing comparison: not under -race or -short")
	}
	svc, _, _ := coretest.Open(t, coretest.LongSessions)
	ctx := context.Background()
	for i := range 50 {
		newAccount(t, svc, fmt.Sprintf("user%d@example.org", i), fmt.Sprintf("+1202555%04d", 1000+i))
	}
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	measure := func(contact string) time.Duration {
		t0 := time.Now()
		if _, err := svc.VerifyCaller(ctx, agent.Token, contact, 0); err != nil {
			t.Fatal(err)
		}
		return time.Since(t0)
	}
	const n = 400
	var found, missing []time.Duration
	for i := range n {
		// Interleaved, so drift in the machine's load hits both alike.
		found = append(found, measure(fmt.Sprintf("user%d@example.org", i%50)))
		missing = append(missing, measure(fmt.Sprintf("nobody%d@example.org", i)))
	}
	median := func(d []time.Duration) time.Duration {
		slices.Sort(d)
		return d[len(d)/2]
	}
	mf, mm := median(found), median(missing)
	diff := mf - mm
	if diff < 0 {
		diff = -diff
	}
	t.Logf("median existing %v, missing %v (n=%d each)", mf, mm, n)
	if limit := max(mf, mm) * 15 / 100; diff > limit {
		t.Errorf("medians differ by %v (existing %v, missing %v), more than 15%%", diff, mf, mm)
	}
}
