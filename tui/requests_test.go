package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
	"supportdesk/core/safetext"
	"supportdesk/core/store"
)

// pendingSample is two requests: a colleague's, then the viewer's own.
func pendingSample() []dual.View {
	return []dual.View{
		{DualRequest: store.DualRequest{ID: 7, Kind: string(dual.KindSuspend), Target: fakeUUID,
			Reason: "Caller reports account takeover; fraud team ticket 4411", RequestedBy: "agent-2",
			RequestedAt: fixedNow.Add(-35 * time.Minute), ExpiresAt: fixedNow.Add(3*time.Hour + 25*time.Minute), State: store.DualPending},
			RequesterName: "Luis Ortega"},
		{DualRequest: store.DualRequest{ID: 8, Kind: string(dual.KindReinstate), Target: "9b2e4c10-1111-4222-8333-944455556666",
			Reason: "Identity confirmed in person", RequestedBy: "agent-1",
			RequestedAt: fixedNow.Add(-10 * time.Minute), ExpiresAt: fixedNow.Add(3*time.Hour + 50*time.Minute), State: store.DualPending},
			RequesterName: "Dana Agent", Mine: true},
	}
}

// requestsModel signs in as role over a queue and opens the requests.
func requestsModel(t *testing.T, f *fakeBackend, role access.Role, lang string) (*model, *requestsPage) {
	t.Helper()
	f.role = role
	opts := testOptions(f, lang)
	opts.Tickets = newFakeTickets()
	m := newTestModel(t, opts, 120, 40)
	signIn2(t, m)
	drain(m, send(m, "p"))
	rp, ok := m.active().(*requestsPage)
	if !ok || !rp.loaded {
		t.Fatalf("no requests screen after p (active %T)", m.active())
	}
	return m, rp
}

func helpHas(bindings []string, want string) bool { return slices.Contains(bindings, want) }

func shortKeys(m *model) []string {
	var out []string
	for _, b := range m.helpKeys().short {
		out = append(out, b.Help().Key)
	}
	return out
}

func TestSupervisorApprovesAnother(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.requests = pendingSample()
	m, rp := requestsModel(t, f, access.RoleSupervisor, "en")
	if len(rp.items) != 2 || rp.cursor != 0 {
		t.Fatalf("items %d, cursor %d", len(rp.items), rp.cursor)
	}
	if !helpHas(shortKeys(m), "a") || !helpHas(shortKeys(m), "x") {
		t.Errorf("approve and reject missing from the footer: %v", shortKeys(m))
	}
	view := m.View()
	for _, want := range []string{"Suspend account", "3f0c6a52…", "Luis Ortega", "35 min", "Caller reports", m.c.loc.T("requests.awaiting_you")} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	send(m, "a")
	if rp.confirm == nil || !rp.confirm.approve || len(f.decisions) != 0 {
		t.Fatal("a should ask to confirm before deciding")
	}
	if view := m.View(); !strings.Contains(view, "Approve: Suspend account 3f0c6a52…?") {
		t.Errorf("no confirmation:\n%s", view)
	}
	drain(m, send(m, "y"))
	if !slices.Equal(f.decisions, []string{"approve 7"}) {
		t.Fatalf("decisions %v, want approve 7", f.decisions)
	}
	if len(rp.items) != 1 || rp.items[0].ID != 8 {
		t.Errorf("the list did not reload: %v", rp.items)
	}
	if view := m.View(); !strings.Contains(view, "✓ Approved: Suspend account 3f0c6a52….") {
		t.Errorf("no success notice:\n%s", view)
	}
}

func TestOwnRequestHasNoApprove(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleSupervisor, access.RoleAgent} {
		f := newFake("es")
		f.requests = pendingSample()[1:] // only the viewer's own
		m, rp := requestsModel(t, f, role, "es")
		if helpHas(shortKeys(m), "a") {
			t.Errorf("%s: approve offered on its own request: %v", role, shortKeys(m))
		}
		send(m, "a")
		send(m, "x")
		if rp.confirm != nil {
			t.Fatalf("%s: a decision started on its own request", role)
		}
		want := "requests.awaiting_other"
		if role == access.RoleAgent {
			want = "requests.awaiting_supervisor"
		}
		view := m.View()
		if !strings.Contains(view, loc(t, "es").T(want)) || !strings.Contains(view, "usted") {
			t.Errorf("%s: own request not marked as awaiting another:\n%s", role, view)
		}
		if len(f.decisions) != 0 {
			t.Errorf("%s: Decide called: %v", role, f.decisions)
		}
	}
}

func TestDecideRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{fault.New(fault.CodeRequestDecided), "error.request_decided"},
		{fault.New(fault.CodeRequestExpired), "error.request_expired"},
		{fault.ErrNotPermitted, "error.not_permitted"},
		{fault.ErrConflict, "requests.conflict"},
	}
	for _, tt := range tests {
		f := newFake("fr")
		f.requests = pendingSample()
		f.decideErr = tt.err
		m, _ := requestsModel(t, f, access.RoleSupervisor, "fr")
		send(m, "x")
		drain(m, send(m, "y"))
		if !slices.Equal(f.decisions, []string{"reject 7"}) {
			t.Fatalf("%v: decisions %v", tt.err, f.decisions)
		}
		l := loc(t, "fr")
		want := l.T(tt.want, map[string]any{"Kind": l.T("requests.kind.account_suspend"), "Account": "3f0c6a52…"})
		if strings.HasPrefix(tt.want, "error.") {
			want = l.Err(tt.err)
		}
		if view := m.View(); !strings.Contains(view, want[:min(len(want), 40)]) {
			t.Errorf("%v: %q not shown:\n%s", tt.err, want, view)
		}
	}
}

func TestRequestsHostileText(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	f.requests = pendingSample()
	f.requests[0].RequesterName = "Luis\x1b]0;pwned\x07 \u202eOrtega"
	f.requests[0].Reason = "fraud\x1b[2J\r\u2066 ticket"
	m, _ := requestsModel(t, f, access.RoleSupervisor, "en")
	view := m.View()
	if strings.ContainsRune(view, 0x1b) || strings.ContainsRune(view, '\r') {
		t.Errorf("escape reached the screen: %q", view)
	}
	for _, r := range view {
		if safetext.IsBidiControl(r) {
			t.Errorf("bidi control %U reached the screen", r)
		}
	}
}

func TestRequestsKeyByRole(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgent, access.RoleSupervisor} {
		f := newFake("en")
		f.role = role
		opts := testOptions(f, "en")
		opts.Tickets = newFakeTickets()
		m := newTestModel(t, opts, 120, 40)
		signIn2(t, m)
		found := false
		for _, g := range m.helpKeys().full {
			for _, b := range g {
				found = found || b.Help().Key == "p"
			}
		}
		if !found {
			t.Errorf("%s: requests key missing from the queue's help", role)
		}
	}
}

// accountModel signs in as role on the look-up and opens the fake account.
func accountModel(t *testing.T, f *fakeBackend, role access.Role, lang string) *model {
	t.Helper()
	f.role = role
	m := newTestModel(t, testOptions(f, lang), 100, 40)
	signIn2(t, m)
	verifyCaller(t, m)
	return m
}

func TestRequestSuspension(t *testing.T) {
	t.Parallel()
	f := newFake("en")
	m := accountModel(t, f, access.RoleAgent, "en")
	send(m, "S")
	if !m.lookup.acct.formOpen() || !m.active().InputFocused() {
		t.Fatal("S did not open the request form")
	}
	if view := m.View(); !strings.Contains(view, "Ask a supervisor to suspend this account") {
		t.Errorf("form heading missing:\n%s", view)
	}
	send(m, "enter")
	if m.lookup.acct.form.(*changeForm).err == nil || len(f.changes) != 0 {
		t.Fatal("an empty reason was sent")
	}
	typeText(m, "Caller reports takeover; q stays text")
	drain(m, send(m, "enter"))
	want := "account.suspend " + fakeUUID + ": Caller reports takeover; q stays text"
	if !slices.Equal(f.changes, []string{want}) {
		t.Fatalf("changes %v", f.changes)
	}
	if m.lookup.acct.formOpen() {
		t.Error("the form stayed open after the request")
	}
	if view := m.View(); !strings.Contains(view, "✓ Request sent: it awaits approval by a supervisor other than you.") {
		t.Errorf("no flash:\n%s", view)
	}
	// The same account again: one open request per change.
	f.sessionErr = nil
	send(m, "S")
	if !m.lookup.acct.formOpen() {
		t.Fatal("S did not open the form a second time")
	}
	send(m, "esc")
	if m.lookup.acct.formOpen() || m.lookup.view() == nil {
		t.Error("esc should close the form and keep the account")
	}
}

func TestRequestReinstatementOfSuspended(t *testing.T) {
	t.Parallel()
	f := newFake("es")
	f.view.Status = account.StatusSuspended
	m := accountModel(t, f, access.RoleSupervisor, "es")
	send(m, "S")
	typeText(m, "Identidad confirmada")
	drain(m, send(m, "enter"))
	if len(f.changes) != 1 || !strings.HasPrefix(f.changes[0], "account.reinstate ") {
		t.Fatalf("changes %v", f.changes)
	}
}

func TestRequestHiddenWithoutPermission(t *testing.T) {
	t.Parallel()
	for _, role := range []access.Role{access.RoleAgencyDesk, access.RoleAdmin} {
		f := newFake("en")
		m := accountModel(t, f, role, "en")
		send(m, "S")
		if m.lookup.acct.formOpen() {
			t.Errorf("%s: the request form opened", role)
		}
		for _, g := range m.helpKeys().full {
			for _, b := range g {
				if b.Help().Key == "S" {
					t.Errorf("%s: the request key shows in help", role)
				}
			}
		}
	}
}
