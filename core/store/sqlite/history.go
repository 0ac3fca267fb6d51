package sqlite

import (
	"context"
	"time"

	"supportdesk/core/store"
)

// historySQL adds ?1 solved and closed tickets, created evenly over the
// year before ?2 (unix ms), each cloned from an existing ticket (its
// language, category, agency, assignee and sealed requester: opaque
// bytes here, unreadable under the new reference, as history nobody
// opens). Every one was answered: most within two days of arriving, one
// in eight late; a fifth are closed. It goes through the ordinary table
// and indexes; AddHistory counts them in the tallies and writes their
// full-text entries.
const historySQL = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
	base(top, span) AS (SELECT (SELECT coalesce(max(id), 0) FROM tickets), (SELECT count(*) FROM tickets)),
	h AS (SELECT base.top + n.i AS id, ?2 - (n.i * 31536000000 / ?1) AS created, n.i AS i,
		(SELECT t.id FROM tickets t WHERE t.id = 1 + n.i % base.span) AS src FROM n, base)
	INSERT INTO tickets (` + ticketCols + `)
	SELECT h.id, printf('SD-%s-%06d', strftime('%Y', h.created / 1000, 'unixepoch'), h.id), s.channel, s.language,
		s.category, s.requester_sealed, s.requester_fp, s.name_sealed, NULL, s.agency, s.subject, s.body,
		CASE WHEN h.i % 5 = 0 THEN 'closed' ELSE 'solved' END, s.assignee, h.created, h.created + 259200000, 3, NULL,
		s.sla_target, h.created, 0, h.created + 172800000, 0,
		h.created + CASE WHEN h.i % 8 = 0 THEN 190000000 + h.i % 86400000 ELSE 600000 + h.i * 7919 % 170000000 END,
		h.created + CASE WHEN h.i % 8 = 0 THEN 190000000 + h.i % 86400000 ELSE 600000 + h.i * 7919 % 170000000 END,
		0, '', '', 0, h.created + 259200000
	FROM h JOIN tickets s ON s.id = h.src`

// AddHistory adds n answered, solved or closed tickets over the year
// before now, cloned from the tickets already stored, in one statement:
// the benchmark's million tickets of history in about a minute, where
// seeding each with its thread takes an hour. There must be tickets to
// clone.
func (s *Store) AddHistory(ctx context.Context, n int, now time.Time) error {
	if n <= 0 {
		return nil
	}
	return s.Write(ctx, func(tx store.Tx) error {
		t := tx.(*txn)
		top, err := t.MaxTicketID(ctx)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, historySQL, n, ms(now)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, tallyNewSQL(`id > ?`), top); err != nil {
			return err
		}
		// The clones' full-text entries, as indexNew writes a
		// transaction's new tickets' (migration 0010).
		_, err = t.exec(ctx, `INSERT INTO tickets_fts (rowid, subject, body) SELECT id, subject, body FROM tickets WHERE id > ?`, top)
		return err
	})
}
