package storetest

import (
	"fmt"
	"testing"
	"time"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// testProofing: identity proofing rows come back whole and are replaced
// by a second put; attempts and letters list newest first; a letter is
// used once; enrollments lapsed at a time are the pending ones expired by
// then, soonest first; rows of a missing account are not found, and an
// account without them reads nil or empty.
func testProofing(t *testing.T, s store.Store) {
	ctx := t.Context()
	insertAccount(t, s, "acct-1", "acct-2", "acct-3", "acct-4")
	idv := store.IDV{AccountID: "acct-1", Step: "document", IdentitySealed: []byte("sealed identity"), DocAt: t0,
		StartedAt: t0.Add(-time.Hour).In(est), UpdatedAt: t0}
	review := store.FraudReview{AccountID: "acct-1", Status: "pending", OpenedAt: t0}
	attempts := []store.IDVAttempt{
		{AccountID: "acct-1", Step: "document", Passed: false, Reasons: []string{"doc_blurry", "doc_glare"}, Detail: "front", At: t0},
		{AccountID: "acct-1", Step: "document", Passed: true, At: t0.Add(time.Minute)},
		{AccountID: "acct-1", Step: "resolution", Passed: false, Reasons: []string{"name_mismatch"}, Detail: "last_name", At: t0.Add(2 * time.Minute)},
	}
	letters := []store.Letter{
		{AccountID: "acct-1", CodeHash: fp("code1"), SentAt: t0, ExpiresAt: t0.Add(30 * 24 * time.Hour)},
		{AccountID: "acct-1", CodeHash: fp("code2"), SentAt: t0.Add(24 * time.Hour), ExpiresAt: t0.Add(31 * 24 * time.Hour)},
	}
	enrollments := []store.Enrollment{
		{AccountID: "acct-1", Code: "1234567890123456", Status: "pending", CreatedAt: t0, ExpiresAt: t0.Add(2 * time.Hour), UpdatedAt: t0},
		{AccountID: "acct-2", Code: "2", Status: "pending", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), UpdatedAt: t0},
		{AccountID: "acct-3", Code: "3", Status: "passed", CreatedAt: t0, ExpiresAt: t0, UpdatedAt: t0},
		{AccountID: "acct-4", Code: "4", Status: "pending", CreatedAt: t0, ExpiresAt: t0.Add(3 * time.Hour), UpdatedAt: t0},
	}
	write(t, s, func(tx store.Tx) error {
		steps := []error{tx.PutIDV(ctx, idv), tx.PutFraudReview(ctx, review)}
		for i := range attempts {
			steps = append(steps, tx.InsertIDVAttempt(ctx, &attempts[i]))
		}
		for i := range letters {
			steps = append(steps, tx.InsertLetter(ctx, &letters[i]))
		}
		for _, e := range enrollments {
			steps = append(steps, tx.PutEnrollment(ctx, e))
		}
		for _, err := range steps {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if attempts[0].ID == 0 || attempts[0].ID == attempts[1].ID || letters[0].ID == 0 || letters[0].ID == letters[1].ID {
		t.Errorf("inserts set IDs %d, %d (attempts) and %d, %d (letters); want distinct and non-zero",
			attempts[0].ID, attempts[1].ID, letters[0].ID, letters[1].ID)
	}
	check := func(what string) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			v, err := r.IDV(ctx, "acct-1")
			same(t, what+": IDV", v, &idv)
			if err != nil {
				return err
			}
			f, err := r.FraudReview(ctx, "acct-1")
			same(t, what+": FraudReview", f, &review)
			if err != nil {
				return err
			}
			e, err := r.Enrollment(ctx, "acct-1")
			same(t, what+": Enrollment", e, &enrollments[0])
			if err != nil {
				return err
			}
			xs, err := r.IDVAttempts(ctx, "acct-1", 10)
			same(t, what+": IDVAttempts", xs, []store.IDVAttempt{attempts[2], attempts[1], attempts[0]})
			if err != nil {
				return err
			}
			xs, err = r.IDVAttempts(ctx, "acct-1", 2)
			same(t, what+": IDVAttempts(limit 2)", xs, []store.IDVAttempt{attempts[2], attempts[1]})
			if err != nil {
				return err
			}
			ls, err := r.Letters(ctx, "acct-1")
			same(t, what+": Letters", ls, []store.Letter{letters[1], letters[0]})
			return err
		})
	}
	check("inserted")

	// A second put replaces the row; a letter is used once.
	idv = store.IDV{AccountID: "acct-1", Step: "verified", IdentitySealed: []byte("sealed again"), DocAt: t0,
		ResolvedAt: t0.Add(time.Hour), VerifiedAt: t0.Add(2 * time.Hour), StartedAt: t0.Add(-time.Hour), UpdatedAt: t0.Add(2 * time.Hour)}
	review = store.FraudReview{AccountID: "acct-1", Status: "passed", OpenedAt: t0, DecidedAt: t0.Add(time.Hour), DecidedBy: "sup-1"}
	enrollments[0].Status, enrollments[0].UpdatedAt = "passed", t0.Add(time.Hour)
	write(t, s, func(tx store.Tx) error {
		for _, err := range []error{tx.PutIDV(ctx, idv), tx.PutFraudReview(ctx, review), tx.PutEnrollment(ctx, enrollments[0]),
			tx.UseLetter(ctx, letters[0].ID, t0.Add(48*time.Hour))} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	letters[0].UsedAt = t0.Add(48 * time.Hour)
	wantCode(t, "UseLetter twice", s.Write(ctx, func(tx store.Tx) error {
		return tx.UseLetter(ctx, letters[0].ID, t0.Add(72*time.Hour))
	}), fault.CodeNotFound)
	wantCode(t, "UseLetter of a missing letter", s.Write(ctx, func(tx store.Tx) error {
		return tx.UseLetter(ctx, 999, t0)
	}), fault.CodeNotFound)
	check("replaced")

	for _, c := range []struct {
		at    time.Time
		limit int
		want  []store.Enrollment
	}{
		{t0.Add(3 * time.Hour), 10, []store.Enrollment{enrollments[1], enrollments[3]}},
		{t0.Add(3 * time.Hour), 1, []store.Enrollment{enrollments[1]}},
		{t0.Add(time.Hour), 10, []store.Enrollment{enrollments[1]}},
		{t0.Add(time.Hour - time.Millisecond), 10, nil},
	} {
		read(t, s, func(r store.Reader) error {
			got, err := r.EnrollmentsLapsed(ctx, c.at, c.limit)
			if len(got) == 0 {
				got = nil
			}
			same(t, fmt.Sprintf("EnrollmentsLapsed(%v, %d)", c.at, c.limit), got, c.want)
			return err
		})
	}

	// An account without proofing rows reads nil and empty.
	read(t, s, func(r store.Reader) error {
		if v, err := r.IDV(ctx, "acct-2"); v != nil || err != nil {
			t.Errorf("IDV of none = %+v, %v", v, err)
		}
		if f, err := r.FraudReview(ctx, "acct-2"); f != nil || err != nil {
			t.Errorf("FraudReview of none = %+v, %v", f, err)
		}
		if e, err := r.Enrollment(ctx, "acct-9"); e != nil || err != nil {
			t.Errorf("Enrollment of none = %+v, %v", e, err)
		}
		if xs, err := r.IDVAttempts(ctx, "acct-2", 10); len(xs) != 0 || err != nil {
			t.Errorf("IDVAttempts of none = %v, %v", xs, err)
		}
		if ls, err := r.Letters(ctx, "acct-2"); len(ls) != 0 || err != nil {
			t.Errorf("Letters of none = %v, %v", ls, err)
		}
		return nil
	})
	for what, fn := range map[string]func(tx store.Tx) error{
		"PutIDV": func(tx store.Tx) error { return tx.PutIDV(ctx, store.IDV{AccountID: "nobody", Step: "document"}) },
		"InsertIDVAttempt": func(tx store.Tx) error {
			return tx.InsertIDVAttempt(ctx, &store.IDVAttempt{AccountID: "nobody", Step: "document", At: t0})
		},
		"InsertLetter": func(tx store.Tx) error {
			return tx.InsertLetter(ctx, &store.Letter{AccountID: "nobody", CodeHash: fp("c"), SentAt: t0})
		},
		"PutEnrollment": func(tx store.Tx) error {
			return tx.PutEnrollment(ctx, store.Enrollment{AccountID: "nobody", Code: "1", Status: "pending", CreatedAt: t0})
		},
		"PutFraudReview": func(tx store.Tx) error {
			return tx.PutFraudReview(ctx, store.FraudReview{AccountID: "nobody", Status: "pending", OpenedAt: t0})
		},
	} {
		wantCode(t, what+" of a missing account", s.Write(ctx, fn), fault.CodeNotFound)
	}
}

// testCallerChecks: a caller verification comes back whole, a second put
// replaces it, a session's checks list newest first, and a missing one is
// not found.
func testCallerChecks(t *testing.T, s store.Store) {
	ctx := t.Context()
	checks := []store.CallerCheck{
		{ID: "cc-1", SessionID: "sess-1", AccountID: "acct-1", CodeHash: fp("123456"), CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)},
		{ID: "cc-2", SessionID: "sess-1", CodeHash: fp("654321"), Tries: 2, CreatedAt: t0.Add(time.Minute).In(est),
			ExpiresAt: t0.Add(11 * time.Minute)},
		{ID: "cc-3", SessionID: "sess-2", AccountID: "acct-2", CodeHash: fp("111111"), CreatedAt: t0.Add(2 * time.Minute),
			ExpiresAt: t0.Add(12 * time.Minute), VerifiedAt: t0.Add(3 * time.Minute), EndsAt: t0.Add(time.Hour), TicketID: 42},
	}
	write(t, s, func(tx store.Tx) error {
		for _, k := range checks {
			if err := tx.PutCallerCheck(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	checks[0].Tries, checks[0].VerifiedAt, checks[0].EndsAt, checks[0].TicketID = 1, t0.Add(time.Minute), t0.Add(31*time.Minute), 7
	write(t, s, func(tx store.Tx) error { return tx.PutCallerCheck(ctx, checks[0]) })
	read(t, s, func(r store.Reader) error {
		for _, w := range checks {
			got, err := r.CallerCheck(ctx, w.ID)
			same(t, "CallerCheck "+w.ID, got, w)
			if err != nil {
				return err
			}
		}
		_, err := r.CallerCheck(ctx, "cc-9")
		wantCode(t, "CallerCheck of a missing id", err, fault.CodeNotFound)
		got, err := r.CallerChecks(ctx, "sess-1")
		same(t, "CallerChecks(sess-1)", got, []store.CallerCheck{checks[1], checks[0]})
		if err != nil {
			return err
		}
		if got, err := r.CallerChecks(ctx, "sess-9"); len(got) != 0 || err != nil {
			t.Errorf("CallerChecks of a session without any = %v, %v", got, err)
		}
		return nil
	})
}
