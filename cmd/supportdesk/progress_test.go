package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Where stderr is no terminal, progress writes whole lines, one per period
// at most, and never a carriage return.
func TestProgressWritesLinesWhereNoTerminal(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := &progress{w: &buf, every: time.Hour}
	for i := range 1000 {
		p.show("seeding… " + strings.Repeat("x", i%7))
	}
	p.end()
	if out := buf.String(); out != "seeding… \n" {
		t.Errorf("a thousand updates within the period wrote %q, want the first line alone", out)
	}
	buf.Reset()
	p = &progress{w: &buf}
	p.show("table a 1/2")
	p.show("table b 2/2")
	p.end()
	if out := buf.String(); strings.Contains(out, "\r") || out != "table a 1/2\ntable b 2/2\n" {
		t.Errorf("updates a period apart wrote %q", out)
	}
}

// On a terminal one line is rewritten in place, a shorter line blanks
// what a longer one left, and end takes the line down.
func TestProgressRewritesOneLineOnATerminal(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true}
	p.show("accounts 12/20")
	p.show("tickets 3/9")
	p.end()
	want := "\raccounts 12/20" + "\rtickets 3/9   " + "\r" + strings.Repeat(" ", 11) + "\r"
	if out := buf.String(); out != want {
		t.Errorf("wrote %q, want %q", out, want)
	}
}
