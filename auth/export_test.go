package auth

import (
	"slices"
	"strings"

	"github.com/mms-platform/mms/model"
)

// CasbinEnforce is Casbin's own Enforce over the loaded policy, without the
// index or the decision cache: the reference the index is tested against.
func (a *Authorizer) CasbinEnforce(sub, dom, obj, act string) (bool, error) {
	return a.e.Enforce(sub, dom, obj, act)
}

// Decide is Allowed without the decision cache: the rule index alone.
func (a *Authorizer) Decide(sub, dom, obj, act string) (bool, error) {
	return a.decide(&model.Principal{ID: sub}, dom, obj, act)
}

// ScanTeams is Teams by a scan of the grouping rules, without the index: the
// reference the index is tested against.
func (a *Authorizer) ScanTeams(sub string) []string {
	rules, _ := a.e.GetFilteredGroupingPolicy(0, sub)
	var out []string
	for _, r := range rules {
		if len(r) > 2 && !strings.HasPrefix(r[1], "team:") && !slices.Contains(out, r[2]) {
			out = append(out, r[2])
		}
	}
	return out
}

// AllowedSubject is Allowed for a principal with stored roles, named by id.
func (a *Authorizer) AllowedSubject(sub, dom, obj, act string) (bool, error) {
	return a.Allowed(&model.Principal{ID: sub}, dom, obj, act)
}

// SubjectTeams is Teams for a principal with stored roles, named by id.
func (a *Authorizer) SubjectTeams(sub string) []string {
	return a.Teams(&model.Principal{ID: sub})
}

// FlushDecisions drops every cached decision.
func (a *Authorizer) FlushDecisions() { a.decisions.Store(&decisionCache{}) }
