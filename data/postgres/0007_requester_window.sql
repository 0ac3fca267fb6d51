-- Schema 7 (PostgreSQL): the requester index carries the creation time,
-- as SQLite's schema v13 does: intake's acknowledgement cap counts a
-- requester's tickets of the last 24 hours with every form, and on
-- (requester_fp) alone that count read each of the requester's tickets
-- from the table; on (requester_fp, created_at) it is a range of the index
-- itself, cut at the cap.
DROP INDEX tickets_requester;
CREATE INDEX tickets_requester ON tickets (requester_fp, created_at);
