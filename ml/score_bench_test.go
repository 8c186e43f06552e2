package ml_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mms-platform/mms/ml"
)

const (
	scoreRows    = 1_000_000 // rows scored per BenchmarkScoreDense iteration
	scoreMapRows = 100_000   // rows per BenchmarkScoreRows iteration (maps are large)
	scoreCols    = 20
	scoreFitRows = 50_000 // rows the scored model is fitted on
)

// scoreData returns n rows of d features, x[j] ~ N(j, (1+j/4)^2) (so standardizing
// matters), and labels from a logistic model with coefficients in [-1, 1]. The
// generator is seeded: every run scores the same data.
func scoreData(n, d int, seed uint64) (*ml.Dense, []float64) {
	r := rand.New(rand.NewPCG(seed, 5))
	X := &ml.Dense{Rows: n, Cols: d, Data: make([]float64, n*d)}
	y := make([]float64, n)
	for i := range n {
		row := X.Row(i)
		z := 0.3
		for j := range row {
			s := 1 + float64(j)/4
			row[j] = float64(j) + s*r.NormFloat64()
			z += float64(j%5-2) / 2 * (row[j] - float64(j)) / s
		}
		if r.Float64() < 1/(1+math.Exp(-z)) {
			y[i] = 1
		}
	}
	return X, y
}

func scoreNames(d int) []string {
	names := make([]string, d)
	for j := range names {
		names[j] = "x" + strconv.Itoa(j)
	}
	return names
}

// scoreCheck fails b unless PredictProba agrees with the row-by-row
// Probability and the scores separate the classes (AUC well above 0.5).
func scoreCheck(b *testing.B, m *ml.Logistic, X *ml.Dense, y, p []float64) {
	b.Helper()
	n, _ := X.Dims()
	if len(p) != n {
		b.Fatalf("%d probabilities for %d rows", len(p), n)
	}
	for _, i := range []int{0, 1, n / 2, n - 1} {
		want, err := m.Probability(X.Row(i))
		if err != nil || want != p[i] || !(p[i] > 0 && p[i] < 1) {
			b.Fatalf("row %d: PredictProba %v, Probability %v (%v)", i, p[i], want, err)
		}
	}
	if y == nil {
		return
	}
	// The mean score of positives exceeds that of negatives by a wide margin.
	var s [2]float64
	var c [2]int
	for i, v := range y {
		s[int(v)] += p[i]
		c[int(v)]++
	}
	if gap := s[1]/float64(c[1]) - s[0]/float64(c[0]); gap < 0.2 {
		b.Fatalf("scores barely separate the classes: gap %v", gap)
	}
}

// BenchmarkScoreDense scores a 1,000,000 x 20 dense matrix with a fitted model
// (Logistic.PredictProba), the in-process batch scoring figure of issue 5. Metric:
// rows/s. Target: >= 5,000,000 rows/s on 2 cores.
func BenchmarkScoreDense(b *testing.B) {
	Xf, yf := scoreData(scoreFitRows, scoreCols, 1)
	m, err := ml.FitLogistic(context.Background(), Xf, yf, ml.FitOptions{Features: scoreNames(scoreCols)})
	if err != nil {
		b.Fatal(err)
	}
	X, y := scoreData(scoreRows, scoreCols, 2)
	p, err := m.PredictProba(X)
	if err != nil {
		b.Fatal(err)
	}
	scoreCheck(b, m, X, y, p)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err = m.PredictProba(X); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(scoreRows*n)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(scoreRows*n), "ns/row")
}

// scoreMaps turns X into feature maps keyed by name, as the service sees inputs
// (float64 values).
func scoreMaps(X *ml.Dense, names []string) []map[string]any {
	n, _ := X.Dims()
	rows := make([]map[string]any, n)
	for i := range rows {
		row := make(map[string]any, len(names))
		for j, v := range X.Row(i) {
			row[names[j]] = v
		}
		rows[i] = row
	}
	return rows
}

// scorePipeline fits a standardizing Preprocessor over 20 numeric features
// and a model on its output.
func scorePipeline(b *testing.B) (*ml.Preprocessor, *ml.Logistic, []string) {
	b.Helper()
	names := scoreNames(scoreCols)
	Xf, yf := scoreData(scoreFitRows, scoreCols, 1)
	spec := ml.Spec{}
	for _, name := range names {
		spec.Features = append(spec.Features, ml.FeatureSpec{Name: name, Type: ml.TypeNumeric})
	}
	pre, err := ml.Fit(spec, scoreMaps(Xf, names))
	if err != nil {
		b.Fatal(err)
	}
	if pre.NumColumns != scoreCols {
		b.Fatalf("preprocessor has %d columns", pre.NumColumns)
	}
	Zf, err := pre.TransformDense(scoreMaps(Xf, names))
	if err != nil {
		b.Fatal(err)
	}
	m, err := ml.FitLogistic(context.Background(), Zf, yf, ml.FitOptions{Features: pre.ColumnNames()})
	if err != nil {
		b.Fatal(err)
	}
	return pre, m, names
}

// BenchmarkScoreRows scores 100,000 rows given as feature maps
// (map[string]any, as predict and batchPredict receive them): the
// Preprocessor's TransformDense (standardization of 20 numeric features), then
// PredictProba. Metric: rows/s; the difference from BenchmarkScoreDense is the
// cost of preprocessing.
func BenchmarkScoreRows(b *testing.B) {
	pre, m, names := scorePipeline(b)
	X, y := scoreData(scoreMapRows, scoreCols, 2)
	rows := scoreMaps(X, names)
	Z, err := pre.TransformDense(rows)
	if err != nil {
		b.Fatal(err)
	}
	p, err := m.PredictProba(Z)
	if err != nil {
		b.Fatal(err)
	}
	scoreCheck(b, m, Z, y, p)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		Z, err := pre.TransformDense(rows)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.PredictProba(Z); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(scoreMapRows*n)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(scoreMapRows*n), "ns/row")
}

// BenchmarkScoreOne is the per-input path of the predict query
// (service.Predictor.Score): Preprocessor.Transform of one feature map (a new
// row slice each time), then Logistic.Probability. Reference only; rows/s.
func BenchmarkScoreOne(b *testing.B) {
	pre, m, names := scorePipeline(b)
	X, _ := scoreData(1024, scoreCols, 2)
	rows := scoreMaps(X, names)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		x, err := pre.Transform(rows[i%len(rows)])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Probability(x); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "rows/s")
}
