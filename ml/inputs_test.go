package ml_test

import (
	"testing"

	"github.com/mms-platform/mms/ml"
)

func TestNumericStrings(t *testing.T) {
	p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{{Name: "x", Type: ml.TypeNumeric, Scale: "none"}}},
		[]map[string]any{{"x": 1.0}, {"x": 3.0}})
	for in, want := range map[string]float64{"24": 24, " 24.5 ": 24.5, "-1e3": -1000, ".5": 0.5, "+7.": 7} {
		if x, err := p.Transform(map[string]any{"x": in}); err != nil || x[0] != want {
			t.Errorf("%q -> %v %v, want %v", in, x, err, want)
		}
	}
	for _, in := range []string{"24 years", "0x10", "1_000", "NaN", "inf", "", "1e999"} {
		if _, err := p.Transform(map[string]any{"x": in}); err == nil {
			t.Errorf("%q was read as a number", in)
		}
	}
}

func TestInspect(t *testing.T) {
	p := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{
		{Name: "n", Type: ml.TypeNumeric}, {Name: "o", Type: ml.TypeNumeric}, {Name: "c", Type: ml.TypeCategorical},
	}}, []map[string]any{{"n": 1.0, "o": 1.0, "c": "a"}, {"n": 2.0, "c": "b"}, {"n": 3.0, "o": 5.0, "c": "a"}})
	got := p.Inspect(map[string]any{"c": "zz", "extra": 1})
	want := []ml.InputNote{
		{Feature: "n", Type: ml.TypeNumeric, Kind: ml.NoteMissing, Required: true},
		{Feature: "o", Type: ml.TypeNumeric, Kind: ml.NoteMissing},
		{Feature: "c", Type: ml.TypeCategorical, Kind: ml.NoteUnknownCategory, Value: "zz"},
	}
	if len(got) != len(want) {
		t.Fatalf("notes %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("note %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if n := p.Inspect(map[string]any{"n": 1.0, "o": 2.0, "c": "a"}); len(n) != 0 {
		t.Errorf("complete row: %+v", n)
	}
}
