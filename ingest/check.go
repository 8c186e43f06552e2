package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mms-platform/mms/model"
)

// dateLayouts are the layouts Coerce tries for DATE values given as strings. Other
// layouts need a "date" rule.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"2006/01/02",
}

// Coerce converts v to the Go type that stores field type t (see model.FieldType):
//
//   - INT: int64 from integers, from floats without a fractional part, and from
//     strings or json.Numbers such as "50", " 50 ", "50.0" or "5e1"; 50.5 is an error.
//   - FLOAT: float64 from numbers and numeric strings; NaN and infinities are errors.
//   - BOOL: bool from true/false, strings true/false, yes/no, y/n, t/f, on/off, 1/0
//     (any case), and the numbers 1 and 0.
//   - DATE: time.Time in UTC, from a time.Time or a string in RFC 3339,
//     "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02" or "2006/01/02".
//   - STRING, CATEGORY, TEXT: string; numbers and bools are formatted, times use
//     RFC 3339; maps and arrays are errors.
//   - JSON: any value, with json.Number turned into int64 or float64 at any depth.
//
// nil stays nil, and so does a blank string for every type but the string ones.
// The error text is a reject reason such as `"abc" is not an int`.
func Coerce(v any, t model.FieldType) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t {
	case model.FieldInt:
		return toInt(v)
	case model.FieldFloat:
		return toFloat(v)
	case model.FieldBool:
		return toBool(v)
	case model.FieldDate:
		return toDate(v)
	case model.FieldString, model.FieldCategory, model.FieldText:
		return toString(v)
	case model.FieldJSON:
		return plainJSON(v), nil
	}
	return nil, fmt.Errorf("unknown type %q", t)
}

func toInt(v any) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float64:
		return floatToInt(x, v)
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, notA(v, "an int")
		}
		return floatToInt(f, v)
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil, nil
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, notA(v, "an int")
		}
		return floatToInt(f, v)
	case uint64:
		if x > math.MaxInt64 {
			return nil, notA(v, "an int")
		}
		return int64(x), nil
	case float32:
		return floatToInt(float64(x), v)
	case uint:
		return toInt(uint64(x))
	case uint32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	}
	return nil, notA(v, "an int")
}

func floatToInt(f float64, orig any) (any, error) {
	if f != math.Trunc(f) || math.IsInf(f, 0) || f < -9.223372036854775e18 || f >= 9.223372036854775e18 {
		return nil, notA(orig, "an int")
	}
	return int64(f), nil
}

// number returns v as a float64 when it is a Go number or a json.Number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case float32:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	}
	return 0, false
}

func toFloat(v any) (any, error) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil, nil
		}
		var err error
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			return nil, notA(v, "a float")
		}
	default:
		var ok bool
		if f, ok = number(v); !ok {
			return nil, notA(v, "a float")
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, notA(v, "a float")
	}
	return f, nil
}

func toBool(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil, nil
		}
		switch strings.ToLower(s) {
		case "true", "yes", "y", "t", "on", "1":
			return true, nil
		case "false", "no", "n", "f", "off", "0":
			return false, nil
		}
	default:
		if f, ok := number(v); ok {
			switch f {
			case 1:
				return true, nil
			case 0:
				return false, nil
			}
		}
	}
	return nil, notA(v, "a bool")
}

func toDate(v any) (any, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil, nil
		}
		for _, l := range dateLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), nil
			}
		}
	}
	return nil, notA(v, "a date")
}

func toString(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case float64:
		return formatFloat(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case map[string]any, []any:
		return nil, notA(v, "a string")
	}
	if f, ok := number(v); ok {
		return formatFloat(f), nil
	}
	return fmt.Sprint(v), nil
}

// plainJSON replaces json.Number by int64 or float64 at any depth (in place for
// maps and slices).
func plainJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f
		}
		return string(x)
	case map[string]any:
		for k, e := range x {
			switch e.(type) {
			case json.Number, map[string]any, []any:
				x[k] = plainJSON(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = plainJSON(e)
		}
	}
	return v
}

func notA(v any, what string) error {
	return fmt.Errorf("%s is not %s", describe(v), what)
}

// describe formats a value for a reject reason: strings quoted, numbers plain.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 64 {
			cut := 64
			for cut > 0 && !utf8.RuneStart(x[cut]) {
				cut--
			}
			return strconv.Quote(x[:cut]) + "…"
		}
		return strconv.Quote(x)
	case json.Number:
		return string(x)
	case float64:
		return formatFloat(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprint(v)
}

// formatFloat writes f without an exponent in the usual range.
func formatFloat(f float64) string {
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e15) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// canonical is the string form of a coerced value that enums and patterns see.
func canonical(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloat(x)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return describe(v)
}

// fieldCheck is a compiled model.FieldSpec.
type fieldCheck struct {
	name     string
	typ      model.FieldType
	required bool
	imputed  bool // a null is filled later, so required is not checked here
	min, max *float64
	enum     map[string]struct{}
	enumText string
	re       *regexp.Regexp
}

func compileField(i int, f model.FieldSpec) (fieldCheck, model.FieldSpec, error) {
	where := fmt.Sprintf("fields[%d] %q", i, f.Name)
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" {
		return fieldCheck{}, f, fmt.Errorf("fields[%d]: name is required", i)
	}
	f.Type = model.FieldType(strings.ToUpper(string(f.Type)))
	if !f.Type.Valid() {
		return fieldCheck{}, f, fmt.Errorf("%s: unknown type %q (want STRING, INT, FLOAT, BOOL, DATE, CATEGORY, TEXT or JSON)", where, f.Type)
	}
	c := fieldCheck{name: f.Name, typ: f.Type, required: f.Required, min: f.Min, max: f.Max}
	if f.Min != nil || f.Max != nil {
		switch f.Type {
		case model.FieldInt, model.FieldFloat, model.FieldString, model.FieldCategory, model.FieldText:
		default:
			return c, f, fmt.Errorf("%s: min/max apply to numbers and string lengths, not %s", where, f.Type)
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			return c, f, fmt.Errorf("%s: min %s is above max %s", where, formatFloat(*f.Min), formatFloat(*f.Max))
		}
	}
	if len(f.Enum) > 0 {
		if f.Type == model.FieldJSON || f.Type == model.FieldDate {
			return c, f, fmt.Errorf("%s: enum does not apply to %s", where, f.Type)
		}
		c.enum = make(map[string]struct{}, len(f.Enum))
		for _, e := range f.Enum {
			cv, err := Coerce(e, f.Type)
			if err != nil || cv == nil {
				return c, f, fmt.Errorf("%s: enum value %q is not a valid %s", where, e, f.Type)
			}
			c.enum[canonical(cv)] = struct{}{}
		}
		c.enumText = fmt.Sprint(f.Enum)
	}
	if f.Pattern != "" {
		if f.Type == model.FieldJSON {
			return c, f, fmt.Errorf("%s: pattern does not apply to JSON", where)
		}
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			return c, f, fmt.Errorf("%s: bad pattern: %v", where, err)
		}
		c.re = re
	}
	return c, f, nil
}

// check coerces v and checks it; it returns the coerced value, or a reject reason.
func (c *fieldCheck) check(v any) (any, string) {
	cv, err := Coerce(v, c.typ)
	if err != nil {
		return nil, c.name + ": " + err.Error()
	}
	if cv == nil {
		if c.required && !c.imputed {
			return nil, c.name + ": required"
		}
		return nil, ""
	}
	if c.min != nil || c.max != nil {
		var x float64
		what := ""
		switch y := cv.(type) {
		case int64:
			x = float64(y)
		case float64:
			x = y
		case string:
			x = float64(utf8.RuneCountInString(y))
			what = "length "
		}
		if c.min != nil && x < *c.min {
			return nil, fmt.Sprintf("%s: %s%s below min %s", c.name, what, describeNum(cv, what, x), formatFloat(*c.min))
		}
		if c.max != nil && x > *c.max {
			return nil, fmt.Sprintf("%s: %s%s above max %s", c.name, what, describeNum(cv, what, x), formatFloat(*c.max))
		}
	}
	if c.enum != nil {
		if _, ok := c.enum[canonical(cv)]; !ok {
			return nil, fmt.Sprintf("%s: %s not in enum %s", c.name, describe(cv), c.enumText)
		}
	}
	if c.re != nil && !c.re.MatchString(canonical(cv)) {
		return nil, fmt.Sprintf("%s: %s does not match pattern %s", c.name, describe(cv), c.re)
	}
	return cv, ""
}

func describeNum(v any, what string, x float64) string {
	if what != "" {
		return formatFloat(x)
	}
	return describe(v)
}

// DataChecks are dataset-level checks, evaluated from the pass-1 profile before
// anything is written. Zero values disable a check.
type DataChecks struct {
	// MaxNullRatio bounds, per field, the share of accepted documents where the
	// field is null or absent (0..1), as the profile saw them (before imputation).
	MaxNullRatio map[string]float64 `json:"maxNullRatio,omitempty"`
	// Unique lists fields whose non-null values must not repeat across the accepted
	// documents (the profile tracks them exactly, with 64-bit hashes).
	Unique []string `json:"unique,omitempty"`
	// MinRows is the least number of accepted documents.
	MinRows int `json:"minRows,omitempty"`
	// MaxRejectRatio bounds rejected / (accepted + rejected), 0..1; 0 means no
	// limit (use a tiny value such as 1e-9 to allow no rejects at all).
	MaxRejectRatio float64 `json:"maxRejectRatio,omitempty"`
}

func (dc DataChecks) validate() error {
	var errs []string
	if dc.MinRows < 0 {
		errs = append(errs, fmt.Sprintf("checks: minRows %d is negative", dc.MinRows))
	}
	if dc.MaxRejectRatio < 0 || dc.MaxRejectRatio > 1 {
		errs = append(errs, fmt.Sprintf("checks: maxRejectRatio %s out of range 0..1", formatFloat(dc.MaxRejectRatio)))
	}
	for _, f := range sortedKeys(dc.MaxNullRatio) {
		if r := dc.MaxNullRatio[f]; r < 0 || r > 1 {
			errs = append(errs, fmt.Sprintf("checks: maxNullRatio %q: %s out of range 0..1", f, formatFloat(r)))
		}
	}
	for i, f := range dc.Unique {
		if strings.TrimSpace(f) == "" {
			errs = append(errs, fmt.Sprintf("checks: unique[%d] is empty", i))
		}
	}
	if errs != nil {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// Evaluate returns one message per failed check (nil when all pass), in a stable
// order: minRows, maxRejectRatio, maxNullRatio by field name, unique in list order.
func (dc DataChecks) Evaluate(p *Profile) []string {
	var fails []string
	rows := p.Rows()
	if dc.MinRows > 0 && rows < int64(dc.MinRows) {
		fails = append(fails, fmt.Sprintf("rows: %d accepted, need at least %d", rows, dc.MinRows))
	}
	if dc.MaxRejectRatio > 0 {
		total := rows + p.Rejected()
		if total > 0 {
			r := float64(p.Rejected()) / float64(total)
			if r > dc.MaxRejectRatio {
				fails = append(fails, fmt.Sprintf("rejects: %d of %d rows (%s) above max ratio %s",
					p.Rejected(), total, formatRatio(r), formatFloat(dc.MaxRejectRatio)))
			}
		}
	}
	for _, f := range sortedKeys(dc.MaxNullRatio) {
		if rows == 0 {
			break
		}
		var count int64
		if s := p.Stats(f); s != nil {
			count = s.Count()
		}
		r := float64(rows-count) / float64(rows)
		if r > dc.MaxNullRatio[f] {
			fails = append(fails, fmt.Sprintf("%s: null ratio %s (%d of %d) above max %s",
				f, formatRatio(r), rows-count, rows, formatFloat(dc.MaxNullRatio[f])))
		}
	}
	for _, f := range dc.Unique {
		s := p.Stats(f)
		if s == nil {
			continue
		}
		d, ok := s.Duplicates()
		if !ok {
			fails = append(fails, fmt.Sprintf("%s: uniqueness not tracked (profile the field as unique)", f))
		} else if d > 0 {
			fails = append(fails, fmt.Sprintf("%s: %d duplicate values", f, d))
		}
	}
	return fails
}

func formatRatio(r float64) string {
	return strconv.FormatFloat(r, 'f', 4, 64)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
