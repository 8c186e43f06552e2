package ml_test

import (
	"math"
	"testing"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

const metricTol = 1e-9

// TestMetrics_Sklearn compares every metric with scikit-learn on the fixtures of
// testdata/ml/sklearn_reference.json.
func TestMetrics_Sklearn(t *testing.T) {
	ref := loadReference(t)
	for _, fx := range ref.Metrics {
		t.Run(fx.Name, func(t *testing.T) {
			y, p := fx.YTrue, fx.YScore
			m, err := ml.Evaluate(y, p, fx.Threshold)
			if err != nil {
				t.Fatal(err)
			}
			scalars := []struct {
				name      string
				got, want float64
			}{
				{"accuracy", m.Accuracy, fx.Accuracy},
				{"precision", m.Precision, fx.Precision},
				{"recall", m.Recall, fx.Recall},
				{"f1", m.F1, fx.F1},
				{"log_loss", m.LogLoss, fx.LogLoss},
				{"brier_score_loss", m.Brier, fx.Brier},
				{"roc_auc", m.ROCAUC, fx.ROCAUC},
				{"average_precision", m.AveragePrecision, fx.AveragePrecision},
			}
			for _, s := range scalars {
				if !closeTo(s.got, s.want, metricTol) {
					t.Errorf("%s = %.15g, sklearn %.15g", s.name, s.got, s.want)
				}
			}
			c := m.Confusion
			if got := [2][2]int{{c.TN, c.FP}, {c.FN, c.TP}}; got != fx.Confusion {
				t.Errorf("confusion = %v, sklearn %v", got, fx.Confusion)
			}

			roc, err := ml.ROCCurve(y, p)
			if err != nil {
				t.Fatal(err)
			}
			checkSlice(t, "roc fpr", roc.FPR, fx.ROC.FPR, metricTol)
			checkSlice(t, "roc tpr", roc.TPR, fx.ROC.TPR, metricTol)
			if len(roc.Thresholds) != len(fx.ROC.Thresholds) {
				t.Fatalf("roc thresholds: %d, sklearn %d", len(roc.Thresholds), len(fx.ROC.Thresholds))
			}
			for k, want := range fx.ROC.Thresholds {
				if want == nil { // +inf in scikit-learn >= 1.3: ours is max+1, above every score
					continue
				}
				if !closeTo(roc.Thresholds[k], *want, metricTol) {
					t.Errorf("roc threshold[%d] = %v, sklearn %v", k, roc.Thresholds[k], *want)
				}
			}

			pr, err := ml.PRCurve(y, p)
			if err != nil {
				t.Fatal(err)
			}
			checkSlice(t, "pr precision", pr.Precision, fx.PR.Precision, metricTol)
			checkSlice(t, "pr recall", pr.Recall, fx.PR.Recall, metricTol)
			checkSlice(t, "pr thresholds", pr.Thresholds, fx.PR.Thresholds, metricTol)

			bins, err := ml.Calibration(y, p, 5)
			if err != nil {
				t.Fatal(err)
			}
			var frac, mp []float64
			for _, b := range bins {
				frac = append(frac, b.FractionPositive)
				mp = append(mp, b.MeanPredicted)
			}
			checkSlice(t, "calibration fraction positive", frac, fx.Calibration.ProbTrue, metricTol)
			checkSlice(t, "calibration mean predicted", mp, fx.Calibration.ProbPred, metricTol)
		})
	}
}

func TestMetrics_BadInput(t *testing.T) {
	tests := []struct {
		name string
		y, p []float64
	}{
		{"no rows", nil, nil},
		{"length mismatch", []float64{0, 1}, []float64{0.5}},
		{"label 2", []float64{0, 2}, []float64{0.5, 0.5}},
		{"NaN score", []float64{0, 1}, []float64{math.NaN(), 0.5}},
		{"probability above 1", []float64{0, 1}, []float64{0.5, 1.5}},
		{"single class", []float64{1, 1}, []float64{0.2, 0.7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ml.Evaluate(tt.y, tt.p, 0.5)
			wantCode(t, err, model.EINVALID)
		})
	}
	t.Run("no positive row for the PR curve", func(t *testing.T) {
		_, err := ml.AveragePrecision([]float64{0, 0}, []float64{0.1, 0.9})
		wantCode(t, err, model.EINVALID)
	})
	t.Run("no bins", func(t *testing.T) {
		_, err := ml.Calibration([]float64{0, 1}, []float64{0.1, 0.9}, 0)
		wantCode(t, err, model.EINVALID)
	})
	t.Run("scores beyond [0, 1] are fine for ranking", func(t *testing.T) {
		auc, err := ml.ROCAUC([]float64{0, 1, 0, 1}, []float64{-3, 2, 0.5, 7})
		if err != nil || auc != 1 {
			t.Errorf("ROCAUC = %v, %v; want 1", auc, err)
		}
	})
}

func TestChooseThreshold(t *testing.T) {
	//            rows: 0    1    2    3    4    5    6    7
	y := []float64{0, 0, 1, 0, 1, 1, 0, 1}
	p := []float64{0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9}
	tests := []struct {
		method string
		want   float64
	}{
		// At 0.3 everything from row 2 up is positive: TP 4, FP 2, F1 = 8/10, the best.
		{ml.ThresholdF1, 0.3},
		// Youden's J: at 0.6, TPR 3/4 - FPR 1/4 = 0.5; at 0.3, 1 - 2/4 = 0.5 too; the
		// higher threshold wins the tie.
		{ml.ThresholdYouden, 0.6},
		{ml.ThresholdFixed, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			got, err := ml.ChooseThreshold(y, p, tt.method)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ChooseThreshold(%s) = %v, want %v", tt.method, got, tt.want)
			}
		})
	}
	t.Run("unknown method", func(t *testing.T) {
		_, err := ml.ChooseThreshold(y, p, "median")
		wantCode(t, err, model.EINVALID)
	})
}

func TestCalibration_BinEdges(t *testing.T) {
	// As numpy.searchsorted(edges[1:-1], p) (side left): a probability on an inner
	// edge belongs to the lower bin.
	y := []float64{0, 1, 1, 0}
	p := []float64{0, 0.5, 0.50000001, 1}
	bins, err := ml.Calibration(y, p, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(bins) != 2 || bins[0].Count != 2 || bins[1].Count != 2 {
		t.Fatalf("bins = %+v, want 2 rows in each", bins)
	}
	if bins[0].Lo != 0 || bins[0].Hi != 0.5 || bins[0].FractionPositive != 0.5 || bins[0].MeanPredicted != 0.25 {
		t.Errorf("first bin = %+v", bins[0])
	}
}
