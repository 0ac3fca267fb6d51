package presence_test

import (
	"testing"
	"time"

	"supportdesk/core/presence"
)

var t0 = time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)

func TestEntriesLapseUnlessRefreshed(t *testing.T) {
	t.Parallel()
	m := presence.NewMemory()
	ana := presence.Entry{Ticket: 1, Session: "s1", AgentID: "a", Name: "Ana Agent", State: presence.Viewing}
	if !m.Set(ana, t0) {
		t.Fatal("a new entry is a change")
	}
	if m.Set(ana, t0.Add(20*time.Second)) {
		t.Fatal("a refresh is no change")
	}
	if got := m.Here(1, t0.Add(49*time.Second)); len(got) != 1 {
		t.Fatalf("refreshed at 20 s, gone at 49 s: %+v", got)
	}
	if got := m.Here(1, t0.Add(50*time.Second)); len(got) != 0 {
		t.Fatalf("lapsed at 50 s, still %+v", got)
	}
	if !m.Set(ana, t0.Add(60*time.Second)) {
		t.Fatal("coming back after lapsing is a change")
	}
	ana.State = presence.Left
	if !m.Set(ana, t0.Add(61*time.Second)) || len(m.Here(1, t0.Add(61*time.Second))) != 0 {
		t.Fatal("leaving")
	}
	if m.Set(ana, t0.Add(62*time.Second)) {
		t.Fatal("leaving twice is no change")
	}
}

func TestOthersLeaveOutSelfAndMergeSessions(t *testing.T) {
	t.Parallel()
	es := []presence.Entry{
		{Session: "1", AgentID: "ana", Name: "Ana", State: presence.Viewing},
		{Session: "2", AgentID: "ana", Name: "Ana", State: presence.Replying},
		{Session: "3", AgentID: "bob", Name: "Bob", State: presence.Viewing},
		{Session: "4", AgentID: "me", Name: "Me", State: presence.Replying},
	}
	got := presence.Others(es, "me")
	if len(got) != 2 || got[0].AgentID != "ana" || got[0].State != presence.Replying || got[1].AgentID != "bob" {
		t.Fatalf("%+v", got)
	}
}

func TestSweepDropsVanishedConsoles(t *testing.T) {
	t.Parallel()
	m := presence.NewMemory()
	for i := range 100 {
		m.Set(presence.Entry{Ticket: int64(i), Session: "s", AgentID: "a", State: presence.Viewing}, t0)
	}
	m.Set(presence.Entry{Ticket: 1000, Session: "t", AgentID: "b", State: presence.Viewing}, t0.Add(time.Hour))
	for i := range 100 {
		if len(m.Here(int64(i), t0.Add(time.Hour))) != 0 {
			t.Fatal("a lapsed entry listed")
		}
	}
}
