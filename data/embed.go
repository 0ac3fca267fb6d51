// Package data embeds the schema migrations and demo fixtures.
package data

import "embed"

// Migrations holds the numbered SQL files, NNNN_name.sql, applied in order.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Postgres holds the PostgreSQL backend's own numbered migrations,
// postgres/NNNN_name.sql: the same schema in that dialect.
//
//go:embed postgres/*.sql
var Postgres embed.FS
