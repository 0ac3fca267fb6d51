package sshd

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// sessionEnv is a session's environment as termenv reads it: the
// client's, never the server process's.
type sessionEnv struct{ vars map[string]string }

func newSessionEnv(environ []string, term string) sessionEnv {
	e := sessionEnv{vars: map[string]string{}}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			e.vars[k] = v
		}
	}
	if term != "" {
		e.vars["TERM"] = term // the PTY request's TERM wins
	}
	return e
}

// Environ lists the variables as KEY=value.
func (e sessionEnv) Environ() []string {
	out := make([]string, 0, len(e.vars))
	for k, v := range e.vars {
		out = append(out, k+"="+v)
	}
	return out
}

// Getenv reads one variable; "" when unset.
func (e sessionEnv) Getenv(k string) string { return e.vars[k] }

// profile is the colour profile the client's terminal gets: none under
// NO_COLOR (https://no-color.org: set and not empty) or for a dumb or
// unnamed terminal; else what TERM and COLORTERM claim. The server never
// asks the terminal: an answer that does not come would hang the session.
func (e sessionEnv) profile() termenv.Profile {
	if e.Getenv("NO_COLOR") != "" {
		return termenv.Ascii
	}
	term := strings.ToLower(e.Getenv("TERM"))
	switch ct := strings.ToLower(e.Getenv("COLORTERM")); {
	case term == "" || term == "dumb":
		return termenv.Ascii
	case ct == "truecolor" || ct == "24bit":
		return termenv.TrueColor
	case strings.Contains(term, "kitty"), strings.Contains(term, "ghostty"), strings.Contains(term, "wezterm"),
		strings.Contains(term, "direct"):
		return termenv.TrueColor
	case strings.Contains(term, "256color"):
		return termenv.ANSI256
	}
	return termenv.ANSI
}

// renderer makes the session's own lipgloss renderer over its output,
// with the profile fixed up front and a dark background assumed (the
// console sets it again from its options): nothing is queried.
func (e sessionEnv) renderer(w io.Writer) *lipgloss.Renderer {
	p := e.profile()
	r := lipgloss.NewRenderer(w, termenv.WithEnvironment(e), termenv.WithProfile(p), termenv.WithColorCache(true))
	r.SetColorProfile(p)
	r.SetHasDarkBackground(true)
	return r
}

// lang is the language the client's locale asks for (SUPPORTDESK_LANG,
// LC_ALL, LC_MESSAGES, LANG, as a local console reads them), or "".
func (e sessionEnv) lang(supported func(string) bool, normalize func(string) string) string {
	for _, name := range []string{"SUPPORTDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.TrimSpace(e.Getenv(name))
		switch {
		case v == "":
			continue
		case v == "C" || v == "POSIX":
			return ""
		case supported(v):
			return normalize(v)
		}
	}
	return ""
}
