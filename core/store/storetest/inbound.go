package storetest

import (
	"fmt"
	"testing"
	"time"

	"supportdesk/core/access"
	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// testInbound: received mail comes back whole by id and by Message-ID
// (an empty one finds none, and several may lack one); a Message-ID
// stored before is a conflict; a ticket's mail lists oldest first; held
// mail pages by id and is counted; a decision stores the disposition,
// ticket and decider, and takes the message off the held list.
func testInbound(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b := sampleTicket(1, t0.Add(time.Hour)), sampleTicket(2, t0.Add(time.Hour))
	insertTickets(t, s, &a, &b)
	mk := func(i int, msgID string, ticketID int64, disp, reason string) store.Inbound {
		return store.Inbound{ReceivedAt: t0.Add(time.Duration(i) * time.Minute), MessageID: msgID, FromFP: fp(fmt.Sprint("from", i)),
			FromSealed: []byte(fmt.Sprint("sealed from ", i)), Subject: fmt.Sprintf("Re: [SD-2025-00000%d] «%d»", ticketID, i),
			BodySealed: []byte(fmt.Sprint("sealed body ", i)), Language: "es", TicketID: ticketID, Disposition: disp,
			Reason: reason, Attachments: i % 3}
	}
	mail := []store.Inbound{
		mk(0, "<a@mail.example>", 1, "threaded", ""),
		mk(1, "", 0, "held", "unknown_sender"),
		mk(2, "<c@mail.example>", 2, "new_ticket", ""),
		mk(3, "", 0, "held", "forged_tag"),
		mk(4, "<e@mail.example>", 1, "reopened", ""),
		mk(5, "<f@mail.example>", 0, "held", "unknown_ticket"),
		mk(6, "<g@mail.example>", 0, "bounce", ""),
	}
	write(t, s, func(tx store.Tx) error {
		for i := range mail {
			if err := tx.InsertInbound(ctx, &mail[i]); err != nil {
				return err
			}
		}
		return nil
	})
	for i := 1; i < len(mail); i++ {
		if mail[i].ID <= mail[i-1].ID {
			t.Fatalf("InsertInbound set IDs %d then %d; want them increasing", mail[i-1].ID, mail[i].ID)
		}
	}
	dup := mk(9, "<c@mail.example>", 0, "held", "x")
	wantCode(t, "InsertInbound with a stored Message-ID", s.Write(ctx, func(tx store.Tx) error {
		return tx.InsertInbound(ctx, &dup)
	}), fault.CodeConflict)

	check := func(what string) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			for _, w := range mail {
				got, err := r.Inbound(ctx, w.ID)
				same(t, fmt.Sprintf("%s: Inbound(%d)", what, w.ID), got, w)
				if err != nil {
					return err
				}
				if w.MessageID != "" {
					got, err := r.InboundByMessageID(ctx, w.MessageID)
					same(t, what+": InboundByMessageID "+w.MessageID, got, w)
					if err != nil {
						return err
					}
				}
			}
			_, err := r.Inbound(ctx, 999)
			wantCode(t, what+": Inbound(999)", err, fault.CodeNotFound)
			for _, id := range []string{"", "<z@mail.example>"} {
				_, err := r.InboundByMessageID(ctx, id)
				wantCode(t, fmt.Sprintf("%s: InboundByMessageID(%q)", what, id), err, fault.CodeNotFound)
			}
			return nil
		})
	}
	list := func(what string, get func(r store.Reader) ([]store.Inbound, error), want ...int) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			got, err := get(r)
			if len(got) == 0 {
				got = nil
			}
			var w []store.Inbound
			for _, i := range want {
				w = append(w, mail[i])
			}
			same(t, what, got, w)
			return err
		})
	}
	held := func(after int64, limit int) func(r store.Reader) ([]store.Inbound, error) {
		return func(r store.Reader) ([]store.Inbound, error) { return r.HeldInbound(ctx, after, limit) }
	}
	ticketMail := func(id int64) func(r store.Reader) ([]store.Inbound, error) {
		return func(r store.Reader) ([]store.Inbound, error) { return r.TicketInbound(ctx, id) }
	}
	countHeld := func(what string, want int64) {
		t.Helper()
		read(t, s, func(r store.Reader) error {
			if n, err := r.CountHeldInbound(ctx); n != want || err != nil {
				t.Errorf("%s: CountHeldInbound = %d, %v; want %d", what, n, err, want)
			}
			return nil
		})
	}
	check("inserted")
	list("TicketInbound(1)", ticketMail(1), 0, 4)
	list("TicketInbound(2)", ticketMail(2), 2)
	list("TicketInbound(3)", ticketMail(3))
	list("HeldInbound", held(0, 10), 1, 3, 5)
	list("HeldInbound(limit 2)", held(0, 2), 1, 3)
	list("HeldInbound after the second", held(mail[3].ID, 2), 5)
	countHeld("inserted", 3)

	// An agent releases one held message onto ticket 2.
	mail[3].Disposition, mail[3].TicketID = "released", 2
	mail[3].DecidedBy, mail[3].DecidedAt = "agent-1", t0.Add(time.Hour).In(est)
	write(t, s, func(tx store.Tx) error { return tx.DecideInbound(ctx, mail[3]) })
	wantCode(t, "DecideInbound of a missing message", s.Write(ctx, func(tx store.Tx) error {
		return tx.DecideInbound(ctx, store.Inbound{ID: 999, Disposition: "discarded", DecidedBy: "agent-1", DecidedAt: t0})
	}), fault.CodeNotFound)
	check("decided")
	list("HeldInbound after a decision", held(0, 10), 1, 5)
	list("TicketInbound(2) after a release", ticketMail(2), 2, 3)
	countHeld("decided", 2)
}

// testAgentKeys: an SSH key is found by fingerprint, an agent's keys list
// oldest first, a fingerprint registered to anyone is a conflict, and a
// deleted key is gone; deleting a missing one is not found.
func testAgentKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	write(t, s, func(tx store.Tx) error {
		for _, id := range []string{"agent-1", "agent-2"} {
			if err := tx.InsertAgent(ctx, newAgent(id, id+"@example.gov", access.RoleAgent)); err != nil {
				return err
			}
		}
		return nil
	})
	keys := []store.AgentKey{
		{Fingerprint: "SHA256:bbbb", AgentID: "agent-1", PublicKey: "ssh-ed25519 AAAAC3b", CreatedAt: t0.Add(time.Minute), CreatedBy: "admin-1"},
		{Fingerprint: "SHA256:aaaa", AgentID: "agent-1", PublicKey: "ssh-ed25519 AAAAC3a", CreatedAt: t0.Add(2 * time.Minute).In(est), CreatedBy: "agent-1"},
		{Fingerprint: "SHA256:cccc", AgentID: "agent-2", PublicKey: "ecdsa-sha2-nistp256 AAAAE2c", CreatedAt: t0, CreatedBy: "admin-1"},
	}
	write(t, s, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.InsertAgentKey(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	taken := store.AgentKey{Fingerprint: "SHA256:aaaa", AgentID: "agent-2", PublicKey: "ssh-ed25519 AAAAC3a", CreatedAt: t0, CreatedBy: "agent-2"}
	wantCode(t, "InsertAgentKey of a registered fingerprint", s.Write(ctx, func(tx store.Tx) error {
		return tx.InsertAgentKey(ctx, taken)
	}), fault.CodeConflict)
	read(t, s, func(r store.Reader) error {
		for _, w := range keys {
			got, err := r.AgentKey(ctx, w.Fingerprint)
			same(t, "AgentKey "+w.Fingerprint, got, w)
			if err != nil {
				return err
			}
		}
		_, err := r.AgentKey(ctx, "SHA256:none")
		wantCode(t, "AgentKey of an unknown fingerprint", err, fault.CodeNotFound)
		got, err := r.AgentKeys(ctx, "agent-1")
		same(t, "AgentKeys(agent-1)", got, []store.AgentKey{keys[0], keys[1]})
		return err
	})
	write(t, s, func(tx store.Tx) error { return tx.DeleteAgentKey(ctx, "SHA256:bbbb") })
	wantCode(t, "DeleteAgentKey of a missing key", s.Write(ctx, func(tx store.Tx) error {
		return tx.DeleteAgentKey(ctx, "SHA256:bbbb")
	}), fault.CodeNotFound)
	read(t, s, func(r store.Reader) error {
		_, err := r.AgentKey(ctx, "SHA256:bbbb")
		wantCode(t, "AgentKey after DeleteAgentKey", err, fault.CodeNotFound)
		got, err := r.AgentKeys(ctx, "agent-1")
		same(t, "AgentKeys(agent-1) after DeleteAgentKey", got, []store.AgentKey{keys[1]})
		if err != nil {
			return err
		}
		if got, err := r.AgentKeys(ctx, "agent-3"); len(got) != 0 || err != nil {
			t.Errorf("AgentKeys of an agent without keys = %v, %v", got, err)
		}
		return nil
	})
}
