package auditlog

import (
	"context"

	"supportdesk/core/audit"
	"supportdesk/core/store"
)

// Filter selects entries for the audit viewer: by actor, by target (an
// account uuid, a ticket ref, an agent id), by action or a family of them
// ("account" for "account.view", "account.search"...), by time [From, To),
// and Before a Seq for the next page. See store.AuditFilter.
type Filter = store.AuditFilter

// MaxPage is the most entries one Query returns.
const MaxPage = 500

// Query lists the entries f selects, newest first, at most f.Limit and
// never more than MaxPage (a zero Limit asks for MaxPage). The next page
// is the same filter with Before set to the last entry's Seq. Query does
// not authorize or audit: its caller, which holds the actor, does both.
func Query(ctx context.Context, r store.Reader, f Filter) ([]audit.Entry, error) {
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = MaxPage
	}
	if f.Before < 0 || !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, nil // nothing can match
	}
	return r.AuditQuery(ctx, f)
}
