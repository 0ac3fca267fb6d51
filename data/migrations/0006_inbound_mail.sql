-- Schema v6: the requester's side of the email conversation. Inbound mail
-- is recorded once per Message-ID; what did not thread waits in the held
-- list for an agent.

CREATE TABLE inbound_mail (
  id           INTEGER PRIMARY KEY,
  received_at  INTEGER NOT NULL,
  message_id   TEXT NOT NULL,            -- internal: the sender's Message-ID, '' when it had none
  from_fp      BLOB NOT NULL,            -- internal: fingerprint of the sender's address (emails.fp's keying)
  from_sealed  BLOB NOT NULL,            -- pii: sealed sender address
  subject      TEXT NOT NULL,            -- requester text: sanitized on display
  body_sealed  BLOB NOT NULL,            -- pii: sealed text, kept for the held list's review
  language     TEXT NOT NULL DEFAULT '', -- public: the ticket's language, or '' when unmatched
  ticket_id    INTEGER NOT NULL DEFAULT 0, -- public: the ticket it joined or was meant for
  disposition  TEXT NOT NULL,            -- public: threaded, reopened, new_ticket, held, auto, bounce, released, discarded
  reason       TEXT NOT NULL DEFAULT '', -- public: why it was held (a code)
  attachments  INTEGER NOT NULL DEFAULT 0, -- public: parts removed, never kept
  decided_by   TEXT NOT NULL DEFAULT '', -- public: the agent who released or discarded it
  decided_at   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX inbound_mail_message_id ON inbound_mail(message_id) WHERE message_id <> '';
CREATE INDEX inbound_mail_held ON inbound_mail(disposition, id);
CREATE INDEX inbound_mail_ticket ON inbound_mail(ticket_id, id);

-- Outbound rows looked up by Message-ID: a reply's In-Reply-To, a bounce.
CREATE INDEX outbox_message_id ON outbox(message_id) WHERE message_id <> '';

-- A ticket opened by a reply to an old one names it; a bounce flags it;
-- solved_at dates the 7 days in which a reply reopens it.
ALTER TABLE tickets ADD COLUMN follows_ref TEXT NOT NULL DEFAULT '';       -- public: SD-2026-000123
ALTER TABLE tickets ADD COLUMN mail_bounced_at INTEGER NOT NULL DEFAULT 0; -- public
ALTER TABLE tickets ADD COLUMN solved_at INTEGER NOT NULL DEFAULT 0;       -- public
