package service

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// normalizeFields makes values compare and store the same way on every store:
// times in UTC at millisecond precision (BSON dates), integers as int64, JSON
// numbers as int64 or float64, nested maps and lists normalized too.
func normalizeFields(m map[string]any) map[string]any {
	for k, v := range m {
		if needsNormalizing(v) { // no map write for the values kept as they are
			m[k] = normalizeValue(v)
		}
	}
	return m
}

// needsNormalizing reports whether normalizeValue may give something else
// than v itself (or change v in place).
func needsNormalizing(v any) bool {
	switch v.(type) {
	case nil, string, bool, float64, int64:
		return false
	}
	return true
}

func normalizeValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Truncate(time.Millisecond)
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case json.Number:
		// A number with a fraction or an exponent is no int64: skip the
		// failed parse (and the error it allocates).
		if !strings.ContainsAny(string(x), ".eE") {
			if i, err := x.Int64(); err == nil {
				return i
			}
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		return normalizeFields(x)
	case []any:
		for i := range x {
			x[i] = normalizeValue(x[i])
		}
		return x
	}
	return v
}

// sameFields reports whether two documents' fields hold the same values.
func sameFields(a, b map[string]any) bool {
	if len(a) != len(b) {
		// A missing field and a null one are the same.
		for k, v := range a {
			if _, ok := b[k]; !ok && v != nil {
				return false
			}
		}
		for k, v := range b {
			if _, ok := a[k]; !ok && v != nil {
				return false
			}
		}
	}
	for k, v := range a {
		if !sameValue(v, b[k]) {
			return false
		}
	}
	return true
}

// sameValue compares stored and incoming values: numbers by value whatever
// their Go type, times by instant, maps and lists deeply.
func sameValue(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && (fa == fb || math.IsNaN(fa) && math.IsNaN(fb))
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Truncate(time.Millisecond).Equal(y.Truncate(time.Millisecond))
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && sameFields(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case string, bool:
		return a == b
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}
