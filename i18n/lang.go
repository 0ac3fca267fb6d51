package i18n

import (
	"os"
	"slices"
	"strings"
)

// Languages are the console's languages, in the order the language key
// cycles through them.
var Languages = []string{"en", "es", "fr"}

// DefaultLanguage is used when nothing better is known.
const DefaultLanguage = "en"

// Normalize maps a language tag or POSIX locale ("fr_FR.UTF-8", "es-MX",
// "EN") to one of Languages, or to DefaultLanguage when unsupported.
func Normalize(lang string) string {
	if l, ok := parseLang(lang); ok {
		return l
	}
	return DefaultLanguage
}

// Supported reports whether lang, once normalized, is one of Languages.
func Supported(lang string) bool {
	_, ok := parseLang(lang)
	return ok
}

// parseLang takes the language part of a tag or locale name.
func parseLang(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "_-.@"); i >= 0 {
		s = s[:i]
	}
	if slices.Contains(Languages, s) {
		return s, true
	}
	return "", false
}

// Next returns the language after lang in Languages, wrapping around; an
// unknown lang counts as DefaultLanguage.
func Next(lang string) string {
	i := slices.Index(Languages, Normalize(lang))
	return Languages[(i+1)%len(Languages)]
}

// FromEnv picks the console language from SUPPORTDESK_LANG, then LC_ALL,
// LC_MESSAGES and LANG, defaulting to DefaultLanguage.
func FromEnv() string { return fromEnv(os.Getenv) }

// fromEnv takes getenv so tests need not touch the process environment.
// The first variable naming a supported language wins; a POSIX "C" locale
// ends the search, as it would for any POSIX program.
func fromEnv(getenv func(string) string) string {
	for _, name := range []string{"SUPPORTDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		if strings.EqualFold(v, PseudoLanguage) {
			return PseudoLanguage // for review; it speaks English otherwise
		}
		if l, ok := parseLang(v); ok {
			return l
		}
		if base, _, _ := strings.Cut(v, "."); base == "C" || base == "POSIX" {
			return DefaultLanguage
		}
	}
	return DefaultLanguage
}
