package model

import (
	"cmp"
	"math"
	"regexp"
	"strings"
	"time"
)

// Filter operators: the one definition of what a FieldFilter's Op may be,
// where each operator is allowed, what value it takes and what it means.
// Validation (service/) and the store's translation (mongodb/) read this
// table; Match is the meaning in Go, and mongodb's tests hold the store to it
// on the same cases.
//
// Every filter is evaluated by the store, on every path: documents, a share's
// row scope (documents, by key, media, counts, gazetteers), the rows an
// aggregate reads from a snapshot (selected by key through the store), a batch
// prediction's and an annotation task's selection.

// FilterOp is a filter operator.
type FilterOp string

// The filter operators.
const (
	OpEq       FilterOp = "eq"
	OpNe       FilterOp = "ne"
	OpGt       FilterOp = "gt"
	OpGte      FilterOp = "gte"
	OpLt       FilterOp = "lt"
	OpLte      FilterOp = "lte"
	OpIn       FilterOp = "in"
	OpNin      FilterOp = "nin"
	OpExists   FilterOp = "exists"
	OpRegex    FilterOp = "regex"
	OpContains FilterOp = "contains"
)

// FilterUse is a place a filter operator may be used (a bit set).
type FilterUse uint8

// Filter uses.
const (
	// UseDocuments: a documents query's where, and every selection built on
	// it (aggregate and its snapshot rows, batch prediction, annotation task).
	UseDocuments FilterUse = 1 << iota
	// UseShareRows: a share's row filter (the rows a team sees).
	UseShareRows
	// UseSealed: a filter on a sensitive field, whose stored values are
	// sealed: whole-value equality through the blind index, and null.
	UseSealed
)

// FilterValue is the kind of value an operator takes.
type FilterValue uint8

// Filter value kinds.
const (
	ValueAny    FilterValue = iota // any JSON value; null means missing or null
	ValueScalar                    // one value, not a list or an object; null as for eq
	ValueList                      // a list of values (any JSON values)
	ValueBool                      // true or false
	ValueString                    // a string
)

// FilterOpSpec is one row of the operator table.
type FilterOpSpec struct {
	Op    FilterOp
	Uses  FilterUse
	Value FilterValue
	// Means says what the operator selects (on an array field, see Match).
	Means string
	// match is the meaning in Go: have is the document's value at the path
	// (present false when missing), v the filter's value, sealed whether the
	// field is sealed.
	match func(have any, present bool, v any, sealed bool) bool
}

// Allowed reports whether the operator may be used in u.
func (s FilterOpSpec) Allowed(u FilterUse) bool { return s.Uses&u == u }

var filterOps = []FilterOpSpec{
	{OpEq, UseDocuments | UseShareRows | UseSealed, ValueAny,
		"equal to the value (null: missing or null; on an array: some element or the whole array; sealed: the whole value)", matchEq},
	{OpNe, UseDocuments | UseShareRows | UseSealed, ValueAny, "not eq", not(matchEq)},
	{OpGt, UseDocuments | UseShareRows, ValueScalar, "greater than the value, of the same type (on an array: some element)", ordered(func(c int) bool { return c > 0 }, false)},
	{OpGte, UseDocuments | UseShareRows, ValueScalar, "greater than or equal, of the same type (null: as eq)", ordered(func(c int) bool { return c >= 0 }, true)},
	{OpLt, UseDocuments | UseShareRows, ValueScalar, "less than the value, of the same type", ordered(func(c int) bool { return c < 0 }, false)},
	{OpLte, UseDocuments | UseShareRows, ValueScalar, "less than or equal, of the same type (null: as eq)", ordered(func(c int) bool { return c <= 0 }, true)},
	{OpIn, UseDocuments | UseShareRows | UseSealed, ValueList, "eq one of the listed values", matchIn},
	{OpNin, UseDocuments | UseShareRows | UseSealed, ValueList, "not in", not(matchIn)},
	{OpExists, UseDocuments | UseSealed, ValueBool, "true: present and not null (eq null fails); false: eq null", matchExists},
	{OpRegex, UseDocuments, ValueString, "a string matching the RE2 pattern (on an array: some element)", matchRegex},
	{OpContains, UseDocuments, ValueString, "a string containing the value (on an array: some element)", matchContains},
}

// FilterOps returns the operator table, in documentation order.
func FilterOps() []FilterOpSpec { return append([]FilterOpSpec(nil), filterOps...) }

// LookupFilterOp returns the operator named op.
func LookupFilterOp(op string) (FilterOpSpec, bool) {
	for _, s := range filterOps {
		if string(s.Op) == op {
			return s, true
		}
	}
	return FilterOpSpec{}, false
}

// FilterOpNames lists the operators allowed in u, space-separated (for
// messages).
func FilterOpNames(u FilterUse) string {
	var names []string
	for _, s := range filterOps {
		if s.Allowed(u) {
			names = append(names, string(s.Op))
		}
	}
	return strings.Join(names, " ")
}

// Match reports whether a document with fields meets f, as the store
// evaluates it; sealed says the field is sensitive (stored sealed). An unknown
// op matches nothing. Values compare as the store's: numbers by value
// whatever their Go type (1 equals 1.0, never "1"), times at the millisecond,
// a value only with one of its own type. On an array (not sealed) eq, in and
// the comparisons look at each element as well as the whole array, so ne and
// nin mean "no element"; a path walks into objects, and across arrays of
// objects.
func (f FieldFilter) Match(fields map[string]any, sealed bool) bool {
	spec, ok := LookupFilterOp(f.Op)
	if !ok {
		return false
	}
	have, present := lookupPath(fields, f.Field)
	return spec.match(have, present, f.Value, sealed)
}

// lookupPath returns the value at a dotted path. Across an array of objects
// it returns the list of the elements' values (those that have the key).
func lookupPath(fields map[string]any, path string) (any, bool) {
	var cur any = fields
	for part := range strings.SplitSeq(path, ".") {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			var out []any
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					if v, ok := m[part]; ok {
						out = append(out, v)
					}
				}
			}
			if len(out) == 0 {
				return nil, false
			}
			cur = out
		default:
			return nil, false
		}
	}
	return cur, true
}

// candidates are the values an operator looks at: the value, and on an array
// each element too (not for a sealed field: its value is one sealed whole).
func candidates(have any, sealed bool) []any {
	if l, ok := asList(have); ok && !sealed {
		return append([]any{have}, l...)
	}
	return []any{have}
}

func matchEq(have any, present bool, v any, sealed bool) bool {
	if v == nil {
		if !present || have == nil {
			return true
		}
		if sealed {
			return false
		}
		l, _ := asList(have)
		for _, e := range l {
			if e == nil {
				return true
			}
		}
		return false
	}
	if !present {
		return false
	}
	for _, c := range candidates(have, sealed) {
		if equalValues(c, v) {
			return true
		}
	}
	return false
}

func matchIn(have any, present bool, v any, sealed bool) bool {
	l, _ := asList(v)
	for _, e := range l {
		if matchEq(have, present, e, sealed) {
			return true
		}
	}
	return false
}

func not(m func(any, bool, any, bool) bool) func(any, bool, any, bool) bool {
	return func(have any, present bool, v any, sealed bool) bool { return !m(have, present, v, sealed) }
}

// ordered is a comparison: ok says whether compare(have, v) passes; orEqNull
// makes a null value mean eq null (gte, lte).
func ordered(ok func(int) bool, orEqNull bool) func(any, bool, any, bool) bool {
	return func(have any, present bool, v any, sealed bool) bool {
		if v == nil {
			return orEqNull && matchEq(have, present, nil, sealed)
		}
		if !present || sealed {
			return false
		}
		for _, c := range candidates(have, false) {
			if r, same := compareValues(c, v); same && ok(r) {
				return true
			}
		}
		return false
	}
}

func matchExists(have any, present bool, v any, sealed bool) bool {
	want, _ := v.(bool)
	return want != matchEq(have, present, nil, sealed)
}

func matchRegex(have any, present bool, v any, sealed bool) bool {
	s, _ := v.(string)
	re, err := regexp.Compile(s)
	return err == nil && matchString(have, present, sealed, re.MatchString)
}

func matchContains(have any, present bool, v any, sealed bool) bool {
	s, _ := v.(string)
	return matchString(have, present, sealed, func(c string) bool { return strings.Contains(c, s) })
}

func matchString(have any, present, sealed bool, ok func(string) bool) bool {
	if !present || sealed {
		return false
	}
	for _, c := range candidates(have, false) {
		if s, isStr := c.(string); isStr && ok(s) {
			return true
		}
	}
	return false
}

// asList returns v as a list when it is one ([]any or another slice type the
// documents hold).
func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	case []int64:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out, true
	case []float64:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out, true
	}
	return nil, false
}

// equalValues is the store's equality: same type (numbers as one type), equal
// value; lists element by element, objects key by key.
func equalValues(a, b any) bool {
	if la, ok := asList(a); ok {
		lb, ok := asList(b)
		if !ok || len(la) != len(lb) {
			return false
		}
		for i := range la {
			if !equalValues(la[i], lb[i]) {
				return false
			}
		}
		return true
	}
	if ma, ok := a.(map[string]any); ok {
		mb, ok := b.(map[string]any)
		if !ok || len(ma) != len(mb) {
			return false
		}
		for k, va := range ma {
			vb, ok := mb[k]
			if !ok || !equalValues(va, vb) {
				return false
			}
		}
		return true
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	c, same := compareValues(a, b)
	return same && c == 0
}

// compareValues orders two scalars of the same type (numbers of any Go type
// are one type); same is false for values of different types or that do not
// order (lists, objects, NaN).
func compareValues(a, b any) (c int, same bool) {
	if x, ok := number(a); ok {
		y, ok := number(b)
		if !ok {
			return 0, false
		}
		return x.cmp(y)
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case x == y:
			return 0, true
		case y:
			return -1, true
		}
		return 1, true
	case time.Time:
		y, ok := b.(time.Time)
		if !ok {
			return 0, false
		}
		return cmp.Compare(x.UnixMilli(), y.UnixMilli()), true
	}
	return 0, false
}

// num is a number as either an exact integer or a float.
type num struct {
	i       int64
	f       float64
	isFloat bool
}

func number(v any) (num, bool) {
	switch x := v.(type) {
	case int:
		return num{i: int64(x)}, true
	case int32:
		return num{i: int64(x)}, true
	case int64:
		return num{i: x}, true
	case float32:
		return num{f: float64(x), isFloat: true}, true
	case float64:
		return num{f: x, isFloat: true}, true
	}
	return num{}, false
}

func (a num) cmp(b num) (int, bool) {
	if !a.isFloat && !b.isFloat {
		return cmp.Compare(a.i, b.i), true
	}
	x, y := a.f, b.f
	if !a.isFloat {
		x = float64(a.i)
	}
	if !b.isFloat {
		y = float64(b.i)
	}
	if math.IsNaN(x) || math.IsNaN(y) {
		return 0, false
	}
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}
