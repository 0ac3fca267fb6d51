package seed_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"supportdesk/core/calendar"
	"supportdesk/core/coretest"
	"supportdesk/core/helpdesk"
	"supportdesk/core/seed"
	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// asciiFold is a name as an address spells it: lower case, no accent, no
// space or mark.
func asciiFold(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(s) {
		if c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

func TestTicketMix(t *testing.T) {
	t.Parallel()
	svc := seeded(t, 500, 1)
	ctx := context.Background()
	policy, err := helpdesk.LoadPolicy(ctx, svc.Store, calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	made, err := seed.Tickets(ctx, svc.Store, svc.Keys, seed.TicketOptions{Tickets: n, Seed: 1, Now: coretest.Start, Accounts: 500, Policy: policy})
	if err != nil || made != n {
		t.Fatalf("made %d: %v", made, err)
	}
	status := map[ticket.Status]int{}
	langs := map[string]int{}
	open, breached, paused, fulfilled, linked := 0, 0, 0, 0, 0
	err = svc.Store.Read(ctx, func(r store.Reader) error {
		if err := r.ScanQueue(ctx, ticket.Statuses, func(q store.QueueRow) error {
			status[q.Status]++
			langs[q.Language]++
			if policy.Cal.IsOpen(q.CreatedAt) {
				open++
			}
			if q.Paused {
				paused++
			}
			if q.Fulfilled {
				fulfilled++
			}
			if !q.Fulfilled && !q.Paused && q.Due.Before(coretest.Start) {
				breached++
			}
			if q.CreatedAt.After(coretest.Start) {
				t.Errorf("%s arrives in the future", q.Ref)
			}
			return nil
		}); err != nil {
			return err
		}
		agents, err := r.Agents(ctx)
		if err != nil {
			return err
		}
		langs := map[string][]string{}
		for _, a := range agents {
			langs[a.ID] = a.Languages
		}
		for i := int64(1); i <= 400; i++ {
			tk, err := r.Ticket(ctx, i)
			if err != nil {
				return err
			}
			if tk.AccountID != "" && i <= 50 {
				linked++
			}
			evs, _ := r.SLAEvents(ctx, i)
			msgs, _ := r.TicketMessages(ctx, i)
			if len(evs) == 0 || evs[0].Kind != "activated" || len(msgs) == 0 || msgs[0].Kind != ticket.MessageInbound {
				t.Errorf("%s: events %v messages %d", tk.Ref, evs, len(msgs))
			}
			// A ticket goes to an agent who works its language.
			if tk.Assignee != "" && !slices.Contains(langs[tk.Assignee], tk.Language) {
				t.Errorf("%s in %s assigned to an agent working %v", tk.Ref, tk.Language, langs[tk.Assignee])
			}
			// The requester signs with the name its address is made of
			// (an account holder's own), and agents write while the desk is
			// open: no reply or note on a Sunday.
			aad := []byte(ticket.RequesterAAD(tk.Ref))
			name, err1 := svc.Keys.Open(tk.NameSealed, aad)
			email, err2 := svc.Keys.Open(tk.RequesterSealed, aad)
			local, _, _ := strings.Cut(string(email), "@")
			if err1 != nil || err2 != nil || !strings.HasPrefix(strings.ReplaceAll(local, ".", ""), asciiFold(string(name))) {
				t.Errorf("%s: %q writes from %q", tk.Ref, name, email)
			}
			for _, m := range msgs[1:] {
				if m.Kind != ticket.MessageInbound && !policy.Cal.IsOpen(m.CreatedAt) {
					t.Errorf("%s: %s message at %s, the desk closed", tk.Ref, m.Kind, m.CreatedAt.In(policy.Cal.Zone()).Format(time.RFC1123))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ticket.Statuses[:4] {
		if status[s] == 0 {
			t.Errorf("no %s ticket: %v", s, status)
		}
	}
	for _, l := range []string{"en", "es", "fr"} {
		if langs[l] < n/20 {
			t.Errorf("language %s: %d", l, langs[l])
		}
	}
	// Most arrive in business hours, and some do not.
	if open < n*6/10 || open > n*95/100 {
		t.Errorf("%d of %d arrived in business hours", open, n)
	}
	if breached == 0 || paused == 0 || fulfilled < n/2 || linked == 0 {
		t.Errorf("breached %d, paused %d, fulfilled %d, linked %d", breached, paused, fulfilled, linked)
	}
}
