package store

import (
	"context"
	"time"
)

// AgentKey is an SSH public key registered to an agent.
type AgentKey struct {
	Fingerprint string // SHA256:… (ssh.FingerprintSHA256)
	AgentID     string
	PublicKey   string // the authorized_keys form, without a comment
	CreatedAt   time.Time
	CreatedBy   string
}

// AgentKeyReader reads registered SSH keys. Missing rows are
// fault.ErrNotFound.
type AgentKeyReader interface {
	AgentKey(ctx context.Context, fingerprint string) (AgentKey, error)
	AgentKeys(ctx context.Context, agentID string) ([]AgentKey, error)
}

// AgentKeyWriter registers and drops SSH keys.
type AgentKeyWriter interface {
	// InsertAgentKey stores k; a fingerprint already registered (to
	// anyone) is fault.CodeConflict.
	InsertAgentKey(ctx context.Context, k AgentKey) error
	DeleteAgentKey(ctx context.Context, fingerprint string) error
}
