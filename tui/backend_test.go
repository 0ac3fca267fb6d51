package tui

import "supportdesk/core/service"

// The core's one front-end entry point serves the console as it is.
var (
	_ Backend = (*service.Service)(nil)
	_ Tickets = (*service.Service)(nil)
)
