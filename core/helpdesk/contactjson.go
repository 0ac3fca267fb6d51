package helpdesk

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf16"
	"unicode/utf8"

	"supportdesk/core/fault"
)

// contactFields are the JSON body's keys; form fields use the same names.
var contactFields = map[string]bool{"email": true, "name": true, "language": true, "category": true,
	"agency": true, "subject": true, "message": true}

// decodeJSON reads a contact form held to the form fields' text policy:
// UTF-8 only, no lone surrogate escapes (encoding/json would store them as
// U+FFFD), one object of string (or null) values under the known keys, each once and
// spelled exactly (encoding/json would match "Email" and keep the last of
// two "email"s).
func decodeJSON(raw []byte) (map[string]string, error) {
	if !utf8.Valid(raw) || loneSurrogate(raw) {
		return nil, &fault.Error{Code: fault.CodeInvalidInput, Field: "encoding"}
	}
	bad := &fault.Error{Code: fault.CodeInvalidInput, Field: "json"}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bad
	}
	out := map[string]string{}
	for dec.More() {
		k, err := dec.Token()
		key, ok := k.(string)
		if err != nil || !ok || !contactFields[key] {
			return nil, bad
		}
		if _, dup := out[key]; dup {
			return nil, &fault.Error{Code: fault.CodeInvalidInput, Field: "json_duplicate"}
		}
		v, err := dec.Token()
		val, ok := v.(string)
		if err != nil || !ok && v != nil {
			return nil, bad
		}
		out[key] = val // null reads as an empty field, as encoding/json had it
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, bad
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad
	}
	return out, nil
}

// loneSurrogate reports a \\uD800-\\uDFFF escape in a JSON text that is not
// a high surrogate followed at once by a low one. Malformed escapes are
// left to the decoder.
func loneSurrogate(raw []byte) bool {
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 < len(raw) && raw[i+1] == 'u' {
				r, ok := hex4(raw, i+2)
				if !ok {
					return false
				}
				if utf16.IsSurrogate(r) {
					if r >= 0xDC00 {
						return true // a low surrogate first
					}
					lo, ok := rune(0), i+11 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u'
					if ok {
						lo, ok = hex4(raw, i+8)
					}
					if !ok || lo < 0xDC00 || lo > 0xDFFF {
						return true
					}
					i += 6
				}
				i += 5
			} else {
				i++
			}
		}
	}
	return false
}

// hex4 reads four hex digits at raw[i:].
func hex4(raw []byte, i int) (rune, bool) {
	if i+4 > len(raw) {
		return 0, false
	}
	var r rune
	for _, c := range raw[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
