package postgres

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"supportdesk/core/store"
	"supportdesk/core/ticket"
)

func newTicket(id int64, lang, subject, body string) ticket.Ticket {
	at := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	return ticket.Ticket{ID: id, Ref: fmt.Sprintf("SD-2025-%06d", id), Channel: ticket.ChannelWeb, Language: lang,
		Category: ticket.CategoryOther, RequesterSealed: []byte("sealed"), RequesterFP: []byte("fp"), NameSealed: []byte("name"),
		Subject: subject, Body: body, Status: ticket.StatusOpen, CreatedAt: at, UpdatedAt: at,
		SLA: ticket.Clock{Target: 16 * time.Hour, Started: at, Due: at.Add(24 * time.Hour)}}
}

// Writers in several connections each take MaxTicketID and insert the
// next id, as intake does: the ticket-ids lock makes them take turns, so
// none collides and the ids have no gap.
func TestTicketIDsConcurrent(t *testing.T) {
	t.Parallel()
	s := openTemp(t, testURL(t), Options{MaxConns: 8})
	defer s.Close()
	const writers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for range writers {
		wg.Go(func() {
			for range each {
				errs <- s.Write(t.Context(), func(tx store.Tx) error {
					id, err := tx.MaxTicketID(t.Context())
					if err != nil {
						return err
					}
					// Give another writer time to read the same max, were
					// nothing to stop it.
					time.Sleep(2 * time.Millisecond)
					tk := newTicket(id+1, "en", "s", "b")
					return tx.InsertTicket(t.Context(), &tk)
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Write: %v", err)
		}
	}
	err := s.Read(t.Context(), func(r store.Reader) error {
		n, err := r.CountTickets(t.Context())
		if err != nil {
			return err
		}
		max, err := r.MaxTicketID(t.Context())
		if n != writers*each || max != writers*each {
			t.Errorf("CountTickets %d, MaxTicketID %d; want %d of each", n, max, writers*each)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Each ticket's words are stemmed in its own language, and so are the
// words searched for in it; the words are text, whatever they hold.
func TestSearchLanguages(t *testing.T) {
	t.Parallel()
	s := openTemp(t, testURL(t), Options{MaxConns: 4})
	defer s.Close()
	tks := []ticket.Ticket{
		newTicket(1, "es", "Cuenta bloqueada", "No puedo entrar en mi cuenta"),
		newTicket(2, "fr", "Compte bloqué", "Je ne peux pas accéder à mes comptes"),
		newTicket(3, "en", "Locked accounts", "I cannot sign in to my account"),
		newTicket(4, "en", "Account", "Account locked, account blocked, account gone"),
		newTicket(5, "en", "It's a 'quote'", `Look: a & b | !c <-> d; DROP TABLE tickets; --`),
	}
	err := s.Write(t.Context(), func(tx store.Tx) error {
		for i := range tks {
			if err := tx.InsertTicket(t.Context(), &tks[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		words []string
		want  []int64 // best first where it matters
	}{
		{[]string{"cuentas"}, []int64{1}},
		{[]string{"bloqueadas", "cuenta"}, []int64{1}},
		{[]string{"compte"}, []int64{2}},
		{[]string{"accounts"}, []int64{4, 3}}, // four times beats twice
		{[]string{"locking"}, []int64{4, 3}},
		{[]string{"a' OR 1=1 --"}, nil},
		{[]string{"&", "|", "!", "<->", ":*"}, nil},
		{[]string{"quote"}, []int64{5}},
		{[]string{"drop", "tables"}, []int64{5}},
		{[]string{"the"}, nil}, // a stop word alone matches nothing, and is no error
	} {
		var got []ticket.Ticket
		err := s.Read(t.Context(), func(r store.Reader) (err error) {
			got, err = r.SearchTickets(t.Context(), c.words, 10)
			return err
		})
		if err != nil {
			t.Errorf("SearchTickets(%q): %v", c.words, err)
			continue
		}
		var ids []int64
		for _, tk := range got {
			ids = append(ids, tk.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("SearchTickets(%q) = %v, want %v", c.words, ids, c.want)
		}
	}
}
