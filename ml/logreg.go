package ml

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/optimize"

	"github.com/mms-platform/mms/model"
)

// Class weighting schemes of FitOptions.ClassWeight.
const (
	ClassWeightNone     = "none"
	ClassWeightBalanced = "balanced"
)

// Fit defaults. C is scikit-learn's LogisticRegression default. Tol and MaxIter are
// stricter than scikit-learn's (tol 1e-4, max_iter 100): its stopping rule, the
// largest gradient component of the objective at most tol, leaves the coefficients
// up to 1e-2 (relative) from the optimum on ill-conditioned data (correlated or
// one-hot columns, near-separable classes; see TestFitLogistic_ToleranceTable). At
// 1e-8 the fits in the tests land within 1e-4 of the optimum relative to the largest
// coefficient, in a few dozen to a few hundred iterations (milliseconds on 1,000
// rows), hence a MaxIter of 1000.
const (
	DefaultC       = 1.0
	DefaultMaxIter = 1000
	DefaultTol     = 1e-8
)

// ftol is the relative function-decrease criterion scikit-learn (>= 1.4) passes to
// scipy's L-BFGS-B: stop when (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= ftol.
const ftol = 64 * eps

// stalledGradMax is the largest gradient component with which a fit whose line search
// stalled still counts as converged.
const stalledGradMax = 1e-6

// FitOptions configures FitLogistic. Zero values select the defaults.
type FitOptions struct {
	// C is the inverse L2 regularization strength, with scikit-learn's meaning
	// (default 1); it must be positive and finite.
	C float64
	// ClassWeight is none (default) or balanced: class c's rows weigh
	// n_samples / (2 * count_c), as scikit-learn's compute_class_weight.
	ClassWeight string
	// SampleWeight optionally weighs each row (non-negative, finite, not all zero);
	// class weights multiply it.
	SampleWeight []float64
	// MaxIter bounds the L-BFGS iterations (default DefaultMaxIter, 1000). Reaching
	// it is not an error: the model reports Converged false, as scikit-learn warns.
	MaxIter int
	// Tol stops the fit when the largest absolute component of the gradient of the
	// scaled objective (see FitLogistic) falls below it (default DefaultTol, 1e-8),
	// the rule of scikit-learn, which passes tol as gtol to scipy's L-BFGS-B (where
	// its default is 1e-4).
	Tol float64
	// Features names the columns; nil names them x0, x1, ...
	Features []string
	// Progress, if set, is called with iteration 0 and the objective at the start,
	// then after every L-BFGS iteration with its number and the objective value.
	Progress func(iter int, loss float64)
	// Workers is the number of goroutines evaluating the gradient (default
	// GOMAXPROCS). The result does not depend on it.
	Workers int
}

// Logistic is a fitted binary logistic regression: P(y=1 | x) = 1/(1+exp(-(Intercept +
// Coef·x))). It is plain JSON.
type Logistic struct {
	Intercept float64   `json:"intercept"`
	Coef      []float64 `json:"coef"`
	Features  []string  `json:"features"`
	// C and ClassWeight are the fit options used; ClassWeights are the weights of
	// class 0 and class 1.
	C            float64    `json:"c"`
	ClassWeight  string     `json:"classWeight"`
	ClassWeights [2]float64 `json:"classWeights"`
	// Iterations counts the L-BFGS iterations (as scikit-learn's n_iter_),
	// Evaluations the objective-and-gradient evaluations.
	Iterations  int `json:"iterations"`
	Evaluations int `json:"evaluations"`
	// Converged is false when MaxIter stopped the fit first; Status says what
	// stopped it (GradientThreshold, FunctionConvergence, IterationLimit, or a line
	// search failure at the limit of floating-point precision).
	Converged bool   `json:"converged"`
	Status    string `json:"status"`
	// Loss is the final scaled objective; GradMax the largest absolute component of
	// its gradient.
	Loss    float64 `json:"loss"`
	GradMax float64 `json:"gradMax"`
}

// FitLogistic fits an L2-regularized binary logistic regression with an unpenalized
// intercept by minimizing, with gonum's L-BFGS,
//
//	f(w, b) = (1/S) * sum_i sw_i * logloss(y_i, b + w·x_i) + ||w||^2 / (2*C*S)
//
// where sw_i is the sample weight times the class weight and S is the sum of the
// sample weights (n without them). This is scikit-learn's (>= 1.4) scaled form of
// 0.5*||w||^2 + C*sum_i sw_i*logloss_i; both have the same minimizer, so the
// coefficients match LogisticRegression(solver="lbfgs") up to the tolerance. (In
// scikit-learn < 1.4 the objective is not divided by S, so a given tol is S times
// stricter there.) The fit stops when the largest gradient component falls below Tol,
// when an iteration lowers f by less than 64 machine epsilons relative to max(|f|, 1)
// (scipy's ftol as scikit-learn >= 1.4 sets it), or after MaxIter iterations. y holds
// 0 or 1 per row of X. The objective and gradient are evaluated together in row blocks
// on Workers goroutines, without allocating.
//
// It returns EINVALID for an empty or inconsistent X, a non-finite value in X, y of
// the wrong length or with a value other than 0 and 1, a single class, or bad
// options; and the context's error, wrapped, when ctx is cancelled.
func FitLogistic(ctx context.Context, X Matrix, y []float64, opt FitOptions) (*Logistic, error) {
	p, err := newLRProblem(X, y, &opt)
	if err != nil {
		return nil, err
	}
	defer p.stop()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fit logistic regression: %w", err)
	}

	dim := p.d + 1
	prob := optimize.Problem{
		Func: func(x []float64) float64 { return p.eval(x) },
		Grad: func(grad, x []float64) {
			p.eval(x)
			copy(grad, p.cacheG)
		},
		Status: func() (optimize.Status, error) {
			if err := ctx.Err(); err != nil {
				return optimize.Failure, err
			}
			return optimize.NotTerminated, nil
		},
	}
	rec := &progressRecorder{fn: opt.Progress, last: -1}
	settings := &optimize.Settings{
		GradientThreshold: opt.Tol,
		MajorIterations:   opt.MaxIter + 1, // gonum counts the starting point as one
		Converger:         &relConverger{ftol: ftol},
	}
	if opt.Progress != nil {
		settings.Recorder = rec
	}
	method := &optimize.LBFGS{
		Store:        10, // scipy's maxcor
		Linesearcher: &optimize.MoreThuente{DecreaseFactor: 1e-4, CurvatureFactor: 0.9},
	}
	res, err := optimize.Minimize(prob, make([]float64, dim), settings, method)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fit logistic regression: %w", err)
	}
	if res == nil {
		return nil, fmt.Errorf("fit logistic regression: %w", err)
	}
	x := res.Location.X
	f := p.eval(x) // the optimum's value and gradient, whatever stopped the search
	m := &Logistic{
		Intercept:    x[p.d],
		Coef:         append([]float64(nil), x[:p.d]...),
		Features:     append([]string(nil), opt.Features...),
		C:            opt.C,
		ClassWeight:  opt.ClassWeight,
		ClassWeights: p.cw,
		Iterations:   max(res.Stats.MajorIterations-1, 0),
		Evaluations:  p.evals,
		Status:       res.Status.String(),
		Loss:         f,
		GradMax:      maxAbs(p.cacheG),
	}
	switch {
	case err != nil && (errors.Is(err, optimize.ErrLinesearcherFailure) || errors.Is(err, optimize.ErrNoProgress)):
		// The line search can make no further progress, which happens when rounding
		// errors swamp the decrease of f near the optimum (scipy reports
		// ABNORMAL_TERMINATION_IN_LNSRCH). Count it as converged when the gradient
		// is small anyway.
		m.Status = "LinesearchStalled"
		m.Converged = m.GradMax <= math.Max(opt.Tol, stalledGradMax)
	case err != nil:
		return nil, fmt.Errorf("fit logistic regression: %w", err)
	default:
		switch res.Status {
		case optimize.GradientThreshold, optimize.FunctionConvergence, optimize.MethodConverge:
			m.Converged = true
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("fit logistic regression: objective is %v", f)
	}
	if opt.Progress != nil && rec.last < m.Iterations {
		opt.Progress(m.Iterations, f)
	}
	return m, nil
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// progressRecorder forwards major iterations to FitOptions.Progress.
type progressRecorder struct {
	fn   func(int, float64)
	last int // last iteration reported; -1 before the start
}

func (r *progressRecorder) Init() error { return nil }

func (r *progressRecorder) Record(loc *optimize.Location, op optimize.Operation, st *optimize.Stats) error {
	if op == optimize.MajorIteration && r.fn != nil {
		r.last = st.MajorIterations - 1 // gonum's first major iteration is the start
		r.fn(r.last, loc.F)
	}
	return nil
}

// relConverger is scipy L-BFGS-B's ftol test on the relative decrease of f.
type relConverger struct {
	ftol float64
	prev float64
}

func (c *relConverger) Init(int) { c.prev = math.NaN() }

func (c *relConverger) Converged(loc *optimize.Location) optimize.Status {
	f := loc.F
	if !math.IsNaN(c.prev) && c.prev-f <= c.ftol*math.Max(math.Max(math.Abs(c.prev), math.Abs(f)), 1) {
		return optimize.FunctionConvergence
	}
	c.prev = f
	return optimize.NotTerminated
}

// lrProblem evaluates the objective and its gradient. All buffers are allocated once;
// an evaluation hands row blocks to persistent workers and sums the per-block
// partial results in block order, so the result is independent of the worker count.
type lrProblem struct {
	X      Matrix
	dense  *Dense
	rows   []int // with dense: the view's rows of dense (nil: all, in order)
	sparse *Sparse
	y      []uint8
	sw     []float64 // per-row weight including the class weight; nil: cw[y]
	cw     [2]float64
	n, d   int
	invS   float64 // 1/S
	alphaS float64 // 1/(C*S)

	blockRows, nBlocks int
	partLoss           []float64
	partGrad           []float64 // nBlocks * (d+1)

	theta   []float64 // parameters being evaluated (set by eval before workers start)
	next    atomic.Int64
	start   chan struct{}
	wg      sync.WaitGroup
	workers int
	scratch []blockScratch // one per worker

	cacheX []float64
	cacheG []float64
	cacheF float64
	cached bool
	evals  int
}

// blockScratch is a worker's private memory: the gradient accumulator of the block
// (d+1 values) and its logits/residuals (blockRows values). Separate allocations keep
// workers from writing to the same cache lines.
type blockScratch struct {
	acc []float64
	z   []float64
}

func newLRProblem(X Matrix, y []float64, opt *FitOptions) (*lrProblem, error) {
	if X == nil {
		return nil, invalidf("no design matrix")
	}
	if err := checkMatrix(X); err != nil {
		return nil, err
	}
	n, d := X.Dims()
	if n == 0 {
		return nil, invalidf("no rows to fit on")
	}
	if len(y) != n {
		return nil, invalidf("%d labels for %d rows", len(y), n)
	}
	switch {
	case opt.C == 0:
		opt.C = DefaultC
	case !(opt.C > 0) || math.IsInf(opt.C, 1):
		return nil, invalidf("C must be positive and finite, got %v", opt.C)
	}
	switch {
	case opt.MaxIter == 0:
		opt.MaxIter = DefaultMaxIter
	case opt.MaxIter < 0:
		return nil, invalidf("maxIter must be positive, got %d", opt.MaxIter)
	}
	switch {
	case opt.Tol == 0:
		opt.Tol = DefaultTol
	case !(opt.Tol > 0) || math.IsInf(opt.Tol, 1):
		return nil, invalidf("tol must be positive and finite, got %v", opt.Tol)
	}
	switch opt.ClassWeight {
	case "":
		opt.ClassWeight = ClassWeightNone
	case ClassWeightNone, ClassWeightBalanced:
	default:
		return nil, invalidf("classWeight must be none or balanced, got %q", opt.ClassWeight)
	}
	if opt.Features == nil {
		opt.Features = make([]string, d)
		for j := range opt.Features {
			opt.Features[j] = fmt.Sprintf("x%d", j)
		}
	} else if len(opt.Features) != d {
		return nil, invalidf("%d feature names for %d columns", len(opt.Features), d)
	}
	if opt.SampleWeight != nil && len(opt.SampleWeight) != n {
		return nil, invalidf("%d sample weights for %d rows", len(opt.SampleWeight), n)
	}
	p := &lrProblem{X: X, n: n, d: d, y: make([]uint8, n)}
	var count [2]int
	for i, v := range y {
		switch v {
		case 0, 1:
			p.y[i] = uint8(v)
			count[p.y[i]]++
		default:
			return nil, invalidf("label at row index %d is %v; want 0 or 1", i, v)
		}
	}
	if count[0] == 0 || count[1] == 0 {
		return nil, invalidf("labels hold a single class; a binary model needs both 0 and 1")
	}
	p.cw = [2]float64{1, 1}
	if opt.ClassWeight == ClassWeightBalanced {
		p.cw = [2]float64{float64(n) / (2 * float64(count[0])), float64(n) / (2 * float64(count[1]))}
	}
	S := float64(n)
	if opt.SampleWeight != nil {
		S = 0
		p.sw = make([]float64, n)
		for i, w := range opt.SampleWeight {
			if !(w >= 0) || math.IsInf(w, 1) {
				return nil, invalidf("sample weight at row index %d is %v; want a finite value >= 0", i, w)
			}
			S += w
			p.sw[i] = w * p.cw[p.y[i]]
		}
		if S == 0 {
			return nil, invalidf("sample weights sum to zero")
		}
	}
	p.invS, p.alphaS = 1/S, 1/(opt.C*S)

	switch m := X.(type) {
	case *Dense:
		p.dense = m
	case *DenseRows:
		p.dense, p.rows = m.M, m.Idx
	case *Sparse:
		p.sparse = m
	}
	// A block holds about 16k stored values (128 KiB): its rows are still in the
	// core's L2 cache when the gradient pass reads them again, and there are enough
	// blocks to balance the workers.
	width := max(d, 1)
	if p.sparse != nil {
		width = max(len(p.sparse.Values)/n, 1)
	}
	p.blockRows = min(max(64, (1<<14)/width), 4096)
	p.nBlocks = (n + p.blockRows - 1) / p.blockRows
	p.partLoss = make([]float64, p.nBlocks)
	p.partGrad = make([]float64, p.nBlocks*(d+1))
	p.cacheX = make([]float64, d+1)
	p.cacheG = make([]float64, d+1)

	p.workers = opt.Workers
	if p.workers <= 0 {
		p.workers = runtime.GOMAXPROCS(0)
	}
	p.workers = min(p.workers, p.nBlocks)
	p.scratch = make([]blockScratch, p.workers)
	for k := range p.scratch {
		p.scratch[k] = blockScratch{acc: make([]float64, d+1, d+9), z: make([]float64, p.blockRows)}
	}
	if p.workers > 1 {
		p.start = make(chan struct{})
		for k := 1; k < p.workers; k++ {
			sc := &p.scratch[k]
			go func() {
				for range p.start {
					p.work(sc)
					p.wg.Done()
				}
			}()
		}
	}
	return p, nil
}

// stop ends the worker goroutines.
func (p *lrProblem) stop() {
	if p.start != nil {
		close(p.start)
		p.start = nil
	}
}

// eval returns the objective at theta and leaves its gradient in p.cacheG.
func (p *lrProblem) eval(theta []float64) float64 {
	if p.cached && equalSlices(theta, p.cacheX) {
		return p.cacheF
	}
	p.evals++
	p.theta = theta
	p.next.Store(0)
	if p.workers > 1 {
		p.wg.Add(p.workers - 1)
		for k := 1; k < p.workers; k++ {
			p.start <- struct{}{}
		}
		p.work(&p.scratch[0])
		p.wg.Wait()
	} else {
		p.work(&p.scratch[0])
	}
	d := p.d
	g := p.cacheG
	clear(g)
	var loss float64
	for b := 0; b < p.nBlocks; b++ {
		loss += p.partLoss[b]
		pg := p.partGrad[b*(d+1) : (b+1)*(d+1)]
		for j, v := range pg {
			g[j] += v
		}
	}
	w := theta[:d]
	var ww float64
	for j, wj := range w {
		ww += wj * wj
		g[j] = g[j]*p.invS + p.alphaS*wj
	}
	g[d] *= p.invS
	f := loss*p.invS + 0.5*p.alphaS*ww
	copy(p.cacheX, theta)
	p.cacheF, p.cached = f, true
	return f
}

func equalSlices(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// work evaluates blocks until none is left, storing each block's loss and gradient
// in its slot of partLoss and partGrad.
func (p *lrProblem) work(sc *blockScratch) {
	for {
		b := int(p.next.Add(1)) - 1
		if b >= p.nBlocks {
			return
		}
		lo := b * p.blockRows
		hi := min(lo+p.blockRows, p.n)
		p.partLoss[b] = p.block(lo, hi, sc)
		copy(p.partGrad[b*(p.d+1):(b+1)*(p.d+1)], sc.acc)
	}
}

// block evaluates rows lo..hi-1 in three passes: the logits, then the losses and
// weighted residuals, then the gradient. Separating the passes turns the long
// dependency chain of a row (dot product, exp, log, division, update) into loops
// whose iterations are independent, which the CPU overlaps; the third pass re-reads
// the block's rows from cache.
func (p *lrProblem) block(lo, hi int, sc *blockScratch) float64 {
	d := p.d
	w := p.theta[:d:d]
	b := p.theta[d]
	z := sc.z[:hi-lo]
	acc := sc.acc[: d+1 : d+1]
	gw := acc[:d:d]

	switch {
	case p.rows != nil:
		data, rows := p.dense.Data, p.rows[lo:hi]
		for k := range z {
			r := rows[k]
			z[k] = b + dot(data[r*d:(r+1)*d:(r+1)*d], w)
		}
	case p.dense != nil:
		data := p.dense.Data[lo*d : hi*d]
		for k := range z {
			z[k] = b + dot(data[k*d:(k+1)*d:(k+1)*d], w)
		}
	case p.sparse != nil:
		m := p.sparse
		for k := range z {
			z[k] = b + m.Row(lo+k).Dot(w)
		}
	default:
		for k := range z {
			z[k] = b + p.X.RowDot(lo+k, w)
		}
	}

	var loss, gb float64
	ys := p.y[lo:hi]
	ys = ys[:len(z)]
	if p.sw == nil {
		cw := p.cw
		for k, zk := range z {
			yk := ys[k] & 1
			l, r := lossResid(zk, float64(yk))
			loss += cw[yk] * l
			r *= cw[yk]
			gb += r
			z[k] = r
		}
	} else {
		sw := p.sw[lo:hi]
		sw = sw[:len(z)]
		for k, zk := range z {
			l, r := lossResid(zk, float64(ys[k]))
			loss += sw[k] * l
			r *= sw[k]
			gb += r
			z[k] = r
		}
	}

	clear(acc)
	switch {
	case p.rows != nil:
		data, rows := p.dense.Data, p.rows[lo:hi]
		for k, r := range z {
			i := rows[k]
			axpy(gw, r, data[i*d:(i+1)*d:(i+1)*d])
		}
	case p.dense != nil:
		data := p.dense.Data[lo*d : hi*d]
		for k, r := range z {
			axpy(gw, r, data[k*d:(k+1)*d:(k+1)*d])
		}
	case p.sparse != nil:
		m := p.sparse
		for k, r := range z {
			row := m.Row(lo + k)
			vals := row.Values[:len(row.Indices)]
			for t, j := range row.Indices {
				gw[j] += r * vals[t]
			}
		}
	default:
		for k, r := range z {
			p.X.AddRowTo(gw, lo+k, r)
		}
	}
	acc[d] = gb
	return loss
}

// lossResid returns the log-loss of the logit z for label y (0 or 1) and the residual
// sigmoid(z) - y. Both come from e = exp(-|z|) <= 1, so nothing overflows and no
// precision is lost for large |z|: the loss is max(z, 0) - y*z + log1p(e), and the
// residual is sigmoid(z) for y = 0 and -(1 - sigmoid(z)) for y = 1, where sigmoid(z)
// and 1 - sigmoid(z) are 1/(1+e) and e/(1+e) in the order the sign of z gives.
func lossResid(z, y float64) (loss, r float64) {
	e := math.Exp(-math.Abs(z))
	inv := 1 / (1 + e)
	l := math.Log1p(e)
	if z >= 0 {
		return z*(1-y) + l, inv*(1-y) - e*inv*y
	}
	return l - z*y, e*inv*(1-y) - inv*y
}

// sigmoid is the logistic function, evaluated without overflow.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func (m *Logistic) checkWidth(cols int) error {
	if cols != len(m.Coef) {
		return invalidf("model expects %d columns, got %d", len(m.Coef), cols)
	}
	return nil
}

// Probability returns P(y=1) for one dense row. It returns EINVALID when the row's
// length differs from the model's.
func (m *Logistic) Probability(x []float64) (float64, error) {
	if err := m.checkWidth(len(x)); err != nil {
		return 0, err
	}
	return sigmoid(m.Intercept + dot(x, m.Coef)), nil
}

// ProbabilitySparse returns P(y=1) for one sparse row. It returns EINVALID for a
// column index outside the model.
func (m *Logistic) ProbabilitySparse(r SparseRow) (float64, error) {
	if len(r.Values) != len(r.Indices) {
		return 0, invalidf("sparse row has %d indices and %d values", len(r.Indices), len(r.Values))
	}
	for _, j := range r.Indices {
		if j < 0 || int(j) >= len(m.Coef) {
			return 0, invalidf("column %d is outside the model's %d columns", j, len(m.Coef))
		}
	}
	return sigmoid(m.Intercept + r.Dot(m.Coef)), nil
}

// PredictProba returns P(y=1) for every row of X. It returns EINVALID when X's column
// count differs from the model's.
func (m *Logistic) PredictProba(X Matrix) ([]float64, error) {
	n, c := X.Dims()
	if err := m.checkWidth(c); err != nil {
		return nil, err
	}
	p := make([]float64, n)
	for i := range p {
		p[i] = sigmoid(m.Intercept + X.RowDot(i, m.Coef))
	}
	return p, nil
}

// Algorithm is model.AlgorithmLogisticRegression.
func (m *Logistic) Algorithm() string { return model.AlgorithmLogisticRegression }

// Explain appends to dst the intercept, named ExplainBaseline, then
// Coef[j]*x[j] for each column, named Features[j] (see Scorer). It returns
// EINVALID when the row's length differs from the model's.
func (m *Logistic) Explain(dst []model.Coefficient, x []float64) ([]model.Coefficient, error) {
	if err := m.checkWidth(len(x)); err != nil {
		return dst, err
	}
	dst = append(dst, model.Coefficient{Feature: ExplainBaseline, Value: m.Intercept})
	for j, v := range x {
		dst = append(dst, model.Coefficient{Feature: m.Features[j], Value: m.Coef[j] * v})
	}
	return dst, nil
}

// Validate checks that a decoded model is usable: coefficients and names agree in
// length and every number is finite. It returns EINVALID otherwise.
func (m *Logistic) Validate() error {
	if len(m.Features) != len(m.Coef) {
		return model.Errorf(model.EINVALID, "model has %d coefficients and %d feature names", len(m.Coef), len(m.Features))
	}
	if math.IsNaN(m.Intercept) || math.IsInf(m.Intercept, 0) {
		return model.Errorf(model.EINVALID, "model intercept is %v", m.Intercept)
	}
	for j, c := range m.Coef {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return model.Errorf(model.EINVALID, "model coefficient of %q is %v", m.Features[j], c)
		}
	}
	return nil
}
