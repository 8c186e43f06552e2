package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/mms-platform/mms/model"
)

// Spec is how one source becomes documents: which fields to keep and under which
// names, how to compute the key, how to clean values, the target schema and the
// dataset checks. Its JSON form (lowerCamelCase) is the rules file; see ParseSpec.
//
// Apply runs, per record: key (from the source record) -> Mapping -> Rules in order
// -> coercion and checks against Fields -> dedupe.
type Spec struct {
	// Mapping lists the fields to keep, from a source path to a top-level name.
	// Empty: every top-level source field is kept under its own name.
	Mapping []Mapping `json:"mapping,omitempty"`
	// Key normalizes the document key; nil means the caller keys by RowKey.
	Key *KeySpec `json:"key,omitempty"`
	// Rules clean the mapped fields, in order.
	Rules []Rule `json:"rules,omitempty"`
	// Fields is the target schema: every listed field is coerced to its type and
	// checked (required, min/max, enum, pattern). Fields not listed are kept as they
	// are (json.Number made int64 or float64).
	Fields []model.FieldSpec `json:"fields,omitempty"`
	// Checks are evaluated over the whole source after pass 1.
	Checks DataChecks `json:"checks,omitempty"`
}

// Mapping copies the source value at the dotted path From to the top-level field
// To. A path missing from a record leaves the field absent (a present null stays
// null).
type Mapping struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Rule is one cleaning step. Op picks the operation; Field and/or Fields name the
// fields it changes (the op runs on each, in order); the other members are the op's
// parameters, and a parameter given to an op that does not take it is a spec error.
// A rule skips fields absent from the record, and a field that has failed a rule is
// skipped by later rules and checks (one reason per field).
//
//	op        params                 effect
//	trim      -                      strings.TrimSpace; a string left empty becomes null
//	lower     -                      lower-case strings
//	upper     -                      upper-case strings
//	number    decimal, units         ParseNumber: "72 mmHg" -> 72, "33,6" -> 33.6
//	map       map, fold, unmapped    replace values by a lookup on their trimmed string
//	                                 form (fold: ignore case); unmapped: keep (default),
//	                                 null or reject
//	missing   values                 values that mean "missing" become null (numbers
//	                                 compare numerically, strings trimmed, ignoring case)
//	date      layouts                parse strings with Go layouts (or RFC3339,
//	                                 RFC3339Nano, DateOnly, DateTime) into UTC times
//	replace   pattern, with          regexp replace in strings ($1 expands)
//	derive    expr                   Field = an expr-lang expression over the record's
//	                                 fields, e.g. "weight / (height/100)^2"; null when
//	                                 a field it uses is null; a runtime error or a
//	                                 non-finite result rejects the record
//	impute    method, value          fill nulls after pass 1 (mean, median, mode,
//	                                 constant); see Spec.Imputations and Pipeline.Impute
//	dedupe    -                      reject a record whose key was already accepted
type Rule struct {
	Op     string   `json:"op"`
	Field  string   `json:"field,omitempty"`
	Fields []string `json:"fields,omitempty"`

	Map      map[string]any `json:"map,omitempty"`
	Fold     bool           `json:"fold,omitempty"`
	Unmapped string         `json:"unmapped,omitempty"`
	Values   []any          `json:"values,omitempty"`
	Layouts  []string       `json:"layouts,omitempty"`
	Decimal  string         `json:"decimal,omitempty"`
	Units    []string       `json:"units,omitempty"`
	Pattern  string         `json:"pattern,omitempty"`
	With     *string        `json:"with,omitempty"`
	Expr     string         `json:"expr,omitempty"`
	Method   string         `json:"method,omitempty"`
	Value    any            `json:"value,omitempty"`
}

// Rule ops.
const (
	OpTrim    = "trim"
	OpLower   = "lower"
	OpUpper   = "upper"
	OpNumber  = "number"
	OpMap     = "map"
	OpMissing = "missing"
	OpDate    = "date"
	OpReplace = "replace"
	OpDerive  = "derive"
	OpImpute  = "impute"
	OpDedupe  = "dedupe"
)

// opParams lists the parameters each op takes.
var opParams = map[string][]string{
	OpTrim:    nil,
	OpLower:   nil,
	OpUpper:   nil,
	OpNumber:  {"decimal", "units"},
	OpMap:     {"map", "fold", "unmapped"},
	OpMissing: {"values"},
	OpDate:    {"layouts"},
	OpReplace: {"pattern", "with"},
	OpDerive:  {"expr"},
	OpImpute:  {"method", "value"},
	OpDedupe:  nil,
}

// setParams names the parameters r sets.
func (r Rule) setParams() []string {
	var p []string
	add := func(set bool, name string) {
		if set {
			p = append(p, name)
		}
	}
	add(r.Map != nil, "map")
	add(r.Fold, "fold")
	add(r.Unmapped != "", "unmapped")
	add(r.Values != nil, "values")
	add(r.Layouts != nil, "layouts")
	add(r.Decimal != "", "decimal")
	add(r.Units != nil, "units")
	add(r.Pattern != "", "pattern")
	add(r.With != nil, "with")
	add(r.Expr != "", "expr")
	add(r.Method != "", "method")
	add(r.Value != nil, "value")
	return p
}

func (r Rule) targets() []string {
	var t []string
	if r.Field != "" {
		t = append(t, r.Field)
	}
	return append(t, r.Fields...)
}

// Imputation is one field to fill after pass 1: Method is mean, median, mode or
// constant (with Value).
type Imputation struct {
	Field  string `json:"field"`
	Method string `json:"method"`
	Value  any    `json:"value,omitempty"`
}

// Imputation methods.
const (
	ImputeMean     = "mean"
	ImputeMedian   = "median"
	ImputeMode     = "mode"
	ImputeConstant = "constant"
)

// Imputations lists the fields the spec's impute rules fill, in rule order.
func (s Spec) Imputations() []Imputation {
	var out []Imputation
	for _, r := range s.Rules {
		if r.Op != OpImpute {
			continue
		}
		for _, f := range r.targets() {
			out = append(out, Imputation{Field: f, Method: r.Method, Value: r.Value})
		}
	}
	return out
}

// ParseSpec decodes a rules file (the JSON form of Spec). Unknown keys are errors,
// so a misspelt parameter cannot silently do nothing. Errors are EINVALID. It does
// not validate the spec: Compile does.
func ParseSpec(data []byte) (Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Spec{}, model.Errorf(model.EINVALID, "rules: %v", err)
	}
	if _, err := dec.Token(); err == nil {
		return Spec{}, model.Errorf(model.EINVALID, "rules: more data after the spec")
	}
	return s, nil
}

// Doc is a cleaned, typed document: Key (empty when the spec has no Key: use
// RowKey(source, Line)), the source Line, and Fields by name.
type Doc struct {
	Key    string
	Line   int
	Fields map[string]any
}

// Pipeline is a compiled Spec. It keeps the keys seen by dedupe, so it is not safe
// for concurrent use; call Reset before running it over the source again.
type Pipeline struct {
	spec     Spec
	key      *KeySpec
	mapping  []Mapping
	rules    []compiledRule
	checks   []fieldCheck
	checkIdx map[string]int
	imputed  map[string]bool
	dedupe   bool
	seed     maphash.Seed
	seen     map[uint64]int32
	imps     []Imputation
	vm       vm.VM
	// names caches top-level field names found valid, with their NFC form.
	names map[string]string
}

type ruleKind uint8

const (
	kindValue ruleKind = iota
	kindDerive
	kindNone
)

type compiledRule struct {
	kind   ruleKind
	fields []string
	fn     func(any) (any, error)
	prog   *vm.Program
	refs   []string
}

// Compile validates spec and prepares it to run. sourceFields are the source's
// top-level field names when known (Reader.Fields for CSV), nil otherwise; with
// them, Compile also checks that mapped paths, the key and every rule's fields
// exist. Every problem is reported, in one EINVALID error naming the rule index,
// op and field, like `rules[2] (number): unknown field "glucos"`.
func Compile(spec Spec, sourceFields []string) (*Pipeline, error) {
	p := &Pipeline{spec: spec, seed: maphash.MakeSeed(), checkIdx: map[string]int{}, imputed: map[string]bool{}}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	source := map[string]bool{}
	for _, f := range sourceFields {
		source[f] = true
	}
	sourceKnown := sourceFields != nil

	// Key.
	if spec.Key != nil {
		k := *spec.Key
		if err := k.validate(); err != nil {
			fail("%v", err)
		} else if sourceKnown && !source[k.From] && !source[topSegment(k.From)] {
			if k.Default {
				fail("key: documents are keyed by the dataset's keyField, read from source field %q, which the source lacks (have %s); add that column, map a column to the key field, or give key.from", k.From, strings.Join(sourceFields, ", "))
			} else {
				fail("key: source field %q not found (have %s)", k.From, strings.Join(sourceFields, ", "))
			}
		}
		p.key = &k
	}

	// Mapping: the field names the rules see.
	known := map[string]bool{}
	fieldsKnown := sourceKnown || len(spec.Mapping) > 0
	if len(spec.Mapping) == 0 {
		for _, f := range sourceFields {
			known[f] = true
		}
	}
	if sourceKnown && len(spec.Mapping) == 0 {
		// Columns become fields under their own names: each must be one.
		for _, f := range sourceFields {
			if _, err := FieldName(f); err != nil {
				fail("source column: %s; map it to another name", model.ErrorMessage(err))
			}
		}
	}
	spec.Mapping = slices.Clone(spec.Mapping)
	for i, m := range spec.Mapping {
		if strings.TrimSpace(m.To) != "" {
			to, err := FieldName(m.To)
			if err != nil {
				fail("mapping[%d]: %s", i, model.ErrorMessage(err))
				continue
			}
			m.To, spec.Mapping[i].To = to, to
		}
		switch {
		case strings.TrimSpace(m.From) == "":
			fail("mapping[%d]: from is required", i)
		case strings.TrimSpace(m.To) == "":
			fail("mapping[%d] %q: to is required", i, m.From)
		case known[m.To]:
			fail("mapping[%d]: field %q is mapped twice", i, m.To)
		case sourceKnown && !source[m.From] && !source[topSegment(m.From)]:
			fail("mapping[%d]: source field %q not found (have %s)", i, m.From, strings.Join(sourceFields, ", "))
		}
		known[m.To] = true
	}
	p.mapping = spec.Mapping

	// Schema: compiled first, so rules can see field types.
	types := map[string]model.FieldType{}
	for i, f := range spec.Fields {
		c, norm, err := compileField(i, f)
		if err != nil {
			fail("%v", err)
			continue
		}
		if _, dup := p.checkIdx[norm.Name]; dup {
			fail("fields[%d] %q: listed twice", i, norm.Name)
			continue
		}
		p.checkIdx[norm.Name] = len(p.checks)
		p.checks = append(p.checks, c)
		types[norm.Name] = norm.Type
	}

	// Rules.
	imputedBy := map[string]int{}
	for i, r := range spec.Rules {
		for _, t := range r.targets() {
			if _, err := FieldName(t); err != nil {
				fail("rules[%d] (%s): %s", i, r.Op, model.ErrorMessage(err))
			}
		}
		cr, err := p.compileRule(i, r, known, fieldsKnown, types, imputedBy)
		if err != nil {
			fail("%v", err)
			continue
		}
		p.rules = append(p.rules, cr)
	}

	// Required schema fields this source can never produce.
	if fieldsKnown {
		for i, f := range spec.Fields {
			if f.Required && !known[strings.TrimSpace(f.Name)] {
				if _, imp := imputedBy[f.Name]; !imp {
					fail("fields[%d] %q: required but not produced by the mapping or rules", i, f.Name)
				}
			}
		}
	}
	for f := range imputedBy {
		if idx, ok := p.checkIdx[f]; ok {
			p.checks[idx].imputed = true
		}
	}

	if err := spec.Checks.validate(); err != nil {
		fail("%v", err)
	}
	// Checks on fields this source can never produce would pass or fail for
	// nothing: refuse them like a rule on a missing field.
	if fieldsKnown {
		for i, f := range spec.Checks.Unique {
			if f = strings.TrimSpace(f); f != "" && !known[f] {
				fail("checks: unique[%d]: unknown field %q", i, f)
			}
		}
		for _, f := range sortedKeys(spec.Checks.MaxNullRatio) {
			if !known[f] {
				fail("checks: maxNullRatio: unknown field %q", f)
			}
		}
	}
	if errs != nil {
		return nil, model.Errorf(model.EINVALID, "rules: %s", strings.Join(errs, "; "))
	}
	if p.dedupe {
		p.seen = map[uint64]int32{}
	}
	p.imps = spec.Imputations()
	return p, nil
}

// compileRule checks rule i of a spec and compiles it. known holds the fields
// produced so far (the rule's targets are added once it compiles), types the
// schema's field types, imputedBy the rule that imputes each field (the impute
// rule's fields are added, as they are checked). A dedupe rule sets p.dedupe.
func (p *Pipeline) compileRule(i int, r Rule, known map[string]bool, fieldsKnown bool,
	types map[string]model.FieldType, imputedBy map[string]int) (compiledRule, error) {
	op := strings.ToLower(strings.TrimSpace(r.Op))
	allowed, ok := opParams[op]
	if !ok {
		if op == "" {
			return compiledRule{}, fmt.Errorf("rules[%d]: op is required", i)
		}
		return compiledRule{}, fmt.Errorf("rules[%d]: unknown op %q (want %s)", i, r.Op, strings.Join(sortedKeys(opParams), ", "))
	}
	where := fmt.Sprintf("rules[%d] (%s)", i, op)
	for _, param := range r.setParams() {
		if !slices.Contains(allowed, param) {
			return compiledRule{}, fmt.Errorf("%s: %q is not a parameter of %s", where, param, op)
		}
	}
	targets := r.targets()
	switch {
	case op == OpDedupe:
		if len(targets) > 0 {
			return compiledRule{}, fmt.Errorf("%s: takes no fields (it works on the key)", where)
		}
		if p.key == nil {
			return compiledRule{}, fmt.Errorf("%s: needs a key spec", where)
		}
		p.dedupe = true
		return compiledRule{kind: kindNone}, nil
	case len(targets) == 0:
		return compiledRule{}, fmt.Errorf("%s: field or fields is required", where)
	case op == OpDerive && len(targets) != 1:
		return compiledRule{}, fmt.Errorf("%s: derive sets exactly one field", where)
	}
	for _, f := range targets {
		if strings.TrimSpace(f) == "" {
			return compiledRule{}, fmt.Errorf("%s: empty field name", where)
		}
		if op != OpDerive && fieldsKnown && !known[f] {
			return compiledRule{}, fmt.Errorf("%s: unknown field %q", where, f)
		}
	}
	cr := compiledRule{kind: kindValue, fields: targets}
	var err error
	switch op {
	case OpDerive:
		prog, refs, err := compileExpr(r.Expr, known, fieldsKnown)
		if err != nil {
			return cr, fmt.Errorf("%s %q: %v", where, targets[0], err)
		}
		cr.kind, cr.prog, cr.refs = kindDerive, prog, refs
	case OpImpute:
		if err := checkImpute(i, r, where, targets, types, imputedBy); err != nil {
			return cr, err
		}
		cr.kind = kindNone
	default:
		if cr.fn, err = valueRule(op, r, where); err != nil {
			return cr, err
		}
	}
	for _, f := range targets {
		known[f] = true
	}
	return cr, nil
}

// valueRule compiles a rule that rewrites each target's value on its own
// (every op but dedupe, derive and impute) into the function that does it.
func valueRule(op string, r Rule, where string) (func(any) (any, error), error) {
	switch op {
	case OpTrim:
		return func(v any) (any, error) {
			if s, ok := v.(string); ok {
				if s = strings.TrimSpace(s); s == "" {
					return nil, nil
				}
				return s, nil
			}
			return v, nil
		}, nil
	case OpLower, OpUpper:
		f := strings.ToLower
		if op == OpUpper {
			f = strings.ToUpper
		}
		return func(v any) (any, error) {
			if s, ok := v.(string); ok {
				return f(s), nil
			}
			return v, nil
		}, nil
	case OpNumber:
		return numberRule(r, where)
	case OpMap:
		return mapRule(r, where)
	case OpMissing:
		return missingRule(r, where)
	case OpDate:
		layouts := make([]string, 0, len(r.Layouts))
		for _, l := range r.Layouts {
			l2, err := checkLayout(l)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", where, err)
			}
			layouts = append(layouts, l2)
		}
		if len(layouts) == 0 {
			layouts = dateLayouts
		}
		return func(v any) (any, error) { return dateValue(v, layouts) }, nil
	case OpReplace:
		if r.Pattern == "" || r.With == nil {
			return nil, fmt.Errorf("%s: pattern and with are required", where)
		}
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: bad pattern: %v", where, err)
		}
		with := *r.With
		return func(v any) (any, error) {
			if s, ok := v.(string); ok {
				return re.ReplaceAllString(s, with), nil
			}
			return v, nil
		}, nil
	}
	return nil, nil // every op of opParams is handled above or by compileRule
}

// numberRule compiles a number rule: decimal separator and units.
func numberRule(r Rule, where string) (func(any) (any, error), error) {
	var dec byte
	switch r.Decimal {
	case "":
	case ".", ",":
		dec = r.Decimal[0]
	default:
		return nil, fmt.Errorf("%s: decimal %q (want \".\" or \",\")", where, r.Decimal)
	}
	for _, u := range r.Units {
		if strings.TrimSpace(u) == "" {
			return nil, fmt.Errorf("%s: empty unit", where)
		}
	}
	units := r.Units
	return func(v any) (any, error) { return numberValue(v, dec, units) }, nil
}

// mapRule compiles a map rule: the table (keys trimmed, and folded with
// fold) and what becomes of an unmapped value.
func mapRule(r Rule, where string) (func(any) (any, error), error) {
	if len(r.Map) == 0 {
		return nil, fmt.Errorf("%s: map is required", where)
	}
	m := make(map[string]any, len(r.Map))
	for k, v := range r.Map {
		k = strings.TrimSpace(k)
		if r.Fold {
			k = strings.ToLower(k)
		}
		if old, dup := m[k]; dup && fmt.Sprint(old) != fmt.Sprint(v) {
			return nil, fmt.Errorf("%s: key %q maps to two values", where, k)
		}
		m[k] = v
	}
	unmapped := r.Unmapped
	switch unmapped {
	case "", "keep", "null", "reject":
	default:
		return nil, fmt.Errorf("%s: unmapped %q (want keep, null or reject)", where, r.Unmapped)
	}
	fold := r.Fold
	return func(v any) (any, error) {
		if v == nil {
			return nil, nil
		}
		k, ok := scalarString(v)
		if ok {
			k = strings.TrimSpace(k)
			if fold {
				k = strings.ToLower(k)
			}
			if out, hit := m[k]; hit {
				return out, nil
			}
		}
		switch unmapped {
		case "null":
			return nil, nil
		case "reject":
			return nil, fmt.Errorf("%s not in map", describe(v))
		}
		return v, nil
	}, nil
}

// missingRule compiles a missing rule: the numbers and the (lower-cased)
// strings that stand for a missing value.
func missingRule(r Rule, where string) (func(any) (any, error), error) {
	if len(r.Values) == 0 {
		return nil, fmt.Errorf("%s: values is required", where)
	}
	var nums []float64
	strs := map[string]bool{}
	for _, v := range r.Values {
		if f, ok := number(v); ok {
			nums = append(nums, f)
			continue
		}
		switch x := v.(type) {
		case string:
			strs[strings.ToLower(strings.TrimSpace(x))] = true
		case bool:
			strs[strconv.FormatBool(x)] = true
		default:
			return nil, fmt.Errorf("%s: value %s is not a number or a string", where, describe(v))
		}
	}
	zeroOnly := len(nums) > 0 && !slices.ContainsFunc(nums, func(f float64) bool { return f != 0 })
	return func(v any) (any, error) { return missingValue(v, nums, strs, zeroOnly), nil }, nil
}

// checkImpute checks impute rule i: its method and value against each
// target's type, and that no earlier rule imputes a target. Each target
// checked is recorded in imputedBy.
func checkImpute(i int, r Rule, where string, targets []string, types map[string]model.FieldType, imputedBy map[string]int) error {
	for _, f := range targets {
		if j, dup := imputedBy[f]; dup {
			return fmt.Errorf("%s: field %q is already imputed by rules[%d]", where, f, j)
		}
		t := types[f]
		switch r.Method {
		case ImputeMean, ImputeMedian:
			if r.Value != nil {
				return fmt.Errorf("%s: value applies to method constant only", where)
			}
			if t != "" && t != model.FieldInt && t != model.FieldFloat {
				return fmt.Errorf("%s: %s of field %q needs an INT or FLOAT field, not %s", where, r.Method, f, t)
			}
		case ImputeMode:
			if r.Value != nil {
				return fmt.Errorf("%s: value applies to method constant only", where)
			}
		case ImputeConstant:
			if r.Value == nil {
				return fmt.Errorf("%s: method constant needs a value", where)
			}
			if t != "" {
				if _, err := Coerce(r.Value, t); err != nil {
					return fmt.Errorf("%s: value for field %q: %v", where, f, err)
				}
			}
		default:
			return fmt.Errorf("%s: method %q (want mean, median, mode or constant)", where, r.Method)
		}
		imputedBy[f] = i
	}
	return nil
}

// scalarString is the string form of a scalar value for map lookups.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return formatFloat(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	}
	return "", false
}

func missingValue(v any, nums []float64, strs map[string]bool, zeroOnly bool) any {
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		t := strings.TrimSpace(s)
		if len(strs) > 0 && strs[strings.ToLower(t)] {
			return nil
		}
		if zeroOnly {
			switch plainZero(t) {
			case 1:
				return nil
			case 0:
				return v
			}
		}
		if len(nums) > 0 {
			if f, err := strconv.ParseFloat(t, 64); err == nil && slices.Contains(nums, f) {
				return nil
			}
		}
		return v
	}
	if f, ok := number(v); ok {
		if slices.Contains(nums, f) {
			return nil
		}
		return v
	}
	if b, ok := v.(bool); ok && strs[strconv.FormatBool(b)] {
		return nil
	}
	return v
}

// plainZero tells, without parsing, whether t is a plain decimal zero (1, "0",
// "-0.00"), a plain non-zero decimal (0, "148", "3.5"), or something ParseFloat must
// decide (-1, "0e5", " 1,5", "abc").
func plainZero(t string) int {
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	digits, nonzero, dots := 0, false, 0
	for ; i < len(t); i++ {
		switch c := t[i]; {
		case c == '0':
			digits++
		case c >= '1' && c <= '9':
			digits++
			nonzero = true
		case c == '.':
			dots++
		default:
			return -1
		}
	}
	if digits == 0 || dots > 1 {
		return -1
	}
	if nonzero {
		return 0
	}
	return 1
}

var namedLayouts = map[string]string{
	"RFC3339":     time.RFC3339,
	"RFC3339Nano": time.RFC3339Nano,
	"DateOnly":    time.DateOnly,
	"DateTime":    time.DateTime,
	"RFC1123":     time.RFC1123,
	"RFC1123Z":    time.RFC1123Z,
}

// checkLayout resolves a named layout and rejects strings that are not Go layouts
// (such as "yyyy-mm-dd", which has no reference-time element).
func checkLayout(l string) (string, error) {
	if named, ok := namedLayouts[l]; ok {
		return named, nil
	}
	if strings.TrimSpace(l) == "" {
		return "", errors.New("empty layout")
	}
	// Any time but the reference one: a layout without elements formats as itself.
	ref := time.Date(2009, 11, 17, 20, 34, 58, 0, time.UTC)
	s := ref.Format(l)
	if s == l {
		return "", fmt.Errorf("bad layout %q: no date or time element (write layouts with Go's reference time, like 2006-01-02 or 02/01/2006)", l)
	}
	if _, err := time.Parse(l, s); err != nil {
		return "", fmt.Errorf("bad layout %q: %v", l, err)
	}
	return l, nil
}

func dateValue(v any, layouts []string) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		return x.UTC(), nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil, nil
		}
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%s does not match the date layouts %v", describe(v), layouts)
	}
	return nil, notA(v, "a date")
}

// exprBuiltins are the expr-lang builtins a derive expression may call: pure
// functions of their arguments (no clock, no collections that grow, no JSON).
var exprBuiltins = []string{
	"abs", "ceil", "floor", "round", "int", "float", "string", "len",
	"trim", "trimPrefix", "trimSuffix", "upper", "lower", "hasPrefix", "hasSuffix",
	"indexOf", "lastIndexOf", "max", "min",
}

// compileExpr compiles a derive expression once, with only exprBuiltins, at most
// 1000 nodes, and the record's fields as variables. It returns the fields used.
func compileExpr(src string, known map[string]bool, fieldsKnown bool) (*vm.Program, []string, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil, errors.New("expr is required")
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, nil, fmt.Errorf("bad expression: %s", firstLine(err))
	}
	c := &identCollector{lets: map[string]bool{}}
	ast.Walk(&tree.Node, c)
	if c.badCall != "" {
		return nil, nil, fmt.Errorf("bad expression: unknown function %q", c.badCall)
	}
	var refs []string
	for _, id := range c.ids {
		if c.lets[id] || slices.Contains(refs, id) {
			continue
		}
		refs = append(refs, id)
	}
	if len(refs) == 0 {
		return nil, nil, errors.New("expression references no field")
	}
	if fieldsKnown {
		for _, id := range refs {
			if !known[id] {
				return nil, nil, fmt.Errorf("expression references unknown field %q", id)
			}
		}
	}
	opts := []expr.Option{
		expr.Env(map[string]any{}),
		expr.AllowUndefinedVariables(),
		expr.DisableAllBuiltins(),
		expr.MaxNodes(1000),
	}
	for _, b := range exprBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("bad expression: %s", firstLine(err))
	}
	return prog, refs, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

type identCollector struct {
	ids     []string
	lets    map[string]bool
	badCall string
}

func (c *identCollector) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IdentifierNode:
		c.ids = append(c.ids, x.Value)
	case *ast.VariableDeclaratorNode:
		c.lets[x.Name] = true
	case *ast.CallNode:
		if id, ok := x.Callee.(*ast.IdentifierNode); ok && c.badCall == "" {
			c.badCall = id.Value
		}
	case *ast.BuiltinNode:
		if !slices.Contains(exprBuiltins, x.Name) && c.badCall == "" {
			c.badCall = x.Name
		}
	}
}

// Spec returns the spec the pipeline was compiled from.
func (p *Pipeline) Spec() Spec { return p.spec }

// Reset forgets the keys dedupe has seen, so the pipeline can run over the source
// again (pass 2) and reject exactly the same records.
func (p *Pipeline) Reset() {
	if p.dedupe {
		clear(p.seen)
	}
}

// Apply turns one record into a document, or rejects it. It returns the document and
// nil, or a Doc with only Key (when computed) and Line set and every reason the
// record is rejected, each prefixed by the field it concerns, e.g.
// `age: "abc" is not an int`, `glucose: 700 above max 600`,
// `sex: "X" not in enum [F M]`, `bmi: required`, `key: duplicate P0003 (first at line 4)`.
// A row with Err set is rejected with Err's text.
//
// Apply takes ownership of row.Values: with an empty Mapping the document's Fields
// is that same map, changed in place.
func (p *Pipeline) Apply(row Row) (Doc, []string) {
	doc := Doc{Line: row.Line}
	if row.Err != nil {
		return doc, []string{row.Err.Error()}
	}
	var reasons []string
	if p.key != nil {
		v, _ := Lookup(row.Values, p.key.From)
		k, err := p.key.Normalize(v)
		if err == nil {
			err = checkKey(k)
		}
		if err != nil {
			reasons = append(reasons, "key: "+err.Error())
		} else {
			doc.Key = k
		}
	}

	var fields map[string]any
	if len(p.mapping) == 0 {
		p.normalizeNames(row.Values)
		fields = row.Values
		if fields == nil {
			fields = map[string]any{}
		}
	} else {
		fields = make(map[string]any, len(p.mapping))
		for _, m := range p.mapping {
			if v, ok := Lookup(row.Values, m.From); ok {
				fields[m.To] = v
			}
		}
	}

	var failed []string
	for i := range p.rules {
		r := &p.rules[i]
		switch r.kind {
		case kindValue:
			for _, f := range r.fields {
				v, ok := fields[f]
				if !ok || (failed != nil && slices.Contains(failed, f)) {
					continue
				}
				nv, err := r.fn(v)
				if err != nil {
					reasons = append(reasons, f+": "+err.Error())
					failed = append(failed, f)
					continue
				}
				if !sameString(nv, v) {
					fields[f] = nv
				}
			}
		case kindDerive:
			target := r.fields[0]
			if failed != nil && slices.Contains(failed, target) {
				continue
			}
			out, reason, bad := p.derive(r, fields, failed)
			if bad {
				failed = append(failed, target)
				if reason != "" {
					reasons = append(reasons, target+": "+reason)
				}
				continue
			}
			fields[target] = out
		}
	}

	covered := 0
	for i := range p.checks {
		c := &p.checks[i]
		v, present := fields[c.name]
		if present {
			covered++
		}
		if failed != nil && slices.Contains(failed, c.name) {
			continue
		}
		cv, reason := c.check(v)
		if reason != "" {
			reasons = append(reasons, reason)
			continue
		}
		if present && !sameString(cv, v) {
			fields[c.name] = cv
		}
	}
	if len(fields) > covered {
		for k, v := range fields {
			switch v.(type) {
			case json.Number, map[string]any, []any:
				if _, checked := p.checkIdx[k]; !checked {
					fields[k] = plainJSON(v)
				}
			}
		}
	}

	// What the store would refuse is a reject here, in pass 1, with its
	// reason: never a failure of the write pass.
	if reasons == nil {
		reasons = p.storable(fields)
	}
	if p.dedupe && doc.Key != "" {
		h := maphash.String(p.seed, doc.Key)
		if first, dup := p.seen[h]; dup {
			reasons = append(reasons, fmt.Sprintf("key: duplicate %s (first at line %d)", doc.Key, first))
		} else if reasons == nil {
			p.seen[h] = int32(min(row.Line, math.MaxInt32))
		}
	}
	if reasons != nil {
		return doc, reasons
	}
	doc.Fields = fields
	return doc, nil
}

// sameString reports whether a and b are the same string (or both nil): a cheap
// test that saves a map write when a rule or check left a value as it was.
func sameString(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	as, ok1 := a.(string)
	bs, ok2 := b.(string)
	return ok1 && ok2 && as == bs
}

// derive evaluates a derive rule. bad means the target failed: with a reason, or
// silently when a field it uses already failed.
func (p *Pipeline) derive(r *compiledRule, fields map[string]any, failed []string) (any, string, bool) {
	env := fields
	for _, ref := range r.refs {
		if failed != nil && slices.Contains(failed, ref) {
			return nil, "", true
		}
		v := fields[ref]
		if v == nil {
			return nil, "", false // null in, null out
		}
		if idx, ok := p.checkIdx[ref]; ok {
			cv, err := Coerce(v, p.checks[idx].typ)
			if err != nil {
				return nil, fmt.Sprintf("derive: %s: %v", ref, err), true
			}
			if cv == nil {
				return nil, "", false
			}
			fields[ref] = cv
			continue
		}
		switch v.(type) {
		case json.Number, map[string]any, []any:
			fields[ref] = plainJSON(v)
		}
	}
	out, err := p.vm.Run(r.prog, env)
	if err != nil {
		return nil, "derive: " + firstLine(err), true
	}
	if f, ok := out.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil, "derive: result is " + formatFloat(f), true
	}
	if n, ok := out.(int); ok {
		out = int64(n)
	}
	return out, "", false
}
