package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"unicode"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"supportdesk/core/access"
	"supportdesk/core/account"
	"supportdesk/locales"
)

// pluralForms are the CLDR forms go-i18n v2.7.0 selects for each language;
// TestPluralFormsOfGoI18n checks this table against the library.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"es": {"one", "many", "other"},
	"fr": {"one", "many", "other"},
}

// sameAsEnglish may read the same in every language.
var sameAsEnglish = []string{"IAL", "UUID", "TOTP", "PIV/CAC"}

// sameAsEnglishAreas are id prefixes exempt from the translation check:
// language names are written in their own language in every file.
var sameAsEnglishAreas = []string{"language_own."}

// catalog is every message of one language by id.
type catalog map[string]*goi18n.Message

// loadCatalogs parses the embedded files directly, not through a bundle, so
// the tests see exactly what each file holds.
func loadCatalogs(t testing.TB) map[string]catalog {
	t.Helper()
	out := make(map[string]catalog, len(Languages))
	for _, lang := range Languages {
		paths, err := MessageFiles(locales.FS, lang)
		if err != nil {
			t.Fatal(err)
		}
		c := catalog{}
		for _, path := range paths {
			buf, err := fs.ReadFile(locales.FS, path)
			if err != nil {
				t.Fatalf("read %s: %v", path, err)
			}
			mf, err := goi18n.ParseMessageFileBytes(buf, path, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
			if err != nil {
				t.Fatalf("parse %s: %v", path, err)
			}
			for _, m := range mf.Messages {
				if _, dup := c[m.ID]; dup {
					t.Errorf("%s: duplicate id %q", path, m.ID)
				}
				c[m.ID] = m
			}
		}
		out[lang] = c
	}
	return out
}

// forms returns a message's non-empty plural forms by name.
func forms(m *goi18n.Message) map[string]string {
	all := map[string]string{
		"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other,
	}
	maps.DeleteFunc(all, func(_, v string) bool { return v == "" })
	return all
}

func isPlural(m *goi18n.Message) bool {
	f := forms(m)
	delete(f, "other")
	return len(f) > 0
}

var templateVar = regexp.MustCompile(`\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)`)

// vars returns the template variables used by any form of m.
func vars(m *goi18n.Message) []string {
	set := map[string]bool{}
	for _, text := range forms(m) {
		for _, match := range templateVar.FindAllStringSubmatch(text, -1) {
			set[match[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func TestPluralFormsOfGoI18n(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			b := goi18n.NewBundle(language.English)
			tag := language.Make(lang)
			probe := &goi18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
			if err := b.AddMessages(tag, probe); err != nil {
				t.Fatal(err)
			}
			l := goi18n.NewLocalizer(b, lang)
			seen := map[string]bool{}
			for _, n := range []any{0, 1, 2, 3, 4, 5, 7, 11, 21, 22, 100, 101, 1000, 1000000, 2000000, "1.5", "0.5", "1000000.0"} {
				got, err := l.Localize(&goi18n.LocalizeConfig{MessageID: "probe", PluralCount: n})
				if err != nil {
					t.Fatalf("count %v: %v", n, err)
				}
				seen[got] = true
			}
			got := slices.Sorted(maps.Keys(seen))
			want := slices.Sorted(slices.Values(pluralForms[lang]))
			if !slices.Equal(got, want) {
				t.Errorf("go-i18n selects forms %v for %s; the tests expect %v", got, lang, want)
			}
		})
	}
}

func TestEveryIDInEveryLocale(t *testing.T) {
	t.Parallel()
	cats := loadCatalogs(t)
	all := map[string]bool{}
	for _, c := range cats {
		for id := range c {
			all[id] = true
		}
	}
	for _, lang := range Languages {
		for id := range all {
			if _, ok := cats[lang][id]; !ok {
				t.Errorf("%s: missing %q", lang, id)
			}
		}
	}
}

func TestMessageShape(t *testing.T) {
	t.Parallel()
	cats := loadCatalogs(t)
	idPattern := regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)
	for id, en := range cats["en"] {
		if !idPattern.MatchString(id) {
			t.Errorf("%q: ids are lower_snake_case grouped by dots", id)
		}
		plural := false
		for _, lang := range Languages {
			if m, ok := cats[lang][id]; ok && isPlural(m) {
				plural = true
			}
		}
		for _, lang := range Languages {
			m, ok := cats[lang][id]
			if !ok {
				continue // reported by TestEveryIDInEveryLocale
			}
			f := forms(m)
			if plural {
				got := slices.Sorted(maps.Keys(f))
				want := slices.Sorted(slices.Values(pluralForms[lang]))
				if !slices.Equal(got, want) {
					t.Errorf("%s %q: plural forms %v, want %v", lang, id, got, want)
				}
			} else if len(f) != 1 || f["other"] == "" {
				t.Errorf("%s %q: a plain message has exactly one text, under other", lang, id)
			}
			if got, want := vars(m), vars(en); !slices.Equal(got, want) {
				t.Errorf("%s %q: template variables %v, en has %v", lang, id, got, want)
			}
			for form, text := range f {
				if strings.TrimFunc(text, unicode.IsSpace) != text {
					t.Errorf("%s %q (%s): leading or trailing whitespace in %q", lang, id, form, text)
				}
				if strings.Contains(text, "  ") {
					t.Errorf("%s %q (%s): double space in %q", lang, id, form, text)
				}
			}
		}
	}
}

func TestTranslated(t *testing.T) {
	t.Parallel()
	cats := loadCatalogs(t)
	for id, en := range cats["en"] {
		if slices.ContainsFunc(sameAsEnglishAreas, func(p string) bool { return strings.HasPrefix(id, p) }) {
			continue
		}
		enForms := forms(en)
		for _, lang := range []string{"es", "fr"} {
			m, ok := cats[lang][id]
			if !ok {
				continue
			}
			for form, text := range forms(m) {
				ref, ok := enForms[form]
				if !ok {
					ref = en.Other
				}
				if text == ref && !slices.Contains(sameAsEnglish, text) {
					t.Errorf("%s %q (%s): %q is the English text", lang, id, form, text)
				}
			}
		}
	}
}

// TestFrenchSpacing checks French typography: a no-break space, never a
// plain one, before : ; ? ! and inside guillemets.
func TestFrenchSpacing(t *testing.T) {
	t.Parallel()
	for id, m := range loadCatalogs(t)["fr"] {
		for form, text := range forms(m) {
			for _, bad := range []string{" :", " ;", " ?", " !", "« ", " »"} {
				if strings.Contains(text, bad) {
					t.Errorf("fr %q (%s): %q needs a no-break space in %q", id, form, bad, text)
				}
			}
			for _, p := range []string{":", ";", "?", "!"} {
				i := strings.Index(text, p)
				if i > 0 && !strings.HasSuffix(text[:i], nbsp) && !strings.HasSuffix(text[:i], nnbsp) &&
					!strings.HasPrefix(text[i:], "://") {
					t.Errorf("fr %q (%s): %q needs a no-break space before it in %q", id, form, p, text)
				}
			}
		}
	}
}

// TestRenderEveryMessage renders every id in every language with counts 0,
// 1, 2 and 1000000 and sample data for every variable, through go-i18n's
// error-returning Localize, so a missing form or bad template fails here
// rather than on an agent's screen.
func TestRenderEveryMessage(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	cats := loadCatalogs(t)
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			l := b.Localizer(lang)
			for id, m := range cats[lang] {
				en, ok := cats["en"][id]
				if !ok {
					continue // reported by TestEveryIDInEveryLocale
				}
				plural := isPlural(en)
				for _, n := range []int{0, 1, 2, 1000000} {
					data := map[string]any{}
					for _, v := range vars(m) {
						data[v] = "‹" + v + "›"
					}
					data["Count"] = n
					lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
					if plural {
						lc.PluralCount = n // plain messages take no count: go-i18n would ask them for forms
					}
					got, err := l.l.Localize(lc)
					if err != nil {
						t.Errorf("%q count %d: %v", id, n, err)
						continue
					}
					if got == "" || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
						t.Errorf("%q count %d: rendered %q", id, n, got)
					}
					if !plural {
						continue
					}
					if via := l.N(id, n, data); via == id || via != strings.ReplaceAll(got, strconv.Itoa(n), l.Number(int64(n))) {
						t.Errorf("%q count %d: N rendered %q, Localize %q", id, n, via, got)
					}
				}
			}
		})
	}
}

// constValues returns the string constants of the named types declared in
// a core package's sources, so a new constant without a message fails the
// test without anyone remembering to list it here.
func constValues(t *testing.T, dir string, types ...string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, ok := vs.Type.(*ast.Ident)
				if !ok || !slices.Contains(types, typ.Name) {
					continue
				}
				for _, v := range vs.Values {
					lit, ok := v.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: %s constant is not a string literal", path, typ.Name)
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[typ.Name] = append(out[typ.Name], s)
				}
			}
		}
	}
	return out
}

func TestEnumerationsHaveMessages(t *testing.T) {
	t.Parallel()
	cats := loadCatalogs(t)
	consts := constValues(t, "../core/account",
		"Status", "MethodKind", "EventKind", "Stage", "ProfileState", "Delivery")
	faults := constValues(t, "../core/fault", "Code")
	ids := map[string][]string{
		"status":        consts["Status"],
		"method":        consts["MethodKind"],
		"event":         consts["EventKind"],
		"reset_stage":   consts["Stage"],
		"profile_state": consts["ProfileState"],
		"delivery":      consts["Delivery"],
		"error":         faults["Code"],
		"field":         {"email", "phone", "password", "code", "query"},
		"language":      Languages,
	}
	for _, k := range account.EventKinds {
		ids["event"] = append(ids["event"], string(k))
	}
	for _, r := range access.Roles {
		ids["role"] = append(ids["role"], string(r))
	}
	for area, values := range ids {
		if len(values) == 0 {
			t.Errorf("%s: no values found; did the source move?", area)
		}
		for _, v := range values {
			id := area + "." + v
			for _, lang := range Languages {
				if _, ok := cats[lang][id]; !ok {
					t.Errorf("%s: missing %q", lang, id)
				}
			}
		}
	}
}

// countForms is the CLDR plural form each language picks for the counts
// every plural message is rendered at: together they reach every form.
var countForms = map[string]map[int]string{
	"en": {0: "other", 1: "one", 2: "other", 1000000: "other"},
	"es": {0: "other", 1: "one", 2: "other", 1000000: "many"},
	"fr": {0: "one", 1: "one", 2: "other", 1000000: "many"},
}

// TestEveryPluralForm renders every plural message at 0, 1, 2 and 1 000 000
// through N and checks that each count shows its own form's text (the
// "many" of "1 000 000 de comptes", not the "other" of "2 comptes"), so a
// form left empty, copied from another or never reached fails here.
func TestEveryPluralForm(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	cats := loadCatalogs(t)
	for _, lang := range Languages {
		reached := map[string]bool{}
		for _, form := range countForms[lang] {
			reached[form] = true
		}
		if got, want := slices.Sorted(maps.Keys(reached)), slices.Sorted(slices.Values(pluralForms[lang])); !slices.Equal(got, want) {
			t.Errorf("%s: counts 0, 1, 2, 1000000 reach forms %v, the language has %v", lang, got, want)
		}
		l := b.Localizer(lang)
		for id, m := range cats[lang] {
			if en, ok := cats["en"][id]; !ok || !isPlural(en) {
				continue
			}
			f := forms(m)
			for _, n := range []int{0, 1, 2, 1000000} {
				data := map[string]any{}
				for _, v := range vars(m) {
					data[v] = "‹" + v + "›"
				}
				form := countForms[lang][n]
				tmpl, err := template.New(id).Parse(f[form])
				if err != nil {
					t.Errorf("%s %q (%s): %v", lang, id, form, err)
					continue
				}
				delete(data, "Count") // N sets it, formatted
				want := maps.Clone(data)
				want["Count"] = l.Number(int64(n))
				var buf strings.Builder
				if err := tmpl.Execute(&buf, want); err != nil {
					t.Errorf("%s %q (%s): %v", lang, id, form, err)
					continue
				}
				if got := l.N(id, n, data); got != buf.String() {
					t.Errorf("%s %q at %d: %q, want the %s form %q", lang, id, n, got, form, buf.String())
				}
			}
		}
	}
}
