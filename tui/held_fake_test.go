package tui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/inbox"
	"supportdesk/core/staff"
)

// heldState is the fake's held list and what was decided on it.
type heldState struct {
	held       []inbox.HeldMail // still held, oldest first
	heldAsks   []string         // "after=N limit=N"
	releases   []string         // "7 SD-2026-000108"
	discards   []int64
	releaseErr error // answered by the next release, then cleared
	discardErr error
}

// heldSample is three held messages: a stranger's on a known ticket, a
// forged tag, and an unmatched one with attachments.
func heldSample() []inbox.HeldMail {
	return []inbox.HeldMail{
		{ID: 7, ReceivedAt: fixedNow.Add(-3 * time.Hour), From: "m•••@example.net", Subject: "Re: Your request SD-2026-000108",
			Text: "Hi, I am writing for my mother.\nShe cannot get her codes.", Reason: inbox.ReasonSender, TicketRef: "SD-2026-000108"},
		{ID: 9, ReceivedAt: fixedNow.Add(-2 * time.Hour), From: "x•••@example.org", Subject: "Urgent: verify now",
			Text: "Click here.", Reason: inbox.ReasonForgedTag},
		{ID: 12, ReceivedAt: fixedNow.Add(-40 * time.Minute), From: "j•••@example.com", Subject: "My ID photos",
			Text: "Attached are my license pictures.", Reason: inbox.ReasonUnmatched, Attachments: 2},
	}
}

// mayReview answers as core does: agents and supervisors only.
func mayReview(tok staff.Token) error {
	if !access.Can(roleOf(tok), access.ActMailReview, access.ScopeGlobal) {
		return fault.ErrNotPermitted
	}
	return nil
}

func (f *fakeBackend) HeldMail(_ context.Context, tok staff.Token, after int64, limit int) ([]inbox.HeldMail, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.heldAsks = append(f.heldAsks, fmt.Sprintf("after=%d limit=%d", after, limit))
	if f.sessionErr != nil {
		return nil, 0, f.sessionErr
	}
	if err := mayReview(tok); err != nil {
		return nil, 0, err
	}
	var out []inbox.HeldMail
	for _, h := range f.held {
		if h.ID > after && len(out) < limit {
			out = append(out, h)
		}
	}
	return out, int64(len(f.held)), nil
}

func (f *fakeBackend) ReleaseHeld(_ context.Context, tok staff.Token, id int64, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := mayReview(tok); err != nil {
		return err
	}
	if err := f.releaseErr; err != nil {
		f.releaseErr = nil
		return err
	}
	f.releases = append(f.releases, fmt.Sprintf("%d %s", id, ref))
	return f.decide(id)
}

func (f *fakeBackend) DiscardHeld(_ context.Context, tok staff.Token, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := mayReview(tok); err != nil {
		return err
	}
	if err := f.discardErr; err != nil {
		f.discardErr = nil
		return err
	}
	f.discards = append(f.discards, id)
	return f.decide(id)
}

// decide takes a message off the held list; f.mu is held.
func (f *fakeBackend) decide(id int64) error {
	i := slices.IndexFunc(f.held, func(h inbox.HeldMail) bool { return h.ID == id })
	if i < 0 {
		return fault.New(fault.CodeConflict)
	}
	f.held = slices.Delete(f.held, i, i+1)
	return nil
}
