package ingest_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

func TestCoerce(t *testing.T) {
	day := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		in      any
		typ     model.FieldType
		want    any
		wantErr string
	}{
		{"int from string", "50", model.FieldInt, int64(50), ""},
		{"int from padded string", " 50 ", model.FieldInt, int64(50), ""},
		{"int from 50.0", "50.0", model.FieldInt, int64(50), ""},
		{"int from exponent", "5e1", model.FieldInt, int64(50), ""},
		{"int from float64", 72.0, model.FieldInt, int64(72), ""},
		{"int from json.Number", json.Number("9007199254740993"), model.FieldInt, int64(9007199254740993), ""},
		{"int from json.Number float", json.Number("148.0"), model.FieldInt, int64(148), ""},
		{"int rejects fraction", 50.5, model.FieldInt, nil, "50.5 is not an int"},
		{"int rejects fraction string", "50.5", model.FieldInt, nil, `"50.5" is not an int`},
		{"int rejects text", "abc", model.FieldInt, nil, `"abc" is not an int`},
		{"int rejects bool", true, model.FieldInt, nil, "true is not an int"},
		{"int rejects overflow", 1e19, model.FieldInt, nil, "is not an int"},
		{"blank int is null", "  ", model.FieldInt, nil, ""},
		{"nil stays nil", nil, model.FieldInt, nil, ""},
		{"float from string", "33.6", model.FieldFloat, 33.6, ""},
		{"float from int64", int64(3), model.FieldFloat, 3.0, ""},
		{"float from json.Number", json.Number("0.627"), model.FieldFloat, 0.627, ""},
		{"float rejects NaN", "NaN", model.FieldFloat, nil, `"NaN" is not a float`},
		{"float rejects comma", "33,6", model.FieldFloat, nil, `"33,6" is not a float`},
		{"bool from 1", "1", model.FieldBool, true, ""},
		{"bool from true", "true", model.FieldBool, true, ""},
		{"bool from YES", "YES", model.FieldBool, true, ""},
		{"bool from no", "no", model.FieldBool, false, ""},
		{"bool from 0.0", 0.0, model.FieldBool, false, ""},
		{"bool from json 1", json.Number("1"), model.FieldBool, true, ""},
		{"bool rejects maybe", "maybe", model.FieldBool, nil, `"maybe" is not a bool`},
		{"bool rejects 2", 2.0, model.FieldBool, nil, "2 is not a bool"},
		{"date from day", "2024-01-02", model.FieldDate, day, ""},
		{"date from RFC 3339 with zone", "2024-01-02T08:00:00+08:00", model.FieldDate, day, ""},
		{"date from time", day.In(time.FixedZone("X", 3600)), model.FieldDate, day, ""},
		{"date rejects text", "soon", model.FieldDate, nil, `"soon" is not a date`},
		{"date rejects number", 20240102.0, model.FieldDate, nil, "is not a date"},
		{"string from float", 72.0, model.FieldString, "72", ""},
		{"string from json.Number", json.Number("3.50"), model.FieldCategory, "3.50", ""},
		{"text from bool", true, model.FieldText, "true", ""},
		{"string keeps spaces", " F ", model.FieldString, " F ", ""},
		{"string rejects object", map[string]any{"a": 1}, model.FieldString, nil, "an object is not a string"},
		{"json converts numbers", map[string]any{"a": json.Number("1"), "b": []any{json.Number("2.5")}}, model.FieldJSON,
			map[string]any{"a": int64(1), "b": []any{2.5}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ingest.Coerce(tt.in, tt.typ)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Coerce(%#v, %s) = %#v, %v; want error %q", tt.in, tt.typ, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Coerce(%#v, %s): %v", tt.in, tt.typ, err)
			}
			if tm, ok := tt.want.(time.Time); ok {
				g, ok := got.(time.Time)
				if !ok || !g.Equal(tm) || g.Location() != time.UTC {
					t.Errorf("Coerce(%#v) = %#v, want %v in UTC", tt.in, got, tm)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Coerce(%#v, %s) = %#v (%T), want %#v (%T)", tt.in, tt.typ, got, got, tt.want, tt.want)
			}
		})
	}
}

func f64(v float64) *float64 { return &v }

func TestApply_FieldChecks(t *testing.T) {
	spec := ingest.Spec{Fields: []model.FieldSpec{
		{Name: "age", Type: model.FieldInt, Required: true, Min: f64(0), Max: f64(120)},
		{Name: "glucose", Type: model.FieldInt, Min: f64(1), Max: f64(600)},
		{Name: "sex", Type: model.FieldCategory, Enum: []string{"F", "M"}},
		{Name: "bmi", Type: model.FieldFloat, Required: true},
		{Name: "code", Type: "string", Pattern: `^[A-Z]{2}\d+$`, Max: f64(6)},
		{Name: "outcome", Type: model.FieldInt, Enum: []string{"0", "1"}},
	}}
	p, err := ingest.Compile(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		values  map[string]any
		want    map[string]any
		reasons []string
	}{
		{
			name:   "valid",
			values: map[string]any{"age": "50", "glucose": "148", "sex": "F", "bmi": "33.6", "code": "AB12", "outcome": "1", "extra": json.Number("7")},
			want:   map[string]any{"age": int64(50), "glucose": int64(148), "sex": "F", "bmi": 33.6, "code": "AB12", "outcome": int64(1), "extra": int64(7)},
		},
		{
			name:   "absent optional fields stay absent",
			values: map[string]any{"age": "50", "bmi": 20.0},
			want:   map[string]any{"age": int64(50), "bmi": 20.0},
		},
		{
			name:   "every reason is reported",
			values: map[string]any{"age": "abc", "glucose": "700", "sex": "X", "bmi": nil, "code": "ab1", "outcome": "2"},
			reasons: []string{
				`age: "abc" is not an int`,
				`glucose: 700 above max 600`,
				`sex: "X" not in enum [F M]`,
				`bmi: required`,
				`code: "ab1" does not match pattern ^[A-Z]{2}\d+$`,
				`outcome: 2 not in enum [0 1]`,
			},
		},
		{
			name:    "below min and string length",
			values:  map[string]any{"age": "-1", "bmi": "1", "code": "AB12345"},
			reasons: []string{"age: -1 below min 0", "code: length 7 above max 6"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, reasons := p.Apply(ingest.Row{Line: 9, Values: tt.values})
			if !reflect.DeepEqual(reasons, tt.reasons) {
				t.Fatalf("reasons = %q, want %q", reasons, tt.reasons)
			}
			if doc.Line != 9 {
				t.Errorf("line = %d, want 9", doc.Line)
			}
			if tt.reasons == nil && !reflect.DeepEqual(doc.Fields, tt.want) {
				t.Errorf("fields = %#v, want %#v", doc.Fields, tt.want)
			}
			if tt.reasons != nil && doc.Fields != nil {
				t.Errorf("rejected doc has fields %v", doc.Fields)
			}
		})
	}
}

func TestDataChecks_Evaluate(t *testing.T) {
	prof := ingest.NewProfile(ingest.ProfileOptions{Unique: []string{"id", "email"}})
	docs := []map[string]any{
		{"id": int64(1), "email": "a@x", "insulin": nil},
		{"id": int64(2), "email": "b@x", "insulin": int64(5)},
		{"id": int64(3), "email": "a@x"},
		{"id": int64(4), "email": "a@x", "insulin": nil},
	}
	for i, d := range docs {
		prof.Add(ingest.Doc{Line: i + 1, Fields: d})
	}
	prof.AddReject([]string{`age: "abc" is not an int`})
	tests := []struct {
		name   string
		checks ingest.DataChecks
		want   []string
	}{
		{name: "all pass", checks: ingest.DataChecks{MinRows: 4, MaxRejectRatio: 0.2, MaxNullRatio: map[string]float64{"insulin": 0.75}, Unique: []string{"id"}}},
		{name: "min rows", checks: ingest.DataChecks{MinRows: 5}, want: []string{"rows: 4 accepted, need at least 5"}},
		{name: "reject ratio", checks: ingest.DataChecks{MaxRejectRatio: 0.1}, want: []string{"rejects: 1 of 5 rows (0.2000) above max ratio 0.1"}},
		{name: "null ratio", checks: ingest.DataChecks{MaxNullRatio: map[string]float64{"insulin": 0.5, "never": 0.9, "id": 0}},
			want: []string{"insulin: null ratio 0.7500 (3 of 4) above max 0.5", "never: null ratio 1.0000 (4 of 4) above max 0.9"}},
		{name: "unique", checks: ingest.DataChecks{Unique: []string{"email", "id"}}, want: []string{"email: 2 duplicate values"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.checks.Evaluate(prof); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Evaluate = %q, want %q", got, tt.want)
			}
		})
	}
}
