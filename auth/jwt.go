package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mms-platform/mms/model"
)

const (
	// maxJWTLength is the longest bearer token, in bytes, that Verify will parse.
	maxJWTLength = 8 << 10
	// minSecretLength is the shortest HS256 secret NewJWTVerifier accepts.
	minSecretLength = 32
	// defaultLeeway is the clock skew allowed when JWTConfig.Leeway is zero.
	defaultLeeway = 30 * time.Second
	// jwksFetchTimeout bounds one JWKS fetch, whatever the HTTP client's own timeout.
	jwksFetchTimeout = 10 * time.Second
	// jwksMaxBytes is the largest JWKS response body accepted.
	jwksMaxBytes = 1 << 20
	// jwksMinRefreshInterval is the shortest time between two JWKS fetches with the
	// same trigger (missing or stale keys, unknown kid).
	jwksMinRefreshInterval = 30 * time.Second
	// jwksMaxAge is how long fetched keys are used before they are fetched again.
	jwksMaxAge = time.Hour
	// minRSABits is the smallest RSA modulus accepted from a JWKS.
	minRSABits = 2048
)

// JWTConfig configures bearer-token verification. Exactly one of Secret (HS256) or
// JWKSURL (RS256 or ES256) is set.
type JWTConfig struct {
	// Secret is the HS256 shared secret (MMS_JWT_SECRET), at least 32 bytes. When set,
	// only HS256 tokens are accepted.
	Secret []byte
	// JWKSURL is the JWKS endpoint. When set, only RS256 and ES256 tokens are accepted.
	// Keys are fetched on first use, cached, fetched again every hour and when a token
	// names an unknown kid, but at most once per 30s. The URL must be https, except
	// for a loopback host.
	JWKSURL string
	// Issuer, when non-empty, is the required `iss` claim.
	Issuer string
	// Audience, when non-empty, must be one of the values of the `aud` claim.
	Audience string
	// Leeway is the clock skew allowed on exp, nbf and iat; 30s if zero. It must not be
	// negative.
	Leeway time.Duration
	// HTTPClient, if not nil, is used for JWKS fetches; the default client has a 10s
	// timeout.
	HTTPClient *http.Client
}

// Claims is what MMS takes from a verified token.
type Claims struct {
	// Subject is the `sub` claim; it is never empty.
	Subject string
	// Team is the `team` claim, or "" if absent.
	Team string
	// Role is the `role` claim converted to upper case (for example "VIEWER"), or "" if
	// absent.
	Role string
	// Expires is the `exp` claim; it is never zero.
	Expires time.Time
}

// JWTVerifier verifies bearer tokens against a JWTConfig. It is safe for concurrent
// use.
type JWTVerifier struct {
	parser  *jwt.Parser
	methods []string   // accepted algorithms
	issuer  string     // required iss, if not empty
	secret  []byte     // HS256 mode
	jwks    *jwksCache // JWKS mode
	now     func() time.Time
}

// tokenClaims is the JSON shape of the claims MMS reads.
type tokenClaims struct {
	jwt.RegisteredClaims
	Team string `json:"team,omitempty"`
	Role string `json:"role,omitempty"`
}

// Reasons a keyfunc gives for refusing a token.
var (
	errUnexpectedAlg   = errors.New("unexpected signing algorithm")
	errUnknownKey      = errors.New("unknown signing key")
	errKeysUnavailable = errors.New("signing keys unavailable")
)

// NewJWTVerifier returns a verifier for cfg. It returns an error if not exactly one of
// cfg.Secret and cfg.JWKSURL is set, if cfg.Secret is shorter than 32 bytes, if
// cfg.JWKSURL is not an absolute https URL (http is allowed for a loopback host), or
// if cfg.Leeway is negative. It does not contact the JWKS endpoint.
func NewJWTVerifier(cfg JWTConfig) (*JWTVerifier, error) {
	hasSecret, hasJWKS := len(cfg.Secret) > 0, cfg.JWKSURL != ""
	if hasSecret == hasJWKS {
		return nil, errors.New("auth: exactly one of the JWT secret and the JWKS URL must be set")
	}
	if cfg.Leeway < 0 {
		return nil, errors.New("auth: JWT leeway must not be negative")
	}
	leeway := cfg.Leeway
	if leeway == 0 {
		leeway = defaultLeeway
	}

	v := &JWTVerifier{issuer: cfg.Issuer, now: time.Now}
	if hasSecret {
		if len(cfg.Secret) < minSecretLength {
			return nil, fmt.Errorf("auth: JWT secret must be at least %d bytes", minSecretLength)
		}
		v.secret = bytes.Clone(cfg.Secret)
		v.methods = []string{jwt.SigningMethodHS256.Alg()}
	} else {
		if err := checkJWKSURL(cfg.JWKSURL); err != nil {
			return nil, err
		}
		client := cfg.HTTPClient
		if client == nil {
			client = &http.Client{Timeout: jwksFetchTimeout}
		}
		v.jwks = &jwksCache{url: cfg.JWKSURL, client: client, now: func() time.Time { return v.now() }}
		v.methods = []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg()}
	}

	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// checkJWKSURL returns an error unless raw is an absolute https URL, or an http URL
// whose host is loopback.
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("auth: JWKS URL must be an absolute URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return errors.New("auth: JWKS URL must use https (http only for a loopback host)")
}

// Verify checks token's size (at most 8 KiB), algorithm, signature and claims (exp
// required; nbf and iat if present; iss and aud if configured; a non-empty sub) and
// returns its claims. Any failure is a *model.Error with code model.EUNAUTHENTICATED
// and a short message such as "invalid token: token is expired" that never contains
// the token. With a JWKS, Verify may fetch the keys; ctx bounds how long it waits for
// them, but a fetch it starts runs to completion for later callers.
func (v *JWTVerifier) Verify(ctx context.Context, token string) (Claims, error) {
	if len(token) > maxJWTLength {
		return Claims{}, unauthenticated("token too large")
	}
	var tc tokenClaims
	parsed, err := v.parser.ParseWithClaims(token, &tc, func(t *jwt.Token) (any, error) {
		return v.key(ctx, t)
	})
	if err != nil {
		return Claims{}, unauthenticated(v.reason(parsed, &tc, err))
	}
	if tc.Subject == "" {
		return Claims{}, unauthenticated("missing sub claim")
	}
	// The parser requires exp, so ExpiresAt is not nil here.
	return Claims{
		Subject: tc.Subject,
		Team:    tc.Team,
		Role:    strings.ToUpper(tc.Role),
		Expires: tc.ExpiresAt.Time,
	}, nil
}

// unauthenticated returns the error Verify returns for reason.
func unauthenticated(reason string) error {
	return model.Errorf(model.EUNAUTHENTICATED, "invalid token: %s", reason)
}

// key returns the verification key for t, whose algorithm the parser has already
// checked against the configured ones. The key's type always matches the algorithm.
func (v *JWTVerifier) key(ctx context.Context, t *jwt.Token) (any, error) {
	alg := t.Method.Alg()
	if v.secret != nil {
		if alg != jwt.SigningMethodHS256.Alg() {
			return nil, errUnexpectedAlg
		}
		return v.secret, nil
	}
	if alg != jwt.SigningMethodRS256.Alg() && alg != jwt.SigningMethodES256.Alg() {
		return nil, errUnexpectedAlg
	}
	kid, _ := t.Header["kid"].(string)
	return v.jwks.key(ctx, kid, alg)
}

// reason maps a parse error to a short message that is safe to show a client.
func (v *JWTVerifier) reason(t *jwt.Token, tc *tokenClaims, err error) string {
	switch {
	case errors.Is(err, errUnexpectedAlg):
		return errUnexpectedAlg.Error()
	case errors.Is(err, errUnknownKey):
		return errUnknownKey.Error()
	case errors.Is(err, errKeysUnavailable):
		return errKeysUnavailable.Error()
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "token is malformed"
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		// The alg header is missing or names an algorithm the library does not know.
		return errUnexpectedAlg.Error()
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		if t != nil && t.Method != nil && !slices.Contains(v.methods, t.Method.Alg()) {
			return errUnexpectedAlg.Error()
		}
		return "signature is invalid"
	case tc.ExpiresAt == nil:
		return "missing exp claim"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token is expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token is not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token used before issued"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "wrong audience"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		if tc.Issuer == "" && v.issuer != "" {
			return "missing iss claim"
		}
		return "missing aud claim"
	}
	return "verification failed"
}

// LooksLikeJWT reports whether token has the shape of a JWT: three non-empty base64url
// segments separated by dots. It does not decode or verify anything.
func LooksLikeJWT(token string) bool {
	segments := 0
	for seg := range strings.SplitSeq(token, ".") {
		segments++
		if segments > 3 || seg == "" {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return segments == 3
}

// jwk is one usable signature key from a JWKS.
type jwk struct {
	kid string
	alg string // "" if the JWKS does not restrict the key to one algorithm
	key any    // *rsa.PublicKey or *ecdsa.PublicKey on P-256
}

// fits reports whether k may verify a token signed with alg.
func (k jwk) fits(alg string) bool {
	if k.alg != "" && k.alg != alg {
		return false
	}
	switch k.key.(type) {
	case *rsa.PublicKey:
		return alg == jwt.SigningMethodRS256.Alg()
	case *ecdsa.PublicKey:
		return alg == jwt.SigningMethodES256.Alg()
	}
	return false
}

// jwksCache holds the keys of a JWKS endpoint. It fetches them on first use, when
// they are an hour old, and when a token names an unknown kid. Each of the two
// triggers (missing or stale keys, unknown kid) causes at most one fetch per
// jwksMinRefreshInterval, and concurrent fetches are coalesced into one.
type jwksCache struct {
	url    string
	client *http.Client
	now    func() time.Time

	mu             sync.Mutex
	keys           []jwk
	fetchedAt      time.Time  // of the last successful fetch; zero before it
	lastAttempt    time.Time  // of the last fetch, successful or not
	lastKidRefresh time.Time  // of the last fetch caused by an unknown kid
	inflight       *jwksFetch // the running fetch, if any
}

// jwksFetch is one fetch that several callers may wait for.
type jwksFetch struct {
	done chan struct{}
	err  error
}

// key returns the key, or a jwt.VerificationKeySet of keys, that may verify a token
// signed with alg whose header names kid ("" if it names none).
func (c *jwksCache) key(ctx context.Context, kid, alg string) (any, error) {
	c.mu.Lock()
	fetchedAt := c.fetchedAt
	c.mu.Unlock()

	refreshed := false
	if fetchedAt.IsZero() || c.now().Sub(fetchedAt) >= jwksMaxAge {
		// A failed refresh of stale keys is not fatal: the old keys stay in use.
		_ = c.refresh(ctx, false)
		refreshed = true
	}
	key, loaded := c.lookup(kid, alg)
	if key == nil && loaded && !refreshed {
		_ = c.refresh(ctx, true)
		key, loaded = c.lookup(kid, alg)
	}
	switch {
	case key != nil:
		return key, nil
	case !loaded:
		return nil, errKeysUnavailable
	}
	return nil, errUnknownKey
}

// lookup returns the cached key (or key set) for kid and alg, or nil, and whether any
// keys were ever fetched.
func (c *jwksCache) lookup(kid, alg string) (key any, loaded bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var found []jwt.VerificationKey
	for _, k := range c.keys {
		if (kid == "" || k.kid == kid) && k.fits(alg) {
			found = append(found, k.key)
		}
	}
	loaded = !c.fetchedAt.IsZero()
	switch len(found) {
	case 0:
		return nil, loaded
	case 1:
		return found[0], loaded
	}
	return jwt.VerificationKeySet{Keys: found}, loaded
}

// refresh fetches the keys, or waits for the fetch already running. It does nothing
// if the same trigger (unknownKid or not) started a fetch less than
// jwksMinRefreshInterval ago. It returns the fetch's error, or ctx's if ctx is done
// first; the fetch itself is not cancelled by ctx, so other callers still get its
// result.
func (c *jwksCache) refresh(ctx context.Context, unknownKid bool) error {
	c.mu.Lock()
	f := c.inflight
	if f == nil {
		now := c.now()
		last := &c.lastAttempt
		if unknownKid {
			last = &c.lastKidRefresh
		}
		if !last.IsZero() && now.Sub(*last) < jwksMinRefreshInterval {
			c.mu.Unlock()
			return nil
		}
		*last, c.lastAttempt = now, now
		f = &jwksFetch{done: make(chan struct{})}
		c.inflight = f
		go c.run(context.WithoutCancel(ctx), f)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run performs fetch f and stores its result.
func (c *jwksCache) run(ctx context.Context, f *jwksFetch) {
	ctx, cancel := context.WithTimeout(ctx, jwksFetchTimeout)
	defer cancel()
	keys, err := fetchJWKS(ctx, c.client, c.url)

	c.mu.Lock()
	if err == nil {
		c.keys = keys
		c.fetchedAt = c.now()
	}
	c.inflight = nil
	f.err = err
	c.mu.Unlock()
	close(f.done)
}

// fetchJWKS gets and parses the JWKS at url.
func fetchJWKS(ctx context.Context, client *http.Client, url string) ([]jwk, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch jwks: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch jwks: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, jwksMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch jwks: %w", err)
	}
	if len(body) > jwksMaxBytes {
		return nil, fmt.Errorf("fetch jwks: response larger than %d bytes", jwksMaxBytes)
	}
	return parseJWKS(body)
}

// rawJWK is the JSON form of one key of a JWKS (RFC 7517, RFC 7518 section 6).
type rawJWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS returns the usable signature keys of a JWKS document: RSA keys of at least
// 2048 bits and EC keys on P-256, whose use is "sig" or absent and whose alg, if any,
// is RS256 or ES256 respectively. Other keys are skipped. It is an error if none is
// left.
func parseJWKS(data []byte) ([]jwk, error) {
	var set struct {
		Keys []rawJWK `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("parse jwks: %w", err)
	}
	var keys []jwk
	for _, raw := range set.Keys {
		if raw.Use != "" && raw.Use != "sig" {
			continue
		}
		key, err := raw.publicKey()
		if err != nil {
			continue
		}
		k := jwk{kid: raw.Kid, alg: raw.Alg, key: key}
		if k.fits(jwt.SigningMethodRS256.Alg()) || k.fits(jwt.SigningMethodES256.Alg()) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("parse jwks: no usable signature key")
	}
	return keys, nil
}

// publicKey decodes an RSA or EC P-256 public key.
func (r rawJWK) publicKey() (any, error) {
	switch r.Kty {
	case "RSA":
		n, err := decodeB64URL(r.N)
		if err != nil {
			return nil, err
		}
		e, err := decodeB64URL(r.E)
		if err != nil {
			return nil, err
		}
		if len(e) == 0 || len(e) > 4 {
			return nil, errors.New("bad rsa exponent")
		}
		exp := new(big.Int).SetBytes(e)
		if exp.Int64() < 3 || exp.Bit(0) == 0 {
			return nil, errors.New("bad rsa exponent")
		}
		mod := new(big.Int).SetBytes(n)
		if mod.BitLen() < minRSABits {
			return nil, errors.New("rsa key too small")
		}
		return &rsa.PublicKey{N: mod, E: int(exp.Int64())}, nil
	case "EC":
		if r.Crv != "P-256" {
			return nil, errors.New("unsupported curve")
		}
		x, err := decodeB64URL(r.X)
		if err != nil {
			return nil, err
		}
		y, err := decodeB64URL(r.Y)
		if err != nil {
			return nil, err
		}
		if len(x) != 32 || len(y) != 32 {
			return nil, errors.New("bad ec coordinate length")
		}
		point := append(append([]byte{4}, x...), y...)
		return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	}
	return nil, errors.New("unsupported key type")
}

// decodeB64URL decodes unpadded base64url, tolerating padding.
func decodeB64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
