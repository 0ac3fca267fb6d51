package userapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"supportdesk/core/fault"
)

// decodeLimited is what readJSON does after the media-type check.
func decodeLimited(data []byte, limit int64, v any) error {
	return decodeStrict(http.MaxBytesReader(nil, io.NopCloser(bytes.NewReader(data)), limit), limit, v)
}

// FuzzDecodeDocument: any bytes either decode into a document request that
// re-encodes to the same request, or are refused as bad JSON or too large;
// nothing else, and never a panic.
func FuzzDecodeDocument(f *testing.F) {
	for _, s := range []string{
		`{"kind":"passport","front":"Z2xhcmU=","back":"YmFjaw==","selfie":"bWU="}`,
		`{"kind":"passport","front":"Z2xhcmU=","back":"YmFjaw=="} `,
		`{"kind":"passport","front":"Z2xhcmU=","back":"YmFjaw=="}{}`,
		`{"kind":"passport","front":"!!","back":""}`,
		`{"kind":"passport","Front":"QQ==","back":"QQ==","extra":1}`,
		`{"kind":null,"front":null}`,
		`null`, `[]`, `"x"`, ``, `{"kind":"\u0000","front":"QQ==","back":"QQ=="}`,
		`{"kind":"passport","front":"QQ","back":"QQ=="}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 4096
		var q documentRequest
		err := decodeLimited(data, limit, &q)
		if err != nil {
			if f := fieldOf(err); f != "json" && f != "body" {
				t.Fatalf("unexpected refusal %v", err)
			}
			return
		}
		if !json.Valid(bytes.TrimSpace(data)) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if int64(len(q.Front)+len(q.Back)+len(q.Selfie)+len(q.Kind)) > limit {
			t.Fatalf("decoded more than the limit from %d bytes", len(data))
		}
		again, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var back documentRequest
		if err := decodeLimited(again, 1<<20, &back); err != nil {
			t.Fatalf("re-encoded request refused: %v", err)
		}
		if back.Kind != q.Kind || !bytes.Equal(back.Front, q.Front) || !bytes.Equal(back.Back, q.Back) || !bytes.Equal(back.Selfie, q.Selfie) {
			t.Fatalf("round trip changed the request")
		}
		if q.check() == nil && (len(q.Front) == 0 || len(q.Back) == 0 || strings.TrimSpace(q.Kind) == "" || len(q.Kind) > 32) {
			t.Fatalf("check let through %+v", q)
		}
	})
}

// FuzzDecodeVerify: the sign-in's second step, whose method defaults to a
// phone code and is otherwise one of three.
func FuzzDecodeVerify(f *testing.F) {
	for _, s := range []string{
		`{"pending":"abc","code":"123456","method":"otp"}`,
		`{"pending":"abc","code":"123456"}`,
		`{"pending":"abc","code":"123456","method":"sms"}`,
		`{"pending":"abc","code":123456}`,
		`{"pending":"","code":""}`,
		`{"pending":"abc","code":"ABCD-EFGH-JKMN","method":"backup_code","x":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var q verifyRequest
		if err := decodeLimited(data, MaxRequestBytes, &q); err != nil {
			return
		}
		if q.check() != nil {
			return
		}
		if !slices.Contains([]string{MethodOTP, MethodTOTP, MethodBackupCode}, q.Method) || q.Pending == "" || q.Code == "" ||
			len(q.Pending) > 128 || len(q.Code) > 64 {
			t.Fatalf("check let through %+v", q)
		}
	})
}

// FuzzAcceptLanguage: whatever the header, the answer is in one of the
// three languages.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "fr-CA", "es;q=0.5, fr;q=0.4", "de, *;q=0.1", "fr;q=0.", "es;q=1.5", ";;,,q="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/v1/idv", nil)
		r.Header.Set("Accept-Language", header)
		if got := requestLanguage(r); !slices.Contains(Languages, got) {
			t.Fatalf("%q: language %q", header, got)
		}
	})
}

func fieldOf(err error) string {
	if fe, ok := fault.As(err); ok {
		return fe.Field
	}
	return ""
}

// A body without a length (chunked) is cut at the limit as it streams.
func TestStreamedBodyIsCutAtTheLimit(t *testing.T) {
	t.Parallel()
	body := `{"pending":"` + strings.Repeat("a", MaxRequestBytes) + `"}`
	r := httptest.NewRequest("POST", "/v1/account/reset", io.MultiReader(strings.NewReader(body)))
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	var q pendingRequest
	if err := readJSON(httptest.NewRecorder(), r, MaxRequestBytes, &q); fieldOf(err) != "body" {
		t.Fatalf("streamed oversize body: %v", err)
	}
	// Trailing whitespace after the object is fine; a trailing token is not.
	for body, ok := range map[string]bool{`{"pending":"a"}` + "\n\t ": true, `{"pending":"a"} 1`: false, `{"pending":"a"`: false} {
		r := httptest.NewRequest("POST", "/v1/account/reset", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if err := readJSON(httptest.NewRecorder(), r, MaxRequestBytes, &q); (err == nil) != ok {
			t.Errorf("%q: %v", body, err)
		}
	}
}
