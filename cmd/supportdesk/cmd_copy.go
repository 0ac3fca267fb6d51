package main

// copyDesk runs "supportdesk copy --from PATH --to postgres://…": it moves
// a SQLite desk to PostgreSQL.
func (a *app) copyDesk(args []string) int {
	fs := a.flags("copy", "cli.usage.copy")
	if err := fs.Parse(args); err != nil {
		return a.flagError(err)
	}
	return exitFail
}
