package ml_test

import (
	"context"
	"slices"
	"testing"

	"github.com/mms-platform/mms/ml"
)

// TestPlotPoints_Sklearn: the points the ROC and PR plots draw are scikit-learn's:
// roc_curve(drop_intermediate=True) (what RocCurveDisplay draws) and
// precision_recall_curve in increasing recall (PrecisionRecallDisplay's steps).
func TestPlotPoints_Sklearn(t *testing.T) {
	for _, m := range loadReference(t).Metrics {
		t.Run(m.Name, func(t *testing.T) {
			roc, err := ml.ROCCurve(m.YTrue, m.YScore)
			if err != nil {
				t.Fatal(err)
			}
			pts := ml.ROCPlotPoints(roc)
			var x, y []float64
			for _, p := range pts {
				x, y = append(x, p.X), append(y, p.Y)
			}
			checkSlice(t, "plotted FPR", x, m.ROCDrop.FPR, 1e-12)
			checkSlice(t, "plotted TPR", y, m.ROCDrop.TPR, 1e-12)
			pr, err := ml.PRCurve(m.YTrue, m.YScore)
			if err != nil {
				t.Fatal(err)
			}
			x, y = nil, nil
			for _, p := range ml.PRPlotPoints(pr) {
				x, y = append(x, p.X), append(y, p.Y)
			}
			slices.Reverse(x)
			slices.Reverse(y)
			checkSlice(t, "plotted recall", x, m.PR.Recall, 1e-12)
			checkSlice(t, "plotted precision", y, m.PR.Precision, 1e-12)
		})
	}
}

// TestPlotPoints_Ends: on a trained model, every plotted ROC curve (train and test)
// runs from (0, 0) to (1, 1) and keeps the area of the full curve, and every PR curve
// starts at (recall 0, precision 1) and ends at recall 1 (threshold = the lowest
// score), computed from first principles.
func TestPlotPoints_Ends(t *testing.T) {
	rows := loadPima(t)
	pre, err := ml.Fit(pimaSpec(), rows)
	if err != nil {
		t.Fatal(err)
	}
	X, err := pre.TransformDense(rows)
	if err != nil {
		t.Fatal(err)
	}
	y := pimaLabels(t, rows)
	res, err := ml.Train(context.Background(), X, y, ml.TrainSpec{TestFraction: 0.25, Seed: 42, Stratify: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := res.Model.PredictProba(X)
	if err != nil {
		t.Fatal(err)
	}
	for name, idx := range map[string][]int{"train": res.TrainIdx, "test": res.TestIdx} {
		ys, ps := ml.Take(y, idx), ml.Take(p, idx)
		roc, err := ml.ROCCurve(ys, ps)
		if err != nil {
			t.Fatal(err)
		}
		pts := ml.ROCPlotPoints(roc)
		if first, last := pts[0], pts[len(pts)-1]; first.X != 0 || first.Y != 0 || last.X != 1 || last.Y != 1 {
			t.Errorf("%s ROC plotted from (%v, %v) to (%v, %v), want (0, 0) to (1, 1)", name, first.X, first.Y, last.X, last.Y)
		}
		if d := roc.DropIntermediate().AUC() - roc.AUC(); d > 1e-12 || d < -1e-12 {
			t.Errorf("%s: dropping intermediate points changed the AUC by %v", name, d)
		}
		// First principles: the last point predicts every row positive.
		var pos float64
		for _, v := range ys {
			pos += v
		}
		pr, err := ml.PRCurve(ys, ps)
		if err != nil {
			t.Fatal(err)
		}
		pp := ml.PRPlotPoints(pr)
		if pp[0].X != 0 || pp[0].Y != 1 {
			t.Errorf("%s PR starts at (%v, %v), want (0, 1)", name, pp[0].X, pp[0].Y)
		}
		if last := pp[len(pp)-1]; last.X != 1 || last.Y != pos/float64(len(ys)) {
			t.Errorf("%s PR ends at (%v, %v), want (1, %v)", name, last.X, last.Y, pos/float64(len(ys)))
		}
		for i := 1; i < len(pp); i++ {
			if pp[i].X < pp[i-1].X {
				t.Fatalf("%s PR recall decreases at point %d", name, i)
			}
		}
	}
	if len(res.TrainIdx)+len(res.TestIdx) != len(y) {
		t.Errorf("train %d + test %d rows != %d", len(res.TrainIdx), len(res.TestIdx), len(y))
	}
}
