package ticket

import "testing"

func TestGuessLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ subject, body, want string }{
		{"Lost my phone", "I lost my phone and cannot sign in to my account anymore. What should I do?", "en"},
		{"Perdí mi teléfono", "Perdí mi teléfono y ya no recibo los códigos. ¿Qué puedo hacer para entrar a mi cuenta?", "es"},
		{"Téléphone perdu", "J'ai perdu mon téléphone et je ne reçois plus les codes. Que dois-je faire pour accéder à mon compte ?", "fr"},
		{"Cuenta bloqueada", "Mi cuenta está bloqueada desde ayer", "es"},
		{"Compte bloqué", "Mon compte est bloqué depuis hier", "fr"},
		{"password reset", "please help me", "en"},
		{"Bonjour", "merci beaucoup", "fr"},
		{"Hola", "gracias por todo", "es"},
		{"Email", "It's my account, I'd like help with the code", "en"},
		{"Help", "ok", ""},                       // too short to tell
		{"SD-2026-000123", "12345 67890 !!", ""}, // no words
	} {
		if got := GuessLanguage(tc.subject, tc.body); got != tc.want {
			t.Errorf("GuessLanguage(%q, %q) = %q, want %q", tc.subject, tc.body, got, tc.want)
		}
	}
	// A form with no language is read in the language of its text; one
	// that names a language keeps it: the requester's choice wins.
	f := Form{Email: "ana@example.org", Name: "Ana", Subject: "Perdí mi teléfono",
		Message: "Perdí mi teléfono y ya no recibo los códigos. ¿Qué puedo hacer?"}
	if v, err := Validate(f); err != nil || v.Language != "es" {
		t.Errorf("no language: %q %v", v.Language, err)
	}
	f.Language = "en"
	if v, err := Validate(f); err != nil || v.Language != "en" {
		t.Errorf("language en: %q %v", v.Language, err)
	}
}
