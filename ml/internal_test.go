package ml

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMurmur3_SklearnVectors(t *testing.T) {
	// Values of sklearn.utils.murmurhash3_32(s.encode(), seed, positive=True).
	tests := []struct {
		name string
		in   string
		seed uint32
		want uint32
	}{
		{"empty", "", 0, 0},
		{"empty seed 1", "", 1, 0x514e28b7},
		{"hello", "hello", 0, 0x248bfa47},
		{"pangram", "The quick brown fox jumps over the lazy dog", 0, 0x2e4ff723},
		{"chinese", "中文", 0, 0xdb267197},
		{"tail of 3 bytes, seed 1", "abc", 1, 0xaa75e9ff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := murmur3([]byte(tt.in), tt.seed); got != tt.want {
				t.Errorf("murmur3(%q, %d) = %#x, want %#x", tt.in, tt.seed, got, tt.want)
			}
		})
	}
}

func TestLossResid(t *testing.T) {
	tests := []struct {
		name            string
		z, y            float64
		wantLoss, wantR float64
		relTol          float64
	}{
		{"zero logit", 0, 1, math.Ln2, -0.5, 1e-15},
		{"confident right", 800, 1, 0, 0, 0},
		{"confident wrong", 800, 0, 800, 1, 1e-15},
		{"very negative, right", -800, 0, 0, 0, 0},
		{"very negative, wrong", -800, 1, 800, -1, 1e-15},
		{"tiny tail stays accurate", 40, 1, math.Exp(-40), -math.Exp(-40), 1e-12},
		{"moderate", -2, 1, math.Log1p(math.Exp(2)), 1/(1+math.Exp(2)) - 1, 1e-14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, r := lossResid(tt.z, tt.y)
			if math.IsNaN(l) || math.IsInf(l, 0) || math.IsNaN(r) {
				t.Fatalf("lossResid(%v, %v) = %v, %v: not finite", tt.z, tt.y, l, r)
			}
			if math.Abs(l-tt.wantLoss) > tt.relTol*math.Abs(tt.wantLoss) {
				t.Errorf("loss = %.17g, want %.17g", l, tt.wantLoss)
			}
			if math.Abs(r-tt.wantR) > tt.relTol*math.Abs(tt.wantR) {
				t.Errorf("residual = %.17g, want %.17g", r, tt.wantR)
			}
		})
	}
}

// randomProblem builds a problem over n x d standard normal rows with several blocks.
func randomProblem(t *testing.T, n, d int, opt FitOptions) *lrProblem {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 0))
	X := &Dense{Rows: n, Cols: d, Data: make([]float64, n*d)}
	for i := range X.Data {
		X.Data[i] = r.NormFloat64()
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(r.IntN(2))
	}
	p, err := newLRProblem(X, y, &opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	return p
}

func TestEval_GradientMatchesFiniteDifferences(t *testing.T) {
	tests := []struct {
		name string
		opt  FitOptions
	}{
		{"plain", FitOptions{C: 0.5}},
		{"balanced", FitOptions{C: 2, ClassWeight: ClassWeightBalanced}},
		{"sample weights", FitOptions{C: 1, SampleWeight: func() []float64 {
			w := make([]float64, 3000)
			for i := range w {
				w[i] = float64(i%3) + 0.5
			}
			return w
		}()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := randomProblem(t, 3000, 4, tt.opt)
			theta := []float64{0.3, -0.2, 0.1, 0.05, -0.4}
			p.eval(theta)
			grad := append([]float64(nil), p.cacheG...)
			for j := range theta {
				h := 1e-6
				tp := append([]float64(nil), theta...)
				tm := append([]float64(nil), theta...)
				tp[j] += h
				tm[j] -= h
				fd := (p.eval(tp) - p.eval(tm)) / (2 * h)
				if math.Abs(fd-grad[j]) > 1e-7 {
					t.Errorf("gradient[%d] = %.10g, finite difference %.10g", j, grad[j], fd)
				}
			}
		})
	}
}

func TestEval_NoAllocations(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run("workers="+string(rune('0'+workers)), func(t *testing.T) {
			p := randomProblem(t, 20000, 5, FitOptions{Workers: workers})
			if p.nBlocks < 2 {
				t.Fatalf("want several blocks, got %d", p.nBlocks)
			}
			theta := make([]float64, 6)
			allocs := testing.AllocsPerRun(20, func() {
				theta[0] += 1e-3 // defeat the cache: every run is a full evaluation
				p.eval(theta)
			})
			if allocs != 0 {
				t.Errorf("eval allocates %v times per call, want 0", allocs)
			}
		})
	}
}

func TestEval_IndependentOfWorkers(t *testing.T) {
	theta := []float64{0.1, -0.3, 0.2, 0.0, 0.7, -0.05}
	var f [3]float64
	var g [3][]float64
	for k, workers := range []int{1, 2, 3} {
		p := randomProblem(t, 50000, 5, FitOptions{Workers: workers})
		f[k] = p.eval(theta)
		g[k] = append([]float64(nil), p.cacheG...)
	}
	for k := 1; k < 3; k++ {
		if f[k] != f[0] {
			t.Errorf("objective with %d workers = %.17g, with 1 = %.17g", k+1, f[k], f[0])
		}
		for j := range g[0] {
			if g[k][j] != g[0][j] {
				t.Errorf("gradient[%d] with %d workers = %.17g, with 1 = %.17g", j, k+1, g[k][j], g[0][j])
			}
		}
	}
}

func TestPercentile_Numpy(t *testing.T) {
	// numpy.percentile([1, 2, 3, 4, 10], q) for q = 0, 10, 25, 50, 90, 100.
	s := []float64{1, 2, 3, 4, 10}
	tests := []struct {
		q, want float64
	}{{0, 1}, {10, 1.4}, {25, 2}, {50, 3}, {90, 7.6}, {100, 10}}
	for _, tt := range tests {
		if got := percentile(s, tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("percentile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}
