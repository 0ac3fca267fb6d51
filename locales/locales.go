// Package locales embeds the console's message files, one per language, in
// go-i18n v2 TOML format (active.en.toml, active.es.toml, active.fr.toml).
package locales

import "embed"

// FS holds the active.<lang>.toml message files; package i18n loads them
// once per process so no session reads the disk.
//
//go:embed active.*.toml
var FS embed.FS
