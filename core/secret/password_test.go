package secret

import (
	"errors"
	"strings"
	"testing"
)

// fastArgon2 keeps unit tests quick; DefaultArgon2 is covered once and in
// the benchmark.
var fastArgon2 = Argon2Params{Memory: 64, Time: 1, Threads: 1}

func TestHashPasswordFormat(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry the OWASP parameters", h)
	}
	if ok, err := VerifyPassword("correct horse battery", h); !ok || err != nil {
		t.Errorf("VerifyPassword(right) = %v, %v", ok, err)
	}
	h2, _ := HashPassword("correct horse battery", DefaultArgon2)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyPassword(t *testing.T) {
	t.Parallel()
	const pw = "Tr0ub4dor&3 été ☃"
	h, err := HashPassword(pw, fastArgon2)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"right", pw, true},
		{"wrong", "Tr0ub4dor&3 ete ☃", false},
		{"prefix", pw[:len(pw)-1], false},
		{"longer", pw + " ", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, err := VerifyPassword(tc.pw, h)
			if ok != tc.want || err != nil {
				t.Errorf("VerifyPassword = %v, %v; want %v, nil", ok, err, tc.want)
			}
		})
	}
}

func TestVerifyPasswordGarbage(t *testing.T) {
	t.Parallel()
	good, err := HashPassword("x", fastArgon2)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, sum := parts[4], parts[5]
	tests := []string{
		"",
		"password",
		"$",
		"$argon2id$",
		"$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", // bcrypt
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + sum,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + sum,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + sum,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + sum,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + sum + "$extra",
		"$argon2id$v=19$m=x,t=1,p=1$" + salt + "$" + sum,
		"$argon2id$v=19$m=64,t=1,p=300$" + salt + "$" + sum,
		// Parameters that would make argon2 panic or exhaust memory.
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + sum,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + sum,
		"$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + sum,
		"$argon2id$v=19$m=64,t=4294967295,p=1$" + salt + "$" + sum,
	}
	for _, enc := range tests {
		ok, err := VerifyPassword("x", enc)
		if ok || !errors.Is(err, ErrHashFormat) {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrHashFormat", enc, ok, err)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	h, err := HashPassword("correct horse battery staple", DefaultArgon2)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := VerifyPassword("correct horse battery staple", h); !ok || err != nil {
			b.Fatal("verify failed", err)
		}
	}
}
