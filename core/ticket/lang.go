package ticket

import (
	"strings"
	"unicode"
)

// GuessLanguage names the language a requester wrote in (en, es or fr),
// from the subject and message; "" when the text is too short or too
// mixed to tell. Contact-form text is short ("Compte bloqué", "password
// reset please help"), where trigram detectors misjudge (whatlanggo read
// that last one as French), so it counts the function words and support
// words of each of the three languages, and the letters only Spanish or
// only French write, and names a language only when it clearly leads.
func GuessLanguage(subject, body string) string {
	score := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(subject+" "+body), func(r rune) bool {
		return !unicode.IsLetter(r)
	}) {
		for lang, words := range cueWords {
			if words[w] {
				score[lang]++
			}
		}
	}
	for _, r := range strings.ToLower(subject + " " + body) {
		switch {
		case strings.ContainsRune("ñ¿¡", r):
			score["es"] += 2
		case strings.ContainsRune("çèêàùâîôœë", r):
			score["fr"] += 2
		}
	}
	best, second := "", 0
	for _, l := range []string{"en", "es", "fr"} {
		switch s := score[l]; {
		case best == "" || s > score[best]:
			second = score[best]
			best = l
		case s > second:
			second = s
		}
	}
	if score[best] < 2 || score[best] < 2*second {
		return ""
	}
	return best
}

// cueWords are frequent words of each language, in lower case, that the
// other two do not share (la, de, me, no and the like count for none).
var cueWords = map[string]map[string]bool{
	"en": set("the and to my i is it not can cannot of in for on with have has account phone password please help " +
		"code codes sign lost email what how do you this that get was am are thanks hello hi locked reset new number " +
		"verify identity id will would could should why when where there"),
	"es": set("el los las del y que mi mis puedo un una es por para con cuenta teléfono telefono contraseña código " +
		"códigos codigo codigos ayuda perdí perdi hola gracias qué cómo ya tengo favor correo bloqueada cambiar " +
		"nuevo nueva número numero identidad verificar está esta hay pero muy porque también"),
	"fr": set("le les des du et je ne pas une est pour avec compte téléphone mot passe aide perdu bonjour merci ai " +
		"plus vous ce sur au aux courriel svp bloqué nouveau nouvelle numéro identité vérifier mais très parce aussi " +
		"mon ma mes j l n qu c"),
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
