package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"supportdesk/core/ticket"
)

// The board, the workload and attainment are read from the tallies the
// same way on every backend; only the SQL differs. A backend gives its
// queries (CountQueries) and a way to run one (Rows), and these functions
// put the counts together.

// Rows runs query q of a backend with args and calls fn with the scan of
// each row in turn.
type Rows func(ctx context.Context, q string, fn func(scan func(dest ...any) error) error, args ...any) error

// CountQueries are a backend's queries behind the counts, each with its
// parameters in the order given.
type CountQueries struct {
	// TallyCells: language, agency, category, sla_rank, count of open
	// tickets, grouped so.
	TallyCells string
	// DueCells: language, agency, category, count of running clocks due
	// on a day before day ($1), by cell.
	DueCells string
	// TallyLoad: assignee, sla_rank, count of open assigned tickets.
	TallyLoad string
	// DueLoad: assignee, count of running clocks due on a day before day
	// ($1), by assignee.
	DueLoad string
	// Replies: assignee, public replies since a time ($1, ms), for each
	// assignee with open tickets.
	Replies string
	// Attainment: tickets created in [$1, $2) (ms) whose target passed at
	// $3 or was met, and those answered in time.
	Attainment string
	// AttainmentDays: the same, from the day counts, for the creation
	// days strictly between $2 and $3, running clocks counted when due
	// on a day before $1.
	AttainmentDays string
	// DueToday: running clocks never answered, due in [$1, $2) and
	// created in [$3, $4) (ms).
	DueToday string
}

// DueSoon is a count of running clocks due from the start of today to
// the end of the at-risk window, by cell and assignee: breached ones are
// due before now, the rest at risk.
type DueSoon struct {
	Language, Agency, Category, Assignee string
	Breached, AtRisk                     int
}

// CountDayMS is a count day in unix milliseconds: UTC days, as the
// tallies file due and creation times.
const CountDayMS = 86_400_000

// CountDay is the tallies' day number of t.
func CountDay(t time.Time) int64 { return UnixMS(t) / CountDayMS }

// cellKey names a board cell.
type cellKey struct{ language, agency, category string }

// grouping is one way of grouping the open tickets' states: the tally by
// group and rank, the running clocks due before a day by group, a row's
// group (scan reads its key columns, then rest), and the group of a clock
// due soon.
type grouping[K comparable] struct {
	tally, due string
	scan       func(scan func(...any) error, rest ...any) (K, error)
	soon       func(DueSoon) K
}

// stateGroups counts open tickets by group and state at now. Groups come
// from the tally; due clocks of a group it lacks (the unassigned, for the
// workload) are left out.
func stateGroups[K comparable](ctx context.Context, rows Rows, now time.Time, soon []DueSoon, g grouping[K]) (map[K]*StateCounts, error) {
	groups := map[K]*StateCounts{}
	err := rows(ctx, g.tally, func(scan func(...any) error) error {
		var rank, n int
		k, err := g.scan(scan, &rank, &n)
		if err != nil {
			return err
		}
		if groups[k] == nil {
			groups[k] = &StateCounts{}
		}
		groups[k].AddRank(rank, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = rows(ctx, g.due, func(scan func(...any) error) error {
		var n int
		k, err := g.scan(scan, &n)
		if s := groups[k]; err == nil && s != nil {
			s.MoveDue(n, 0)
		}
		return err
	}, CountDay(now))
	if err != nil {
		return nil, err
	}
	for _, d := range soon {
		if s := groups[g.soon(d)]; s != nil {
			s.MoveDue(d.Breached, d.AtRisk)
		}
	}
	return groups, nil
}

// CountBoard counts open tickets by language, agency, category and state
// at now, in that order; soon are the clocks due soon (DueSoon).
func CountBoard(ctx context.Context, rows Rows, q CountQueries, now time.Time, soon []DueSoon) ([]BoardCell, error) {
	groups, err := stateGroups(ctx, rows, now, soon, grouping[cellKey]{tally: q.TallyCells, due: q.DueCells,
		scan: func(scan func(...any) error, rest ...any) (cellKey, error) {
			var k cellKey
			return k, scan(append([]any{&k.language, &k.agency, &k.category}, rest...)...)
		},
		soon: func(d DueSoon) cellKey { return cellKey{d.Language, d.Agency, d.Category} },
	})
	if err != nil {
		return nil, err
	}
	out := make([]BoardCell, 0, len(groups))
	for k, sc := range groups {
		out = append(out, BoardCell{Language: k.language, Agency: k.agency, Category: ticket.Category(k.category), StateCounts: *sc})
	}
	slices.SortFunc(out, func(a, b BoardCell) int {
		return cmp.Or(strings.Compare(a.Language, b.Language), strings.Compare(a.Agency, b.Agency),
			strings.Compare(string(a.Category), string(b.Category)))
	})
	return out, nil
}

// CountWorkload counts open tickets by assignee and state at now, with
// each assignee's public replies since repliesSince, by assignee.
func CountWorkload(ctx context.Context, rows Rows, q CountQueries, now, repliesSince time.Time, soon []DueSoon) ([]LoadRow, error) {
	groups, err := stateGroups(ctx, rows, now, soon, grouping[string]{tally: q.TallyLoad, due: q.DueLoad,
		scan: func(scan func(...any) error, rest ...any) (string, error) {
			var a string
			return a, scan(append([]any{&a}, rest...)...)
		},
		soon: func(d DueSoon) string { return d.Assignee },
	})
	if err != nil {
		return nil, err
	}
	replies := map[string]int{}
	err = rows(ctx, q.Replies, func(scan func(...any) error) error {
		var a string
		var n int
		err := scan(&a, &n)
		replies[a] = n
		return err
	}, repliesSince.UnixMilli())
	if err != nil {
		return nil, err
	}
	out := make([]LoadRow, 0, len(groups))
	for a, sc := range groups {
		out = append(out, LoadRow{Assignee: a, StateCounts: *sc, Replies: replies[a]})
	}
	slices.SortFunc(out, func(a, b LoadRow) int { return strings.Compare(a.Assignee, b.Assignee) })
	return out, nil
}

// CountAttainment counts tickets created in [from, now) whose target has
// passed or been met, and those answered in time: the whole days between
// from's day and now's from the day counts, the two partial days from
// the tickets.
func CountAttainment(ctx context.Context, rows Rows, q CountQueries, from, now time.Time) (total, inTime int, err error) {
	if !from.Before(now) {
		return 0, 0, nil
	}
	// row scans the one row of an aggregate query.
	row := func(q string, dest []any, args ...any) error {
		return rows(ctx, q, func(scan func(...any) error) error { return scan(dest...) }, args...)
	}
	edge := func(lo, hi int64) (t, in int, err error) {
		if lo >= hi {
			return 0, 0, nil
		}
		return t, in, row(q.Attainment, []any{&t, &in}, lo, hi, now.UnixMilli())
	}
	fromDay, nowDay := CountDay(from), CountDay(now)
	if fromDay == nowDay {
		return edge(from.UnixMilli(), now.UnixMilli())
	}
	total, inTime, err = edge(from.UnixMilli(), (fromDay+1)*CountDayMS)
	if err != nil {
		return 0, 0, err
	}
	t, in, err := edge(nowDay*CountDayMS, now.UnixMilli())
	if err != nil {
		return 0, 0, err
	}
	total, inTime = total+t, inTime+in
	if err := row(q.AttainmentDays, []any{&t, &in}, nowDay, fromDay, nowDay); err != nil {
		return 0, 0, err
	}
	total, inTime = total+t, inTime+in
	if err := row(q.DueToday, []any{&t}, nowDay*CountDayMS, now.UnixMilli(), (fromDay+1)*CountDayMS, nowDay*CountDayMS); err != nil {
		return 0, 0, err
	}
	return total + t, inTime, nil
}
