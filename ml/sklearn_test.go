package ml_test

import (
	"context"
	"math"
	"testing"

	"github.com/mms-platform/mms/ml"
)

// maxDiff returns the largest absolute difference between (b1, w1) and (b2, w2).
func maxDiff(b1 float64, w1 []float64, b2 float64, w2 []float64) float64 {
	d := math.Abs(b1 - b2)
	for j := range w1 {
		d = math.Max(d, math.Abs(w1[j]-w2[j]))
	}
	return d
}

// TestFitLogistic_SklearnPima fits the standardized Pima data as
// scripts/sklearn_reference.py does and compares the coefficients with scikit-learn's
// lbfgs (to 1e-4) and with the newton-cg optimum (to 1e-6: scikit-learn 1.2's lbfgs
// stops on scipy's ftol about 1e-5 short of it).
func TestFitLogistic_SklearnPima(t *testing.T) {
	ref := loadReference(t)
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
	if X.Rows != ref.Logistic.Rows {
		t.Fatalf("rows = %d, want %d", X.Rows, ref.Logistic.Rows)
	}
	for _, fit := range ref.Logistic.Fits {
		t.Run(fit.Name, func(t *testing.T) {
			m, err := ml.FitLogistic(context.Background(), X, y, ml.FitOptions{
				C: fit.C, ClassWeight: fit.ClassWeight, Tol: 1e-10, MaxIter: 10000, Features: pre.ColumnNames(),
			})
			if err != nil {
				t.Fatal(err)
			}
			if !m.Converged {
				t.Errorf("converged = false, status %s", m.Status)
			}
			if !closeTo(m.Intercept, fit.Intercept, 1e-4) {
				t.Errorf("intercept = %.10f, want sklearn lbfgs %.10f", m.Intercept, fit.Intercept)
			}
			checkSlice(t, "coef vs sklearn lbfgs", m.Coef, fit.Coef, 1e-4)
			if !closeTo(m.Intercept, fit.OptIntercept, 1e-6) {
				t.Errorf("intercept = %.10f, want optimum %.10f", m.Intercept, fit.OptIntercept)
			}
			checkSlice(t, "coef vs optimum", m.Coef, fit.OptCoef, 1e-6)
			t.Logf("%s: max |go - sklearn lbfgs| = %.2e, max |go - optimum| = %.2e, max |sklearn lbfgs - optimum| = %.2e; iterations %d (sklearn %d), status %s, gradMax %.1e (sklearn %.1e)",
				fit.Name, maxDiff(m.Intercept, m.Coef, fit.Intercept, fit.Coef), maxDiff(m.Intercept, m.Coef, fit.OptIntercept, fit.OptCoef),
				maxDiff(fit.Intercept, fit.Coef, fit.OptIntercept, fit.OptCoef), m.Iterations, fit.NIter, m.Status, m.GradMax, fit.GradMax)
		})
	}
}
