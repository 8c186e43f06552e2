package ml

import (
	"math"
	"slices"
)

// eps is numpy's float64 machine epsilon, np.finfo(np.float64).eps.
const eps = 0x1p-52

// Threshold choices of ChooseThreshold.
const (
	ThresholdFixed  = "fixed"  // 0.5
	ThresholdF1     = "f1"     // the score maximizing F1
	ThresholdYouden = "youden" // the score maximizing TPR - FPR (Youden's J)
)

// Confusion is a confusion matrix at a threshold. As scikit-learn's
// confusion_matrix(y, pred), it reads [[TN, FP], [FN, TP]].
type Confusion struct {
	TN int `json:"tn"`
	FP int `json:"fp"`
	FN int `json:"fn"`
	TP int `json:"tp"`
}

// Accuracy returns the fraction of correct predictions.
func (c Confusion) Accuracy() float64 {
	return float64(c.TP+c.TN) / float64(c.TP+c.TN+c.FP+c.FN)
}

// Precision returns TP/(TP+FP), or 0 when nothing is predicted positive (scikit-learn's
// zero_division=0).
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall returns TP/(TP+FN), or 0 when no row is positive.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 returns 2TP/(2TP+FP+FN), or 0 when it is undefined.
func (c Confusion) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Metrics summarizes a binary classifier on one set of rows.
type Metrics struct {
	Rows             int       `json:"rows"`
	Threshold        float64   `json:"threshold"`
	Accuracy         float64   `json:"accuracy"`
	Precision        float64   `json:"precision"`
	Recall           float64   `json:"recall"`
	F1               float64   `json:"f1"`
	LogLoss          float64   `json:"logLoss"`
	Brier            float64   `json:"brier"`
	ROCAUC           float64   `json:"rocAuc"`
	AveragePrecision float64   `json:"averagePrecision"`
	Confusion        Confusion `json:"confusion"`
}

// Evaluate computes every metric of probabilities p against labels y, the
// threshold-based ones at threshold. It returns EINVALID for bad input and when y holds
// a single class (ROC AUC is then undefined, as scikit-learn raises).
func Evaluate(y, p []float64, threshold float64) (Metrics, error) {
	if err := checkProba(y, p); err != nil {
		return Metrics{}, err
	}
	c, err := ConfusionAt(y, p, threshold)
	if err != nil {
		return Metrics{}, err
	}
	auc, err := ROCAUC(y, p)
	if err != nil {
		return Metrics{}, err
	}
	ap, err := AveragePrecision(y, p)
	if err != nil {
		return Metrics{}, err
	}
	ll, _ := LogLoss(y, p)
	br, _ := BrierScore(y, p)
	return Metrics{
		Rows: len(y), Threshold: threshold,
		Accuracy: c.Accuracy(), Precision: c.Precision(), Recall: c.Recall(), F1: c.F1(),
		LogLoss: ll, Brier: br, ROCAUC: auc, AveragePrecision: ap, Confusion: c,
	}, nil
}

// checkScores validates labels and finite scores.
func checkScores(y, p []float64) error {
	if len(y) == 0 {
		return invalidf("no rows to evaluate")
	}
	if len(y) != len(p) {
		return invalidf("%d labels and %d scores", len(y), len(p))
	}
	for i := range y {
		if y[i] != 0 && y[i] != 1 {
			return invalidf("label at row index %d is %v; want 0 or 1", i, y[i])
		}
		if math.IsNaN(p[i]) || math.IsInf(p[i], 0) {
			return invalidf("score at row index %d is %v", i, p[i])
		}
	}
	return nil
}

// checkProba validates labels and probabilities in [0, 1].
func checkProba(y, p []float64) error {
	if err := checkScores(y, p); err != nil {
		return err
	}
	for i, v := range p {
		if v < 0 || v > 1 {
			return invalidf("probability at row index %d is %v; want a value in [0, 1]", i, v)
		}
	}
	return nil
}

// ConfusionAt counts the confusion matrix with p >= threshold predicted positive.
func ConfusionAt(y, p []float64, threshold float64) (Confusion, error) {
	if err := checkScores(y, p); err != nil {
		return Confusion{}, err
	}
	if math.IsNaN(threshold) {
		return Confusion{}, invalidf("threshold is NaN")
	}
	var c Confusion
	for i := range y {
		switch pos := p[i] >= threshold; {
		case y[i] == 1 && pos:
			c.TP++
		case y[i] == 1:
			c.FN++
		case pos:
			c.FP++
		default:
			c.TN++
		}
	}
	return c, nil
}

// LogLoss returns the mean negative log-likelihood, with p clipped to [eps, 1-eps]
// (eps = np.finfo(float64).eps) as scikit-learn's log_loss(eps="auto").
func LogLoss(y, p []float64) (float64, error) {
	if err := checkProba(y, p); err != nil {
		return 0, err
	}
	var s float64
	for i, v := range p {
		v = math.Min(math.Max(v, eps), 1-eps)
		if y[i] == 1 {
			s -= math.Log(v)
		} else {
			s -= math.Log(1 - v)
		}
	}
	return s / float64(len(p)), nil
}

// BrierScore returns the mean squared difference between p and y.
func BrierScore(y, p []float64) (float64, error) {
	if err := checkProba(y, p); err != nil {
		return 0, err
	}
	var s float64
	for i, v := range p {
		d := y[i] - v
		s += d * d
	}
	return s / float64(len(p)), nil
}

// clfCurve is scikit-learn's _binary_clf_curve: for each distinct score, in
// decreasing order, the false and true positive counts at threshold = that score.
func clfCurve(y, score []float64) (fps, tps, thr []float64) {
	idx := make([]int, len(y))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case score[a] > score[b]:
			return -1
		case score[a] < score[b]:
			return 1
		}
		return 0
	})
	var tp float64
	for k, i := range idx {
		tp += y[i]
		if k+1 < len(idx) && score[idx[k+1]] == score[i] {
			continue
		}
		tps = append(tps, tp)
		fps = append(fps, float64(k+1)-tp)
		thr = append(thr, score[i])
	}
	return fps, tps, thr
}

// ROC is a receiver operating characteristic curve as scikit-learn's
// roc_curve(drop_intermediate=False): one point per distinct score (tied scores are one
// threshold), preceded by (0, 0) at threshold max(score)+1 as scikit-learn 1.2 reports
// it (later versions report +inf there, which JSON cannot carry).
type ROC struct {
	FPR        []float64 `json:"fpr"`
	TPR        []float64 `json:"tpr"`
	Thresholds []float64 `json:"thresholds"`

	// fps and tps are the counts behind FPR and TPR (set by ROCCurve).
	fps, tps []float64
}

// ROCCurve returns the ROC curve of scores against y. It returns EINVALID for bad
// input and when y holds a single class.
func ROCCurve(y, score []float64) (ROC, error) {
	if err := checkScores(y, score); err != nil {
		return ROC{}, err
	}
	fps, tps, thr := clfCurve(y, score)
	P, N := tps[len(tps)-1], fps[len(fps)-1]
	if P == 0 || N == 0 {
		return ROC{}, invalidf("ROC needs both classes in the labels")
	}
	m := len(thr) + 1 // one point per distinct score after (0, 0)
	r := ROC{FPR: make([]float64, 1, m), TPR: make([]float64, 1, m), Thresholds: make([]float64, 1, m),
		fps: make([]float64, 1, m), tps: make([]float64, 1, m)}
	r.Thresholds[0] = thr[0] + 1
	r.fps, r.tps = append(r.fps, fps...), append(r.tps, tps...)
	for k := range thr {
		r.FPR = append(r.FPR, fps[k]/N)
		r.TPR = append(r.TPR, tps[k]/P)
		r.Thresholds = append(r.Thresholds, thr[k])
	}
	return r, nil
}

// DropIntermediate returns the curve without the points that lie on a straight
// segment between their neighbours (collinear in both FPR and TPR counts), as
// scikit-learn's roc_curve(drop_intermediate=True), its default and what
// RocCurveDisplay draws: the first point (0, 0) and the last (1, 1) always stay, and
// so does the area under the curve.
func (r ROC) DropIntermediate() ROC {
	n := len(r.FPR)
	if n <= 3 {
		return r
	}
	// scikit-learn tests the second differences of the counts (exact, unlike
	// those of the rates) of the points after the (0, 0) it prepends.
	F, T := r.fps, r.tps
	if len(F) != n || len(T) != n {
		F, T = r.FPR, r.TPR
	}
	out := ROC{FPR: []float64{r.FPR[0]}, TPR: []float64{r.TPR[0]}, Thresholds: []float64{r.Thresholds[0]}}
	keep := func(k int) {
		out.FPR = append(out.FPR, r.FPR[k])
		out.TPR = append(out.TPR, r.TPR[k])
		out.Thresholds = append(out.Thresholds, r.Thresholds[k])
	}
	keep(1)
	for k := 2; k < n-1; k++ {
		dF := F[k+1] - 2*F[k] + F[k-1]
		dT := T[k+1] - 2*T[k] + T[k-1]
		if dF != 0 || dT != 0 {
			keep(k)
		}
	}
	keep(n - 1)
	return out
}

// AUC returns the area under the curve by the trapezoidal rule.
func (r ROC) AUC() float64 { return trapezoid(r.FPR, r.TPR) }

func trapezoid(x, y []float64) float64 {
	var a float64
	for i := 1; i < len(x); i++ {
		a += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	return a
}

// ROCAUC returns the area under the ROC curve (see ROCCurve for errors).
func ROCAUC(y, score []float64) (float64, error) {
	r, err := ROCCurve(y, score)
	if err != nil {
		return 0, err
	}
	return r.AUC(), nil
}

// PR is a precision-recall curve as scikit-learn's precision_recall_curve: Thresholds
// are the distinct scores in increasing order, Precision[k] and Recall[k] hold at
// Thresholds[k], and a last point (precision 1, recall 0) closes the curve.
type PR struct {
	Precision  []float64 `json:"precision"`
	Recall     []float64 `json:"recall"`
	Thresholds []float64 `json:"thresholds"`
}

// PRCurve returns the precision-recall curve. It returns EINVALID for bad input and
// when y has no positive row.
func PRCurve(y, score []float64) (PR, error) {
	if err := checkScores(y, score); err != nil {
		return PR{}, err
	}
	fps, tps, thr := clfCurve(y, score)
	P := tps[len(tps)-1]
	if P == 0 {
		return PR{}, invalidf("precision-recall needs a positive row in the labels")
	}
	m := len(thr)
	c := PR{Precision: make([]float64, m+1), Recall: make([]float64, m+1), Thresholds: make([]float64, m)}
	for k := 0; k < m; k++ {
		j := m - 1 - k // increasing thresholds
		if tps[j]+fps[j] > 0 {
			c.Precision[k] = tps[j] / (tps[j] + fps[j])
		}
		c.Recall[k] = tps[j] / P
		c.Thresholds[k] = thr[j]
	}
	c.Precision[m], c.Recall[m] = 1, 0
	return c, nil
}

// AP returns the average precision of the curve: sum over thresholds of
// (R_n - R_n-1) * P_n, scikit-learn's step definition (no interpolation).
func (c PR) AP() float64 {
	var ap float64
	for k := 0; k+1 < len(c.Recall); k++ {
		ap += (c.Recall[k] - c.Recall[k+1]) * c.Precision[k]
	}
	return ap
}

// AveragePrecision returns the average precision (see PRCurve for errors).
func AveragePrecision(y, score []float64) (float64, error) {
	c, err := PRCurve(y, score)
	if err != nil {
		return 0, err
	}
	return c.AP(), nil
}

// CalibrationBin is one non-empty bin of a reliability diagram.
type CalibrationBin struct {
	Lo               float64 `json:"lo"`
	Hi               float64 `json:"hi"`
	MeanPredicted    float64 `json:"meanPredicted"`
	FractionPositive float64 `json:"fractionPositive"`
	Count            int     `json:"count"`
}

// Calibration splits [0, 1] into n equal bins and returns, for each non-empty bin, the
// mean probability and the fraction of positives, as scikit-learn's
// calibration_curve(strategy="uniform"): a bin holds (lo, hi], the first also 0. It
// returns EINVALID for bad input or n < 1.
func Calibration(y, p []float64, n int) ([]CalibrationBin, error) {
	if err := checkProba(y, p); err != nil {
		return nil, err
	}
	if n < 1 || n > 10000 {
		return nil, invalidf("calibration needs between 1 and 10000 bins, got %d", n)
	}
	edges := make([]float64, n+1)
	for i := range edges {
		edges[i] = float64(i) * (1 / float64(n))
	}
	edges[n] = 1
	sum := make([]float64, n)
	pos := make([]float64, n)
	cnt := make([]int, n)
	for i, v := range p {
		b, _ := slices.BinarySearch(edges[1:n], v) // number of inner edges < v
		sum[b] += v
		pos[b] += y[i]
		cnt[b]++
	}
	var out []CalibrationBin
	for b := 0; b < n; b++ {
		if cnt[b] == 0 {
			continue
		}
		c := float64(cnt[b])
		out = append(out, CalibrationBin{Lo: edges[b], Hi: edges[b+1], MeanPredicted: sum[b] / c, FractionPositive: pos[b] / c, Count: cnt[b]})
	}
	return out, nil
}

// ChooseThreshold returns the decision threshold for the named method: fixed (0.5),
// f1 (the score maximizing F1) or youden (the score maximizing TPR - FPR). Ties go to
// the highest threshold. It returns EINVALID for an unknown method or bad input, and
// when y holds a single class (f1 needs a positive row, youden both classes).
func ChooseThreshold(y, p []float64, method string) (float64, error) {
	switch method {
	case ThresholdFixed, "", "0.5":
		if err := checkScores(y, p); err != nil {
			return 0, err
		}
		return 0.5, nil
	case ThresholdF1:
		c, err := PRCurve(y, p)
		if err != nil {
			return 0, err
		}
		best, bestF := 0.5, -1.0
		for k := len(c.Thresholds) - 1; k >= 0; k-- {
			pr, rc := c.Precision[k], c.Recall[k]
			f := 0.0
			if pr+rc > 0 {
				f = 2 * pr * rc / (pr + rc)
			}
			if f > bestF {
				best, bestF = c.Thresholds[k], f
			}
		}
		return best, nil
	case ThresholdYouden:
		r, err := ROCCurve(y, p)
		if err != nil {
			return 0, err
		}
		best, bestJ := 0.5, math.Inf(-1)
		for k := 1; k < len(r.Thresholds); k++ {
			if j := r.TPR[k] - r.FPR[k]; j > bestJ {
				best, bestJ = r.Thresholds[k], j
			}
		}
		return best, nil
	}
	return 0, invalidf("threshold method must be fixed, f1 or youden, got %q", method)
}
