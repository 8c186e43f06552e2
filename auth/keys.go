package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
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

// TeamLookup tells whether a team exists.
type TeamLookup interface {
	// Team returns the team with id, or a model.ENOTFOUND error.
	Team(ctx context.Context, id string) (*model.Team, error)
}

// Authenticator turns a bearer token into a Principal. API key lookups are cached
// for CacheTTL, so a key revoked on another instance stops working within that time
// (at once on the instance that revoked it, through Forget).
type Authenticator struct {
	Keys KeyLookup
	// Teams checks a JWT's team claim; nil refuses every token with a team claim.
	Teams    TeamLookup
	JWT      *JWTVerifier // nil: JWTs are refused
	CacheTTL time.Duration
	Now      func() time.Time

	mu    sync.Mutex
	cache map[string]cachedKey // by key hash
	teams map[string]time.Time // team ids known to exist, until when
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
	// HashKey(secret), in a buffer: a cached key costs no string.
	sum := sha256.Sum256([]byte(secret))
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], sum[:])
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[string(hexSum[:])]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		if c.keyExp != nil && !now.Before(*c.keyExp) {
			return nil, model.Errorf(model.EUNAUTHENTICATED, "API key expired")
		}
		return c.p, nil
	}
	hash := string(hexSum[:])
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

// jwt verifies a bearer JWT. The token's team and role claims hold for the
// request that presents it and nothing else: they are never stored, so a later
// token of the same subject with other claims (or none) is decided on its own
// claims alone. The team claim must name an existing team (an id, never a
// pattern such as "*"); a role other than ADMIN needs one.
func (a *Authenticator) jwt(ctx context.Context, token string) (*model.Principal, error) {
	c, err := a.JWT.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	p := &model.Principal{ID: JWTSubjectPrefix + c.Subject, Team: c.Team}
	if c.Team != "" {
		if err := a.checkTeamClaim(ctx, c.Team); err != nil {
			return nil, err
		}
	}
	if c.Role != "" {
		role := model.Role(strings.ToUpper(c.Role))
		if !role.IsValid() {
			return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid token: unknown role claim")
		}
		p.Role = &role
		if role != model.RoleAdmin && c.Team == "" {
			return nil, model.Errorf(model.EUNAUTHENTICATED, "invalid token: role claim without team claim")
		}
	}
	return p, nil
}

// teamIDPattern is the syntax of team ids (service.checkSlug): no pattern
// characters, so a claim names exactly one team.
var teamIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// maxKnownTeams bounds the cache of team ids known to exist.
const maxKnownTeams = 10000

// checkTeamClaim returns an EUNAUTHENTICATED error unless team is the id of an
// existing team. Teams are never deleted, so one that was found is remembered
// for CacheTTL (at least a second) without another lookup.
func (a *Authenticator) checkTeamClaim(ctx context.Context, team string) error {
	if !teamIDPattern.MatchString(team) {
		return model.Errorf(model.EUNAUTHENTICATED,
			"invalid token: the team claim must be one team id (1-63 lower-case letters, digits, - or _), not a pattern or a list")
	}
	now := a.now()
	a.mu.Lock()
	until, ok := a.teams[team]
	a.mu.Unlock()
	if ok && now.Before(until) {
		return nil
	}
	if a.Teams == nil {
		return model.Errorf(model.EUNAUTHENTICATED, "invalid token: team claims are not accepted by this server")
	}
	_, err := a.Teams.Team(ctx, team)
	if model.ErrorCode(err) == model.ENOTFOUND {
		return model.Errorf(model.EUNAUTHENTICATED, "invalid token: team claim %q names no team; an admin creates teams with createTeam", team)
	}
	if err != nil {
		return err
	}
	a.mu.Lock()
	if a.teams == nil || len(a.teams) >= maxKnownTeams {
		a.teams = map[string]time.Time{}
	}
	a.teams[team] = now.Add(max(a.CacheTTL, time.Second))
	a.mu.Unlock()
	return nil
}
