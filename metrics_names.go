package main

import "sync"

// boundedSet admits at most max distinct operation names as metric labels, so
// clients cannot blow up the number of series by inventing names.
type boundedSet struct {
	mu  sync.Mutex
	max int
	m   map[string]bool
}

func (s *boundedSet) label(name string) string {
	if len(name) > 64 {
		return "other"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[name] {
		return name
	}
	if len(s.m) >= s.max {
		return "other"
	}
	s.m[name] = true
	return name
}
