package ml_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// pimaMatrix returns the standardized Pima matrix, its labels and column names.
func pimaMatrix(t *testing.T) (*ml.Dense, []float64, []string) {
	t.Helper()
	rows := loadPima(t)
	p := mustFit(t, pimaSpec(), rows)
	X, err := p.TransformDense(rows)
	if err != nil {
		t.Fatal(err)
	}
	return X, pimaLabels(t, rows), p.ColumnNames()
}

// toSparse converts a dense matrix to CSR.
func toSparse(d *ml.Dense) *ml.Sparse {
	s := &ml.Sparse{Rows: d.Rows, Cols: d.Cols, Indptr: []int{0}}
	for i := 0; i < d.Rows; i++ {
		for j, v := range d.Row(i) {
			if v != 0 {
				s.Indices = append(s.Indices, int32(j))
				s.Values = append(s.Values, v)
			}
		}
		s.Indptr = append(s.Indptr, len(s.Indices))
	}
	return s
}

// plainMatrix hides the concrete type, so FitLogistic takes its generic path.
type plainMatrix struct{ ml.Matrix }

func TestFitLogistic_BadInput(t *testing.T) {
	X := &ml.Dense{Rows: 4, Cols: 2, Data: []float64{0, 1, 1, 0, 2, 2, 3, 1}}
	y := []float64{0, 1, 0, 1}
	tests := []struct {
		name string
		X    ml.Matrix
		y    []float64
		opt  ml.FitOptions
	}{
		{"nil matrix", nil, y, ml.FitOptions{}},
		{"no rows", &ml.Dense{Cols: 2}, nil, ml.FitOptions{}},
		{"inconsistent dense", &ml.Dense{Rows: 4, Cols: 2, Data: make([]float64, 7)}, y, ml.FitOptions{}},
		{"inconsistent sparse", &ml.Sparse{Rows: 2, Cols: 2, Indptr: []int{0, 1}}, y[:2], ml.FitOptions{}},
		{"sparse column out of range", &ml.Sparse{Rows: 2, Cols: 2, Indptr: []int{0, 1, 1}, Indices: []int32{5}, Values: []float64{1}}, y[:2], ml.FitOptions{}},
		{"NaN in X", &ml.Dense{Rows: 2, Cols: 1, Data: []float64{math.NaN(), 1}}, y[:2], ml.FitOptions{}},
		{"label count", X, y[:3], ml.FitOptions{}},
		{"label not 0/1", X, []float64{0, 1, 2, 1}, ml.FitOptions{}},
		{"single class", X, []float64{1, 1, 1, 1}, ml.FitOptions{}},
		{"negative C", X, y, ml.FitOptions{C: -1}},
		{"NaN C", X, y, ml.FitOptions{C: math.NaN()}},
		{"infinite C", X, y, ml.FitOptions{C: math.Inf(1)}},
		{"negative tol", X, y, ml.FitOptions{Tol: -1e-4}},
		{"negative max iter", X, y, ml.FitOptions{MaxIter: -5}},
		{"unknown class weight", X, y, ml.FitOptions{ClassWeight: "auto"}},
		{"feature names", X, y, ml.FitOptions{Features: []string{"a"}}},
		{"sample weight count", X, y, ml.FitOptions{SampleWeight: []float64{1, 1}}},
		{"negative sample weight", X, y, ml.FitOptions{SampleWeight: []float64{1, -1, 1, 1}}},
		{"zero sample weights", X, y, ml.FitOptions{SampleWeight: []float64{0, 0, 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ml.FitLogistic(context.Background(), tt.X, tt.y, tt.opt)
			wantCode(t, err, model.EINVALID)
			if m != nil {
				t.Error("a model came back with the error")
			}
		})
	}
}

func TestFitLogistic_MatrixKindsAgree(t *testing.T) {
	X, y, names := pimaMatrix(t)
	opt := ml.FitOptions{C: 0.5, Tol: 1e-8, Features: names}
	want, err := ml.FitLogistic(context.Background(), X, y, opt)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		X    ml.Matrix
	}{
		{"sparse", toSparse(X)},
		{"generic", plainMatrix{X}},
		{"row view", ml.SelectRows(plainMatrix{X}, func() []int {
			idx := make([]int, X.Rows)
			for i := range idx {
				idx[i] = i
			}
			return idx
		}())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ml.FitLogistic(context.Background(), tt.X, y, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !closeTo(got.Intercept, want.Intercept, 1e-9) {
				t.Errorf("intercept = %v, dense %v", got.Intercept, want.Intercept)
			}
			checkSlice(t, "coef", got.Coef, want.Coef, 1e-9)
		})
	}
}

// TestFitLogistic_DenseRowsAsCopy: a fit on a view of some rows (ViewRows, no
// copy; also a view of a view) is bit for bit the fit on a copy of those rows
// (SelectRows), and so are its predictions.
func TestFitLogistic_DenseRowsAsCopy(t *testing.T) {
	X, y, names := pimaMatrix(t)
	var idx, half []int
	for i := range X.Rows {
		if i%4 != 1 {
			idx = append(idx, i)
		}
	}
	for k := range idx {
		if k%2 == 0 {
			half = append(half, k)
		}
	}
	opt := ml.FitOptions{Features: names, Workers: 3}
	ctx := context.Background()
	sub := ml.Take(y, idx)
	for _, tt := range []struct {
		name       string
		view, copy ml.Matrix
		y          []float64
	}{
		{"view", ml.ViewRows(X, idx), ml.SelectRows(X, idx), sub},
		{"view of a view", ml.ViewRows(ml.ViewRows(X, idx), half), ml.SelectRows(ml.SelectRows(X, idx), half), ml.Take(sub, half)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.view.(*ml.DenseRows); !ok {
				t.Fatalf("ViewRows of a dense matrix is a %T", tt.view)
			}
			a, err := ml.FitLogistic(ctx, tt.view, tt.y, opt)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ml.FitLogistic(ctx, tt.copy, tt.y, opt)
			if err != nil {
				t.Fatal(err)
			}
			if a.Intercept != b.Intercept || !slices.Equal(a.Coef, b.Coef) || a.Iterations != b.Iterations {
				t.Fatalf("view: %v %v (%d iterations); copy: %v %v (%d)", a.Intercept, a.Coef, a.Iterations, b.Intercept, b.Coef, b.Iterations)
			}
			pa, _ := a.PredictProba(tt.view)
			pb, _ := b.PredictProba(tt.copy)
			if !slices.Equal(pa, pb) {
				t.Fatal("predictions differ")
			}
		})
	}
}

func TestFitLogistic_SampleWeightsAsDuplicates(t *testing.T) {
	X, y, _ := pimaMatrix(t)
	// Weight 2 on every third row equals listing those rows twice.
	w := make([]float64, X.Rows)
	var dupIdx []int
	for i := range w {
		w[i] = 1
		dupIdx = append(dupIdx, i)
		if i%3 == 0 {
			w[i] = 2
			dupIdx = append(dupIdx, i)
		}
	}
	ctx := context.Background()
	// The objective is divided by the weight sum, which is the duplicated row count.
	a, err := ml.FitLogistic(ctx, X, y, ml.FitOptions{SampleWeight: w, Tol: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ml.FitLogistic(ctx, ml.SelectRows(X, dupIdx), ml.Take(y, dupIdx), ml.FitOptions{Tol: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	if !closeTo(a.Intercept, b.Intercept, 1e-6) {
		t.Errorf("intercept = %v with weights, %v with duplicates", a.Intercept, b.Intercept)
	}
	checkSlice(t, "coef", a.Coef, b.Coef, 1e-6)
}

func TestFitLogistic_MaxIter(t *testing.T) {
	X, y, _ := pimaMatrix(t)
	m, err := ml.FitLogistic(context.Background(), X, y, ml.FitOptions{MaxIter: 2, Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	if m.Converged || m.Iterations != 2 || m.Status != "IterationLimit" {
		t.Errorf("converged %v after %d iterations (%s), want not converged after 2 (IterationLimit)", m.Converged, m.Iterations, m.Status)
	}
}

func TestFitLogistic_Progress(t *testing.T) {
	X, y, _ := pimaMatrix(t)
	var iters []int
	var losses []float64
	m, err := ml.FitLogistic(context.Background(), X, y, ml.FitOptions{Tol: 1e-8, Progress: func(it int, loss float64) {
		iters = append(iters, it)
		losses = append(losses, loss)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(iters) == 0 || iters[0] != 0 || iters[len(iters)-1] != m.Iterations {
		t.Fatalf("progress iterations %v, want 0 to %d", iters, m.Iterations)
	}
	if !closeTo(losses[0], math.Ln2, 1e-12) {
		t.Errorf("loss at the start = %v, want log 2 (all coefficients zero)", losses[0])
	}
	for k := 1; k < len(iters); k++ {
		if iters[k] != iters[k-1]+1 {
			t.Errorf("iterations %v are not consecutive", iters)
		}
		if losses[k] > losses[k-1] {
			t.Errorf("loss rose from %v to %v at iteration %d", losses[k-1], losses[k], iters[k])
		}
	}
	if !closeTo(losses[len(losses)-1], m.Loss, 1e-12) {
		t.Errorf("last reported loss %v, model loss %v", losses[len(losses)-1], m.Loss)
	}
}

func TestFitLogistic_Cancel(t *testing.T) {
	X, y, _ := pimaMatrix(t)
	t.Run("before the start", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := ml.FitLogistic(ctx, X, y, ml.FitOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("during the fit", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		calls := 0
		_, err := ml.FitLogistic(ctx, X, y, ml.FitOptions{Tol: 1e-12, Progress: func(it int, _ float64) {
			calls++
			if it == 2 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if calls > 4 { // iterations 0, 1, 2, and at most the one in flight
			t.Errorf("fit went on for %d iterations after the cancellation", calls-3)
		}
	})
}

func TestModel_PredictAndJSON(t *testing.T) {
	X, y, names := pimaMatrix(t)
	m, err := ml.FitLogistic(context.Background(), X, y, ml.FitOptions{Features: names})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back ml.Logistic
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &back); diff != "" {
		t.Errorf("JSON round trip (-fitted +decoded):\n%s", diff)
	}
	if err := back.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	p, err := back.PredictProba(X)
	if err != nil {
		t.Fatal(err)
	}
	row0, err := back.Probability(X.Row(0))
	if err != nil || row0 != p[0] {
		t.Errorf("Probability(row 0) = %v, %v; PredictProba gave %v", row0, err, p[0])
	}
	sp, err := back.ProbabilitySparse(toSparse(X).Row(0))
	if err != nil || !closeTo(sp, p[0], 1e-15) {
		t.Errorf("ProbabilitySparse(row 0) = %v, %v; want %v", sp, err, p[0])
	}
	var sc ml.Scorer = &back
	contrib, err := sc.Explain(nil, X.Row(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(contrib) != len(names)+1 || contrib[0].Feature != ml.ExplainBaseline || contrib[0].Value != back.Intercept || contrib[1].Feature != names[0] {
		t.Fatalf("Explain = %v..., want the intercept then one entry per column", contrib[:min(len(contrib), 2)])
	}
	z := 0.0
	for _, c := range contrib {
		z += c.Value
	}
	if !closeTo(1/(1+math.Exp(-z)), p[0], 1e-12) {
		t.Errorf("contributions do not add up to the prediction")
	}
	if sc.Algorithm() != model.AlgorithmLogisticRegression {
		t.Errorf("Algorithm() = %q", sc.Algorithm())
	}
	met, err := ml.Evaluate(y, p, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if met.Accuracy < 0.75 || met.ROCAUC < 0.8 {
		t.Errorf("train metrics too weak for Pima: %+v", met)
	}

	bad := []struct {
		name string
		call func() error
	}{
		{"short row", func() error { _, err := back.Probability([]float64{1}); return err }},
		{"short row explained", func() error { _, err := back.Explain(nil, []float64{1}); return err }},
		{"sparse index out of range", func() error {
			_, err := back.ProbabilitySparse(ml.SparseRow{Indices: []int32{99}, Values: []float64{1}})
			return err
		}},
		{"wrong width matrix", func() error {
			_, err := back.PredictProba(&ml.Dense{Rows: 1, Cols: 3, Data: make([]float64, 3)})
			return err
		}},
		{"invalid model", func() error { return (&ml.Logistic{Coef: []float64{math.NaN()}, Features: []string{"a"}}).Validate() }},
		{"names and coefficients differ", func() error { return (&ml.Logistic{Coef: []float64{1}}).Validate() }},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), model.EINVALID) })
	}
}

func TestFitLogistic_Text(t *testing.T) {
	// A tiny sentiment set in Chinese and English: hashed character n-grams must
	// separate it.
	pos := []string{"这个产品非常好", "质量很好，非常满意", "very good, I love it", "好用，推荐", "great quality, love it", "非常满意的购物"}
	neg := []string{"质量很差，不推荐", "非常失望", "bad quality, I hate it", "太差了，退货", "terrible, do not buy", "很失望的购物"}
	var rows []map[string]any
	var labelVals []any
	for i := range pos {
		rows = append(rows, map[string]any{"text": pos[i]}, map[string]any{"text": neg[i]})
		labelVals = append(labelVals, "pos", "neg")
	}
	y, lab, err := ml.EncodeLabels(labelVals, "pos")
	if err != nil {
		t.Fatal(err)
	}
	pre := mustFit(t, ml.Spec{Features: []ml.FeatureSpec{{Name: "text", Type: ml.TypeText,
		Text: &ml.TextSpec{WordNgrams: [2]int{1, 1}, CharNgrams: [2]int{1, 2}, Buckets: 1 << 12}}}}, rows)
	X, err := pre.TransformRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := X.(*ml.Sparse); !ok {
		t.Fatalf("text matrix is %T, want *ml.Sparse", X)
	}
	m, err := ml.FitLogistic(context.Background(), X, y, ml.FitOptions{C: 10})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		pos  bool
	}{
		{"非常好", true}, {"很差", false}, {"love it", true}, {"hate it", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r, err := pre.TransformSparse(map[string]any{"text": tt.text})
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.ProbabilitySparse(r)
			if err != nil {
				t.Fatal(err)
			}
			if (p >= 0.5) != tt.pos {
				t.Errorf("P(%s | %q) = %.3f, want the %v side", lab.Positive, tt.text, p, tt.pos)
			}
		})
	}
}
