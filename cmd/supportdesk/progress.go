package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-isatty"
)

// progress shows how far a long command has got on stderr. On a terminal
// one line is rewritten in place; anywhere else (a log file, CI) a line
// is written every progressEvery, each on its own: a carriage return
// there only piles every update onto one line of the file.
type progress struct {
	w     io.Writer
	tty   bool
	every time.Duration
	width int // of the line now on the terminal
	last  time.Time
}

// progressEvery spaces the lines written where stderr is no terminal.
const progressEvery = 5 * time.Second

func (a *app) progress() *progress {
	f, ok := a.stderr.(*os.File)
	return &progress{w: a.stderr, tty: ok && isatty.IsTerminal(f.Fd()), every: progressEvery}
}

// show puts line up, in place of the last on a terminal.
func (p *progress) show(line string) {
	if !p.tty {
		if now := time.Now(); p.last.IsZero() || now.Sub(p.last) >= p.every {
			p.last = now
			fmt.Fprintln(p.w, line)
		}
		return
	}
	// Spaces over what a longer line before left.
	n := utf8.RuneCountInString(line)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", max(p.width-n, 0)))
	p.width = n
}

// end takes the line down from a terminal, so that what comes next
// starts on a clean line.
func (p *progress) end() {
	if p.tty && p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}
