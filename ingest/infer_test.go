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

func TestInferSchema_Pima(t *testing.T) {
	rd, err := ingest.NewReader(openFixture(t, "pima-diabetes.csv"), ingest.ReadOptions{Format: ingest.FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	for {
		row, err := rd.Next()
		if err != nil {
			break
		}
		rows = append(rows, row.Values)
	}
	if len(rows) != 768 {
		t.Fatalf("read %d rows, want 768", len(rows))
	}
	got := ingest.InferSchema(rows, ingest.InferOptions{Order: rd.Fields()})
	want := []model.FieldSpec{
		{Name: "pregnancies", Type: model.FieldInt, Required: true},
		{Name: "glucose", Type: model.FieldInt, Required: true},
		{Name: "blood_pressure", Type: model.FieldInt, Required: true},
		{Name: "skin_thickness", Type: model.FieldInt, Required: true},
		{Name: "insulin", Type: model.FieldInt, Required: true},
		{Name: "bmi", Type: model.FieldFloat, Required: true},
		{Name: "pedigree", Type: model.FieldFloat, Required: true},
		{Name: "age", Type: model.FieldInt, Required: true},
		{Name: "outcome", Type: model.FieldInt, Required: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("InferSchema(pima) =\n%+v\nwant\n%+v", got, want)
	}
}

func TestInferSchema_Kinds(t *testing.T) {
	long := strings.Repeat("word ", 50)
	rows := []map[string]any{
		{"n": json.Number("1"), "f": json.Number("1"), "b": true, "bs": "TRUE", "d": "2024-01-02", "dt": time.Now(), "c": "F", "t": long, "j": map[string]any{"a": 1}, "s": "alpha", "mix": "1", "opt": nil, "e": ""},
		{"n": json.Number("2"), "f": json.Number("2.5"), "b": false, "bs": "false", "d": "2024-02-03T10:00:00Z", "dt": time.Now(), "c": "M", "t": "short", "j": []any{1}, "s": "beta", "mix": "x", "opt": "v"},
		{"n": "3", "f": 3.25, "b": true, "bs": "true", "d": "2024-03-04", "dt": time.Now(), "c": "F", "t": "a\nb", "j": map[string]any{}, "s": "gamma", "mix": true, "zz": 1.5},
		{"n": int64(4), "f": "4", "b": false, "bs": "False", "d": "2024-04-05", "dt": time.Now(), "c": "F", "t": "x", "j": map[string]any{}, "s": "delta", "mix": 2.0},
	}
	got := ingest.InferSchema(rows, ingest.InferOptions{Order: []string{"s", "n", "missing"}})
	want := []model.FieldSpec{
		{Name: "s", Type: model.FieldString, Required: true},
		{Name: "n", Type: model.FieldInt, Required: true},
		{Name: "missing", Type: model.FieldString},
		{Name: "b", Type: model.FieldBool, Required: true},
		{Name: "bs", Type: model.FieldBool, Required: true},
		{Name: "c", Type: model.FieldCategory, Required: true, Enum: []string{"F", "M"}},
		{Name: "d", Type: model.FieldDate, Required: true},
		{Name: "dt", Type: model.FieldDate, Required: true},
		{Name: "e", Type: model.FieldString},
		{Name: "f", Type: model.FieldFloat, Required: true},
		{Name: "j", Type: model.FieldJSON, Required: true},
		{Name: "mix", Type: model.FieldString, Required: true},
		{Name: "opt", Type: model.FieldString},
		{Name: "t", Type: model.FieldText, Required: true},
		{Name: "zz", Type: model.FieldFloat},
	}
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			var g, w model.FieldSpec
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("field %d = %+v, want %+v", i, g, w)
			}
		}
	}
}
