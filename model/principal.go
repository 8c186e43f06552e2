package model

import (
	"context"
	"time"
)

// Principal is the caller of a request: an API key, a JWT subject, or anonymous.
type Principal struct {
	// ID is "key:<keyID>" for API keys and "user:<sub>" for JWT subjects; empty when anonymous.
	ID        string `json:"id"`
	Anonymous bool   `json:"anonymous"`
	// Team is the team the credential belongs to (empty for admin keys without a team).
	// For a JWT it is the token's team claim, which holds for this request only.
	Team string `json:"team,omitempty"`
	// Role is the credential's role within Team (ADMIN applies to every team).
	// For a JWT it is the token's role claim, which holds for this request only.
	Role *Role `json:"role,omitempty"`
}

// Anonymous is the principal of requests that present no credential.
var Anonymous = &Principal{Anonymous: true}

// Team is a group of principals that owns datasets, models and tasks.
type Team struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
}

// APIKey is a stored API key. The secret itself is never stored: only its SHA-256.
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Team       string     `json:"team"`
	Role       Role       `json:"role"`
	Prefix     string     `json:"prefix"`
	Revoked    bool       `json:"revoked"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	CreatedBy  string     `json:"createdBy"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
}

// CreatedAPIKey is a new key with its secret, which is shown exactly once.
type CreatedAPIKey struct {
	Key    *APIKey `json:"key"`
	Secret string  `json:"secret"`
}

type contextKey int

const (
	principalKey contextKey = iota + 1
	requestKey
)

// RequestInfo is what the audit log records about the request behind an action.
type RequestInfo struct {
	ID         string
	RemoteAddr string
}

// NewContextWithPrincipal returns a copy of ctx carrying p.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFromContext returns the caller, or Anonymous when none was set.
func PrincipalFromContext(ctx context.Context) *Principal {
	if p, ok := ctx.Value(principalKey).(*Principal); ok && p != nil {
		return p
	}
	return Anonymous
}

// NewContextWithRequest returns a copy of ctx carrying the request's id and client address.
func NewContextWithRequest(ctx context.Context, r RequestInfo) context.Context {
	return context.WithValue(ctx, requestKey, r)
}

// RequestFromContext returns the request info set by the HTTP layer (zero outside a request).
func RequestFromContext(ctx context.Context) RequestInfo {
	r, _ := ctx.Value(requestKey).(RequestInfo)
	return r
}
