-- Schema v2: contact-form tickets with their SLA clocks, messages and SLA
-- event log, full-text search, closure days, and outbox delivery fields.

CREATE TABLE tickets (
  id               INTEGER PRIMARY KEY,
  ref              TEXT NOT NULL UNIQUE,  -- public: SD-2026-000123
  channel          TEXT NOT NULL CHECK (channel IN ('web','email','phone')),
  language         TEXT NOT NULL CHECK (language IN ('en','es','fr')),
  category         TEXT NOT NULL,         -- public
  requester_sealed BLOB NOT NULL,         -- pii: sealed email address
  requester_fp     BLOB NOT NULL,         -- internal: same fingerprint as emails.fp
  name_sealed      BLOB NOT NULL,         -- pii: sealed requester name
  account_id       TEXT,                  -- public: linked account, when one matches
  agency           TEXT NOT NULL DEFAULT '', -- public
  subject          TEXT NOT NULL,         -- requester text: sanitized on display, searchable
  body             TEXT NOT NULL,         -- requester text: sanitized on display, searchable
  status           TEXT NOT NULL CHECK (status IN ('new','open','pending','solved','closed')),
  assignee         TEXT NOT NULL DEFAULT '', -- public: agent id
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  version          INTEGER NOT NULL DEFAULT 1,
  idempotency_key  TEXT UNIQUE,           -- internal: client's Idempotency-Key
  sla_target       INTEGER NOT NULL,      -- business ms allowed
  sla_started      INTEGER NOT NULL,      -- when the running segment started counting
  sla_used         INTEGER NOT NULL DEFAULT 0, -- business ms used before sla_started
  sla_due          INTEGER NOT NULL,      -- when it runs out if not paused
  sla_paused_at    INTEGER NOT NULL DEFAULT 0,
  sla_fulfilled_at INTEGER NOT NULL DEFAULT 0,
  first_reply_at   INTEGER NOT NULL DEFAULT 0,
  breach_logged_at INTEGER NOT NULL DEFAULT 0 -- when "breached" was logged for the running target
) STRICT;
CREATE INDEX tickets_queue ON tickets(status, sla_due);
CREATE INDEX tickets_due ON tickets(sla_due);
CREATE INDEX tickets_requester ON tickets(requester_fp);
CREATE INDEX tickets_account ON tickets(account_id);
CREATE INDEX tickets_assignee ON tickets(assignee, status);

CREATE TABLE ticket_messages (
  id         INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('inbound','public','internal')),
  author     TEXT NOT NULL,            -- public: agent id, or "requester"
  body       TEXT NOT NULL,            -- requester or agent text
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_messages_ticket ON ticket_messages(ticket_id, id);

CREATE TABLE sla_events (
  id        INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  kind      TEXT NOT NULL CHECK (kind IN ('activated','paused','resumed','fulfilled','breached')),
  at        INTEGER NOT NULL,
  due       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sla_events_ticket ON sla_events(ticket_id, id);

CREATE VIRTUAL TABLE tickets_fts USING fts5(subject, body, content='tickets', content_rowid='id');
CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN
  INSERT INTO tickets_fts(rowid, subject, body) VALUES (new.id, new.subject, new.body);
END;
CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
  INSERT INTO tickets_fts(tickets_fts, rowid, subject, body) VALUES ('delete', old.id, old.subject, old.body);
END;
CREATE TRIGGER tickets_fts_au AFTER UPDATE OF subject, body ON tickets BEGIN
  INSERT INTO tickets_fts(tickets_fts, rowid, subject, body) VALUES ('delete', old.id, old.subject, old.body);
  INSERT INTO tickets_fts(rowid, subject, body) VALUES (new.id, new.subject, new.body);
END;

CREATE TABLE closures (
  day        TEXT PRIMARY KEY,          -- public: YYYY-MM-DD in the center's zone
  reason     TEXT NOT NULL,             -- public
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

ALTER TABLE outbox ADD COLUMN aad TEXT NOT NULL DEFAULT '';        -- internal: associated data of to_sealed
ALTER TABLE outbox ADD COLUMN ticket_id INTEGER NOT NULL DEFAULT 0; -- public
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT ''; -- internal: no PII
ALTER TABLE outbox ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_channel_due ON outbox(status, channel, next_attempt);
