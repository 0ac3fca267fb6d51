-- Schema v12: the outbox's indexes serve what reads it.
--
-- The mail worker reads a ticket's mail (TicketOutbox) before it sends
-- each ticket message, to thread it; with no index on ticket_id that read
-- scanned the whole outbox, a row per acknowledgement ever queued, for
-- every message sent. PostgreSQL has had this index since its schema 2.
CREATE INDEX outbox_ticket ON outbox(ticket_id, id) WHERE ticket_id <> 0;

-- outbox_due (status, next_attempt) served nothing that outbox_channel_due
-- (status, channel, next_attempt) does not: the only read by status alone
-- (the failed count) reads the same prefix. It cost every queued row and
-- every change of status one more index write.
DROP INDEX outbox_due;
