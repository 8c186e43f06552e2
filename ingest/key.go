package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// KeySpec says how to compute a document's key from a source record.
//
// With Prefix or Digits set the key is numeric: the value's digits, without leading
// zeros, zero-padded to at least Digits and written after Prefix. The value may start
// with the prefix in any case, followed by separators ("-", "_", "#", ":", spaces),
// then only digits: with Prefix "P" and Digits 4, "P0001", "1", "p-1", " P1 " and the
// JSON number 1 all give "P0001", while "X1", "P1a" and "abc" are errors.
//
// Without Prefix and Digits the key is the value as a trimmed string.
// Case ("upper", "lower" or "") folds the final key in both forms.
type KeySpec struct {
	// From is the path of the key in the source record as read (before Mapping).
	From   string `json:"from"`
	Prefix string `json:"prefix,omitempty"`
	Digits int    `json:"digits,omitempty"`
	Case   string `json:"case,omitempty"`
	// Default marks the key taken from the dataset's key field because the
	// ingestion gave none; only error messages differ.
	Default bool `json:"default,omitempty"`
}

// RowKey is the key of a record from a source that has no key field: the source
// name and the record's line (Row.Line), like "patients.csv:12".
func RowKey(source string, line int) string {
	return source + ":" + strconv.Itoa(line)
}

func (k KeySpec) validate() error {
	if strings.TrimSpace(k.From) == "" {
		return errors.New("key: from is required")
	}
	if k.Digits < 0 || k.Digits > 32 {
		return fmt.Errorf("key: digits %d out of range 0..32", k.Digits)
	}
	switch k.Case {
	case "", "upper", "lower":
	default:
		return fmt.Errorf("key: case %q (want upper, lower or empty)", k.Case)
	}
	if strings.ContainsAny(k.Prefix, "0123456789") {
		return fmt.Errorf("key: prefix %q must not contain digits", k.Prefix)
	}
	return nil
}

func (k KeySpec) numeric() bool { return k.Prefix != "" || k.Digits > 0 }

// example shows what a key of this spec looks like, for error messages.
func (k KeySpec) example() string {
	return k.fold(k.Prefix + strings.Repeat("0", max(k.Digits-1, 0)) + "1")
}

func (k KeySpec) fold(s string) string {
	switch k.Case {
	case "upper":
		return strings.ToUpper(s)
	case "lower":
		return strings.ToLower(s)
	}
	return s
}

// Normalize returns the key for the value v found at From. A nil or blank value, a
// value that does not fit the spec, or a non-scalar value is an error whose text is
// a reject reason.
func (k KeySpec) Normalize(v any) (string, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return "", fmt.Errorf("%s is missing", k.From)
	case string:
		s = x
	case json.Number:
		s = x.String()
	case int64:
		s = strconv.FormatInt(x, 10)
	case int:
		s = strconv.Itoa(x)
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%s is not an integer", formatFloat(x))
		}
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case bool, map[string]any, []any:
		return "", fmt.Errorf("%s is not a valid key", describe(v))
	default:
		s = fmt.Sprint(v)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("%s is missing", k.From)
	}
	if !k.numeric() {
		return k.fold(s), nil
	}
	rest := s
	if p := k.Prefix; p != "" && len(rest) >= len(p) && strings.EqualFold(rest[:len(p)], p) {
		rest = rest[len(p):]
	}
	rest = strings.TrimLeft(rest, "-_#: ")
	if rest == "" {
		return "", fmt.Errorf("%q does not look like %s", s, k.example())
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return "", fmt.Errorf("%q does not look like %s", s, k.example())
		}
	}
	digits := strings.TrimLeft(rest, "0")
	if digits == "" {
		digits = "0"
	}
	var b strings.Builder
	b.Grow(len(k.Prefix) + max(k.Digits, len(digits)))
	b.WriteString(k.Prefix)
	for i := len(digits); i < k.Digits; i++ {
		b.WriteByte('0')
	}
	b.WriteString(digits)
	return k.fold(b.String()), nil
}
