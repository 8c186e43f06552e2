package service

import (
	"strconv"
	"testing"
)

// TestStagedKeys: every key added is "maybe staged", in the exact map and
// after the move to the Bloom filter; keys never added are "not staged" in the
// map and, past it, almost always (the filter's false positives); the filter
// keeps its size whatever the number of keys.
func TestStagedKeys(t *testing.T) {
	s := newStagedKeys()
	key := func(i int) string { return "src:" + strconv.Itoa(i) }
	for i := range stagedExact {
		s.add(key(i))
	}
	if s.exact == nil {
		t.Fatalf("the filter in use after %d keys, want the exact map up to %d", stagedExact, stagedExact)
	}
	for i := stagedExact; i < stagedExact+1000; i++ {
		if s.maybe(key(i)) {
			t.Fatalf("key %d never added is maybe staged in the exact map", i)
		}
	}
	n := stagedExact + 300_000
	for i := stagedExact; i < n; i++ {
		s.add(key(i))
	}
	if s.exact != nil || len(s.bits) != stagedFilterBits/64 {
		t.Fatalf("after %d keys: exact map %v, filter %d words; want the filter of %d", n, s.exact != nil, len(s.bits), stagedFilterBits/64)
	}
	for i := range n {
		if !s.maybe(key(i)) {
			t.Fatalf("key %d added is not staged", i)
		}
	}
	fp := 0
	for i := n; i < n+100_000; i++ {
		if s.maybe(key(i)) {
			fp++
		}
	}
	if fp > 100 { // expected ~0.0001% at this fill
		t.Fatalf("%d of 100000 keys never added are maybe staged", fp)
	}
}
