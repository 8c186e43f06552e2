package auth

import (
	"context"
	"testing"

	"github.com/mms-platform/mms/model"
)

type noKeys struct{}

func (noKeys) KeyByHash(context.Context, string) (*model.APIKey, error) {
	return nil, model.Errorf(model.ENOTFOUND, "no key")
}

// FuzzAuthenticate: any bearer value is anonymous (empty), or refused with
// UNAUTHENTICATED; it never panics and never yields a principal here.
func FuzzAuthenticate(f *testing.F) {
	v, err := NewJWTVerifier(JWTConfig{Secret: []byte("fuzz-secret-fuzz-secret-fuzz-secret!")})
	if err != nil {
		f.Fatal(err)
	}
	a := &Authenticator{Keys: noKeys{}, JWT: v}
	f.Add("mms_0123456789abcdef0123456789abcdef01234567")
	f.Add("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiJ9.")
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2ln")
	f.Add("Bearer   ")
	f.Fuzz(func(t *testing.T, token string) {
		p, err := a.Authenticate(context.Background(), BearerToken(token))
		switch {
		case err != nil && model.ErrorCode(err) != model.EUNAUTHENTICATED:
			t.Fatalf("%q: error code %s", token, model.ErrorCode(err))
		case err == nil && !p.Anonymous:
			t.Fatalf("%q authenticated as %+v", token, p)
		}
	})
}
