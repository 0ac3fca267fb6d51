package mailparse

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/emersion/go-message"

	"supportdesk/core/safetext"
)

const trusted = "mx.supportdesk.example"

var authPass = AuthResult{SPF: "pass", DKIM: "pass", DMARC: "pass"}

func parseFile(t testing.TB, name string) *Message {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Parse(f, trusted)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want Message
	}{
		{"gmail_en.eml", Message{
			MessageID:  "<CAF+q1w2e3r4t5y6=Ab7cD8eF9@mail.gmail.com>",
			InReplyTo:  []string{"<ticket-42.2@supportdesk.example>"},
			References: []string{"<ticket-42.1@supportdesk.example>", "<ticket-42.2@supportdesk.example>"},
			From:       "Jane.Roe@example.com", // local part as written, domain lower-cased
			Subject:    "Re: [#42] Password reset",
			Text:       "Thanks, the reset link worked.\n\nCould you also update my phone number to 555-0100?",
			Auth:       authPass,
		}},
		{"gmail_es.eml", Message{
			MessageID:  "<CAK9es0001xYz@mail.gmail.com>",
			InReplyTo:  []string{"<ticket-77.1@supportdesk.example>"},
			References: []string{"<ticket-77.1@supportdesk.example>"},
			From:       "lucia.fernandez@example.org",
			Subject:    "Re: Código de verificación",
			Text: "Hola:\n\nYa pude entrar, pero el código de verificación tardó casi diez minutos.\n" +
				"¿Es normal? Mi número termina en 0123.\n\nGracias,\nLucía",
			Auth: authPass,
		}},
		{"gmail_fr.eml", Message{
			MessageID:  "<CAFr4nc0ise=q@mail.gmail.com>",
			InReplyTo:  []string{"<ticket-90.2@supportdesk.example>"},
			References: []string{"<ticket-90.1@supportdesk.example>", "<ticket-90.2@supportdesk.example>"},
			From:       "elodie.martin@example.net",
			Subject:    "Re: Impossible de me connecter",
			Text: "Bonjour,\n\nJe n’arrive toujours pas à me connecter : l’application affiche « erreur 403 ».\n\n" +
				"Cordialement,\nÉlodie",
			Auth: authPass,
		}},
		{"outlook_en.eml", Message{
			MessageID:  "<EX1PR01MB0001D3F1A2B3C4D5E6F7A8B9C0D1@EX1PR01MB0001.namprd01.prod.outlook.example>",
			InReplyTo:  []string{"<ticket-51.1@supportdesk.example>"},
			References: []string{"<ticket-51.1@supportdesk.example>"},
			From:       "sam.doe@example.com",
			Subject:    "Re: [#51] Upload fails",
			Text: "Hi team,\n\nI’ve attached nothing – the portal just says “error” when I upload.\n" +
				"Can someone call me back?\n\nThanks,\nSam Doe",
			Auth: authPass,
		}},
		{"outlook_es.eml", Message{
			MessageID:  "<PA4PR01MB7777ABCDEF0123456789@PA4PR01MB7777.eurprd01.prod.outlook.example>",
			InReplyTo:  []string{"<ticket-63.1@supportdesk.example>"},
			References: []string{"<ticket-63.1@supportdesk.example>"},
			From:       "jose.perez@example.org",
			Subject:    "RE: [#63] Expediente y número",
			Text: "Buenos días:\n\nAdjunto la información que me pidieron. Mi número de expediente es 2026-ÑA-17.\n\n" +
				"Saludos cordiales,\nJosé Pérez",
			Auth: authPass,
		}},
		{"outlook_fr.eml", Message{
			MessageID:  "<000001db3c2a$1a2b3c4d$5e6f7a8b@example.com>",
			InReplyTo:  []string{"<ticket-88.3@supportdesk.example>"},
			References: []string{"<ticket-88.1@supportdesk.example>", "<ticket-88.3@supportdesk.example>"},
			From:       "chloe.bernard@example.com",
			Subject:    "RE\u00a0: [#88] Mise à jour", // the no-break space is kept
			Text: "Bonjour,\n\nMerci pour votre réponse. Le problème persiste après la mise à jour ; voici l’heure exacte : 9 h 12.\n\n" +
				"Bien à vous,\nChloé Bernard",
			Auth: authPass,
		}},
		{"apple_en.eml", Message{
			MessageID:  "<5E6F7A8B-1234-4ABC-9DEF-0123456789AB@example.com>",
			InReplyTo:  []string{"<ticket-12.1@supportdesk.example>"},
			References: []string{"<ticket-12.1@supportdesk.example>"},
			From:       "alex.smith@example.com",
			Subject:    "Re: Your sign-in code",
			Text:       "I tried the link on my phone and it says the code expired before I could type it. Could you send a new one?",
			Auth:       authPass,
		}},
		{"apple_es.eml", Message{
			MessageID:  "<AA11BB22-CC33-DD44-EE55-FF6677889900@example.org>",
			InReplyTo:  []string{"<ticket-31.2@supportdesk.example>"},
			References: []string{"<ticket-31.1@supportdesk.example>", "<ticket-31.2@supportdesk.example>"},
			From:       "andres.gomez@example.org",
			Subject:    "Re: ¿Recibió el código?",
			Text:       "Perdón, olvidé decirles que cambié de teléfono y ya no recibo los SMS en el número anterior.",
			Auth:       authPass,
		}},
		{"apple_fr.eml", Message{ // format=flowed; delsp=yes joins "Vérificat" and "ion"
			MessageID:  "<FR11BB22-CC33-DD44-EE55-FF6677889900@example.net>",
			InReplyTo:  []string{"<ticket-19.4@supportdesk.example>"},
			References: []string{"<ticket-19.1@supportdesk.example>", "<ticket-19.4@supportdesk.example>"},
			From:       "theo.lefevre@example.net",
			Subject:    "Re\u00a0: Nouveau code",
			Text:       "Bonjour, j’ai bien reçu le nouveau code, mais l’écran reste bloqué sur « Vérification en cours ».",
			Auth:       authPass,
		}},
		{"html_only.eml", Message{
			MessageID: "<html-only-1@example.com>",
			From:      "Rene.Dubois@example.com", // "Dubois, René" unquoted: the bracketed address is used
			Subject:   "Invoice question",
			Text: "Hello,\n\nTwo things & a question about the café account:\n\n" +
				"- The invoice shows <none>\n- The address line is empty\n\nIs 3 > 2 still true?\nRegards,\nRené Dubois",
			Auth: authPass,
		}},
		{"ooo.eml", Message{
			MessageID:  "<ooo-7f3a@example.com>",
			InReplyTo:  []string{"<ticket-42.3@supportdesk.example>"},
			References: []string{"<ticket-42.3@supportdesk.example>"},
			From:       "pat.lee@example.com",
			Subject:    "Automatic reply: [#42] Password reset",
			Text:       "I am out of the office until December 1 with limited access to email.",
			Auto:       true,
			Auth:       authPass,
		}},
		{"bulk.eml", Message{
			MessageID: "<news-2026-11@example.net>",
			From:      "news@example.net",
			Subject:   "November product update",
			Text:      "Our November update is here.",
			Auto:      true,
		}},
		{"bounce.eml", Message{
			MessageID: "<20261124130004.ABCDEF@mx.example.net>",
			From:      "MAILER-DAEMON@mx.example.net",
			Subject:   "Undelivered Mail Returned to Sender",
			Text: "This is the mail system at host mx.example.net.\n\n" +
				"I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n" +
				"<nobody@example.net>: host mx.example.net said: 550 5.1.1 User unknown",
			Auto:   true,
			Bounce: &Bounce{OriginalMessageID: "<outbox-12.abc@supportdesk.example>", Permanent: true, Status: "5.1.1"},
		}},
		{"attachment_pdf.eml", Message{ // a PDF attached and a logo inline
			MessageID:   "<pdf-attach-1@example.com>",
			InReplyTo:   []string{"<ticket-70.1@supportdesk.example>"},
			From:        "kim.park@example.com",
			Subject:     "Re: [#70] Statement",
			Text:        "Here is the statement you asked for.\n\nKim",
			Attachments: 2,
			Auth:        authPass,
		}},
		{"forged_auth.eml", Message{ // the passes claimed by other authserv-ids do not count
			MessageID: "<forged-1@attacker.example>",
			From:      "ceo@example.org",
			Subject:   "Urgent: reset my account",
			Text:      "Please disable two-factor on my account right away.",
			Auth:      AuthResult{SPF: "fail", DKIM: "fail", DMARC: "fail"},
		}},
	}
	files, _ := filepath.Glob("testdata/*.eml")
	if len(files) != len(tests) {
		t.Errorf("%d fixtures in testdata, %d in the table", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got := parseFile(t, tt.file)
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
				if got.Text != tt.want.Text {
					t.Errorf("Text:\ngot  %q\nwant %q", got.Text, tt.want.Text)
				}
				if got.Bounce != nil && tt.want.Bounce != nil {
					t.Errorf("Bounce: got %+v want %+v", *got.Bounce, *tt.want.Bounce)
				}
			}
			checkSafe(t, got)
			if got.Auth.Failed() != (tt.file == "forged_auth.eml") {
				t.Errorf("Auth.Failed() = %v", got.Auth.Failed())
			}
		})
	}
}

// TestHTMLMatchesPlain renders the HTML alternative of each client fixture
// on its own: the markup rules must find the same new text as the plain
// rules do, since HTML-only replies from these clients are common.
func TestHTMLMatchesPlain(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"gmail_en.eml", "gmail_es.eml", "gmail_fr.eml",
		"outlook_en.eml", "outlook_es.eml", "outlook_fr.eml",
		"apple_en.eml", "apple_es.eml", "apple_fr.eml",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := parseFile(t, name).Text
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			e, err := message.Read(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			var w walker
			b := w.walk(e, 0, false)
			if len(b.html) != 1 {
				t.Fatalf("%d HTML renderings", len(b.html))
			}
			if got, _ := cutHistory(b.html[0]); got != want {
				t.Errorf("HTML gives\n%q\nplain gives\n%q", got, want)
			}
		})
	}
}

func checkSafe(t *testing.T, m *Message) {
	t.Helper()
	if !safetext.ValidText(m.Text) {
		t.Errorf("Text %q fails ValidText", m.Text)
	}
	if !safetext.ValidLine(m.Subject) {
		t.Errorf("Subject %q fails ValidLine", m.Subject)
	}
	if m.From != "" && !safetext.ValidLine(m.From) {
		t.Errorf("From %q fails ValidLine", m.From)
	}
	for _, id := range append(append([]string{m.MessageID}, m.InReplyTo...), m.References...) {
		for i := 0; i < len(id); i++ {
			if id[i] <= ' ' || id[i] >= 0x7f {
				t.Errorf("id %q holds byte %#x", id, id[i])
			}
		}
	}
	if len(m.Text) > MaxText {
		t.Errorf("Text is %d bytes", len(m.Text))
	}
}

// parseString parses a message written with "\n" line ends.
func parseString(t *testing.T, s string) *Message {
	t.Helper()
	m, err := Parse(strings.NewReader(strings.ReplaceAll(s, "\n", "\r\n")), trusted)
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, m)
	return m
}

// TestCleaning feeds what a hostile or broken sender writes: terminal
// escapes, bidi overrides, invisible characters, broken encodings.
func TestCleaning(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, msg     string
		subject, text string
		from, id      string
	}{
		{"escapes and bidi",
			"From: a@example.com\nSubject: Re: \x1b]0;pwned\x07Hi \u202eevil\u202c\u200b there\nMessage-ID: <a b@example.com>\n\n\x1b[2JHello\u200b\u2066 world\rEVIL\n",
			"Re: Hi evil there", "Hello worldEVIL", "a@example.com", ""},
		{"encoded-word control chars",
			"From: a@example.com\nSubject: =?utf-8?Q?x=1B[31my=0D=0Az?=\n\nbody\n",
			"xy z", "body", "a@example.com", ""},
		{"invalid utf-8 declared utf-8",
			"From: a@example.com\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\nbad \xff\xfe byte\n",
			"s", "bad \ufffd\ufffd byte", "a@example.com", ""},
		{"no charset, windows-1252 bytes",
			"From: a@example.com\nSubject: s\nContent-Type: text/plain\n\ncaf\xe9 \x93ok\x94\n",
			"s", "café “ok”", "a@example.com", ""},
		{"unknown-8bit read as windows-1252",
			"From: a@example.com\nSubject: s\nContent-Type: text/plain; charset=unknown-8bit\n\nna\xefve\n",
			"s", "naïve", "a@example.com", ""},
		{"mislabelled us-ascii",
			"From: a@example.com\nSubject: s\nContent-Type: text/plain; charset=us-ascii\n\nse\xf1or\n",
			"s", "señor", "a@example.com", ""},
		{"unknown charset kept readable",
			"From: a@example.com\nSubject: s\nContent-Type: text/plain; charset=x-unknown-42\n\nplain ascii\n",
			"s", "plain ascii", "a@example.com", ""},
		{"unknown transfer encoding",
			"From: a@example.com\nSubject: s\nContent-Transfer-Encoding: x-uuencode\n\nraw text\n",
			"s", "raw text", "a@example.com", ""},
		{"no from, junk ids",
			"Subject: s\nMessage-ID: not-an-id\nIn-Reply-To: <x@y> (comment) junk <z@w>\n\nhi\n",
			"s", "hi", "", ""},
		{"idn domain and case",
			"From: Ann <Ann.Lee@BÜRO.Example>\nSubject: s\n\nhi\n",
			"s", "hi", "Ann.Lee@bÜro.example", ""},
		{"bad content type is text",
			"From: a@example.com\nSubject: s\nContent-Type: ;;;\n\nhi\n",
			"s", "hi", "a@example.com", ""},
		{"broken multipart keeps what it read",
			"From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfirst part\n--b\nContent-Type: text/plain\n\nno closing boundary\n",
			"s", "first part\nno closing boundary", "a@example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := parseString(t, tt.msg)
			if m.Subject != tt.subject || m.Text != tt.text || m.From != tt.from || m.MessageID != tt.id {
				t.Errorf("got subject %q text %q from %q id %q\nwant subject %q text %q from %q id %q",
					m.Subject, m.Text, m.From, m.MessageID, tt.subject, tt.text, tt.from, tt.id)
			}
		})
	}
}

func TestLongSubject(t *testing.T) {
	t.Parallel()
	m := parseString(t, "From: a@example.com\nSubject: "+strings.Repeat("é", 600)+"\n\nhi\n")
	if len(m.Subject) != maxSubject || !utf8.ValidString(m.Subject) {
		t.Errorf("Subject is %d bytes", len(m.Subject))
	}
}

func TestLenientIDs(t *testing.T) {
	t.Parallel()
	m := parseString(t, "From: a@example.com\nMessage-ID:  <id.1@example.com> (added)\nIn-Reply-To: <x@y> (comment) junk <z@w>\n\nhi\n")
	if m.MessageID != "<id.1@example.com>" {
		t.Errorf("MessageID %q", m.MessageID)
	}
	if want := []string{"<x@y>", "<z@w>"}; !reflect.DeepEqual(m.InReplyTo, want) {
		t.Errorf("InReplyTo %q, want %q", m.InReplyTo, want)
	}

	var refs strings.Builder
	for i := range 300 {
		refs.WriteString(" <r" + strings.Repeat("x", i%3) + "." + itoa(i) + "@example.com>")
	}
	m = parseString(t, "From: a@example.com\nReferences:"+refs.String()+"\n\nhi\n")
	if len(m.References) != maxRefs || m.References[0] != "<r.0@example.com>" || m.References[maxRefs-1] != "<rxx.299@example.com>" {
		t.Errorf("References: %d kept, first %q last %q", len(m.References), m.References[0], m.References[len(m.References)-1])
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestCutHistory(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"nothing to cut", "Hello\n\n\n\nBye  \n", "Hello\n\nBye"},
		{"quote first: nothing written", "> old\n> text\n", ""},
		{"attribution only", "On Mon, Jan 5, 2026 at 9:00 AM Ann <a@example.com> wrote:\n> x", ""},
		{"en one line", "Yes.\nOn Mon, Jan 5, 2026 at 9:00 AM Ann <a@example.com> wrote:\nold", "Yes."},
		{"en wrapped", "Yes.\n\nOn Mon, Jan 5, 2026 at 9:00 AM Ann Example <\nann@example.com> wrote:\n\nold", "Yes."},
		{"es wrapped", "Sí.\n\nEl lun, 5 ene 2026 a las 9:00, Ann (<ann@example.com>)\nescribió:\nold", "Sí."},
		{"fr nbsp", "Oui.\nLe lun. 5 janv. 2026 à 09:00, Ann <ann@example.com> a écrit\u00a0:\nold", "Oui."},
		{"fr narrow nbsp", "Oui.\nLe 5 janv. 2026 à 09:00, Ann <ann@example.com> a écrit\u202f:\nold", "Oui."},
		{"fr no space", "Oui.\nLe 5 janv. 2026 à 09:00, Ann a écrit:\nold", "Oui."},
		{"address wrote", "Ok.\nann@example.com wrote:\nold", "Ok."},
		{"sentence is not attribution", "On Monday she wrote: it works.\nThanks", "On Monday she wrote: it works.\nThanks"},
		{"original message", "Ok.\n-----Original Message-----\nFrom: x", "Ok."},
		{"mensaje original", "Ok.\n-----Mensaje original-----\nDe: x", "Ok."},
		{"message d'origine", "Ok.\n-------- Message d'origine --------\nDe : x", "Ok."},
		{"gmail forward", "FYI\n\n---------- Forwarded message ---------\nFrom: x", "FYI"},
		{"apple forward fr", "Voir ci-dessous\n\nDébut du message réexpédié :\n\nDe: x", "Voir ci-dessous"},
		{"outlook en block", "Ok.\n\nFrom: Desk <d@example.com>\nSent: Monday\nTo: me\nSubject: RE: x\n\nold", "Ok."},
		{"outlook bold block", "Ok.\n*From:* Desk\n*Sent:* Monday\n*To:* me\n*Subject:* x", "Ok."},
		{"outlook es block", "Ok.\nDe: Mesa\nEnviado: lunes\nPara: yo\nAsunto: x", "Ok."},
		{"outlook es desktop block", "Ok.\nDe: Mesa\nEnviado el: lunes\nPara: yo\nAsunto: x", "Ok."},
		{"outlook fr block", "Ok.\nDe : Service\nEnvoyé : lundi\nÀ : moi\nObjet : x", "Ok."},
		{"underscores then block", "Ok.\n________________________________\nFrom: Desk\nSent: Monday\nSubject: x", "Ok."},
		{"underscores alone kept", "Fill in: ______________\nthanks", "Fill in: ______________\nthanks"},
		{"lone from line kept", "From: my manager, approval is attached.\nThanks", "From: my manager, approval is attached.\nThanks"},
		{"signature", "Thanks\n-- \nAnn Example\n+1 555 0100", "Thanks"},
		{"signature lost space", "Thanks\n--\nAnn", "Thanks"},
		{"iphone en", "Fine\n\nSent from my iPhone", "Fine"},
		{"iphone es", "Vale\n\nEnviado desde mi iPhone\n\nEl 5 ene...", "Vale"},
		{"iphone fr", "D'accord\n\nEnvoyé de mon iPhone", "D'accord"},
		{"outlook mobile", "Ok\n\nGet Outlook for Android", "Ok"},
		{"indented quote", "Ok\n  > old", "Ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, _ := cutHistory(tt.in); got != tt.want {
				t.Errorf("cutHistory(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUnflow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		delsp bool
		want  string
	}{
		{"one \ntwo\nthree", false, "one two\nthree"},
		{"Vérificat \nion", true, "Vérification"},
		{" From stuffed\n", false, "From stuffed\n"},
		{"-- \nsig", false, "-- \nsig"},
		{"text \n> quoted \n> more\n", false, "text \n> quoted more\n"},
	}
	for _, tt := range tests {
		if got := unflow(tt.in, tt.delsp); got != tt.want {
			t.Errorf("unflow(%q, %v) = %q, want %q", tt.in, tt.delsp, got, tt.want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"entities and br", "a&amp;b<br>c&lt;d&gt;&eacute;", "a&b\nc<d>é"},
		{"script style head", "<head><title>t</title><style>x{}</style></head><body><script>s()</script>ok</body>", "ok"},
		{"gmail quote stops", "<div>new</div><div class=\"gmail_quote\">On x wrote:<blockquote>old</blockquote></div><div>after</div>", "new"},
		{"outlook divRplyFwdMsg stops siblings", "<div>new</div><div id=\"divRplyFwdMsg\"><b>From:</b> x</div><div>old body</div>", "new"},
		{"appendonsend stops", "<div>new</div><div id=\"appendonsend\"></div><hr><div>old</div>", "new"},
		{"blockquote dropped", "<div>a</div><blockquote type=\"cite\">old</blockquote><div>b</div>", "a\nb"},
		{"pre keeps spaces", "<pre>a   b\n  c</pre>", "a   b\n  c"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"nested depth", strings.Repeat("<div>", 2000) + "deep" + strings.Repeat("</div>", 2000) + "<p>top</p>", "deep\ntop"}, // past the parser's 512 open elements: tokens,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tidy(strings.Split(htmlToText(tt.in), "\n")); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAuto(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		auto   bool
	}{
		{"Auto-Submitted: no", false},
		{"Auto-Submitted: No (manual)", false},
		{"Auto-Submitted: auto-generated", true},
		{"Auto-Submitted: auto-replied; owner-email=\"x@example.com\"", true},
		{"Precedence: bulk", true},
		{"Precedence: junk", true},
		{"Precedence: list", true},
		{"Precedence: auto_reply", true},
		{"Precedence: first-class", false},
		{"X-Autoreply: yes", true},
		{"X-Autorespond: yes", true},
		{"X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply", true},
		{"X-Auto-Response-Suppress: All", true},
		{"X-Auto-Response-Suppress: RN, NRN", false},
		{"Return-Path: <>", true},
		{"Return-Path: <a@example.com>", false},
		{"Subject: Respuesta automática: su solicitud", true},
		{"Subject: Réponse automatique\u00a0: votre demande", true},
		{"Subject: Re: automatic reply settings question", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			m := parseString(t, "From: a@example.com\n"+tt.header+"\n\nbody\n")
			if m.Auto != tt.auto {
				t.Errorf("Auto = %v, want %v", m.Auto, tt.auto)
			}
		})
	}
	// A plain-text bounce from an old MTA has none of those headers.
	if m := parseString(t, "From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\n\nSorry.\n"); !m.Auto {
		t.Error("a mailer daemon's message is not Auto")
	}
}

func TestAuthResults(t *testing.T) {
	t.Parallel()
	msg := "Authentication-Results: MX.SupportDesk.Example 1; spf=softfail (a=b; spf=pass) smtp.mailfrom=x;\n" +
		" dkim=fail header.d=x; dkim=pass header.d=y; dmarc=none\n" +
		"Authentication-Results: mx.supportdesk.example; spf=pass; dmarc=fail; arc=pass\n" +
		"Authentication-Results: other.example; spf=pass; dkim=pass; dmarc=pass\n" +
		"From: a@example.com\n\nbody\n"
	tests := []struct {
		trusted string
		want    AuthResult
	}{
		{trusted, AuthResult{SPF: "softfail", DKIM: "pass", DMARC: "none"}},
		{"", AuthResult{}},
		{"mx.supportdesk", AuthResult{}},
	}
	for _, tt := range tests {
		m, err := Parse(strings.NewReader(msg), tt.trusted)
		if err != nil {
			t.Fatal(err)
		}
		if m.Auth != tt.want {
			t.Errorf("trusted %q: got %+v, want %+v", tt.trusted, m.Auth, tt.want)
		}
	}

	failed := []struct {
		a    AuthResult
		want bool
	}{
		{AuthResult{}, false},
		{AuthResult{SPF: "pass", DKIM: "pass", DMARC: "pass"}, false},
		{AuthResult{SPF: "softfail", DKIM: "none", DMARC: "none"}, false},
		{AuthResult{SPF: "fail"}, true},
		{AuthResult{DMARC: "fail"}, true},
		{AuthResult{DKIM: "fail"}, true},
		{AuthResult{SPF: "permerror", DKIM: "temperror"}, false},
	}
	for _, tt := range failed {
		if got := tt.a.Failed(); got != tt.want {
			t.Errorf("%+v.Failed() = %v, want %v", tt.a, got, tt.want)
		}
	}
}

func TestBounceFallbacks(t *testing.T) {
	t.Parallel()
	report := func(extra, status string) string {
		return "From: MAILER-DAEMON@mx.example.net\n" + extra +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n" +
			"--r\nContent-Type: text/plain\n\nfailed\n" +
			"--r\nContent-Type: message/delivery-status\n\n" + status + "\n--r--\n"
	}
	tests := []struct {
		name, msg string
		want      Bounce
	}{
		{"envelope id xtext", report("", "Original-Envelope-Id: outbox-7+2Bx@supportdesk.example\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.2.2 (mailbox full)\n"),
			Bounce{OriginalMessageID: "<outbox-7+x@supportdesk.example>", Permanent: true, Status: "5.2.2"}},
		{"x-original-message-id", report("X-Original-Message-ID: <outbox-8@supportdesk.example>\n", "Reporting-MTA: dns; x\n\nAction: delayed\nStatus: 4.4.7\n"),
			Bounce{OriginalMessageID: "<outbox-8@supportdesk.example>", Status: "4.4.7"}},
		{"failed recipient wins", report("", "Reporting-MTA: dns; x\n\nAction: delivered\nStatus: 2.0.0\n\nAction: failed\nStatus: 5.7.1\n"),
			Bounce{Permanent: true, Status: "5.7.1"}},
		{"returned message", "From: MAILER-DAEMON@mx.example.net\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n" +
			"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\nAction: failed\nStatus: 5.1.1\n" +
			"--r\nContent-Type: message/rfc822\n\nFrom: help@supportdesk.example\nMessage-ID: <outbox-9@supportdesk.example>\n\nYour request...\n--r--\n",
			Bounce{OriginalMessageID: "<outbox-9@supportdesk.example>", Permanent: true, Status: "5.1.1"}},
		{"junk status", report("", "Reporting-MTA: dns; x\n\nAction: failed\nStatus: 5.x.1\n"),
			Bounce{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := parseString(t, tt.msg)
			if m.Bounce == nil || *m.Bounce != tt.want || !m.Auto {
				t.Errorf("got %+v (auto %v), want %+v", m.Bounce, m.Auto, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	line := strings.Repeat("é", 50) + "\n"
	body := strings.Repeat(line, MaxText/len(line)+10)
	m := parseString(t, "From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\n"+body)
	if !m.Truncated || len(m.Text) > MaxText || !strings.HasSuffix(m.Text, "é") || !strings.HasPrefix(body, m.Text) {
		t.Errorf("Truncated %v, %d bytes, ends %q", m.Truncated, len(m.Text), m.Text[len(m.Text)-10:])
	}
	one := strings.Repeat("ü", MaxText) // one line: cut at a rune boundary
	m = parseString(t, "From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\n"+one)
	if !m.Truncated || len(m.Text) > MaxText || !utf8.ValidString(m.Text) || len(m.Text) < MaxText-1 {
		t.Errorf("Truncated %v, %d bytes", m.Truncated, len(m.Text))
	}
}

func TestRawBound(t *testing.T) {
	t.Parallel()
	blank := strings.Repeat("\n", maxPlainRaw)
	tests := []struct {
		name, body, text string
		truncated        bool
	}{
		{"unread tail", "Hello\n" + blank + "tail\n", "Hello", true},
		{"history began before", "Hello\n> old\n" + blank + "tail\n", "Hello", false},
	}
	for _, tt := range tests {
		m, err := Parse(strings.NewReader("From: a@example.com\n\n"+tt.body), trusted)
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != tt.text || m.Truncated != tt.truncated {
			t.Errorf("%s: Text %q Truncated %v, want %q %v", tt.name, m.Text, m.Truncated, tt.text, tt.truncated)
		}
	}
}

// endless yields 'a' lines for ever without holding them in memory.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
		if i%100 == 99 {
			p[i] = '\n'
		}
	}
	return len(p), nil
}

func TestTooLarge(t *testing.T) {
	t.Parallel()
	head := "From: a@example.com\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n"
	for _, r := range []io.Reader{
		io.MultiReader(strings.NewReader(head), io.LimitReader(endless{}, 20<<20)),
		io.MultiReader(strings.NewReader("From: a@example.com\r\n\r\n"), io.LimitReader(endless{}, MaxMessage)),
	} {
		if _, err := Parse(r, trusted); !errors.Is(err, ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	}
	// Exactly at the limit is accepted.
	at := "From: a@example.com\r\n\r\n"
	m, err := Parse(io.MultiReader(strings.NewReader(at), io.LimitReader(endless{}, int64(MaxMessage-len(at)))), trusted)
	if err != nil || !m.Truncated {
		t.Errorf("at the limit: %v, truncated %v", err, m != nil && m.Truncated)
	}
}

func TestReadError(t *testing.T) {
	t.Parallel()
	errLost := errors.New("connection lost")
	for _, head := range []string{"", "From: a@example.com\r\n", "From: a@example.com\r\n\r\nhalf a bo"} {
		_, err := Parse(io.MultiReader(strings.NewReader(head), iotest.ErrReader(errLost)), trusted)
		if !errors.Is(err, errLost) || errors.Is(err, ErrMalformed) {
			t.Errorf("after %q: err = %v, want the read error", head, err)
		}
	}
}

func TestSigned(t *testing.T) {
	t.Parallel()
	m := parseString(t, "From: a@example.com\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s\n\n"+
		"--s\nContent-Type: text/plain\n\nSigned words.\n--s\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n--s--\n")
	if m.Text != "Signed words." || m.Attachments != 0 {
		t.Errorf("Text %q, Attachments %d", m.Text, m.Attachments)
	}
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "\r\n\r\nbody only", " leading space: x\r\n\r\n", "no colon here\r\n\r\n", "Bad Key: x\r\n\r\n"} {
		if _, err := Parse(strings.NewReader(in), trusted); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) err = %v, want ErrMalformed", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("From: a@example.com\nSubject: =?utf-8?B?//79?=\nContent-Type: text/html\n\n<div class=gmail_quote>x</div>\x1b[31m"))
	f.Add([]byte("Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nA: b\n\nAction: failed\nStatus: 5.1.1\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(bytes.NewReader(raw), trusted)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkSafe(t, m)
		if m.Bounce != nil && !safetext.ValidLine(m.Bounce.OriginalMessageID+m.Bounce.Status) {
			t.Fatalf("bounce %+v", *m.Bounce)
		}
		if m.Bounce != nil && strings.ContainsAny(m.Bounce.OriginalMessageID, " \t") {
			t.Fatalf("bounce id %q", m.Bounce.OriginalMessageID)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile("testdata/outlook_en.eml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(raw), trusted); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseLarge is the worst case a sender controls: a body near
// MaxMessage of short lines, of which only the first MaxText bytes matter.
func BenchmarkParseLarge(b *testing.B) {
	raw := []byte("From: a@example.com\r\nContent-Type: text/plain; format=flowed\r\n\r\n" +
		strings.Repeat("From: x \r\n", (MaxMessage-100)/11))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(raw), trusted); err != nil {
			b.Fatal(err)
		}
	}
}
