package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A language's texts may be split over several files: active.<lang>.toml
// and an area's own <area>.<lang>.toml; an id defined twice is refused.
func TestBundleLoadsEveryFileOfALanguage(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{}
	for _, lang := range Languages {
		files["active."+lang+".toml"] = &fstest.MapFile{Data: []byte("[hello]\nother = \"hello " + lang + "\"\n")}
		files["macros."+lang+".toml"] = &fstest.MapFile{Data: []byte("[macro.x]\nother = \"macro " + lang + "\"\n")}
	}
	b, err := newBundle(files)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Localizer("fr").T("macro.x"); got != "macro fr" {
		t.Errorf("macro.x in fr = %q", got)
	}
	if got := b.Localizer("es").T("hello"); got != "hello es" {
		t.Errorf("hello in es = %q", got)
	}
	files["extra.es.toml"] = &fstest.MapFile{Data: []byte("[hello]\nother = \"again\"\n")}
	if _, err := newBundle(files); err == nil || !strings.Contains(err.Error(), `"hello" is defined twice`) {
		t.Errorf("a duplicate id loaded: %v", err)
	}
}

// The pseudo-locale accents every English message, lengthens it by about
// a third, and leaves its placeholders whole; it formats as English.
func TestPseudoLocale(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	en, ps := b.Localizer("en"), b.Localizer(PseudoLanguage)
	if ps.Lang() != "en" || ps.Tag() != PseudoLanguage || en.Tag() != "en" {
		t.Errorf("the pseudo-locale's language is %q (tag %q)", ps.Lang(), ps.Tag())
	}
	if got := fromEnv(func(k string) string { return map[string]string{"SUPPORTDESK_LANG": "en-xa"}[k] }); got != PseudoLanguage {
		t.Errorf("SUPPORTDESK_LANG=en-xa gives %q", got)
	}
	got := ps.T("board.reassigned", map[string]any{"Count": 3, "Name": "Ana"})
	if got == en.T("board.reassigned", map[string]any{"Count": 3, "Name": "Ana"}) || !strings.Contains(got, "Ana") {
		t.Errorf("pseudo text %q", got)
	}
	plain := 0
	for _, r := range got {
		if r < 128 && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			plain++
		}
	}
	if plain > len("Ana") {
		t.Errorf("%d plain letters left in %q", plain, got)
	}
	if p := pseudoText("Search tickets"); p != "Šéáŕçĥˑˑˑ ţíçķéţšˑˑˑ" {
		t.Errorf("pseudoText = %q", p)
	}
	if p := pseudoText("{{.Count}} of {{.Total}}"); p != "{{.Count}} óƒˑ {{.Total}}" {
		t.Errorf("placeholders changed: %q", p)
	}
}
