-- Schema v4: staff sessions, dual-control requests, escalations.

-- A console or SSH session core issued at sign-in. Only the token's hash
-- is stored; every call resolves the actor from it and re-checks the agent.
CREATE TABLE staff_sessions (
  id          TEXT PRIMARY KEY,        -- public: session id in the audit trail
  token_hash  BLOB NOT NULL UNIQUE,    -- secret: SHA-256 of the bearer token
  agent_id    TEXT NOT NULL REFERENCES agents(id),
  kind        TEXT NOT NULL,           -- public: tty, ssh
  created_at  INTEGER NOT NULL,        -- public: unix ms; 12 hours at most
  active_at   INTEGER NOT NULL,        -- public: last activity; idle lock after it
  ended_at    INTEGER NOT NULL DEFAULT 0, -- public: signed out, expired, agent disabled
  end_reason  TEXT NOT NULL DEFAULT '' -- public
) STRICT;
CREATE INDEX staff_sessions_agent ON staff_sessions(agent_id) WHERE ended_at = 0;

-- Dual control: one staff member asks, a different supervisor decides.
CREATE TABLE dual_requests (
  id           INTEGER PRIMARY KEY,    -- public
  kind         TEXT NOT NULL,          -- public: account.suspend, account.reinstate, limiter.reset
  target       TEXT NOT NULL,          -- public: account uuid (never PII)
  detail       TEXT NOT NULL DEFAULT '', -- public: e.g. the limiter's name
  reason       TEXT NOT NULL,          -- internal: staff text, never PII by policy
  requested_by TEXT NOT NULL REFERENCES agents(id),
  requested_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending','approved','rejected','expired')),
  decided_by   TEXT NOT NULL DEFAULT '',
  decided_at   INTEGER NOT NULL DEFAULT 0,
  version      INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX dual_requests_pending ON dual_requests(state, requested_at);

-- The agency desk that escalated a ticket to the contact center.
ALTER TABLE tickets ADD COLUMN opened_by TEXT NOT NULL DEFAULT '';
