-- Schema v1: the account model, agents, audit chain and notification outbox.
-- Every column is commented public, internal, secret (never shown or logged)
-- or pii (sealed at rest, shown masked); that map decides what is masked.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,            -- internal
  value BLOB NOT NULL                -- internal (key check tag, audit head)
) STRICT;

CREATE TABLE agencies (
  id   TEXT PRIMARY KEY,             -- public: short agency id, e.g. "ssa"
  name TEXT NOT NULL                 -- public
) STRICT;

CREATE TABLE accounts (
  pk              INTEGER PRIMARY KEY, -- internal: compact key the child tables use
  id              TEXT NOT NULL UNIQUE, -- public: account uuid
  created_at      INTEGER NOT NULL,  -- public: unix ms
  email_language  TEXT NOT NULL CHECK (email_language IN ('en','es','fr')), -- public
  status          TEXT NOT NULL,     -- public
  ial             INTEGER NOT NULL CHECK (ial IN (1,2)), -- public
  password_hash   TEXT NOT NULL,     -- secret: Argon2id PHC string
  locked_until    INTEGER NOT NULL DEFAULT 0, -- public: unix ms, 0 = none
  failed_signins  INTEGER NOT NULL DEFAULT 0, -- internal
  window_start    INTEGER NOT NULL DEFAULT 0, -- internal
  failed_mfa      INTEGER NOT NULL DEFAULT 0, -- internal
  consec_failures INTEGER NOT NULL DEFAULT 0, -- internal
  version         INTEGER NOT NULL DEFAULT 1  -- internal: optimistic concurrency
) STRICT;

CREATE TABLE emails (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  sealed        BLOB NOT NULL,       -- pii: AES-256-GCM sealed address
  fp            BLOB NOT NULL UNIQUE,-- internal: HMAC-SHA-256 fingerprint
  created_at    INTEGER NOT NULL,    -- public
  confirmed_at  INTEGER NOT NULL DEFAULT 0, -- public
  last_sign_in  INTEGER NOT NULL DEFAULT 0  -- public
) STRICT;
CREATE INDEX emails_account ON emails(account_id);

CREATE TABLE phones (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  sealed      BLOB NOT NULL,         -- pii: sealed E.164 number
  fp          BLOB NOT NULL,         -- internal: fingerprint (a phone may serve several accounts)
  delivery    TEXT NOT NULL CHECK (delivery IN ('sms','voice')), -- public
  is_default  INTEGER NOT NULL DEFAULT 0, -- public
  created_at  INTEGER NOT NULL,      -- public
  last_used   INTEGER NOT NULL DEFAULT 0  -- public
) STRICT;
CREATE INDEX phones_account ON phones(account_id);
CREATE INDEX phones_fp ON phones(fp);

CREATE TABLE mfa_methods (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  kind        TEXT NOT NULL,         -- public
  name        TEXT NOT NULL,         -- public: nickname, sanitized on display
  created_at  INTEGER NOT NULL,      -- public
  last_used   INTEGER NOT NULL DEFAULT 0, -- public
  sealed      BLOB,                  -- secret: sealed TOTP seed
  last_step   INTEGER NOT NULL DEFAULT 0, -- internal: TOTP replay guard
  credential  TEXT NOT NULL DEFAULT '' -- secret: credential id / certificate hash
) STRICT;
CREATE INDEX mfa_methods_account ON mfa_methods(account_id);

CREATE TABLE backup_codes (
  account_id  INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  idx         INTEGER NOT NULL,
  hash        BLOB NOT NULL,         -- secret: peppered hash
  used_at     INTEGER NOT NULL DEFAULT 0, -- public
  PRIMARY KEY (account_id, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE profiles (
  account_id          INTEGER PRIMARY KEY REFERENCES accounts(pk) ON DELETE CASCADE,
  state               TEXT NOT NULL, -- public
  verified_at         INTEGER NOT NULL DEFAULT 0, -- public
  deactivation_reason TEXT NOT NULL DEFAULT '',   -- public
  personal_key_hash   BLOB,          -- secret
  personal_key_at     INTEGER NOT NULL DEFAULT 0  -- public
) STRICT;

CREATE TABLE agency_links (
  account_id INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  agency_id  TEXT NOT NULL REFERENCES agencies(id),
  first_at   INTEGER NOT NULL,       -- public
  last_at    INTEGER NOT NULL,       -- public
  PRIMARY KEY (account_id, agency_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE devices (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  name       TEXT NOT NULL,          -- public: browser and OS family
  first_at   INTEGER NOT NULL,       -- public
  last_at    INTEGER NOT NULL        -- public
) STRICT;
CREATE INDEX devices_account ON devices(account_id);

CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  kind       TEXT NOT NULL,          -- public
  at         INTEGER NOT NULL,       -- public
  detail     TEXT NOT NULL DEFAULT '' -- public: never PII
) STRICT;
CREATE INDEX events_account_at ON events(account_id, at DESC);

CREATE TABLE account_resets (
  account_id   INTEGER PRIMARY KEY REFERENCES accounts(pk) ON DELETE CASCADE,
  requested_at INTEGER NOT NULL,     -- public
  cancelled_at INTEGER NOT NULL DEFAULT 0, -- public
  cancelled_by TEXT NOT NULL DEFAULT '',   -- public
  token_hash   BLOB,                 -- secret: deletion link token
  granted_at   INTEGER NOT NULL DEFAULT 0, -- public
  deleted_at   INTEGER NOT NULL DEFAULT 0  -- public
) STRICT;

CREATE TABLE one_time_codes (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(pk) ON DELETE CASCADE,
  phone_id   INTEGER NOT NULL,
  hash       BLOB NOT NULL,          -- secret
  expires_at INTEGER NOT NULL        -- internal
) STRICT;

CREATE TABLE throttles (
  key          TEXT PRIMARY KEY,     -- internal: "signin:ip:<fingerprint>", never a raw address
  count        INTEGER NOT NULL,
  window_start INTEGER NOT NULL
) STRICT;

CREATE TABLE agents (
  id             TEXT PRIMARY KEY,   -- public
  email_sealed   BLOB NOT NULL,      -- pii
  email_fp       BLOB NOT NULL UNIQUE, -- internal
  display_name   TEXT NOT NULL,      -- public (staff directory)
  role           TEXT NOT NULL CHECK (role IN ('agent','supervisor','agency_help_desk','admin')),
  languages      TEXT NOT NULL,      -- public: comma-separated
  ui_language    TEXT NOT NULL CHECK (ui_language IN ('en','es','fr')),
  agencies       TEXT NOT NULL DEFAULT '', -- public: comma-separated
  password_hash  TEXT NOT NULL,      -- secret
  totp_sealed    BLOB NOT NULL,      -- secret
  totp_last_step INTEGER NOT NULL DEFAULT 0, -- internal
  failed_signins INTEGER NOT NULL DEFAULT 0, -- internal
  locked_until   INTEGER NOT NULL DEFAULT 0, -- internal
  created_at     INTEGER NOT NULL,
  disabled_at    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,   -- public: 1, 2, 3 ... no gaps
  at          INTEGER NOT NULL,      -- public: unix ms
  actor_id    TEXT NOT NULL,         -- public
  actor_role  TEXT NOT NULL,         -- public
  session     TEXT NOT NULL,         -- public
  action      TEXT NOT NULL,         -- public
  target_type TEXT NOT NULL,         -- public
  target_id   TEXT NOT NULL,         -- public: uuid, never PII
  detail      TEXT NOT NULL,         -- public: never PII
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL
) STRICT;

CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  created_at   INTEGER NOT NULL,
  account_id   TEXT NOT NULL,        -- public (no FK: survives account deletion)
  channel      TEXT NOT NULL,
  template     TEXT NOT NULL,
  language     TEXT NOT NULL,
  to_sealed    BLOB NOT NULL,        -- pii
  data         TEXT NOT NULL,        -- public: JSON, no PII
  status       TEXT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  message_id   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_account ON outbox(account_id);
CREATE INDEX outbox_due ON outbox(status, next_attempt);
