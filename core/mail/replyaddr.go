package mail

import (
	"crypto/hmac"
	"encoding/base32"
	"errors"
	"strings"

	"supportdesk/core/secret"
)

// A ticket's reply address is the desk's address with a subaddress that
// names the ticket and a keyed MAC of that name, under the key file:
// support+SD-2026-000123.k3x9q2m7w4b8n5c6@desk.example.gov. A reply that
// reaches it threads onto the ticket; anyone can type a reference, but
// only the desk can make the tag.

// replyTagLen is the tag's length in base32 characters: 80 bits.
const replyTagLen = 16

var tagEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// replyTag is the MAC of a ticket reference, lower-case base32.
func replyTag(keys *secret.Keyring, ref string) string {
	mac := keys.Fingerprint("reply_address", strings.ToUpper(ref))
	return strings.ToLower(tagEncoding.EncodeToString(mac))[:replyTagLen]
}

// ReplyAddress is the reply address of the ticket ref, on the mailbox of
// from (an RFC 5322 address, display name allowed).
func ReplyAddress(keys *secret.Keyring, from, ref string) (string, error) {
	addr, err := envelope(from)
	if err != nil {
		return "", err
	}
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	if ref == "" || strings.ContainsAny(ref, "+.@ ") {
		return "", errors.New("mail: not a ticket reference")
	}
	return local + "+" + ref + "." + replyTag(keys, ref) + "@" + domain, nil
}

// ParseReplyAddress reads a recipient. tagged says whether it has the
// shape of a reply address; ref is the ticket it names when its tag is
// the desk's (ok). A reference with a wrong tag is tagged but not ok: a
// forgery, or a key file that changed.
func ParseReplyAddress(keys *secret.Keyring, addr string) (ref string, tagged, ok bool) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", false, false
	}
	local := addr[:at]
	plus := strings.IndexByte(local, '+')
	if plus < 0 {
		return "", false, false
	}
	sub := local[plus+1:]
	dot := strings.LastIndexByte(sub, '.')
	if dot < 1 || len(sub)-dot-1 != replyTagLen {
		return "", false, false
	}
	ref, tag := strings.ToUpper(sub[:dot]), strings.ToLower(sub[dot+1:])
	if !hmac.Equal([]byte(tag), []byte(replyTag(keys, ref))) {
		return ref, true, false
	}
	return ref, true, true
}
