package auth

// CasbinEnforce is Casbin's own Enforce over the loaded policy, without the
// index or the decision cache: the reference the index is tested against.
func (a *Authorizer) CasbinEnforce(sub, dom, obj, act string) (bool, error) {
	return a.e.Enforce(sub, dom, obj, act)
}

// Decide is Allowed without the decision cache: the rule index alone.
func (a *Authorizer) Decide(sub, dom, obj, act string) (bool, error) {
	return a.decide(sub, dom, obj, act)
}
