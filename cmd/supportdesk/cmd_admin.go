package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"supportdesk/core/access"
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
	db := a.dbPath(false)
	if err := ensureDir(db); err != nil {
		return a.failErr(fault.Storage(err))
	}
	st, err := openStore(ctx, db) // opening applies pending migrations
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
	if len(args) > 0 && args[0] == "disable" {
		return a.agentDisable(args[1:])
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

func splitCSV(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
