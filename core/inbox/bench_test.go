package inbox_test

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkDeliverReply measures one reply from parse to commit: the
// threading checks, the thread's new message, the clock's restart and the
// audit entry, on SQLite with synchronous=FULL.
func BenchmarkDeliverReply(b *testing.B) {
	f := open(b)
	tk := f.submit(b, requester)
	rcpt := f.replyTo(b, tk.Ref)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		m := msg{from: requester, to: rcpt, id: fmt.Sprintf("<bench%d@example.com>", i), subject: "Re",
			body: "Sigo sin poder entrar.\n\nEl mar, 1 dic 2026 a las 9:00, Soporte escribió:\n> Hola"}
		if _, err := f.svc.Inbox.Deliver(context.Background(), []string{rcpt}, m.raw()); err != nil {
			b.Fatal(err)
		}
	}
}
