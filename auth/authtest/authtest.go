// Package authtest provides an in-memory policy store, for tests that decide
// with a real auth.Authorizer (its Casbin model and default policies) without
// a database.
package authtest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mms-platform/mms/auth"
)

// PolicyStore is an in-memory auth.PolicyStore: rules in insertion order,
// idempotent adds and removes, and a revision bumped by every change.
type PolicyStore struct {
	mu    sync.Mutex
	rules [][]string
	index map[string]int // rule key -> position in rules
	rev   int64
}

func ruleKey(r []string) string { return strings.Join(r, "\x1f") }

// NewPolicyStore returns an empty store.
func NewPolicyStore() *PolicyStore {
	return &PolicyStore{index: map[string]int{}}
}

func (s *PolicyStore) LoadRules(context.Context) ([][]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]string, len(s.rules))
	for i, r := range s.rules {
		out[i] = slices.Clone(r)
	}
	return out, nil
}

func (s *PolicyStore) AddRules(_ context.Context, rules [][]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rules {
		k := ruleKey(r)
		if _, ok := s.index[k]; ok {
			continue
		}
		s.index[k] = len(s.rules)
		s.rules = append(s.rules, slices.Clone(r))
	}
	s.rev++
	return nil
}

func (s *PolicyStore) removeWhere(drop func([]string) bool) {
	kept := s.rules[:0]
	for _, r := range s.rules {
		if !drop(r) {
			kept = append(kept, r)
		}
	}
	s.rules = kept
	s.index = make(map[string]int, len(kept))
	for i, r := range kept {
		s.index[ruleKey(r)] = i
	}
	s.rev++
}

func (s *PolicyStore) RemoveRules(_ context.Context, rules [][]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	gone := map[string]bool{}
	for _, r := range rules {
		gone[ruleKey(r)] = true
	}
	s.removeWhere(func(r []string) bool { return gone[ruleKey(r)] })
	return nil
}

func (s *PolicyStore) RemoveFilteredRules(_ context.Context, ptype string, fieldIndex int, values ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeWhere(func(r []string) bool {
		if r[0] != ptype {
			return false
		}
		for i, v := range values {
			if j := 1 + fieldIndex + i; v != "" && (j >= len(r) || r[j] != v) {
				return false
			}
		}
		return true
	})
	return nil
}

func (s *PolicyStore) PolicyRevision(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rev, nil
}

var _ auth.PolicyStore = (*PolicyStore)(nil)

// NewAuthorizer returns an authorizer over a new, empty PolicyStore: the
// default role policies and nothing else. It fails tb if Casbin refuses the
// model.
func NewAuthorizer(tb testing.TB) *auth.Authorizer {
	tb.Helper()
	a, err := auth.NewAuthorizer(context.Background(), NewPolicyStore(), nil)
	if err != nil {
		tb.Fatalf("authtest.NewAuthorizer: %v", err)
	}
	return a
}
