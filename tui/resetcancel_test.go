package tui

import (
	"slices"
	"strings"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
)

func TestCancelResetOnCallersWord(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	m := accountModel(t, f, access.RoleAgent, "en")
	if !helpHas(allHelpKeys(m), "c") {
		t.Fatalf("no cancel key for a waiting reset: %v", allHelpKeys(m))
	}
	send(m, "c")
	a := m.lookup.acct
	if !a.formOpen() || !m.active().InputFocused() {
		t.Fatal("c did not open the choice")
	}
	view := m.View()
	for _, want := range []string{"Cancel the account reset", "› On the verified caller's word", "As suspected fraud"} {
		if !strings.Contains(view, want) {
			t.Errorf("choice lacks %q:\n%s", want, view)
		}
	}
	send(m, "enter")
	if !strings.Contains(m.View(), "Cancel the reset on the verified caller's word? Every address of record is notified.") {
		t.Fatalf("no confirmation:\n%s", m.View())
	}
	send(m, "n") // any other key goes back to the choice
	if len(f.cancels) != 0 || !a.formOpen() || a.form.(*cancelForm).confirm {
		t.Fatal("n should go back to the choice without cancelling")
	}
	lookups := len(f.lookups)
	send(m, "enter")
	drain(m, send(m, "y"))
	if !slices.Equal(f.cancels, []string{"verified_caller " + fakeUUID}) {
		t.Fatalf("cancels %v", f.cancels)
	}
	if a.formOpen() {
		t.Error("the form stayed open")
	}
	if len(f.lookups) != lookups+1 || f.lookups[len(f.lookups)-1] != fakeUUID {
		t.Errorf("the account was not read again by its UUID: %v", f.lookups)
	}
	view = m.View()
	if !strings.Contains(view, "✓ Account reset cancelled; every address of record is notified.") {
		t.Errorf("no flash:\n%s", view)
	}
	if !strings.Contains(view, loc(t, "en").T("reset_stage.cancelled")) {
		t.Errorf("the view still shows the reset waiting:\n%s", view)
	}
	if helpHas(allHelpKeys(m), "c") {
		t.Error("a cancelled reset still offers the cancel key")
	}
	send(m, "c")
	if a.formOpen() {
		t.Error("c opened the choice on a cancelled reset")
	}
}

func TestCancelResetAsFraud(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	f.view.Reset.Stage = account.StageGranted
	m := accountModel(t, f, access.RoleSupervisor, "es")
	send(m, "c", "down", "enter")
	if !strings.Contains(m.View(), "¿Cancelar el restablecimiento por sospecha de fraude?") {
		t.Fatalf("no Spanish confirmation:\n%s", m.View())
	}
	drain(m, send(m, "y"))
	if !slices.Equal(f.cancels, []string{"fraud " + fakeUUID}) {
		t.Fatalf("cancels %v", f.cancels)
	}
	view := m.View()
	if !strings.Contains(view, "Restablecimiento cancelado por sospecha de fraude") ||
		!strings.Contains(view, loc(t, "es").T("status.fraud_review")) {
		t.Errorf("no flash or no fraud review:\n%s", view)
	}
}

func TestCancelResetRefused(t *testing.T) {
	t.Parallel()
	f := newFake("fr")
	f.cancelErr = fault.New(fault.CodeResetNotPending)
	m := accountModel(t, f, access.RoleAgent, "fr")
	send(m, "c", "enter")
	drain(m, send(m, "y"))
	fm, ok := m.lookup.acct.form.(*cancelForm)
	if !ok || fm.err == nil || fm.busy {
		t.Fatal("a refusal should stay in the form")
	}
	if want := loc(t, "fr").Err(f.cancelErr); !strings.Contains(m.View(), want) {
		t.Errorf("the French refusal %q is not shown:\n%s", want, m.View())
	}
	send(m, "esc")
	if m.lookup.acct.formOpen() {
		t.Error("esc did not close the choice")
	}
}

func TestCancelResetOffered(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		role  access.Role
		stage account.Stage
		lite  bool
		want  bool
	}{
		{"agent, waiting", access.RoleAgent, account.StageWaiting, false, true},
		{"supervisor, granted", access.RoleSupervisor, account.StageGranted, false, true},
		{"agent, expired", access.RoleAgent, account.StageExpired, false, false},
		{"agent, no reset", access.RoleAgent, "", false, false},
		{"agency desk", access.RoleAgencyDesk, account.StageWaiting, true, false},
		{"admin", access.RoleAdmin, account.StageWaiting, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake("en")
			f.view.Lite = tc.lite
			if tc.stage == "" {
				f.view.Reset = nil
			} else {
				f.view.Reset.Stage = tc.stage
			}
			m := accountModel(t, f, tc.role, "en")
			if got := helpHas(allHelpKeys(m), "c"); got != tc.want {
				t.Errorf("c in help: %v, want %v", got, tc.want)
			}
			send(m, "c")
			if got := m.lookup.acct.formOpen(); got != tc.want {
				t.Errorf("c opened the choice: %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCancelResetFromTicketReloadsIt(t *testing.T) {
	t.Parallel()
	ft := newFakeTickets()
	m := ticketModel(t, ft, access.RoleAgent, "en", 120, 40)
	tp := openTicket(t, m, 0)
	f := m.c.backend.(*fakeBackend)
	send(m, "tab") // the keys go to the account panel
	send(m, "c", "enter")
	seq := tp.seq
	drain(m, send(m, "y"))
	if !slices.Equal(f.cancels, []string{"verified_caller " + fakeUUID}) {
		t.Fatalf("cancels %v", f.cancels)
	}
	if tp.seq != seq+1 {
		t.Error("the ticket (and its account) was not read again")
	}
	if !strings.Contains(m.View(), "Account reset cancelled") {
		t.Errorf("no flash in the ticket's account panel:\n%s", m.View())
	}
}
