// Package ml is the machine-learning core of MMS: feature preprocessing for tabular
// and text data, train/test splits and cross-validation, binary logistic regression
// fitted with gonum's L-BFGS, evaluation metrics, and SVG plots of the curves.
//
// It is a pure package (the functional core of the training use case): it does no
// I/O, touches no database and no network, and every random choice is driven by an
// explicit seed. Bad input is reported as a *model.Error with code model.EINVALID and
// a message that names what to fix; any other error is internal.
//
// The numbers follow scikit-learn where there is a scikit-learn equivalent
// (StandardScaler, KBinsDiscretizer, LogisticRegression(solver="lbfgs"),
// sklearn.metrics); testdata/ml/sklearn_reference.json, produced by
// scripts/sklearn_reference.py, pins the agreement in the tests.
//
// The metric functions take labels y (0 or 1) and scores p of the same, non-zero
// length; those that need probabilities require p in [0, 1], the others accept any
// finite scores. A row is predicted positive when p >= threshold, the convention of
// scikit-learn's curves (LogisticRegression.predict uses p > 0.5; the two differ only
// at exactly 0.5).
//
// A typical training run:
//
//	pre, err := ml.Fit(spec, rows)            // learn imputation, scaling, categories
//	X, err := pre.TransformRows(rows)         // *Dense, or *Sparse when text is hashed
//	y, labels, err := ml.EncodeLabels(values, positive)
//	train, test, err := ml.TrainTestSplit(y, 0.2, seed, true)
//	m, err := ml.FitLogistic(ctx, ml.SelectRows(X, train), ml.Take(y, train), ml.FitOptions{C: 1, Features: pre.ColumnNames()})
//	p, err := m.PredictProba(ml.SelectRows(X, test))
//	met, err := ml.Evaluate(ml.Take(y, test), p, 0.5)
package ml
