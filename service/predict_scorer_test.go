package service

import (
	"testing"

	"github.com/mms-platform/mms/model"
)

// TestScorerOf: a version loads into the scorer of its algorithm; one stored
// before versions named it is logistic regression; an algorithm this build
// does not know, or parameters that do not fit, are EINVALID.
func TestScorerOf(t *testing.T) {
	lr := func(alg string) *model.ModelVersion {
		return &model.ModelVersion{Algorithm: alg, Columns: []string{"a", "b"}, Intercept: -1,
			Coefficients: []model.Coefficient{{Feature: "a", Value: 2}, {Feature: "b", Value: 0.5}}}
	}
	for _, alg := range []string{model.AlgorithmLogisticRegression, ""} {
		sc, err := scorerOf(lr(alg))
		if err != nil {
			t.Fatalf("%q: %v", alg, err)
		}
		if sc.Algorithm() != model.AlgorithmLogisticRegression {
			t.Errorf("%q: Algorithm() = %q", alg, sc.Algorithm())
		}
		ex, err := sc.Explain(nil, []float64{1, 2})
		want := []model.Coefficient{{Feature: "(intercept)", Value: -1}, {Feature: "a", Value: 2}, {Feature: "b", Value: 1}}
		if err != nil || len(ex) != len(want) {
			t.Fatalf("%q: Explain = %v, %v", alg, ex, err)
		}
		for i := range want {
			if ex[i] != want[i] {
				t.Errorf("%q: Explain[%d] = %v, want %v", alg, i, ex[i], want[i])
			}
		}
	}
	short := lr("")
	short.Coefficients = short.Coefficients[:1]
	for name, mv := range map[string]*model.ModelVersion{"unknown algorithm": lr("gradient-boosting"), "coefficients short of columns": short} {
		if _, err := scorerOf(mv); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}
