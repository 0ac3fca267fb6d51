package main

import (
	"context"

	"supportdesk/core/service"
)

// open opens the core on the database, creating its folder.
func (a *app) open(ctx context.Context, db string) (*service.Service, error) {
	if err := ensureDir(db); err != nil {
		return nil, err
	}
	return service.Open(ctx, service.Config{DBPath: db})
}
