package ml

import "github.com/mms-platform/mms/model"

// Scorer is a fitted binary classifier as prediction uses it, whatever its
// model family: a model version's stored parameters are loaded into the
// Scorer of its algorithm (model.ModelVersion.Algorithm), and prediction needs
// nothing else of it. A second family is a type implementing Scorer, its fit
// function and one case where versions are loaded.
//
// A Scorer is immutable and safe for concurrent use. Prediction calls it once
// per input, so neither method allocates beyond what it returns.
type Scorer interface {
	// Algorithm names the model family (model.AlgorithmLogisticRegression...).
	Algorithm() string
	// Probability returns P(positive class) for one dense row of the model's
	// input columns (the preprocessed row). It returns EINVALID when the row's
	// length differs from the model's.
	Probability(x []float64) (float64, error)
	// Explain appends to dst the additive explanation of one dense row's score:
	// first the baseline, named ExplainBaseline, then one entry per input
	// column, in column order, named by the column; the values sum to the score
	// on the log-odds scale. It returns EINVALID when the row's length differs
	// from the model's.
	Explain(dst []model.Coefficient, x []float64) ([]model.Coefficient, error)
}

// ExplainBaseline names the first entry of an explanation (Scorer.Explain):
// the score at all-zero inputs.
const ExplainBaseline = "(intercept)"

var _ Scorer = (*Logistic)(nil)
