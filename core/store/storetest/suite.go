// Package storetest is the conformance suite every store backend passes:
// round trips of every row type, the error codes of missing and conflicting
// rows, cascading deletes, rollback, the audit chain and concurrent writes.
package storetest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
	"supportdesk/core/store"
)

// Run runs the suite. open must return a new, empty, migrated store that no
// other call shares, since subtests run in parallel; Run closes it when the
// subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	run(t, open, []suiteTest{
		{"Audit/Writer", testAuditWriter},
		{"Audit/UnkeyedHead", testAuditUnkeyedHead},
	})
}

// RunWrapped runs the suite over a store that wraps a backend and seals
// audit entries itself (core/auditlog): its transactions offer no raw
// store.AuditWriter, and its AppendAudit keys the log rather than refuse
// a keyed one, so the tests of those two backend contracts are left out.
func RunWrapped(t *testing.T, open func(t *testing.T) store.Store) {
	run(t, open, nil)
}

type suiteTest struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

func run(t *testing.T, open func(t *testing.T) store.Store, extra []suiteTest) {
	tests := []suiteTest{
		{"Account/RoundTrip", testAccountRoundTrip},
		{"Account/Missing", testMissing},
		{"Account/UpdateVersion", testUpdateVersion},
		{"Account/Delete", testDeleteCascades},
		{"Emails", testEmails},
		{"Phones", testPhones},
		{"Methods", testMethods},
		{"BackupCodes", testBackupCodes},
		{"Profile", testProfile},
		{"AgencyLinks", testAgencyLinks},
		{"Devices", testDevices},
		{"Events", testEvents},
		{"Reset", testReset},
		{"OneTimeCode", testOneTimeCode},
		{"Throttle", testThrottle},
		{"Meta", testMeta},
		{"Meta/Keys", testMetaKeys},
		{"Reset/Sweeps", testResetSweeps},
		{"Agents", testAgents},
		{"Outbox", testOutbox},
		{"QueueStats", testQueueStats},
		{"Tickets/Tallies", testTallies},
		{"Tickets/RoundTrip", testTicketRoundTrip},
		{"Tickets/RequesterRecent", testRequesterRecent},
		{"Tickets/InsertTickets", testInsertTickets},
		{"Tickets/Thread", testTicketThread},
		{"Tickets/UpdateVersion", testTicketVersion},
		{"Tickets/Closures", testClosures},
		{"Tickets/BreachCandidates", testBreachCandidates},
		{"Tickets/RunningClocks", testRunningClocks},
		{"Tickets/Search", testSearch},
		{"Outbox/Lease", testOutboxLease},
		{"Outbox/LeaseConcurrent", testOutboxLeaseConcurrent},
		{"Outbox/Lookups", testOutboxLookups},
		{"Limiter", testLimiter},
		{"Limiter/Concurrent", testLimiterConcurrent},
		{"DualRequests", testDualRequests},
		{"StaffSessions", testStaffSessions},
		{"Proofing", testProofing},
		{"Proofing/CallerChecks", testCallerChecks},
		{"Inbound", testInbound},
		{"AgentKeys", testAgentKeys},
		{"Write/Rollback", testRollback},
		{"Audit/Chain", testAuditChain},
		{"Audit/Query", testAuditQuery},
		{"Concurrent", testConcurrent},
		{"Audit/ConcurrentWriters", testAuditConcurrentWriters},
	}
	for _, tc := range append(tests, extra...) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

// t0 has milliseconds, the precision every backend keeps.
var (
	t0  = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)
	est = time.FixedZone("EST", -5*3600)
)

func write(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Write(t.Context(), fn); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func read(t *testing.T, s store.Store, fn func(store.Reader) error) {
	t.Helper()
	if err := s.Read(t.Context(), fn); err != nil {
		t.Fatalf("Read: %v", err)
	}
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code fault.Code) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got no error, want %s", what, code)
		return
	}
	if got := fault.CodeOf(err); got != code {
		t.Errorf("%s: got %v (code %s), want %s", what, err, got, code)
	}
}

// same compares values after putting every time in UTC and treating an
// empty byte slice as nil: backends keep the instant, not the zone.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if g, w := normalize(got), normalize(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, g, w)
	}
}

var (
	timeType  = reflect.TypeFor[time.Time]()
	bytesType = reflect.TypeFor[[]byte]()
)

func normalize(x any) any {
	if x == nil {
		return nil
	}
	v := reflect.New(reflect.TypeOf(x)).Elem()
	v.Set(deepCopy(reflect.ValueOf(x)))
	normValue(v)
	return v.Interface()
}

// deepCopy copies slices and pointers so normalizing never touches the
// caller's values.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Elem().Type())
		p.Elem().Set(deepCopy(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(deepCopy(v.Index(i)))
		}
		return s
	case reflect.Struct:
		if v.Type() == timeType {
			return v
		}
		s := reflect.New(v.Type()).Elem()
		s.Set(v)
		for i := range v.NumField() {
			if s.Field(i).CanSet() {
				s.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return s
	}
	return v
}

func normValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normValue(v.Elem())
		}
	case reflect.Slice:
		if v.Type() == bytesType && v.Len() == 0 {
			v.Set(reflect.Zero(bytesType))
			return
		}
		for i := range v.Len() {
			normValue(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
			return
		}
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				normValue(v.Field(i))
			}
		}
	}
}

// fp is a stand-in fingerprint: 32 bytes derived from a label.
func fp(label string) []byte {
	b := bytes.Repeat([]byte(label), 32/len(label)+1)
	return b[:32]
}

func newAccount(id string) account.Account {
	return account.Account{
		ID:             id,
		CreatedAt:      t0,
		EmailLanguage:  "es",
		Status:         account.StatusFraudReview,
		IAL:            2,
		PasswordHash:   "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo",
		LockedUntil:    t0.Add(10 * time.Minute).In(est),
		FailedSignIns:  3,
		WindowStart:    t0.Add(-time.Minute - 7*time.Millisecond),
		FailedMFA:      4,
		ConsecFailures: 17,
		Version:        1,
	}
}

func insertAccount(t *testing.T, s store.Store, ids ...string) {
	t.Helper()
	write(t, s, func(tx store.Tx) error {
		for _, id := range ids {
			if err := tx.InsertAccount(t.Context(), newAccount(id)); err != nil {
				return fmt.Errorf("InsertAccount %s: %w", id, err)
			}
		}
		return nil
	})
}

func testAccountRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	want := newAccount("acct-1")
	// A zero time must come back zero.
	other := newAccount("acct-2")
	other.LockedUntil, other.WindowStart = time.Time{}, time.Time{}
	other.Status, other.IAL, other.EmailLanguage = account.StatusActive, 1, "fr"
	write(t, s, func(tx store.Tx) error {
		if err := tx.InsertAccount(ctx, want); err != nil {
			return err
		}
		return tx.InsertAccount(ctx, other)
	})
	read(t, s, func(r store.Reader) error {
		for _, w := range []account.Account{want, other} {
			got, err := r.Account(ctx, w.ID)
			if err != nil {
				return err
			}
			same(t, "Account "+w.ID, got, w)
		}
		n, err := r.CountAccounts(ctx)
		if err != nil {
			return err
		}
		if n != 2 {
			t.Errorf("CountAccounts = %d, want 2", n)
		}
		return nil
	})
	wantCode(t, "InsertAccount with a used id", s.Write(ctx, func(tx store.Tx) error {
		return tx.InsertAccount(ctx, newAccount("acct-1"))
	}), fault.CodeConflict)
}

func testMissing(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	read(t, s, func(r store.Reader) error {
		_, err := r.Account(ctx, "nobody")
		wantCode(t, "Account", err, fault.CodeNotFound)
		_, err = r.AccountIDByEmail(ctx, fp("none"))
		wantCode(t, "AccountIDByEmail", err, fault.CodeNotFound)
		_, err = r.AccountIDsByPhone(ctx, fp("none"))
		wantCode(t, "AccountIDsByPhone", err, fault.CodeNotFound)
		_, err = r.Agent(ctx, "nobody")
		wantCode(t, "Agent", err, fault.CodeNotFound)
		_, err = r.AgentByEmail(ctx, fp("none"))
		wantCode(t, "AgentByEmail", err, fault.CodeNotFound)
		_, err = r.Meta(ctx, "none")
		wantCode(t, "Meta", err, fault.CodeNotFound)

		// Optional rows are nil or zero, not errors.
		if p, err := r.Profile(ctx, "acct-1"); p != nil || err != nil {
			t.Errorf("Profile = %v, %v; want nil, nil", p, err)
		}
		if rs, err := r.Reset(ctx, "acct-1"); rs != nil || err != nil {
			t.Errorf("Reset = %v, %v; want nil, nil", rs, err)
		}
		if c, err := r.OneTimeCode(ctx, "acct-1"); c != nil || err != nil {
			t.Errorf("OneTimeCode = %v, %v; want nil, nil", c, err)
		}
		if th, err := r.Throttle(ctx, "signin:ip:x"); err != nil || th.Count != 0 || !th.WindowStart.IsZero() {
			t.Errorf("Throttle = %+v, %v; want zero, nil", th, err)
		}
		// Empty lists are empty, not errors.
		for what, list := range map[string]func() (int, error){
			"Emails":      lenOf(r.Emails(ctx, "acct-1")),
			"Phones":      lenOf(r.Phones(ctx, "acct-1")),
			"Methods":     lenOf(r.Methods(ctx, "acct-1")),
			"BackupCodes": lenOf(r.BackupCodes(ctx, "acct-1")),
			"AgencyLinks": lenOf(r.AgencyLinks(ctx, "acct-1")),
			"Devices":     lenOf(r.Devices(ctx, "acct-1")),
			"Events":      lenOf(r.Events(ctx, "acct-1", 10)),
			"Agencies":    lenOf(r.Agencies(ctx)),
			"Agents":      lenOf(r.Agents(ctx)),
			"Outbox":      lenOf(r.Outbox(ctx, "acct-1")),
			"AuditTail":   lenOf(r.AuditTail(ctx, 10)),
		} {
			if n, err := list(); n != 0 || err != nil {
				t.Errorf("%s = %d rows, %v; want 0, nil", what, n, err)
			}
		}
		emptyAudit(ctx, t, r)
		return nil
	})

	// Changes to rows that are not there.
	changes := []struct {
		what string
		fn   func(ctx context.Context, tx store.Tx) error
		code fault.Code
	}{
		{"UpdateAccount", func(ctx context.Context, tx store.Tx) error {
			a := newAccount("nobody")
			return tx.UpdateAccount(ctx, &a)
		}, fault.CodeConflict},
		{"DeleteAccount", func(ctx context.Context, tx store.Tx) error { return tx.DeleteAccount(ctx, "nobody") }, fault.CodeNotFound},
		{"TouchEmail", func(ctx context.Context, tx store.Tx) error { return tx.TouchEmail(ctx, 999, t0) }, fault.CodeNotFound},
		{"DeletePhone", func(ctx context.Context, tx store.Tx) error { return tx.DeletePhone(ctx, "acct-1", 999) }, fault.CodeNotFound},
		{"DeleteMethod", func(ctx context.Context, tx store.Tx) error { return tx.DeleteMethod(ctx, "acct-1", 999) }, fault.CodeNotFound},
		{"UpdateMethod", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateMethod(ctx, account.Method{ID: 999, AccountID: "acct-1"})
		}, fault.CodeNotFound},
		{"UpdateAgent", func(ctx context.Context, tx store.Tx) error {
			return tx.UpdateAgent(ctx, newAgent("nobody", "x", access.RoleAgent))
		}, fault.CodeNotFound},
	}
	for _, c := range changes {
		wantCode(t, c.what+" of a missing row", s.Write(ctx, func(tx store.Tx) error { return c.fn(ctx, tx) }), c.code)
	}
}

func lenOf[T any](v []T, err error) func() (int, error) {
	return func() (int, error) { return len(v), err }
}

func testUpdateVersion(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	var a account.Account
	read(t, s, func(r store.Reader) (err error) {
		a, err = r.Account(ctx, "acct-1")
		return err
	})
	stale := a

	a.Status, a.IAL, a.EmailLanguage = account.StatusActive, 1, "en"
	a.PasswordHash = "$argon2id$new"
	a.LockedUntil, a.WindowStart = time.Time{}, t0.Add(time.Hour)
	a.FailedSignIns, a.FailedMFA, a.ConsecFailures = 0, 1, 2
	write(t, s, func(tx store.Tx) error { return tx.UpdateAccount(ctx, &a) })
	if a.Version != stale.Version+1 {
		t.Errorf("UpdateAccount left Version %d, want %d", a.Version, stale.Version+1)
	}
	var stored account.Account
	read(t, s, func(r store.Reader) (err error) {
		stored, err = r.Account(ctx, "acct-1")
		return err
	})
	same(t, "after UpdateAccount", stored, a)

	// A stale version is refused and changes nothing, even when the
	// transaction goes on to commit.
	stale.Status = account.StatusSuspended
	var staleErr error
	write(t, s, func(tx store.Tx) error {
		staleErr = tx.UpdateAccount(ctx, &stale)
		return nil
	})
	wantCode(t, "UpdateAccount with a stale version", staleErr, fault.CodeConflict)
	if !errors.Is(staleErr, fault.ErrConflict) {
		t.Errorf("errors.Is(%v, fault.ErrConflict) = false", staleErr)
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.Account(ctx, "acct-1")
		same(t, "after the stale update", got, a)
		return err
	})
}

func testEmails(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1", "acct-2")
	want := []account.Email{
		{AccountID: "acct-1", Sealed: []byte("sealed-a"), FP: fp("a"), CreatedAt: t0, ConfirmedAt: t0.Add(time.Minute)},
		{AccountID: "acct-1", Sealed: []byte("sealed-b"), FP: fp("b"), CreatedAt: t0.Add(time.Hour).In(est),
			ConfirmedAt: t0.Add(2 * time.Hour), LastSignIn: t0.Add(3 * time.Hour)},
	}
	write(t, s, func(tx store.Tx) error {
		for i := range want {
			if err := tx.InsertEmail(ctx, &want[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if want[0].ID == 0 || want[0].ID == want[1].ID {
		t.Fatalf("InsertEmail set IDs %d and %d, want distinct and non-zero", want[0].ID, want[1].ID)
	}
	write(t, s, func(tx store.Tx) error { return tx.TouchEmail(ctx, want[0].ID, t0.Add(4*time.Hour)) })
	want[0].LastSignIn = t0.Add(4 * time.Hour)
	read(t, s, func(r store.Reader) error {
		got, err := r.Emails(ctx, "acct-1")
		same(t, "Emails", got, want)
		if err != nil {
			return err
		}
		id, err := r.AccountIDByEmail(ctx, fp("b"))
		if id != "acct-1" || err != nil {
			t.Errorf("AccountIDByEmail = %q, %v; want acct-1", id, err)
		}
		other, err := r.Emails(ctx, "acct-2")
		if len(other) != 0 || err != nil {
			t.Errorf("Emails of another account = %v, %v", other, err)
		}
		return nil
	})
	// One address belongs to one account.
	for _, owner := range []string{"acct-1", "acct-2"} {
		err := s.Write(ctx, func(tx store.Tx) error {
			return tx.InsertEmail(ctx, &account.Email{AccountID: owner, Sealed: []byte("x"), FP: fp("a"), CreatedAt: t0})
		})
		wantCode(t, "InsertEmail with a used fingerprint on "+owner, err, fault.CodeConflict)
	}
}

func testPhones(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1", "acct-2")
	want := []account.Phone{
		{AccountID: "acct-1", Sealed: []byte("p1"), FP: fp("shared"), Delivery: account.DeliverySMS, Default: true,
			CreatedAt: t0, LastUsed: t0.Add(time.Second)},
		{AccountID: "acct-1", Sealed: []byte("p2"), FP: fp("own"), Delivery: account.DeliveryVoice, CreatedAt: t0.Add(time.Minute)},
	}
	shared := account.Phone{AccountID: "acct-2", Sealed: []byte("p3"), FP: fp("shared"), Delivery: account.DeliverySMS, CreatedAt: t0}
	write(t, s, func(tx store.Tx) error {
		for i := range want {
			if err := tx.InsertPhone(ctx, &want[i]); err != nil {
				return err
			}
		}
		return tx.InsertPhone(ctx, &shared)
	})
	if want[0].ID == 0 || want[0].ID == want[1].ID {
		t.Fatalf("InsertPhone set IDs %d and %d", want[0].ID, want[1].ID)
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.Phones(ctx, "acct-1")
		same(t, "Phones", got, want)
		if err != nil {
			return err
		}
		// A phone may serve several accounts.
		ids, err := r.AccountIDsByPhone(ctx, fp("shared"))
		slices.Sort(ids)
		same(t, "AccountIDsByPhone", ids, []string{"acct-1", "acct-2"})
		return err
	})
	// A phone is deleted only through its own account.
	wantCode(t, "DeletePhone through another account", s.Write(ctx, func(tx store.Tx) error {
		return tx.DeletePhone(ctx, "acct-2", want[0].ID)
	}), fault.CodeNotFound)
	write(t, s, func(tx store.Tx) error { return tx.DeletePhone(ctx, "acct-1", want[0].ID) })
	read(t, s, func(r store.Reader) error {
		got, err := r.Phones(ctx, "acct-1")
		same(t, "Phones after DeletePhone", got, want[1:])
		ids, _ := r.AccountIDsByPhone(ctx, fp("shared"))
		same(t, "AccountIDsByPhone after DeletePhone", ids, []string{"acct-2"})
		return err
	})
}

func testMethods(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1", "acct-2")
	want := []account.Method{
		{AccountID: "acct-1", Kind: account.KindAuthApp, Name: "Phone app", CreatedAt: t0, LastUsed: t0.Add(time.Hour),
			Sealed: []byte("totp-seed"), LastStep: 58_000_000},
		{AccountID: "acct-1", Kind: account.KindSecurityKey, Name: "Yubikey «bleu»", CreatedAt: t0.Add(time.Minute),
			Credential: "cred-id-1"},
		{AccountID: "acct-1", Kind: account.KindBackupCodes, CreatedAt: t0.Add(2 * time.Minute)},
	}
	write(t, s, func(tx store.Tx) error {
		for i := range want {
			if err := tx.InsertMethod(ctx, &want[i]); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(r store.Reader) error {
		got, err := r.Methods(ctx, "acct-1")
		same(t, "Methods", got, want)
		return err
	})
	upd := want[0]
	upd.Name, upd.LastUsed, upd.LastStep = "Work phone", t0.Add(2*time.Hour), 58_000_001
	write(t, s, func(tx store.Tx) error { return tx.UpdateMethod(ctx, upd) })
	want[0] = upd
	wantCode(t, "DeleteMethod through another account", s.Write(ctx, func(tx store.Tx) error {
		return tx.DeleteMethod(ctx, "acct-2", want[1].ID)
	}), fault.CodeNotFound)
	write(t, s, func(tx store.Tx) error { return tx.DeleteMethod(ctx, "acct-1", want[1].ID) })
	read(t, s, func(r store.Reader) error {
		got, err := r.Methods(ctx, "acct-1")
		same(t, "Methods after update and delete", got, []account.Method{want[0], want[2]})
		return err
	})
}

func backupCodes(accountID, salt string) []account.BackupCode {
	codes := make([]account.BackupCode, account.BackupCodeCount)
	for i := range codes {
		codes[i] = account.BackupCode{AccountID: accountID, Index: i, Hash: fp(fmt.Sprintf("%s%d", salt, i))}
	}
	return codes
}

func testBackupCodes(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	want := backupCodes("acct-1", "first")
	want[9].UsedAt = t0 // already used when stored
	write(t, s, func(tx store.Tx) error { return tx.PutBackupCodes(ctx, "acct-1", want) })
	write(t, s, func(tx store.Tx) error { return tx.UseBackupCode(ctx, "acct-1", 3, t0.Add(time.Minute)) })
	want[3].UsedAt = t0.Add(time.Minute)
	read(t, s, func(r store.Reader) error {
		got, err := r.BackupCodes(ctx, "acct-1")
		same(t, "BackupCodes", got, want)
		return err
	})
	for _, idx := range []int{3, 9} {
		wantCode(t, fmt.Sprintf("UseBackupCode(%d) again", idx), s.Write(ctx, func(tx store.Tx) error {
			return tx.UseBackupCode(ctx, "acct-1", idx, t0.Add(time.Hour))
		}), fault.CodeCodeReused)
	}
	// A new set replaces the old one entirely.
	fresh := backupCodes("acct-1", "second")
	write(t, s, func(tx store.Tx) error { return tx.PutBackupCodes(ctx, "acct-1", fresh) })
	read(t, s, func(r store.Reader) error {
		got, err := r.BackupCodes(ctx, "acct-1")
		same(t, "BackupCodes after a new set", got, fresh)
		return err
	})
}

func testProfile(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	want := account.Profile{AccountID: "acct-1", State: account.ProfileActive, VerifiedAt: t0,
		PersonalKeyHash: fp("pk"), PersonalKeyAt: t0.Add(time.Second)}
	write(t, s, func(tx store.Tx) error { return tx.PutProfile(ctx, want) })
	read(t, s, func(r store.Reader) error {
		got, err := r.Profile(ctx, "acct-1")
		same(t, "Profile", got, &want)
		return err
	})
	want = account.Profile{AccountID: "acct-1", State: account.ProfileDeactivated, VerifiedAt: t0,
		DeactivationReason: "password_reset"}
	write(t, s, func(tx store.Tx) error { return tx.PutProfile(ctx, want) })
	read(t, s, func(r store.Reader) error {
		got, err := r.Profile(ctx, "acct-1")
		same(t, "Profile replaced", got, &want)
		return err
	})
}

func testAgencyLinks(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	write(t, s, func(tx store.Tx) error {
		for _, a := range []store.Agency{{ID: "ssa", Name: "Social Security"}, {ID: "irs", Name: "IRS"}, {ID: "ssa", Name: "Social Security Administration"}} {
			if err := tx.PutAgency(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	want := []account.AgencyLink{
		{AccountID: "acct-1", AgencyID: "irs", FirstAt: t0, LastAt: t0.Add(time.Hour)},
		{AccountID: "acct-1", AgencyID: "ssa", FirstAt: t0.Add(time.Minute), LastAt: t0.Add(time.Minute)},
	}
	write(t, s, func(tx store.Tx) error {
		for _, l := range want {
			if err := tx.PutAgencyLink(ctx, l); err != nil {
				return err
			}
		}
		// A later sign-in moves LastAt and keeps FirstAt.
		return tx.PutAgencyLink(ctx, account.AgencyLink{AccountID: "acct-1", AgencyID: "ssa",
			FirstAt: t0.Add(48 * time.Hour), LastAt: t0.Add(48 * time.Hour)})
	})
	want[1].LastAt = t0.Add(48 * time.Hour)
	read(t, s, func(r store.Reader) error {
		ags, err := r.Agencies(ctx)
		if err != nil {
			return err
		}
		slices.SortFunc(ags, func(a, b store.Agency) int { return cmp.Compare(a.ID, b.ID) })
		same(t, "Agencies", ags, []store.Agency{{ID: "irs", Name: "IRS"}, {ID: "ssa", Name: "Social Security Administration"}})
		got, err := r.AgencyLinks(ctx, "acct-1")
		slices.SortFunc(got, func(a, b account.AgencyLink) int { return cmp.Compare(a.AgencyID, b.AgencyID) })
		same(t, "AgencyLinks", got, want)
		return err
	})
}

func testDevices(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	want := []account.Device{
		{AccountID: "acct-1", Name: "Firefox on Windows", FirstAt: t0, LastAt: t0.Add(time.Hour)},
		{AccountID: "acct-1", Name: "Safari on iOS", FirstAt: t0.Add(time.Minute), LastAt: t0.Add(2 * time.Hour)},
	}
	write(t, s, func(tx store.Tx) error {
		for i := range want {
			if err := tx.InsertDevice(ctx, &want[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if want[0].ID == 0 || want[0].ID == want[1].ID {
		t.Fatalf("InsertDevice set IDs %d and %d", want[0].ID, want[1].ID)
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.Devices(ctx, "acct-1")
		slices.SortFunc(got, func(a, b account.Device) int { return cmp.Compare(a.ID, b.ID) })
		same(t, "Devices", got, want)
		return err
	})
}

func testEvents(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1", "acct-2")
	// Inserted out of time order; two share an instant and keep insert order.
	ats := []time.Duration{3, 1, 5, 2, 5, 4}
	var all []account.Event
	write(t, s, func(tx store.Tx) error {
		for i, d := range ats {
			e := account.Event{AccountID: "acct-1", Kind: account.EventKinds[i], At: t0.Add(d * time.Minute),
				Detail: fmt.Sprintf("detail %d", i)}
			if err := tx.InsertEvent(ctx, &e); err != nil {
				return err
			}
			all = append(all, e)
		}
		return tx.InsertEvent(ctx, &account.Event{AccountID: "acct-2", Kind: account.EventSignIn, At: t0.Add(time.Hour)})
	})
	newest := []account.Event{all[4], all[2], all[5], all[0], all[3], all[1]}
	for _, limit := range []int{1, 3, 6, 100} {
		read(t, s, func(r store.Reader) error {
			got, err := r.Events(ctx, "acct-1", limit)
			same(t, fmt.Sprintf("Events(limit %d)", limit), got, newest[:min(limit, len(newest))])
			return err
		})
	}
}

func testReset(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	want := account.Reset{AccountID: "acct-1", RequestedAt: t0}
	write(t, s, func(tx store.Tx) error { return tx.PutReset(ctx, want) })
	read(t, s, func(r store.Reader) error {
		got, err := r.Reset(ctx, "acct-1")
		same(t, "Reset", got, &want)
		return err
	})
	want = account.Reset{AccountID: "acct-1", RequestedAt: t0, CancelledAt: t0.Add(25 * time.Hour), CancelledBy: "agent-7",
		TokenHash: fp("token"), GrantedAt: t0.Add(24 * time.Hour), DeletedAt: t0.Add(26 * time.Hour)}
	write(t, s, func(tx store.Tx) error { return tx.PutReset(ctx, want) })
	read(t, s, func(r store.Reader) error {
		got, err := r.Reset(ctx, "acct-1")
		same(t, "Reset replaced", got, &want)
		return err
	})
}

func testOneTimeCode(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	for i, want := range []store.OneTimeCode{
		{AccountID: "acct-1", PhoneID: 7, Hash: fp("123456"), ExpiresAt: t0.Add(account.OTPValidity)},
		{AccountID: "acct-1", PhoneID: 8, Hash: fp("654321"), ExpiresAt: t0.Add(time.Hour)},
	} {
		write(t, s, func(tx store.Tx) error { return tx.PutOneTimeCode(ctx, &want) })
		read(t, s, func(r store.Reader) error {
			got, err := r.OneTimeCode(ctx, "acct-1")
			same(t, fmt.Sprintf("OneTimeCode %d", i), got, &want)
			return err
		})
	}
	if err := s.Write(ctx, func(tx store.Tx) error { return tx.PutOneTimeCode(ctx, nil) }); err == nil {
		t.Error("PutOneTimeCode(nil) succeeded; it names no account")
	}
	for range 2 { // clearing twice is fine
		write(t, s, func(tx store.Tx) error { return tx.ClearOneTimeCode(ctx, "acct-1") })
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.OneTimeCode(ctx, "acct-1")
		if got != nil || err != nil {
			t.Errorf("OneTimeCode after ClearOneTimeCode = %+v, %v", got, err)
		}
		return nil
	})
}

func testThrottle(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, want := range []store.Throttle{
		{Key: "signin:ip:abc", Count: 1, WindowStart: t0},
		{Key: "signin:ip:abc", Count: 7, WindowStart: t0.Add(time.Minute)},
	} {
		write(t, s, func(tx store.Tx) error {
			if err := tx.PutThrottle(ctx, want); err != nil {
				return err
			}
			return tx.PutThrottle(ctx, store.Throttle{Key: "otp:other", Count: 99, WindowStart: t0})
		})
		read(t, s, func(r store.Reader) error {
			got, err := r.Throttle(ctx, want.Key)
			same(t, "Throttle", got, want)
			return err
		})
	}
}

func testMeta(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, v := range [][]byte{{0, 1, 2, 255}, []byte("second value")} {
		write(t, s, func(tx store.Tx) error { return tx.PutMeta(ctx, "key_check", v) })
		read(t, s, func(r store.Reader) error {
			got, err := r.Meta(ctx, "key_check")
			if !bytes.Equal(got, v) || err != nil {
				t.Errorf("Meta = %x, %v; want %x", got, err, v)
			}
			return nil
		})
	}
}

func newAgent(id, email string, role access.Role) access.Agent {
	a := access.Agent{ID: id, EmailSealed: []byte("sealed " + email), EmailFP: fp(email), DisplayName: "Agent " + id,
		Role: role, Languages: []string{"en", "es"}, UILanguage: "es", PasswordHash: "$argon2id$" + id,
		TOTPSealed: []byte("totp " + id), TOTPLastStep: 58_000_000, FailedSignIn: 2,
		LockedUntil: t0.Add(time.Hour), CreatedAt: t0}
	if role == access.RoleAgencyDesk {
		a.Agencies = []string{"ssa", "irs"}
	}
	return a
}

func testAgents(t *testing.T, s store.Store) {
	ctx := t.Context()
	want := []access.Agent{
		newAgent("agent-1", "ana@example.gov", access.RoleSupervisor),
		newAgent("agent-2", "bo@ssa.example.gov", access.RoleAgencyDesk),
	}
	want[1].Languages = []string{"fr"}
	want[1].DisabledAt = t0.Add(24 * time.Hour)
	write(t, s, func(tx store.Tx) error {
		for _, a := range want {
			if err := tx.InsertAgent(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	check := func(what string) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			for _, w := range want {
				got, err := r.Agent(ctx, w.ID)
				same(t, what+" Agent "+w.ID, got, w)
				if err != nil {
					return err
				}
				got, err = r.AgentByEmail(ctx, w.EmailFP)
				same(t, what+" AgentByEmail "+w.ID, got, w)
				if err != nil {
					return err
				}
			}
			all, err := r.Agents(ctx)
			slices.SortFunc(all, func(a, b access.Agent) int { return cmp.Compare(a.ID, b.ID) })
			same(t, what+" Agents", all, want)
			return err
		})
	}
	check("inserted")

	upd := want[0]
	upd.DisplayName, upd.Role, upd.Languages, upd.UILanguage = "Ana R.", access.RoleAgencyDesk, []string{"es"}, "fr"
	upd.Agencies, upd.PasswordHash, upd.TOTPLastStep, upd.FailedSignIn = []string{"va"}, "$argon2id$new", 58_000_009, 0
	upd.LockedUntil, upd.DisabledAt = time.Time{}, t0.Add(time.Minute)
	write(t, s, func(tx store.Tx) error { return tx.UpdateAgent(ctx, upd) })
	want[0] = upd
	check("updated")

	wantCode(t, "InsertAgent with a used email", s.Write(ctx, func(tx store.Tx) error {
		return tx.InsertAgent(ctx, newAgent("agent-3", "ana@example.gov", access.RoleAgent))
	}), fault.CodeConflict)
}

func testOutbox(t *testing.T, s store.Store) {
	ctx := t.Context()
	want := []notify.Notification{
		{CreatedAt: t0, AccountID: "acct-1", Channel: notify.ChannelEmail, Template: notify.TemplateMethodAdded,
			Language: "fr", ToSealed: []byte("to-1"), Status: notify.StatusQueued,
			Data: map[string]string{"method": "auth_app", "date": "14 mars 2025", "quote": `"é"\n`}},
		{CreatedAt: t0.Add(time.Second), AccountID: "acct-1", Channel: notify.ChannelSMS, Template: notify.TemplateResetGranted,
			Language: "en", ToSealed: []byte("to-2"), Status: notify.StatusFailed, Attempts: 3,
			NextAttempt: t0.Add(time.Hour), MessageID: "<m1@supportdesk>", Data: map[string]string{"expires": "2025-03-16"}},
	}
	write(t, s, func(tx store.Tx) error {
		for i := range want {
			if err := tx.Enqueue(ctx, &want[i]); err != nil {
				return err
			}
		}
		return tx.Enqueue(ctx, &notify.Notification{CreatedAt: t0, AccountID: "acct-2", Channel: notify.ChannelEmail,
			Template: notify.TemplateNewDevice, Language: "es", ToSealed: []byte("to-3"), Status: notify.StatusQueued,
			Data: map[string]string{}})
	})
	if want[0].ID == 0 || want[0].ID == want[1].ID {
		t.Fatalf("Enqueue set IDs %d and %d", want[0].ID, want[1].ID)
	}
	read(t, s, func(r store.Reader) error {
		got, err := r.Outbox(ctx, "acct-1")
		same(t, "Outbox", got, want)
		if err != nil {
			return err
		}
		n, err := r.OutboxCount(ctx)
		if n != 3 || err != nil {
			t.Errorf("OutboxCount = %d, %v; want 3", n, err)
		}
		if n, err := r.OutboxFailed(ctx); n != 1 || err != nil {
			t.Errorf("OutboxFailed = %d, %v; want 1", n, err)
		}
		notices, err := r.DueOutboxLane(ctx, t0.Add(time.Hour), notify.ChannelEmail, false, 10)
		if len(notices) != 2 || err != nil {
			t.Errorf("DueOutboxLane(notices) = %d rows, %v; want 2", len(notices), err)
		}
		if tm, err := r.DueOutboxLane(ctx, t0.Add(time.Hour), notify.ChannelEmail, true, 10); len(tm) != 0 || err != nil {
			t.Errorf("DueOutboxLane(ticket mail) = %d rows, %v; want 0", len(tm), err)
		}
		return nil
	})
}

// populate gives an account one row of every kind it owns.
func populate(ctx context.Context, tx store.Tx, id, label string) error {
	steps := []func() error{
		func() error { return tx.InsertAccount(ctx, newAccount(id)) },
		func() error {
			return tx.InsertEmail(ctx, &account.Email{AccountID: id, Sealed: []byte("e"), FP: fp("email " + label), CreatedAt: t0})
		},
		func() error {
			return tx.InsertPhone(ctx, &account.Phone{AccountID: id, Sealed: []byte("p"), FP: fp("phone " + label),
				Delivery: account.DeliverySMS, CreatedAt: t0})
		},
		func() error {
			return tx.InsertMethod(ctx, &account.Method{AccountID: id, Kind: account.KindAuthApp, CreatedAt: t0, Sealed: []byte("s")})
		},
		func() error { return tx.PutBackupCodes(ctx, id, backupCodes(id, label)) },
		func() error {
			return tx.PutProfile(ctx, account.Profile{AccountID: id, State: account.ProfileActive, VerifiedAt: t0})
		},
		func() error { return tx.PutAgency(ctx, store.Agency{ID: "ssa", Name: "SSA"}) },
		func() error {
			return tx.PutAgencyLink(ctx, account.AgencyLink{AccountID: id, AgencyID: "ssa", FirstAt: t0, LastAt: t0})
		},
		func() error {
			return tx.InsertDevice(ctx, &account.Device{AccountID: id, Name: "Firefox", FirstAt: t0, LastAt: t0})
		},
		func() error {
			return tx.InsertEvent(ctx, &account.Event{AccountID: id, Kind: account.EventAccountCreated, At: t0})
		},
		func() error { return tx.PutReset(ctx, account.Reset{AccountID: id, RequestedAt: t0}) },
		func() error {
			return tx.PutOneTimeCode(ctx, &store.OneTimeCode{AccountID: id, PhoneID: 1, Hash: fp("otp"), ExpiresAt: t0})
		},
		func() error {
			return tx.Enqueue(ctx, &notify.Notification{CreatedAt: t0, AccountID: id, Channel: notify.ChannelEmail,
				Template: notify.TemplateAccountDeleted, Language: "en", ToSealed: []byte("to"), Status: notify.StatusQueued,
				Data: map[string]string{"k": "v"}})
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("populate step %d: %w", i, err)
		}
	}
	return nil
}

func testDeleteCascades(t *testing.T, s store.Store) {
	ctx := t.Context()
	write(t, s, func(tx store.Tx) error {
		if err := populate(ctx, tx, "acct-1", "one"); err != nil {
			return err
		}
		return populate(ctx, tx, "acct-2", "two")
	})
	write(t, s, func(tx store.Tx) error { return tx.DeleteAccount(ctx, "acct-1") })
	read(t, s, func(r store.Reader) error {
		_, err := r.Account(ctx, "acct-1")
		wantCode(t, "Account after DeleteAccount", err, fault.CodeNotFound)
		_, err = r.AccountIDByEmail(ctx, fp("email one"))
		wantCode(t, "AccountIDByEmail after DeleteAccount", err, fault.CodeNotFound)
		_, err = r.AccountIDsByPhone(ctx, fp("phone one"))
		wantCode(t, "AccountIDsByPhone after DeleteAccount", err, fault.CodeNotFound)
		for what, list := range map[string]func() (int, error){
			"Emails":      lenOf(r.Emails(ctx, "acct-1")),
			"Phones":      lenOf(r.Phones(ctx, "acct-1")),
			"Methods":     lenOf(r.Methods(ctx, "acct-1")),
			"BackupCodes": lenOf(r.BackupCodes(ctx, "acct-1")),
			"AgencyLinks": lenOf(r.AgencyLinks(ctx, "acct-1")),
			"Devices":     lenOf(r.Devices(ctx, "acct-1")),
			"Events":      lenOf(r.Events(ctx, "acct-1", 10)),
		} {
			if n, err := list(); n != 0 || err != nil {
				t.Errorf("%s after DeleteAccount = %d rows, %v; want none", what, n, err)
			}
		}
		if p, err := r.Profile(ctx, "acct-1"); p != nil || err != nil {
			t.Errorf("Profile after DeleteAccount = %v, %v", p, err)
		}
		if rs, err := r.Reset(ctx, "acct-1"); rs != nil || err != nil {
			t.Errorf("Reset after DeleteAccount = %v, %v", rs, err)
		}
		if c, err := r.OneTimeCode(ctx, "acct-1"); c != nil || err != nil {
			t.Errorf("OneTimeCode after DeleteAccount = %v, %v", c, err)
		}
		// The deletion notice must still go out.
		if out, err := r.Outbox(ctx, "acct-1"); len(out) != 1 || err != nil {
			t.Errorf("Outbox after DeleteAccount = %d rows, %v; want 1", len(out), err)
		}
		// The other account is untouched.
		if id, err := r.AccountIDByEmail(ctx, fp("email two")); id != "acct-2" || err != nil {
			t.Errorf("AccountIDByEmail(other) = %q, %v", id, err)
		}
		if n, err := lenOf(r.BackupCodes(ctx, "acct-2"))(); n != account.BackupCodeCount || err != nil {
			t.Errorf("BackupCodes(other) = %d, %v", n, err)
		}
		if n, err := r.CountAccounts(ctx); n != 1 || err != nil {
			t.Errorf("CountAccounts = %d, %v; want 1", n, err)
		}
		return nil
	})
	// The freed address can be registered again.
	write(t, s, func(tx store.Tx) error { return populate(ctx, tx, "acct-3", "one") })
}

func testRollback(t *testing.T, s store.Store) {
	ctx := t.Context()
	boom := errors.New("boom")
	err := s.Write(ctx, func(tx store.Tx) error {
		if err := populate(ctx, tx, "acct-1", "one"); err != nil {
			return err
		}
		steps := []error{
			tx.AppendAudit(ctx, audit.Record(access.System, t0, "account.create", "account", "acct-1", "")),
			tx.AppendAudit(ctx, audit.Record(access.System, t0, "account.view", "account", "acct-1", "")),
			tx.PutMeta(ctx, "k", []byte("v")),
			tx.PutThrottle(ctx, store.Throttle{Key: "t", Count: 1, WindowStart: t0}),
			tx.InsertAgent(ctx, newAgent("agent-1", "a@example.gov", access.RoleAgent)),
		}
		if err := errors.Join(steps...); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v, want the error fn returned", err)
	}
	read(t, s, func(r store.Reader) error {
		_, err := r.Account(ctx, "acct-1")
		wantCode(t, "Account after rollback", err, fault.CodeNotFound)
		_, err = r.AccountIDByEmail(ctx, fp("email one"))
		wantCode(t, "AccountIDByEmail after rollback", err, fault.CodeNotFound)
		_, err = r.Meta(ctx, "k")
		wantCode(t, "Meta after rollback", err, fault.CodeNotFound)
		_, err = r.Agent(ctx, "agent-1")
		wantCode(t, "Agent after rollback", err, fault.CodeNotFound)
		if th, err := r.Throttle(ctx, "t"); th.Count != 0 || err != nil {
			t.Errorf("Throttle after rollback = %+v, %v", th, err)
		}
		if n, err := r.OutboxCount(ctx); n != 0 || err != nil {
			t.Errorf("OutboxCount after rollback = %d, %v", n, err)
		}
		if seq, hash, err := r.AuditHead(ctx); seq != 0 || len(hash) != 0 || err != nil {
			t.Errorf("AuditHead after rollback = %d, %x, %v", seq, hash, err)
		}
		n := 0
		err = r.AuditScan(ctx, func(audit.Entry) error { n++; return nil })
		if n != 0 || err != nil {
			t.Errorf("AuditScan after rollback = %d entries, %v", n, err)
		}
		return nil
	})
	// The store is usable afterwards and the chain starts at 1.
	e := audit.Record(access.System, t0, "account.create", "account", "acct-1", "")
	write(t, s, func(tx store.Tx) error {
		if err := populate(ctx, tx, "acct-1", "one"); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, e)
	})
	if e.Seq != 1 {
		t.Errorf("first entry after a rollback has seq %d, want 1", e.Seq)
	}
}

// verify checks the stored chain end to end.
func verify(ctx context.Context, r store.Reader) (int64, error) {
	var v audit.Verifier
	if err := r.AuditScan(ctx, func(e audit.Entry) error {
		if b := v.Add(e); b != nil {
			return b
		}
		return nil
	}); err != nil {
		return v.Count(), err
	}
	seq, hash, err := r.AuditHead(ctx)
	if err != nil {
		return v.Count(), err
	}
	if b := v.Finish(seq, hash); b != nil {
		return v.Count(), b
	}
	return v.Count(), nil
}

func testAuditChain(t *testing.T, s store.Store) {
	ctx := t.Context()
	actor := access.Actor{ID: "agent-7", Role: access.RoleSupervisor, Session: "ssh-42"}
	var entries []*audit.Entry
	for i := range 5 {
		// Sub-millisecond digits are dropped when sealing.
		e := audit.Record(actor, t0.Add(time.Duration(i)*time.Second+123_456).In(est), "account.view", "account",
			fmt.Sprintf("acct-%d", i), fmt.Sprintf(`{"reason":"call %d","é":"ü"}`, i))
		entries = append(entries, e)
	}
	// Three entries in one write, one alone and two together (and none),
	// then one per write, alone and in a batch of one.
	write(t, s, func(tx store.Tx) error {
		return errors.Join(tx.AppendAudit(ctx, entries[0]), tx.AppendAudits(ctx, entries[1:3]), tx.AppendAudits(ctx, nil))
	})
	write(t, s, func(tx store.Tx) error { return tx.AppendAudit(ctx, entries[3]) })
	write(t, s, func(tx store.Tx) error { return tx.AppendAudits(ctx, entries[4:]) })
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d sealed with seq %d", i, e.Seq)
		}
		var prev []byte
		if i > 0 {
			prev = entries[i-1].Hash
		}
		if !bytes.Equal(e.PrevHash, prev) {
			t.Errorf("entry %d: PrevHash %x, want %x", e.Seq, e.PrevHash, prev)
		}
		if !bytes.Equal(e.Hash, e.Sum()) || len(e.Hash) != 32 {
			t.Errorf("entry %d: Hash %x is not its Sum", e.Seq, e.Hash)
		}
	}
	read(t, s, func(r store.Reader) error {
		var got []audit.Entry
		if err := r.AuditScan(ctx, func(e audit.Entry) error { got = append(got, e); return nil }); err != nil {
			return err
		}
		want := make([]audit.Entry, len(entries))
		for i, e := range entries {
			want[i] = *e
		}
		same(t, "AuditScan", got, want)

		seq, hash, err := r.AuditHead(ctx)
		if err != nil {
			return err
		}
		last := entries[len(entries)-1]
		if seq != last.Seq || !bytes.Equal(hash, last.Hash) {
			t.Errorf("AuditHead = %d, %x; want %d, %x", seq, hash, last.Seq, last.Hash)
		}
		if n, err := verify(ctx, r); n != 5 || err != nil {
			t.Errorf("verify = %d entries, %v; want 5, nil", n, err)
		}

		tail, err := r.AuditTail(ctx, 2)
		same(t, "AuditTail(2)", tail, []audit.Entry{want[4], want[3]})
		if err != nil {
			return err
		}

		// AuditScan stops at fn's error and returns it.
		stop := errors.New("stop")
		n := 0
		err = r.AuditScan(ctx, func(audit.Entry) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("AuditScan with a failing fn = %v after %d entries; want stop after 1", err, n)
		}
		return nil
	})
}

func testConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1")
	const writers, perWriter = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+writers)
	done := make(chan struct{})
	// Readers check snapshots while writers commit.
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := s.Read(ctx, func(r store.Reader) error {
					_, err := verify(ctx, r)
					return err
				}); err != nil {
					errs <- fmt.Errorf("read during writes: %w", err)
					return
				}
			}
		})
	}
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				err := s.Write(ctx, func(tx store.Tx) error {
					// A read-modify-write counter only adds up if writes are serialized.
					th, err := tx.Throttle(ctx, "counter")
					if err != nil {
						return err
					}
					th.Key, th.Count, th.WindowStart = "counter", th.Count+1, t0
					if err := tx.PutThrottle(ctx, th); err != nil {
						return err
					}
					if err := tx.InsertEvent(ctx, &account.Event{AccountID: "acct-1", Kind: account.EventSignIn,
						At: t0.Add(time.Duration(w*perWriter+i) * time.Millisecond)}); err != nil {
						return err
					}
					actor := access.Actor{ID: fmt.Sprintf("agent-%d", w), Role: access.RoleAgent}
					return tx.AppendAudit(ctx, audit.Record(actor, t0, "account.view", "account", "acct-1", fmt.Sprint(i)))
				})
				if err != nil {
					errs <- fmt.Errorf("writer %d, write %d: %w", w, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	read(t, s, func(r store.Reader) error {
		th, err := r.Throttle(ctx, "counter")
		if err != nil {
			return err
		}
		if th.Count != writers*perWriter {
			t.Errorf("counter = %d, want %d: writes were not serialized", th.Count, writers*perWriter)
		}
		evs, err := r.Events(ctx, "acct-1", 1000)
		if len(evs) != writers*perWriter || err != nil {
			t.Errorf("Events = %d, %v; want %d", len(evs), err, writers*perWriter)
		}
		n, err := verify(ctx, r)
		if n != writers*perWriter || err != nil {
			t.Errorf("verify = %d entries, %v; want %d, nil", n, err, writers*perWriter)
		}
		return nil
	})
}
