package service

import "hash/maphash"

// stagedKeys is the set of the keys an ingestion staged so far, in bounded
// memory: it answers "maybe staged" or "not staged". A key added is always
// "maybe staged" (no false negatives); a key never added may be "maybe staged"
// too, which costs the caller one staging lookup for nothing. Up to
// stagedExact keys it holds their 64-bit hashes in a map (a false answer only
// on a hash collision); past that it moves them into a Bloom filter of
// stagedFilterBits bits (16 MB), so that memory stays bounded whatever the
// number of rows: a map of 32M hashes alone took 1.15 GB.
type stagedKeys struct {
	seed  maphash.Seed
	exact map[uint64]struct{} // nil once the filter is in use
	bits  []uint64
}

const (
	stagedExact      = 1 << 18
	stagedFilterBits = 1 << 27
	stagedFilterK    = 3
)

func newStagedKeys() *stagedKeys {
	return &stagedKeys{seed: maphash.MakeSeed(), exact: map[uint64]struct{}{}}
}

// add records key as staged.
func (s *stagedKeys) add(key string) {
	h := maphash.String(s.seed, key)
	if s.exact != nil {
		s.exact[h] = struct{}{}
		if len(s.exact) <= stagedExact {
			return
		}
		s.bits = make([]uint64, stagedFilterBits/64)
		for x := range s.exact {
			s.set(x)
		}
		s.exact = nil
		return
	}
	s.set(h)
}

// maybe reports whether key may have been staged: always true for a key
// added.
func (s *stagedKeys) maybe(key string) bool {
	h := maphash.String(s.seed, key)
	if s.exact != nil {
		_, ok := s.exact[h]
		return ok
	}
	a, b := h, h>>32|h<<32|1 // double hashing: bit i is a + i*b
	for i := range uint64(stagedFilterK) {
		p := (a + i*b) % stagedFilterBits
		if s.bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}

func (s *stagedKeys) set(h uint64) {
	a, b := h, h>>32|h<<32|1
	for i := range uint64(stagedFilterK) {
		p := (a + i*b) % stagedFilterBits
		s.bits[p/64] |= 1 << (p % 64)
	}
}
