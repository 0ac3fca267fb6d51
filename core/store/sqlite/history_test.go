package sqlite

import (
	"testing"
	"time"

	"supportdesk/core/store"
)

// Cloned history is answered tickets, solved or closed, over the year
// before now, with references of their own, counted by the tallies as any
// ticket is: attainment over them agrees with a count of the rows.
func TestAddHistory(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openTemp(t, Options{})
	defer s.Close()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	err := s.Write(ctx, func(tx store.Tx) error {
		for i := 1; i <= 7; i++ {
			tk := testTicket(i, now, time.Hour)
			if err := tx.InsertTicket(ctx, &tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddHistory(ctx, 5000, now); err != nil {
		t.Fatal(err)
	}
	var n, refs, done, answered, inYear, tally, days int
	for _, c := range []struct {
		q    string
		dst  *int
		args []any
	}{
		{`SELECT count(*) FROM tickets`, &n, nil},
		{`SELECT count(DISTINCT ref) FROM tickets`, &refs, nil},
		{`SELECT count(*) FROM tickets WHERE status IN ('solved','closed')`, &done, nil},
		{`SELECT count(*) FROM tickets WHERE sla_fulfilled_at > created_at AND solved_at > 0`, &answered, nil},
		{`SELECT count(*) FROM tickets WHERE id > 7 AND created_at BETWEEN ? AND ?`, &inYear, []any{ms(now.AddDate(-1, 0, 0)), ms(now)}},
		{`SELECT sum(n) FROM ticket_tally`, &tally, nil},
		{`SELECT sum(n) FROM ticket_days`, &days, nil},
	} {
		if err := s.Raw().QueryRowContext(ctx, c.q, c.args...).Scan(c.dst); err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
	}
	if n != 5007 || refs != n || done != 5000 || answered != 5000 || inYear != 5000 || tally != n || days != n {
		t.Errorf("tickets %d, refs %d, done %d, answered %d, in the year %d, tally %d, days %d", n, refs, done, answered, inYear, tally, days)
	}
	var total, inTime int
	err = s.Read(ctx, func(r store.Reader) error {
		var err error
		total, inTime, err = r.Attainment(ctx, now.AddDate(0, 0, -30), now)
		return err
	})
	var want, wantIn int
	s.Raw().QueryRowContext(ctx, `SELECT count(*), sum(sla_fulfilled_at <= sla_due) FROM tickets
		WHERE id > 7 AND created_at >= ? AND created_at < ?`, ms(now.AddDate(0, 0, -30)), ms(now)).Scan(&want, &wantIn)
	if err != nil || total != want || inTime != wantIn || want < 300 || wantIn == want {
		t.Errorf("attainment %d/%d, rows %d/%d: %v", inTime, total, wantIn, want, err)
	}
}
