package service

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
)

// JobKindGoldLabels is the job kind that writes gold labels into a dataset.
const JobKindGoldLabels = "goldLabels"

type goldPayload struct {
	Task  string `json:"task"`
	Field string `json:"field"`
}

// WriteGoldLabels queues writing each reviewed item's document classes into a
// dataset field, so that train can learn from them (read on the task, write on
// the dataset).
func (s *Service) WriteGoldLabels(ctx context.Context, taskID, field string) (*model.Job, error) {
	t, err := s.annotationTask(ctx, taskID, auth.ActRead)
	if err != nil {
		return nil, err
	}
	d, err := s.Dataset(ctx, t.Dataset)
	if err != nil {
		return nil, err
	}
	var job *model.Job
	err = s.mutate(ctx, auth.ActWrite, d.Team, "dataset/"+d.ID, "write gold labels of task "+t.ID+" into "+field, func() error {
		if err := checkFieldName(field); err != nil {
			return err
		}
		if f := fieldSpec(d, field); f != nil && f.Type != model.FieldCategory && f.Type != model.FieldJSON {
			return model.Errorf(model.EINVALID, "field %q is a %s field; gold labels need a new, category or json field", field, f.Type)
		}
		// Labels judged on sensitive text are sensitive too: they go only into
		// a field the dataset declares sensitive (sealed, masked for readers
		// without read-sensitive).
		sens, _, err := s.taskSensitive(ctx, t)
		if err != nil {
			return err
		}
		if f := fieldSpec(d, field); len(sens) > 0 && (f == nil || !f.Sensitive) {
			return model.Errorf(model.EINVALID, "task %s draws from sensitive fields (%s): its gold labels go only into a category or json field that dataset %s declares sensitive; %q is not one",
				t.ID, strings.Join(sens, ", "), d.ID, field)
		}
		payload, _ := json.Marshal(goldPayload{Task: t.ID, Field: field})
		now := s.now()
		job = &model.Job{
			ID: jobs.NewID(), Kind: JobKindGoldLabels, Status: model.JobQueued, Team: d.Team, Resource: "dataset/" + d.ID,
			CreatedBy: model.PrincipalFromContext(ctx).ID, Payload: payload, CreatedAt: now, UpdatedAt: now,
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

// runGoldLabels writes gold classes into the dataset under its write lock and
// adds the field to the schema (CATEGORY with the schema's classes, or JSON for
// multi-label schemas), as a new dataset version when anything changed.
func (s *Service) runGoldLabels(ctx context.Context, j *model.Job, prog *jobs.Progress) (map[string]any, error) {
	var p goldPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, err
	}
	t, err := s.Annotations.AnnotationTask(ctx, p.Task)
	if err != nil {
		return nil, err
	}
	ls, err := s.Annotations.LabelSchema(ctx, t.Schema)
	if err != nil {
		return nil, err
	}
	r := &ingestRun{s: s, p: &ingestPayload{Dataset: t.Dataset}, prog: prog, owner: j.ID}
	if err := r.lock(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = s.Ingestions.UnlockDataset(context.WithoutCancel(ctx), t.Dataset, j.ID) }()
	d, err := s.Datasets.Dataset(ctx, t.Dataset)
	if err != nil {
		return nil, err
	}
	gold := map[string][]string{}
	err = s.Annotations.TaskAnnotations(ctx, t.ID, func(a *model.Annotation) error {
		if a.Annotator == model.GoldAnnotator && len(a.Labels) > 0 {
			gold[a.Document] = a.Labels
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(gold))
	now := s.now()
	written, unchanged := 0, 0
	for start := 0; start < len(keys); start += writeBatch {
		batch := keys[start:min(start+writeBatch, len(keys))]
		docs, err := s.Docs.DocumentsByKey(ctx, d.ID, batch)
		if err != nil {
			return nil, err
		}
		var writes []model.DocumentWrite
		for _, k := range batch {
			doc, ok := docs[k]
			if !ok {
				continue // the document was removed since the task was made
			}
			var v any = gold[k][0]
			if ls.MultiLabel {
				l := make([]any, len(gold[k]))
				for i, x := range gold[k] {
					l[i] = x
				}
				v = l
			}
			if sameValue(doc.Fields[p.Field], v) {
				unchanged++
				continue
			}
			nd := *doc
			nd.Fields = maps.Clone(doc.Fields)
			nd.Fields[p.Field] = v
			nd.Version, nd.DatasetVersion, nd.UpdatedAt = doc.Version+1, d.Version+1, now
			if nd.Sources == nil {
				nd.Sources = map[string]model.SourceRef{}
			}
			nd.Sources["task:"+t.ID] = model.SourceRef{Ingestion: j.ID, At: now}
			writes = append(writes, model.DocumentWrite{Doc: &nd, Expect: doc.Version})
		}
		if _, err := s.Docs.WriteDocuments(ctx, d.ID, writes); err != nil {
			return nil, err
		}
		written += len(writes)
		prog.Set(float64(start+len(batch))/float64(len(keys)), model.JobDetail{Phase: "writing gold labels", Rows: int64(start + len(batch))})
	}
	fields := slices.Clone(d.Fields)
	if fieldSpec(d, p.Field) == nil {
		f := model.FieldSpec{Name: p.Field, Type: model.FieldCategory, Enum: ls.Classes}
		if ls.MultiLabel {
			f = model.FieldSpec{Name: p.Field, Type: model.FieldJSON}
		}
		fields = append(fields, f)
	}
	version := d.Version
	if written > 0 || len(fields) != len(d.Fields) {
		count, err := s.Docs.CountDocuments(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		version = d.Version + 1
		if err := s.Ingestions.FinishDatasetIngest(ctx, d.ID, version, fields, count, now); err != nil {
			return nil, err
		}
		s.ForgetDataset(d.ID)
		s.versionCommitted(ctx, d.ID, version, count, j.ID, nil)
	}
	return map[string]any{"task": t.ID, "field": p.Field, "written": written, "unchanged": unchanged, "datasetVersion": version,
		"message": fmt.Sprintf("%d documents labelled", written+unchanged)}, nil
}
