package seed_test

import (
	"context"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/seed"
	"supportdesk/core/staff"
)

// Seeding is the operator's alone: an admin's session may manage agents
// but not fill the database with demo data.
func TestOnlyTheOperatorSeeds(t *testing.T) {
	t.Parallel()
	svc, c, _ := coretest.Open(t)
	ctx := context.Background()
	admin := coretest.AddStaff(t, svc, staff.NewAgent{Email: "root@desk.example", Role: access.RoleAdmin})
	opt := seed.Options{Accounts: 3, Seed: 1, Now: c.Now(), PasswordHash: "x"}
	if _, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, admin.Token, opt); fault.CodeOf(err) != fault.CodeNotPermitted {
		t.Fatalf("admin seeds: %v", err)
	}
	res, err := seed.Run(ctx, svc.Store, svc.Keys, svc.Staff, svc.Operator("ops"), opt)
	if err != nil || res.Accounts != 3 {
		t.Fatalf("operator seeds: %+v, %v", res, err)
	}
}
