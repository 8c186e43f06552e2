package annotate

import (
	"sort"
	"unicode/utf8"
)

// Slice returns text's code points [start, end) and true, or "" and false when the
// range is not 0 <= start <= end <= the number of code points in text. It does not
// allocate: the result shares text's memory.
func Slice(text string, start, end int) (string, bool) {
	if start < 0 || end < start {
		return "", false
	}
	i, bs, be := 0, -1, -1
	for b := range text {
		if i == start {
			bs = b
		}
		if i == end {
			be = b
			break
		}
		i++
	}
	if i == start && bs < 0 { // start == number of code points
		bs = len(text)
	}
	if be < 0 {
		if i != end {
			return "", false
		}
		be = len(text)
	}
	if bs < 0 {
		return "", false
	}
	return text[bs:be], true
}

// runeIndex maps code point offsets of a string to byte offsets and back. For ASCII
// text the two are the same and nothing is allocated.
type runeIndex struct {
	s     string
	n     int   // code points
	bytes []int // bytes[i] is the byte offset of code point i; bytes[n] == len(s); nil for ASCII
}

func newRuneIndex(s string) runeIndex {
	n := utf8.RuneCountInString(s)
	x := runeIndex{s: s, n: n}
	if n == len(s) {
		return x
	}
	x.bytes = make([]int, 0, n+1)
	for b := range s {
		x.bytes = append(x.bytes, b)
	}
	x.bytes = append(x.bytes, len(s))
	return x
}

// byteOff returns the byte offset of code point i, 0 <= i <= n.
func (x runeIndex) byteOff(i int) int {
	if x.bytes == nil {
		return i
	}
	return x.bytes[i]
}

// slice is Slice with the index built.
func (x runeIndex) slice(start, end int) (string, bool) {
	if start < 0 || end < start || end > x.n {
		return "", false
	}
	return x.s[x.byteOff(start):x.byteOff(end)], true
}

// runeOff returns the code point offset of byte offset b, which must fall on a code
// point boundary (as regexp's match offsets do).
func (x runeIndex) runeOff(b int) int {
	if x.bytes == nil {
		return b
	}
	return sort.SearchInts(x.bytes, b)
}

// utf16Slice returns s's UTF-16 code units [start, end) converted back to a string,
// and the code point offsets of its ends, for reading tools that counted UTF-16 code
// units (JavaScript string indexes). ok is false when the range is out of bounds or
// splits a surrogate pair.
func utf16Slice(s string, start, end int) (sub string, cpStart, cpEnd int, ok bool) {
	if start < 0 || end < start {
		return "", 0, 0, false
	}
	u, cp, bs := 0, 0, -1
	for b, r := range s {
		if u == start {
			bs, cpStart = b, cp
		}
		if u == end {
			if bs < 0 {
				return "", 0, 0, false
			}
			return s[bs:b], cpStart, cp, true
		}
		if u > start && bs < 0 || u > end {
			return "", 0, 0, false // start or end inside a surrogate pair
		}
		if r >= 0x10000 {
			u += 2
		} else {
			u++
		}
		cp++
	}
	if u == start && bs < 0 {
		bs, cpStart = len(s), cp
	}
	if u != end || bs < 0 {
		return "", 0, 0, false
	}
	return s[bs:], cpStart, cp, true
}
