package secret

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// crockford is Crockford's base32 alphabet: no I, L, O or U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// RandomCrockford returns n random Crockford base32 characters.
func RandomCrockford(n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(err)
	}
	out := make([]byte, n)
	for i, b := range buf {
		out[i] = crockford[b&31]
	}
	return string(out)
}

// NormalizeCrockford upper-cases a typed code, drops spaces and dashes and
// maps the look-alike letters Crockford allows (I, L to 1; O to 0).
func NormalizeCrockford(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '\t':
			continue
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// RandomDigits returns n random decimal digits (one-time codes).
func RandomDigits(n int) string {
	out := make([]byte, n)
	ten := big.NewInt(10)
	for i := range out {
		d, err := rand.Int(rand.Reader, ten)
		if err != nil {
			panic(err)
		}
		out[i] = byte('0' + d.Int64())
	}
	return string(out)
}

// FormatPersonalKey groups a 16-character key as XXXX-XXXX-XXXX-XXXX.
func FormatPersonalKey(k string) string {
	if len(k) != 16 {
		return k
	}
	return k[0:4] + "-" + k[4:8] + "-" + k[8:12] + "-" + k[12:16]
}
