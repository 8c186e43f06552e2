package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/ml"
	"github.com/mms-platform/mms/model"
)

// ModelStore persists models and their versions.
type ModelStore interface {
	// CreateModel returns model.ECONFLICT if the id exists.
	CreateModel(ctx context.Context, m *model.Model) error
	Model(ctx context.Context, id string) (*model.Model, error)
	ListModels(ctx context.Context, teams []string, after string, limit int) ([]*model.Model, int, error)
	SetModelTraining(ctx context.Context, id string, job *string) error
	// InsertModelVersion stores v under the next version number, which it sets in v.
	InsertModelVersion(ctx context.Context, v *model.ModelVersion) error
	ModelVersion(ctx context.Context, m string, v int) (*model.ModelVersion, error)
	ListModelVersions(ctx context.Context, m string, latest, before, limit int) ([]*model.ModelVersion, error)
	SetModelAlias(ctx context.Context, m, alias string, version int) error
	// RemoveModelAlias returns model.ENOTFOUND when the model has no such alias.
	RemoveModelAlias(ctx context.Context, m, alias string) error
}

// DocumentScanner streams a dataset's documents.
type DocumentScanner interface {
	ScanDocuments(ctx context.Context, dataset string, fn func(*model.Document) error) error
}

// JobKindTrain is the job kind of training runs.
const JobKindTrain = "train"

// trainPayload is a training job's input, with every default resolved.
type trainPayload struct {
	Model         string           `json:"model"`
	Dataset       string           `json:"dataset"`
	Label         string           `json:"label"`
	PositiveClass any              `json:"positiveClass,omitempty"`
	Features      []ml.FeatureSpec `json:"features"`
	TestFraction  float64          `json:"testFraction"`
	Seed          uint64           `json:"seed"`
	Stratify      bool             `json:"stratify"`
	C             float64          `json:"c"`
	MaxIter       int              `json:"maxIter"`
	Tol           float64          `json:"tol"`
	ClassWeight   string           `json:"classWeight"`
	CVFolds       int              `json:"cvFolds,omitempty"`
	Grid          []float64        `json:"grid,omitempty"`
	Metric        string           `json:"metric"`
	Threshold     string           `json:"threshold"`
	// SensitiveFeatures and SensitiveLabel: which inputs were sensitive
	// fields when the job was queued (checkTrainSensitive).
	SensitiveFeatures []string `json:"sensitiveFeatures,omitempty"`
	SensitiveLabel    bool     `json:"sensitiveLabel,omitempty"`
	// Dropped are the dataset's fields that are not features, with the reason
	// (decided from the schema; fitting may drop more).
	Dropped []model.DroppedFeature `json:"dropped,omitempty"`
	// DatasetVersion is the dataset version to train on, fixed when the job
	// is queued (0 in jobs queued before: the current version).
	DatasetVersion int `json:"datasetVersion,omitempty"`
}

// Train validates a training request and queues it (train on the dataset and
// write on the model). The job's result is {"model": id, "version": n}.
func (s *Service) Train(ctx context.Context, in model.TrainInput) (*model.Job, error) {
	d, err := s.Datasets.Dataset(ctx, in.Dataset)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActTrain, auth.AllTeams, "dataset/"+in.Dataset, notFound("dataset", in.Dataset))
		}
		return nil, err
	}
	if err := s.authorizeOr(ctx, auth.ActTrain, d.Team, "dataset/"+d.ID, notFound("dataset", in.Dataset)); err != nil {
		return nil, err
	}
	// An existing model of another team: writing it is decided in its own team,
	// so an outsider is refused and learns nothing about it (not its team).
	if m, err := s.Models.Model(ctx, in.Model); err == nil && m.Team != d.Team {
		if err := s.authorize(ctx, auth.ActWrite, m.Team, "model/"+m.ID); err != nil {
			return nil, err
		}
	}
	// Sensitivity follows data into models: training on a sensitive field
	// needs read-sensitive on the dataset.
	if p, err := trainSpec(d, in); err == nil {
		if err := s.checkTrainSensitive(ctx, d, p); err != nil {
			return nil, err
		}
	}
	var job *model.Job
	err = s.mutate(ctx, auth.ActWrite, d.Team, "model/"+in.Model, "train on dataset "+d.ID, func() error {
		p, err := trainSpec(d, in)
		if err != nil {
			return err
		}
		if err := s.checkTrainSensitive(ctx, d, p); err != nil {
			return err
		}
		m, err := s.Models.Model(ctx, in.Model)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND:
			m = &model.Model{ID: in.Model, Team: d.Team, Dataset: d.ID, CreatedBy: model.PrincipalFromContext(ctx).ID, CreatedAt: s.now()}
			if err := s.Models.CreateModel(ctx, m); err != nil && model.ErrorCode(err) != model.ECONFLICT {
				return err
			}
		case err != nil:
			return err
		case m.Team != d.Team:
			return model.Errorf(model.ECONFLICT, "model %q belongs to team %q; train it on that team's data or pick another id", m.ID, m.Team)
		}
		payload, err := json.Marshal(p)
		if err != nil {
			return err
		}
		now := s.now()
		job = &model.Job{
			ID: jobs.NewID(), Kind: JobKindTrain, Status: model.JobQueued, Team: d.Team, Resource: "model/" + in.Model,
			CreatedBy: model.PrincipalFromContext(ctx).ID, Payload: payload, CreatedAt: now, UpdatedAt: now,
			Result: map[string]any{"model": in.Model},
		}
		// The model shows its training job before the job exists: a runner may
		// start the job the moment it is stored, and the job's own updates of
		// the model (latest version, then the flag cleared) must not race this
		// one. On FerretDB two concurrent updates of one document can lose one:
		// set after the job, the flag could undo the new latest version and
		// leave the model "still training" with no version.
		if err := s.Models.SetModelTraining(ctx, in.Model, &job.ID); err != nil {
			return err
		}
		if err := s.Jobs.CreateJob(ctx, job); err != nil {
			_ = s.Models.SetModelTraining(context.WithoutCancel(ctx), in.Model, m.TrainingJob) // as it was
			return err
		}
		if s.Runner != nil {
			s.Runner.Wake()
		}
		return nil
	})
	return job, err
}

// checkTrainSensitive refuses (FORBIDDEN, audited) training on sensitive
// fields of d, as features or label, by a caller without read-sensitive on d,
// and records the sensitive ones in the payload.
func (s *Service) checkTrainSensitive(ctx context.Context, d *model.Dataset, p *trainPayload) error {
	names := make([]string, len(p.Features))
	for i, f := range p.Features {
		names[i] = f.Name
	}
	p.SensitiveFeatures, p.SensitiveLabel = sensitiveOf(d, names, p.Label)
	if len(p.SensitiveFeatures) == 0 && !p.SensitiveLabel {
		return nil
	}
	ok, err := s.readsSensitive(ctx, d.Team, d.ID)
	if err != nil || ok {
		return err
	}
	fields := append([]string{}, p.SensitiveFeatures...)
	if p.SensitiveLabel {
		fields = append(fields, p.Label)
	}
	return s.deny(ctx, auth.ActReadSensitive, d.Team, "dataset/"+d.ID+"/field/"+fields[0], fmt.Sprintf(
		"training on sensitive fields (%s) of dataset %s needs read-sensitive on it (an EDITOR or OWNER of its team); leave them out with exclude or features",
		strings.Join(fields, ", "), d.ID))
}

// withheldTrainError replaces the message of a training error about a
// sensitive field, which may quote one of its values (the job's error is read
// by every reader of the model's team and sent to webhooks), by one that names
// the field only.
func withheldTrainError(err error, p *trainPayload) error {
	if err == nil || model.ErrorCode(err) != model.EINVALID {
		return err
	}
	msg := model.ErrorMessage(err)
	for _, f := range p.SensitiveFeatures {
		if strings.Contains(msg, fmt.Sprintf("feature %q", f)) {
			return model.Errorf(model.EINVALID, "feature %q: a value of this sensitive field cannot be used as a %s feature (details withheld; look at the documents with read-sensitive)", f, featureType(p, f))
		}
	}
	return err
}

func featureType(p *trainPayload, name string) string {
	for _, f := range p.Features {
		if f.Name == name {
			return f.Type
		}
	}
	return ""
}

var metricNames = []string{ml.MetricAccuracy, ml.MetricF1, ml.MetricROCAUC, ml.MetricAveragePrecision, ml.MetricNegLogLoss}

// trainSpec checks a training request against the dataset's schema and fills in
// the defaults. Every problem is BAD_USER_INPUT naming what to fix.
func trainSpec(d *model.Dataset, in model.TrainInput) (*trainPayload, error) {
	if err := checkSlug("model", in.Model); err != nil {
		return nil, err
	}
	p := &trainPayload{
		Model: in.Model, Dataset: d.ID, Label: in.Label, PositiveClass: normalizeValue(in.PositiveClass),
		TestFraction: 0.25, Seed: 42, Stratify: true, C: 1, MaxIter: ml.DefaultMaxIter, Tol: ml.DefaultTol, ClassWeight: "none",
		Metric: ml.MetricROCAUC, Threshold: ml.ThresholdFixed,
	}
	bad := func(format string, args ...any) error { return model.Errorf(model.EINVALID, format, args...) }
	p.DatasetVersion = d.Version
	if in.DatasetVersion != nil {
		if v := *in.DatasetVersion; v < 1 || v > d.Version {
			return nil, bad("datasetVersion must be between 1 and the dataset's current version %d, got %d", d.Version, v)
		}
		p.DatasetVersion = *in.DatasetVersion
	}
	if in.TestFraction != nil {
		if f := *in.TestFraction; !(f >= 0 && f < 1) {
			return nil, bad("testFraction must be at least 0 and below 1, got %v", f)
		}
		p.TestFraction = *in.TestFraction
	}
	if in.Seed != nil {
		if *in.Seed < 0 {
			return nil, bad("seed must not be negative")
		}
		p.Seed = uint64(*in.Seed)
	}
	if in.Stratify != nil {
		p.Stratify = *in.Stratify
	}
	if in.C != nil {
		if c := *in.C; !(c > 0) || math.IsInf(c, 1) {
			return nil, bad("c must be positive and finite, got %v", c)
		}
		p.C = *in.C
	}
	if in.MaxIter != nil {
		if *in.MaxIter < 1 || *in.MaxIter > 100000 {
			return nil, bad("maxIter must be between 1 and 100000")
		}
		p.MaxIter = *in.MaxIter
	}
	if in.Tol != nil {
		if t := *in.Tol; !(t > 0) || math.IsInf(t, 1) {
			return nil, bad("tol must be positive, got %v", t)
		}
		p.Tol = *in.Tol
	}
	if in.ClassWeight != nil {
		if w := *in.ClassWeight; w != "none" && w != "balanced" {
			return nil, bad("classWeight must be none or balanced, got %q", w)
		}
		p.ClassWeight = *in.ClassWeight
	}
	if in.CvFolds != nil {
		if k := *in.CvFolds; k != 0 && (k < 2 || k > 20) {
			return nil, bad("cvFolds must be 0 or between 2 and 20, got %d", k)
		}
		p.CVFolds = *in.CvFolds
	}
	if len(in.Grid) > 50 {
		return nil, bad("at most 50 grid values")
	}
	for _, c := range in.Grid {
		if !(c > 0) || math.IsInf(c, 1) {
			return nil, bad("grid values must be positive and finite, got %v", c)
		}
	}
	p.Grid = in.Grid
	if in.Metric != nil {
		if !slices.Contains(metricNames, *in.Metric) {
			return nil, bad("metric must be one of %s, got %q", strings.Join(metricNames, ", "), *in.Metric)
		}
		p.Metric = *in.Metric
	}
	if in.Threshold != nil {
		if t := *in.Threshold; t != ml.ThresholdFixed && t != ml.ThresholdF1 && t != ml.ThresholdYouden {
			return nil, bad("threshold must be fixed, f1 or youden, got %q", t)
		}
		p.Threshold = *in.Threshold
	}
	feats, dropped, err := trainFeatures(d, in)
	if err != nil {
		return nil, err
	}
	p.Features, p.Dropped = feats, dropped
	return p, nil
}

// maxAutoCategories is the most distinct values a string field picked by
// default may have to be one-hot encoded as a category (it must also have fewer
// distinct values than half the rows); above, it is dropped as an identifier or
// free text, and dropped says so.
const maxAutoCategories = 50

// trainFeatures resolves the features and their preprocessing from the schema,
// and says why each other field of the dataset is not one.
func trainFeatures(d *model.Dataset, in model.TrainInput) ([]ml.FeatureSpec, []model.DroppedFeature, error) {
	bad := func(format string, args ...any) error { return model.Errorf(model.EINVALID, format, args...) }
	types := map[string]model.FieldType{}
	for _, f := range d.Fields {
		types[f.Name] = f.Type
	}
	if len(d.Fields) == 0 {
		return nil, nil, bad("dataset %q has no schema yet: ingest data first", d.ID)
	}
	if _, ok := types[in.Label]; !ok {
		return nil, nil, bad("unknown label field %q in dataset %q", in.Label, d.ID)
	}
	over := map[string]*model.FeatureInput{}
	for _, f := range in.Preprocessing {
		over[f.Name] = f
	}
	for _, e := range in.Exclude {
		if _, ok := types[e]; !ok {
			return nil, nil, bad("exclude: unknown field %q", e)
		}
	}
	names := in.Features
	explicit := names != nil
	dropped := []model.DroppedFeature{}
	auto := map[string]bool{}
	for _, f := range d.Fields {
		reason := ""
		switch {
		case f.Name == in.Label:
			reason = "the label"
		case explicit:
			if !slices.Contains(names, f.Name) {
				reason = "not listed in features"
			}
		case slices.Contains(in.Exclude, f.Name):
			reason = "excluded by request"
		case f.Name == d.KeyField:
			reason = "the key (keyField): an identifier, not a feature; list it in features to use it anyway"
		default:
			switch f.Type {
			case model.FieldInt, model.FieldFloat, model.FieldBool, model.FieldCategory, model.FieldText, model.FieldString:
				names = append(names, f.Name)
				auto[f.Name] = true
			case model.FieldDate:
				reason = "date: not a feature as such; derive a number from it (e.g. days since an event) in a field of its own"
			default:
				reason = fmt.Sprintf("%s: nested values are not features; flatten the ones you need into fields of their own", strings.ToLower(string(f.Type)))
			}
		}
		if reason != "" {
			dropped = append(dropped, model.DroppedFeature{Name: f.Name, Reason: reason})
		}
	}
	if len(names) == 0 {
		return nil, nil, bad("no features: list them in features, or add numeric, boolean, category, string or text fields")
	}
	var out []ml.FeatureSpec
	seen := map[string]bool{}
	for _, n := range names {
		t, ok := types[n]
		switch {
		case !ok:
			return nil, nil, bad("unknown feature field %q in dataset %q", n, d.ID)
		case n == in.Label:
			return nil, nil, bad("the label %q cannot also be a feature", n)
		case seen[n]:
			return nil, nil, bad("feature %q is listed twice", n)
		}
		seen[n] = true
		fs := ml.FeatureSpec{Name: n}
		switch t {
		case model.FieldInt, model.FieldFloat:
			fs.Type = ml.TypeNumeric
		case model.FieldBool:
			fs.Type = ml.TypeBoolean
		case model.FieldCategory, model.FieldString:
			fs.Type = ml.TypeCategorical
		case model.FieldText:
			fs.Type = ml.TypeText
		default:
			return nil, nil, bad("feature %q is %s: only numbers, booleans, categories, strings and text can be features", n, t)
		}
		if auto[n] {
			// Picked by default: a field without any value is dropped, not an
			// error, and a string field is a category only when it looks like one.
			fs.Optional = true
			if t == model.FieldString {
				fs.MaxCategories = maxAutoCategories
			}
		}
		if fs.Type == ml.TypeNumeric && in.Standardize != nil && !*in.Standardize {
			fs.Scale = "none"
		}
		if o := over[n]; o != nil {
			if o.Type != nil {
				fs.MaxCategories = 0 // the caller chose the type
			}
			if err := applyFeatureInput(&fs, o); err != nil {
				return nil, nil, err
			}
		}
		out = append(out, fs)
	}
	for name := range over {
		if !seen[name] {
			return nil, nil, bad("preprocessing for %q, which is not a feature", name)
		}
	}
	return out, dropped, nil
}

func applyFeatureInput(fs *ml.FeatureSpec, o *model.FeatureInput) error {
	if o.Type != nil {
		fs.Type = *o.Type
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&fs.Impute, o.Impute)
	set(&fs.Scale, o.Scale)
	set(&fs.BinStrategy, o.BinStrategy)
	if o.ImputeValue != nil {
		fs.ImputeValue = *o.ImputeValue
	}
	if o.Bins != nil {
		fs.Bins = *o.Bins
	}
	if o.MinFrequency != nil {
		fs.MinFrequency = *o.MinFrequency
	}
	if o.Text != nil {
		b, _ := json.Marshal(o.Text)
		fs.Text = &ml.TextSpec{}
		if err := json.Unmarshal(b, fs.Text); err != nil {
			return model.Errorf(model.EINVALID, "preprocessing %q: text: %v", fs.Name, err)
		}
	}
	// Fit checks the rest (unknown types, methods, bins) on the data.
	return nil
}

// trainingData is a dataset turned into a model's inputs, cached per dataset
// version and feature spec so re-training with other options does not rescan.
type trainingData struct {
	X              ml.Matrix
	y              []float64
	labels         ml.Labels
	pre            *ml.Preprocessor
	datasetVersion int
	// snapshotSha256 is the snapshot the rows were read from ("": documents).
	snapshotSha256 string
	unlabeled      int
	// keys are the record keys of the rows of X, in order.
	keys []string
}

// featureCache keeps a few recent training matrices, at most
// maxCachedCells cells in all (200 MB of float64), oldest out first.
type featureCache struct {
	mu      sync.Mutex
	entries map[string]*trainingData
	order   []string
	cells   int
}

const (
	maxCachedMatrices = 4
	maxCachedCells    = 25_000_000
)

func matrixCells(d *trainingData) int {
	rows, cols := d.X.Dims()
	return rows * cols
}

func (c *featureCache) get(k string) *trainingData {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[k]
}

func (c *featureCache) put(k string, d *trainingData) {
	n := matrixCells(d)
	if n > maxCachedCells {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*trainingData{}
	}
	if old, ok := c.entries[k]; ok {
		c.cells -= matrixCells(old)
	} else {
		c.order = append(c.order, k)
	}
	c.entries[k] = d
	c.cells += n
	c.evict(0)
}

// makeRoom drops the oldest matrices until one of cells more would fit, so
// that a matrix about to be built does not sit in memory next to the ones
// that will make way for it.
func (c *featureCache) makeRoom(cells int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evict(min(cells, maxCachedCells+1))
}

// evict drops the oldest entries until they are at most maxCachedMatrices
// and their cells plus extra at most maxCachedCells.
func (c *featureCache) evict(extra int) {
	for len(c.order) > 0 && (len(c.order) > maxCachedMatrices || c.cells+extra > maxCachedCells) {
		c.cells -= matrixCells(c.entries[c.order[0]])
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

// loadTrainingData reads the dataset (holding its write lock, so the rows are
// one consistent version) and builds the matrix, or takes it from the cache.
func (s *Service) loadTrainingData(ctx context.Context, owner string, p *trainPayload, prog *jobs.Progress) (td *trainingData, cached bool, err error) {
	if s.Snapshots != nil {
		return s.loadTrainingSnapshot(ctx, p, prog)
	}
	for {
		now := time.Now()
		ok, err := s.Ingestions.LockDataset(ctx, p.Dataset, owner, now, now.Add(datasetLockTTL))
		if err != nil {
			return nil, false, err
		}
		if ok {
			break
		}
		prog.Set(0, model.JobDetail{Phase: "waiting for an ingestion into the dataset to finish"})
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	defer func() { _ = s.Ingestions.UnlockDataset(context.WithoutCancel(ctx), p.Dataset, owner) }()
	d, err := s.Datasets.Dataset(ctx, p.Dataset)
	if err != nil {
		return nil, false, err
	}
	spec, _ := json.Marshal(struct {
		F   []ml.FeatureSpec
		L   string
		Pos any
	}{p.Features, p.Label, p.PositiveClass})
	sum := sha256.Sum256(spec)
	key := fmt.Sprintf("%s@%d/%s", d.ID, d.Version, hex.EncodeToString(sum[:8]))
	if td := s.features.get(key); td != nil {
		prog.Set(0.2, model.JobDetail{Phase: "features from cache", Rows: int64(len(td.y))})
		return td, true, nil
	}
	prog.Set(0.05, model.JobDetail{Phase: "reading dataset"})
	var rows []map[string]any
	var raw []any
	td = &trainingData{datasetVersion: d.Version}
	err = s.Docs.ScanDocuments(ctx, d.ID, func(doc *model.Document) error {
		label := doc.Fields[p.Label]
		if label == nil {
			td.unlabeled++
			return nil
		}
		row := make(map[string]any, len(p.Features))
		for _, f := range p.Features {
			row[f.Name] = doc.Fields[f.Name]
		}
		rows = append(rows, row)
		raw = append(raw, label)
		td.keys = append(td.keys, doc.Key)
		if len(rows)%10000 == 0 {
			prog.Set(0.1, model.JobDetail{Phase: "reading dataset", Rows: int64(len(rows))})
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, false, err
	}
	if len(rows) == 0 {
		return nil, false, model.Errorf(model.EINVALID, "no rows to train on: dataset %q has no document with a value for %q", d.ID, p.Label)
	}
	if td.y, td.labels, err = ml.EncodeLabels(raw, p.PositiveClass); err != nil {
		if p.SensitiveLabel && model.ErrorCode(err) == model.EINVALID {
			return nil, false, model.Errorf(model.EINVALID, "label %q: its values cannot make a binary model (details withheld: the label is a sensitive field; look at its values with read-sensitive, or name positiveClass)", p.Label)
		}
		return nil, false, err
	}
	prog.Set(0.15, model.JobDetail{Phase: "preprocessing", Rows: int64(len(rows))})
	if td.pre, err = ml.Fit(ml.Spec{Features: p.Features}, rows); err != nil {
		return nil, false, withheldTrainError(err, p)
	}
	if td.X, err = td.pre.TransformRows(rows); err != nil {
		return nil, false, withheldTrainError(err, p)
	}
	s.features.put(key, td)
	return td, false, nil
}

// runTrain is the training job.
func (s *Service) runTrain(ctx context.Context, j *model.Job, prog *jobs.Progress) (map[string]any, error) {
	var p trainPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, fmt.Errorf("decode train payload: %w", err)
	}
	defer func() {
		if err := s.Models.SetModelTraining(context.WithoutCancel(ctx), p.Model, nil); err != nil {
			s.Log.Warn("clear training job", "model", p.Model, "err", err)
		}
	}()
	td, cached, err := s.loadTrainingData(ctx, j.ID, &p, prog)
	if err != nil {
		return nil, err
	}
	rows, _ := td.X.Dims()
	res, err := ml.Train(ctx, td.X, td.y, ml.TrainSpec{
		TestFraction: p.TestFraction, Seed: p.Seed, Stratify: p.Stratify, CVFolds: p.CVFolds, Grid: p.Grid,
		Metric: p.Metric, Threshold: p.Threshold,
		Fit: ml.FitOptions{
			C: p.C, ClassWeight: p.ClassWeight, MaxIter: p.MaxIter, Tol: p.Tol, Features: td.pre.ColumnNames(),
			Progress: func(iter int, loss float64) {
				prog.Set(0.3+0.6*float64(iter)/float64(p.MaxIter), model.JobDetail{
					Phase: "fitting", Rows: int64(rows), Message: fmt.Sprintf("iteration %d, loss %.6g", iter, loss),
				})
			},
		},
	})
	if err != nil {
		return nil, err
	}
	v, err := s.modelVersion(ctx, j, &p, td, res)
	if err != nil {
		return nil, err
	}
	if err := s.Models.InsertModelVersion(ctx, v); err != nil {
		return nil, err
	}
	s.predictors.forgetModel(p.Model)
	msg := fmt.Sprintf("version %d", v.Version)
	if cached {
		msg += "; features from cache (dataset not rescanned)"
	}
	if n := len(v.Warnings); n > 0 {
		plural := ""
		if n > 1 {
			plural = "s"
		}
		msg += fmt.Sprintf("; succeeded with %d warning%s: %s", n, plural, strings.Join(v.Warnings, "; "))
	}
	prog.Set(1, model.JobDetail{Phase: "done", Rows: int64(rows), Message: msg})
	return map[string]any{"model": p.Model, "version": v.Version, "warnings": v.Warnings}, nil
}

// modelVersion assembles the stored version from a training result.
func (s *Service) modelVersion(ctx context.Context, j *model.Job, p *trainPayload, td *trainingData, res *ml.TrainResult) (*model.ModelVersion, error) {
	pre, err := json.Marshal(td.pre)
	if err != nil {
		return nil, err
	}
	d, err := s.Datasets.Dataset(ctx, p.Dataset)
	if err != nil {
		return nil, err
	}
	v := &model.ModelVersion{
		Model: p.Model, Team: d.Team, Dataset: p.Dataset, DatasetVersion: td.datasetVersion, Label: p.Label,
		PositiveClass: jsonShape(td.labels.Positive), NegativeClass: jsonShape(td.labels.Negative), Columns: td.pre.ColumnNames(), Algorithm: res.Model.Algorithm(), Intercept: res.Model.Intercept,
		Threshold: res.Threshold, C: res.Model.C, Train: metrics(res.Train), Rows: res.TrainRows + res.TestRows,
		Preprocessing: string(pre), Spec: jsonShape(p), CodeVersion: codeVersion(), CreatedBy: j.CreatedBy,
		CreatedAt: s.now(), Job: j.ID, Dropped: []model.DroppedFeature{},
		Fit: model.FitInfo{
			Iterations: res.Model.Iterations, Converged: res.Model.Converged, Status: res.Model.Status,
			Loss: res.Model.Loss, GradMax: res.Model.GradMax, Seconds: res.Seconds,
		},
	}
	if td.snapshotSha256 != "" {
		sha := td.snapshotSha256
		v.SnapshotSha256 = &sha
	}
	for _, f := range p.Features {
		v.Features = append(v.Features, f.Name)
	}
	// The sensitive inputs: those recorded when the job was queued and those
	// the schema marks now.
	sens, label := sensitiveOf(d, v.Features, v.Label)
	for _, f := range p.SensitiveFeatures {
		if !slices.Contains(sens, f) {
			sens = append(sens, f)
		}
	}
	slices.Sort(sens)
	v.SensitiveFeatures, v.SensitiveLabel = nonNil(sens), label || p.SensitiveLabel
	for i, c := range res.Model.Coef {
		or := math.Exp(c)
		coef := model.Coefficient{Feature: v.Columns[i], Value: c}
		if !math.IsInf(or, 0) {
			coef.OddsRatio = &or
		}
		v.Coefficients = append(v.Coefficients, coef)
	}
	// Every field of the dataset that is not a feature, in schema order: those
	// decided from the schema and those fitting dropped.
	reasons := map[string]string{}
	for _, dr := range p.Dropped {
		reasons[dr.Name] = dr.Reason
	}
	for _, dr := range td.pre.Dropped {
		reasons[dr.Name] = dr.Reason
	}
	for _, f := range d.Fields {
		if r, ok := reasons[f.Name]; ok {
			v.Dropped = append(v.Dropped, model.DroppedFeature{Name: f.Name, Reason: r})
			delete(reasons, f.Name)
		}
	}
	// Fields gone from the schema since the job was queued keep their reason.
	for _, dr := range slices.Concat(p.Dropped, dropped(td.pre)) {
		if r, ok := reasons[dr.Name]; ok {
			v.Dropped = append(v.Dropped, model.DroppedFeature{Name: dr.Name, Reason: r})
			delete(reasons, dr.Name)
		}
	}
	v.Warnings = trainWarnings(p, td, res)
	split, err := s.storeSplit(ctx, p, td, res)
	if err != nil {
		return nil, err
	}
	split.Dataset, split.Team = d.ID, d.Team
	v.Split = split
	if res.Test != nil {
		m := metrics(*res.Test)
		v.Test = &m
	}
	if cv := res.CV; cv != nil {
		v.CV = &model.CrossValidation{Folds: cv.Folds, Metric: cv.Metric, Mean: cv.Mean, Std: cv.Std, Scores: cv.Scores}
		if cv.Grid != nil {
			for _, g := range cv.Grid.Grid {
				v.CV.Grid = append(v.CV.Grid, model.GridPoint{C: g.C, Mean: g.Mean, Std: g.Std, Scores: g.Scores})
			}
		}
	}
	roc := res.ROC.DropIntermediate() // as scikit-learn's roc_curve by default, and the plot
	v.Report = model.ModelReport{
		Roc:    curve(roc.FPR, roc.TPR, roc.Thresholds),
		RocSvg: string(res.ROCPlot), PrSvg: string(res.PRPlot), CalibrationSvg: string(res.CalPlot), CurvesOn: res.CurvesOn,
		Pr: curve(res.PR.Recall, res.PR.Precision, res.PR.Thresholds),
	}
	for _, b := range res.Calibration {
		v.Report.Calibration = append(v.Report.Calibration, model.CalibrationBin{
			Lo: b.Lo, Hi: b.Hi, MeanPredicted: b.MeanPredicted, FractionPositive: b.FractionPositive, Count: b.Count,
		})
	}
	return v, nil
}

func dropped(pre *ml.Preprocessor) []model.DroppedFeature {
	out := make([]model.DroppedFeature, len(pre.Dropped))
	for i, dr := range pre.Dropped {
		out[i] = model.DroppedFeature{Name: dr.Name, Reason: dr.Reason}
	}
	return out
}

// trainWarnings names what a user of the version should know of its run.
func trainWarnings(p *trainPayload, td *trainingData, res *ml.TrainResult) []string {
	w := []string{}
	m := res.Model
	if !m.Converged {
		w = append(w, fmt.Sprintf("did not converge in %d iterations (largest gradient component %.2g, tol %.2g; stopped by %s): the coefficients are not the optimum; raise maxIter or tol",
			m.Iterations, m.GradMax, p.Tol, m.Status))
	}
	if cv := res.CV; cv != nil && cv.NotConverged > 0 {
		w = append(w, fmt.Sprintf("%d of the %d cross-validation fits did not converge in %d iterations: their scores are of unfinished models; raise maxIter or tol", cv.NotConverged, cv.Fits, p.MaxIter))
	}
	if res.Train.ROCAUC == 1 {
		w = append(w, fmt.Sprintf("the training rows are perfectly separable (train ROC AUC 1): the coefficients are bounded only by the regularization (c = %g) and grow with c; expect overconfident probabilities", m.C))
	}
	if n := res.Train.Rows; n > 0 {
		c := res.Train.Confusion
		pos := c.TP + c.FN
		minority, which := pos, "positive"
		if n-pos < pos {
			minority, which = n-pos, "negative"
		}
		if share := float64(minority) / float64(n); share < 0.1 && p.ClassWeight != ml.ClassWeightBalanced {
			w = append(w, fmt.Sprintf("class imbalance: the %s class is %.1f%% of the training rows and classWeight is none, so the model leans to the other class at threshold %g; consider classWeight: balanced or threshold: f1", which, 100*share, res.Threshold))
		}
	}
	rows := len(td.keys)
	for _, f := range td.pre.Features {
		if rows > 0 && f.Missing*2 > rows {
			w = append(w, fmt.Sprintf("feature %q was missing in %d of %d rows (%.0f%%) and imputed (%s)", f.Name, f.Missing, rows, 100*float64(f.Missing)/float64(rows), imputeName(f)))
		}
	}
	if td.unlabeled > 0 {
		w = append(w, fmt.Sprintf("%d documents without a value for the label %q were left out", td.unlabeled, p.Label))
	}
	return w
}

func imputeName(f ml.FittedFeature) string {
	switch f.Type {
	case ml.TypeNumeric:
		if f.Spec.Impute == "" {
			return "mean"
		}
		return f.Spec.Impute
	case ml.TypeCategorical:
		return "unknown category"
	case ml.TypeBoolean:
		return "most frequent value"
	}
	return "empty text"
}

// storeSplit records which rows were held out and in each fold: the keys go to
// the blob store (content-addressed JSON, one blob per distinct split, kept out
// of the version document so that reading or listing versions stays small
// whatever the dataset's size), the rest on the version.
func (s *Service) storeSplit(ctx context.Context, p *trainPayload, td *trainingData, res *ml.TrainResult) (*model.DataSplit, error) {
	sp := &model.DataSplit{
		Seed: int(p.Seed), Stratify: p.Stratify, TestFraction: p.TestFraction,
		TrainRows: res.TrainRows, TestRows: res.TestRows, FoldCount: len(res.Folds),
	}
	if s.Blobs == nil || len(td.keys) != res.TrainRows+res.TestRows {
		return sp, nil
	}
	keys := model.SplitKeys{Test: make([]string, len(res.TestIdx)), Folds: make([][]string, len(res.Folds))}
	for i, r := range res.TestIdx {
		keys.Test[i] = td.keys[r]
	}
	for f, idx := range res.Folds {
		keys.Folds[f] = make([]string, len(idx))
		for i, r := range idx {
			keys.Folds[f][i] = td.keys[r]
		}
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	id := "sha256:" + hex.EncodeToString(sum[:])
	if err := s.Blobs.PutBlob(ctx, id, "split.json", bytes.NewReader(b)); err != nil {
		return nil, err
	}
	sp.KeysBlob = id
	return sp, nil
}

// maxSplitBlob bounds a split blob read back (keys of a large dataset).
const maxSplitBlob = 1 << 30

// SplitKeys returns the keys of a version's split: for a caller who may read
// the source dataset, and read its sensitive fields when its key field is one.
func (s *Service) SplitKeys(ctx context.Context, sp *model.DataSplit) (*model.SplitKeys, error) {
	out := &model.SplitKeys{Test: []string{}, Folds: [][]string{}}
	if sp == nil || sp.KeysBlob == "" {
		return out, nil
	}
	d, err := s.Dataset(ctx, sp.Dataset)
	if err != nil {
		return nil, err
	}
	for _, f := range d.Fields {
		if f.Name == d.KeyField && f.Sensitive {
			ok, err := s.readsSensitive(ctx, d.Team, d.ID)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, s.deny(ctx, auth.ActReadSensitive, d.Team, "dataset/"+d.ID+"/field/"+f.Name,
					fmt.Sprintf("the split's keys are values of the sensitive key field %q of dataset %s: reading them needs read-sensitive on it", f.Name, d.ID))
			}
		}
	}
	rc, _, err := s.Blobs.OpenBlob(ctx, sp.KeysBlob)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if err := json.NewDecoder(io.LimitReader(rc, maxSplitBlob)).Decode(out); err != nil {
		return nil, fmt.Errorf("read split keys: %w", err)
	}
	return out, nil
}

func metrics(m ml.Metrics) model.Metrics {
	return model.Metrics{
		Rows: m.Rows, Accuracy: m.Accuracy, Precision: m.Precision, Recall: m.Recall, F1: m.F1, LogLoss: m.LogLoss,
		Brier: m.Brier, RocAuc: m.ROCAUC, AveragePrecision: m.AveragePrecision, Threshold: m.Threshold,
		Confusion: model.Confusion{Tn: m.Confusion.TN, Fp: m.Confusion.FP, Fn: m.Confusion.FN, Tp: m.Confusion.TP},
	}
}

// maxCurvePoints bounds the stored curves; plots use every point.
const maxCurvePoints = 500

// curve stores a curve's points, every step-th one when there are more than
// maxCurvePoints, and always the first and the last (the ROC's (0,0) and
// (1,1), the PR curve's (recall 0, precision 1)).
func curve(x, y, thr []float64) []model.CurvePoint {
	step := 1
	if len(x) > maxCurvePoints {
		step = (len(x) + maxCurvePoints - 2) / (maxCurvePoints - 1)
	}
	out := []model.CurvePoint{}
	for i := 0; i < len(x); i += step {
		if i+step >= len(x) {
			i = len(x) - 1 // the last point, whatever the step
		}
		p := model.CurvePoint{X: x[i], Y: y[i]}
		if i < len(thr) && !math.IsInf(thr[i], 0) && !math.IsNaN(thr[i]) {
			t := thr[i]
			p.Threshold = &t
		}
		out = append(out, p)
	}
	return out
}

// codeVersion names the build that trained a model: the VCS revision when the
// binary carries one, else the module version.
func codeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return bi.Main.Version
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

var aliasRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
