package httpapi

import (
	"bytes"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"
)

// The /v2 infer route's fast path. Most inference requests have one form: an
// object with "inputs" (tensors with exactly "name", "shape", "datatype" and
// "data"), perhaps "id", "outputs" ([{"name": ...}]) and "parameters"
// ({"strict": bool}), names and strings without escapes, numbers as JSON
// numbers. parseV2Fast reads that form with a scanner that allocates nothing
// but the values; anything else (another key, an escape, a value of the wrong
// type, a bad shape...) makes it give up, and the request goes through the
// general decoder (encoding/json, v2Rows), which accepts or refuses it with
// its own message. So the fast path accepts exactly what the general one
// accepts, with the same values, and every refusal is the general path's.
//
// The answer is written by hand into a pooled buffer, byte for byte what
// writeJSON would write for the same map (keys sorted, HTML-safe escapes,
// floats as encoding/json formats them, a final newline).

// v2FastTensor is one input tensor as parseV2Fast reads it.
type v2FastTensor struct {
	name     []byte // until the row map needs a string
	datatype []byte
	n        int    // rows (shape[0])
	data     []byte // the raw "data" array
	vals     []any  // its values, once read (parseData)
}

// v2FastReq is an inference request read by parseV2Fast, with the buffers
// the route reuses between requests (v2FastPool).
type v2FastReq struct {
	id      []byte
	strict  bool
	inputs  []v2FastTensor
	outputs []string // none: all, in the default order
	body    bytes.Buffer
	out     []byte
}

var v2FastPool = sync.Pool{New: func() any { return new(v2FastReq) }}

// reset empties r for the next request, keeping its buffers.
func (r *v2FastReq) reset() {
	r.id, r.strict, r.outputs = nil, false, r.outputs[:0]
	for i := range r.inputs {
		clear(r.inputs[i].vals)
		r.inputs[i] = v2FastTensor{vals: r.inputs[i].vals[:0]}
	}
	r.inputs = r.inputs[:0]
	r.body.Reset()
	r.out = r.out[:0]
}

// v2Release returns r to the pool unless it grew too large to keep.
func v2Release(r *v2FastReq) {
	if r.body.Cap() > 1<<20 || cap(r.out) > 1<<20 {
		return
	}
	r.reset()
	v2FastPool.Put(r)
}

// jscan is a position in a JSON text.
// keysSeen tracks which of an object's known keys a scan has met: once(k)
// reports whether key k is met for the first time (a repeated key sends the
// body the general way).
type keysSeen [4]bool

func (s *keysSeen) once(k int) bool {
	if s[k] {
		return false
	}
	s[k] = true
	return true
}

type jscan struct {
	b []byte
	i int
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// eat skips white space and then c if it is next.
func (s *jscan) eat(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *jscan) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// str reads a string without escapes or control characters, in valid UTF-8,
// and returns its contents (a slice of the text).
func (s *jscan) str() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start, ascii := s.i, true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			return v, ascii || utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.i++
	}
	return nil, false
}

// lit reads the literal word (true, false, null).
func (s *jscan) lit(word string) bool {
	s.ws()
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// num reads a JSON number and returns its text and whether it is an integer
// (no fraction, no exponent).
func (s *jscan) num() (text []byte, integer, ok bool) {
	s.ws()
	start := s.i
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case digits() == 0:
		return nil, false, false
	}
	integer = true
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return nil, false, false
		}
		integer = false
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return nil, false, false
		}
		integer = false
	}
	return s.b[start:s.i], integer, true
}

// value skips one value of any kind, strings without escapes only (the raw
// "data" array, read later by parseData).
func (s *jscan) skipValue(depth int) bool {
	switch s.peek() {
	case '[':
		if depth > 3 {
			return false
		}
		s.i++
		if s.eat(']') {
			return true
		}
		for {
			if !s.skipValue(depth + 1) {
				return false
			}
			if s.eat(']') {
				return true
			}
			if !s.eat(',') {
				return false
			}
		}
	case '"':
		_, ok := s.str()
		return ok
	case 't':
		return s.lit("true")
	case 'f':
		return s.lit("false")
	case 'n':
		return s.lit("null")
	}
	_, _, ok := s.num()
	return ok
}

// object reads an object, calling field for each key with the scanner at its
// value; field reads the value and reports whether all is well.
func (s *jscan) object(field func(key []byte) bool) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		k, ok := s.str()
		if !ok || !s.eat(':') || !field(k) {
			return false
		}
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// array reads an array, calling elem for each element.
func (s *jscan) array(elem func() bool) bool {
	if !s.eat('[') {
		return false
	}
	if s.eat(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.eat(']') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// smallInt reads a non-negative integer that fits an int without doubt.
func (s *jscan) smallInt() (int, bool) {
	t, integer, ok := s.num()
	if !ok || !integer || len(t) > 9 || t[0] == '-' {
		return 0, false
	}
	n := 0
	for _, c := range t {
		n = n*10 + int(c-'0')
	}
	return n, true
}

// OIPReadsFast reports whether the /v2 infer route reads body by its fast
// path (parseV2Fast) when a request may carry max inputs; any other body takes
// encoding/json. The answers are the same either way (the root package's
// TestV2FastPathSameAnswers), so this is for tests and diagnostics.
func OIPReadsFast(body []byte, max int) bool {
	r := v2FastPool.Get().(*v2FastReq)
	defer v2Release(r)
	return parseV2Fast(body, max, r)
}

// parseV2Fast reads body into r when it has the common form and passes every
// check of the general path (v2Request, v2Rows with max rows per request);
// false sends the request to the general path.
func parseV2Fast(body []byte, max int, r *v2FastReq) bool {
	s := &jscan{b: body}
	var seen keysSeen // id, parameters, inputs, outputs: a repeated key goes the general way
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			if !seen.once(0) {
				return false
			}
			v, ok := s.str()
			r.id = v
			return ok
		case "parameters":
			strictSeen := false
			return seen.once(1) && s.object(func(k []byte) bool {
				if string(k) != "strict" || strictSeen {
					return false
				}
				strictSeen = true
				switch {
				case s.lit("true"):
					r.strict = true
				case s.lit("false"):
					r.strict = false
				default:
					return false
				}
				return true
			})
		case "inputs":
			return seen.once(2) && s.array(func() bool { return r.tensor(s) })
		case "outputs":
			if !seen.once(3) {
				return false
			}
			r.outputs = r.outputs[:0]
			return s.array(func() bool {
				named := false
				return s.object(func(k []byte) bool {
					if string(k) != "name" || named {
						return false
					}
					named = true
					v, ok := s.str()
					if !ok {
						return false
					}
					for _, o := range v2Outputs {
						if string(v) == o {
							r.outputs = append(r.outputs, o)
							return true
						}
					}
					return false // unknown output: the general path says so
				}) && named
			})
		}
		return false
	})
	if s.ws(); !ok || s.i != len(body) {
		return false
	}
	// v2Rows' checks; any failure goes the general way for its message.
	if len(r.inputs) == 0 {
		return false
	}
	n := r.inputs[0].n
	if n == 0 || n > max {
		return false
	}
	for k := range r.inputs {
		t := &r.inputs[k]
		if t.n != n || !t.parseData() {
			return false
		}
	}
	return true
}

// tensor reads one input tensor: exactly the keys name, shape, datatype and
// data, each once.
func (r *v2FastReq) tensor(s *jscan) bool {
	var t v2FastTensor
	if len(r.inputs) < cap(r.inputs) {
		t.vals = r.inputs[:len(r.inputs)+1][len(r.inputs)].vals[:0]
	}
	var seen keysSeen
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "name":
			v, ok := s.str()
			t.name = v
			return seen.once(0) && ok
		case "datatype":
			v, ok := s.str()
			t.datatype = v
			return seen.once(1) && ok
		case "shape":
			dims := 0
			return seen.once(2) && s.array(func() bool {
				d, ok := s.smallInt()
				switch dims++; dims {
				case 1:
					t.n = d
				case 2:
					ok = ok && d == 1
				default:
					ok = false
				}
				return ok
			}) && dims > 0
		case "data":
			s.ws()
			start := s.i
			if !seen.once(3) || s.peek() != '[' || !s.skipValue(0) {
				return false
			}
			t.data = s.b[start:s.i]
			return true
		}
		return false
	})
	if !ok || !seen[0] || !seen[1] || !seen[2] || !seen[3] {
		return false
	}
	r.inputs = append(r.inputs, t)
	return true
}

// parseData reads t.data into t.vals: t.n values, flat or each in an array
// of its own ([[1], [2]] or mixed, as v2Flatten), of t's datatype, as
// v2Value reads them (null is nil).
func (t *v2FastTensor) parseData() bool {
	kind := v2Kind(t.datatype)
	if kind == 0 {
		return false
	}
	s := &jscan{b: t.data}
	t.vals = t.vals[:0]
	value := func() bool {
		if len(t.vals) >= t.n {
			return false
		}
		if s.lit("null") {
			t.vals = append(t.vals, nil)
			return true
		}
		switch kind {
		case 'f':
			text, _, ok := s.num()
			if !ok {
				return false
			}
			f, err := strconv.ParseFloat(string(text), 64)
			if err != nil {
				return false
			}
			t.vals = append(t.vals, f)
		case 'i':
			text, integer, ok := s.num()
			if !ok || !integer {
				return false
			}
			i, err := strconv.ParseInt(string(text), 10, 64)
			if err != nil {
				return false
			}
			t.vals = append(t.vals, i)
		case 'b':
			switch {
			case s.lit("true"):
				t.vals = append(t.vals, true)
			case s.lit("false"):
				t.vals = append(t.vals, false)
			default:
				return false
			}
		case 's':
			v, ok := s.str()
			if !ok {
				return false
			}
			t.vals = append(t.vals, string(v))
		}
		return true
	}
	ok := s.array(func() bool {
		if s.peek() == '[' {
			return s.array(value)
		}
		return value()
	})
	return ok && len(t.vals) == t.n
}

// v2Kind is how v2Value reads a datatype: 'f' float64, 'i' int64, 'b' bool,
// 's' string; 0 for a datatype it refuses.
func v2Kind(dt []byte) byte {
	switch string(dt) {
	case "FP64", "FP32", "FP16":
		return 'f'
	case "INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "UINT16", "UINT8":
		return 'i'
	case "BOOL":
		return 'b'
	case "BYTES":
		return 's'
	}
	return 0
}

// appendJSONString appends s as encoding/json writes a string (HTML-safe).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	return append(appendEscapedJSON(dst, s, true), '"')
}

// appendEscapedJSON appends the inside of s's JSON string: quote, backslash
// and control characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped. encodingJSON picks between the two writers MMS matches byte for
// byte: encoding/json (also <, > and & escaped, \b and \f short) or log/slog's
// JSON handler (neither; appendSlogJSONString).
func appendEscapedJSON(dst []byte, s string, encodingJSON bool) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && (!encodingJSON || b != '<' && b != '>' && b != '&') {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch {
			case b == '\\' || b == '"':
				dst = append(dst, '\\', b)
			case b == '\b' && encodingJSON:
				dst = append(dst, '\\', 'b')
			case b == '\f' && encodingJSON:
				dst = append(dst, '\\', 'f')
			case b == '\n':
				dst = append(dst, '\\', 'n')
			case b == '\r':
				dst = append(dst, '\\', 'r')
			case b == '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendJSONFloat appends f as encoding/json writes a float64; false for NaN
// and infinities, which it refuses.
func appendJSONFloat(dst []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, true
}

// appendJSONValue appends a tensor element (nil, bool, int64, float64 or
// string: what v2Infer puts in its outputs); false for anything else.
func appendJSONValue(dst []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), true
	case bool:
		return strconv.AppendBool(dst, x), true
	case int64:
		return strconv.AppendInt(dst, x, 10), true
	case float64:
		return appendJSONFloat(dst, x)
	case string:
		return appendJSONString(dst, x), true
	}
	return dst, false
}
