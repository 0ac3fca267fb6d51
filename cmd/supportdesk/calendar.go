package main

import (
	"context"

	"supportdesk/core/calendar"
	"supportdesk/core/helpdesk"
	"supportdesk/core/service"
)

// centerCalendar is the center's SLA policy: the default calendar (08:00-20:00
// America/New_York, Monday-Friday, federal holidays) plus stored closures.
func centerCalendar(ctx context.Context, svc *service.Service) (helpdesk.Policy, error) {
	return helpdesk.LoadPolicy(ctx, svc.Store, calendar.DefaultConfig())
}
