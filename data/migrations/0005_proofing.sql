-- Schema v5: identity proofing (IAL2), in-person enrollment, verify by
-- mail, fraud review, caller verification.

-- Where a user stands in identity proofing. The identity data the user
-- entered is sealed; reasons are codes, never PII.
CREATE TABLE idv (
  account_id      INTEGER PRIMARY KEY REFERENCES accounts(pk) ON DELETE CASCADE,
  step            TEXT NOT NULL,        -- public: document, resolution, verify, personal_key, in_person, by_mail, fraud_review, done
  identity_sealed BLOB,                 -- pii: name, birth date, address, SSN from the document, sealed
  doc_at          INTEGER NOT NULL DEFAULT 0, -- public: document authenticated
  resolved_at     INTEGER NOT NULL DEFAULT 0, -- public: identity resolved
  verified_at     INTEGER NOT NULL DEFAULT 0, -- public: phone or address verified
  started_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;

-- Every attempt at a step, with its outcome and reason codes.
CREATE TABLE idv_attempts (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  step       TEXT NOT NULL,            -- public
  passed     INTEGER NOT NULL,         -- public: 1 or 0
  reasons    TEXT NOT NULL DEFAULT '', -- public: comma-separated reason codes
  detail     TEXT NOT NULL DEFAULT '', -- public: e.g. the mismatched field's name
  at         INTEGER NOT NULL
) STRICT;
CREATE INDEX idv_attempts_account ON idv_attempts(account_id, id);

-- In-person proofing at a post office: the enrollment code is the user's
-- to show at the counter, valid 7 days.
CREATE TABLE ipp_enrollments (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(pk) ON DELETE CASCADE,
  code       TEXT NOT NULL,            -- internal: the enrollment code (not a sign-in secret)
  status     TEXT NOT NULL CHECK (status IN ('establishing','pending','passed','failed','expired','cancelled','in_fraud_review')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Verify by mail: letters with a one-time code, hashed.
CREATE TABLE gpo_letters (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(pk) ON DELETE CASCADE,
  code_hash  BLOB NOT NULL,            -- secret
  sent_at    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX gpo_letters_account ON gpo_letters(account_id, sent_at);

-- Fraud review of a proofing attempt.
CREATE TABLE fraud_reviews (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(pk) ON DELETE CASCADE,
  status     TEXT NOT NULL CHECK (status IN ('pending','passed','rejected')),
  opened_at  INTEGER NOT NULL,
  decided_at INTEGER NOT NULL DEFAULT 0,
  decided_by TEXT NOT NULL DEFAULT ''
) STRICT;

-- Caller verification: a code sent to a contact of record the caller chose,
-- 3 tries within 10 minutes; a verified caller lasts the call, 30 minutes
-- at most. The session ties it to one agent's console.
CREATE TABLE caller_checks (
  id          TEXT PRIMARY KEY,        -- public
  session_id  TEXT NOT NULL,           -- public: the staff session
  account_id  TEXT NOT NULL DEFAULT '',-- public: '' when the contact is no contact of record
  code_hash   BLOB NOT NULL,           -- secret
  tries       INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  verified_at INTEGER NOT NULL DEFAULT 0,
  ends_at     INTEGER NOT NULL DEFAULT 0, -- public: when the verification lapses
  ticket_id   INTEGER NOT NULL DEFAULT 0  -- public: the call on record
) STRICT;
CREATE INDEX caller_checks_session ON caller_checks(session_id);
