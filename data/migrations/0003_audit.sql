-- Schema v3: the keyed audit chain (per-entry MAC, signed head).
--
-- Each entry gets a MAC: HMAC-SHA-256 of its hash under a sub-key of the
-- key file, so a writer of this file who edits a row and re-chains the
-- hashes after it cannot make the MACs match. The head (meta 'audit_head')
-- gains an Ed25519 signature after its seq and hash.
--
-- Rows written before this version keep an empty MAC. core/auditlog does
-- not MAC them after the fact (that would vouch for rows nobody checked):
-- verify accepts them as unkeyed, and reports how many, only while they
-- come before the first keyed entry, whose MAC covers them through the
-- chain. An empty MAC after a keyed entry is a break.
ALTER TABLE audit_log ADD COLUMN mac BLOB NOT NULL DEFAULT x''; -- internal: HMAC-SHA-256 of hash; empty on rows from before v3

-- The audit viewer filters by actor, by target and by date, newest first.
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_target ON audit_log(target_id, seq);
CREATE INDEX audit_log_at ON audit_log(at);
