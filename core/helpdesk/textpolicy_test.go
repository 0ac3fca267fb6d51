package helpdesk_test

import (
	"context"
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/helpdesk"
	"supportdesk/core/ticket"
)

// A control or format character in a queue search is the agent's input
// error, never a storage error from the full-text engine.
func TestQueueSearchRefusesControls(t *testing.T) {
	t.Parallel()
	svc, _, _, d := deskAt(t, "2026-12-07 09:00")
	supervisor := addStaff(t, svc, "sup-1@example.gov", access.RoleSupervisor, "es", "en")
	ctx := context.Background()
	for _, s := range []string{"a\x00b", "\x00", "perdí\x00teléfono", "a\x1b[2Jb", "a\u009bb", "a\u202eb", "a\u200bb", "\U000E0041", "a\u2028b", "\xff\xfe"} {
		_, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Search: s}, helpdesk.PageAt{}, 10)
		if e, ok := fault.As(err); !ok || e.Code != fault.CodeInvalidInput || e.Field != "query" {
			t.Errorf("search %q: %v, want invalid_input on the query", s, err)
		}
	}
	if _, err := d.Queue(ctx, supervisor.Token, helpdesk.QueueFilter{Search: "👩\u200d💻 teléfono"}, helpdesk.PageAt{}, 10); err != nil {
		t.Errorf("search with a ZWJ: %v", err)
	}
}

// Closure reasons and escalation subjects, typed by staff, follow the same
// text policy as the contact form's names and subjects.
func TestStaffTextFollowsThePolicy(t *testing.T) {
	t.Parallel()
	svc, _, _, d := deskAt(t, "2026-12-07 09:00")
	supervisor := addStaff(t, svc, "sup-1@example.gov", access.RoleSupervisor, "es", "en")
	ctx := context.Background()
	for _, reason := range []string{"Snow\u200b day", "Snow \u202eyad", "Snow\u2028day", "\ufeffSnow", "Snow \U000E0041"} {
		err := d.AddClosure(ctx, supervisor.Token, "2026-12-08", reason)
		if e, ok := fault.As(err); !ok || e.Code != fault.CodeInvalidInput || e.Field != "reason" || e.Max != helpdesk.MaxClosureReason {
			t.Errorf("closure reason %q: %#v", reason, err)
		}
	}

	f := newFloor(t)
	for _, subject := range []string{"Caller\u200b lost her phone", "Caller \u202eenohp", "a\u2029b", "\u2066x\u2069", "x\U000E007F"} {
		esc := helpdesk.Escalation{AccountID: f.accountID, Category: ticket.CategoryLostMFA, Subject: subject, Body: "Verified."}
		_, err := f.svc.Escalate(ctx, f.ssaDesk.Token, esc)
		if e, ok := fault.As(err); !ok || e.Code != fault.CodeInvalidInput || e.Field != "subject" || e.Max != ticket.MaxSubjectLength {
			t.Errorf("escalation subject %q: %#v", subject, err)
		}
	}
}
