package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/mms-platform/mms/model"
)

// KeyPrefix starts every API key secret.
const KeyPrefix = "mms_"

// MaxTokenBytes bounds a presented credential.
const MaxTokenBytes = 8 << 10

// NewKeySecret returns a fresh API key secret: "mms_" and 40 hex digits (160 bits).
func NewKeySecret() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return KeyPrefix + hex.EncodeToString(b)
}

// NewID returns a random 16-hex-digit identifier.
func NewID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// HashKey returns the stored form of a key secret: hex SHA-256. Secrets carry 160
// random bits, so a fast hash is the right tool (a slow KDF protects guessable
// passwords, not random keys).
func HashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// KeyDisplayPrefix is the part of a secret shown in listings to recognise a key.
func KeyDisplayPrefix(secret string) string {
	if len(secret) > 12 {
		return secret[:12]
	}
	return secret
}

// ValidKeySecret reports whether s has the shape of an API key secret.
func ValidKeySecret(s string) bool {
	if !strings.HasPrefix(s, KeyPrefix) || len(s) < len(KeyPrefix)+16 || len(s) > 256 {
		return false
	}
	for _, c := range s[len(KeyPrefix):] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// KeyLookup finds stored API keys by the hash of their secret.
type KeyLookup interface {
	// KeyByHash returns the key whose secret hashes to hash, or a model.ENOTFOUND error.
	KeyByHash(ctx context.Context, hash string) (*model.APIKey, error)
}

// keyToucher records when a key was last used (optional for a KeyLookup).
type keyToucher interface {
	TouchKey(ctx context.Context, hash string, at time.Time) error
}

// Authenticator turns a bearer token into a Principal. API key lookups are cached
// for CacheTTL, so a key revoked on another instance stops working within that time
// (at once on the instance that revoked it, through Forget).
type Authenticator struct {
	Keys     KeyLookup
	JWT      *JWTVerifier // nil: JWTs are refused
	Grant    func(sub string, role model.Role, team string) error
	CacheTTL time.Duration
	Now      func() time.Time

	mu    sync.Mutex
	cache map[string]cachedKey // by key hash
}

type cachedKey struct {
	p       *model.Principal
	keyID   string
	expires time.Time // of the cache entry
	keyExp  *time.Time
}

const maxCachedKeys = 10000

// Authenticate returns the principal a token stands for. An empty token is
// anonymous; anything else that does not verify is model.EUNAUTHENTICATED.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (*model.Principal, error) {
	switch {
	case token == "":
		return model.Anonymous, nil
	case len(token) > MaxTokenBytes:
		return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid token: too long")
	case strings.HasPrefix(token, KeyPrefix):
		return a.apiKey(ctx, token)
	case a.JWT != nil && LooksLikeJWT(token):
		return a.jwt(ctx, token)
	}
	return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid token: not an API key (mms_...) or a JWT this server accepts")
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Authenticator) apiKey(ctx context.Context, secret string) (*model.Principal, error) {
	if !ValidKeySecret(secret) {
		return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid API key")
	}
	hash := HashKey(secret)
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[hash]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		if c.keyExp != nil && !now.Before(*c.keyExp) {
			return nil, model.Errorf(model.EUNAUTHENTICATED, "API key expired")
		}
		return c.p, nil
	}
	k, err := a.Keys.KeyByHash(ctx, hash)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid API key")
	}
	if err != nil {
		return nil, err
	}
	if k.Revoked {
		return nil, model.Errorf(model.EUNAUTHENTICATED, "API key revoked")
	}
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return nil, model.Errorf(model.EUNAUTHENTICATED, "API key expired")
	}
	if t, ok := a.Keys.(keyToucher); ok && (k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute) {
		go func() { // best effort, off the request's path
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = t.TouchKey(ctx, hash, now)
		}()
	}
	role := k.Role
	p := &model.Principal{ID: "key:" + k.ID, Team: k.Team, Role: &role}
	if p.Team == AllTeams {
		p.Team = ""
	}
	a.mu.Lock()
	if a.cache == nil || len(a.cache) >= maxCachedKeys {
		a.cache = map[string]cachedKey{}
	}
	a.cache[hash] = cachedKey{p: p, keyID: k.ID, expires: now.Add(a.CacheTTL), keyExp: k.ExpiresAt}
	a.mu.Unlock()
	return p, nil
}

// Forget drops a key from the cache, so its revocation takes effect at once here.
func (a *Authenticator) Forget(keyID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, c := range a.cache {
		if c.keyID == keyID {
			delete(a.cache, h)
		}
	}
}

// jwt verifies a bearer JWT. A token's team and role claims are its grant: the
// first time a subject is seen with them (or with new ones) the grant is stored,
// so Casbin decides for JWT users exactly as for API keys.
func (a *Authenticator) jwt(ctx context.Context, token string) (*model.Principal, error) {
	c, err := a.JWT.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	p := &model.Principal{ID: "user:" + c.Subject, Team: c.Team}
	if c.Role != "" {
		role := model.Role(strings.ToUpper(c.Role))
		if !role.IsValid() {
			return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid token: unknown role claim")
		}
		p.Role = &role
		if role != model.RoleAdmin && c.Team == "" {
			return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid token: role claim without team claim")
		}
		if a.Grant != nil {
			if err := a.Grant(p.ID, role, c.Team); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}
