package ingest

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mms-platform/mms/model"
)

// InferOptions tune InferSchema. Zero values take the defaults.
type InferOptions struct {
	// Order is the source's field order (Reader.Fields for CSV). Fields in it come
	// first, in that order; the others follow sorted by name.
	Order []string
	// MaxCategories: a string field with at most this many distinct values, each
	// seen at least twice on average, is a CATEGORY with those values as its Enum.
	// Default 20.
	MaxCategories int
	// TextLength: a string field with a value longer than this many characters, or
	// with a line break, is TEXT. Default 200.
	TextLength int
}

// FieldOrder collects field names in first-seen order: feed it each sampled
// record's Row.Order and pass Names as InferOptions.Order, so that the schema
// keeps the source's column order (a later record's new keys come after).
type FieldOrder struct {
	names []string
	seen  map[string]bool
}

// Add appends the names not seen yet, in the order given.
func (o *FieldOrder) Add(names ...string) {
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	for _, n := range names {
		if !o.seen[n] {
			o.seen[n] = true
			o.names = append(o.names, n)
		}
	}
}

// AddSorted appends the keys of m not seen yet, sorted by name (for fields a
// map carries without an order, such as fields derived by rules).
func (o *FieldOrder) AddSorted(m map[string]any) {
	var rest []string
	for k := range m {
		if !o.seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	o.Add(rest...)
}

// Has says whether name was added.
func (o *FieldOrder) Has(name string) bool { return o.seen[name] }

// Names returns the names in order.
func (o *FieldOrder) Names() []string { return o.names }

// InferSchema proposes a schema from sample records (as read, or as mapped).
// Per field, over its non-null values (a blank string counts as null):
//
//   - all integers (Go ints, json.Numbers and strings without a fraction) -> INT;
//     integers and other numbers -> FLOAT;
//   - all bools or "true"/"false" strings -> BOOL;
//   - all times or strings that Coerce reads as a DATE -> DATE;
//   - all maps or arrays -> JSON;
//   - otherwise strings: TEXT when long or multi-line, CATEGORY (with Enum, sorted)
//     when few distinct values repeat, else STRING. A mix of kinds is STRING.
//
// Required is true when every record has a non-null value. A field with no value
// at all is an optional STRING. The result is deterministic.
func InferSchema(rows []map[string]any, opts InferOptions) []model.FieldSpec {
	if opts.MaxCategories <= 0 {
		opts.MaxCategories = 20
	}
	if opts.TextLength <= 0 {
		opts.TextLength = 200
	}
	type acc struct {
		present  int
		kinds    [nKinds]int
		distinct map[string]int
		long     bool
	}
	fields := map[string]*acc{}
	get := func(name string) *acc {
		a := fields[name]
		if a == nil {
			a = &acc{distinct: map[string]int{}}
			fields[name] = a
		}
		return a
	}
	for _, f := range opts.Order {
		get(f)
	}
	for _, row := range rows {
		for name, v := range row {
			a := get(name)
			k, canon, ok := inferKind(v)
			if !ok {
				continue
			}
			a.present++
			a.kinds[k]++
			if k == kindString {
				if utf8.RuneCountInString(canon) > opts.TextLength || strings.ContainsAny(canon, "\r\n") {
					a.long = true
				}
				if len(a.distinct) <= opts.MaxCategories {
					a.distinct[canon]++
				}
			}
		}
	}

	var names []string
	seen := map[string]bool{}
	for _, f := range opts.Order {
		if !seen[f] {
			seen[f] = true
			names = append(names, f)
		}
	}
	var rest []string
	for f := range fields {
		if !seen[f] {
			rest = append(rest, f)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)

	out := make([]model.FieldSpec, 0, len(names))
	for _, name := range names {
		a := fields[name]
		spec := model.FieldSpec{Name: name, Type: model.FieldString}
		spec.Required = a.present > 0 && a.present == len(rows)
		total := a.present
		switch {
		case total == 0:
			spec.Type = model.FieldString
		case a.kinds[kindInt] == total:
			spec.Type = model.FieldInt
		case a.kinds[kindInt]+a.kinds[kindFloat] == total:
			spec.Type = model.FieldFloat
		case a.kinds[kindBool] == total:
			spec.Type = model.FieldBool
		case a.kinds[kindDate] == total:
			spec.Type = model.FieldDate
		case a.kinds[kindJSON] == total:
			spec.Type = model.FieldJSON
		case a.kinds[kindString] == total:
			switch {
			case a.long:
				spec.Type = model.FieldText
			case len(a.distinct) <= opts.MaxCategories && 2*len(a.distinct) <= total:
				spec.Type = model.FieldCategory
				for v := range a.distinct {
					spec.Enum = append(spec.Enum, v)
				}
				sort.Strings(spec.Enum)
			}
		}
		out = append(out, spec)
	}
	return out
}

// inferKind classifies one value; ok is false for null.
func inferKind(v any) (kind int, canon string, ok bool) {
	switch x := v.(type) {
	case nil:
		return 0, "", false
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, "", false
		}
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return kindInt, s, true
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "nNiI") {
			return kindFloat, s, true
		}
		if l := strings.ToLower(s); l == "true" || l == "false" {
			return kindBool, l, true
		}
		if len(s) >= 8 && s[0] >= '0' && s[0] <= '9' {
			if _, err := toDate(s); err == nil {
				return kindDate, s, true
			}
		}
		return kindString, x, true
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return kindInt, string(x), true
		}
		return kindFloat, string(x), true
	case bool:
		return kindBool, strconv.FormatBool(x), true
	case time.Time:
		return kindDate, "", true
	case map[string]any, []any:
		return kindJSON, "", true
	case float64, float32:
		f, _ := number(x)
		return kindFloat, formatFloat(f), true
	}
	if _, ok := number(v); ok {
		return kindInt, "", true
	}
	return kindString, describe(v), true
}
