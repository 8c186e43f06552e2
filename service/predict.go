package service

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/service/internal/cache"
)

// DefaultMaxPredictInputs bounds the inputs of one predict request.
const DefaultMaxPredictInputs = 1000

// modelCacheTTL bounds how long an instance serves a model's aliases without
// re-reading them, so setModelAlias reaches every instance within it.
const modelCacheTTL = time.Second

// Predictor is a loaded model version: the exact preprocessing saved with it and
// its fitted model, of whatever algorithm. It is immutable and safe for
// concurrent use.
type Predictor struct {
	Model     string
	Version   int
	Team      string
	Features  []string
	Threshold float64
	// positive, negative and the scorer's column names hold values of the
	// training data (class names, one-hot column names): they reach callers
	// only through Score, which applies the caller's view.
	positive any
	negative any
	pre      *ml.Preprocessor
	scorer   ml.Scorer
	// columnFeature names the feature of each input column.
	columnFeature []string
	// desc is the version's lineage (dataset, features, label, sensitivity),
	// for modelViewOf.
	desc *model.ModelVersion
	// view is what the caller that loaded this copy may see (LoadPredictor).
	view modelView
	// missing holds, by feature, the warning and strict error of a missing
	// value (inputWarnings), formatted once at load.
	missing map[string]missingNote
	// sens caches modelSensitivity for the dataset description it was
	// computed from (shared by the copies of one loaded version).
	sens *atomic.Pointer[sensitivityMemo]
}

// missingNote is what inputWarnings says of a missing feature.
type missingNote struct{ warn, block string }

// sensitivityMemo is modelSensitivity's answer for one cached description
// of the source dataset (see predictorSensitivity).
type sensitivityMemo struct {
	d    *model.Dataset
	view modelView
	team string
}

// predictors caches loaded versions (immutable) and model descriptions (aliases,
// for modelCacheTTL).
type predictors struct {
	versions cache.Map[versionKey, *Predictor]
	models   cache.Map[string, cachedModel]
}

// versionKey names a loaded version in the cache.
type versionKey struct {
	model   string
	version int
}

type cachedModel struct {
	m       *model.Model
	expires time.Time
}

const (
	maxLoadedVersions = 256
	maxCachedModels   = 10000
)

func (c *predictors) model(id string, now time.Time) *model.Model {
	if cm, ok := c.models.Get(id); ok && now.Before(cm.expires) {
		return cm.m
	}
	return nil
}

func (c *predictors) putModel(m *model.Model, now time.Time) {
	c.models.Put(m.ID, cachedModel{m: m, expires: now.Add(modelCacheTTL)}, maxCachedModels)
}

func (c *predictors) forgetModel(id string) {
	c.models.Delete(id)
}

func (c *predictors) version(key versionKey) *Predictor {
	p, _ := c.versions.Get(key)
	return p
}

func (c *predictors) putVersion(key versionKey, p *Predictor) {
	c.versions.Put(key, p, maxLoadedVersions)
}

// LoadPredictor returns the predictor of a model version (by number, alias or the
// latest), authorizing predict on the model. Loaded versions are cached; a
// model's aliases are re-read at most modelCacheTTL later.
func (s *Service) LoadPredictor(ctx context.Context, id string, version *int, alias *string) (*Predictor, error) {
	now := time.Now()
	m := s.predictors.model(id, now)
	if m == nil {
		var err error
		if m, err = s.Models.Model(ctx, id); err != nil {
			if model.ErrorCode(err) == model.ENOTFOUND {
				return nil, s.authorizeOr(ctx, auth.ActPredict, auth.AllTeams, "model/"+id, notFound("model", id))
			}
			return nil, err
		}
		s.predictors.putModel(m, now)
	}
	if err := s.authorizeOrElse(ctx, auth.ActPredict, m.Team, "model/"+id, func() error { return notFound("model", id) }); err != nil {
		return nil, err
	}
	v, err := resolveVersion(m, version, alias)
	if err != nil {
		return nil, err
	}
	key := versionKey{id, v}
	if p := s.predictors.version(key); p != nil {
		return s.predictorFor(ctx, p)
	}
	mv, err := s.Models.ModelVersion(ctx, id, v)
	if err != nil {
		return nil, err
	}
	p, err := newPredictor(mv)
	if err != nil {
		return nil, err
	}
	s.predictors.putVersion(key, p)
	return s.predictorFor(ctx, p)
}

// predictorFor returns p as the caller may use it: a copy carrying the
// caller's view when values of sensitive fields are withheld from it.
func (s *Service) predictorFor(ctx context.Context, p *Predictor) (*Predictor, error) {
	view, team, err := s.predictorSensitivity(ctx, p)
	if err == nil && view.redacts() {
		// as modelViewOf: nothing withheld from a caller with read-sensitive
		var ok bool
		if ok, err = s.readsSensitive(ctx, team, p.desc.Dataset); ok {
			view = modelView{}
		}
	}
	if err != nil {
		return nil, err
	}
	if !view.redacts() {
		return p, nil
	}
	cp := *p
	cp.view = view
	return &cp, nil
}

// predictorSensitivity is modelSensitivity(p.desc), computed once per cached
// description of the source dataset: the answer depends only on the version
// (immutable) and that description, and the dataset read cache hands out the
// same description until it reads the dataset again.
func (s *Service) predictorSensitivity(ctx context.Context, p *Predictor) (modelView, string, error) {
	if p.sens == nil {
		return s.modelSensitivity(ctx, p.desc)
	}
	d, err := s.cachedDataset(ctx, p.desc.Dataset)
	if err != nil {
		return s.modelSensitivity(ctx, p.desc) // decides on the error as always
	}
	if m := p.sens.Load(); m != nil && m.d == d {
		return m.view, m.team, nil
	}
	view, team := sensitivityWith(p.desc, d)
	p.sens.Store(&sensitivityMemo{d: d, view: view, team: team})
	return view, team, nil
}

func newPredictor(mv *model.ModelVersion) (*Predictor, error) {
	var pre ml.Preprocessor
	if err := json.Unmarshal([]byte(mv.Preprocessing), &pre); err != nil {
		return nil, fmt.Errorf("load preprocessing of %s v%d: %w", mv.Model, mv.Version, err)
	}
	sc, err := scorerOf(mv)
	if err != nil {
		return nil, fmt.Errorf("load %s v%d: %w", mv.Model, mv.Version, err)
	}
	p := &Predictor{
		Model: mv.Model, Version: mv.Version, Team: mv.Team, Features: mv.Features,
		Threshold: mv.Threshold, positive: mv.PositiveClass, negative: mv.NegativeClass, pre: &pre, scorer: sc,
		columnFeature: featureOfColumn(&pre),
		desc: &model.ModelVersion{
			Model: mv.Model, Version: mv.Version, Team: mv.Team, Dataset: mv.Dataset, Label: mv.Label,
			Features: mv.Features, SensitiveFeatures: mv.SensitiveFeatures, SensitiveLabel: mv.SensitiveLabel,
		},
		sens: new(atomic.Pointer[sensitivityMemo]),
	}
	p.missing = make(map[string]missingNote, len(pre.Features))
	for _, f := range pre.Features {
		n := missingNote{warn: fmt.Sprintf("field %q is missing: %s", f.Name, p.missingAction(f.Name))}
		if f.Missing == 0 { // as ml.InputNote.Required
			n.block = fmt.Sprintf("field %q is required (every training row had it) but missing or null", f.Name)
		} else {
			n.warn += " (some training rows lacked it too)"
		}
		p.missing[f.Name] = n
	}
	return p, nil
}

// Inputs names the features the model uses (features dropped at fit time, such as
// constant ones, are accepted in inputs but ignored).
func (p *Predictor) Inputs() []string {
	out := make([]string, len(p.pre.Features))
	for i, f := range p.pre.Features {
		out[i] = f.Name
	}
	return out
}

// FeatureDatatype is the Open Inference Protocol datatype of a feature: FP64 for
// numbers, BOOL for booleans, BYTES for categories and text.
func (p *Predictor) FeatureDatatype(name string) string {
	for _, f := range p.pre.Features {
		if f.Name == name {
			switch f.Type {
			case ml.TypeBoolean:
				return "BOOL"
			case ml.TypeCategorical, ml.TypeText:
				return "BYTES"
			}
		}
	}
	return "FP64"
}

// Score scores one input, as the caller that loaded p may see it (modelView).
// explain adds the contributions. A problem with the input (a value of the
// wrong type) is returned as the prediction's error, not as err. It lists no
// warnings (batch scoring counts them instead); ScoreWith does.
func (p *Predictor) Score(input map[string]any, explain bool) model.Prediction {
	return p.view.prediction(p, p.score(input, explain))
}

// ScoreOptions say how to score an input.
type ScoreOptions struct {
	// Explain adds the contributions.
	Explain bool
	// Strict turns the warnings that mean the input is outside what the model
	// was trained on (a required field missing, an unknown category) into the
	// prediction's error (see inputWarnings).
	Strict bool
}

// ScoreWith scores one input (see Score) with its warnings.
func (p *Predictor) ScoreWith(input map[string]any, o ScoreOptions) model.Prediction {
	return p.scoreWith(input, o, nil)
}

// scoreWith is ScoreWith transforming the input into x when it has the
// model's width (a buffer reused between inputs), into a new slice otherwise.
func (p *Predictor) scoreWith(input map[string]any, o ScoreOptions, x []float64) model.Prediction {
	warns, blocking := p.inputWarnings(input)
	pr := p.view.prediction(p, p.scoreInto(input, o.Explain, x))
	if pr.Error == nil && o.Strict && len(blocking) > 0 {
		msg := "strict: " + strings.Join(blocking, "; ")
		pr = model.Prediction{Error: &msg}
	}
	pr.Warnings = nonNil(warns)
	return pr
}

// RowScorer scores inputs one after another with a buffer reused between
// them (the /v2 route scores a request's rows with one). It is not safe for
// concurrent use; the Predictor it comes from is.
type RowScorer struct {
	p *Predictor
	x []float64
}

// Scorer returns a RowScorer of p.
func (p *Predictor) Scorer() *RowScorer {
	return &RowScorer{p: p, x: make([]float64, p.pre.NumColumns)}
}

// Score is p.ScoreWith(input, o).
func (r *RowScorer) Score(input map[string]any, o ScoreOptions) model.Prediction {
	return r.p.scoreWith(input, o, r.x)
}

func (p *Predictor) score(input map[string]any, explain bool) model.Prediction {
	return p.scoreInto(input, explain, nil)
}

func (p *Predictor) scoreInto(input map[string]any, explain bool, x []float64) model.Prediction {
	var err error
	if len(x) == p.pre.NumColumns {
		err = p.pre.TransformInto(x, input)
	} else {
		x, err = p.pre.Transform(input)
	}
	if err != nil {
		msg := model.ErrorMessage(err)
		return model.Prediction{Error: &msg}
	}
	prob, err := p.scorer.Probability(x)
	if err != nil || math.IsNaN(prob) {
		msg := "could not score this input"
		return model.Prediction{Error: &msg}
	}
	out := model.Prediction{Probability: &prob, Label: p.label(prob)}
	if explain {
		// the baseline and one entry per column (ml.Scorer.Explain)
		if out.Contributions, err = p.scorer.Explain(make([]model.Coefficient, 0, len(x)+1), x); err != nil {
			msg := "could not explain this input"
			return model.Prediction{Error: &msg}
		}
	}
	return out
}

// scorerOf loads the fitted model a version stores, by its algorithm: the one
// place that knows which parameters of a version each model family reads.
func scorerOf(mv *model.ModelVersion) (ml.Scorer, error) {
	switch mv.Algorithm {
	case model.AlgorithmLogisticRegression, "": // "": stored before versions named it
		lr := &ml.Logistic{Intercept: mv.Intercept, Coef: make([]float64, len(mv.Coefficients)), Features: mv.Columns, C: mv.C}
		for j, c := range mv.Coefficients {
			lr.Coef[j] = c.Value
		}
		if err := lr.Validate(); err != nil {
			return nil, err
		}
		return lr, nil
	}
	return nil, model.Errorf(model.EINVALID, "algorithm %q is not one this build scores (%s)", mv.Algorithm, model.AlgorithmLogisticRegression)
}

func (p *Predictor) label(prob float64) any {
	pos := prob >= p.Threshold
	switch {
	case p.negative == nil:
		return pos // one-vs-rest: is it the positive class?
	case pos:
		return p.positive
	}
	return p.negative
}

// Predict scores inputs with a model version (predict on the model). Each input
// gets its prediction or its own error, and its warnings; strict makes the
// warnings that mean an input is outside what the model was trained on that
// input's error (ScoreOptions). Bad requests (no inputs, too many) are
// BAD_USER_INPUT.
func (s *Service) Predict(ctx context.Context, id string, version *int, alias *string, inputs []any, strict bool) ([]*model.Prediction, error) {
	return s.PredictWith(ctx, id, version, alias, inputs, ScoreOptions{Explain: true, Strict: strict})
}

// PredictWith is Predict with the scoring options: without Explain the
// predictions have no contributions (the predict query asks for them only
// when its selection has the field).
func (s *Service) PredictWith(ctx context.Context, id string, version *int, alias *string, inputs []any, o ScoreOptions) ([]*model.Prediction, error) {
	max := s.MaxPredictInputs
	if max <= 0 {
		max = DefaultMaxPredictInputs
	}
	switch {
	case len(inputs) == 0:
		return nil, model.Errorf(model.EINVALID, "inputs is empty: give at least one object of feature values")
	case len(inputs) > max:
		return nil, model.Errorf(model.EINVALID, "%d inputs is over the limit of %d per request; split them or use batchPredict", len(inputs), max)
	}
	p, err := s.LoadPredictor(ctx, id, version, alias)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Prediction, len(inputs))
	preds := make([]model.Prediction, len(inputs))
	sc := p.Scorer()
	for i, in := range inputs {
		row, ok := in.(map[string]any)
		if !ok {
			msg := fmt.Sprintf("input %d is not an object of feature values", i)
			out[i] = &model.Prediction{Error: &msg, Warnings: []string{}}
			continue
		}
		preds[i] = sc.Score(normalizeFields(row), o)
		out[i] = &preds[i]
	}
	return out, nil
}
