// Package seed makes deterministic demo data: plausible English, Spanish
// and French speakers with a realistic mix of account states, and demo
// agents for every role. The same seed and reference time give the same
// people, addresses, states and histories.
package seed

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/authn"
	"supportdesk/core/secret"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// Options drive a seeding run.
type Options struct {
	Accounts int
	Seed     uint64
	Now      time.Time // reference time; histories end here
	Batch    int       // accounts per transaction; default 2000, 50 000 in bulk
	// Bulk fills a new database through the backend's bulk load when it
	// offers one (see BulkLoader): durability relaxed, indexes built last,
	// and the accounts' rows many to a statement (see BulkWriter).
	Bulk bool
	// PasswordHash is reused for every seeded account (demo speed).
	PasswordHash string
	Progress     func(done int)
}

// DemoPassword is every demo agent's and demo account's password.
const DemoPassword = "demo-password-2026"

// DemoAgent is a demo agent's credentials, printed after seeding.
type DemoAgent struct {
	Role       access.Role
	Name       string
	Email      string
	Password   string
	TOTPSecret string
	Languages  []string
	UILanguage string
	Agencies   []string
}

// DemoAgents lists the demo agents for a seed. Their TOTP secrets derive
// from the seed, so a demo database can show live codes without storing
// them anywhere else.
func DemoAgents(seed uint64) []DemoAgent {
	mk := func(role access.Role, name, email, ui string, langs, agencies []string) DemoAgent {
		sum := sha256.Sum256([]byte(fmt.Sprintf("supportdesk demo totp %d %s", seed, email)))
		sec := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])
		return DemoAgent{Role: role, Name: name, Email: email, Password: DemoPassword, TOTPSecret: sec,
			Languages: langs, UILanguage: ui, Agencies: agencies}
	}
	return []DemoAgent{
		mk(access.RoleAgent, "Alex Morgan", "agent@demo.example", "en", []string{"en", "es"}, nil),
		mk(access.RoleAgent, "Camille Roux", "camille@demo.example", "fr", []string{"fr", "en"}, nil),
		mk(access.RoleSupervisor, "Sofía Ramírez", "supervisor@demo.example", "es", []string{"es", "en"}, nil),
		mk(access.RoleAgencyDesk, "Pat Lee (SSA help desk)", "helpdesk@demo.example", "en", []string{"en"}, []string{"ssa"}),
		mk(access.RoleAdmin, "Ada Admin", "admin@demo.example", "en", []string{"en"}, nil),
	}
}

// BenchAgents adds n agents (bench-agent-00@bench.example, …) with the
// password hash given, for benchmarks that need a team, and returns their
// IDs in order. Agents already there are kept.
func BenchAgents(ctx context.Context, st store.Store, keys *secret.Keyring, sf *staff.Staff, tok staff.Token, n int, hash string) ([]string, error) {
	langs := [][]string{{"en", "es"}, {"en"}, {"es", "en"}, {"fr", "en"}, {"en", "es", "fr"}}
	agents := make([]DemoAgent, n)
	ids := make([]string, n)
	for i := range agents {
		email := fmt.Sprintf("bench-agent-%02d@bench.example", i)
		sum := sha256.Sum256([]byte("supportdesk bench totp " + email))
		agents[i] = DemoAgent{Role: access.RoleAgent, Name: fmt.Sprintf("Bench Agent %02d", i), Email: email,
			TOTPSecret: base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20]),
			Languages:  langs[i%len(langs)], UILanguage: "en"}
		ids[i] = agentID(email)
	}
	return ids, seedAgents(ctx, st, keys, sf, tok, agents, hash)
}

// Result tells what was made.
type Result struct {
	Accounts int
	Agents   []DemoAgent
}

// Run seeds the store. It needs an empty database for accounts it would
// create (ids derive from the seed).
//
// Demo agents are created through staff as the operator whose token is tok.
func Run(ctx context.Context, st store.Store, keys *secret.Keyring, sf *staff.Staff, tok staff.Token, opt Options) (Result, error) {
	if opt.Batch <= 0 {
		opt.Batch = 2000
		if opt.Bulk {
			opt.Batch = 50_000
		}
	}
	if opt.PasswordHash == "" {
		h, err := secret.HashPassword(DemoPassword, secret.DefaultArgon2)
		if err != nil {
			return Result{}, err
		}
		opt.PasswordHash = h
	}
	now := opt.Now.Truncate(time.Millisecond)
	// Seeding is the operator's: the first write resolves the token and
	// checks it, and the audit trail names who seeded.
	err := sf.Write(ctx, tok, func(tx store.Tx, actor access.Actor, _ time.Time) error {
		if err := staff.Check(actor, access.ActSeed, access.ScopeGlobal, "store", ""); err != nil {
			return err
		}
		for _, a := range agencies {
			if err := tx.PutAgency(ctx, store.Agency{ID: a.ID, Name: a.Name}); err != nil {
				return err
			}
		}
		if err := tx.PutMeta(ctx, "demo_seed", []byte(strconv.FormatUint(opt.Seed, 10))); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "demo.seed", "store", "",
			fmt.Sprintf("seed=%d accounts=%d", opt.Seed, opt.Accounts)))
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{Agents: DemoAgents(opt.Seed)}
	if err := seedAgents(ctx, st, keys, sf, tok, res.Agents, opt.PasswordHash); err != nil {
		return res, err
	}
	g := &gen{keys: keys, now: now, hash: opt.PasswordHash, seed: opt.Seed}
	err = inBulk(ctx, st, opt.Bulk, func(ctx context.Context) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // stops the generators when a write fails
		chunks := generate(ctx, opt.Accounts, g.account)
		bw, _ := store.Under[BulkWriter](st)
		for res.Accounts < opt.Accounts {
			done := res.Accounts
			var err error
			if opt.Bulk && bw != nil {
				// The accounts' rows in one bulk transaction, then their
				// audit entries through the keyed log, in the same order.
				// A context that cannot end: the driver would watch one
				// that can with a goroutine per statement. The generators
				// stop on ctx, and this loop with them.
				wctx := context.WithoutCancel(ctx)
				var audits []op
				err = bw.BulkWrite(wctx, func(tx store.Tx) error {
					var err error
					done, err = take(ctx, chunks, done, opt.Batch, opt.Accounts, func(c chunk) error {
						audits = append(audits, c.audits...)
						return replay(wctx, tx, c.ops)
					})
					return err
				})
				if err == nil {
					err = st.Write(wctx, func(tx store.Tx) error { return replay(wctx, tx, audits) })
				}
			} else {
				err = st.Write(ctx, func(tx store.Tx) error {
					var err error
					done, err = take(ctx, chunks, done, opt.Batch, opt.Accounts, func(c chunk) error {
						if err := replay(ctx, tx, c.ops); err != nil {
							return err
						}
						return replay(ctx, tx, c.audits)
					})
					return err
				})
			}
			if err != nil {
				return err
			}
			res.Accounts = done
			if opt.Progress != nil {
				opt.Progress(done)
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	return res, nil
}

func seedAgents(ctx context.Context, st store.Store, keys *secret.Keyring, sf *staff.Staff, tok staff.Token, agents []DemoAgent, hash string) error {
	for _, a := range agents {
		exists := false
		err := st.Read(ctx, func(r store.Reader) error {
			_, err := r.AgentByEmail(ctx, keys.Fingerprint("agent_email", a.Email))
			exists = err == nil
			return nil
		})
		if err != nil {
			return err
		}
		if exists {
			continue
		}
		id := agentID(a.Email)
		in := staff.NewAgent{Email: a.Email, DisplayName: a.Name, Role: a.Role, Languages: a.Languages,
			UILanguage: a.UILanguage, Agencies: a.Agencies}
		if err := sf.InsertAgent(ctx, tok, in, hash, staff.Provisioned{AgentID: id, Secret: a.TOTPSecret}); err != nil {
			return err
		}
	}
	return nil
}

// gen makes one account at a time from its own random stream, so the
// result does not depend on batching.
type gen struct {
	keys *secret.Keyring
	now  time.Time
	hash string
	seed uint64
}

// Email returns the demo address of account i for a seed: deterministic, so
// docs and tests can name one.
func Email(seed uint64, i int) string {
	p := person(seed, i)
	return p.email
}

type persona struct {
	lang, first, last, email, phone string
	r                               *rand.Rand
}

func person(seed uint64, i int) persona {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	lang := "en"
	switch x := r.IntN(100); {
	case x < 20:
		lang = "es"
	case x < 30:
		lang = "fr"
	}
	first := pick(r, firstNames[lang])
	last := pick(r, lastNames[lang])
	email := fold(first) + "." + fold(last) + strconv.Itoa(i) + "@" + pick(r, domains)
	// Exchange and line come from i, so numbers are unique below 8 million.
	phone := fmt.Sprintf("+1%s%03d%04d", pick(r, usAreaCodes), 200+(i/10000)%800, i%10000)
	if lang == "fr" && r.IntN(3) == 0 {
		phone = fmt.Sprintf("+336%02d%06d", (i/1000000)%100, i%1000000)
	}
	return persona{lang: lang, first: first, last: last, email: email, phone: phone, r: r}
}

// Phone returns the demo phone (E.164) of account i for a seed.
func Phone(seed uint64, i int) string { return person(seed, i).phone }

// AccountID returns the demo uuid of account i for a seed.
func AccountID(seed uint64, i int) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprintf("supportdesk-account:%d:%d", seed, i))).String()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func fold(s string) string {
	var b strings.Builder
	for _, c := range s {
		if f, ok := asciiFold[c]; ok {
			b.WriteString(f)
		} else if c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

// ago returns now minus a random duration up to max.
func ago(r *rand.Rand, now time.Time, max time.Duration) time.Time {
	return now.Add(-time.Duration(r.Int64N(int64(max)))).Truncate(time.Millisecond)
}

// account writes account i with its methods, profile, links and history.
func (g *gen) account(ctx context.Context, tx store.Tx, i int) error {
	p := person(g.seed, i)
	r := p.r
	id := AccountID(g.seed, i)
	created := ago(r, g.now, 4*365*24*time.Hour)
	a := account.Account{ID: id, CreatedAt: created, EmailLanguage: p.lang, Status: account.StatusActive,
		IAL: 1, PasswordHash: g.hash}
	span := g.now.Sub(created)
	at := func() time.Time {
		return created.Add(time.Duration(r.Int64N(int64(span) + 1))).Truncate(time.Millisecond)
	}

	type ev struct {
		kind   account.EventKind
		at     time.Time
		detail string
	}
	evs := []ev{{account.EventAccountCreated, created, ""}}
	var reset *account.Reset
	switch x := r.IntN(1000); {
	case x < 20: // MFA-locked for a few more minutes
		a.LockedUntil = g.now.Add(time.Duration(1+r.IntN(9)) * time.Minute)
		evs = append(evs, ev{account.EventMFALocked, a.LockedUntil.Add(-account.MFALockout), ""})
	case x < 23:
		a.Status, a.ConsecFailures = account.StatusLocked, account.HardLockFailures
		evs = append(evs, ev{account.EventHardLocked, ago(r, g.now, 30*24*time.Hour), ""})
	case x < 28:
		a.Status = account.StatusSuspended
		evs = append(evs, ev{account.EventSuspended, ago(r, g.now, 90*24*time.Hour), ""})
	case x < 30:
		a.Status = account.StatusFraudReview
	case x < 40: // reset waiting
		reset = &account.Reset{AccountID: id, RequestedAt: ago(r, g.now, 23*time.Hour)}
	case x < 45: // reset granted
		reset = &account.Reset{AccountID: id, RequestedAt: g.now.Add(-24*time.Hour - time.Duration(r.Int64N(int64(23*time.Hour))))}
		reset.GrantedAt = reset.GrantAt()
		reset.TokenHash = g.keys.HashCode("reset:"+id, secret.RandomCrockford(26))
	case x < 48: // reset expired
		reset = &account.Reset{AccountID: id, RequestedAt: g.now.Add(-49*time.Hour - time.Duration(r.Int64N(int64(72*time.Hour))))}
		reset.GrantedAt = reset.GrantAt()
	case x < 51: // reset cancelled
		reset = &account.Reset{AccountID: id, RequestedAt: ago(r, g.now, 60*24*time.Hour), CancelledBy: "sign_in"}
		reset.CancelledAt = reset.RequestedAt.Add(time.Duration(1+r.IntN(20)) * time.Hour)
	}
	if reset != nil {
		if reset.RequestedAt.Before(created) {
			reset.RequestedAt = created.Add(time.Minute)
		}
		reset.RequestedAt = reset.RequestedAt.Truncate(time.Millisecond)
		if st := reset.StageAt(g.now); st == account.StageWaiting || st == account.StageGranted {
			a.Status = account.StatusResetPending
		}
		evs = append(evs, ev{account.EventResetRequested, reset.RequestedAt, ""})
		if !reset.GrantedAt.IsZero() {
			evs = append(evs, ev{account.EventResetGranted, reset.GrantedAt, ""})
		}
		if !reset.CancelledAt.IsZero() {
			evs = append(evs, ev{account.EventResetCancelled, reset.CancelledAt, "sign_in"})
		}
	}
	if err := tx.InsertAccount(ctx, a); err != nil {
		return err
	}
	aad := authn.ContactAAD(id)
	emails := []string{p.email}
	if r.IntN(100) < 15 {
		emails = append(emails, fold(p.first)+"."+strconv.Itoa(i)+"@"+pick(r, domains))
	}
	for k, e := range emails {
		ec := created
		if k > 0 {
			ec = at()
			evs = append(evs, ev{account.EventEmailChanged, ec, ""})
		}
		row := &account.Email{AccountID: id, Sealed: g.keys.Seal([]byte(e), aad), FP: g.keys.Fingerprint("email", e),
			CreatedAt: ec, ConfirmedAt: ec.Add(time.Duration(r.IntN(600)) * time.Second), LastSignIn: at()}
		if err := tx.InsertEmail(ctx, row); err != nil {
			return err
		}
	}
	methods := 0
	addMethod := func(kind account.MethodKind, name string, sealed []byte) error {
		c := at()
		m := &account.Method{AccountID: id, Kind: kind, Name: name, CreatedAt: c, Sealed: sealed}
		if r.IntN(3) > 0 {
			m.LastUsed = c.Add(time.Duration(r.Int64N(int64(g.now.Sub(c)) + 1))).Truncate(time.Millisecond)
		}
		methods++
		evs = append(evs, ev{account.EventAuthenticatorAdded, c, string(kind)})
		return tx.InsertMethod(ctx, m)
	}
	if r.IntN(100) < 35 {
		seed := make([]byte, 20)
		for k := range seed {
			seed[k] = byte(r.IntN(256))
		}
		b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(seed)
		if err := addMethod(account.KindAuthApp, pick(r, authAppNames), g.keys.Seal([]byte(b32), authn.MethodAAD(id))); err != nil {
			return err
		}
	}
	if r.IntN(100) < 10 {
		if err := addMethod(account.KindSecurityKey, pick(r, keyNames), nil); err != nil {
			return err
		}
	}
	if r.IntN(100) < 8 {
		if err := addMethod(account.KindPlatformKey, pick(r, platformKeys), nil); err != nil {
			return err
		}
	}
	if r.IntN(100) < 3 {
		if err := addMethod(account.KindPIVCAC, pick(r, pivNames), nil); err != nil {
			return err
		}
	}
	if r.IntN(100) < 25 {
		if err := addMethod(account.KindBackupCodes, "", nil); err != nil {
			return err
		}
		used := r.IntN(7)
		codes := make([]account.BackupCode, account.BackupCodeCount)
		for k := range codes {
			codes[k] = account.BackupCode{AccountID: id, Index: k,
				Hash: g.keys.HashCode("backup:"+id, secret.RandomCrockford(account.BackupCodeLength))}
			if k < used {
				codes[k].UsedAt = at()
				evs = append(evs, ev{account.EventBackupCodeUsed, codes[k].UsedAt, strconv.Itoa(account.BackupCodeCount - k - 1)})
			}
		}
		if err := tx.PutBackupCodes(ctx, id, codes); err != nil {
			return err
		}
	}
	if methods == 0 || r.IntN(100) < 90 {
		delivery := account.DeliverySMS
		if r.IntN(10) == 0 {
			delivery = account.DeliveryVoice
		}
		ph := &account.Phone{AccountID: id, Sealed: g.keys.Seal([]byte(p.phone), aad), FP: g.keys.Fingerprint("phone", p.phone),
			Delivery: delivery, Default: true, CreatedAt: created, LastUsed: at()}
		if err := tx.InsertPhone(ctx, ph); err != nil {
			return err
		}
		evs = append(evs, ev{account.EventPhoneConfirmed, created, string(delivery)})
	}
	idvCase := Case(g.seed, i)
	if r.IntN(100) < 30 {
		a.IAL = 2
		verified := at()
		pr := account.Profile{AccountID: id, State: account.ProfileActive, VerifiedAt: verified,
			PersonalKeyHash: g.keys.HashCode("personal_key:"+id, secret.RandomCrockford(account.PersonalKeyLength)),
			PersonalKeyAt:   verified}
		switch x := r.IntN(20); {
		case x == 0:
			pr.State, pr.VerifiedAt = account.ProfilePendingMail, time.Time{}
		case x == 1:
			pr.State, pr.VerifiedAt = account.ProfilePendingInPerson, time.Time{}
		case x == 2:
			pr.State, pr.DeactivationReason = account.ProfileDeactivated, "password_reset"
		}
		if pr.State == account.ProfileActive {
			evs = append(evs, ev{account.EventAccountVerified, verified, ""})
		}
		if pr.State != account.ProfileActive && pr.State != account.ProfileDeactivated {
			a.IAL = 1
		}
		if idvCase != caseNone {
			// Proofing under way instead: the draws above still happen, so
			// every other seeded value stays as it was.
			if pr.State == account.ProfileActive {
				evs = evs[:len(evs)-1] // no account_verified either
			}
			a.IAL = 1
		} else if err := tx.PutProfile(ctx, pr); err != nil {
			return err
		}
		if a.IAL == 2 {
			a.Version = 1
			if err := tx.UpdateAccount(ctx, &a); err != nil {
				return err
			}
		}
	}
	if idvCase != caseNone {
		if err := g.proofingCase(ctx, tx, id, i, idvCase); err != nil {
			return err
		}
	}
	for k, n := 0, r.IntN(4); k < n; k++ {
		first := at()
		l := account.AgencyLink{AccountID: id, AgencyID: agencies[r.IntN(len(agencies))].ID, FirstAt: first,
			LastAt: first.Add(time.Duration(r.Int64N(int64(g.now.Sub(first)) + 1))).Truncate(time.Millisecond)}
		if err := tx.PutAgencyLink(ctx, l); err != nil {
			return err
		}
	}
	for k, n := 0, 1+r.IntN(3); k < n; k++ {
		first := at()
		d := &account.Device{AccountID: id, Name: pick(r, devices), FirstAt: first, LastAt: first}
		if err := tx.InsertDevice(ctx, d); err != nil {
			return err
		}
		if k > 0 {
			evs = append(evs, ev{account.EventNewDevice, first, d.Name})
		}
	}
	for k, n := 0, 2+r.IntN(12); k < n; k++ {
		kind := account.EventSignIn
		switch r.IntN(10) {
		case 0:
			kind = account.EventSignInFailed
		case 1:
			kind = account.EventSignIn2FAFailed
		}
		evs = append(evs, ev{kind, at(), ""})
	}
	if r.IntN(10) == 0 {
		evs = append(evs, ev{account.EventPasswordChanged, at(), ""})
	}
	for _, e := range evs {
		if err := tx.InsertEvent(ctx, &account.Event{AccountID: id, Kind: e.kind, At: e.at, Detail: e.detail}); err != nil {
			return err
		}
	}
	if reset != nil {
		if err := tx.PutReset(ctx, *reset); err != nil {
			return err
		}
	}
	return tx.AppendAudit(ctx, audit.Record(access.System, g.now, "account.create", "account", id, "seed"))
}

// uuidFor derives a stable uuid from a name.
func uuidFor(name string) string { return uuid.NewSHA1(uuid.NameSpaceURL, []byte(name)).String() }
