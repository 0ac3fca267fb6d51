package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/staff"
)

// AuditLog serves f.auditLog as core would: newest first, by actor, target,
// action family and [From, To), below Before, at most Limit.
func (f *fakeBackend) AuditLog(_ context.Context, _ staff.Token, flt auditlog.Filter) ([]audit.Entry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sessionErr != nil {
		return nil, f.sessionErr
	}
	f.audits = append(f.audits, flt)
	if f.auditErr != nil {
		return nil, f.auditErr
	}
	var out []audit.Entry
	for _, e := range f.auditLog {
		switch {
		case flt.Before > 0 && e.Seq >= flt.Before,
			flt.ActorID != "" && e.ActorID != flt.ActorID,
			flt.TargetID != "" && e.TargetID != flt.TargetID,
			flt.Action != "" && e.Action != flt.Action && !strings.HasPrefix(e.Action, flt.Action+"."),
			!flt.From.IsZero() && e.At.Before(flt.From),
			!flt.To.IsZero() && !e.At.Before(flt.To):
			continue
		}
		out = append(out, e)
		if flt.Limit > 0 && len(out) == flt.Limit {
			break
		}
	}
	return out, nil
}

// sampleAudit is n entries, newest first, one a minute back from fixedNow:
// agent-2 views accounts, the supervisor reads the log, the system grants.
func sampleAudit(n int) []audit.Entry {
	out := make([]audit.Entry, 0, n)
	for i := range n {
		e := audit.Entry{Seq: int64(n - i), At: fixedNow.Add(-time.Duration(i) * time.Minute)}
		switch i % 3 {
		case 0:
			e.ActorID, e.ActorRole, e.Action, e.TargetType, e.TargetID = "agent-2", "agent", "account.view", "account", fakeUUID
		case 1:
			e.ActorID, e.ActorRole, e.Action, e.TargetType = "agent-1", "supervisor", "audit.read", "audit"
			e.Detail = fmt.Sprintf("results=%d", i)
		default:
			e.ActorID, e.ActorRole, e.Action, e.TargetType, e.TargetID = "system", "system", "ticket.sla_breached", "ticket", "SD-2026-000042"
		}
		out = append(out, e)
	}
	return out
}
