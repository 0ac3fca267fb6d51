package account

import "strings"

// maskDot is the bullet used in masked values.
const maskDot = "•••"

// MaskEmail shows the first character of the local part and the domain:
// j•••@example.com.
func MaskEmail(normalized string) string {
	at := strings.LastIndexByte(normalized, '@')
	if at < 1 {
		return maskDot
	}
	first := []rune(normalized[:at])[0]
	return string(first) + maskDot + normalized[at:]
}

// MaskPhone shows the last four digits only: •••-•••-1234.
func MaskPhone(e164 string) string {
	if len(e164) < 4 {
		return maskDot + "-" + maskDot
	}
	return maskDot + "-" + maskDot + "-" + e164[len(e164)-4:]
}
