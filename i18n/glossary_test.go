package i18n

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"supportdesk/locales"
)

// glossary is locales/glossary.toml: the terminology of es and fr.
type glossary struct {
	Term []struct {
		Concept  string
		En       string
		Es       string
		Fr       string
		AvoidEs  []string `toml:"avoid_es"`
		AvoidFr  []string `toml:"avoid_fr"`
		ExceptEs []string `toml:"except_es"`
		ExceptFr []string `toml:"except_fr"`
	}
	Keys   map[string]string
	Expect map[string]map[string]string
}

func loadGlossary(t *testing.T) glossary {
	t.Helper()
	buf, err := fs.ReadFile(locales.FS, "glossary.toml")
	if err != nil {
		t.Fatal(err)
	}
	var g glossary
	md, err := toml.Decode(string(buf), &g)
	if err != nil {
		t.Fatalf("glossary.toml: %v", err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		t.Fatalf("glossary.toml: unknown keys %v", extra)
	}
	if len(g.Term) == 0 || len(g.Keys) != len(Languages) || len(g.Expect) != len(Languages) {
		t.Fatalf("glossary.toml: %d terms, keys for %d and expectations for %d languages", len(g.Term), len(g.Keys), len(g.Expect))
	}
	return g
}

// notWords are what a reader does not see as words: template actions,
// command lines and their options.
var notWords = regexp.MustCompile(`\{\{[^}]*\}\}|--[a-z][a-z0-9-]*|supportdesk [a-z][a-z-]*`)

// wordPattern matches p as a whole word: no letter, digit or underscore on
// either side (RE2's \b knows only ASCII letters).
func wordPattern(t *testing.T, p string) *regexp.Regexp {
	t.Helper()
	flags := ""
	if rest, ok := strings.CutPrefix(p, "(?i)"); ok {
		flags, p = "(?i)", rest
	}
	re, err := regexp.Compile(flags + `(?:^|[^\pL\pN_])(` + p + `)(?:$|[^\pL\pN_])`)
	if err != nil {
		t.Fatalf("glossary pattern %q: %v", p, err)
	}
	return re
}

// TestGlossaryTerms checks that no Spanish or French message uses a word the
// glossary avoids: one word for agency, for email, for add, and language
// names in the interface language.
func TestGlossaryTerms(t *testing.T) {
	t.Parallel()
	g := loadGlossary(t)
	cats := loadCatalogs(t)
	for _, term := range g.Term {
		for lang, rule := range map[string]struct{ avoid, except []string }{
			"es": {term.AvoidEs, term.ExceptEs},
			"fr": {term.AvoidFr, term.ExceptFr},
		} {
			for _, p := range rule.avoid {
				re := wordPattern(t, p)
				for _, id := range slices.Sorted(maps.Keys(cats[lang])) {
					if excepted(rule.except, id) {
						continue
					}
					for form, text := range forms(cats[lang][id]) {
						if m := re.FindStringSubmatch(notWords.ReplaceAllString(text, " ")); m != nil {
							t.Errorf("%s %q (%s): %q where the glossary says %q (%s)", lang, id, form, m[1], pick(lang, term.Es, term.Fr), term.Concept)
						}
					}
				}
			}
		}
	}
}

// excepted reports whether id is in the list, or under one of its prefixes
// (entries ending in a dot).
func excepted(list []string, id string) bool {
	return slices.ContainsFunc(list, func(e string) bool {
		return e == id || strings.HasSuffix(e, ".") && strings.HasPrefix(id, e)
	})
}

func pick(lang, es, fr string) string {
	if lang == "es" {
		return es
	}
	return fr
}

// TestGlossaryKeys checks that a message naming a key to press names the
// same key in every language: keys are not translated.
func TestGlossaryKeys(t *testing.T) {
	t.Parallel()
	g := loadGlossary(t)
	cats := loadCatalogs(t)
	res := map[string]*regexp.Regexp{}
	for _, lang := range Languages {
		res[lang] = regexp.MustCompile(g.Keys[lang])
	}
	keys := func(lang, text string) []string {
		var out []string
		for _, m := range res[lang].FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	checked := 0
	for id, en := range cats["en"] {
		want := keys("en", en.Other)
		if len(want) == 0 {
			continue
		}
		checked++
		for _, lang := range []string{"es", "fr"} {
			m, ok := cats[lang][id]
			if !ok {
				continue // reported by TestEveryIDInEveryLocale
			}
			for form, text := range forms(m) {
				if got := keys(lang, text); !slices.Equal(got, want) {
					t.Errorf("%s %q (%s): names keys %v, English names %v: %q", lang, id, form, got, want, text)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no English message names a key: has the wording changed under the glossary's pattern?")
	}
}

// TestGlossaryExpectations checks the texts the glossary pins word for
// word: filter values and statuses that agree with their noun, "Asignada a mí",
// language names.
func TestGlossaryExpectations(t *testing.T) {
	t.Parallel()
	g := loadGlossary(t)
	cats := loadCatalogs(t)
	for lang, want := range g.Expect {
		for id, text := range want {
			m, ok := cats[lang][id]
			if !ok {
				t.Errorf("%s: the glossary pins %q, which is missing", lang, id)
				continue
			}
			if m.Other != text {
				t.Errorf("%s %q = %q, the glossary says %q", lang, id, m.Other, text)
			}
		}
	}
	// Running text writes a language name as the expectations do: es and
	// fr in lowercase, whatever the sentence.
	b := testBundle(t)
	for lang, want := range map[string]string{
		"en": "Requester writes in Spanish",
		"es": "El solicitante escribe en español",
		"fr": "Le demandeur écrit en espagnol",
	} {
		l := b.Localizer(lang)
		if got := l.T("ticket.writes_in", map[string]any{"Language": l.T("language.es")}); got != want {
			t.Errorf("%s ticket.writes_in = %q, want %q", lang, got, want)
		}
	}
}
