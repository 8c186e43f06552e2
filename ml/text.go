package ml

import (
	"math"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
)

// TextSpec configures the hashing vectorizer of a text feature. Word n-grams are taken
// over tokens (runs of letters, digits and marks; every CJK ideograph, kana or other
// character of a script written without spaces is a token of its own, so Chinese word
// n-grams are character n-grams); character n-grams are taken over the code points of
// the text with whitespace runs collapsed to one space. Every n-gram is hashed with
// MurmurHash3 (32-bit; seed 0 for words, 1 for characters) into one of Buckets hash
// buckets; a row's vector holds n-gram counts. The fitted feature has one column,
// named "feature#k", per bucket k that occurs in the fit rows (FittedFeature.Hashes):
// a bucket no fit row has would get a zero coefficient, so a model is as wide as its
// training text, not as its hash space.
type TextSpec struct {
	// WordNgrams is the inclusive range [min, max] of word n-gram lengths; [0, 0] turns
	// word n-grams off. When both ranges are [0, 0] the defaults [1, 2] (words) and
	// [1, 3] (characters) apply.
	WordNgrams [2]int `json:"wordNgrams"`
	// CharNgrams is the inclusive range [min, max] of character n-gram lengths; [0, 0]
	// turns character n-grams off.
	CharNgrams [2]int `json:"charNgrams"`
	// Buckets is the size of the hash space, 1 to 1<<24; 0 means 1<<18. It bounds the
	// columns: there are at most as many as distinct buckets in the fit rows.
	Buckets int `json:"buckets"`
	// Signed gives each n-gram a sign taken from its hash (+1 or -1), as scikit-learn's
	// HashingVectorizer(alternate_sign=True) does, so collisions cancel on average.
	Signed bool `json:"signed,omitempty"`
	// KeepCase disables lower-casing.
	KeepCase bool `json:"keepCase,omitempty"`
	// Norm is "l2" (default: each row's text vector has unit Euclidean length) or "none".
	Norm string `json:"norm,omitempty"`
}

// Text defaults.
const (
	DefaultBuckets = 1 << 18
	maxBuckets     = 1 << 24
	maxNgram       = 16
)

// resolve validates t and fills in defaults; name is used in error messages.
func (t TextSpec) resolve(name string) (TextSpec, error) {
	if t.WordNgrams == [2]int{} && t.CharNgrams == [2]int{} {
		t.WordNgrams = [2]int{1, 2}
		t.CharNgrams = [2]int{1, 3}
	}
	for _, r := range []struct {
		kind string
		n    [2]int
	}{{"wordNgrams", t.WordNgrams}, {"charNgrams", t.CharNgrams}} {
		if r.n == [2]int{} {
			continue
		}
		if r.n[0] < 1 || r.n[1] < r.n[0] || r.n[1] > maxNgram {
			return t, invalidf("feature %q: %s must be [min, max] with 1 <= min <= max <= %d, or [0, 0], got %v", name, r.kind, maxNgram, r.n)
		}
	}
	switch {
	case t.Buckets == 0:
		t.Buckets = DefaultBuckets
	case t.Buckets < 1 || t.Buckets > maxBuckets:
		return t, invalidf("feature %q: buckets must be between 1 and %d, got %d", name, maxBuckets, t.Buckets)
	}
	switch t.Norm {
	case "":
		t.Norm = "l2"
	case "l2", "none":
	default:
		return t, invalidf("feature %q: text norm must be l2 or none, got %q", name, t.Norm)
	}
	return t, nil
}

// hashedTerm is one hashed n-gram occurrence: a bucket and a signed count.
type hashedTerm struct {
	idx int32
	val float64
}

// textScratch holds the buffers one text transform reuses across rows.
type textScratch struct {
	runes  []rune
	starts []int // token boundaries into tokRunes: token k is tokRunes[starts[k]:starts[k+1]]
	toks   []rune
	buf    []byte
	terms  []hashedTerm
}

// hashText appends the hashed n-gram counts of s to sc.terms (sorted by bucket,
// duplicates merged, exact zeros removed, l2-normalized if asked) and returns them.
func (t *TextSpec) hashText(s string, sc *textScratch) []hashedTerm {
	sc.terms = sc.terms[:0]
	// Normalize: lower-case, collapse whitespace.
	sc.runes = sc.runes[:0]
	space := true // drop leading whitespace
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				sc.runes = append(sc.runes, ' ')
			}
			space = true
			continue
		}
		space = false
		if !t.KeepCase {
			r = unicode.ToLower(r)
		}
		sc.runes = append(sc.runes, r)
	}
	if n := len(sc.runes); n > 0 && sc.runes[n-1] == ' ' {
		sc.runes = sc.runes[:n-1]
	}
	if t.WordNgrams[0] > 0 {
		t.wordNgrams(sc)
	}
	if t.CharNgrams[0] > 0 {
		for n := t.CharNgrams[0]; n <= t.CharNgrams[1]; n++ {
			for i := 0; i+n <= len(sc.runes); i++ {
				sc.buf = appendRunes(sc.buf[:0], sc.runes[i:i+n])
				sc.terms = append(sc.terms, t.bucket(murmur3(sc.buf, 1)))
			}
		}
	}
	return finishTerms(sc, t.Norm == "l2")
}

// wordNgrams tokenizes sc.runes and appends the hashed word n-grams to sc.terms.
func (t *TextSpec) wordNgrams(sc *textScratch) {
	sc.toks = sc.toks[:0]
	sc.starts = sc.starts[:0]
	in := false
	for _, r := range sc.runes {
		switch {
		case isSolo(r):
			sc.starts = append(sc.starts, len(sc.toks))
			sc.toks = append(sc.toks, r)
			in = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if !in {
				sc.starts = append(sc.starts, len(sc.toks))
				in = true
			}
			sc.toks = append(sc.toks, r)
		default:
			in = false
		}
	}
	ntok := len(sc.starts)
	sc.starts = append(sc.starts, len(sc.toks))
	for n := t.WordNgrams[0]; n <= t.WordNgrams[1]; n++ {
		for i := 0; i+n <= ntok; i++ {
			b := sc.buf[:0]
			for k := i; k < i+n; k++ {
				if k > i {
					b = append(b, ' ')
				}
				b = appendRunes(b, sc.toks[sc.starts[k]:sc.starts[k+1]])
			}
			sc.buf = b
			sc.terms = append(sc.terms, t.bucket(murmur3(b, 0)))
		}
	}
}

// bucket maps a hash to its column and sign.
func (t *TextSpec) bucket(h uint32) hashedTerm {
	v := 1.0
	if t.Signed && h>>31 == 1 {
		v = -1
	}
	return hashedTerm{idx: int32(h % uint32(t.Buckets)), val: v}
}

// finishTerms sorts and merges sc.terms and optionally l2-normalizes them.
func finishTerms(sc *textScratch, l2 bool) []hashedTerm {
	terms := sc.terms
	slices.SortFunc(terms, func(a, b hashedTerm) int { return int(a.idx) - int(b.idx) })
	out := terms[:0]
	for _, h := range terms {
		if n := len(out); n > 0 && out[n-1].idx == h.idx {
			out[n-1].val += h.val
			continue
		}
		out = append(out, h)
	}
	kept := out[:0]
	var ss float64
	for _, h := range out {
		if h.val != 0 {
			kept = append(kept, h)
			ss += h.val * h.val
		}
	}
	if l2 && ss > 0 {
		inv := 1 / math.Sqrt(ss)
		for k := range kept {
			kept[k].val *= inv
		}
	}
	sc.terms = kept
	return kept
}

// isSolo reports whether r belongs to a script written without spaces between words,
// so that each such character is a word token of its own.
func isSolo(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

func appendRunes(b []byte, rs []rune) []byte {
	for _, r := range rs {
		b = utf8.AppendRune(b, r)
	}
	return b
}

// murmur3 is MurmurHash3 x86 32-bit, as scikit-learn's murmurhash3_32 (unsigned).
func murmur3(data []byte, seed uint32) uint32 {
	const c1, c2 = 0xcc9e2d51, 0x1b873593
	h := seed
	n := len(data)
	i := 0
	for ; i+4 <= n; i += 4 {
		k := uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16 | uint32(data[i+3])<<24
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
		h = bits.RotateLeft32(h, 13)
		h = h*5 + 0xe6546b64
	}
	var k uint32
	switch n - i {
	case 3:
		k ^= uint32(data[i+2]) << 16
		fallthrough
	case 2:
		k ^= uint32(data[i+1]) << 8
		fallthrough
	case 1:
		k ^= uint32(data[i])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
	}
	h ^= uint32(n)
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// column returns the column of hash bucket b within text feature f, and
// false for a bucket no fit row had (its coefficient would be zero).
func (f *FittedFeature) column(b int32) (int, bool) {
	if f.Hashes == nil { // every bucket is a column
		return int(b), true
	}
	k, ok := slices.BinarySearch(f.Hashes, b)
	return k, ok
}

// validHashes checks a text feature's column layout: every bucket (a version
// without Hashes), or increasing buckets below Buckets, one per column.
func (f *FittedFeature) validHashes() bool {
	if f.Hashes == nil {
		return f.Text.Buckets == f.Width
	}
	if len(f.Hashes) != f.Width {
		return false
	}
	for i, h := range f.Hashes {
		if h < 0 || int(h) >= f.Text.Buckets || (i > 0 && h <= f.Hashes[i-1]) {
			return false
		}
	}
	return true
}
