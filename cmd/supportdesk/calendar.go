package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"supportdesk/core/calendar"
	"supportdesk/core/fault"
)

// configPath is --config, else $SUPPORTDESK_CONFIG, else supportdesk.toml
// in the database's folder; required reports whether it was asked for by
// name (then a missing file is an error, not the defaults).
func (a *app) configPath(db string) (path string, required bool) {
	if a.configFlag != "" {
		return a.configFlag, true
	}
	if p := a.getenv("SUPPORTDESK_CONFIG"); p != "" {
		return p, true
	}
	return filepath.Join(a.locate(db).dir, "supportdesk.toml"), false
}

// configError is a configuration problem, reported with the file's path.
type configError struct {
	path string
	err  error
}

func (e *configError) Error() string { return e.path + ": " + e.err.Error() }

// calendarConfig reads the center's calendar (zone, hours, weekdays,
// holidays) from the configuration file, or the defaults without one.
func (a *app) calendarConfig(db string) (calendar.Config, error) {
	path, required := a.configPath(db)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return calendar.DefaultConfig(), nil
	}
	if err != nil {
		return calendar.Config{}, &configError{path, fault.Invalid("config", fault.CodeInvalidInput)}
	}
	cfg, err := calendar.ParseConfig(data)
	if err != nil {
		return cfg, &configError{path, err}
	}
	return cfg, nil
}

// failConfig reports a configuration error in the user's language.
func (a *app) failConfig(err error) int {
	var ce *configError
	if errors.As(err, &ce) {
		field := ""
		if fe, ok := fault.As(ce.err); ok {
			field = fe.Field
		}
		return a.fail(exitUsage, a.l.T("cli.error.config", map[string]any{"Path": clean(ce.path), "Key": field}))
	}
	return a.failErr(err)
}
