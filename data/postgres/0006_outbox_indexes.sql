-- Schema 6 (PostgreSQL): outbox_due (status, next_attempt) served nothing
-- that outbox_channel_due (status, channel, next_attempt) does not: the
-- only read by status alone (the failed count) reads the same prefix. It
-- cost every queued row and every change of status one more index write.
-- (SQLite's schema v12 drops it too, and adds outbox_ticket, which this
-- schema has had since 2.)
DROP INDEX outbox_due;
