package ml_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/mms-platform/mms/ml"
)

// The synthetic benchmark data, reproduced exactly by scripts/sklearn_bench.py:
//
//	mix(k)  = SplitMix64 finalizer of k * 0x9E3779B97F4A7C15 (mod 2^64), i.e. the k-th
//	          output of SplitMix64 started at state 0
//	u(k)    = (mix(k) >> 11) * 2^-53                       uniform in [0, 1)
//	x[i][j] = (2*u(i*d + j + 1) - 1) * sqrt(3)              uniform, unit variance
//	beta[j] = ((j mod 5) - 2) / 2                           -1, -0.5, 0, 0.5, 1, ...
//	z[i]    = 0.25 + beta[0]*x[i][0] + ... + beta[d-1]*x[i][d-1]  (left to right,
//	          every product and sum rounded to float64)
//	y[i]    = 1 if u(n*d + i + 1) < 1/(1+exp(-z[i])) else 0
//
// Every step is exact or correctly rounded IEEE arithmetic, so Go and numpy produce
// identical bits (exp may differ in the last ulp, which flips a label only if u lands
// within 1e-16 of the probability).

const (
	benchRows = 1_000_000
	benchCols = 20
)

func splitmix(k uint64) uint64 {
	z := k * 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func unit(k uint64) float64 { return float64(splitmix(k)>>11) * 0x1p-53 }

// synthetic returns the n x d benchmark matrix and labels described above.
func synthetic(n, d int) (*ml.Dense, []float64) {
	X := &ml.Dense{Rows: n, Cols: d, Data: make([]float64, n*d)}
	y := make([]float64, n)
	beta := make([]float64, d)
	for j := range beta {
		beta[j] = float64(j%5-2) / 2
	}
	s3 := math.Sqrt(3)
	for i := 0; i < n; i++ {
		row := X.Row(i)
		z := 0.25
		for j := range row {
			row[j] = float64(2*unit(uint64(i*d+j+1))-1) * s3
			z = z + float64(beta[j]*row[j]) // float64() forbids fusing into an FMA
		}
		if unit(uint64(n*d+i+1)) < 1/(1+math.Exp(-z)) {
			y[i] = 1
		}
	}
	return X, y
}

func TestSynthetic_Formula(t *testing.T) {
	// Known SplitMix64 outputs from state 0 (the reference implementation's first values).
	tests := []struct {
		name string
		k    uint64
		want uint64
	}{
		{"first", 1, 0xe220a8397b1dcdaf},
		{"second", 2, 0x6e789e6aa1b965f4},
		{"third", 3, 0x06c45d188009454f},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitmix(tt.k); got != tt.want {
				t.Errorf("splitmix(%d) = %#x, want %#x", tt.k, got, tt.want)
			}
		})
	}
	t.Run("balanced labels", func(t *testing.T) {
		_, y := synthetic(10000, benchCols)
		var pos float64
		for _, v := range y {
			pos += v
		}
		if frac := pos / float64(len(y)); frac < 0.4 || frac > 0.6 {
			t.Errorf("positive fraction = %.3f, want about one half", frac)
		}
	})
}

// sklearnBench is what scripts/sklearn_bench.py writes for comparison.
type sklearnBench struct {
	Version         string    `json:"sklearn"`
	Rows            int       `json:"rows"`
	Cols            int       `json:"cols"`
	FirstRow        []float64 `json:"first_row"`
	LastRow         []float64 `json:"last_row"`
	YSum            float64   `json:"y_sum"`
	Seconds         float64   `json:"seconds"`
	NIter           int       `json:"n_iter"`
	Intercept       float64   `json:"intercept"`
	Coef            []float64 `json:"coef"`
	ScaledSeconds   float64   `json:"scaled_tol_seconds"`
	ScaledNIter     int       `json:"scaled_tol_n_iter"`
	ScaledIntercept float64   `json:"scaled_tol_intercept"`
	ScaledCoef      []float64 `json:"scaled_tol_coef"`
}

// BenchmarkFit1Mx20 fits the 1,000,000 x 20 synthetic data (C=1, the default tol,
// 1e-8 since the defaults were tightened: 11 iterations and 15 evaluations instead
// of 7 and 9 at tol=1e-4, so about 1.6 times the figures below). When
// MMS_SKLEARN_BENCH names the JSON file scripts/sklearn_bench.py wrote, it checks
// that the data are identical and logs the coefficient agreement and both timings
// (scripts/sklearn_bench.py --go runs both).
//
// On the 2-core AMD EPYC development machine, idle: about 0.24 s per fit (7 L-BFGS
// iterations, 9 evaluations; target 1.5 s), against 0.35 s for scikit-learn 1.2.1
// with the same stopping rule (tol=1e-4*n, 7 iterations, coefficients equal to 5e-15)
// and 0.52 s with its default tol=1e-4 on the unscaled objective (10 iterations).
func BenchmarkFit1Mx20(b *testing.B) {
	X, y := synthetic(benchRows, benchCols)
	ctx := context.Background()
	var m *ml.Logistic
	for b.Loop() {
		var err error
		m, err = ml.FitLogistic(ctx, X, y, ml.FitOptions{C: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(m.Iterations), "iters")
	b.ReportMetric(float64(m.Evaluations), "evals")
	path := os.Getenv("MMS_SKLEARN_BENCH")
	if path == "" {
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var sk sklearnBench
	if err := json.Unmarshal(raw, &sk); err != nil {
		b.Fatal(err)
	}
	var ys float64
	for _, v := range y {
		ys += v
	}
	if sk.Rows != benchRows || sk.Cols != benchCols || ys != sk.YSum ||
		!slices.Equal(X.Row(0), sk.FirstRow) || !slices.Equal(X.Row(benchRows-1), sk.LastRow) {
		b.Fatalf("data differ from sklearn's: %d positives vs %v, first row %v vs %v", int(ys), sk.YSum, X.Row(0), sk.FirstRow)
	}
	b.Logf("go: %d iterations, %d evaluations; max |coef diff| vs sklearn tol=1e-4: %.2e, vs sklearn tol=1e-4*n: %.2e",
		m.Iterations, m.Evaluations, maxDiff(m.Intercept, m.Coef, sk.Intercept, sk.Coef), maxDiff(m.Intercept, m.Coef, sk.ScaledIntercept, sk.ScaledCoef))
	b.Logf("sklearn %s lbfgs: tol=1e-4 %.3f s per fit (%d iterations); tol=1e-4*n %.3f s per fit (%d iterations)",
		sk.Version, sk.Seconds, sk.NIter, sk.ScaledSeconds, sk.ScaledNIter)
}

// BenchmarkPreprocessPima measures preprocessing throughput on Pima rows (the 768 rows
// repeated to 76,800): fitting the standardization, and transforming rows to a dense
// matrix. Both report rows/s; on the development machine about 3 million rows/s for
// the fit and 7 million for the transform (target 500,000).
func BenchmarkPreprocessPima(b *testing.B) {
	base := loadPima(b)
	rows := make([]map[string]any, 0, 100*len(base))
	for range 100 {
		rows = append(rows, base...)
	}
	spec := pimaSpec()
	b.Run("fit", func(b *testing.B) {
		n := 0
		for b.Loop() {
			if _, err := ml.Fit(spec, rows); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.ReportMetric(float64(len(rows)*n)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("transform", func(b *testing.B) {
		pre, err := ml.Fit(spec, rows)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for b.Loop() {
			if _, err := pre.TransformDense(rows); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.ReportMetric(float64(len(rows)*n)/b.Elapsed().Seconds(), "rows/s")
	})
}
