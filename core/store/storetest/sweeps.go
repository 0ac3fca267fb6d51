package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// testResetSweeps: the jobs' lists of reset requests. ResetsDue holds
// requests neither granted nor cancelled made at or before a time, oldest
// first; ResetsLapsed granted ones neither cancelled nor used granted at
// or before a time, oldest first; both honour their limit. DeleteReset
// removes a request; a missing one is not found.
func testResetSweeps(t *testing.T, s store.Store) {
	ctx := t.Context()
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	resets := []account.Reset{
		{AccountID: "acct-1", RequestedAt: h(3)},
		{AccountID: "acct-2", RequestedAt: h(1)},
		{AccountID: "acct-3", RequestedAt: h(2), CancelledAt: h(4), CancelledBy: "user"},
		{AccountID: "acct-4", RequestedAt: h(0), GrantedAt: h(26), TokenHash: fp("t4")},
		{AccountID: "acct-5", RequestedAt: h(-1), GrantedAt: h(24), TokenHash: fp("t5")},
		{AccountID: "acct-6", RequestedAt: h(-2), GrantedAt: h(23), TokenHash: fp("t6"), DeletedAt: h(25)},
		{AccountID: "acct-7", RequestedAt: h(-3), GrantedAt: h(22), TokenHash: fp("t7"), CancelledAt: h(23), CancelledBy: "sign_in"},
		{AccountID: "acct-8", RequestedAt: h(5).In(est)},
	}
	write(t, s, func(tx store.Tx) error {
		for _, r := range resets {
			if err := tx.InsertAccount(ctx, newAccount(r.AccountID)); err != nil {
				return err
			}
			if err := tx.PutReset(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	pick := func(is ...int) []account.Reset {
		var out []account.Reset
		for _, i := range is {
			out = append(out, resets[i])
		}
		return out
	}
	lists := []struct {
		what string
		get  func(r store.Reader) ([]account.Reset, error)
		want []account.Reset
	}{
		{"ResetsDue", func(r store.Reader) ([]account.Reset, error) { return r.ResetsDue(ctx, h(3), 10) }, pick(1, 0)},
		{"ResetsDue(limit 1)", func(r store.Reader) ([]account.Reset, error) { return r.ResetsDue(ctx, h(3), 1) }, pick(1)},
		{"ResetsDue later", func(r store.Reader) ([]account.Reset, error) { return r.ResetsDue(ctx, h(5), 10) }, pick(1, 0, 7)},
		{"ResetsDue before any", func(r store.Reader) ([]account.Reset, error) {
			return r.ResetsDue(ctx, h(1).Add(-time.Millisecond), 10)
		}, nil},
		{"ResetsLapsed", func(r store.Reader) ([]account.Reset, error) { return r.ResetsLapsed(ctx, h(26), 10) }, pick(4, 3)},
		{"ResetsLapsed(limit 1)", func(r store.Reader) ([]account.Reset, error) { return r.ResetsLapsed(ctx, h(26), 1) }, pick(4)},
		{"ResetsLapsed earlier", func(r store.Reader) ([]account.Reset, error) { return r.ResetsLapsed(ctx, h(25), 10) }, pick(4)},
	}
	read(t, s, func(r store.Reader) error {
		for _, l := range lists {
			got, err := l.get(r)
			if err != nil {
				return fmt.Errorf("%s: %w", l.what, err)
			}
			if len(got) == 0 {
				got = nil
			}
			same(t, l.what, got, l.want)
		}
		return nil
	})
	write(t, s, func(tx store.Tx) error { return tx.DeleteReset(ctx, "acct-2") })
	read(t, s, func(r store.Reader) error {
		if got, err := r.Reset(ctx, "acct-2"); got != nil || err != nil {
			t.Errorf("Reset after DeleteReset = %+v, %v; want nil, nil", got, err)
		}
		got, err := r.ResetsDue(ctx, h(3), 10)
		same(t, "ResetsDue after DeleteReset", got, pick(0))
		return err
	})
	wantCode(t, "DeleteReset of a missing request", s.Write(ctx, func(tx store.Tx) error {
		return tx.DeleteReset(ctx, "acct-2")
	}), fault.CodeNotFound)
}

// testMetaKeys: keys under a prefix, byte for byte, in order after a key,
// at most limit; DeleteMeta removes one and a missing one is no error.
func testMetaKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	keys := []string{"job:b", "job:a", "job", "jobs:x", "job:c%", "job:_d", "jo", "job:é", "Job:a", "job:a:1"}
	write(t, s, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.PutMeta(ctx, k, []byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
	get := func(prefix, after string, limit int) []string {
		t.Helper()
		var got []string
		read(t, s, func(r store.Reader) (err error) {
			got, err = r.MetaKeys(ctx, prefix, after, limit)
			return err
		})
		if len(got) == 0 {
			got = nil
		}
		return got
	}
	for _, c := range []struct {
		prefix, after string
		limit         int
		want          []string
	}{
		{"job:", "", 10, []string{"job:_d", "job:a", "job:a:1", "job:b", "job:c%", "job:é"}},
		{"job:", "", 2, []string{"job:_d", "job:a"}},
		{"job:", "job:a", 2, []string{"job:a:1", "job:b"}},
		{"job:", "job:é", 10, nil},
		{"job:c%", "", 10, []string{"job:c%"}},
		{"job:_", "", 10, []string{"job:_d"}},
		{"nothing", "", 10, nil},
	} {
		if got := get(c.prefix, c.after, c.limit); !slices.Equal(got, c.want) {
			t.Errorf("MetaKeys(%q, %q, %d) = %q, want %q", c.prefix, c.after, c.limit, got, c.want)
		}
	}
	write(t, s, func(tx store.Tx) error {
		if err := tx.DeleteMeta(ctx, "job:a"); err != nil {
			return err
		}
		return tx.DeleteMeta(ctx, "job:none")
	})
	read(t, s, func(r store.Reader) error {
		_, err := r.Meta(ctx, "job:a")
		wantCode(t, "Meta after DeleteMeta", err, fault.CodeNotFound)
		v, err := r.Meta(ctx, "job:a:1")
		if string(v) != "job:a:1" || err != nil {
			t.Errorf("Meta of another key after DeleteMeta = %q, %v", v, err)
		}
		return nil
	})
	if got, want := get("job:", "", 10), []string{"job:_d", "job:a:1", "job:b", "job:c%", "job:é"}; !slices.Equal(got, want) {
		t.Errorf("MetaKeys after DeleteMeta = %q, want %q", got, want)
	}
}
