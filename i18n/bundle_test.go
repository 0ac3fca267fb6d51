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
