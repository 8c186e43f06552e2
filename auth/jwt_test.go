package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/mms-platform/mms/model"
)

const (
	testIssuer   = "https://idp.example.com/"
	testAudience = "mms"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef") // 32 bytes

// Keys are generated once: RSA key generation is slow.
var (
	testRSAKey   = sync.OnceValue(func() *rsa.PrivateKey { return mustRSAKey() })
	otherRSAKey  = sync.OnceValue(func() *rsa.PrivateKey { return mustRSAKey() })
	testECKey    = sync.OnceValue(func() *ecdsa.PrivateKey { return mustECKey() })
	otherECKey   = sync.OnceValue(func() *ecdsa.PrivateKey { return mustECKey() })
	rotatedECKey = sync.OnceValue(func() *ecdsa.PrivateKey { return mustECKey() })
)

func mustRSAKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func mustECKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

// baseClaims returns valid claims relative to now, changed by edit if not nil.
func baseClaims(now time.Time, edit func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{
		"sub":  "alice",
		"team": "blue",
		"role": "viewer",
		"iss":  testIssuer,
		"aud":  testAudience,
		"iat":  now.Unix(),
		"nbf":  now.Unix(),
		"exp":  now.Add(time.Hour).Unix(),
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// sign returns a token for claims signed with method and key; kid is set if not empty.
func sign(t testing.TB, method jwt.SigningMethod, key any, kid string, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign token: %v", err)
	}
	return s
}

// rawToken builds a token from a header and a payload given as JSON and a signature
// computed with HS256 and secret.
func rawToken(header, payload string, secret []byte) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(input, secret)
	if err != nil {
		panic(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// tamperSignature flips one bit of token's decoded signature. Flipping a bit of the
// decoded bytes (rather than a character) guarantees the signature really changes.
func tamperSignature(t testing.TB, token string) string {
	t.Helper()
	i := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	sig[len(sig)/2] ^= 1
	return token[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}

// tamperPayload replaces token's payload with claims, keeping header and signature.
func tamperPayload(t testing.TB, token string, claims jwt.MapClaims) string {
	t.Helper()
	parts := strings.Split(token, ".")
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// checkVerify compares Verify's result with want (if wantErr is "") or checks that it
// failed with an UNAUTHENTICATED error whose message is wantErr.
func checkVerify(t *testing.T, token string, got Claims, err error, want Claims, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil {
			t.Fatalf("Verify: unexpected error %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Verify claims mismatch (-want +got):\n%s", diff)
		}
		return
	}
	if err == nil {
		t.Fatalf("Verify succeeded with %+v, want error %q", got, wantErr)
	}
	var merr *model.Error
	if !errors.As(err, &merr) {
		t.Fatalf("Verify error %v (%T) is not a *model.Error", err, err)
	}
	if merr.Code != model.EUNAUTHENTICATED {
		t.Errorf("error code = %q, want %q", merr.Code, model.EUNAUTHENTICATED)
	}
	if merr.Message != wantErr {
		t.Errorf("error message = %q, want %q", merr.Message, wantErr)
	}
	if len(token) >= 16 && strings.Contains(err.Error(), token) {
		t.Errorf("error %q echoes the token", err)
	}
	if i := strings.LastIndexByte(token, '.'); i >= 0 && len(token)-i > 16 && strings.Contains(err.Error(), token[i+1:]) {
		t.Errorf("error %q echoes the token's signature", err)
	}
	if diff := cmp.Diff(Claims{}, got); diff != "" {
		t.Errorf("Verify returned claims with an error (-want +got):\n%s", diff)
	}
}

func newHS256Verifier(t testing.TB) *JWTVerifier {
	t.Helper()
	v, err := NewJWTVerifier(JWTConfig{Secret: testSecret, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatalf("NewJWTVerifier: %v", err)
	}
	return v
}

func TestJWTVerifyHS256(t *testing.T) {
	v := newHS256Verifier(t)
	now := time.Now()
	exp := time.Unix(now.Add(time.Hour).Unix(), 0)
	valid := sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, nil))

	tests := []struct {
		name    string
		token   string
		want    Claims
		wantErr string
	}{
		{
			name:  "valid",
			token: valid,
			want:  Claims{Subject: "alice", Team: "blue", Role: "VIEWER", Expires: exp},
		},
		{
			name: "valid without optional claims",
			token: sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
				delete(c, "team")
				delete(c, "role")
				delete(c, "iat")
				delete(c, "nbf")
			})),
			want: Claims{Subject: "alice", Expires: exp},
		},
		{
			name: "audience list containing ours",
			token: sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
				c["aud"] = []string{"other", testAudience}
			})),
			want: Claims{Subject: "alice", Team: "blue", Role: "VIEWER", Expires: exp},
		},
		{
			name: "expired within the default leeway",
			token: sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
				c["exp"] = now.Add(-10 * time.Second).Unix()
			})),
			want: Claims{Subject: "alice", Team: "blue", Role: "VIEWER", Expires: time.Unix(now.Add(-10*time.Second).Unix(), 0)},
		},
		{
			name: "expired beyond the default leeway",
			token: sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
				c["exp"] = now.Add(-45 * time.Second).Unix()
			})),
			wantErr: "invalid token: token is expired",
		},
		{
			name: "expired",
			token: sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
				c["iat"] = now.Add(-2 * time.Hour).Unix()
				c["nbf"] = now.Add(-2 * time.Hour).Unix()
				c["exp"] = now.Add(-time.Hour).Unix()
			})),
			wantErr: "invalid token: token is expired",
		},
		{
			name:    "missing exp",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { delete(c, "exp") })),
			wantErr: "invalid token: missing exp claim",
		},
		{
			name:    "exp not a number",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { c["exp"] = "tomorrow" })),
			wantErr: "invalid token: token is malformed",
		},
		{
			name:    "missing sub",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { delete(c, "sub") })),
			wantErr: "invalid token: missing sub claim",
		},
		{
			name:    "empty sub",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { c["sub"] = "" })),
			wantErr: "invalid token: missing sub claim",
		},
		{
			name: "not valid yet",
			token: sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
				c["nbf"] = now.Add(10 * time.Minute).Unix()
			})),
			wantErr: "invalid token: token is not valid yet",
		},
		{
			name: "issued in the future",
			token: sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
				c["iat"] = now.Add(10 * time.Minute).Unix()
			})),
			wantErr: "invalid token: token used before issued",
		},
		{
			name:    "wrong issuer",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com/" })),
			wantErr: "invalid token: wrong issuer",
		},
		{
			name:    "missing issuer",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { delete(c, "iss") })),
			wantErr: "invalid token: missing iss claim",
		},
		{
			name:    "wrong audience",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { c["aud"] = []string{"other", "another"} })),
			wantErr: "invalid token: wrong audience",
		},
		{
			name:    "missing audience",
			token:   sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) { delete(c, "aud") })),
			wantErr: "invalid token: missing aud claim",
		},
		{
			name:    "alg none",
			token:   sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", baseClaims(now, nil)),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "alg none with a signature",
			token:   rawToken(`{"alg":"none","typ":"JWT"}`, `{"sub":"alice","exp":9999999999}`, testSecret),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "HS384 with the right secret",
			token:   sign(t, jwt.SigningMethodHS384, testSecret, "", baseClaims(now, nil)),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "RS256 when a secret is configured",
			token:   sign(t, jwt.SigningMethodRS256, testRSAKey(), "", baseClaims(now, nil)),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "wrong secret",
			token:   sign(t, jwt.SigningMethodHS256, []byte("fedcba9876543210fedcba9876543210"), "", baseClaims(now, nil)),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name:    "tampered signature",
			token:   tamperSignature(t, valid),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name:    "tampered payload",
			token:   tamperPayload(t, valid, baseClaims(now, func(c jwt.MapClaims) { c["role"] = "ADMIN" })),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name:    "signed null payload",
			token:   rawToken(`{"alg":"HS256","typ":"JWT"}`, `null`, testSecret),
			wantErr: "invalid token: missing exp claim",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), tt.token)
			checkVerify(t, tt.token, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestJWTVerifyGarbage(t *testing.T) {
	v := newHS256Verifier(t)
	enc := base64.RawURLEncoding.EncodeToString
	tests := []struct {
		name    string
		token   string
		wantErr string
	}{
		{"empty", "", "invalid token: token is malformed"},
		{"one segment", "abcdef", "invalid token: token is malformed"},
		{"two segments", "abc.def", "invalid token: token is malformed"},
		{"four segments", "abc.def.ghi.jkl", "invalid token: token is malformed"},
		{"dots only", "..", "invalid token: token is malformed"},
		{"not base64", "!!!.@@@.###", "invalid token: token is malformed"},
		{"bearer prefix", "Bearer " + rawToken(`{"alg":"HS256"}`, `{"sub":"a"}`, testSecret), "invalid token: token is malformed"},
		{"header not JSON", enc([]byte("hello")) + "." + enc([]byte(`{}`)) + ".c2ln", "invalid token: token is malformed"},
		{"header JSON array", enc([]byte(`["HS256"]`)) + "." + enc([]byte(`{}`)) + ".c2ln", "invalid token: token is malformed"},
		{"payload not JSON", enc([]byte(`{"alg":"HS256"}`)) + "." + enc([]byte("hello")) + ".c2ln", "invalid token: token is malformed"},
		{"signature not base64", enc([]byte(`{"alg":"HS256"}`)) + "." + enc([]byte(`{}`)) + ".!!!", "invalid token: token is malformed"},
		{"no alg", rawToken(`{"typ":"JWT"}`, `{"sub":"alice","exp":9999999999}`, testSecret), "invalid token: unexpected signing algorithm"},
		{"unknown alg", rawToken(`{"alg":"XS999"}`, `{"sub":"alice","exp":9999999999}`, testSecret), "invalid token: unexpected signing algorithm"},
		{"binary", "\x00\xff\xfe.\x01.\x02", "invalid token: token is malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), tt.token)
			checkVerify(t, tt.token, got, err, Claims{}, tt.wantErr)
		})
	}
}

// paddedTokens returns the longest valid HS256 token of at most maxLen bytes and the
// shortest one longer than maxLen, obtained by growing a padding claim.
func paddedTokens(t *testing.T, maxLen int) (fits, tooLong string) {
	t.Helper()
	now := time.Now()
	for n := maxLen / 2; ; n++ {
		tok := sign(t, jwt.SigningMethodHS256, testSecret, "", baseClaims(now, func(c jwt.MapClaims) {
			c["pad"] = strings.Repeat("x", n)
		}))
		if len(tok) > maxLen {
			return fits, tok
		}
		fits = tok
	}
}

func TestJWTVerifyTokenSize(t *testing.T) {
	v := newHS256Verifier(t)
	fits, tooLong := paddedTokens(t, maxJWTLength)
	if len(fits) > maxJWTLength || len(fits) < maxJWTLength-4 || len(tooLong) <= maxJWTLength {
		t.Fatalf("bad test tokens: lengths %d and %d around %d", len(fits), len(tooLong), maxJWTLength)
	}
	tests := []struct {
		name    string
		token   string
		wantErr string
	}{
		{"at the limit", fits, ""},
		{"over the limit", tooLong, "invalid token: token too large"},
		{"huge garbage", strings.Repeat("a", 1<<20), "invalid token: token too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), tt.token)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Verify(%d-byte token): %v", len(tt.token), err)
				}
				if got.Subject != "alice" {
					t.Errorf("Subject = %q, want %q", got.Subject, "alice")
				}
				return
			}
			checkVerify(t, tt.token, got, err, Claims{}, tt.wantErr)
		})
	}
}

// jwkJSON returns the public JWK of key (an RSA or EC private key) with the given kid,
// use and alg (omitted when empty).
func jwkJSON(key any, kid, use, alg string) map[string]any {
	enc := base64.RawURLEncoding.EncodeToString
	m := map[string]any{"kid": kid}
	if use != "" {
		m["use"] = use
	}
	if alg != "" {
		m["alg"] = alg
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		m["kty"] = "RSA"
		m["n"] = enc(k.N.Bytes())
		m["e"] = enc(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PrivateKey:
		pub, err := k.PublicKey.Bytes() // 0x04 || x || y
		if err != nil {
			panic(err)
		}
		m["kty"] = "EC"
		m["crv"] = "P-256"
		m["x"] = enc(pub[1:33])
		m["y"] = enc(pub[33:])
	default:
		panic("unsupported key type")
	}
	return m
}

// jwksServer is a TLS JWKS endpoint that counts its requests.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int32

	mu     sync.Mutex
	status int
	body   []byte
	delay  time.Duration
}

func newJWKSServer(t *testing.T, keys ...map[string]any) *jwksServer {
	t.Helper()
	s := &jwksServer{status: http.StatusOK}
	s.setKeys(t, keys...)
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		status, body, delay := s.status, s.body, s.delay
		s.mu.Unlock()
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKeys(t *testing.T, keys ...map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	s.setResponse(http.StatusOK, body)
}

func (s *jwksServer) setDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

func (s *jwksServer) setResponse(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

func newJWKSVerifier(t *testing.T, s *jwksServer) *JWTVerifier {
	t.Helper()
	v, err := NewJWTVerifier(JWTConfig{
		JWKSURL:    s.URL,
		Issuer:     testIssuer,
		Audience:   testAudience,
		HTTPClient: s.Client(),
	})
	if err != nil {
		t.Fatalf("NewJWTVerifier: %v", err)
	}
	return v
}

// fakeClock is a settable clock for the verifier's now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestJWTVerifyJWKS(t *testing.T) {
	rsaKey, ecKey := testRSAKey(), testECKey()
	srv := newJWKSServer(t,
		jwkJSON(rsaKey, "rsa-1", "sig", "RS256"),
		jwkJSON(ecKey, "ec-1", "", ""),
		jwkJSON(otherRSAKey(), "rsa-384", "sig", "RS384"),
		jwkJSON(otherECKey(), "ec-enc", "enc", ""),
	)
	v := newJWKSVerifier(t, srv)

	now := time.Now()
	exp := time.Unix(now.Add(time.Hour).Unix(), 0)
	want := Claims{Subject: "alice", Team: "blue", Role: "VIEWER", Expires: exp}
	claims := baseClaims(now, nil)

	pkix, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pkixPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)})
	// The confusion tokens must carry a valid HMAC under the public key bytes, or the
	// test would pass for the wrong reason.
	confused := sign(t, jwt.SigningMethodHS256, pkixPEM, "rsa-1", claims)
	if _, err := jwt.Parse(confused, func(*jwt.Token) (any, error) { return pkixPEM, nil }); err != nil {
		t.Fatalf("confusion token does not verify as HS256 with the PEM key: %v", err)
	}

	tests := []struct {
		name    string
		token   string
		want    Claims
		wantErr string
	}{
		{name: "RS256", token: sign(t, jwt.SigningMethodRS256, rsaKey, "rsa-1", claims), want: want},
		{name: "ES256", token: sign(t, jwt.SigningMethodES256, ecKey, "ec-1", claims), want: want},
		{name: "RS256 without kid", token: sign(t, jwt.SigningMethodRS256, rsaKey, "", claims), want: want},
		{name: "ES256 without kid", token: sign(t, jwt.SigningMethodES256, ecKey, "", claims), want: want},
		{
			name:    "HS256 with the RSA public key PEM as secret",
			token:   confused,
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "HS256 with the RSA public key PKCS1 PEM as secret",
			token:   sign(t, jwt.SigningMethodHS256, pkcs1PEM, "rsa-1", claims),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "HS256 with the RSA public key DER as secret",
			token:   sign(t, jwt.SigningMethodHS256, pkix, "rsa-1", claims),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "HS256 without kid",
			token:   sign(t, jwt.SigningMethodHS256, pkixPEM, "", claims),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "alg none",
			token:   sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "rsa-1", claims),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "PS256 with the right key",
			token:   sign(t, jwt.SigningMethodPS256, rsaKey, "rsa-1", claims),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "RS512 with the right key",
			token:   sign(t, jwt.SigningMethodRS512, rsaKey, "rsa-1", claims),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "ES384",
			token:   sign(t, jwt.SigningMethodES384, mustP384Key(t), "ec-1", claims),
			wantErr: "invalid token: unexpected signing algorithm",
		},
		{
			name:    "RS256 naming an EC key",
			token:   sign(t, jwt.SigningMethodRS256, rsaKey, "ec-1", claims),
			wantErr: "invalid token: unknown signing key",
		},
		{
			name:    "ES256 naming an RSA key",
			token:   sign(t, jwt.SigningMethodES256, ecKey, "rsa-1", claims),
			wantErr: "invalid token: unknown signing key",
		},
		{
			name:    "RS256 naming a key whose alg is RS384",
			token:   sign(t, jwt.SigningMethodRS256, otherRSAKey(), "rsa-384", claims),
			wantErr: "invalid token: unknown signing key",
		},
		{
			name:    "ES256 naming an encryption key",
			token:   sign(t, jwt.SigningMethodES256, otherECKey(), "ec-enc", claims),
			wantErr: "invalid token: unknown signing key",
		},
		{
			name:    "RS256 signed by another key",
			token:   sign(t, jwt.SigningMethodRS256, otherRSAKey(), "rsa-1", claims),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name:    "ES256 signed by another key",
			token:   sign(t, jwt.SigningMethodES256, otherECKey(), "ec-1", claims),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name:    "RS256 without kid signed by another key",
			token:   sign(t, jwt.SigningMethodRS256, otherRSAKey(), "", claims),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name:    "RS256 tampered signature",
			token:   tamperSignature(t, sign(t, jwt.SigningMethodRS256, rsaKey, "rsa-1", claims)),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name:    "ES256 tampered signature",
			token:   tamperSignature(t, sign(t, jwt.SigningMethodES256, ecKey, "ec-1", claims)),
			wantErr: "invalid token: signature is invalid",
		},
		{
			name: "RS256 expired",
			token: sign(t, jwt.SigningMethodRS256, rsaKey, "rsa-1", baseClaims(now, func(c jwt.MapClaims) {
				c["exp"] = now.Add(-time.Hour).Unix()
			})),
			wantErr: "invalid token: token is expired",
		},
		{
			name:    "ES256 wrong audience",
			token:   sign(t, jwt.SigningMethodES256, ecKey, "ec-1", baseClaims(now, func(c jwt.MapClaims) { c["aud"] = "other" })),
			wantErr: "invalid token: wrong audience",
		},
		{
			name:    "RS256 wrong issuer",
			token:   sign(t, jwt.SigningMethodRS256, rsaKey, "rsa-1", baseClaims(now, func(c jwt.MapClaims) { c["iss"] = "other" })),
			wantErr: "invalid token: wrong issuer",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), tt.token)
			checkVerify(t, tt.token, got, err, tt.want, tt.wantErr)
		})
	}
}

func mustP384Key(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestJWTJWKSRefresh walks one verifier through the JWKS cache's life: the first
// fetch, an unknown kid (one refresh, then rate-limited for 30s), a key rotation, the
// hourly refresh, and a failed refresh that keeps the old keys.
func TestJWTJWKSRefresh(t *testing.T) {
	ecKey, rotated := testECKey(), rotatedECKey()
	srv := newJWKSServer(t, jwkJSON(ecKey, "ec-1", "sig", "ES256"))
	v := newJWKSVerifier(t, srv)
	clock := &fakeClock{t: time.Now()}
	v.now = clock.Now

	ctx := context.Background()
	claims := baseClaims(clock.Now(), func(c jwt.MapClaims) { c["exp"] = clock.Now().Add(3 * time.Hour).Unix() })
	known := sign(t, jwt.SigningMethodES256, ecKey, "ec-1", claims)
	unknown := sign(t, jwt.SigningMethodES256, rotated, "ec-2", claims)
	unknownAgain := sign(t, jwt.SigningMethodES256, otherECKey(), "ec-3", claims)

	steps := []struct {
		name     string
		advance  time.Duration
		before   func()
		token    string
		wantErr  string
		wantHits int32
	}{
		{name: "first use fetches", token: known, wantHits: 1},
		{name: "cached key needs no fetch", token: known, wantHits: 1},
		{name: "unknown kid refreshes once then fails", token: unknown, wantErr: "invalid token: unknown signing key", wantHits: 2},
		{name: "unknown kid again within 30s does not fetch", advance: 29 * time.Second, token: unknown, wantErr: "invalid token: unknown signing key", wantHits: 2},
		{
			name:    "rotated key is found after 30s",
			advance: 2 * time.Second,
			before: func() {
				srv.setKeys(t, jwkJSON(ecKey, "ec-1", "sig", "ES256"), jwkJSON(rotated, "ec-2", "sig", "ES256"))
			},
			token:    unknown,
			wantHits: 3,
		},
		{name: "both keys cached", token: known, wantHits: 3},
		{name: "keys are fetched again after an hour", advance: time.Hour, token: known, wantHits: 4},
		{
			name:     "unknown kid right after the hourly fetch still refreshes",
			advance:  time.Second,
			token:    unknownAgain,
			wantErr:  "invalid token: unknown signing key",
			wantHits: 5,
		},
		{
			name:     "failed hourly refresh keeps the old keys",
			advance:  time.Hour,
			before:   func() { srv.setResponse(http.StatusInternalServerError, []byte("oops")) },
			token:    unknown,
			wantHits: 6,
		},
		{name: "failed refresh is not retried within 30s", advance: 10 * time.Second, token: known, wantHits: 6},
		{name: "stale keys are retried after 30s", advance: 30 * time.Second, token: known, wantHits: 7},
	}
	for _, st := range steps {
		// Steps depend on each other: stop at the first failure.
		if !t.Run(st.name, func(t *testing.T) {
			clock.Advance(st.advance)
			if st.before != nil {
				st.before()
			}
			got, err := v.Verify(ctx, st.token)
			if st.wantErr == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if got.Subject != "alice" {
					t.Errorf("Subject = %q, want %q", got.Subject, "alice")
				}
			} else {
				checkVerify(t, st.token, got, err, Claims{}, st.wantErr)
			}
			if hits := srv.hits.Load(); hits != st.wantHits {
				t.Errorf("JWKS fetches = %d, want %d", hits, st.wantHits)
			}
		}) {
			return
		}
	}
}

func TestJWTJWKSConcurrentFetchCoalesced(t *testing.T) {
	ecKey := testECKey()
	srv := newJWKSServer(t, jwkJSON(ecKey, "ec-1", "sig", "ES256"))
	srv.setDelay(100 * time.Millisecond)
	v := newJWKSVerifier(t, srv)
	token := sign(t, jwt.SigningMethodES256, ecKey, "ec-1", baseClaims(time.Now(), nil))

	const n = 20
	errs := make(chan error, n)
	var start sync.WaitGroup
	start.Add(1)
	for range n {
		go func() {
			start.Wait()
			_, err := v.Verify(context.Background(), token)
			errs <- err
		}()
	}
	start.Done()
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
	if hits := srv.hits.Load(); hits != 1 {
		t.Errorf("JWKS fetches = %d, want 1", hits)
	}
}

func TestJWTJWKSCancelledWait(t *testing.T) {
	ecKey := testECKey()
	srv := newJWKSServer(t, jwkJSON(ecKey, "ec-1", "sig", "ES256"))
	srv.setDelay(300 * time.Millisecond)
	v := newJWKSVerifier(t, srv)
	token := sign(t, jwt.SigningMethodES256, ecKey, "ec-1", baseClaims(time.Now(), nil))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := v.Verify(ctx, token)
	checkVerify(t, token, Claims{}, err, Claims{}, "invalid token: signing keys unavailable")

	// The fetch outlives the cancelled caller, so the next caller finds the keys.
	time.Sleep(500 * time.Millisecond)
	if _, err := v.Verify(context.Background(), token); err != nil {
		t.Fatalf("Verify after the background fetch: %v", err)
	}
	if hits := srv.hits.Load(); hits != 1 {
		t.Errorf("JWKS fetches = %d, want 1", hits)
	}
}

func TestJWTJWKSFetchErrors(t *testing.T) {
	ecKey := testECKey()
	good, err := json.Marshal(map[string]any{"keys": []any{jwkJSON(ecKey, "ec-1", "sig", "ES256")}})
	if err != nil {
		t.Fatal(err)
	}
	// good padded with white space to exactly the size limit, and one byte more.
	atLimit := append(bytes.Clone(good), bytes.Repeat([]byte(" "), jwksMaxBytes-len(good))...)
	overLimit := append(bytes.Clone(atLimit), ' ')

	tests := []struct {
		name    string
		status  int
		body    []byte
		wantErr string // substring of fetchJWKS's error; "" for success
	}{
		{"ok", http.StatusOK, good, ""},
		{"exactly 1 MiB", http.StatusOK, atLimit, ""},
		{"over 1 MiB", http.StatusOK, overLimit, "larger than 1048576 bytes"},
		{"status 500", http.StatusInternalServerError, good, "status 500"},
		{"status 404", http.StatusNotFound, good, "status 404"},
		{"not JSON", http.StatusOK, []byte("<html>"), "parse jwks"},
		{"no keys", http.StatusOK, []byte(`{"keys":[]}`), "no usable signature key"},
		{"only a symmetric key", http.StatusOK, []byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`), "no usable signature key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newJWKSServer(t)
			srv.setResponse(tt.status, tt.body)

			_, err := fetchJWKS(context.Background(), srv.Client(), srv.URL)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("fetchJWKS: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("fetchJWKS error = %v, want it to contain %q", err, tt.wantErr)
			}

			v := newJWKSVerifier(t, srv)
			now := time.Now()
			token := sign(t, jwt.SigningMethodES256, ecKey, "ec-1", baseClaims(now, nil))
			want := Claims{Subject: "alice", Team: "blue", Role: "VIEWER", Expires: time.Unix(now.Add(time.Hour).Unix(), 0)}
			wantMsg := ""
			if tt.wantErr != "" {
				want, wantMsg = Claims{}, "invalid token: signing keys unavailable"
			}
			got, err := v.Verify(context.Background(), token)
			checkVerify(t, token, got, err, want, wantMsg)
		})
	}
}

func TestJWTParseJWKS(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	rsaKey, ecKey := testRSAKey(), testECKey()
	rsaJWK := func(edit func(map[string]any)) map[string]any {
		m := jwkJSON(rsaKey, "rsa", "sig", "RS256")
		if edit != nil {
			edit(m)
		}
		return m
	}
	ecJWK := func(edit func(map[string]any)) map[string]any {
		m := jwkJSON(ecKey, "ec", "sig", "ES256")
		if edit != nil {
			edit(m)
		}
		return m
	}
	small := make([]byte, 128) // a 1024-bit modulus
	small[0] = 0x80
	small[127] = 1

	tests := []struct {
		name     string
		key      map[string]any
		wantKids []string // nil: the key is skipped
	}{
		{"RSA", rsaJWK(nil), []string{"rsa"}},
		{"RSA without use and alg", rsaJWK(func(m map[string]any) { delete(m, "use"); delete(m, "alg") }), []string{"rsa"}},
		{"RSA with padded base64", rsaJWK(func(m map[string]any) { m["e"] = "AQAB==" }), []string{"rsa"}},
		{"RSA 1024-bit", rsaJWK(func(m map[string]any) { m["n"] = enc(small) }), nil},
		{"RSA even exponent", rsaJWK(func(m map[string]any) { m["e"] = enc([]byte{1, 0, 0}) }), nil},
		{"RSA exponent 1", rsaJWK(func(m map[string]any) { m["e"] = enc([]byte{1}) }), nil},
		{"RSA huge exponent", rsaJWK(func(m map[string]any) { m["e"] = enc([]byte{1, 0, 0, 0, 1}) }), nil},
		{"RSA bad base64", rsaJWK(func(m map[string]any) { m["n"] = "***" }), nil},
		{"RSA for RS384", rsaJWK(func(m map[string]any) { m["alg"] = "RS384" }), nil},
		{"RSA for encryption", rsaJWK(func(m map[string]any) { m["use"] = "enc" }), nil},
		{"EC", ecJWK(nil), []string{"ec"}},
		{"EC without use and alg", ecJWK(func(m map[string]any) { delete(m, "use"); delete(m, "alg") }), []string{"ec"}},
		{"EC P-384", ecJWK(func(m map[string]any) { m["crv"] = "P-384" }), nil},
		{"EC point off the curve", ecJWK(func(m map[string]any) { m["y"] = m["x"] }), nil},
		{"EC short coordinate", ecJWK(func(m map[string]any) { m["x"] = enc([]byte{1}) }), nil},
		{"EC labelled RS256", ecJWK(func(m map[string]any) { m["alg"] = "RS256" }), nil},
		{"EC labelled RSA", ecJWK(func(m map[string]any) { m["kty"] = "RSA" }), nil},
		{"symmetric", map[string]any{"kty": "oct", "kid": "oct", "k": enc(testSecret)}, nil},
		{"OKP", map[string]any{"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": enc(make([]byte, 32))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A good key of another kid keeps the set non-empty.
			other := jwkJSON(otherECKey(), "other", "", "")
			doc, err := json.Marshal(map[string]any{"keys": []any{tt.key, other}})
			if err != nil {
				t.Fatal(err)
			}
			keys, err := parseJWKS(doc)
			if err != nil {
				t.Fatalf("parseJWKS: %v", err)
			}
			var kids []string
			for _, k := range keys {
				if k.kid != "other" {
					kids = append(kids, k.kid)
				}
			}
			if diff := cmp.Diff(tt.wantKids, kids); diff != "" {
				t.Errorf("kept keys mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewJWTVerifierConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     JWTConfig
		wantErr bool
	}{
		{"secret of 32 bytes", JWTConfig{Secret: testSecret}, false},
		{"secret of 31 bytes", JWTConfig{Secret: testSecret[:31]}, true},
		{"empty secret and no JWKS", JWTConfig{Secret: []byte{}}, true},
		{"neither secret nor JWKS", JWTConfig{Issuer: testIssuer, Audience: testAudience}, true},
		{"both secret and JWKS", JWTConfig{Secret: testSecret, JWKSURL: "https://idp.example.com/jwks.json"}, true},
		{"JWKS https", JWTConfig{JWKSURL: "https://idp.example.com/jwks.json"}, false},
		{"JWKS http on loopback", JWTConfig{JWKSURL: "http://127.0.0.1:8080/jwks.json"}, false},
		{"JWKS http on localhost", JWTConfig{JWKSURL: "http://localhost:8080/jwks.json"}, false},
		{"JWKS http on IPv6 loopback", JWTConfig{JWKSURL: "http://[::1]:8080/jwks.json"}, false},
		{"JWKS http elsewhere", JWTConfig{JWKSURL: "http://idp.example.com/jwks.json"}, true},
		{"JWKS other scheme", JWTConfig{JWKSURL: "ftp://idp.example.com/jwks.json"}, true},
		{"JWKS relative URL", JWTConfig{JWKSURL: "/jwks.json"}, true},
		{"JWKS unparsable URL", JWTConfig{JWKSURL: "https://idp example.com/%zz"}, true},
		{"negative leeway", JWTConfig{Secret: testSecret, Leeway: -time.Second}, true},
		{"explicit leeway", JWTConfig{Secret: testSecret, Leeway: time.Minute}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewJWTVerifier(tt.cfg)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("NewJWTVerifier error = %v, want error: %t", err, tt.wantErr)
			}
			if (v == nil) != tt.wantErr {
				t.Errorf("NewJWTVerifier verifier = %v, want nil: %t", v, tt.wantErr)
			}
		})
	}
}

func TestJWTSecretIsCopied(t *testing.T) {
	secret := bytes.Clone(testSecret)
	v, err := NewJWTVerifier(JWTConfig{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	token := sign(t, jwt.SigningMethodHS256, testSecret, "", jwt.MapClaims{"sub": "alice", "exp": time.Now().Add(time.Hour).Unix()})
	secret[0] ^= 1
	if _, err := v.Verify(context.Background(), token); err != nil {
		t.Fatalf("Verify after the caller changed its secret: %v", err)
	}
}

func TestJWTLeewayConfigured(t *testing.T) {
	now := time.Now()
	token := sign(t, jwt.SigningMethodHS256, testSecret, "", jwt.MapClaims{"sub": "alice", "exp": now.Add(-90 * time.Second).Unix()})
	tests := []struct {
		name    string
		leeway  time.Duration
		wantErr string
	}{
		{"default leeway", 0, "invalid token: token is expired"},
		{"two minutes", 2 * time.Minute, ""},
		{"one minute", time.Minute, "invalid token: token is expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewJWTVerifier(JWTConfig{Secret: testSecret, Leeway: tt.leeway})
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.Verify(context.Background(), token)
			checkVerify(t, token, got, err, Claims{Subject: "alice", Expires: time.Unix(now.Add(-90*time.Second).Unix(), 0)}, tt.wantErr)
		})
	}
}

func TestLooksLikeJWT(t *testing.T) {
	tests := []struct {
		name  string
		token string
		want  bool
	}{
		{"real token", rawToken(`{"alg":"HS256"}`, `{"sub":"alice"}`, testSecret), true},
		{"all base64url characters", "AZaz09-_.x.y", true},
		{"empty", "", false},
		{"one segment", "abc", false},
		{"two segments", "abc.def", false},
		{"four segments", "a.b.c.d", false},
		{"empty signature", "abc.def.", false},
		{"empty header", ".def.ghi", false},
		{"standard base64 plus", "ab+c.def.ghi", false},
		{"standard base64 slash", "abc.d/ef.ghi", false},
		{"padding", "abc=.def.ghi", false},
		{"space", "abc.def.ghi ", false},
		{"bearer prefix", "Bearer abc.def.ghi", false},
		{"api key", "mms_k_0123456789abcdef", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LooksLikeJWT(tt.token); got != tt.want {
				t.Errorf("LooksLikeJWT(%q) = %t, want %t", tt.token, got, tt.want)
			}
		})
	}
}

func BenchmarkJWTVerifyHS256(b *testing.B) {
	v, err := NewJWTVerifier(JWTConfig{Secret: testSecret, Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		b.Fatal(err)
	}
	token := sign(b, jwt.SigningMethodHS256, testSecret, "", baseClaims(time.Now(), nil))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}
