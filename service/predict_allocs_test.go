package service

import (
	"encoding/json"
	"testing"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// TestScoreAllocs pins what scoring one input allocates on the hot path
// (RowScorer, as the /v2 route and predict use it), with and without the
// explanation: the prediction's probability, its warnings, and the
// contributions when asked for; loading the model through ml.Scorer adds
// nothing per prediction.
func TestScoreAllocs(t *testing.T) {
	sc, in := allocsScorer(t)
	for _, tc := range []struct {
		explain bool
		max     float64
	}{{false, 1}, {true, 2}} {
		n := testing.AllocsPerRun(1000, func() {
			if pr := sc.Score(in, ScoreOptions{Explain: tc.explain}); pr.Error != nil {
				t.Fatal(*pr.Error)
			}
		})
		t.Logf("explain=%v: %v allocations per prediction", tc.explain, n)
		if n > tc.max {
			t.Errorf("explain=%v: %v allocations per prediction, want at most %v", tc.explain, n, tc.max)
		}
	}
}

// BenchmarkScoreRow scores one input with a RowScorer: the service's share
// of a prediction's cost (transform, model, label).
func BenchmarkScoreRow(b *testing.B) {
	sc, in := allocsScorer(b)
	b.ReportAllocs()
	for b.Loop() {
		sc.Score(in, ScoreOptions{})
	}
}

// allocsScorer is a RowScorer of a small fitted model and an input for it.
func allocsScorer(t testing.TB) (*RowScorer, map[string]any) {
	t.Helper()
	rows := []map[string]any{{"a": 1.0, "c": "x"}, {"a": 2.0, "c": "y"}, {"a": 3.5, "c": "x"}}
	pre, err := ml.Fit(ml.Spec{Features: []ml.FeatureSpec{{Name: "a", Type: ml.TypeNumeric}, {Name: "c", Type: ml.TypeCategorical}}}, rows)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(pre)
	if err != nil {
		t.Fatal(err)
	}
	mv := &model.ModelVersion{Model: "m", Version: 1, Columns: pre.ColumnNames(), Preprocessing: string(b), Threshold: 0.5}
	for _, c := range mv.Columns {
		mv.Coefficients = append(mv.Coefficients, model.Coefficient{Feature: c, Value: 0.3})
	}
	p, err := newPredictor(mv)
	if err != nil {
		t.Fatal(err)
	}
	return p.Scorer(), map[string]any{"a": 2.5, "c": "y"}
}
