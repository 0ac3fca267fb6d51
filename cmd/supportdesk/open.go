package main

import (
	"context"

	"supportdesk/core/service"
)

// withService opens the core on db for the length of fn, under a context
// that Ctrl-C cancels, and closes it afterwards.
func (a *app) withService(db string, fn func(ctx context.Context, svc *service.Service) int) int {
	ctx, cancel := interruptible()
	defer cancel()
	svc, err := a.open(ctx, db)
	if err != nil {
		return a.failErr(err)
	}
	defer svc.Close()
	return fn(ctx, svc)
}

// open opens the core on the database, creating its folder.
func (a *app) open(ctx context.Context, db string) (*service.Service, error) {
	if err := ensureDir(db); err != nil {
		return nil, err
	}
	return service.Open(ctx, service.Config{DBPath: db})
}
