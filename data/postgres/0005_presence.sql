-- Schema 5 (PostgreSQL): who has which ticket open (core/presence), shared
-- by every serve process on the database, so that two agents on one ticket
-- see each other whichever process their consoles talk to.
--
-- PostgreSQL only: SQLite's desk is one process and keeps presence in
-- memory, so there is nothing to mirror and nothing for a copy to move.
--
-- UNLOGGED: presence is soft state. Every row lapses within presence.TTL
-- (30 s) unless its console refreshes it, so losing the table in a crash
-- (PostgreSQL empties unlogged tables on recovery) loses nothing a
-- console does not set again within one refresh; skipping the write-ahead
-- log keeps the refreshes (one per open console every 10 s) cheap. It is
-- not replicated either: a standby promoted to primary starts empty, which
-- is the same.
--
-- No foreign key to tickets: a row is a hint about a ticket the core has
-- already authorized, and a key check would lock the ticket's row on every
-- refresh.
CREATE TABLE presence (
  ticket_id bigint NOT NULL,
  session   text NOT NULL,                -- internal: the staff session id
  agent_id  text NOT NULL,                -- public
  name      text NOT NULL,                -- public: the agent's display name as stored
  state     text NOT NULL CHECK (state IN ('viewing', 'replying')),
  until_ms  bigint NOT NULL,              -- unix ms: the row lapses then unless refreshed
  PRIMARY KEY (ticket_id, session)
);
-- Here reads one ticket's rows and Set one (ticket, session): both by the
-- primary key's prefix, so no other index. None on until_ms: every refresh
-- changes it, and an index on it would cost each refresh an index write
-- (no HOT update) to speed up only the once-a-TTL sweep of a table that
-- holds a row per open console.
