package model

import "time"

// Model is a named series of trained versions, owned by its dataset's team.
type Model struct {
	ID            string       `json:"id"`
	Team          string       `json:"team"`
	Dataset       string       `json:"dataset"`
	LatestVersion int          `json:"latestVersion"`
	Aliases       []ModelAlias `json:"aliases"`
	TrainingJob   *string      `json:"trainingJob,omitempty"`
	CreatedBy     string       `json:"createdBy"`
	CreatedAt     time.Time    `json:"createdAt"`
}

// ModelAlias names a version (production, staging...).
type ModelAlias struct {
	Alias   string `json:"alias" bson:"alias"`
	Version int    `json:"version" bson:"version"`
}

// AlgorithmLogisticRegression names binary logistic regression, the model
// family of every version stored before versions recorded their algorithm.
const AlgorithmLogisticRegression = "logistic-regression"

// ModelVersion is one trained version: parameters, preprocessing, evaluation and
// lineage. Everything is plain JSON so it stores as a document.
type ModelVersion struct {
	Model          string   `json:"model" bson:"model"`
	Version        int      `json:"version" bson:"version"`
	Aliases        []string `json:"aliases" bson:"-"`
	Team           string   `json:"team" bson:"team"`
	Dataset        string   `json:"dataset" bson:"dataset"`
	DatasetVersion int      `json:"datasetVersion" bson:"datasetVersion"`
	// SnapshotSha256 is the SHA-256 of the dataset version's Parquet snapshot
	// the version was trained on (nil for versions trained from documents).
	SnapshotSha256 *string `json:"snapshotSha256,omitempty" bson:"snapshotSha256,omitempty"`
	Label          string  `json:"label" bson:"label"`
	PositiveClass  any     `json:"positiveClass" bson:"positiveClass"`
	// NegativeClass is the other label value (nil for one-vs-rest).
	NegativeClass any      `json:"negativeClass" bson:"negativeClass"`
	Features      []string `json:"features" bson:"features"`
	Columns       []string `json:"columns" bson:"columns"`
	// Algorithm names the model family, which says how the parameters below
	// score an input (AlgorithmLogisticRegression: Intercept, Coefficients, C).
	Algorithm    string           `json:"algorithm" bson:"algorithm"`
	Intercept    float64          `json:"intercept" bson:"intercept"`
	Coefficients []Coefficient    `json:"coefficients" bson:"coefficients"`
	Threshold    float64          `json:"threshold" bson:"threshold"`
	C            float64          `json:"c" bson:"c"`
	Train        Metrics          `json:"train" bson:"train"`
	Test         *Metrics         `json:"test" bson:"test"`
	CV           *CrossValidation `json:"cv" bson:"cv"`
	Rows         int              `json:"rows" bson:"rows"`
	Dropped      []DroppedFeature `json:"dropped" bson:"dropped"`
	// Preprocessing is the fitted ml.Preprocessor, as JSON text.
	Preprocessing string      `json:"-" bson:"preprocessing"`
	Spec          any         `json:"spec" bson:"spec"`
	Fit           FitInfo     `json:"fit" bson:"fit"`
	CodeVersion   string      `json:"codeVersion" bson:"codeVersion"`
	CreatedBy     string      `json:"createdBy" bson:"createdBy"`
	CreatedAt     time.Time   `json:"createdAt" bson:"createdAt"`
	Job           string      `json:"job" bson:"job"`
	Report        ModelReport `json:"report" bson:"report"`
	// SensitiveFeatures are the features that were sensitive fields of the
	// source dataset when the version was trained; SensitiveLabel tells the
	// same of the label. Values derived from them (category names, bin edges,
	// text buckets, class names) are withheld from callers without
	// read-sensitive on the source dataset.
	SensitiveFeatures []string `json:"sensitiveFeatures" bson:"sensitiveFeatures"`
	SensitiveLabel    bool     `json:"sensitiveLabel" bson:"sensitiveLabel"`
	// Redacted is set in a caller's view when values of sensitive fields were
	// withheld from it (never stored).
	Redacted bool `json:"redacted" bson:"-"`
	// Warnings name the choices and problems of the run a user should know of
	// (non-convergence, separable classes, imbalance, heavy imputation, rows
	// without a label).
	Warnings []string `json:"warnings" bson:"warnings"`
	// Split says which rows were held out and in each fold (nil for versions
	// trained before it was recorded).
	Split *DataSplit `json:"split" bson:"split"`
}

// DataSplit is how a training run split its rows. The keys themselves are
// stored apart from the version (KeysBlob), read on demand.
type DataSplit struct {
	Seed         int     `json:"seed" bson:"seed"`
	Stratify     bool    `json:"stratify" bson:"stratify"`
	TestFraction float64 `json:"testFraction" bson:"testFraction"`
	TrainRows    int     `json:"trainRows" bson:"trainRows"`
	TestRows     int     `json:"testRows" bson:"testRows"`
	FoldCount    int     `json:"foldCount" bson:"foldCount"`
	// KeysBlob is the blob (content-addressed) holding SplitKeys as JSON.
	KeysBlob string `json:"-" bson:"keysBlob"`
	// Dataset and Team are the source dataset (to authorize reading its keys).
	Dataset string `json:"-" bson:"dataset"`
	Team    string `json:"-" bson:"team"`
}

// SplitKeys are the record keys of a split: the test rows and each fold's
// validation rows, in the order of the rows of the training matrix.
type SplitKeys struct {
	Test  []string   `json:"test"`
	Folds [][]string `json:"folds"`
}

// Coefficient is one input column's weight.
type Coefficient struct {
	Feature   string   `json:"feature" bson:"feature"`
	Value     float64  `json:"value" bson:"value"`
	OddsRatio *float64 `json:"oddsRatio" bson:"oddsRatio"`
	// Redacted marks an entry that stands for every column of a sensitive
	// feature, in the view of a caller without read-sensitive (never stored).
	Redacted bool `json:"redacted" bson:"-"`
}

// Metrics evaluate a model on one set of rows.
type Metrics struct {
	Rows             int       `json:"rows" bson:"rows"`
	Accuracy         float64   `json:"accuracy" bson:"accuracy"`
	Precision        float64   `json:"precision" bson:"precision"`
	Recall           float64   `json:"recall" bson:"recall"`
	F1               float64   `json:"f1" bson:"f1"`
	LogLoss          float64   `json:"logLoss" bson:"logLoss"`
	Brier            float64   `json:"brier" bson:"brier"`
	RocAuc           float64   `json:"rocAuc" bson:"rocAuc"`
	AveragePrecision float64   `json:"averagePrecision" bson:"averagePrecision"`
	Threshold        float64   `json:"threshold" bson:"threshold"`
	Confusion        Confusion `json:"confusion" bson:"confusion"`
}

// Confusion is a confusion matrix at a threshold.
type Confusion struct {
	Tn int `json:"tn" bson:"tn"`
	Fp int `json:"fp" bson:"fp"`
	Fn int `json:"fn" bson:"fn"`
	Tp int `json:"tp" bson:"tp"`
}

// DroppedFeature is a feature that produced no input column, and why.
type DroppedFeature struct {
	Name   string `json:"name" bson:"name"`
	Reason string `json:"reason" bson:"reason"`
}

// CrossValidation is k-fold cross-validation on the training rows.
type CrossValidation struct {
	Folds  int         `json:"folds" bson:"folds"`
	Metric string      `json:"metric" bson:"metric"`
	Mean   float64     `json:"mean" bson:"mean"`
	Std    float64     `json:"std" bson:"std"`
	Scores []float64   `json:"scores" bson:"scores"`
	Grid   []GridPoint `json:"grid" bson:"grid"`
}

// GridPoint is one C value of a grid search.
type GridPoint struct {
	C    float64 `json:"c" bson:"c"`
	Mean float64 `json:"mean" bson:"mean"`
	Std  float64 `json:"std" bson:"std"`
	// Scores are the metric on each fold, in fold order.
	Scores []float64 `json:"scores" bson:"scores"`
}

// FitInfo describes the optimizer's run.
type FitInfo struct {
	Iterations int     `json:"iterations" bson:"iterations"`
	Converged  bool    `json:"converged" bson:"converged"`
	Status     string  `json:"status" bson:"status"`
	Loss       float64 `json:"loss" bson:"loss"`
	GradMax    float64 `json:"gradMax" bson:"gradMax"`
	Seconds    float64 `json:"seconds" bson:"seconds"`
}

// ModelReport is a version's evaluation report.
type ModelReport struct {
	// The plots' SVG text, stored with the version and served under /artifacts.
	RocSvg         string `json:"-" bson:"rocSvg"`
	PrSvg          string `json:"-" bson:"prSvg"`
	CalibrationSvg string `json:"-" bson:"calibrationSvg"`
	// The plots' paths under /artifacts, set when the version is read.
	RocPlot         string           `json:"rocPlot" bson:"-"`
	PrPlot          string           `json:"prPlot" bson:"-"`
	CalibrationPlot string           `json:"calibrationPlot" bson:"-"`
	CurvesOn        string           `json:"curvesOn" bson:"curvesOn"`
	Roc             []CurvePoint     `json:"roc" bson:"roc"`
	Pr              []CurvePoint     `json:"pr" bson:"pr"`
	Calibration     []CalibrationBin `json:"calibration" bson:"calibration"`
}

// CurvePoint is a point of a ROC (x FPR, y TPR) or PR (x recall, y precision) curve.
type CurvePoint struct {
	X         float64  `json:"x" bson:"x"`
	Y         float64  `json:"y" bson:"y"`
	Threshold *float64 `json:"threshold" bson:"threshold"`
}

// CalibrationBin is one bin of a reliability diagram.
type CalibrationBin struct {
	Lo               float64 `json:"lo" bson:"lo"`
	Hi               float64 `json:"hi" bson:"hi"`
	MeanPredicted    float64 `json:"meanPredicted" bson:"meanPredicted"`
	FractionPositive float64 `json:"fractionPositive" bson:"fractionPositive"`
	Count            int     `json:"count" bson:"count"`
}

// Prediction is one input's result: the probability of the positive class, the
// label at the model's threshold, and each input column's contribution to the
// log-odds (coefficient x transformed value; "(intercept)" first). Error is set,
// and the rest empty, when this input could not be scored.
type Prediction struct {
	Probability   *float64      `json:"probability,omitempty"`
	Label         any           `json:"label,omitempty"`
	Contributions []Coefficient `json:"contributions,omitempty"`
	Error         *string       `json:"error,omitempty"`
	// Warnings say what was done with the input that the caller may not
	// expect: fields imputed, unknown categories, fields ignored.
	Warnings []string `json:"warnings,omitempty"`
}
