package service_test

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/authn"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/service"
	"supportdesk/core/staff"
)

// Nobody on staff can bind or remove a method for a user, or use a
// personal key: those calls take an authn.Session, which only the user's
// own sign-in makes. Whatever a staff member could build in its place is
// refused, for every staff role.
func TestStaffCannotBindOrRemoveMethods(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	id, err := svc.Auth.CreateAccount(ctx, access.System, authn.NewAccount{Email: "lea@example.fr",
		Password: "a long enough password", Language: "fr", Phone: "+12025550143", Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range access.Roles {
		in := staff.NewAgent{Email: string(role) + "@desk.example", Role: role, Languages: []string{"fr"}}
		if role == access.RoleAgencyDesk {
			in.Agencies = []string{"ssa"}
		}
		coretest.AddStaff(t, svc, in) // a live staff session changes nothing below
		var forged authn.Session      // the only Session a caller outside authn can make
		calls := map[string]error{
			"AddAuthApp":            svc.Auth.AddAuthApp(ctx, forged, "app", "JBSWY3DPEHPK3PXP", "123456"),
			"AddPhone":              svc.Auth.AddPhone(ctx, forged, "+12025550199", account.DeliverySMS),
			"RemoveMethod":          svc.Auth.RemoveMethod(ctx, forged, authn.MethodRef{Kind: account.KindPhone, ID: 1}),
			"RegenerateBackupCodes": second(svc.Auth.RegenerateBackupCodes(ctx, forged)),
			"UsePersonalKey":        second(svc.Auth.UsePersonalKey(ctx, forged, "AAAA-BBBB-CCCC-DDDD")),
			"IssuePersonalKey":      second(svc.Proofing.IssuePersonalKey(ctx, forged)),
			"CancelReset(user)":     svc.Auth.CancelReset(ctx, access.Actor{ID: id, Role: role}, id, authn.CancelByUser),
		}
		for name, err := range calls {
			if fault.CodeOf(err) != fault.CodeNotPermitted {
				t.Errorf("%s: %s = %v, want not_permitted", role, name, err)
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }

// secretish names a field that could carry a code, a secret or a key.
var secretish = regexp.MustCompile(`(?i)(secret|hash|code|token|password|seed|key|otp|pepper)`)

// allowed are fields whose names match but that carry no secret: times, an
// opaque session id, the in-person enrollment code the caller reads at the
// counter, sealed (encrypted) values.
var allowed = map[string]bool{
	"ProfileView.PersonalKeyAt": true, "Enrollment.Code": true, "Check.ID": true, "Verified.CheckID": true,
	"Ticket.IdempotencyKey": true, "IDVAttempt.Step": true,
	// The audit chain's hashes are public by design: anyone recomputes them.
	"Entry.PrevHash": true, "Entry.Hash": true, "Head.Hash": true, "Report.Unkeyed": true,
}

// No answer a staff call gets carries a code, a secret or a key: every
// Service method that takes a staff token is walked, field by field.
func TestStaffAnswersCarryNoSecret(t *testing.T) {
	t.Parallel()
	tokType := reflect.TypeFor[staff.Token]()
	st := reflect.TypeFor[*service.Service]()
	checked := 0
	for i := range st.NumMethod() {
		m := st.Method(i)
		takesToken := false
		for j := 1; j < m.Type.NumIn(); j++ {
			takesToken = takesToken || m.Type.In(j) == tokType
		}
		if !takesToken {
			continue
		}
		checked++
		for j := range m.Type.NumOut() {
			walk(t, m.Name, m.Type.Out(j), map[reflect.Type]bool{})
		}
	}
	if checked < 20 {
		t.Fatalf("walked %d staff calls; did the Service move?", checked)
	}
}

func walk(t *testing.T, where string, ty reflect.Type, seen map[reflect.Type]bool) {
	t.Helper()
	for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Array || ty.Kind() == reflect.Map {
		ty = ty.Elem()
	}
	if ty.Kind() != reflect.Struct || seen[ty] || ty == reflect.TypeFor[time.Time]() {
		return
	}
	seen[ty] = true
	for i := range ty.NumField() {
		f := ty.Field(i)
		name := ty.Name() + "." + f.Name
		if secretish.MatchString(f.Name) && !allowed[name] && !strings.HasSuffix(f.Name, "Sealed") && !strings.HasSuffix(f.Name, "At") {
			t.Errorf("%s returns %s (%s)", where, name, f.Type)
		}
		walk(t, where, f.Type, seen)
	}
}
