package service

import (
	"context"
	"io"
	"strconv"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/audit"
	"supportdesk/core/auditlog"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

// canReadAudit authorizes reading the audit log without writing: a
// tampered log refuses writes, and verification must still run on it.
func (s *Service) canReadAudit(ctx context.Context, tok staff.Token) (access.Actor, error) {
	var actor access.Actor
	err := s.Staff.Read(ctx, tok, func(_ store.Reader, a access.Actor, _ time.Time) error {
		actor = a
		return staff.Check(a, access.ActAuditRead, access.ScopeGlobal, "audit", "")
	})
	return actor, err
}

// AuditLog lists audit entries for the viewer, newest first (supervisors,
// admins and the operator); reading the log is itself audited.
func (s *Service) AuditLog(ctx context.Context, tok staff.Token, f auditlog.Filter) ([]audit.Entry, error) {
	var out []audit.Entry
	err := s.Staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := staff.Check(actor, access.ActAuditRead, access.ScopeGlobal, "audit", ""); err != nil {
			return err
		}
		var err error
		if out, err = auditlog.Query(ctx, tx, f); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "audit.read", "audit", "", filterDetail(f, len(out))))
	})
	return out, err
}

// filterDetail records what the viewer asked for: ids, an action and
// dates, never PII.
func filterDetail(f auditlog.Filter, n int) string {
	d := "results=" + strconv.Itoa(n)
	for _, kv := range [][2]string{{"actor", f.ActorID}, {"target", f.TargetID}, {"action", f.Action}} {
		if kv[1] != "" {
			d += " " + kv[0] + "=" + kv[1]
		}
	}
	if !f.From.IsZero() {
		d += " from=" + f.From.UTC().Format(time.RFC3339)
	}
	if !f.To.IsZero() {
		d += " to=" + f.To.UTC().Format(time.RFC3339)
	}
	return d
}

// VerifyAudit walks the whole log (chain, MACs, signed head and, when
// given, a head exported earlier) and names the first broken entry. The
// check is audited when the log still takes writes; a broken log refuses
// them, and the report says why.
func (s *Service) VerifyAudit(ctx context.Context, tok staff.Token, head *audit.Head) (auditlog.Report, error) {
	if _, err := s.canReadAudit(ctx, tok); err != nil {
		return auditlog.Report{}, err
	}
	rep, err := auditlog.Verify(ctx, s.Store, s.Keys, head)
	if err != nil || rep.Break != nil {
		return rep, err
	}
	detail := "entries=" + strconv.FormatInt(rep.Count, 10)
	if head != nil {
		detail += " exported_head=" + strconv.FormatInt(head.Seq, 10)
	}
	return rep, s.Staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		return tx.AppendAudit(ctx, audit.Record(actor, now, "audit.verify", "audit", "", detail))
	})
}

// ExportAudit records the export, then writes the log from since on as JSON
// Lines, signed head last (the export's own entry included). It refuses a
// broken log.
func (s *Service) ExportAudit(ctx context.Context, tok staff.Token, since time.Time, w io.Writer) (audit.Head, error) {
	err := s.Staff.Write(ctx, tok, func(tx store.Tx, actor access.Actor, now time.Time) error {
		if err := staff.Check(actor, access.ActAuditRead, access.ScopeGlobal, "audit", ""); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Record(actor, now, "audit.export", "audit", "",
			"since="+since.UTC().Format(time.RFC3339)))
	})
	if err != nil {
		return audit.Head{}, err
	}
	return auditlog.Export(ctx, s.Store, s.Keys, since, w)
}
