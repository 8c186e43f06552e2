package ingest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseNumber reads a number written by people: an optional sign, digits with
// optional thousands separators and decimal separator, an optional exponent, then
// an optional unit ("72 mmHg", "148 mg/dL", "33,6", "1,234.5", "1.234,5", "1'234",
// "12%"). It returns int64 when the number has no fractional part or exponent,
// float64 otherwise, and nil for a blank string.
//
// decimal is the decimal separator: '.' or ',' force it; 0 decides per value: with
// both separators present the last one is the decimal; a single ',' or '.' followed
// by exactly three digits (and not after a lone 0) is a thousands separator
// ("1,234" is 1234); otherwise it is the decimal ("33,6" is 33.6). Repeated
// separators must group digits by three.
//
// A unit must start with a letter or one of % ‰ ° / µ and not be "/<digit>" (so
// "120/80" is an error). When units is non-empty the unit, if any, must be one of
// them (case-insensitive).
func ParseNumber(s string, decimal byte, units []string) (any, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, nil
	}
	i := 0
	if t[0] == '+' || t[0] == '-' {
		i = 1
	}
	j := i
	digits, seps := 0, 0
	for j < len(t) {
		c := t[j]
		if c >= '0' && c <= '9' {
			digits++
		} else if c == '.' || c == ',' || c == '\'' {
			seps++
		} else {
			break
		}
		j++
	}
	if digits == 0 {
		return nil, fmt.Errorf("%s is not a number", describe(s))
	}
	// An exponent: e or E, an optional sign, digits.
	expEnd := j
	if j < len(t) && (t[j] == 'e' || t[j] == 'E') {
		k := j + 1
		if k < len(t) && (t[k] == '+' || t[k] == '-') {
			k++
		}
		d := k
		for d < len(t) && t[d] >= '0' && t[d] <= '9' {
			d++
		}
		if d > k {
			expEnd = d
		}
	}
	tok := t[:j]
	rest := strings.TrimSpace(t[expEnd:])
	if rest != "" {
		r, size := utf8.DecodeRuneInString(rest)
		ok := unicode.IsLetter(r) || strings.ContainsRune("%‰°/µ", r)
		if r == '/' && size < len(rest) && rest[size] >= '0' && rest[size] <= '9' {
			ok = false
		}
		if !ok {
			return nil, fmt.Errorf("%s is not a number", describe(s))
		}
	}
	if len(units) > 0 && rest != "" {
		found := false
		for _, u := range units {
			if strings.EqualFold(rest, u) {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: unit %q not in %v", describe(s), rest, units)
		}
	}
	exp := t[j:expEnd]

	var clean string
	isFloat := exp != ""
	if seps == 0 {
		clean = tok // the common case: no copy
	} else {
		var err error
		var frac bool
		clean, frac, err = normalizeSeparators(tok, i, decimal)
		if err != nil {
			return nil, fmt.Errorf("%s is not a number", describe(s))
		}
		isFloat = isFloat || frac
	}
	if !isFloat {
		if n, err := strconv.ParseInt(clean, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(clean+exp, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%s is not a number", describe(s))
	}
	return f, nil
}

// normalizeSeparators rewrites tok (sign in tok[:start], then digits and
// separators) as a plain Go number. frac reports a decimal separator.
func normalizeSeparators(tok string, start int, decimal byte) (string, bool, error) {
	body := tok[start:]
	lastDot := strings.LastIndexByte(body, '.')
	lastComma := strings.LastIndexByte(body, ',')
	nDot := strings.Count(body, ".")
	nComma := strings.Count(body, ",")
	var dec byte // the decimal separator used, or 0
	switch {
	case nDot > 0 && nComma > 0:
		if lastDot > lastComma {
			dec = '.'
		} else {
			dec = ','
		}
		if decimal != 0 && dec != decimal {
			return "", false, errBadNumber
		}
	case nDot+nComma == 1:
		sep := byte('.')
		pos := lastDot
		if nComma == 1 {
			sep, pos = ',', lastComma
		}
		switch {
		case decimal != 0:
			if sep == decimal {
				dec = sep
			}
		case len(body)-pos-1 == 3 && pos > 0 && pos <= 3 && body[0] != '0' && strings.IndexByte(body, '\'') < 0:
			dec = 0 // "1,234": thousands
		default:
			dec = sep
		}
	case nDot+nComma > 1:
		// The same separator repeated: thousands, unless it is the decimal one.
		if nDot > 0 && decimal == '.' || nComma > 0 && decimal == ',' {
			return "", false, errBadNumber
		}
	}
	decPos := -1
	if dec == '.' {
		decPos = lastDot
	} else if dec == ',' {
		decPos = lastComma
	}
	intPart := body
	fracPart := ""
	if decPos >= 0 {
		intPart, fracPart = body[:decPos], body[decPos+1:]
		if strings.ContainsAny(fracPart, ".,'") || strings.IndexByte(intPart, dec) >= 0 {
			return "", false, errBadNumber
		}
	}
	// Thousands groups: 1-3 digits, then groups of exactly 3.
	var b strings.Builder
	b.Grow(len(tok))
	b.WriteString(tok[:start])
	group := 0
	first := true
	for k := 0; k < len(intPart); k++ {
		c := intPart[k]
		if c >= '0' && c <= '9' {
			b.WriteByte(c)
			group++
			continue
		}
		if (first && (group < 1 || group > 3)) || (!first && group != 3) {
			return "", false, errBadNumber
		}
		first = false
		group = 0
	}
	if !first && group != 3 {
		return "", false, errBadNumber
	}
	if intPart == "" {
		b.WriteByte('0')
	}
	if decPos >= 0 {
		b.WriteByte('.')
		b.WriteString(fracPart)
		if fracPart == "" {
			b.WriteByte('0')
		}
	}
	return b.String(), decPos >= 0, nil
}

var errBadNumber = fmt.Errorf("bad number")

// numberValue turns an already-typed value into a number for the number rule.
func numberValue(v any, decimal byte, units []string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return ParseNumber(x, decimal, units)
	case int64, float64:
		return v, nil
	case json.Number:
		return ParseNumber(string(x), '.', nil)
	case bool:
		return nil, notA(v, "a number")
	}
	if f, ok := number(v); ok {
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), nil
		}
		return f, nil
	}
	return nil, notA(v, "a number")
}
