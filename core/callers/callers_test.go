package callers_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/callers"
	"supportdesk/core/coretest"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/notify"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

func newAccount(t testing.TB, svc *service.Service, email, phone string) string {
	t.Helper()
	id, err := svc.Auth.CreateAccount(context.Background(), access.System, authn.NewAccount{Email: email,
		Password: "a long enough password", Language: "fr", Phone: phone, Delivery: account.DeliverySMS})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// queued counts the outbox rows a worker would deliver.
func queued(t testing.TB, svc *service.Service) int {
	var rows []notify.Notification
	svc.Store.Read(context.Background(), func(r store.Reader) error {
		rows, _ = r.DueOutbox(context.Background(), svc.Clock.Now(), notify.ChannelEmail, 1000)
		more, _ := r.DueOutbox(context.Background(), svc.Clock.Now(), notify.ChannelSMS, 1000)
		rows = append(rows, more...)
		return nil
	})
	return len(rows)
}

func lastAudit(t testing.TB, svc *service.Service) audit.Entry {
	var tail []audit.Entry
	svc.Store.Read(context.Background(), func(r store.Reader) error { tail, _ = r.AuditTail(context.Background(), 1); return nil })
	return tail[0]
}

func TestCallerVerificationRevealsNothingUntilTheCode(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	id := newAccount(t, svc, "lea@example.fr", "+12025550143")
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"fr"}})
	before := queued(t, svc)
	missing, err := svc.VerifyCaller(ctx, agent.Token, "nobody@example.fr", 0)
	if err != nil {
		t.Fatal(err)
	}
	missingAudit := lastAudit(t, svc)
	if queued(t, svc) != before {
		t.Fatal("a code went out for a contact that is on no account")
	}
	found, err := svc.VerifyCaller(ctx, agent.Token, "Lea@Example.fr", 0)
	if err != nil {
		t.Fatal(err)
	}
	foundAudit := lastAudit(t, svc)
	// The same answer and the same audit line, but for the check's id.
	if missing.ExpiresAt != found.ExpiresAt || len(missing.ID) != len(found.ID) || missing.ID == found.ID {
		t.Errorf("answers differ: %+v vs %+v", missing, found)
	}
	if missingAudit.Action != foundAudit.Action || missingAudit.Detail != foundAudit.Detail || missingAudit.TargetType != foundAudit.TargetType {
		t.Errorf("audit lines differ: %+v vs %+v", missingAudit, foundAudit)
	}
	code, ch := coretest.CallerCode(t, svc, id)
	if ch != notify.ChannelEmail || len(code) != callers.CodeLength {
		t.Fatalf("code %q over %s", code, ch)
	}
	// Any code fails for the missing contact, exactly as a wrong one does.
	_, errMissing := svc.ConfirmCaller(ctx, agent.Token, missing.ID, code)
	_, errWrong := svc.ConfirmCaller(ctx, agent.Token, found.ID, "000000")
	if fault.CodeOf(errMissing) != fault.CodeBadCredentials || errMissing.Error() != errWrong.Error() {
		t.Fatalf("missing: %v, wrong: %v", errMissing, errWrong)
	}
	// Another console cannot use this console's check.
	other := coretest.AddStaff(t, svc, staff.NewAgent{Email: "bob@desk.example", Role: access.RoleAgent, Languages: []string{"fr"}})
	if _, err := svc.ConfirmCaller(ctx, other.Token, found.ID, code); fault.CodeOf(err) != fault.CodeNotFound {
		t.Fatalf("another session confirms: %v", err)
	}
	v, err := svc.ConfirmCaller(ctx, agent.Token, found.ID, code)
	if err != nil || v.Account.ID != id || !v.Until.Equal(svc.Clock.Now().Add(30*time.Minute)) {
		t.Fatalf("confirm: %+v %v", v, err)
	}
	if _, err := svc.ConfirmCaller(ctx, agent.Token, found.ID, code); fault.CodeOf(err) != fault.CodeCodeReused {
		t.Fatalf("a code works twice: %v", err)
	}
}

func TestThreeTriesInTenMinutes(t *testing.T) {
	t.Parallel()
	svc, clk, _ := coretest.Open(t)
	ctx := context.Background()
	id := newAccount(t, svc, "lea@example.fr", "+12025550143")
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"fr"}})
	chk, err := svc.VerifyCaller(ctx, agent.Token, "(202) 555-0143", 0)
	if err != nil {
		t.Fatal(err)
	}
	code, ch := coretest.CallerCode(t, svc, id)
	if ch != notify.ChannelSMS {
		t.Fatalf("a stated phone got the code by %s", ch)
	}
	for i := range 2 {
		if _, err := svc.ConfirmCaller(ctx, agent.Token, chk.ID, "111111"); fault.CodeOf(err) != fault.CodeBadCredentials {
			t.Fatalf("try %d: %v", i+1, err)
		}
	}
	if _, err := svc.ConfirmCaller(ctx, agent.Token, chk.ID, "111111"); fault.CodeOf(err) != fault.CodeRateLimited {
		t.Fatalf("third wrong try: %v", err)
	}
	if _, err := svc.ConfirmCaller(ctx, agent.Token, chk.ID, code); fault.CodeOf(err) != fault.CodeRateLimited {
		t.Fatalf("the right code after three tries: %v", err)
	}
	late, _ := svc.VerifyCaller(ctx, agent.Token, "lea@example.fr", 0)
	code, _ = coretest.CallerCode(t, svc, id)
	clk.Advance(10 * time.Minute)
	svc.Touch(ctx, agent.Token)
	if _, err := svc.ConfirmCaller(ctx, agent.Token, late.ID, code); fault.CodeOf(err) != fault.CodeCodeExpired {
		t.Fatalf("a code after 10 minutes: %v", err)
	}
}

func TestVerifiedCallerForTheCall(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	id := newAccount(t, svc, "lea@example.fr", "+12025550143")
	agent := coretest.AddStaff(t, svc, staff.NewAgent{Email: "ana@desk.example", Role: access.RoleAgent, Languages: []string{"fr"}})
	call, err := svc.StartCall(ctx, agent.Token, "fr", ticket.CategoryLostMFA)
	if err != nil || call.Channel != ticket.ChannelPhone || call.Assignee != agent.AgentID {
		t.Fatalf("call: %+v %v", call, err)
	}
	chk, _ := svc.VerifyCaller(ctx, agent.Token, "lea@example.fr", call.ID)
	code, _ := coretest.CallerCode(t, svc, id)
	if _, err := svc.ConfirmCaller(ctx, agent.Token, chk.ID, code); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordStep(ctx, agent.Token, call.ID, "mfa.backup_codes", "guided", "Caller has her codes at home."); err != nil {
		t.Fatal(err)
	}
	// The call is a ticket like any other: in the queue, on the board, on
	// the account's list.
	sup := coretest.AddStaff(t, svc, staff.NewAgent{Email: "sup@desk.example", Role: access.RoleSupervisor, Languages: []string{"fr"}})
	page, err := svc.Queue(ctx, sup.Token, helpdesk.QueueFilter{Search: call.Ref}, helpdesk.PageAt{}, 10)
	if err != nil || page.Total != 1 || page.Items[0].Assignee != agent.AgentID {
		t.Fatalf("the call in the queue: %+v %v", page, err)
	}
	board, err := svc.Board(ctx, sup.Token)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(board.Workload, func(l helpdesk.AgentLoad) bool { return l.AgentID == agent.AgentID })
	if i < 0 || board.Workload[i].Open != 1 {
		t.Fatalf("the call on the board: %+v", board.Workload)
	}
	if items, err := svc.AccountTickets(ctx, agent.Token, id); err != nil || len(items) != 1 || items[0].ID != call.ID {
		t.Fatalf("the call on the account: %+v %v", items, err)
	}
	v, err := svc.EndCall(ctx, agent.Token, call.ID, "resolved", "")
	if err != nil || v.Status != ticket.StatusSolved || v.Account == nil || v.Account.ID != id {
		t.Fatalf("ended call: %+v %v", v.Status, err)
	}
	var steps []string
	for _, m := range v.Messages {
		if s, o, _, ok := helpdesk.ParseStep(m.Body); ok {
			steps = append(steps, s+"="+o)
		}
	}
	if !slices.Equal(steps, []string{"call.start=answered", "caller.verify=verified", "mfa.backup_codes=guided", "call.end=resolved"}) {
		t.Errorf("steps on the call: %v", steps)
	}
	// On the verified caller's word, for 30 minutes, the agent may act.
	p, err := svc.Auth.SignIn(ctx, "lea@example.fr", "a long enough password", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Auth.RequestReset(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := svc.CancelReset(ctx, agent.Token, id, authn.CancelVerifiedCaller); err != nil {
		t.Fatalf("cancel on the verified caller's word: %v", err)
	}
}

// An agency help desk verifies callers the same way, within its scope: a
// contact on an account of another agency gets no code, and the desk's
// answer is the same as for a missing one.
func TestAgencyDeskVerifiesWithinItsScope(t *testing.T) {
	t.Parallel()
	svc, _, _ := coretest.Open(t)
	ctx := context.Background()
	id := newAccount(t, svc, "lea@example.fr", "+12025550143")
	err := svc.Store.Write(ctx, func(tx store.Tx) error {
		for _, ag := range []store.Agency{{ID: "ssa", Name: "SSA"}, {ID: "va", Name: "VA"}} {
			if err := tx.PutAgency(ctx, ag); err != nil {
				return err
			}
		}
		now := svc.Clock.Now()
		return tx.PutAgencyLink(ctx, account.AgencyLink{AccountID: id, AgencyID: "va", FirstAt: now, LastAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	ssa := coretest.AddStaff(t, svc, staff.NewAgent{Email: "help@ssa.example", Role: access.RoleAgencyDesk, Agencies: []string{"ssa"}})
	va := coretest.AddStaff(t, svc, staff.NewAgent{Email: "help@va.example", Role: access.RoleAgencyDesk, Agencies: []string{"va"}})
	before := queued(t, svc)
	if _, err := svc.VerifyCaller(ctx, ssa.Token, "lea@example.fr", 0); err != nil {
		t.Fatal(err)
	}
	if queued(t, svc) != before {
		t.Fatal("the SSA desk sent a code to a VA account's contact")
	}
	chk, err := svc.VerifyCaller(ctx, va.Token, "lea@example.fr", 0)
	if err != nil || queued(t, svc) != before+1 {
		t.Fatalf("the VA desk's code: %v", err)
	}
	code, _ := coretest.CallerCode(t, svc, id)
	v, err := svc.ConfirmCaller(ctx, va.Token, chk.ID, code)
	if err != nil || !v.Account.Lite {
		t.Fatalf("the VA desk opens the account: lite %v, %v", v.Account.Lite, err)
	}
}
