package ml

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// Metric names for Score, CrossValidate and GridSearchC; larger is better for each
// (the log loss is negated, as scikit-learn's scorer).
const (
	MetricAccuracy         = "accuracy"
	MetricF1               = "f1"
	MetricROCAUC           = "roc_auc"
	MetricAveragePrecision = "average_precision"
	MetricNegLogLoss       = "neg_log_loss"
)

// newRand returns the package's seeded generator: PCG seeded with (seed, 0).
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

// classIndex groups row indices by label value, classes in increasing order, each
// group shuffled with rng.
func classIndex(y []float64, rng *rand.Rand) [][]int {
	byClass := map[float64][]int{}
	for i, v := range y {
		byClass[v] = append(byClass[v], i)
	}
	keys := make([]float64, 0, len(byClass))
	for k := range byClass {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	groups := make([][]int, len(keys))
	for g, k := range keys {
		idx := byClass[k]
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		groups[g] = idx
	}
	return groups
}

// TrainTestSplit splits the rows 0..len(y)-1 into train and test indices (each sorted
// increasingly), deterministically for a given seed (PCG). A testFraction of 0 puts
// every row in train and returns an empty test. Otherwise the test set has
// ceil(testFraction*n) rows: random ones, or, stratified by y, rows from each class in
// proportion to its size (largest remainders), each class keeping at least one row
// in train.
//
// It returns EINVALID when testFraction is outside [0, 1) or NaN, there are no rows,
// or a non-zero fraction leaves train or test empty, or y has a NaN label.
func TrainTestSplit(y []float64, testFraction float64, seed uint64, stratify bool) (train, test []int, err error) {
	n := len(y)
	if !(testFraction >= 0 && testFraction < 1) {
		return nil, nil, invalidf("test fraction must be in [0, 1), got %v", testFraction)
	}
	if n == 0 {
		return nil, nil, invalidf("no rows to split")
	}
	for i, v := range y {
		if math.IsNaN(v) {
			return nil, nil, invalidf("label at row index %d is NaN", i)
		}
	}
	if testFraction == 0 {
		train = make([]int, n)
		for i := range train {
			train[i] = i
		}
		return train, []int{}, nil
	}
	rng := newRand(seed)
	k := int(math.Ceil(testFraction * float64(n)))
	if stratify {
		groups := classIndex(y, rng)
		for g, cnt := range stratifiedCounts(groups, k, testFraction) {
			test = append(test, groups[g][:cnt]...)
			train = append(train, groups[g][cnt:]...)
		}
	} else {
		perm := rng.Perm(n)
		test, train = perm[:k], perm[k:]
	}
	if len(test) == 0 || len(train) == 0 {
		return nil, nil, invalidf("test fraction %v of %d rows leaves an empty train or test set", testFraction, n)
	}
	slices.Sort(train)
	slices.Sort(test)
	return train, test, nil
}

// stratifiedCounts shares k test rows among the classes in proportion to their sizes:
// each class gets the floor of its quota, and the rows left over go to the classes
// with the largest remainders (the earlier class on a tie). A class never gives all
// its rows.
func stratifiedCounts(groups [][]int, k int, f float64) []int {
	counts := make([]int, len(groups))
	rem := make([]float64, len(groups))
	left := k
	for g, idx := range groups {
		q := f * float64(len(idx))
		counts[g] = min(int(math.Floor(q)), len(idx)-1)
		rem[g] = q - float64(counts[g])
		left -= counts[g]
	}
	for ; left > 0; left-- {
		best := -1
		for g, idx := range groups {
			if counts[g] < len(idx)-1 && (best < 0 || rem[g] > rem[best]) {
				best = g
			}
		}
		if best < 0 {
			break
		}
		counts[best]++
		rem[best]--
	}
	return counts
}

// StratifiedKFold splits the rows into k folds with about the same class proportions,
// deterministically for a given seed; fold f is the validation rows (sorted) of round
// f, its complement the training rows. It returns EINVALID when k < 2 or a class has
// fewer than k rows.
func StratifiedKFold(y []float64, k int, seed uint64) ([][]int, error) {
	if k < 2 {
		return nil, invalidf("cross-validation needs at least 2 folds, got %d", k)
	}
	if len(y) == 0 {
		return nil, invalidf("no rows to split")
	}
	folds := make([][]int, k)
	c := 0
	for _, g := range classIndex(y, newRand(seed)) {
		if len(g) < k {
			return nil, invalidf("a class has %d rows, fewer than the %d folds", len(g), k)
		}
		for _, i := range g {
			folds[c%k] = append(folds[c%k], i)
			c++
		}
	}
	for _, f := range folds {
		slices.Sort(f)
	}
	return folds, nil
}

// complement returns the indices 0..n-1 not in sorted.
func complement(n int, sorted []int) []int {
	out := make([]int, 0, n-len(sorted))
	j := 0
	for i := 0; i < n; i++ {
		if j < len(sorted) && sorted[j] == i {
			j++
			continue
		}
		out = append(out, i)
	}
	return out
}

// Score returns the named metric of probabilities p against y (accuracy and f1 at
// threshold 0.5). It returns EINVALID for an unknown metric and the metric's errors.
func Score(metric string, y, p []float64) (float64, error) {
	switch metric {
	case MetricAccuracy, MetricF1:
		c, err := ConfusionAt(y, p, 0.5)
		if err != nil {
			return 0, err
		}
		if metric == MetricF1 {
			return c.F1(), nil
		}
		return c.Accuracy(), nil
	case MetricROCAUC:
		return ROCAUC(y, p)
	case MetricAveragePrecision:
		return AveragePrecision(y, p)
	case MetricNegLogLoss:
		l, err := LogLoss(y, p)
		return -l, err
	}
	return 0, invalidf("metric must be one of accuracy, f1, roc_auc, average_precision, neg_log_loss, got %q", metric)
}

// CrossValidate fits on the complement of each fold and scores the named metric on
// the fold; it returns one score per fold. opt applies to every fit (its
// SampleWeight, if any, is indexed by the rows of X; Progress is not called).
// Preprocessing is not refitted per fold: fit it on the training rows only to keep
// validation rows out. Errors are FitLogistic's and Score's.
func CrossValidate(ctx context.Context, X Matrix, y []float64, folds [][]int, metric string, opt FitOptions) ([]float64, error) {
	scores, _, err := crossValidate(ctx, X, y, folds, metric, opt)
	return scores, err
}

// crossValidate is CrossValidate, also counting the fits that did not converge.
func crossValidate(ctx context.Context, X Matrix, y []float64, folds [][]int, metric string, opt FitOptions) ([]float64, int, error) {
	notConverged := 0
	if _, err := Score(metric, []float64{0, 1}, []float64{0.5, 0.5}); err != nil {
		return nil, 0, err
	}
	n, _ := X.Dims()
	if len(y) != n {
		return nil, 0, invalidf("%d labels for %d rows", len(y), n)
	}
	scores := make([]float64, len(folds))
	for f, val := range folds {
		tr := complement(n, val)
		o := opt
		o.Progress = nil
		if opt.SampleWeight != nil {
			o.SampleWeight = Take(opt.SampleWeight, tr)
		}
		m, err := FitLogistic(ctx, ViewRows(X, tr), Take(y, tr), o)
		if err != nil {
			return nil, 0, err
		}
		if !m.Converged {
			notConverged++
		}
		p, err := m.PredictProba(ViewRows(X, val))
		if err != nil {
			return nil, 0, err
		}
		if scores[f], err = Score(metric, Take(y, val), p); err != nil {
			return nil, 0, err
		}
	}
	return scores, notConverged, nil
}

// GridScore is the cross-validated score of one C.
type GridScore struct {
	C      float64   `json:"c"`
	Mean   float64   `json:"mean"`
	Std    float64   `json:"std"`
	Scores []float64 `json:"scores"`
}

// GridResult is the outcome of GridSearchC.
type GridResult struct {
	Metric    string      `json:"metric"`
	Folds     int         `json:"folds"`
	Grid      []GridScore `json:"grid"`
	BestC     float64     `json:"bestC"`
	BestScore float64     `json:"bestScore"`
	// Fits counts the fits of the search, NotConverged those that reached MaxIter.
	Fits         int `json:"fits"`
	NotConverged int `json:"notConverged"`
}

// GridSearchC cross-validates every C in cs on k stratified folds (seeded) and picks
// the C with the best mean score of the named metric (the first such C on a tie). It
// returns EINVALID for an empty grid, a C that is not positive and finite, an unknown
// metric, and the errors of StratifiedKFold and CrossValidate.
func GridSearchC(ctx context.Context, X Matrix, y []float64, cs []float64, k int, seed uint64, metric string, opt FitOptions) (*GridResult, error) {
	if len(cs) == 0 {
		return nil, invalidf("the C grid is empty")
	}
	for _, c := range cs {
		if !(c > 0) || math.IsInf(c, 1) {
			return nil, invalidf("every C must be positive and finite, got %v", c)
		}
	}
	if _, err := Score(metric, []float64{0, 1}, []float64{0.5, 0.5}); err != nil {
		return nil, err
	}
	folds, err := StratifiedKFold(y, k, seed)
	if err != nil {
		return nil, err
	}
	res := &GridResult{Metric: metric, Folds: k, BestScore: math.Inf(-1)}
	for _, c := range cs {
		o := opt
		o.C = c
		scores, nc, err := crossValidate(ctx, X, y, folds, metric, o)
		if err != nil {
			return nil, err
		}
		res.Fits += len(folds)
		res.NotConverged += nc
		m := mean(scores)
		var ss float64
		for _, s := range scores {
			ss += (s - m) * (s - m)
		}
		res.Grid = append(res.Grid, GridScore{C: c, Mean: m, Std: math.Sqrt(ss / float64(len(scores))), Scores: scores})
		if m > res.BestScore {
			res.BestC, res.BestScore = c, m
		}
	}
	return res, nil
}
