package service

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/snapshot"
)

// PredictionStore keeps batch predictions written to a collection.
type PredictionStore interface {
	EnsurePredictionCollection(ctx context.Context, name string) error
	WritePredictions(ctx context.Context, name string, preds []model.StoredPrediction) error
	// InsertPredictions inserts predictions and returns the keys already
	// stored, which it leaves alone.
	InsertPredictions(ctx context.Context, name string, preds []model.StoredPrediction) (existing []string, err error)
	PredictionsByKey(ctx context.Context, name string, keys []string) (map[string]model.StoredPrediction, error)
	ListPredictions(ctx context.Context, name, after string, limit int) ([]*model.StoredPrediction, int, error)
}

// JobKindBatchPredict is the job kind of batch predictions.
const JobKindBatchPredict = "batchPredict"

type batchPayload struct {
	Model      string              `json:"model"`
	Version    int                 `json:"version"`
	Dataset    string              `json:"dataset"`
	Where      []model.FieldFilter `json:"where,omitempty"`
	Field      string              `json:"field,omitempty"`
	Collection string              `json:"collection,omitempty"`
	// MaskLabel: the model's label is a sensitive field; the job writes
	// true/false (the positive class predicted or not) instead of class names.
	MaskLabel bool `json:"maskLabel,omitempty"`
}

var collectionNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// BatchPredict queues scoring of a dataset's selected documents (predict on the
// model, write on the dataset). The version is fixed when the job is queued, so
// an alias moving meanwhile does not change what the job writes. The job scores
// the dataset version current when it runs (into a collection: read from that
// version's snapshot) and its result names it (scoredVersion).
func (s *Service) BatchPredict(ctx context.Context, modelID string, version *int, alias *string, dataset string, where []*model.FieldFilter, out model.PredictionOutputInput) (*model.Job, error) {
	p, err := s.LoadPredictor(ctx, modelID, version, alias)
	if err != nil {
		return nil, err
	}
	d, err := s.Dataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	// Predicted class names of a sensitive label would land in documents that
	// callers without read-sensitive on the model's source read: the job
	// writes true/false (the positive class predicted or not) instead.
	sens, _, err := s.modelSensitivity(ctx, p.desc)
	if err != nil {
		return nil, err
	}
	var job *model.Job
	err = s.mutate(ctx, auth.ActWrite, d.Team, "dataset/"+d.ID, fmt.Sprintf("batch predict with %s v%d", p.Model, p.Version), func() error {
		pl := batchPayload{Model: p.Model, Version: p.Version, Dataset: d.ID, MaskLabel: sens.label}
		switch {
		case (out.Field == nil) == (out.Collection == nil):
			return model.Errorf(model.EINVALID, "output: give exactly one of field or collection")
		case out.Field != nil:
			if err := checkFieldName(*out.Field); err != nil {
				return err
			}
			if f := fieldSpec(d, *out.Field); f != nil && f.Type != model.FieldJSON {
				return model.Errorf(model.EINVALID, "output field %q is a %s field of the schema; pick a new name", *out.Field, f.Type)
			}
			pl.Field = *out.Field
		default:
			if !collectionNameRE.MatchString(*out.Collection) {
				return model.Errorf(model.EINVALID, "output collection %q: use 1-63 lower-case letters, digits, - or _", *out.Collection)
			}
			pl.Collection = *out.Collection
		}
		var err error
		if pl.Where, err = typedFilters(d, where); err != nil {
			return err
		}
		payload, _ := json.Marshal(pl)
		now := s.now()
		job = &model.Job{
			ID: jobs.NewID(), Kind: JobKindBatchPredict, Status: model.JobQueued, Team: d.Team, Resource: "dataset/" + d.ID,
			CreatedBy: model.PrincipalFromContext(ctx).ID, Payload: payload, CreatedAt: now, UpdatedAt: now,
			Result: map[string]any{"model": p.Model, "version": p.Version},
		}
		if err := s.Jobs.CreateJob(ctx, job); err != nil {
			return err
		}
		if s.Runner != nil {
			s.Runner.Wake()
		}
		return nil
	})
	return job, err
}

// batchSize is how many documents a batch prediction scores per write.
const batchSize = 500

// batchCounts tallies a batch prediction.
type batchCounts struct {
	scored, written, unchanged, failed int
	warned                             warningCounts
}

// runBatchPredict scores the selected rows and writes the results; values
// already written by the same version are left alone, so re-running changes
// nothing. The result names the dataset version scored (scoredVersion).
func (s *Service) runBatchPredict(ctx context.Context, j *model.Job, prog *jobs.Progress) (map[string]any, error) {
	var pl batchPayload
	if err := json.Unmarshal(j.Payload, &pl); err != nil {
		return nil, fmt.Errorf("decode batch payload: %w", err)
	}
	mv, err := s.Models.ModelVersion(ctx, pl.Model, pl.Version)
	if err != nil {
		return nil, err
	}
	p, err := newPredictor(mv)
	if err != nil {
		return nil, err
	}
	p.view = modelView{label: pl.MaskLabel}
	var c batchCounts
	res := map[string]any{"model": p.Model, "version": p.Version, "dataset": pl.Dataset}
	if pl.Field != "" {
		err = s.batchIntoField(ctx, j, &pl, p, prog, &c, res)
	} else {
		err = s.batchIntoCollection(ctx, &pl, p, prog, &c, res)
	}
	if err != nil {
		return nil, err
	}
	res["scored"], res["written"], res["unchanged"], res["failed"] = c.scored, c.written, c.unchanged, c.failed
	res["warnings"] = c.warned.result()
	return res, nil
}

// batchIntoCollection scores the rows of the dataset's current version that
// match where, read from the version's snapshot (the model's input columns
// only; a sensitive input opened as the store opens it for documents), and
// writes the changed predictions to the collection. Without snapshots
// configured it reads the documents instead.
func (s *Service) batchIntoCollection(ctx context.Context, pl *batchPayload, p *Predictor, prog *jobs.Progress, c *batchCounts, res map[string]any) error {
	coll := predictionCollection(pl.Dataset, pl.Collection)
	if err := s.StoredPredictions.EnsurePredictionCollection(ctx, coll); err != nil {
		return err
	}
	// Into a collection empty when the job starts, predictions are inserted
	// without looking up earlier ones (only a concurrent job into the same
	// collection may have written some: those are compared as on a re-run).
	_, n, err := s.StoredPredictions.ListPredictions(ctx, coll, "", 1)
	if err != nil {
		return err
	}
	fresh, total := n == 0, 0
	page := func(keys []string, inputs []map[string]any) error {
		now := s.now()
		preds := make([]model.StoredPrediction, len(inputs))
		for i, in := range inputs {
			pr := p.Score(in, false)
			c.warned.add(p, in)
			c.scored++
			if pr.Error != nil {
				c.failed++
			}
			preds[i] = model.StoredPrediction{Key: keys[i], Probability: pr.Probability, Label: pr.Label, Model: p.Model, Version: p.Version, Error: pr.Error, At: now}
		}
		if fresh {
			existing, err := s.StoredPredictions.InsertPredictions(ctx, coll, preds)
			if err != nil {
				return err
			}
			c.written += len(preds) - len(existing)
			preds = slices.DeleteFunc(preds, func(sp model.StoredPrediction) bool { return !slices.Contains(existing, sp.Key) })
		}
		if err := s.writeChangedPredictions(ctx, coll, preds, c); err != nil {
			return err
		}
		prog.Set(float64(c.scored)/float64(max(total, 1)), model.JobDetail{Phase: "scoring", Rows: int64(c.scored)})
		return ctx.Err()
	}
	if s.Snapshots == nil {
		return s.batchDocuments(ctx, pl, &total, func(docs []*model.Document) error {
			keys, inputs := make([]string, len(docs)), make([]map[string]any, len(docs))
			for i, d := range docs {
				keys[i], inputs[i] = d.Key, d.Fields
			}
			return page(keys, inputs)
		})
	}
	view, err := s.currentView(ctx, pl.Dataset, &scope{}, pl.Where, func() {
		prog.Set(0, model.JobDetail{Phase: "waiting for an ingestion into the dataset to finish"})
	})
	if err != nil {
		return err
	}
	res["scoredVersion"] = view.dv.Version
	r, closer, err := s.openSnapshot(ctx, view.dv)
	if err != nil {
		return err
	}
	defer closer.Close()
	total = int(r.NumRows())
	if view.keys != nil {
		total = len(view.keys)
	}
	names := viewColumns(r, p.Inputs())
	keys, inputs := make([]string, 0, batchSize), make([]map[string]any, 0, batchSize)
	err = s.scanView(ctx, r, view, names, true, func(b *snapshot.Batch, rows []int) error {
		for _, i := range rows {
			in, err := s.snapshotFields(pl.Dataset, names, b, i)
			if err != nil {
				return err
			}
			keys, inputs = append(keys, b.Keys[i]), append(inputs, in)
			if len(keys) == batchSize {
				if err := page(keys, inputs); err != nil {
					return err
				}
				keys, inputs = keys[:0], inputs[:0]
			}
		}
		return nil
	})
	if err != nil || len(keys) == 0 {
		return err
	}
	return page(keys, inputs)
}

// writeChangedPredictions upserts those of preds that differ from what the
// collection holds for their keys (counted written; the others unchanged).
func (s *Service) writeChangedPredictions(ctx context.Context, coll string, preds []model.StoredPrediction, c *batchCounts) error {
	if len(preds) == 0 {
		return nil
	}
	keys := make([]string, len(preds))
	for i, sp := range preds {
		keys[i] = sp.Key
	}
	stored, err := s.StoredPredictions.PredictionsByKey(ctx, coll, keys)
	if err != nil {
		return err
	}
	changed := preds[:0]
	for _, sp := range preds {
		if old, ok := stored[sp.Key]; ok && samePrediction(old, sp) {
			c.unchanged++
			continue
		}
		changed = append(changed, sp)
	}
	if len(changed) > 0 {
		if err := s.StoredPredictions.WritePredictions(ctx, coll, changed); err != nil {
			return err
		}
	}
	c.written += len(changed)
	return nil
}

// batchDocuments calls page with the dataset's documents matching where,
// batchSize at a time in key order, and sets total to their count.
func (s *Service) batchDocuments(ctx context.Context, pl *batchPayload, total *int, page func([]*model.Document) error) error {
	q := model.DocumentQuery{Where: pl.Where, Limit: batchSize}
	first := true
	for {
		docs, n, err := s.Docs.FindDocuments(ctx, pl.Dataset, q)
		if err != nil {
			return err
		}
		if first {
			*total, first = n, false
		}
		if len(docs) == 0 {
			return nil
		}
		q.AfterKey = docs[len(docs)-1].Key
		if err := page(docs); err != nil {
			return err
		}
	}
}

// batchIntoField writes the predictions into a field of the documents: a
// dataset version like an ingestion, under the dataset's write lock, each
// changed document stamped with the next version, committed at the end with
// the output field in the schema. It reads the documents themselves (it
// rewrites them), not the snapshot.
func (s *Service) batchIntoField(ctx context.Context, j *model.Job, pl *batchPayload, p *Predictor, prog *jobs.Progress, c *batchCounts, res map[string]any) error {
	r := &ingestRun{s: s, p: &ingestPayload{Dataset: pl.Dataset}, prog: prog, owner: j.ID}
	if err := r.lock(ctx); err != nil {
		return err
	}
	defer func() { _ = s.Ingestions.UnlockDataset(context.WithoutCancel(ctx), pl.Dataset, j.ID) }()
	ds, err := s.Datasets.Dataset(ctx, pl.Dataset)
	if err != nil {
		return err
	}
	if f := fieldSpec(ds, pl.Field); f != nil && f.Type != model.FieldJSON {
		return model.Errorf(model.EINVALID, "output field %q became a %s field of the schema since the job was queued; pick a new name", pl.Field, f.Type)
	}
	res["scoredVersion"] = ds.Version
	target, changed, total := ds.Version+1, false, 0
	err = s.batchDocuments(ctx, pl, &total, func(docs []*model.Document) error {
		now := s.now()
		var writes []model.DocumentWrite
		for _, d := range docs {
			pr := p.Score(d.Fields, false)
			c.warned.add(p, d.Fields)
			c.scored++
			if pr.Error != nil {
				c.failed++
			}
			val := map[string]any{"probability": nil, "label": pr.Label, "model": p.Model, "version": int64(p.Version)}
			if pr.Probability != nil {
				val["probability"] = *pr.Probability
			}
			if pr.Error != nil {
				val["error"] = *pr.Error
			}
			val = normalizeFields(jsonShape(val).(map[string]any))
			if sameValue(d.Fields[pl.Field], val) {
				c.unchanged++
				// Written by an earlier run of this job that ended before its commit.
				changed = changed || d.DatasetVersion == target
				continue
			}
			nd := *d
			nd.Fields = make(map[string]any, len(d.Fields)+1)
			for k, v := range d.Fields {
				nd.Fields[k] = v
			}
			nd.Fields[pl.Field] = val
			nd.Version, nd.DatasetVersion, nd.UpdatedAt = d.Version+1, target, now
			writes = append(writes, model.DocumentWrite{Doc: &nd, Expect: d.Version})
		}
		if len(writes) > 0 {
			if _, err := s.Docs.WriteDocuments(ctx, pl.Dataset, writes); err != nil {
				return err
			}
			changed = true
		}
		c.written += len(writes)
		prog.Set(float64(c.scored)/float64(max(total, 1)), model.JobDetail{Phase: "scoring", Rows: int64(c.scored)})
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	version, err := s.commitPredictionField(ctx, ds, pl.Field, target, changed)
	if err != nil {
		return err
	}
	res["datasetVersion"] = version
	return nil
}

// commitPredictionField ends a batch prediction written into a field: when a
// document changed, the dataset advances to target (the version its documents
// carry) and the field joins the schema as JSON (the object
// {probability, label, model, version[, error]}), through the same commit as an
// ingestion's. It returns the dataset's version.
func (s *Service) commitPredictionField(ctx context.Context, d *model.Dataset, field string, target int, changed bool) (int, error) {
	fields := slices.Clone(d.Fields)
	if len(fields) > 0 && fieldSpec(d, field) == nil {
		fields = append(fields, model.FieldSpec{Name: field, Type: model.FieldJSON})
	}
	if !changed && len(fields) == len(d.Fields) {
		return d.Version, nil
	}
	// Nothing inserts or deletes documents under the lock: the count stands.
	if err := s.Ingestions.FinishDatasetIngest(ctx, d.ID, target, fields, d.DocumentCount, s.now()); err != nil {
		return 0, err
	}
	s.ForgetDataset(d.ID)
	return target, nil
}

func samePrediction(a, b model.StoredPrediction) bool {
	same := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	sameErr := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Model == b.Model && a.Version == b.Version && same(a.Probability, b.Probability) &&
		sameValue(normalizeValue(a.Label), normalizeValue(b.Label)) && sameErr(a.Error, b.Error)
}

// Predictions pages through a prediction collection (read on the dataset).
//
// A caller whose share limits it to some fields or rows may not read them: the
// predictions cover every row and come from every field.
func (s *Service) Predictions(ctx context.Context, dataset, collection string, first *int, after *string) (*model.StoredPredictionConnection, error) {
	d, sc, err := s.readDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	if sc.visible != nil || len(sc.rows) > 0 {
		return nil, s.deny(ctx, auth.ActRead, d.Team, "dataset/"+d.ID+"/predictions",
			fmt.Sprintf("stored predictions cover every row of dataset %q; the caller's share is limited to some fields or rows", d.ID))
	}
	if !collectionNameRE.MatchString(collection) {
		return nil, model.Errorf(model.EINVALID, "collection %q: use 1-63 lower-case letters, digits, - or _", collection)
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	pos, err := decodeCursor("pred", after)
	if err != nil {
		return nil, err
	}
	ps, total, err := s.StoredPredictions.ListPredictions(ctx, predictionCollection(d.ID, collection), pos, n+1)
	if err != nil {
		return nil, err
	}
	conn := &model.StoredPredictionConnection{Edges: []*model.StoredPredictionEdge{}, PageInfo: &model.PageInfo{}, TotalCount: total}
	if len(ps) > n {
		ps, conn.PageInfo.HasNextPage = ps[:n], true
	}
	for _, p := range ps {
		conn.Edges = append(conn.Edges, &model.StoredPredictionEdge{Cursor: encodeCursor("pred", p.Key), Node: p})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, pos != "")
	return conn, nil
}

// predictionCollection names the store collection of a dataset's stored
// predictions: the name a caller gives is bound to the dataset, so reading a
// dataset's predictions never reaches another dataset's. Neither part holds a
// dot (both are slugs).
func predictionCollection(dataset, name string) string { return dataset + "." + name }
