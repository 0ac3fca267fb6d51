// Command supportdesk is the support-desk console of the identity provider
// and its tools: one binary, one subcommand per job.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supportdesk/core/safetext"
	"supportdesk/core/store/postgres"
	"supportdesk/i18n"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// app is one run of the binary: where output goes and in which language.
type app struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	l              *i18n.Localizer
	dbFlag         string        // --db as given, "" when not given
	configFlag     string        // --config as given
	idleLock       time.Duration // --idle-lock of demo and console; 0 keeps 30 minutes
	demoQueries    []string
	getenv         func(string) string
	fset           *flag.FlagSet // the flag set made last, whose errors flagError reports
	cpuProfile     string        // bench --cpuprofile: where the measured part's CPU profile goes
}

// command is a subcommand.
type command struct {
	name  string
	short string // message id of the one-line description
	run   func(a *app, args []string) int
}

func commands() []command {
	return []command{
		{"demo", "cli.cmd.demo", (*app).demo},
		{"console", "cli.cmd.console", (*app).console},
		{"seed", "cli.cmd.seed", (*app).seed},
		{"migrate", "cli.cmd.migrate", (*app).migrate},
		{"copy", "cli.cmd.copy", (*app).copyDesk},
		{"audit", "cli.cmd.audit", (*app).audit},
		{"agent", "cli.cmd.agent", (*app).agent},
		{"serve", "cli.cmd.serve", (*app).serve},
		{"mail-in", "cli.cmd.mail_in", (*app).mailIn},
		{"sla", "cli.cmd.sla", (*app).sla},
		{"load", "cli.cmd.load", (*app).load},
		{"bench", "cli.cmd.bench", (*app).bench},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	bundle, err := i18n.NewBundle()
	if err != nil {
		fmt.Fprintln(stderr, "supportdesk: locales:", err)
		return exitFail
	}
	a := &app{stdout: stdout, stderr: stderr, stdin: stdin, getenv: getenv}
	a.l = bundle.Localizer(i18n.FromEnv())
	// --lang counts before anything is printed, --help included.
	if l := langArg(args); i18n.Supported(l) {
		a.l = bundle.Localizer(l)
	}
	fs := a.flags("supportdesk", "cli.usage.main")
	lang := fs.String("lang", "", a.l.T("cli.flag.lang"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if *lang != "" {
		if !i18n.Supported(*lang) {
			return a.fail(exitUsage, a.l.T("cli.error.lang", map[string]any{"Lang": clean(*lang)}))
		}
		a.l = bundle.Localizer(*lang)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return exitUsage
	}
	if rest[0] == "help" {
		return a.help(fs, rest[1:])
	}
	if c, ok := lookup(rest[0]); ok {
		return c.run(a, rest[1:])
	}
	return a.unknownCommand(rest[0])
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func (a *app) unknownCommand(name string) int {
	return a.fail(exitUsage, a.l.T("cli.error.unknown_command", map[string]any{"Command": clean(name)}))
}

// help runs "supportdesk help [command [subcommand]]": the usage of the
// binary or of a command, on standard output since it was asked for.
func (a *app) help(top *flag.FlagSet, args []string) int {
	if len(args) == 0 {
		a.stderr, a.stdout = a.stdout, a.stderr
		defer func() { a.stderr, a.stdout = a.stdout, a.stderr }()
		top.Usage()
		return exitOK
	}
	c, ok := lookup(args[0])
	if !ok {
		return a.unknownCommand(args[0])
	}
	a.stderr, a.stdout = a.stdout, a.stderr
	defer func() { a.stderr, a.stdout = a.stdout, a.stderr }()
	return c.run(a, append(args[1:len(args):len(args)], "--help"))
}

// langArg is the value of --lang among the options before the command
// (the last one wins, as in the flag package), or "".
func langArg(args []string) string {
	lang := ""
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" || arg == "-" || !strings.HasPrefix(arg, "-") {
			break // the command
		}
		name, value, inline := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-"), "=")
		switch name {
		case "lang":
			if !inline {
				if i+1 == len(args) {
					return lang
				}
				i++
				value = args[i]
			}
			lang = value
		case "db", "config":
			if !inline {
				i++ // their value
			}
		}
	}
	return lang
}

// flags makes a flag set whose usage and errors are localized. Every set
// takes --db.
func (a *app) flags(name, usageID string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.fset = fs
	fs.StringVar(&a.dbFlag, "db", a.dbFlag, a.l.T("cli.flag.db", map[string]any{"Path": defaultDB(a.getenv, false)}))
	fs.StringVar(&a.configFlag, "config", a.configFlag, a.l.T("cli.flag.config"))
	fs.Usage = func() {
		fmt.Fprintln(a.stderr, a.l.T(usageID))
		if name == "supportdesk" {
			fmt.Fprintln(a.stderr)
			fmt.Fprintln(a.stderr, a.l.T("cli.commands"))
			for _, c := range commands() {
				fmt.Fprintf(a.stderr, "  %-9s %s\n", c.name, a.l.T(c.short))
			}
			fmt.Fprintf(a.stderr, "  %-9s %s\n", "help", a.l.T("cli.cmd.help"))
		}
		fmt.Fprintln(a.stderr)
		fmt.Fprintln(a.stderr, a.l.T("cli.options"))
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				v := f.DefValue
				if f.Name == "db" {
					v = shown(v) // a URL's password stays out of the help
				}
				def = " (" + a.l.T("cli.default", map[string]any{"Value": v}) + ")"
			}
			fmt.Fprintf(a.stderr, "  --%-12s %s%s\n", f.Name, f.Usage, def)
		})
	}
	return fs
}

// flagError reports a parse error in the user's language, naming the
// option and what it takes. --help is not an error.
func (a *app) flagError(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return a.fail(exitUsage, a.flagMessage(err.Error()))
}

// The flag package's errors, which are English text only.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -(.+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -(.+)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-([^:]+): `)
)

// flagMessage turns a flag package error into a localized sentence.
func (a *app) flagMessage(msg string) string {
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return a.l.T("cli.error.flag_unknown", map[string]any{"Option": "--" + clean(m[1])})
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return a.l.T("cli.error.flag_needs_value", map[string]any{"Option": "--" + clean(m[1])})
	}
	m := flagBadValue.FindStringSubmatch(msg)
	if m == nil {
		return a.l.T("cli.error.flag", map[string]any{"Detail": clean(flagDetail(errors.New(msg)))})
	}
	value, err := strconv.Unquote(m[1])
	if err != nil {
		value = m[1]
	}
	return a.badValue(m[2], value, "")
}

// badValue says that option --name does not take value, and what it takes:
// id, or else the message of the flag's type.
func (a *app) badValue(name, value, id string) string {
	if id == "" {
		id = "cli.error.flag_value"
		if f := a.lookupFlag(name); f != nil {
			if g, ok := f.Value.(flag.Getter); ok {
				switch g.Get().(type) {
				case int, int64:
					id = "cli.error.flag_int"
				case uint, uint64:
					id = "cli.error.flag_uint"
				case float64:
					id = "cli.error.flag_number"
				case time.Duration:
					id = "cli.error.flag_duration"
				case bool:
					id = "cli.error.flag_bool"
				}
			}
		}
	}
	return a.l.T(id, map[string]any{"Option": "--" + clean(name), "Value": clean(value)})
}

func (a *app) lookupFlag(name string) *flag.Flag {
	if a.fset == nil {
		return nil
	}
	return a.fset.Lookup(name)
}

// flagDetail keeps the flag name from the flag package's English message.
func flagDetail(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// fail prints a localized error line and returns the status.
func (a *app) fail(status int, msg string) int {
	fmt.Fprintln(a.stderr, "supportdesk: "+msg)
	return status
}

// failErr localizes a core error.
func (a *app) failErr(err error) int {
	var ce *postgres.ConnectError
	if errors.Is(err, postgres.ErrBadURL) {
		return a.fail(exitUsage, a.l.T("cli.error.pg_url"))
	}
	if errors.As(err, &ce) {
		detail := safetext.Line(ce.Err.Error())
		if utf8.RuneCountInString(detail) > 300 {
			detail = string([]rune(detail)[:300]) + "…"
		}
		return a.fail(exitFail, a.l.T("cli.error.pg_connect", map[string]any{"Detail": detail}))
	}
	return a.fail(exitFail, a.l.Err(err))
}

// defaultDB is $SUPPORTDESK_DB, else supportdesk.db (demo.db for the demo)
// in the XDG data folder.
func defaultDB(getenv func(string) string, demo bool) string {
	if p := getenv("SUPPORTDESK_DB"); p != "" {
		return p
	}
	name := "supportdesk.db"
	if demo {
		name = "demo.db"
	}
	return filepath.Join(dataDir(getenv), name)
}

// dbPath is --db, else the default.
func (a *app) dbPath(demo bool) string {
	if a.dbFlag != "" {
		return a.dbFlag
	}
	return defaultDB(a.getenv, demo)
}

func dataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "supportdesk")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, ".local", "share", "supportdesk")
}

// clean makes input echoed back to a terminal safe and short.
func clean(s string) string {
	s = safetext.Line(s)
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:80]) + "…"
	}
	return s
}

// interruptible returns a context cancelled by Ctrl-C.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}
