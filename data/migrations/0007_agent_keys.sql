-- Schema v7: agents' SSH public keys. A key is one factor (something the
-- agent has); the console then asks for the agent's TOTP code.

CREATE TABLE agent_keys (
  fingerprint TEXT PRIMARY KEY,         -- public: SHA256:… of the key
  agent_id    TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  public_key  TEXT NOT NULL,            -- public: the authorized_keys line, without its comment
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL             -- public: who registered it
) STRICT;
CREATE INDEX agent_keys_agent ON agent_keys(agent_id);
