package service

import (
	"context"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// The two parts of authorization and audit the service consumes, declared
// here so that its decisions can be tested against fakes. The server wires
// *auth.Authorizer and *auth.AuditLog.
var (
	_ Authorizer = (*auth.Authorizer)(nil)
	_ AuditChain = (*auth.AuditLog)(nil)
)

// Authorizer answers the policy questions (Casbin RBAC with domains, deny by
// default) and changes the grants that use cases make.
type Authorizer interface {
	// Allowed reports whether p may do act on obj in team dom; never true on
	// an error, never for an anonymous principal.
	Allowed(p *model.Principal, dom, obj, act string) (bool, error)
	// IsAdmin reports whether p holds the global admin role.
	IsAdmin(p *model.Principal) bool
	// Teams returns the teams in which p holds any role (auth.AllTeams for admins).
	Teams(p *model.Principal) []string
	// TeamsAllowed lists the teams granted act on obj in dom through AllowTeam.
	TeamsAllowed(dom, obj, act string) []string
	// Grant gives sub the role in team, replacing any other role sub had there.
	Grant(sub string, role model.Role, team string) error
	// RevokeAll removes every role sub holds.
	RevokeAll(sub string) error
	// AllowTeam lets every principal of team do acts on obj in domain dom.
	AllowTeam(team, dom, obj string, acts ...string) error
	// DisallowTeam removes what AllowTeam granted.
	DisallowTeam(team, dom, obj string, acts ...string) error
}

// AuditChain is the append-only, hash-chained audit log.
type AuditChain interface {
	// Append stores one record and returns once it is stored.
	Append(ctx context.Context, e auth.AuditEntry) error
	// Verify walks the chain and reports the first broken link.
	Verify(ctx context.Context) (model.AuditVerification, error)
}
