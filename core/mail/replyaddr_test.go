package mail

import (
	"bytes"
	"strings"
	"testing"

	"supportdesk/core/secret"
)

func TestReplyAddressRoundTripAndForgery(t *testing.T) {
	t.Parallel()
	keys, _ := secret.New(bytes.Repeat([]byte{1}, 32))
	other, _ := secret.New(bytes.Repeat([]byte{2}, 32))
	addr, err := ReplyAddress(keys, "Centro de atención <soporte@desk.example.gov>", "SD-2026-000123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(addr, "soporte+SD-2026-000123.") || !strings.HasSuffix(addr, "@desk.example.gov") || len(addr) > 64+1+16 {
		t.Fatalf("reply address %q", addr)
	}
	forgedRef := strings.Replace(addr, "000123", "000124", 1)
	foreign, _ := ReplyAddress(other, "soporte@desk.example.gov", "SD-2026-000123")
	tests := []struct {
		addr       string
		ref        string
		tagged, ok bool
	}{
		{addr, "SD-2026-000123", true, true},
		{strings.ToLower(addr), "SD-2026-000123", true, true}, // an MTA that lower-cases the local part
		{strings.ToUpper(addr[:strings.IndexByte(addr, '@')]) + addr[strings.IndexByte(addr, '@'):], "SD-2026-000123", true, true},
		{forgedRef, "SD-2026-000124", true, false},
		{foreign, "SD-2026-000123", true, false},
		{"soporte@desk.example.gov", "", false, false},
		{"soporte+SD-2026-000123@desk.example.gov", "", false, false}, // a reference typed by hand
		{"soporte+x.short@desk.example.gov", "", false, false},
	}
	for _, tt := range tests {
		ref, tagged, ok := ParseReplyAddress(keys, tt.addr)
		if tagged != tt.tagged || ok != tt.ok || (tt.tagged && ref != tt.ref) {
			t.Errorf("ParseReplyAddress(%q) = %q, %v, %v; want %q, %v, %v", tt.addr, ref, tagged, ok, tt.ref, tt.tagged, tt.ok)
		}
	}
}
