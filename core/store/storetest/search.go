package storetest

import (
	"slices"
	"testing"
	"time"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

// testSearch: SearchTickets finds the tickets whose subject or body hold
// every word, whatever the case and the accents, at most limit, in any
// status; words are words, never the engine's syntax. A queue filtered by
// words, ref or requester keeps its order and counts only what it shows.
// Only whole words are asked, so stemming may differ between backends
// without failing here; "best first" is not checked.
func testSearch(t *testing.T, s store.Store) {
	ctx := t.Context()
	texts := []struct {
		subject, body string
		status        ticket.Status
		language      string
	}{
		{"Passport photo rejected", "My passport photo was rejected twice.", ticket.StatusOpen, "en"},
		{"Lost phone", "I lost my phone and cannot sign in; my passport is fine.", ticket.StatusNew, "en"},
		{"Pasaporte", "No puedo verificar mi identidad", ticket.StatusOpen, "es"},
		{"Code never arrived", "The SMS code never arrived", ticket.StatusPending, "en"},
		{"Passport again", "Still about the passport", ticket.StatusSolved, "en"},
		{"Teléfono perdido", "Ya no tengo el teléfono", ticket.StatusOpen, "es"},
		{"Vérification échouée", "La vérification de mon identité a échoué", ticket.StatusOpen, "fr"},
	}
	var tks []*ticket.Ticket
	for i, x := range texts {
		tk := sampleTicket(int64(i+1), t0.Add(time.Duration(5-i)*time.Hour))
		tk.Subject, tk.Body, tk.Status, tk.Language = x.subject, x.body, x.status, x.language
		tks = append(tks, &tk)
	}
	insertTickets(t, s, tks...)

	search := func(words []string, limit int) []int64 {
		t.Helper()
		var got []ticket.Ticket
		read(t, s, func(r store.Reader) (err error) {
			got, err = r.SearchTickets(ctx, words, limit)
			return err
		})
		out := ids(got)
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		words []string
		want  []int64
	}{
		{[]string{"passport"}, []int64{1, 2, 5}},
		{[]string{"PASSPORT", "Photo"}, []int64{1}},
		{[]string{"lost", "passport"}, []int64{2}}, // one in the subject, one in the body
		{[]string{"photo", "phone"}, []int64{}},
		{[]string{"identidad"}, []int64{3}},
		// Accents are folded both ways, as agents type on any keyboard.
		{[]string{"telefono"}, []int64{6}},
		{[]string{"TELÉFONO", "perdido"}, []int64{6}},
		{[]string{"verification"}, []int64{7}},
		{[]string{"vérification", "identite"}, []int64{7}},
		{[]string{"verífícar"}, []int64{3}},
		{[]string{"nothing"}, []int64{}},
		// Engine syntax is text: a quote, a star, a column filter.
		{[]string{`pass"port`}, []int64{}},
		{[]string{"passp*"}, []int64{}},
		{[]string{"subject:photo"}, []int64{}},
	} {
		if got := search(c.words, 10); !slices.Equal(got, c.want) {
			t.Errorf("SearchTickets(%q) = %v, want %v", c.words, got, c.want)
		}
	}
	if got := search([]string{"passport"}, 2); len(got) != 2 || !isSubset(got, []int64{1, 2, 5}) {
		t.Errorf("SearchTickets(passport, limit 2) = %v, want two of 1, 2, 5", got)
	}

	requester := tks[1].RequesterFP
	for _, c := range []struct {
		what string
		q    store.QueueQuery
		want []int64
	}{
		{"words", store.QueueQuery{Words: []string{"passport"}}, []int64{2, 1}}, // open only, by due time
		{"words and status", store.QueueQuery{Words: []string{"passport"}, Statuses: []ticket.Status{ticket.StatusSolved}}, []int64{5}},
		{"ref as typed", store.QueueQuery{Ref: " sd-2025-000004"}, []int64{4}},
		{"ref of a solved ticket", store.QueueQuery{Ref: "SD-2025-000005"}, []int64{}},
		{"requester", store.QueueQuery{Requester: requester}, []int64{2}},
		{"words and requester", store.QueueQuery{Words: []string{"photo"}, Requester: requester}, []int64{}},
	} {
		q := c.q
		q.Limit = 10
		var page []ticket.Ticket
		var total int
		read(t, s, func(r store.Reader) (err error) {
			page, total, err = r.QueuePage(ctx, q)
			return err
		})
		if got := ids(page); !slices.Equal(got, c.want) || total != len(c.want) {
			t.Errorf("QueuePage by %s = %v of %d, want %v of %d", c.what, got, total, c.want, len(c.want))
		}
	}
}

func isSubset(a, b []int64) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
