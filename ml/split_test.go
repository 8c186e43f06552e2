package ml_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// labels returns n0 zeros and n1 ones, the ones spread out (every third row while
// they last, then the rest) so that the classes are not in blocks.
func labels(n0, n1 int) []float64 {
	y := make([]float64, n0+n1)
	ones := 0
	for i := 0; i < len(y) && ones < n1; i += 3 {
		y[i] = 1
		ones++
	}
	for i := len(y) - 1; ones < n1; i-- {
		if y[i] == 0 {
			y[i] = 1
			ones++
		}
	}
	return y
}

func countOnes(y []float64, idx []int) int {
	n := 0
	for _, i := range idx {
		n += int(y[i])
	}
	return n
}

func TestTrainTestSplit(t *testing.T) {
	y := labels(70, 30)
	tests := []struct {
		name      string
		fraction  float64
		stratify  bool
		wantTest  int
		wantOnes  int // positives in test; -1: not checked
		wantError string
	}{
		{"no test set", 0, true, 0, 0, ""},
		{"stratified 20%", 0.2, true, 20, 6, ""},
		{"stratified 25%", 0.25, true, 25, -1, ""},
		{"random 20%", 0.2, false, 20, -1, ""},
		{"random rounds up", 0.015, false, 2, -1, ""},
		{"negative", -0.1, true, 0, 0, model.EINVALID},
		{"one", 1, true, 0, 0, model.EINVALID},
		{"above one", 1.5, false, 0, 0, model.EINVALID},
		{"NaN", math.NaN(), false, 0, 0, model.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			train, test, err := ml.TrainTestSplit(y, tt.fraction, 42, tt.stratify)
			wantCode(t, err, tt.wantError)
			if tt.wantError != "" {
				return
			}
			if len(test) != tt.wantTest {
				t.Errorf("test size = %d, want %d", len(test), tt.wantTest)
			}
			if tt.wantOnes >= 0 && countOnes(y, test) != tt.wantOnes {
				t.Errorf("positives in test = %d, want %d", countOnes(y, test), tt.wantOnes)
			}
			all := slices.Concat(train, test)
			slices.Sort(all)
			for i, v := range all {
				if v != i {
					t.Fatalf("train and test do not partition the rows: %v", all)
				}
			}
			if !slices.IsSorted(train) || !slices.IsSorted(test) {
				t.Errorf("indices not sorted")
			}
		})
	}
	t.Run("deterministic per seed", func(t *testing.T) {
		_, a, _ := ml.TrainTestSplit(y, 0.3, 7, true)
		_, b, _ := ml.TrainTestSplit(y, 0.3, 7, true)
		_, c, _ := ml.TrainTestSplit(y, 0.3, 8, true)
		if !slices.Equal(a, b) {
			t.Errorf("same seed, different splits: %v vs %v", a, b)
		}
		if slices.Equal(a, c) {
			t.Errorf("different seeds gave the same split %v", a)
		}
	})
	t.Run("no rows", func(t *testing.T) {
		_, _, err := ml.TrainTestSplit(nil, 0.2, 1, true)
		wantCode(t, err, model.EINVALID)
	})
	t.Run("too few rows for a test set", func(t *testing.T) {
		_, _, err := ml.TrainTestSplit([]float64{1}, 0.5, 1, false)
		wantCode(t, err, model.EINVALID)
	})
}

func TestStratifiedKFold(t *testing.T) {
	y := labels(60, 40)
	t.Run("partition with balanced classes", func(t *testing.T) {
		folds, err := ml.StratifiedKFold(y, 5, 3)
		if err != nil {
			t.Fatal(err)
		}
		var all []int
		for f, fold := range folds {
			if len(fold) != 20 {
				t.Errorf("fold %d has %d rows, want 20", f, len(fold))
			}
			if n := countOnes(y, fold); n != 8 {
				t.Errorf("fold %d has %d positives, want 8", f, n)
			}
			all = append(all, fold...)
		}
		slices.Sort(all)
		for i, v := range all {
			if v != i {
				t.Fatalf("folds do not partition the rows")
			}
		}
	})
	tests := []struct {
		name string
		y    []float64
		k    int
	}{
		{"one fold", y, 1},
		{"class smaller than k", labels(20, 3), 5},
		{"no rows", nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ml.StratifiedKFold(tt.y, tt.k, 1)
			wantCode(t, err, model.EINVALID)
		})
	}
}

func TestGridSearchC(t *testing.T) {
	rows := loadPima(t)
	X, err := mustFit(t, pimaSpec(), rows).TransformDense(rows)
	if err != nil {
		t.Fatal(err)
	}
	y := pimaLabels(t, rows)
	ctx := context.Background()
	cs := []float64{1e-4, 0.01, 1}
	for _, metric := range []string{ml.MetricAccuracy, ml.MetricF1, ml.MetricROCAUC, ml.MetricAveragePrecision, ml.MetricNegLogLoss} {
		t.Run(metric, func(t *testing.T) {
			res, err := ml.GridSearchC(ctx, X, y, cs, 5, 1, metric, ml.FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Grid) != len(cs) {
				t.Fatalf("grid has %d entries, want %d", len(res.Grid), len(cs))
			}
			best := res.Grid[0]
			for _, g := range res.Grid {
				if len(g.Scores) != 5 {
					t.Errorf("C=%v has %d fold scores, want 5", g.C, len(g.Scores))
				}
				if g.Mean > best.Mean {
					best = g
				}
			}
			if res.BestC != best.C || res.BestScore != best.Mean {
				t.Errorf("best = C %v (%v), want C %v (%v)", res.BestC, res.BestScore, best.C, best.Mean)
			}
			// C=1e-4 all but removes the features: every metric prefers more signal.
			if res.BestC == 1e-4 {
				t.Errorf("the tiny C won on %s: %+v", metric, res.Grid)
			}
		})
	}
	bad := []struct {
		name   string
		cs     []float64
		metric string
		k      int
	}{
		{"empty grid", nil, ml.MetricROCAUC, 5},
		{"zero C", []float64{0}, ml.MetricROCAUC, 5},
		{"infinite C", []float64{math.Inf(1)}, ml.MetricROCAUC, 5},
		{"unknown metric", cs, "auc", 5},
		{"one fold", cs, ml.MetricROCAUC, 1},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ml.GridSearchC(ctx, X, y, tt.cs, tt.k, 1, tt.metric, ml.FitOptions{})
			wantCode(t, err, model.EINVALID)
		})
	}
}
