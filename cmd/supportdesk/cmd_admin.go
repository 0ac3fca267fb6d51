package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/core/fault"
	"supportdesk/core/secret"
	"supportdesk/core/service"
	"supportdesk/core/staff"
	"supportdesk/core/store"
)

func (a *app) migrate(args []string) int {
	fs := a.flags("migrate", "cli.usage.migrate")
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	ctx, cancel := interruptible()
	defer cancel()
	st, err := a.openStore(ctx, a.dbPath(false)) // opening applies pending migrations
	if err != nil {
		return a.failOpen(err)
	}
	defer st.Close()
	m, ok := st.(store.Maintainer)
	if !ok {
		return a.failErr(fault.New(fault.CodeStorage))
	}
	v, err := m.SchemaVersion(ctx)
	if err != nil {
		return a.failErr(fault.Storage(err))
	}
	fmt.Fprintln(a.stdout, a.l.T("cli.migrate.done", map[string]any{"Version": v}))
	return exitOK
}

func (a *app) agent(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "disable":
			return a.agentDisable(args[1:])
		case "add-key":
			return a.agentKey(args[1:], true)
		case "remove-key":
			return a.agentKey(args[1:], false)
		}
	}
	if len(args) == 0 || args[0] != "add" {
		fs := a.flags("agent", "cli.usage.agent")
		if err := fs.Parse(args); err != nil {
			return a.flagError(err)
		}
		fs.Usage()
		return exitUsage
	}
	fs := a.flags("agent add", "cli.usage.agent")
	email := fs.String("email", "", a.l.T("cli.flag.email"))
	name := fs.String("name", "", a.l.T("cli.flag.name"))
	role := fs.String("role", string(access.RoleAgent), a.l.T("cli.flag.role"))
	langs := fs.String("languages", "en", a.l.T("cli.flag.languages"))
	ui := fs.String("ui-lang", "", a.l.T("cli.flag.ui_lang"))
	agencies := fs.String("agencies", "", a.l.T("cli.flag.agencies"))
	pwStdin := fs.Bool("password-stdin", false, a.l.T("cli.flag.password_stdin"))
	if err := fs.Parse(args[1:]); err != nil {
		return a.flagError(err)
	}
	password := ""
	generated := false
	if *pwStdin {
		line, err := bufio.NewReader(a.stdin).ReadString('\n')
		if err != nil && line == "" {
			return a.failErr(fault.Invalid("password", fault.CodePasswordLength))
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = secret.RandomCrockford(20), true
	}
	in := staff.NewAgent{Email: *email, DisplayName: *name, Role: access.Role(*role), Languages: splitCSV(*langs),
		UILanguage: *ui, Agencies: splitCSV(*agencies), Password: password}
	if in.UILanguage == "" && len(in.Languages) > 0 {
		in.UILanguage = in.Languages[0]
	}
	return a.withService(a.dbPath(false), func(ctx context.Context, svc *service.Service) int {
		p, err := svc.Staff.AddAgent(ctx, operator(svc), in)
		if fault.CodeOf(err) == fault.CodeConflict {
			// Agents are unique by email, and the id is new: the conflict
			// is the address, not someone else's edit.
			shown, _ := account.NormalizeEmail(*email) // AddAgent took it, so it normalizes
			return a.fail(exitFail, a.l.T("cli.error.agent_exists", map[string]any{"Email": clean(shown)}))
		}
		if err != nil {
			return a.failErr(err)
		}
		fmt.Fprintln(a.stdout, a.l.T("cli.agent.added", map[string]any{"ID": p.AgentID}))
		fmt.Fprintln(a.stdout, a.l.T("cli.agent.uri", map[string]any{"URI": p.URI}))
		if generated {
			fmt.Fprintln(a.stdout, a.l.T("cli.agent.password", map[string]any{"Password": password}))
		}
		return exitOK
	})
}

// agentDisable disables an agent; its live sessions are refused from
// their next call.
func (a *app) agentDisable(args []string) int {
	fs := a.flags("agent disable", "cli.usage.agent")
	email := fs.String("email", "", a.l.T("cli.flag.email"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	return a.withService(a.dbPath(false), func(ctx context.Context, svc *service.Service) int {
		n, err := svc.Staff.Disable(ctx, operator(svc), *email)
		if err != nil {
			return a.failErr(err)
		}
		fmt.Fprintln(a.stdout, a.l.N("cli.agent.disabled", n, map[string]any{"Count": a.l.Number(int64(n))}))
		return exitOK
	})
}

// agentKey registers an agent's SSH public key (add) or drops one
// (remove). --key is a file in authorized_keys form ("-": standard input);
// remove also takes the key's SHA256 fingerprint.
func (a *app) agentKey(args []string, add bool) int {
	name, usage := "agent remove-key", "cli.usage.agent_remove_key"
	if add {
		name, usage = "agent add-key", "cli.usage.agent_add_key"
	}
	fs := a.flags(name, usage)
	email := fs.String("email", "", a.l.T("cli.flag.email"))
	keyArg := fs.String("key", "", a.l.T("cli.flag.key"))
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	if *email == "" || *keyArg == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	key := *keyArg
	if add || !strings.HasPrefix(key, "SHA256:") {
		raw, err := a.readKeyFile(key)
		if err != nil {
			return a.fail(exitUsage, a.l.T("cli.error.ssh_key_file", map[string]any{"Path": clean(key)}))
		}
		key = raw
	}
	return a.withService(a.dbPath(false), func(ctx context.Context, svc *service.Service) int {
		if add {
			fp, err := svc.Staff.AddKey(ctx, operator(svc), *email, key)
			if err != nil {
				return a.keyError(err)
			}
			fmt.Fprintln(a.stdout, a.l.T("cli.agent.key_added", map[string]any{"Fingerprint": fp}))
			return exitOK
		}
		n, err := svc.Staff.RemoveKey(ctx, operator(svc), *email, key)
		if err != nil {
			return a.keyError(err)
		}
		fmt.Fprintln(a.stdout, a.l.N("cli.agent.key_removed", n, map[string]any{"Count": a.l.Number(int64(n))}))
		return exitOK
	})
}

// readKeyFile reads a public key file, at most staff.MaxKeyLine bytes.
func (a *app) readKeyFile(path string) (string, error) {
	var r io.Reader = a.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, staff.MaxKeyLine+1))
	if err != nil || len(raw) > staff.MaxKeyLine {
		return "", errors.New("key file too large")
	}
	return string(raw), nil
}

// keyError names what was wrong with a key, else the core's error.
func (a *app) keyError(err error) int {
	fe, ok := fault.As(err)
	switch {
	case ok && fe.Field == "key" && fe.Code == fault.CodeInvalidInput:
		return a.fail(exitUsage, a.l.T("cli.error.key_invalid"))
	case ok && fe.Field == "key" && fe.Code == fault.CodeConflict:
		return a.fail(exitFail, a.l.T("cli.error.key_taken"))
	case ok && fe.Field == "key" && fe.Code == fault.CodeNotFound:
		return a.fail(exitFail, a.l.T("cli.error.key_unknown"))
	case ok && fe.Field == "email" && fe.Code == fault.CodeConflict:
		return a.fail(exitFail, a.l.T("cli.error.agent_disabled"))
	}
	return a.failErr(err)
}

func splitCSV(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
