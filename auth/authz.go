package auth

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	casbinmodel "github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/mms-platform/mms/model"
)

//go:embed rbac.conf
var rbacModel string

// Actions a policy may allow.
const (
	ActRead     = "read"
	ActWrite    = "write"
	ActAnnotate = "annotate"
	ActTrain    = "train"
	ActPredict  = "predict"
	ActShare    = "share"
	ActAdmin    = "admin"
	// ActReview reviews a task's annotations: every annotator's version, the
	// reviewed (gold) one, and decisions on suggestions, without annotating.
	ActReview = "review"
	// ActReadSensitive reads the values of a dataset's sensitive fields, which
	// are masked for everyone else.
	ActReadSensitive = "read-sensitive"
	// ActUse reads from a registered external database (connection/<name>)
	// into a dataset of the team; the connection's own team limits apply too.
	ActUse = "use"
)

// AllTeams is the domain of global grants (admins) and global objects (the audit log).
const AllTeams = "*"

// RoleSubject is the Casbin subject that stands for a role, e.g. "role:viewer".
func RoleSubject(r model.Role) string { return "role:" + strings.ToLower(string(r)) }

// DefaultPolicies are the role definitions every store starts with. They are
// ensured at start, so changing this table changes every deployment's roles.
var DefaultPolicies = func() [][]string {
	var rules [][]string
	grant := func(r model.Role, obj string, acts ...string) {
		for _, a := range acts {
			rules = append(rules, []string{RoleSubject(r), "*", obj, a})
		}
	}
	grant(model.RoleAdmin, "*", "*")
	grant(model.RoleOwner, "dataset/*", ActRead, ActReadSensitive, ActWrite, ActShare, ActTrain, ActAnnotate, ActPredict)
	grant(model.RoleOwner, "model/*", ActRead, ActWrite, ActTrain, ActPredict, ActShare)
	grant(model.RoleOwner, "task/*", ActRead, ActWrite, ActAnnotate, ActReview)
	grant(model.RoleOwner, "schema/*", ActRead, ActWrite)
	grant(model.RoleOwner, "team/*", ActRead, ActAdmin)
	grant(model.RoleOwner, "job/*", ActRead, ActWrite)
	grant(model.RoleOwner, "connection/*", ActUse)
	grant(model.RoleEditor, "dataset/*", ActRead, ActReadSensitive, ActWrite, ActTrain, ActAnnotate)
	grant(model.RoleEditor, "model/*", ActRead, ActWrite, ActTrain, ActPredict)
	grant(model.RoleEditor, "task/*", ActRead, ActWrite, ActAnnotate, ActReview)
	grant(model.RoleEditor, "schema/*", ActRead, ActWrite)
	grant(model.RoleEditor, "team/*", ActRead)
	grant(model.RoleEditor, "job/*", ActRead, ActWrite)
	grant(model.RoleEditor, "connection/*", ActUse)
	grant(model.RoleAnnotator, "task/*", ActRead, ActAnnotate)
	grant(model.RoleAnnotator, "schema/*", ActRead)
	grant(model.RoleAnnotator, "team/*", ActRead)
	// A reviewer reviews the team's tasks (reviewItem, saveGold, decisions on
	// the gold version) without annotating, writing datasets or reading them.
	grant(model.RoleReviewer, "task/*", ActRead, ActReview)
	grant(model.RoleReviewer, "schema/*", ActRead)
	grant(model.RoleReviewer, "team/*", ActRead)
	grant(model.RoleViewer, "dataset/*", ActRead)
	grant(model.RoleViewer, "model/*", ActRead, ActPredict)
	grant(model.RoleViewer, "task/*", ActRead)
	grant(model.RoleViewer, "team/*", ActRead)
	grant(model.RoleViewer, "job/*", ActRead)
	grant(model.RolePartner, "team/*", ActRead)
	return rules
}()

// PolicyStore persists Casbin rules. Each rule is [ptype, v0, v1, ...]. Adds and
// removes are idempotent, and every change bumps a revision number that other
// server instances poll to know when to reload.
type PolicyStore interface {
	LoadRules(ctx context.Context) ([][]string, error)
	AddRules(ctx context.Context, rules [][]string) error
	RemoveRules(ctx context.Context, rules [][]string) error
	RemoveFilteredRules(ctx context.Context, ptype string, fieldIndex int, values ...string) error
	PolicyRevision(ctx context.Context) (int64, error)
}

// Authorizer answers permission questions with Casbin and keeps its in-memory
// policy in step with the store.
type Authorizer struct {
	e     *casbin.SyncedEnforcer
	store PolicyStore
	rev   atomic.Int64
	log   *slog.Logger

	// decisions memoizes Enforce for the current in-memory policy. Every change
	// to that policy swaps in an empty cache (policyChanged) after the change.
	decisions atomic.Pointer[decisionCache]
	// index groups the p rules by subject for decide; rebuilt by policyChanged.
	index atomic.Pointer[policyIndex]
}

// decisionCache holds the decisions taken under one policy generation. A decision
// computed against an older policy can only be stored in an older cache, which no
// Allowed call that starts after the change reads, so a revocation takes effect
// as soon as the call that made it returns.
type decisionCache struct {
	m sync.Map // decisionKey -> bool
	n atomic.Int64
}

type decisionKey struct{ sub, dom, obj, act string }

// maxCachedDecisions bounds the cache; when full it starts over empty.
const maxCachedDecisions = 100_000

// policyChanged rebuilds the rule index and drops every cached decision. Call
// it after each change to a.e.
func (a *Authorizer) policyChanged() {
	if a.e != nil {
		rules, _ := a.e.GetPolicy()
		grouping, _ := a.e.GetGroupingPolicy()
		a.index.Store(buildIndex(rules, grouping))
	}
	a.decisions.Store(&decisionCache{})
}

// NewAuthorizer loads every rule from store and ensures DefaultPolicies exist.
func NewAuthorizer(ctx context.Context, store PolicyStore, log *slog.Logger) (*Authorizer, error) {
	m, err := casbinmodel.NewModelFromString(rbacModel)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	a := &Authorizer{store: store, log: log}
	a.policyChanged()
	e, err := casbin.NewSyncedEnforcer(m, &adapter{store: store})
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	a.e = e
	rev, err := store.PolicyRevision(ctx)
	if err != nil {
		return nil, err
	}
	a.rev.Store(rev)
	if err := e.LoadPolicy(); err != nil {
		return nil, fmt.Errorf("load policy: %w", err)
	}
	removed, err := removeJWTRules(e)
	if err != nil {
		return nil, fmt.Errorf("remove grants stored from JWTs: %w", err)
	}
	if removed > 0 && log != nil {
		log.WarnContext(ctx, "removed grants that an earlier version stored from JWT claims; JWT principals now hold only their token's claims, per request",
			"rules", removed)
	}
	if _, err := e.AddPolicies(missing(e, DefaultPolicies)); err != nil {
		return nil, fmt.Errorf("ensure default policies: %w", err)
	}
	a.policyChanged()
	return a, nil
}

// removeJWTRules deletes every rule whose subject is a JWT principal
// ("user:<sub>"): earlier versions stored a token's team and role claims as
// grouping rules (and a link to the team's subject), which then outlived the
// token. Nothing grants a JWT principal a stored rule any more, so every such
// rule is one of those. It returns how many rules it removed.
func removeJWTRules(e *casbin.SyncedEnforcer) (int, error) {
	var grouping, policies [][]string
	g, err := e.GetGroupingPolicy()
	if err != nil {
		return 0, err
	}
	for _, r := range g {
		if len(r) > 0 && IsJWTSubject(r[0]) {
			grouping = append(grouping, r)
		}
	}
	p, err := e.GetPolicy()
	if err != nil {
		return 0, err
	}
	for _, r := range p {
		if len(r) > 0 && IsJWTSubject(r[0]) {
			policies = append(policies, r)
		}
	}
	if len(grouping) > 0 {
		if _, err := e.RemoveGroupingPolicies(grouping); err != nil {
			return 0, err
		}
	}
	if len(policies) > 0 {
		if _, err := e.RemovePolicies(policies); err != nil {
			return len(grouping), err
		}
	}
	return len(grouping) + len(policies), nil
}

func missing(e *casbin.SyncedEnforcer, rules [][]string) [][]string {
	var out [][]string
	for _, r := range rules {
		if ok, _ := e.HasPolicy(r); !ok {
			out = append(out, r)
		}
	}
	return out
}

// JWTSubjectPrefix starts the id of every principal a JWT authenticates
// ("user:<sub>"); API keys are "key:<id>". A JWT principal holds exactly the
// team and role its token claims, for the request that presents it: no rule in
// the store names it, and rules that earlier versions stored for JWT subjects
// are removed at start (see NewAuthorizer).
const JWTSubjectPrefix = "user:"

// IsJWTSubject reports whether sub is the id of a JWT principal.
func IsJWTSubject(sub string) bool { return strings.HasPrefix(sub, JWTSubjectPrefix) }

// SystemSubjectPrefix starts the id of a system principal: an operator's
// command-line tool (mms keys rotate, mms audit verify) acting through the
// service with the store's own credentials. No request authenticates as one
// (API keys are "key:<id>", JWT subjects "user:<sub>"), and no rule in the
// store names one.
const SystemSubjectPrefix = "system:"

// SystemPrincipal returns the principal a command-line tool acts as,
// "system:<command>", so that every audit record it causes names the command.
// It holds the global admin role: whoever runs the tool already holds the
// store's credentials.
func SystemPrincipal(command string) *model.Principal {
	admin := model.RoleAdmin
	return &model.Principal{ID: SystemSubjectPrefix + command, Role: &admin}
}

// isSystemSubject reports whether sub is the id of a system principal.
func isSystemSubject(sub string) bool { return strings.HasPrefix(sub, SystemSubjectPrefix) }

// Allowed reports whether principal p may do act on obj in team dom. It never
// returns true on an error. A principal authenticated by an API key holds the
// roles stored for it; a JWT principal holds only the role its token claims, in
// the team it claims (an ADMIN claim: in every team), decided in memory from the
// roles' policies without any grouping rule.
func (a *Authorizer) Allowed(p *model.Principal, dom, obj, act string) (bool, error) {
	if p == nil || p.Anonymous || p.ID == "" {
		return false, nil
	}
	return a.allowed(cacheSubject(p), p, dom, obj, act)
}

// cacheSubject is the principal's part of a decision's cache key. For a JWT
// principal it carries the claimed team and role, so a decision taken under
// one token's claims never answers for another's.
func cacheSubject(p *model.Principal) string {
	if !IsJWTSubject(p.ID) {
		return p.ID
	}
	role := ""
	if p.Role != nil {
		role = string(*p.Role)
	}
	return p.ID + "\x00" + p.Team + "\x00" + role
}

func (a *Authorizer) allowed(key string, p *model.Principal, dom, obj, act string) (bool, error) {
	c := a.decisions.Load() // before Enforce: see decisionCache
	k := decisionKey{key, dom, obj, act}
	if v, ok := c.m.Load(k); ok {
		return v.(bool), nil
	}
	ok, err := a.decide(p, dom, obj, act)
	if err != nil {
		return false, err
	}
	if c.n.Add(1) > maxCachedDecisions {
		a.decisions.CompareAndSwap(c, &decisionCache{})
	} else {
		c.m.Store(k, ok)
	}
	return ok, nil
}

// claimedRole is the role a JWT principal's token claims, or "" if none.
func claimedRole(p *model.Principal) model.Role {
	if p.Role == nil {
		return ""
	}
	return *p.Role
}

// IsAdmin reports whether p holds the global admin role.
func (a *Authorizer) IsAdmin(p *model.Principal) bool {
	if p == nil || p.Anonymous || p.ID == "" {
		return false
	}
	if IsJWTSubject(p.ID) {
		return claimedRole(p) == model.RoleAdmin
	}
	if isSystemSubject(p.ID) {
		return true
	}
	ok, _ := a.e.HasGroupingPolicy(p.ID, RoleSubject(model.RoleAdmin), AllTeams)
	return ok
}

// Teams returns the teams in which p holds any role ("*" for admins).
func (a *Authorizer) Teams(p *model.Principal) []string {
	if p == nil || p.Anonymous || p.ID == "" {
		return nil
	}
	if IsJWTSubject(p.ID) {
		switch role := claimedRole(p); {
		case role == model.RoleAdmin:
			return []string{AllTeams}
		case role != "" && p.Team != "":
			return []string{p.Team}
		}
		return nil
	}
	if isSystemSubject(p.ID) {
		return []string{AllTeams}
	}
	return slices.Clone(a.index.Load().teams[p.ID])
}

// Grant gives sub the role in team (AllTeams for admins), replacing any other role
// sub had in that team.
// A JWT principal is never granted anything: its token's claims are its grant.
func (a *Authorizer) Grant(sub string, role model.Role, team string) error {
	if IsJWTSubject(sub) {
		return fmt.Errorf("auth: roles of JWT principal %s come from its token, never from stored rules", sub)
	}
	if role == model.RoleAdmin {
		team = AllTeams
	}
	want := []string{sub, RoleSubject(role), team}
	rules, err := a.e.GetFilteredGroupingPolicy(0, sub, "", team)
	if err != nil {
		return err
	}
	var stale [][]string
	for _, r := range rules {
		if r[1] != want[1] {
			stale = append(stale, r)
		}
	}
	if len(stale) > 0 {
		defer a.policyChanged()
		if _, err := a.e.RemoveGroupingPolicies(stale); err != nil {
			return fmt.Errorf("remove stale roles: %w", err)
		}
	}
	var add [][]string
	if ok, _ := a.e.HasGroupingPolicy(want); !ok {
		add = append(add, want)
	}
	// Membership: what a team is granted (see AllowTeam), its principals get.
	if team != AllTeams {
		link := []string{sub, TeamSubject(team), AllTeams}
		if ok, _ := a.e.HasGroupingPolicy(link); !ok {
			add = append(add, link)
		}
	}
	if len(add) == 0 {
		return nil
	}
	defer a.policyChanged()
	_, err = a.e.AddGroupingPolicies(add)
	return err
}

// TeamSubject is the Casbin subject standing for every principal of a team.
func TeamSubject(team string) string { return "team:" + team }

// AllowTeam lets every principal of team do acts on obj in domain dom (another
// team's resource, e.g. predict on a shared model), in one policy change.
func (a *Authorizer) AllowTeam(team, dom, obj string, acts ...string) error {
	rules := missing(a.e, teamRules(team, dom, obj, acts))
	if len(rules) == 0 {
		return nil
	}
	defer a.policyChanged()
	_, err := a.e.AddPolicies(rules)
	return err
}

// DisallowTeam removes what AllowTeam granted, in one policy change.
func (a *Authorizer) DisallowTeam(team, dom, obj string, acts ...string) error {
	var present [][]string
	for _, r := range teamRules(team, dom, obj, acts) {
		if ok, _ := a.e.HasPolicy(r); ok {
			present = append(present, r)
		}
	}
	if len(present) == 0 {
		return nil
	}
	defer a.policyChanged()
	_, err := a.e.RemovePolicies(present)
	return err
}

func teamRules(team, dom, obj string, acts []string) [][]string {
	rules := make([][]string, len(acts))
	for i, act := range acts {
		rules[i] = []string{TeamSubject(team), dom, obj, act}
	}
	return rules
}

// TeamsAllowed lists the teams granted act on obj in dom through AllowTeam.
func (a *Authorizer) TeamsAllowed(dom, obj, act string) []string {
	rules, _ := a.e.GetFilteredPolicy(1, dom, obj, act)
	var out []string
	for _, r := range rules {
		if t, ok := strings.CutPrefix(r[0], "team:"); ok {
			out = append(out, t)
		}
	}
	return out
}

// RevokeAll removes every role sub holds.
func (a *Authorizer) RevokeAll(sub string) error {
	defer a.policyChanged()
	_, err := a.e.RemoveFilteredGroupingPolicy(0, sub)
	return err
}

// Watch reloads the policy whenever the store's revision changes, polling every
// interval until ctx ends. Several server instances on one store agree within one
// interval of a change.
func (a *Authorizer) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.Refresh(ctx); err != nil {
				a.log.WarnContext(ctx, "policy refresh failed", "err", err)
			}
		}
	}
}

// Refresh reloads the policy if the stored revision differs from the loaded one.
func (a *Authorizer) Refresh(ctx context.Context) error {
	rev, err := a.store.PolicyRevision(ctx)
	if err != nil {
		return err
	}
	if rev == a.rev.Load() {
		return nil
	}
	defer a.policyChanged()
	if err := a.e.LoadPolicy(); err != nil {
		return err
	}
	a.rev.Store(rev)
	return nil
}

// adapter is the Casbin persist.Adapter over a PolicyStore. Casbin's published
// MongoDB adapter needs transactions, which the embedded store lacks.
type adapter struct{ store PolicyStore }

var (
	_ persist.Adapter      = (*adapter)(nil)
	_ persist.BatchAdapter = (*adapter)(nil)
)

func (a *adapter) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

func (a *adapter) LoadPolicy(m casbinmodel.Model) error {
	ctx, cancel := a.ctx()
	defer cancel()
	rules, err := a.store.LoadRules(ctx)
	if err != nil {
		return err
	}
	for _, r := range rules {
		if err := persist.LoadPolicyArray(r, m); err != nil {
			return err
		}
	}
	return nil
}

func (a *adapter) SavePolicy(m casbinmodel.Model) error {
	var rules [][]string
	for _, sec := range []string{"p", "g"} {
		for ptype, ast := range m[sec] {
			for _, r := range ast.Policy {
				rules = append(rules, append([]string{ptype}, r...))
			}
		}
	}
	ctx, cancel := a.ctx()
	defer cancel()
	return a.store.AddRules(ctx, rules)
}

func (a *adapter) AddPolicy(_, ptype string, rule []string) error {
	return a.AddPolicies("", ptype, [][]string{rule})
}

func (a *adapter) AddPolicies(_, ptype string, rules [][]string) error {
	ctx, cancel := a.ctx()
	defer cancel()
	return a.store.AddRules(ctx, withType(ptype, rules))
}

func (a *adapter) RemovePolicy(_, ptype string, rule []string) error {
	return a.RemovePolicies("", ptype, [][]string{rule})
}

func (a *adapter) RemovePolicies(_, ptype string, rules [][]string) error {
	ctx, cancel := a.ctx()
	defer cancel()
	return a.store.RemoveRules(ctx, withType(ptype, rules))
}

func (a *adapter) RemoveFilteredPolicy(_, ptype string, fieldIndex int, fieldValues ...string) error {
	ctx, cancel := a.ctx()
	defer cancel()
	return a.store.RemoveFilteredRules(ctx, ptype, fieldIndex, fieldValues...)
}

func withType(ptype string, rules [][]string) [][]string {
	out := make([][]string, len(rules))
	for i, r := range rules {
		out[i] = append([]string{ptype}, r...)
	}
	return out
}
