// Package auth answers who a caller is and what it may do, and keeps the
// record of what was done.
//
//   - Authentication: API keys (only their SHA-256 is stored) and JWTs (an
//     HMAC secret or a JWKS URL), turned into a model.Principal by the
//     Authenticator; Guard and Middleware put it in the request's context,
//     within per-principal and per-address rate limits.
//   - Authorization: Authorizer, Casbin RBAC with domains (a domain is a
//     team; rbac.conf), deny by default. An API key holds the roles stored for
//     it, a JWT principal exactly the team and role its token claims, and a
//     command-line tool's SystemPrincipal the admin role.
//   - Audit: AuditLog appends hash-chained records (group commit, safe across
//     server instances) with optional Ed25519-signed checkpoints; VerifyAudit
//     and VerifyAuditSigned check the chain.
//
// auth decides and records; it does not choose what to check. The service
// package calls it for every use case, so every door passes the same rule.
package auth
