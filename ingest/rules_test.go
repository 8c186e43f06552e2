package ingest_test

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		decimal byte
		units   []string
		want    any
		wantErr string
	}{
		{in: "72 mmHg", want: int64(72)},
		{in: "148 mg/dL", want: int64(148)},
		{in: "148mg/dL", want: int64(148)},
		{in: "33,6", want: 33.6},
		{in: "33.6", want: 33.6},
		{in: "-4.5", want: -4.5},
		{in: "+7", want: int64(7)},
		{in: ".5", want: 0.5},
		{in: "1,234", want: int64(1234)},
		{in: "12,345,678", want: int64(12345678)},
		{in: "1,234.5", want: 1234.5},
		{in: "1.234,5", want: 1234.5},
		{in: "1.234.567", want: int64(1234567)},
		{in: "1'234", want: int64(1234)},
		{in: "0,123", want: 0.123},
		{in: "1234,567", want: 1234.567},
		{in: "1,234", decimal: ',', want: 1.234},
		{in: "1.5e3", want: 1500.0},
		{in: "12 %", want: int64(12)},
		{in: "37.5 °C", want: 37.5},
		{in: "33.6 kg/m2", want: 33.6},
		{in: "5 毫摩尔", want: int64(5)},
		{in: "  ", want: nil},
		{in: "148 mg/dL", units: []string{"mg/dL"}, want: int64(148)},
		{in: "148 MG/DL", units: []string{"mg/dL"}, want: int64(148)},
		{in: "148", units: []string{"mg/dL"}, want: int64(148)},
		{in: "8 mmol/L", units: []string{"mg/dL"}, wantErr: `"8 mmol/L": unit "mmol/L" not in [mg/dL]`},
		{in: "abc", wantErr: `"abc" is not a number`},
		{in: "120/80", wantErr: `"120/80" is not a number`},
		{in: "1,23,4", wantErr: "is not a number"},
		{in: "1.2.3", wantErr: "is not a number"},
		{in: "33,6", decimal: '.', wantErr: "is not a number"},
		{in: "~5", wantErr: "is not a number"},
		{in: "5 - 6", wantErr: "is not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ingest.ParseNumber(tt.in, tt.decimal, tt.units)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseNumber(%q) = %#v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseNumber(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
		})
	}
}

func strp(s string) *string { return &s }

// TestApply_RuleOps runs every rule op over one record.
func TestApply_RuleOps(t *testing.T) {
	tests := []struct {
		name    string
		rules   []ingest.Rule
		fields  []model.FieldSpec
		in      map[string]any
		want    map[string]any
		reasons []string
	}{
		{
			name:  "trim",
			rules: []ingest.Rule{{Op: "trim", Fields: []string{"a", "b", "c", "absent"}}},
			in:    map[string]any{"a": " F ", "b": " \t", "c": int64(5)},
			want:  map[string]any{"a": "F", "b": nil, "c": int64(5)},
		},
		{
			name:  "lower and upper",
			rules: []ingest.Rule{{Op: "lower", Field: "a"}, {Op: "upper", Field: "b"}},
			in:    map[string]any{"a": "MiXeD", "b": "straße"},
			want:  map[string]any{"a": "mixed", "b": "STRAßE"},
		},
		{
			name:  "number",
			rules: []ingest.Rule{{Op: "number", Fields: []string{"bp", "glucose", "bmi", "js", "big", "none"}}},
			in:    map[string]any{"bp": "72 mmHg", "glucose": "148 mg/dL", "bmi": "33,6", "js": json.Number("85.0"), "big": "1,234.5", "none": nil},
			want:  map[string]any{"bp": int64(72), "glucose": int64(148), "bmi": 33.6, "js": 85.0, "big": 1234.5, "none": nil},
		},
		{
			name:    "number rejects",
			rules:   []ingest.Rule{{Op: "number", Fields: []string{"a", "b"}, Units: []string{"mmHg"}}, {Op: "trim", Field: "a"}},
			in:      map[string]any{"a": "n/a", "b": "8 kPa"},
			reasons: []string{`a: "n/a" is not a number`, `b: "8 kPa": unit "kPa" not in [mmHg]`},
		},
		{
			name: "map sex variants",
			rules: []ingest.Rule{{Op: "map", Fields: []string{"s1", "s2", "s3", "s4", "s5"}, Fold: true, Unmapped: "reject",
				Map: map[string]any{"F": "F", "female": "F", "女": "F", "M": "M", "男": "M"}}},
			in:   map[string]any{"s1": "F", "s2": "female", "s3": "女", "s4": " F ", "s5": "FEMALE"},
			want: map[string]any{"s1": "F", "s2": "F", "s3": "F", "s4": "F", "s5": "F"},
		},
		{
			name: "map Chinese values to numbers and bools",
			rules: []ingest.Rule{
				{Op: "map", Field: "dx", Map: map[string]any{"阳性": 1.0, "阴性": 0.0}},
				{Op: "map", Field: "vax", Map: map[string]any{"接种": true, "未接种": false}},
				{Op: "map", Field: "n", Map: map[string]any{"1": "one"}},
			},
			in:   map[string]any{"dx": "阳性", "vax": "接种", "n": json.Number("1")},
			want: map[string]any{"dx": 1.0, "vax": true, "n": "one"},
		},
		{
			name: "map unmapped keep, null, reject",
			rules: []ingest.Rule{
				{Op: "map", Field: "keep", Map: map[string]any{"a": "A"}},
				{Op: "map", Field: "null", Map: map[string]any{"a": "A"}, Unmapped: "null"},
				{Op: "map", Field: "reject", Map: map[string]any{"a": "A"}, Unmapped: "reject"},
			},
			in:      map[string]any{"keep": "x", "null": "x", "reject": "X"},
			reasons: []string{`reject: "X" not in map`},
		},
		{
			name:  "map unmapped keep and null",
			rules: []ingest.Rule{{Op: "map", Field: "keep", Map: map[string]any{"a": "A"}}, {Op: "map", Field: "null", Map: map[string]any{"a": "A"}, Unmapped: "null"}},
			in:    map[string]any{"keep": "x", "null": "x"},
			want:  map[string]any{"keep": "x", "null": nil},
		},
		{
			name:  "missing",
			rules: []ingest.Rule{{Op: "missing", Fields: []string{"g1", "g2", "g3", "g4", "g5", "g6"}, Values: []any{0.0, "NA", "-"}}},
			in:    map[string]any{"g1": "0", "g2": json.Number("0.0"), "g3": int64(0), "g4": " na ", "g5": "-", "g6": "148"},
			want:  map[string]any{"g1": nil, "g2": nil, "g3": nil, "g4": nil, "g5": nil, "g6": "148"},
		},
		{
			name:  "date",
			rules: []ingest.Rule{{Op: "date", Fields: []string{"a", "b", "c"}, Layouts: []string{"02/01/2006", "DateOnly"}}},
			in:    map[string]any{"a": "05/03/2024", "b": "2024-03-05", "c": ""},
			want: map[string]any{"a": time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), "b": time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC),
				"c": nil},
		},
		{
			name:    "date rejects",
			rules:   []ingest.Rule{{Op: "date", Field: "a", Layouts: []string{"2006-01-02"}}},
			in:      map[string]any{"a": "2024-13-01"},
			reasons: []string{`a: "2024-13-01" does not match the date layouts [2006-01-02]`},
		},
		{
			name:  "replace",
			rules: []ingest.Rule{{Op: "replace", Field: "id", Pattern: `^ID-(\d+)$`, With: strp("$1")}, {Op: "replace", Field: "t", Pattern: `\s+`, With: strp(" ")}},
			in:    map[string]any{"id": "ID-42", "t": "a \t b"},
			want:  map[string]any{"id": "42", "t": "a b"},
		},
		{
			name:   "derive bmi from typed fields",
			rules:  []ingest.Rule{{Op: "derive", Field: "bmi", Expr: "weight / (height/100)^2"}},
			fields: []model.FieldSpec{{Name: "weight", Type: "FLOAT"}, {Name: "height", Type: "INT"}, {Name: "bmi", Type: "FLOAT"}},
			in:     map[string]any{"weight": "70", "height": "175"},
			want:   map[string]any{"weight": 70.0, "height": int64(175), "bmi": 70 / (1.75 * 1.75)},
		},
		{
			name:  "derive with builtins and json numbers",
			rules: []ingest.Rule{{Op: "derive", Field: "r", Expr: "round(a * 10) + max(b, 1)"}},
			in:    map[string]any{"a": json.Number("1.26"), "b": json.Number("3")},
			want:  map[string]any{"a": 1.26, "b": int64(3), "r": 16.0},
		},
		{
			name:  "derive is null when an input is null",
			rules: []ingest.Rule{{Op: "derive", Field: "bmi", Expr: "weight / (height/100)^2"}},
			in:    map[string]any{"weight": 70.0, "height": nil},
			want:  map[string]any{"weight": 70.0, "height": nil, "bmi": nil},
		},
		{
			name:    "derive rejects a non-finite result",
			rules:   []ingest.Rule{{Op: "derive", Field: "bmi", Expr: "weight / (height/100)^2"}},
			in:      map[string]any{"weight": 70.0, "height": 0.0},
			reasons: []string{"bmi: derive: result is +Inf"},
		},
		{
			name:    "derive rejects a runtime error",
			rules:   []ingest.Rule{{Op: "derive", Field: "x", Expr: "a * 2"}},
			in:      map[string]any{"a": "text"},
			reasons: []string{"x: derive: invalid operation: string * int (1:3)"},
		},
		{
			name:   "derive rejects an input that fails coercion",
			rules:  []ingest.Rule{{Op: "derive", Field: "x", Expr: "a * 2"}},
			fields: []model.FieldSpec{{Name: "a", Type: "INT"}},
			in:     map[string]any{"a": "abc"},
			reasons: []string{
				`x: derive: a: "abc" is not an int`,
				`a: "abc" is not an int`,
			},
		},
		{
			name:   "impute leaves nulls and skips required",
			rules:  []ingest.Rule{{Op: "impute", Field: "insulin", Method: "median"}},
			fields: []model.FieldSpec{{Name: "insulin", Type: "INT", Required: true}},
			in:     map[string]any{"insulin": nil},
			want:   map[string]any{"insulin": nil},
		},
		{
			name:    "a failed field is skipped by later rules and checks",
			rules:   []ingest.Rule{{Op: "number", Field: "g"}, {Op: "missing", Field: "g", Values: []any{0.0}}},
			fields:  []model.FieldSpec{{Name: "g", Type: "INT", Required: true}},
			in:      map[string]any{"g": "high"},
			reasons: []string{`g: "high" is not a number`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ingest.Compile(ingest.Spec{Rules: tt.rules, Fields: tt.fields}, nil)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			doc, reasons := p.Apply(ingest.Row{Line: 3, Values: tt.in})
			if !reflect.DeepEqual(reasons, tt.reasons) {
				t.Fatalf("reasons = %q, want %q", reasons, tt.reasons)
			}
			if tt.reasons == nil && !reflect.DeepEqual(doc.Fields, tt.want) {
				t.Errorf("fields = %#v, want %#v", doc.Fields, tt.want)
			}
		})
	}
}

func TestApply_MappingAndKey(t *testing.T) {
	spec := ingest.Spec{
		Key:     &ingest.KeySpec{From: "patient", Prefix: "P", Digits: 4},
		Mapping: []ingest.Mapping{{From: "exam.bp", To: "blood_pressure"}, {From: "exam.bmi", To: "bmi"}, {From: "exam.none", To: "none"}},
	}
	p, err := ingest.Compile(spec, []string{"patient", "exam"})
	if err != nil {
		t.Fatal(err)
	}
	doc, reasons := p.Apply(ingest.Row{Line: 7, Values: map[string]any{"patient": "p-7", "exam": map[string]any{"bp": "72 mmHg", "bmi": nil}, "dropped": 1}})
	if reasons != nil {
		t.Fatalf("reasons = %q", reasons)
	}
	want := ingest.Doc{Key: "P0007", Line: 7, Fields: map[string]any{"blood_pressure": "72 mmHg", "bmi": nil}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("doc = %#v, want %#v", doc, want)
	}
	doc, reasons = p.Apply(ingest.Row{Line: 8, Values: map[string]any{"patient": "x", "exam": map[string]any{}}})
	if want := []string{`key: "x" does not look like P0001`}; !reflect.DeepEqual(reasons, want) {
		t.Errorf("reasons = %q, want %q", reasons, want)
	}
	if doc.Line != 8 || doc.Fields != nil {
		t.Errorf("rejected doc = %+v", doc)
	}
	_, reasons = p.Apply(ingest.Row{Line: 9, Err: errTest("invalid JSON: truncated")})
	if want := []string{"invalid JSON: truncated"}; !reflect.DeepEqual(reasons, want) {
		t.Errorf("row error reasons = %q, want %q", reasons, want)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func TestApply_Dedupe(t *testing.T) {
	spec := ingest.Spec{
		Key:    &ingest.KeySpec{From: "id", Prefix: "P", Digits: 4},
		Rules:  []ingest.Rule{{Op: "dedupe"}},
		Fields: []model.FieldSpec{{Name: "age", Type: "INT"}},
	}
	p, err := ingest.Compile(spec, []string{"id", "age"})
	if err != nil {
		t.Fatal(err)
	}
	rows := []ingest.Row{
		{Line: 2, Values: map[string]any{"id": "P0001", "age": "1"}},
		{Line: 3, Values: map[string]any{"id": "P0003", "age": "bad"}}, // rejected: does not claim the key
		{Line: 4, Values: map[string]any{"id": "p-3", "age": "3"}},
		{Line: 5, Values: map[string]any{"id": "1", "age": "x"}},
		{Line: 6, Values: map[string]any{"id": "P3", "age": "3"}},
	}
	want := map[int][]string{
		3: {`age: "bad" is not an int`},
		5: {`age: "x" is not an int`, "key: duplicate P0001 (first at line 2)"},
		6: {"key: duplicate P0003 (first at line 4)"},
	}
	for pass := 1; pass <= 2; pass++ {
		t.Run([]string{"", "pass 1", "pass 2 after Reset"}[pass], func(t *testing.T) {
			p.Reset()
			for _, r := range rows {
				_, reasons := p.Apply(r)
				if !reflect.DeepEqual(reasons, want[r.Line]) {
					t.Errorf("line %d: reasons = %q, want %q", r.Line, reasons, want[r.Line])
				}
			}
		})
	}
}

func TestPipeline_Impute(t *testing.T) {
	spec := ingest.Spec{
		Rules: []ingest.Rule{
			{Op: "impute", Field: "a", Method: "mean"},
			{Op: "impute", Field: "b", Method: "median"},
			{Op: "impute", Field: "c", Method: "mode"},
			{Op: "impute", Field: "d", Method: "constant", Value: "unknown"},
			{Op: "impute", Field: "e", Method: "mean"},
		},
		Fields: []model.FieldSpec{{Name: "a", Type: "FLOAT"}, {Name: "b", Type: "INT"}, {Name: "c", Type: "CATEGORY"}, {Name: "d", Type: "STRING"}, {Name: "e", Type: "INT"}},
	}
	p, err := ingest.Compile(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantImps := []ingest.Imputation{
		{Field: "a", Method: "mean"}, {Field: "b", Method: "median"}, {Field: "c", Method: "mode"},
		{Field: "d", Method: "constant", Value: "unknown"}, {Field: "e", Method: "mean"},
	}
	if got := spec.Imputations(); !reflect.DeepEqual(got, wantImps) {
		t.Errorf("Imputations = %+v, want %+v", got, wantImps)
	}
	records := []map[string]any{
		{"a": "1", "b": "10", "c": "x", "e": "1"},
		{"a": "2", "b": "20", "c": "y", "e": "2"},
		{"a": nil, "b": nil, "c": "y", "d": "kept", "e": "2"},
		{"a": "6", "b": "25", "c": nil},
	}
	prof := p.NewProfile()
	for i, r := range records {
		doc, reasons := p.Apply(ingest.Row{Line: i + 1, Values: r})
		if reasons != nil {
			t.Fatalf("record %d: %q", i, reasons)
		}
		prof.Add(doc)
	}
	fill, err := p.ImputeValues(prof)
	if err != nil {
		t.Fatal(err)
	}
	// a: mean(1,2,6) = 3; b: median(10,20,25) = 20; c: mode y; e: mean(1,2,2) = 1.67 -> 2.
	wantFill := map[string]any{"a": 3.0, "b": int64(20), "c": "y", "d": "unknown", "e": int64(2)}
	if !reflect.DeepEqual(fill, wantFill) {
		t.Fatalf("ImputeValues = %#v, want %#v", fill, wantFill)
	}
	doc := ingest.Doc{Fields: map[string]any{"a": nil, "b": int64(7), "d": "kept"}}
	filled := p.Impute(&doc, fill)
	if want := []string{"a", "c", "e"}; !reflect.DeepEqual(filled, want) {
		t.Errorf("filled = %v, want %v", filled, want)
	}
	if want := map[string]any{"a": 3.0, "b": int64(7), "c": "y", "d": "kept", "e": int64(2)}; !reflect.DeepEqual(doc.Fields, want) {
		t.Errorf("imputed doc = %#v, want %#v", doc.Fields, want)
	}

	t.Run("no values", func(t *testing.T) {
		p, err := ingest.Compile(ingest.Spec{Rules: []ingest.Rule{{Op: "impute", Field: "x", Method: "mean"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.ImputeValues(p.NewProfile())
		if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "impute x: no values") {
			t.Errorf("err = %v, want EINVALID about no values", err)
		}
	})
}

func TestCompile_Errors(t *testing.T) {
	src := []string{"id", "age", "sex", "weight", "height", "code"}
	tests := []struct {
		name   string
		spec   ingest.Spec
		source []string
		want   []string
	}{
		{name: "unknown op", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "frobnicate", Field: "age"}}},
			want: []string{`rules[0]: unknown op "frobnicate"`}},
		{name: "missing op", spec: ingest.Spec{Rules: []ingest.Rule{{Field: "age"}}}, want: []string{"rules[0]: op is required"}},
		{name: "unknown field", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "trim"}, {Op: "trim", Fields: []string{"sex", "sexx"}}}}, source: src,
			want: []string{"rules[0] (trim): field or fields is required", `rules[1] (trim): unknown field "sexx"`}},
		{name: "field unknown after explicit mapping", spec: ingest.Spec{Mapping: []ingest.Mapping{{From: "a", To: "b"}}, Rules: []ingest.Rule{{Op: "trim", Field: "a"}}},
			want: []string{`rules[0] (trim): unknown field "a"`}},
		{name: "bad regexp", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "replace", Field: "code", Pattern: "([a-z", With: strp("")}}}, source: src,
			want: []string{"rules[0] (replace): bad pattern: error parsing regexp"}},
		{name: "bad expression", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "derive", Field: "bmi", Expr: "weight / (height"}}}, source: src,
			want: []string{`rules[0] (derive) "bmi": bad expression`}},
		{name: "expression without fields", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "derive", Field: "k", Expr: "1 + 2"}}}, source: src,
			want: []string{`rules[0] (derive) "k": expression references no field`}},
		{name: "expression with unknown field", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "derive", Field: "bmi", Expr: "wieght / height"}}}, source: src,
			want: []string{`rules[0] (derive) "bmi": expression references unknown field "wieght"`}},
		{name: "expression with a disabled builtin", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "derive", Field: "t", Expr: "now() > weight"}}}, source: src,
			want: []string{`rules[0] (derive) "t": bad expression`}},
		{name: "expression calling a function", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "derive", Field: "t", Expr: "exec(weight)"}}}, source: src,
			want: []string{`unknown function "exec"`}},
		{name: "bad layout", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "date", Field: "age", Layouts: []string{"yyyy-mm-dd"}}}}, source: src,
			want: []string{`rules[0] (date): bad layout "yyyy-mm-dd"`}},
		{name: "parameter of another op", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "trim", Field: "sex", Map: map[string]any{"a": 1}}}},
			want: []string{`rules[0] (trim): "map" is not a parameter of trim`}},
		{name: "map without map", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "map", Field: "sex"}}}, want: []string{"rules[0] (map): map is required"}},
		{name: "bad unmapped", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "map", Field: "sex", Map: map[string]any{"a": 1}, Unmapped: "drop"}}},
			want: []string{`rules[0] (map): unmapped "drop"`}},
		{name: "bad decimal", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "number", Field: "age", Decimal: ";"}}}, want: []string{`rules[0] (number): decimal ";"`}},
		{name: "missing with object", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "missing", Field: "age", Values: []any{map[string]any{}}}}},
			want: []string{"rules[0] (missing): value an object is not a number or a string"}},
		{name: "dedupe without key", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "dedupe"}}}, want: []string{"rules[0] (dedupe): needs a key spec"}},
		{name: "impute mean of a string", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "impute", Field: "sex", Method: "mean"}}, Fields: []model.FieldSpec{{Name: "sex", Type: "STRING"}}},
			want: []string{`rules[0] (impute): mean of field "sex" needs an INT or FLOAT field, not STRING`}},
		{name: "impute constant of the wrong type", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "impute", Field: "age", Method: "constant", Value: "old"}}, Fields: []model.FieldSpec{{Name: "age", Type: "INT"}}},
			want: []string{`rules[0] (impute): value for field "age": "old" is not an int`}},
		{name: "impute unknown method", spec: ingest.Spec{Rules: []ingest.Rule{{Op: "impute", Field: "age", Method: "guess"}}}, want: []string{`method "guess"`}},
		{name: "unknown type", spec: ingest.Spec{Fields: []model.FieldSpec{{Name: "age", Type: "INTEGER"}}},
			want: []string{`fields[0] "age": unknown type "INTEGER"`}},
		{name: "bad field pattern", spec: ingest.Spec{Fields: []model.FieldSpec{{Name: "code", Type: "STRING", Pattern: "(("}}},
			want: []string{`fields[0] "code": bad pattern`}},
		{name: "enum of the wrong type", spec: ingest.Spec{Fields: []model.FieldSpec{{Name: "age", Type: "INT", Enum: []string{"1", "x"}}}},
			want: []string{`fields[0] "age": enum value "x" is not a valid INT`}},
		{name: "min above max", spec: ingest.Spec{Fields: []model.FieldSpec{{Name: "age", Type: "INT", Min: f64(5), Max: f64(1)}}},
			want: []string{`fields[0] "age": min 5 is above max 1`}},
		{name: "min on a bool", spec: ingest.Spec{Fields: []model.FieldSpec{{Name: "b", Type: "BOOL", Min: f64(0)}}},
			want: []string{`fields[0] "b": min/max apply to numbers`}},
		{name: "field listed twice", spec: ingest.Spec{Fields: []model.FieldSpec{{Name: "a", Type: "INT"}, {Name: "a", Type: "INT"}}},
			want: []string{`fields[1] "a": listed twice`}},
		{name: "required field never produced", spec: ingest.Spec{Fields: []model.FieldSpec{{Name: "bmi", Type: "FLOAT", Required: true}}}, source: src,
			want: []string{`fields[0] "bmi": required but not produced`}},
		{name: "mapping from a missing source field", spec: ingest.Spec{Mapping: []ingest.Mapping{{From: "agee", To: "age"}, {From: "sex", To: "age"}}}, source: src,
			want: []string{`mapping[0]: source field "agee" not found`, `mapping[1]: field "age" is mapped twice`}},
		{name: "key from a missing source field", spec: ingest.Spec{Key: &ingest.KeySpec{From: "pid", Prefix: "P", Digits: 4}}, source: src,
			want: []string{`key: source field "pid" not found`}},
		{name: "bad key case", spec: ingest.Spec{Key: &ingest.KeySpec{From: "id", Case: "title"}}, want: []string{`key: case "title"`}},
		{name: "bad checks", spec: ingest.Spec{Checks: ingest.DataChecks{MaxRejectRatio: 2, MinRows: -1, MaxNullRatio: map[string]float64{"a": -0.5}}},
			want: []string{"checks: minRows -1 is negative", "checks: maxRejectRatio 2 out of range", `checks: maxNullRatio "a": -0.5 out of range`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ingest.Compile(tt.spec, tt.source)
			if err == nil {
				t.Fatalf("Compile succeeded (%v), want an error", p)
			}
			if got := model.ErrorCode(err); got != model.EINVALID {
				t.Errorf("code = %s, want %s", got, model.EINVALID)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseSpec(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		s, err := ingest.ParseSpec([]byte(`{"key":{"from":"pid","prefix":"P","digits":4},"rules":[{"op":"number","field":"glucose","units":["mg/dL"]}],
			"fields":[{"name":"glucose","type":"INT","max":600}],"checks":{"maxNullRatio":{"glucose":0.1},"minRows":1}}`))
		if err != nil {
			t.Fatal(err)
		}
		want := ingest.Spec{
			Key:    &ingest.KeySpec{From: "pid", Prefix: "P", Digits: 4},
			Rules:  []ingest.Rule{{Op: "number", Field: "glucose", Units: []string{"mg/dL"}}},
			Fields: []model.FieldSpec{{Name: "glucose", Type: "INT", Max: f64(600)}},
			Checks: ingest.DataChecks{MaxNullRatio: map[string]float64{"glucose": 0.1}, MinRows: 1},
		}
		if !reflect.DeepEqual(s, want) {
			t.Errorf("spec = %+v, want %+v", s, want)
		}
	})
	for name, in := range map[string]string{
		"unknown key":   `{"rules":[{"op":"trim","field":"a","fields2":["b"]}]}`,
		"trailing":      `{} {}`,
		"not an object": `[1]`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ingest.ParseSpec([]byte(in)); model.ErrorCode(err) != model.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
}

func TestApply_NoNaNLeaks(t *testing.T) {
	p, err := ingest.Compile(ingest.Spec{Rules: []ingest.Rule{{Op: "derive", Field: "r", Expr: "a - a"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, reasons := p.Apply(ingest.Row{Values: map[string]any{"a": math.Inf(1)}})
	if reasons == nil {
		t.Errorf("Inf - Inf accepted as %v", doc.Fields["r"])
	}
}
