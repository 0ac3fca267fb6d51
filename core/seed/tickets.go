package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/calendar"
	"supportdesk/core/helpdesk"
	"supportdesk/core/secret"
	"supportdesk/core/sla"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// TicketOptions drive ticket seeding.
type TicketOptions struct {
	Tickets  int
	Seed     uint64
	Now      time.Time
	Weeks    int // arrivals spread over this many past weeks; default 6
	Accounts int // seeded accounts to link requesters to (0: none)
	Policy   helpdesk.Policy
	Batch    int
	// Agents is the pool tickets are assigned from; default the demo
	// agents and supervisor. An ID listed k times gets k shares.
	Agents []string
	// Open keeps every seeded ticket open (a backlog): solved and closed
	// ones stay open after their reply, as if never resolved.
	Open bool
	// Bulk fills the database through the backend's bulk load when it
	// offers one (see BulkLoader).
	Bulk bool
}

// Tickets seeds contact-form tickets over the past weeks. Arrivals follow
// the shape of a contact center's mail: mostly in business hours with a
// midday peak, some at night, on weekends and on holidays. Some tickets are
// answered in time, some late, some pending, some breached and still open.
func Tickets(ctx context.Context, st store.Store, keys *secret.Keyring, opt TicketOptions) (int, error) {
	if opt.Weeks <= 0 {
		opt.Weeks = 6
	}
	if opt.Batch <= 0 {
		opt.Batch = 2000
		if opt.Bulk {
			opt.Batch = 20_000
		}
	}
	// Tickets go to agents working their language: the demo agents by
	// theirs; a pool given (benchmark agents, who work all three) as is.
	byLang := map[string][]string{}
	for _, l := range account.Languages {
		byLang[l] = opt.Agents
	}
	if len(opt.Agents) == 0 {
		for _, a := range DemoAgents(opt.Seed) {
			if a.Role == access.RoleAgent || a.Role == access.RoleSupervisor {
				for _, l := range a.Languages {
					byLang[l] = append(byLang[l], agentID(a.Email))
				}
			}
		}
	}
	var first int64
	if err := st.Read(ctx, func(r store.Reader) error {
		var err error
		first, err = r.MaxTicketID(ctx)
		return err
	}); err != nil {
		return 0, err
	}
	now := opt.Now.Truncate(time.Millisecond)
	done := 0
	err := inBulk(ctx, st, opt.Bulk, func(ctx context.Context) error {
		for start := 0; start < opt.Tickets; start += opt.Batch {
			end := min(start+opt.Batch, opt.Tickets)
			err := st.Write(ctx, func(tx store.Tx) error {
				for i := start; i < end; i++ {
					if err := seedTicket(ctx, tx, keys, opt, now, first+int64(i)+1, i, byLang); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			done = end
		}
		return nil
	})
	if err != nil {
		return done, err
	}
	return done, nil
}

// arrival draws an instant in the window with the weight of its hour.
func arrival(r *rand.Rand, cal *calendar.Calendar, now time.Time, weeks int) time.Time {
	span := int64(time.Duration(weeks) * 7 * 24 * time.Hour)
	for {
		t := now.Add(-time.Duration(r.Int64N(span))).Truncate(time.Second)
		local := t.In(cal.Zone())
		w := 0.10 // nights on weekdays
		switch {
		case !cal.IsBusinessDay(calendar.DateOf(local)):
			w = 0.06 // weekends, holidays and closures
		case cal.IsOpen(t):
			w = 0.7
			if h := local.Hour(); h >= 10 && h < 15 {
				w = 1.0
			}
		}
		if r.Float64() < w {
			return t
		}
	}
}

var subjects = map[string]map[ticket.Category][]string{
	"en": {
		ticket.CategorySignIn:        {"Can't sign in", "Password not accepted", "Sign-in loop on the agency site"},
		ticket.CategoryLostMFA:       {"Lost my phone", "New phone, no authentication app", "Backup codes lost"},
		ticket.CategoryProofing:      {"ID verification keeps failing", "Driver's license photo rejected", "Verify by mail letter never came"},
		ticket.CategoryAccountLocked: {"Account locked", "Too many attempts message", "Locked out after reset"},
		ticket.CategoryEmailChange:   {"Change my email address", "Old email no longer works"},
		ticket.CategoryOther:         {"Question about my account", "Delete my account"},
	},
	"es": {
		ticket.CategorySignIn:        {"No puedo iniciar sesión", "No acepta mi contraseña"},
		ticket.CategoryLostMFA:       {"Perdí mi teléfono", "Teléfono nuevo sin la aplicación de autenticación", "Perdí mis códigos de respaldo"},
		ticket.CategoryProofing:      {"La verificación de identidad falla", "Rechazan la foto de mi licencia"},
		ticket.CategoryAccountLocked: {"Cuenta bloqueada", "Demasiados intentos"},
		ticket.CategoryEmailChange:   {"Cambiar mi correo electrónico"},
		ticket.CategoryOther:         {"Pregunta sobre mi cuenta", "Eliminar mi cuenta"},
	},
	"fr": {
		ticket.CategorySignIn:        {"Impossible de me connecter", "Mot de passe refusé"},
		ticket.CategoryLostMFA:       {"J'ai perdu mon téléphone", "Nouveau téléphone sans application d'authentification"},
		ticket.CategoryProofing:      {"La vérification d'identité échoue", "Photo de ma pièce d'identité refusée"},
		ticket.CategoryAccountLocked: {"Compte verrouillé", "Trop de tentatives"},
		ticket.CategoryEmailChange:   {"Changer mon adresse e-mail"},
		ticket.CategoryOther:         {"Question sur mon compte", "Supprimer mon compte"},
	},
}

var bodies = map[string][]string{
	"en": {"Hello,\nI tried several times and it still does not work. Can you help me?\nThanks",
		"Hi, I need to get into my account today to finish an application with the agency. What should I do?",
		"Good morning,\nI followed the instructions on the website but I am stuck. Please advise."},
	"es": {"Hola,\nLo intenté varias veces y sigue sin funcionar. ¿Me pueden ayudar?\nGracias",
		"Buenos días, necesito entrar a mi cuenta hoy para terminar un trámite con la agencia. ¿Qué hago?"},
	"fr": {"Bonjour,\nJ'ai essayé plusieurs fois et cela ne marche toujours pas. Pouvez-vous m'aider ?\nMerci",
		"Bonjour, je dois accéder à mon compte aujourd'hui pour terminer une démarche auprès de l'organisme. Que faire ?"},
}

var replies = map[string]string{
	"en": "Hello,\nThank you for contacting us. You can regain access with another method on your account, a backup code, or the account reset. Reply to this message if you need more help.",
	"es": "Hola,\nGracias por escribirnos. Puede recuperar el acceso con otro método de su cuenta, un código de respaldo o el restablecimiento de la cuenta. Responda a este mensaje si necesita más ayuda.",
	"fr": "Bonjour,\nMerci de nous avoir écrit. Vous pouvez retrouver l'accès avec une autre méthode de votre compte, un code de secours ou la réinitialisation du compte. Répondez à ce message si vous avez besoin d'aide.",
}

func seedTicket(ctx context.Context, tx store.Tx, keys *secret.Keyring, opt TicketOptions, now time.Time, id int64, i int, byLang map[string][]string) error {
	r := rand.New(rand.NewPCG(opt.Seed^0x7469636b, uint64(i)))
	cal := opt.Policy.Cal
	at := arrival(r, cal, now, opt.Weeks)
	lang := "en"
	switch x := r.IntN(100); {
	case x < 25:
		lang = "es"
	case x < 35:
		lang = "fr"
	}
	cat := ticket.Categories[weighted(r, []int{25, 30, 20, 12, 6, 7})]
	var email, name string
	if opt.Accounts > 0 && r.IntN(100) < 40 {
		// An account holder writes under the account's own name.
		k := r.IntN(opt.Accounts)
		email = Email(opt.Seed, k)
		holder := person(opt.Seed, k)
		lang, name = holder.lang, holder.first+" "+holder.last
	} else {
		first, last := pick(r, firstNames[lang]), person(opt.Seed+1000, i).last
		email = fmt.Sprintf("%s.%s.t%d@%s", fold(first), fold(last), i, pick(r, domains))
		name = first + " " + last
	}
	agentIDs := byLang[lang]
	ref := ticket.Ref(at.In(cal.Zone()).Year(), id)
	aad := []byte(ticket.RequesterAAD(ref))
	clk := sla.Start(cal, at, opt.Policy.Target)
	t := ticket.Ticket{ID: id, Ref: ref, Channel: ticket.ChannelWeb, Language: lang, Category: cat,
		RequesterSealed: keys.Seal([]byte(email), aad), RequesterFP: keys.Fingerprint("email", email),
		NameSealed: keys.Seal([]byte(name), aad), Subject: pick(r, subjects[lang][cat]),
		Body: pick(r, bodies[lang]), Status: ticket.StatusNew, CreatedAt: at, UpdatedAt: at}
	// Link by fingerprint, as intake does: the address may belong to no one.
	if id, err := tx.AccountIDByEmail(ctx, t.RequesterFP); err == nil {
		t.AccountID = id
	}
	if r.IntN(3) == 0 {
		t.Agency = agencies[r.IntN(len(agencies))].ID
	}
	if r.IntN(20) == 0 {
		t.Channel = ticket.ChannelEmail
	}
	events := []sla.Event{clk.Activated()}
	var msgs []ticket.Message
	msgs = append(msgs, ticket.Message{Kind: ticket.MessageInbound, Author: "requester", Body: t.Body, CreatedAt: at})
	expired := !clk.Due.After(now)
	answered := false
	var replyAt time.Time
	// Tickets older than ten days have been worked: answered (most in
	// time) and solved or closed. The open backlog is recent.
	old := now.Sub(at) > 10*24*time.Hour
	// Agents reply while the desk is open: a reply the calendar leaves no
	// open time for (a form sent on a Sunday, read on that Sunday) waits.
	switch x := r.IntN(100); {
	case old && x < 91, !old && expired && x < 75, !expired && x < 45: // answered within the target
		replyAt, answered = workedAt(r, cal, clk.Started, minTime(clk.Due, now))
	case old, expired && x < 85: // answered late
		replyAt, answered = workedAt(r, cal, clk.Due, now)
	}
	if expired && (!answered || replyAt.After(clk.Due)) {
		events = append(events, sla.Event{Kind: sla.EventBreached, At: clk.Due, Due: clk.Due})
		t.BreachLoggedAt = clk.Due
	}
	if answered {
		agent := agentIDs[r.IntN(len(agentIDs))]
		t.Assignee = agent
		clk2, ev := clk.Fulfil(replyAt)
		clk = clk2
		events = append(events, ev)
		t.FirstReplyAt = replyAt
		msgs = append(msgs, ticket.Message{Kind: ticket.MessagePublic, Author: agent, Body: replies[lang], CreatedAt: replyAt})
		t.UpdatedAt = replyAt
		switch y := r.IntN(100); {
		case old && y < 80:
			t.Status = ticket.StatusSolved
		case old:
			t.Status = ticket.StatusClosed
		case y < 55:
			t.Status = ticket.StatusSolved
		case y < 80:
			t.Status = ticket.StatusOpen
		default:
			t.Status = ticket.StatusPending
			clk2, ev := clk.Pause(cal, replyAt)
			clk = clk2
			if !ev.IsZero() {
				events = append(events, ev)
			}
		}
	} else if !expired && r.IntN(5) == 0 {
		// Set pending after a phone call, before any written reply: the
		// clock pauses with the business time it had left.
		t.Assignee = agentIDs[r.IntN(len(agentIDs))]
		if pauseAt, worked := workedAt(r, cal, clk.Started, now); worked {
			t.Status = ticket.StatusPending
			clk2, ev := clk.Pause(cal, pauseAt)
			clk = clk2
			if !ev.IsZero() {
				events = append(events, ev)
			}
			msgs = append(msgs, ticket.Message{Kind: ticket.MessageInternal, Author: t.Assignee,
				Body: "Called the requester; waiting for the documents.", CreatedAt: pauseAt})
		} else {
			t.Status = ticket.StatusOpen
		}
	} else if r.IntN(2) == 0 {
		t.Status = ticket.StatusOpen
		t.Assignee = agentIDs[r.IntN(len(agentIDs))]
		if noteAt, worked := workedAt(r, cal, at, now); r.IntN(3) == 0 && worked {
			msgs = append(msgs, ticket.Message{Kind: ticket.MessageInternal, Author: t.Assignee,
				Body: "Checked the account: caller must verify first.", CreatedAt: noteAt})
		}
	}
	if opt.Open && (t.Status == ticket.StatusSolved || t.Status == ticket.StatusClosed) {
		t.Status = ticket.StatusOpen
	}
	t.SLA = clk
	if err := tx.InsertTicket(ctx, &t); err != nil {
		return err
	}
	for _, m := range msgs {
		m.TicketID = id
		if err := tx.InsertTicketMessage(ctx, &m); err != nil {
			return err
		}
	}
	for _, e := range events {
		if err := tx.InsertSLAEvent(ctx, ticket.LogEntry(id, e)); err != nil {
			return err
		}
	}
	return tx.AppendAudit(ctx, audit.Record(access.System, now, "ticket.create", "ticket", ref, "seed"))
}

func agentID(email string) string {
	return uuidFor("supportdesk-agent:" + email)
}

func weighted(r *rand.Rand, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// between draws an instant in [a, b].

// workedAt is a moment the desk was open in [a, b], drawn evenly over
// its business time, and whether there was any; a when there was none.
func workedAt(r *rand.Rand, cal *calendar.Calendar, a, b time.Time) (time.Time, bool) {
	d := cal.Between(a, b)
	if d <= time.Millisecond {
		return a, false
	}
	return cal.Add(a, time.Millisecond+time.Duration(r.Int64N(int64(d-time.Millisecond)))).Truncate(time.Millisecond), true
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
