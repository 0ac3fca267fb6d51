package ticket

import (
	"strings"
	"testing"
	"unicode/utf8"

	"supportdesk/core/fault"
	"supportdesk/core/safetext"
)

func good() Form {
	return Form{Email: " Ana.Lopez@Example.com ", Name: "Ana López", Language: "es", Category: "lost_mfa",
		Agency: "SSA", Subject: "Perdí mi teléfono", Message: "Hola\r\nNo puedo entrar.\tGracias"}
}

func TestValidateNormalizes(t *testing.T) {
	t.Parallel()
	v, err := Validate(good())
	if err != nil {
		t.Fatal(err)
	}
	if v.Email != "ana.lopez@example.com" || v.Agency != "ssa" || v.Body != "Hola\nNo puedo entrar.\tGracias" ||
		v.Channel != ChannelWeb || v.Category != CategoryLostMFA {
		t.Fatalf("%+v", v)
	}
	// No language: the text's (Spanish here); no category: other.
	f := good()
	f.Language, f.Category = "", ""
	if v, err := Validate(f); err != nil || v.Language != "es" || v.Category != CategoryOther {
		t.Fatalf("defaults: %+v %v", v, err)
	}
}

func TestValidateRefuses(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		mutate func(*Form)
		field  string
	}{
		"name too long":      {func(f *Form) { f.Name = strings.Repeat("n", MaxNameLength+1) }, "name"},
		"empty name":         {func(f *Form) { f.Name = " " }, "name"},
		"subject newline":    {func(f *Form) { f.Subject = "a\nb" }, "subject"},
		"body escape":        {func(f *Form) { f.Message = "see \x1b]52;c;aGk=\x07" }, "message"},
		"body C1":            {func(f *Form) { f.Message = "a\u009bb" }, "message"},
		"body bidi":          {func(f *Form) { f.Message = "a\u202eb" }, "message"},
		"body 64 KiB + 1":    {func(f *Form) { f.Message = strings.Repeat("a", MaxBodyBytes+1) }, "message"},
		"language":           {func(f *Form) { f.Language = "pt" }, "language"},
		"category":           {func(f *Form) { f.Category = "refund" }, "category"},
		"agency":             {func(f *Form) { f.Agency = "s s a" }, "agency"},
		"invalid utf-8":      {func(f *Form) { f.Subject = "\xc3\x28" }, "subject"},
		"idempotency escape": {func(f *Form) { f.IdempotencyKey = "k\x1b" }, "idempotency_key"},
		"name zero-width":    {func(f *Form) { f.Name = "Ana\u200bLópez" }, "name"},
		"name bom":           {func(f *Form) { f.Name = "\ufeffAna" }, "name"},
		"name word joiner":   {func(f *Form) { f.Name = "An\u2060a" }, "name"},
		"name rlm":           {func(f *Form) { f.Name = "Ana\u200f" }, "name"},
		"name tags":          {func(f *Form) { f.Name = "Ana \U000E0041\U000E007F" }, "name"},
		"name line sep":      {func(f *Form) { f.Name = "Ana\u2028López" }, "name"},
		"subject lrm":        {func(f *Form) { f.Subject = "a\u200eb" }, "subject"},
		"subject rli":        {func(f *Form) { f.Subject = "a\u2067b" }, "subject"},
		"subject para sep":   {func(f *Form) { f.Subject = "a\u2029b" }, "subject"},
		"subject zero-width": {func(f *Form) { f.Subject = "verify\u200b now" }, "subject"},
		"body line sep":      {func(f *Form) { f.Message = "a\u2028b" }, "message"},
		"email long local":   {func(f *Form) { f.Email = strings.Repeat("a", 65) + "@example.com" }, "email"},
	}
	for name, c := range cases {
		f := good()
		c.mutate(&f)
		_, err := Validate(f)
		fe, ok := fault.As(err)
		if !ok || fe.Field != c.field {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Every refusal names its limit, so no message says "at most 0".
	for field, mutate := range map[string]func(*Form){
		"email":           func(f *Form) { f.Email = "nope" },
		"name":            func(f *Form) { f.Name = "a\u200bb" },
		"subject":         func(f *Form) { f.Subject = "a\u202eb" },
		"email ":          func(f *Form) { f.Email = "a\xff@example.com" },
		"name ":           func(f *Form) { f.Name = "a\xffb" },
		"subject ":        func(f *Form) { f.Subject = "\xed\xa0\x80" }, // a lone surrogate
		"message":         func(f *Form) { f.Message = "a\xffb" },
		"agency":          func(f *Form) { f.Agency = "\xff" },
		"idempotency_key": func(f *Form) { f.IdempotencyKey = "\xff" },
	} {
		f := good()
		mutate(&f)
		if _, err := Validate(f); err == nil {
			t.Errorf("%s: accepted", field)
		} else if fe, ok := fault.As(err); !ok || fe.Field != strings.TrimSpace(field) || fe.Max == 0 {
			t.Errorf("%s: %#v, want the field and its limit", field, err)
		}
	}
	f := good()
	f.Name, f.Subject = "Ana 👩\u200d💻", "می\u200cخواهم"
	if v, err := Validate(f); err != nil || v.Name != f.Name || v.Subject != f.Subject {
		t.Errorf("ZWJ/ZWNJ refused: %+v %v", v, err)
	}
	f = good()
	f.Message = strings.Repeat("é", MaxBodyBytes/2) // exactly 64 KiB of UTF-8
	if _, err := Validate(f); err != nil {
		t.Errorf("64 KiB body refused: %v", err)
	}
}

func FuzzValidate(f *testing.F) {
	g := good()
	f.Add(g.Email, g.Name, g.Subject, g.Message)
	f.Add("x@y.z", "\x1b[2J", "\u202e", "\x00")
	f.Add("İ@Example.com", "a\u200bb", "\U000E0041", "a\u2028b")
	f.Fuzz(func(t *testing.T, email, name, subject, message string) {
		v, err := Validate(Form{Email: email, Name: name, Language: "fr", Subject: subject, Message: message})
		if err != nil {
			if fe, ok := fault.As(err); !ok || fe.Max == 0 {
				t.Fatalf("refusal without its limit: %#v", err)
			}
			return
		}
		for _, s := range []string{v.Email, v.Name, v.Subject, v.Body} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x1b\r\x00") {
				t.Fatalf("accepted unsafe text %q", s)
			}
		}
		for _, s := range []string{v.Email, v.Name, v.Subject} {
			if !safetext.ValidLine(s) {
				t.Fatalf("accepted a control or format character in %q", s)
			}
		}
		if !safetext.ValidText(v.Body) {
			t.Fatalf("accepted a control or format character in the body %q", v.Body)
		}
		if len(v.Body) > MaxBodyBytes || utf8.RuneCountInString(v.Subject) > MaxSubjectLength {
			t.Fatal("accepted over the limits")
		}
	})
}
