package account

import (
	"regexp"
	"testing"
)

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if h2, _ := HashPassword("correct horse", cheap); h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if ok, rehash := CheckPassword(h, "correct horse", cheap); !ok || rehash {
		t.Errorf("right password: ok=%v rehash=%v, want true false", ok, rehash)
	}
	if ok, _ := CheckPassword(h, "correct horsf", cheap); ok {
		t.Error("wrong password accepted")
	}
	stronger := cheap
	stronger.Time = 2
	if ok, rehash := CheckPassword(h, "correct horse", stronger); !ok || !rehash {
		t.Errorf("after a cost change: ok=%v rehash=%v, want true true", ok, rehash)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, _ := HashPassword("correct horse", cheap)
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=16$m=64,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=64,t=0,p=1$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA", "$argon2id$v=19$m=64,t=1,p=1$$", good + "$"} {
		if ok, _ := CheckPassword(h, "correct horse", cheap); ok {
			t.Errorf("CheckPassword(%q) accepted", h)
		}
	}
}

// The stand-in hash for unknown emails costs what a real one does.
func TestDummyHashHasTheParams(t *testing.T) {
	p, _, _, err := parseHash(dummyHash(DefaultParams))
	if err != nil || p != DefaultParams {
		t.Fatalf("dummy hash params %+v, %v; want %+v", p, err, DefaultParams)
	}
}
