package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"supportdesk/core/fault"
)

// A command's settings come from its flags, then the environment, then its
// table of the configuration file (the file that holds [calendar]), then
// the defaults. Each flag --some-name is also $SUPPORTDESK_SOME_NAME and
// the key some_name of the table; --db is $SUPPORTDESK_DB and the
// top-level key db.

// envPrefix starts every environment variable of a setting.
const envPrefix = "SUPPORTDESK_"

// envOnly are settings that come only from the environment: secrets do not
// belong in a file that is copied between hosts and checked in.
var envOnly = map[string]string{"smtp_password": "SUPPORTDESK_SMTP_PASSWORD"}

// envName is the environment variable of a flag.
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// fileKey is the configuration file's key of a flag.
func fileKey(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

// fromFile says whether a flag may be set by the environment or the file:
// --config names the file and has its own variable, --db is read apart.
func fromFile(name string) bool { return name != "config" && name != "db" }

// settingError is a value from the environment or the file that its
// option refuses.
type settingError struct {
	option string // the flag's name
	source string // $VARIABLE, or the file
	key    string // the key in the file
	err    error
}

func (e *settingError) Error() string {
	return "--" + e.option + " from " + e.source + " " + e.key + ": " + e.err.Error()
}

// keyError is a key the configuration file may not hold.
type keyError struct {
	path, key string
	env       string // set for a secret: the variable it belongs in
	db        bool   // db in a file found beside the database
}

func (e *keyError) Error() string { return e.path + ": key " + e.key + " not accepted" }

// fileSettings is one command's part of the configuration file.
type fileSettings struct {
	path   string
	db     string
	values map[string]string // by key, as flag values
}

// applySettings fills the flags of fs the command line left unset from the
// environment, then from the table section of the configuration file.
// Empty variables count as unset. Errors are *settingError, *keyError or
// *configError.
func (a *app) applySettings(fset *flag.FlagSet, section string) error {
	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	file, err := a.readSettings(fset, section)
	if err != nil {
		return err
	}
	if !given["db"] && a.getenv("SUPPORTDESK_DB") == "" && file.db != "" {
		a.dbFlag = file.db
	}
	var first error
	fset.VisitAll(func(f *flag.Flag) {
		if first != nil || given[f.Name] || !fromFile(f.Name) {
			return
		}
		env := envName(f.Name)
		if v := a.getenv(env); v != "" {
			if err := fset.Set(f.Name, v); err != nil {
				first = &settingError{option: f.Name, source: "$" + env, err: err}
			}
			return
		}
		if v, ok := file.values[fileKey(f.Name)]; ok {
			if err := fset.Set(f.Name, v); err != nil {
				first = &settingError{option: f.Name, source: file.path, key: "[" + section + "] " + fileKey(f.Name), err: err}
			}
		}
	})
	return first
}

// readSettings reads the configuration file's db and table section, and
// refuses any key that no flag of fs takes, at the top level or in the
// table: a misspelt key must not silently leave a default in force. The
// [calendar] table is left to the calendar's own reader.
func (a *app) readSettings(fset *flag.FlagSet, section string) (fileSettings, error) {
	path, required := a.configPath(a.dbPath(false))
	out := fileSettings{path: path, values: map[string]string{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return out, nil
	}
	if err != nil {
		return out, &configError{path, fault.Invalid("config", fault.CodeInvalidInput)}
	}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return out, &configError{path, &fault.Error{Code: fault.CodeInvalidInput, Field: "config", Err: err}}
	}
	for _, k := range sortedKeys(doc) {
		switch v := doc[k]; k {
		case "calendar":
		case "db":
			s, ok := v.(string)
			if !ok {
				return out, &settingError{option: "db", source: path, key: "db", err: errors.New("not a string")}
			}
			if !required {
				// The file was found beside the database: it cannot move it.
				return out, &keyError{path: path, key: "db", db: true}
			}
			out.db = s
		case section:
			table, ok := v.(map[string]any)
			if !ok {
				return out, &keyError{path: path, key: k}
			}
			for _, key := range sortedKeys(table) {
				if env, ok := envOnly[key]; ok {
					return out, &keyError{path: path, key: section + "." + key, env: env}
				}
				f := fset.Lookup(strings.ReplaceAll(key, "_", "-"))
				if f == nil || !fromFile(f.Name) || fileKey(f.Name) != key {
					return out, &keyError{path: path, key: section + "." + key}
				}
				s, err := flagValue(table[key])
				if err != nil {
					return out, &settingError{option: f.Name, source: path, key: "[" + section + "] " + key, err: err}
				}
				out.values[key] = s
			}
		default:
			return out, &keyError{path: path, key: k}
		}
	}
	return out, nil
}

// flagValue writes a TOML value as a flag value: strings as they are
// (durations are strings: "2m"), numbers and booleans in Go syntax.
func flagValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("a %T is not a value of this option", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// failSettings reports a settings error in the user's language, naming the
// option or key and where it came from; the value is not echoed (it may be
// a path or an address).
func (a *app) failSettings(err error) int {
	var se *settingError
	var ke *keyError
	switch {
	case errors.As(err, &se):
		source := clean(se.source)
		if se.key != "" {
			source += " " + se.key
		}
		return a.fail(exitUsage, a.l.T("cli.error.setting", map[string]any{"Option": "--" + se.option, "Source": source}))
	case errors.As(err, &ke) && ke.env != "":
		return a.fail(exitUsage, a.l.T("cli.error.config_secret", map[string]any{"Path": clean(ke.path), "Key": clean(ke.key), "Env": "$" + ke.env}))
	case errors.As(err, &ke) && ke.db:
		return a.fail(exitUsage, a.l.T("cli.error.config_db", map[string]any{"Path": clean(ke.path)}))
	case errors.As(err, &ke):
		return a.fail(exitUsage, a.l.T("cli.error.config_unknown", map[string]any{"Path": clean(ke.path), "Key": clean(ke.key)}))
	}
	return a.failConfig(err)
}

// settingsUsage prints, after a command's options, where each one may come
// from besides the command line.
func (a *app) settingsUsage(fset *flag.FlagSet, section string) {
	fmt.Fprintln(a.stderr)
	fmt.Fprintln(a.stderr, a.l.T("cli.settings.help", map[string]any{"Section": section}))
	fmt.Fprintln(a.stderr)
	fmt.Fprintln(a.stderr, a.l.T("cli.settings.table"))
	fmt.Fprintf(a.stderr, "  --%-14s %-32s %s\n", "db", "$SUPPORTDESK_DB", "db")
	fmt.Fprintf(a.stderr, "  --%-14s %s\n", "config", "$SUPPORTDESK_CONFIG")
	fset.VisitAll(func(f *flag.Flag) {
		if fromFile(f.Name) {
			fmt.Fprintf(a.stderr, "  --%-14s %-32s [%s] %s\n", f.Name, "$"+envName(f.Name), section, fileKey(f.Name))
		}
	})
	for key, env := range envOnly {
		fmt.Fprintf(a.stderr, "  %-16s %-32s %s\n", "", "$"+env, a.l.T("cli.settings.env_only", map[string]any{"Key": key}))
	}
}
