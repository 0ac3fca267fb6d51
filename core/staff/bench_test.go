package staff_test

import (
	"context"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/coretest"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// BenchmarkResolveRead is what every read call adds: the session and the
// agent read and checked on the call's own snapshot.
func BenchmarkResolveRead(b *testing.B) {
	svc, _, _ := coretest.Open(b)
	a := coretest.AddStaff(b, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := svc.Staff.Read(ctx, a.Token, func(store.Reader, access.Actor, time.Time) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveWrite is a write call's share: resolve, check and record
// the activity in one write transaction (no audit entry).
func BenchmarkResolveWrite(b *testing.B) {
	svc, _, _ := coretest.Open(b)
	a := coretest.AddStaff(b, svc, staff.NewAgent{Email: "a@desk.example", Role: access.RoleAgent, Languages: []string{"en"}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := svc.Touch(ctx, a.Token); err != nil {
			b.Fatal(err)
		}
	}
}
