package tui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/desk"
	"supportdesk/core/dual"
	"supportdesk/core/fault"
	"supportdesk/core/staff"
	"supportdesk/core/store"
	"supportdesk/i18n"
)

// TestMain pins the default renderer to plain ASCII, as gh-dash does, so
// golden files carry no colour codes whatever the terminal running tests.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// fixedNow is the fake clock: 30 November 2026, 15:04:05 in New York.
var fixedNow = time.Date(2026, 11, 30, 20, 4, 5, 0, time.UTC)

const (
	fakeUUID     = "3f0c6a52-8d1e-4b8e-9a55-0c1d2e3f4a5b"
	fakeEmail    = "dana.agent@demo.test"
	fakePassword = "correct horse battery"
	fakeCode     = "492039"
)

// fakeBackend is a deterministic Backend: one agent, one account, a list
// of dual-control requests, no store. Its tokens name the agent's role
// ("tok-supervisor"), so the ticket fake can refuse by role.
type fakeBackend struct {
	mu         sync.Mutex
	lang       string // the agent's stored UI language
	view       desk.AccountView
	signIns    int
	kinds      []string // session kinds asked for at sign-in
	lookups    []string
	langs      []string
	langErr    error
	role       access.Role // the signed-in agent's role; agent when empty
	sessionErr error       // when set, every call with a token answers it
	unlocks    int
	touches    int
	signOuts   []staff.Token
	requests   []dual.View // pending, as PendingRequests lists them
	changes    []string    // "account.suspend <account>: reason"
	decisions  []string    // "approve 7", "reject 7"
	decideErr  error
	auditLog   []audit.Entry     // the log, newest first, as AuditLog serves it
	audits     []auditlog.Filter // the filters AuditLog was asked with
	auditErr   error
	now        func() time.Time // the core's clock for Until; fixedNow when nil
	unmasks    []string         // "email 1: reason"
	unmaskErr  error
	cancels    []string // "verified_caller <account>"
	cancelErr  error
	// Caller verification and limiter resets (callers_fake_test.go).
	noAccount     bool      // the stated contact is on no account
	check         fakeCheck // the last check VerifyCaller made
	verifies      []string  // "stated call=N"
	confirms      []string  // the codes read back
	limiterResets []string  // "limiter <account>: reason"
	limiterErr    error
	resends       []string // accounts whose reset notice went again
	resendErr     error
	heldState     // the held mail (held_fake_test.go)
}

func newFake(lang string) *fakeBackend {
	return &fakeBackend{lang: lang, view: fakeView()}
}

// roleOf reads the role a fake token names.
func roleOf(tok staff.Token) access.Role {
	return access.Role(strings.TrimPrefix(string(tok), "tok-"))
}

func (f *fakeBackend) SignIn(_ context.Context, email, password, code, kind string) (staff.SignedIn, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signIns++
	f.kinds = append(f.kinds, kind)
	if email != fakeEmail || password != fakePassword || code != fakeCode {
		return staff.SignedIn{}, fault.ErrBadCredentials
	}
	role := f.role
	if role == "" {
		role = access.RoleAgent
	}
	return staff.SignedIn{
		Token:       staff.Token("tok-" + string(role)),
		SessionID:   "session-1",
		AgentID:     "agent-1",
		DisplayName: "Dana Agent",
		Role:        role,
		Languages:   []string{"en", "es", "fr"},
		UILanguage:  f.lang,
		ExpiresAt:   fixedNow.Add(12 * time.Hour),
	}, nil
}

func (f *fakeBackend) Unlock(_ context.Context, _ staff.Token, password, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return f.sessionErr
	}
	if (password != fakePassword && !f.overSSH()) || code != fakeCode {
		return fault.ErrBadCredentials
	}
	f.unlocks++
	return nil
}

func (f *fakeBackend) Touch(context.Context, staff.Token) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.touches++
	return f.sessionErr
}

func (f *fakeBackend) SignOut(_ context.Context, tok staff.Token) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signOuts = append(f.signOuts, tok)
	return nil
}

func (f *fakeBackend) Lookup(_ context.Context, _ staff.Token, query string) (desk.AccountView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return desk.AccountView{}, f.sessionErr
	}
	f.lookups = append(f.lookups, query)
	if query != fakeUUID {
		return desk.AccountView{}, fault.ErrNotFound
	}
	return f.view, nil
}

func (f *fakeBackend) SetUILanguage(_ context.Context, _ staff.Token, lang string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return f.sessionErr
	}
	f.langs = append(f.langs, lang)
	return f.langErr
}

func (f *fakeBackend) RequestChange(_ context.Context, _ staff.Token, kind dual.Kind, accountID, reason string) (dual.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return dual.View{}, f.sessionErr
	}
	f.changes = append(f.changes, string(kind)+" "+accountID+": "+reason)
	v := dual.View{DualRequest: store.DualRequest{
		ID: int64(100 + len(f.changes)), Kind: string(kind), Target: accountID, Reason: reason, RequestedBy: "agent-1",
		RequestedAt: fixedNow, ExpiresAt: fixedNow.Add(dual.DefaultTTL), State: store.DualPending,
	}, RequesterName: "Dana Agent", Mine: true}
	f.requests = append(f.requests, v)
	return v, nil
}

func (f *fakeBackend) PendingRequests(context.Context, staff.Token) ([]dual.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return nil, f.sessionErr
	}
	return slices.Clone(f.requests), nil
}

func (f *fakeBackend) Decide(_ context.Context, _ staff.Token, id int64, approve bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return f.sessionErr
	}
	verb := "reject"
	if approve {
		verb = "approve"
	}
	f.decisions = append(f.decisions, fmt.Sprintf("%s %d", verb, id))
	if f.decideErr != nil {
		return f.decideErr
	}
	f.requests = slices.DeleteFunc(f.requests, func(v dual.View) bool { return v.ID == id })
	return nil
}

// fakeView is an account as the core would mask it: no unmasked PII.
func fakeView() desk.AccountView {
	at := func(days int) time.Time { return fixedNow.Add(-time.Duration(days) * 24 * time.Hour) }
	events := []account.Event{}
	kinds := []account.EventKind{
		account.EventSignIn, account.EventNewDevice, account.EventSignIn2FAFailed,
		account.EventResetRequested, account.EventBackupCodeUsed, account.EventAuthenticatorAdded,
		account.EventPhoneConfirmed, account.EventAccountVerified, account.EventPasswordChanged,
		account.EventAccountCreated,
	}
	for i, k := range kinds {
		events = append(events, account.Event{Kind: k, At: at(i*30 + 1)})
	}
	return desk.AccountView{
		ID:          fakeUUID,
		CreatedAt:   at(400),
		Language:    "es",
		Status:      account.StatusActive,
		LockedUntil: fixedNow.Add(8 * time.Minute),
		IAL:         2,
		Emails: []desk.EmailView{
			{Masked: "j•••@example.com", ConfirmedAt: at(400), LastSignIn: at(1)},
			{Masked: "m•••@example.org"},
		},
		Phones: []desk.PhoneView{{Masked: "•••-•••-1234", Delivery: account.DeliverySMS, Default: true}},
		Methods: []desk.MethodView{
			{Kind: account.KindPhone, Name: "•••-•••-1234", CreatedAt: at(400), LastUsed: at(1)},
			{Kind: account.KindAuthApp, Name: "Work phone", CreatedAt: at(120)},
			{Kind: account.KindBackupCodes, CreatedAt: at(300), LastUsed: at(100), Remaining: 7},
		},
		Profile:  &desk.ProfileView{State: account.ProfileActive, VerifiedAt: at(210), PersonalKeyAt: at(210)},
		Agencies: []desk.AgencyView{{ID: "ex", Name: "Department of Examples", FirstAt: at(390), LastAt: at(1)}},
		Devices:  []account.Device{{Name: "Firefox on Windows", FirstAt: at(390), LastAt: at(1)}},
		Events:   events,
		Reset: &desk.ResetView{
			Stage: account.StageWaiting, RequestedAt: fixedNow.Add(-2 * time.Hour),
			GrantAt: fixedNow.Add(22 * time.Hour), ExpiresAt: fixedNow.Add(46 * time.Hour),
		},
	}
}

// demoCreds is the demo box's content with a fixed code.
func demoCreds() []DemoCredential {
	code := func(time.Time) string { return fakeCode }
	return []DemoCredential{
		{Role: access.RoleAgent, Email: fakeEmail, Password: fakePassword, TOTP: code},
		{Role: access.RoleSupervisor, Email: "sam.supervisor@demo.test", Password: "supervisor demo pass", TOTP: code},
		{Role: access.RoleAgencyDesk, Email: "ari.agency@demo.test", Password: "agency desk demo pass", TOTP: code},
		{Role: access.RoleAdmin, Email: "alex.admin@demo.test", Password: "admin demo password", TOTP: code},
	}
}

// testOptions builds options over f with the fixed clock.
func testOptions(f *fakeBackend, lang string) Options {
	return Options{
		Backend: f,
		Lang:    lang,
		Kind:    "tty",
		Now:     func() time.Time { return fixedNow },
	}
}

// newTestModel returns the root model sized w×h.
func newTestModel(t *testing.T, opts Options, w, h int) *model {
	t.Helper()
	m, ok := New(opts).(*model)
	if !ok || m.loadErr {
		t.Fatal("New did not build a console")
	}
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// loc returns a localizer for expectations.
func loc(t *testing.T, lang string) *i18n.Localizer {
	t.Helper()
	b, err := i18n.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	return b.Localizer(lang)
}
