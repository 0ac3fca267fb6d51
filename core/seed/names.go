package seed

// People by language: plausible first and last names of the contact
// center's English, Spanish and French speakers.
var (
	firstNames = map[string][]string{
		"en": {"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
			"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Karen", "Daniel",
			"Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Donald", "Ashley", "Kevin"},
		"es": {"José", "María", "Juan", "Guadalupe", "Luis", "Lucía", "Carlos", "Sofía", "Jorge", "Valentina",
			"Miguel", "Camila", "Alejandro", "Isabel", "Diego", "Ximena", "Andrés", "Paula", "Javier", "Rocío",
			"Fernando", "Carmen", "Raúl", "Elena", "Ramón", "Ana", "Héctor", "Beatriz", "Iván", "Natalia"},
		"fr": {"Jean", "Marie", "Pierre", "Amélie", "Louis", "Chloé", "Théo", "Léa", "Hugo", "Camille",
			"François", "Zoé", "Étienne", "Manon", "Benoît", "Inès", "Mathis", "Océane", "Rémi", "Élodie",
			"Noël", "Gaëlle", "Jérôme", "Hélène", "Loïc", "Anaïs", "Cédric", "Maëlle", "Yannick", "Sylvie"},
	}
	lastNames = map[string][]string{
		"en": {"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
			"Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis"},
		"es": {"García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres",
			"Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Reyes", "Gutiérrez", "Ortiz", "Núñez"},
		"fr": {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
			"Simon", "Laurent", "Lefèvre", "Michel", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Boucher"},
	}
	domains = []string{"example.com", "example.org", "example.net", "mail.example", "correo.example", "courriel.example"}

	// Partner agencies of the identity provider.
	agencies = []struct{ ID, Name string }{
		{"ssa", "Social Security Administration"},
		{"irs", "Internal Revenue Service"},
		{"va", "Department of Veterans Affairs"},
		{"sba", "Small Business Administration"},
		{"usajobs", "USAJOBS (OPM)"},
		{"cbp", "U.S. Customs and Border Protection"},
		{"dol", "Department of Labor"},
		{"hud", "Housing and Urban Development"},
	}

	devices = []string{"Chrome on Windows", "Safari on iPhone", "Firefox on Linux", "Chrome on Android",
		"Edge on Windows", "Safari on macOS", "Samsung Internet on Android", "Firefox on Windows"}

	authAppNames = []string{"Google Authenticator", "Authy", "Microsoft Authenticator", "1Password", "work phone"}
	keyNames     = []string{"YubiKey 5", "blue key", "Titan key", "keyring key"}
	platformKeys = []string{"Face ID", "Windows Hello", "Touch ID", "Android fingerprint"}
	pivNames     = []string{"CAC card", "PIV badge"}

	usAreaCodes = []string{"202", "212", "305", "312", "415", "512", "617", "713", "786", "915", "505", "718", "323", "602", "210"}
)

// asciiFold maps accented letters to ASCII for email local parts.
var asciiFold = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'í': "i", 'î': "i", 'ï': "i",
	'ó': "o", 'ô': "o", 'ö': "o", 'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ñ': "n", 'ç': "c", 'É': "e", 'È': "e",
	'Á': "a", 'Í': "i", 'Ó': "o", 'Ú': "u", 'Ñ': "n", 'Ç': "c", 'Ë': "e", 'Ï': "i",
}
