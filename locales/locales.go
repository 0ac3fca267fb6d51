// Package locales embeds the console's message files in go-i18n v2 TOML
// format: active.<lang>.toml for each of en, es and fr, and an
// <area>.<lang>.toml for an area whose texts are kept apart (macros).
package locales

import "embed"

// FS holds the message files; package i18n loads them once per process so
// no session reads the disk.
//
//go:embed *.toml
var FS embed.FS
