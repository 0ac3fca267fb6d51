// Package data embeds the schema migrations and demo fixtures.
package data

import "embed"

// Migrations holds the numbered SQL files, NNNN_name.sql, applied in order.
//
//go:embed migrations/*.sql
var Migrations embed.FS
