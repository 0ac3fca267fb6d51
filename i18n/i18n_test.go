package i18n

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"supportdesk/core/fault"
)

func testBundle(t testing.TB) *Bundle {
	t.Helper()
	b, err := NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLocalizerFallsBack(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	tests := []struct{ in, want string }{
		{"en", "en"}, {"es", "es"}, {"fr", "fr"}, {"fr_CA.UTF-8", "fr"},
		{"de", "en"}, {"", "en"}, {"ES", "es"},
	}
	for _, tt := range tests {
		if got := b.Localizer(tt.in).Lang(); got != tt.want {
			t.Errorf("Localizer(%q).Lang() = %q, want %q", tt.in, got, tt.want)
		}
	}
	l := b.Localizer("fr")
	if got := l.T("no.such.message"); got != "no.such.message" {
		t.Errorf("missing id renders %q, want the id", got)
	}
	if got := l.N("no.such.plural", 3, nil); got != "no.such.plural" {
		t.Errorf("missing plural renders %q, want the id", got)
	}
	if got := b.Localizer("es").T("app.title"); got != "Centro de soporte" {
		t.Errorf("es app.title = %q", got)
	}
	if got, want := l.WithLang("es").Lang(), "es"; got != want {
		t.Errorf("WithLang = %q, want %q", got, want)
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 0, "0 codes left"},
		{"en", 1, "1 code left"},
		{"en", 1000000, "1,000,000 codes left"},
		{"es", 0, "Quedan 0 códigos"},
		{"es", 1, "Queda 1 código"},
		{"es", 2, "Quedan 2 códigos"},
		{"es", 1000000, "Quedan 1,000,000 códigos"}, // es-US groups with commas
		{"en", 2, "2 codes left"},
		{"fr", 1, "1 code restant"},
		{"fr", 0, "0 code restant"}, // French counts 0 as singular
		{"fr", 2, "2 codes restants"},
		{"fr", 1000000, "1\u202f000\u202f000 codes restants"},
	}
	for _, tt := range tests {
		if got := b.Localizer(tt.lang).N("account.codes_remaining", tt.count, nil); got != tt.want {
			t.Errorf("%s N(%d) = %q, want %q", tt.lang, tt.count, got, tt.want)
		}
	}
}

func TestErr(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	until := time.Date(2026, 11, 30, 20, 4, 0, 0, time.UTC) // 15:04 in New York
	tests := []struct {
		lang string
		err  error
		want string
	}{
		{"en", fault.Limited("sign_in", 5, until), "Too many attempts. Try again after 11/30/26, 3:04 PM EST."},
		{"es", &fault.Error{Code: fault.CodeLocked, Until: until}, "El acceso está bloqueado hasta el 30/11/2026, 3:04 p.\u00a0m. EST."},
		{"fr", fmt.Errorf("desk: %w", &fault.Error{Code: fault.CodeLocked, Until: until}), "L'accès est verrouillé jusqu'au 30/11/2026 15:04 EST."},
		{"fr", fault.Invalid("email", fault.CodeInvalidInput), "Vérifiez ce champ\u00a0: Courriel."},
		{"en", fault.Invalid("mystery", fault.CodeInvalidInput), "Check this field: mystery."},
		{"es", &fault.Error{Code: fault.CodeLimitReached, Max: 12}, "Se alcanzó el límite de 12."},
		{"en", fault.ErrNotFound, "No account matches this search."},
		{"en", &fault.Error{Code: "brand_new_code"}, "Something went wrong. Try again; if it persists, tell your supervisor."},
		{"en", errors.New("pq: relation \"x\" does not exist"), "Something went wrong. Try again; if it persists, tell your supervisor."},
		{"es", fault.Storage(errors.New("disk full")), "Algo salió mal. Inténtelo de nuevo; si persiste, avise a su supervisor."},
		{"en", nil, ""},
	}
	for _, tt := range tests {
		got := b.Localizer(tt.lang).Err(tt.err)
		if got != tt.want {
			t.Errorf("%s Err(%v) = %q, want %q", tt.lang, tt.err, got, tt.want)
		}
		if tt.err != nil && strings.Contains(got, tt.err.Error()) && tt.err.Error() != "" {
			t.Errorf("%s Err(%v) leaks the raw error text", tt.lang, tt.err)
		}
	}
}

// TestDate pins the CLDR patterns of go-playground/locales (en-US, es-US,
// fr-FR) and the two corrections made on top of them: US English writes
// "PM", French writes the first of the month "1er".
func TestDate(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	// 03:30 UTC on 1 December is still 30 November in New York.
	late := time.Date(2026, 12, 1, 3, 30, 0, 0, time.UTC)
	first := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 4, 13, 5, 0, 0, time.UTC)
	midnight := time.Date(2026, 11, 30, 5, 5, 0, 0, time.UTC)
	tests := []struct {
		lang                       string
		t                          time.Time
		date, short, dateTim, time string
	}{
		{"en", late, "Monday, November 30, 2026", "11/30/26", "11/30/26, 10:30 PM EST", "10:30 PM EST"},
		{"es", late, "lunes, 30 de noviembre de 2026", "30/11/2026", "30/11/2026, 10:30 p.\u00a0m. EST", "10:30 p.\u00a0m. EST"},
		{"fr", late, "lundi 30 novembre 2026", "30/11/2026", "30/11/2026 22:30 EST", "22:30 EST"},
		{"fr", first, "mardi 1er décembre 2026", "01/12/2026", "01/12/2026 12:00 EST", "12:00 EST"},
		{"es", first, "martes, 1 de diciembre de 2026", "1/12/2026", "1/12/2026, 12:00 p.\u00a0m. EST", "12:00 p.\u00a0m. EST"},
		{"en", first, "Tuesday, December 1, 2026", "12/1/26", "12/1/26, 12:00 PM EST", "12:00 PM EST"},
		{"en", summer, "Saturday, July 4, 2026", "7/4/26", "7/4/26, 9:05 AM EDT", "9:05 AM EDT"},
		{"en", midnight, "Monday, November 30, 2026", "11/30/26", "11/30/26, 12:05 AM EST", "12:05 AM EST"},
		{"es", midnight, "lunes, 30 de noviembre de 2026", "30/11/2026", "30/11/2026, 12:05 a.\u00a0m. EST", "12:05 a.\u00a0m. EST"},
		{"fr", midnight, "lundi 30 novembre 2026", "30/11/2026", "30/11/2026 00:05 EST", "00:05 EST"},
	}
	for _, tt := range tests {
		l := b.Localizer(tt.lang)
		if got := l.Date(tt.t); got != tt.date {
			t.Errorf("%s Date = %q, want %q", tt.lang, got, tt.date)
		}
		if got := l.ShortDate(tt.t); got != tt.short {
			t.Errorf("%s ShortDate = %q, want %q", tt.lang, got, tt.short)
		}
		if got := l.DateTime(tt.t); got != tt.dateTim {
			t.Errorf("%s DateTime = %q, want %q", tt.lang, got, tt.dateTim)
		}
		if got := l.Time(tt.t); got != tt.time {
			t.Errorf("%s Time = %q, want %q", tt.lang, got, tt.time)
		}
	}
	if got := b.Localizer("en").In(time.UTC).DateTime(late); got != "12/1/26, 3:30 AM UTC" {
		t.Errorf("In(UTC).DateTime = %q", got)
	}
	if got := b.Localizer("en").Location().String(); got != DefaultZone {
		t.Errorf("default zone %q, want %q", got, DefaultZone)
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	tests := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 3*time.Hour + 20*time.Minute + 15*time.Second, "3 h 20 min"},
		{"es", 3*time.Hour + 20*time.Minute, "3 h 20 min"},
		{"fr", 3*time.Hour + 20*time.Minute, "3\u00a0h 20\u00a0min"},
		{"en", 50 * time.Hour, "2 d 2 h"},
		{"fr", 50 * time.Hour, "2\u00a0j 2\u00a0h"},
		{"en", 3 * time.Hour, "3 h"},
		{"en", 3*time.Hour + 5*time.Second, "3 h"},
		{"en", 45*time.Second + 900*time.Millisecond, "45 s"},
		{"en", 0, "0 s"},
		{"es", -90 * time.Second, "-1 min 30 s"},
		{"en", 1500 * time.Hour, "62 d 12 h"},
	}
	for _, tt := range tests {
		if got := b.Localizer(tt.lang).Duration(tt.d); got != tt.want {
			t.Errorf("%s Duration(%v) = %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	tests := []struct {
		lang  string
		n     int64
		want  string
		width int
	}{
		{"en", 0, "0", 1},
		{"en", 999, "999", 3},
		{"en", 1000, "1,000", 5},
		{"en", 1000000, "1,000,000", 9},
		{"en", -1234567, "-1,234,567", 10},
		{"es", 1000, "1,000", 5}, // es-US (es-419): grouped from four digits, with commas
		{"es", 10000, "10,000", 6},
		{"es", 1000000, "1,000,000", 9},
		{"es", -1234567, "-1,234,567", 10},
		{"fr", 1000, "1\u202f000", 5},
		{"fr", 1000000, "1\u202f000\u202f000", 9},
	}
	for _, tt := range tests {
		got := b.Localizer(tt.lang).Number(tt.n)
		if got != tt.want {
			t.Errorf("%s Number(%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
		if w := lipgloss.Width(got); w != tt.width {
			t.Errorf("%s Number(%d) is %d cells wide, want %d", tt.lang, tt.n, w, tt.width)
		}
	}
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	tests := []struct {
		lang   string
		v      float64
		digits int
		want   string
	}{
		{"en", 0.4, 1, "0.4"},
		{"es", 0.4, 1, "0.4"}, // es-US writes a decimal point
		{"fr", 0.4, 1, "0,4"},
		{"en", 1234.5, 1, "1,234.5"},
		{"es", 10000.25, 2, "10,000.25"},
		{"fr", 1234.5, 1, "1\u202f234,5"},
		{"fr", -0.4, 1, "-0,4"},
		{"en", 12.34, 0, "12"},
		{"fr", 2.0, 1, "2,0"},
		{"en", 0.45, -1, "0"},
	}
	for _, tt := range tests {
		if got := b.Localizer(tt.lang).Decimal(tt.v, tt.digits); got != tt.want {
			t.Errorf("%s Decimal(%v, %d) = %q, want %q", tt.lang, tt.v, tt.digits, got, tt.want)
		}
	}
}

// TestSeconds is how the command line reports an elapsed time: one
// decimal, the language's decimal mark and unit spacing.
func TestSeconds(t *testing.T) {
	t.Parallel()
	b := testBundle(t)
	d := 412 * time.Millisecond
	for lang, want := range map[string]string{"en": "0.4 s", "es": "0.4 s", "fr": "0,4\u00a0s"} {
		if got := b.Localizer(lang).Seconds(d); got != want {
			t.Errorf("%s Seconds(%v) = %q, want %q", lang, d, got, want)
		}
	}
	if got := b.Localizer("fr").Seconds(83*time.Second + 260*time.Millisecond); got != "83,3\u00a0s" {
		t.Errorf("fr Seconds(83.26s) = %q", got)
	}
}

func TestFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "en"},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, "fr"},
		{map[string]string{"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "es_MX.UTF-8"}, "es"},
		{map[string]string{"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"},
		{map[string]string{"LANG": "es_ES.UTF-8", "LC_ALL": "de_DE.UTF-8"}, "es"},
		{map[string]string{"LANG": "fr_FR.UTF-8", "SUPPORTDESK_LANG": "es"}, "es"},
		{map[string]string{"SUPPORTDESK_LANG": "xx", "LANG": "fr_CA"}, "fr"},
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
	}
	for _, tt := range tests {
		if got := fromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("fromEnv(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	tests := map[string]string{"en": "es", "es": "fr", "fr": "en", "de": "es", "": "es"}
	for in, want := range tests {
		if got := Next(in); got != want {
			t.Errorf("Next(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkT(b *testing.B) {
	l := testBundle(b).Localizer("fr")
	data := map[string]any{"Date": "30/11/2026"}
	b.ReportAllocs()
	for b.Loop() {
		_ = l.T("account.added", data)
	}
}

func BenchmarkErr(b *testing.B) {
	l := testBundle(b).Localizer("es")
	err := fault.Limited("sign_in", 5, time.Date(2026, 11, 30, 20, 4, 0, 0, time.UTC))
	b.ReportAllocs()
	for b.Loop() {
		_ = l.Err(err)
	}
}

func TestHoursCountsBusinessTimeInHours(t *testing.T) {
	t.Parallel()
	b, err := NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 3*time.Hour + 20*time.Minute, "3 h 20 min"},
		{"en", 56 * time.Hour, "56 h"},
		{"en", -45 * time.Minute, "-45 min"},
		{"fr", 1000 * time.Hour, "1\u202f000\u00a0h"},
	}
	for _, c := range cases {
		if got := b.Localizer(c.lang).Hours(c.d); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}
