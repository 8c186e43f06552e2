package ml

import (
	"context"
	"math"
	"time"
)

// TrainSpec is a training run over a prepared matrix: the split, the fit options,
// optional cross-validation and grid search over C, and the threshold rule.
type TrainSpec struct {
	// TestFraction of the rows is held out (0 <= f < 1; 0: no test set).
	TestFraction float64
	Seed         uint64
	// Stratify the split and the folds by label.
	Stratify bool
	Fit      FitOptions
	// CVFolds > 0 cross-validates the chosen C on that many folds of the training rows.
	CVFolds int
	// Grid, when set, is searched (CVFolds folds, 5 by default) and its best C by
	// Metric is used for the final fit.
	Grid   []float64
	Metric string
	// Threshold is ThresholdFixed (0.5), ThresholdF1 or ThresholdYouden, chosen on
	// the training rows.
	Threshold string
}

// CVResult is cross-validation on the training rows.
type CVResult struct {
	Folds  int         `json:"folds"`
	Metric string      `json:"metric"`
	Mean   float64     `json:"mean"`
	Std    float64     `json:"std"`
	Scores []float64   `json:"scores"`
	Grid   *GridResult `json:"grid,omitempty"`
	// Fits counts the cross-validation fits (every C of a grid), NotConverged
	// those that reached MaxIter.
	Fits         int `json:"fits"`
	NotConverged int `json:"notConverged"`
}

// TrainResult is everything a run produces: the model, its threshold, metrics on
// train and test rows, cross-validation, curves and plots (SVG).
type TrainResult struct {
	Model       *Logistic
	Threshold   float64
	Train       Metrics
	Test        *Metrics
	CV          *CVResult
	CurvesOn    string // "test", or "train" without a test set
	ROC         ROC
	PR          PR
	Calibration []CalibrationBin
	ROCPlot     []byte
	PRPlot      []byte
	CalPlot     []byte
	TrainRows   int
	TestRows    int
	Seconds     float64
	// TrainIdx and TestIdx are the rows (indices into X) of each set, increasing;
	// Folds, with cross-validation, the validation rows of each fold (indices into
	// X, increasing): what it takes to reproduce the split elsewhere.
	TrainIdx, TestIdx []int
	Folds             [][]int
}

// calibrationBins is the number of bins of the reliability diagram.
const calibrationBins = 10

// Train splits X and y, optionally grid-searches C and cross-validates, fits the
// final model on the training rows, chooses the threshold on them, and evaluates on
// both sets. It does no I/O. Errors are EINVALID for bad specs or data (a single
// class in the training rows, too few rows per class for the folds...) and the
// context's error when cancelled.
func Train(ctx context.Context, X Matrix, y []float64, spec TrainSpec) (*TrainResult, error) {
	start := time.Now()
	n, _ := X.Dims()
	if n == 0 {
		return nil, invalidf("no rows to train on")
	}
	if spec.Metric == "" {
		spec.Metric = MetricROCAUC
	}
	if _, err := Score(spec.Metric, []float64{0, 1}, []float64{0.5, 0.5}); err != nil {
		return nil, err
	}
	trainIdx, testIdx := allRows(n), []int(nil)
	if spec.TestFraction > 0 {
		var err error
		if trainIdx, testIdx, err = TrainTestSplit(y, spec.TestFraction, spec.Seed, spec.Stratify); err != nil {
			return nil, err
		}
	} else if spec.TestFraction < 0 || spec.TestFraction >= 1 || math.IsNaN(spec.TestFraction) {
		return nil, invalidf("testFraction must be in [0, 1), got %v", spec.TestFraction)
	}
	Xtr, ytr := ViewRows(X, trainIdx), Take(y, trainIdx)
	res := &TrainResult{TrainRows: len(trainIdx), TestRows: len(testIdx), TrainIdx: trainIdx, TestIdx: testIdx}
	opt := spec.Fit
	if opt.C == 0 {
		opt.C = 1
	}

	k := spec.CVFolds
	if len(spec.Grid) > 0 {
		if k == 0 {
			k = 5
		}
		g, err := GridSearchC(ctx, Xtr, ytr, spec.Grid, k, spec.Seed, spec.Metric, withoutProgress(opt))
		if err != nil {
			return nil, err
		}
		opt.C = g.BestC
		best := g.Grid[0]
		for _, p := range g.Grid {
			if p.C == g.BestC {
				best = p
			}
		}
		res.CV = &CVResult{Folds: k, Metric: spec.Metric, Mean: best.Mean, Std: best.Std, Scores: best.Scores, Grid: g, Fits: g.Fits, NotConverged: g.NotConverged}
	} else if k > 0 {
		folds, err := StratifiedKFold(ytr, k, spec.Seed)
		if err != nil {
			return nil, err
		}
		scores, nc, err := crossValidate(ctx, Xtr, ytr, folds, spec.Metric, withoutProgress(opt))
		if err != nil {
			return nil, err
		}
		m := mean(scores)
		var ss float64
		for _, s := range scores {
			ss += (s - m) * (s - m)
		}
		res.CV = &CVResult{Folds: k, Metric: spec.Metric, Mean: m, Std: math.Sqrt(ss / float64(len(scores))), Scores: scores, Fits: len(folds), NotConverged: nc}
	}

	if k > 0 {
		// The folds GridSearchC and CrossValidate used (StratifiedKFold is
		// deterministic), as rows of X.
		folds, err := StratifiedKFold(ytr, k, spec.Seed)
		if err != nil {
			return nil, err
		}
		for _, f := range folds {
			rows := make([]int, len(f))
			for i, r := range f {
				rows[i] = trainIdx[r]
			}
			res.Folds = append(res.Folds, rows)
		}
	}

	model, err := FitLogistic(ctx, Xtr, ytr, opt)
	if err != nil {
		return nil, err
	}
	res.Model = model
	ptr, err := model.PredictProba(Xtr)
	if err != nil {
		return nil, err
	}
	method := spec.Threshold
	if method == "" {
		method = ThresholdFixed
	}
	if res.Threshold, err = ChooseThreshold(ytr, ptr, method); err != nil {
		return nil, err
	}
	if res.Train, err = Evaluate(ytr, ptr, res.Threshold); err != nil {
		return nil, err
	}
	cy, cp := ytr, ptr
	res.CurvesOn = "train"
	rocSeries := []ROCSeries{}
	prSeries := []PRSeries{}
	calSeries := []CalibrationSeries{}
	addSeries := func(name string, y, p []float64) error {
		roc, err := ROCCurve(y, p)
		if err != nil {
			return err
		}
		pr, err := PRCurve(y, p)
		if err != nil {
			return err
		}
		cal, err := Calibration(y, p, calibrationBins)
		if err != nil {
			return err
		}
		rocSeries = append(rocSeries, ROCSeries{Name: name, ROC: roc})
		prSeries = append(prSeries, PRSeries{Name: name, PR: pr})
		calSeries = append(calSeries, CalibrationSeries{Name: name, Bins: cal})
		res.ROC, res.PR, res.Calibration = roc, pr, cal
		return nil
	}
	if err := addSeries("train", cy, cp); err != nil {
		return nil, err
	}
	if len(testIdx) > 0 {
		Xte, yte := ViewRows(X, testIdx), Take(y, testIdx)
		pte, err := model.PredictProba(Xte)
		if err != nil {
			return nil, err
		}
		m, err := Evaluate(yte, pte, res.Threshold)
		if err != nil {
			return nil, err
		}
		res.Test = &m
		res.CurvesOn = "test"
		if err := addSeries("test", yte, pte); err != nil {
			return nil, err
		}
	}
	if res.ROCPlot, err = PlotROC("ROC curve", rocSeries...); err != nil {
		return nil, err
	}
	if res.PRPlot, err = PlotPR("Precision-recall curve", prSeries...); err != nil {
		return nil, err
	}
	if res.CalPlot, err = PlotCalibration("Calibration", calSeries...); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func allRows(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// withoutProgress keeps cross-validation fits from reporting as the final fit.
func withoutProgress(o FitOptions) FitOptions {
	o.Progress = nil
	return o
}
