package service

import (
	"context"
	"strings"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/model"
)

// jobPoll is how often a jobUpdated subscription looks at its job. Polling the
// store (rather than an in-process signal) lets a client follow a job that runs
// on another instance.
const jobPoll = 250 * time.Millisecond

// Job returns a job (read on the job's resource, e.g. its dataset).
func (s *Service) Job(ctx context.Context, id string) (*model.Job, error) {
	nf := notFound("job", id)
	j, err := s.Jobs.Job(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActRead, auth.AllTeams, "job/"+id, nf)
		}
		return nil, err
	}
	if err := s.authorizeOr(ctx, auth.ActRead, j.Team, j.Resource, nf); err != nil {
		return nil, err
	}
	redact, err := s.jobRedaction(ctx, j)
	if err != nil {
		return nil, err
	}
	return redact(j), nil
}

// CancelJob asks a job to stop (write on the job's resource).
func (s *Service) CancelJob(ctx context.Context, id string) (*model.Job, error) {
	nf := notFound("job", id)
	j, err := s.Jobs.Job(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActWrite, auth.AllTeams, "job/"+id, nf)
		}
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActWrite, j.Team, j.Resource, nf); err != nil {
		return nil, err
	}
	var out *model.Job
	err = s.mutate(ctx, auth.ActWrite, j.Team, j.Resource, "cancel job "+id, func() error {
		if j.Status.Final() {
			return model.Errorf(model.ECONFLICT, "job %s is already %s", id, j.Status)
		}
		out, err = s.Jobs.RequestCancel(ctx, id, s.now())
		if err != nil {
			return err
		}
		if out.Kind == JobKindIngest && out.Status == model.JobCancelled {
			// It never ran, so runIngest will not record the end on its Ingestion.
			return s.cancelQueuedIngestion(ctx, out)
		}
		return nil
	})
	return out, err
}

// JobUpdates streams a job each time it changes, ending after its final state
// (read on the job's resource).
func (s *Service) JobUpdates(ctx context.Context, id string) (<-chan *model.Job, error) {
	j, err := s.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	redact, err := s.jobRedaction(ctx, j)
	if err != nil {
		return nil, err
	}
	ch := make(chan *model.Job, 1)
	go func() {
		defer close(ch)
		last, lastStatus := time.Time{}, model.JobStatus("")
		t := time.NewTicker(jobPoll)
		defer t.Stop()
		for {
			// Times are stored to the millisecond: a claim or an end in the same
			// millisecond as the last update must still be sent.
			if !j.UpdatedAt.Equal(last) || j.Status != lastStatus {
				last, lastStatus = j.UpdatedAt, j.Status
				select {
				case ch <- j:
				case <-ctx.Done():
					return
				}
			}
			if j.Status.Final() {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			next, err := s.Jobs.Job(ctx, id)
			if err != nil {
				if ctx.Err() == nil {
					s.Log.WarnContext(ctx, "job subscription", "job", id, "err", err)
				}
				return
			}
			j = redact(next)
		}
	}()
	return ch, nil
}

// jobResultRefs are the keys of a job's result that name what it made, not
// how many rows it touched.
var jobResultRefs = map[string]bool{"ingestion": true, "model": true, "version": true, "dataset": true, "datasetVersion": true, "scoredVersion": true, "task": true, "field": true}

// jobRedaction returns what the caller sees of the jobs on j's resource. A
// caller reading a dataset through a share limited to some rows sees no row
// totals (read, inserted, scored...), no progress detail in rows or bytes and
// no error text (which may quote a row): they count or show rows it may not see.
func (s *Service) jobRedaction(ctx context.Context, j *model.Job) (func(*model.Job) *model.Job, error) {
	keep := func(j *model.Job) *model.Job { return j }
	dataset, ok := strings.CutPrefix(j.Resource, "dataset/")
	if !ok || s.memberOf(model.PrincipalFromContext(ctx), j.Team) {
		return keep, nil
	}
	d, err := s.cachedDataset(ctx, dataset)
	if err != nil {
		return nil, err
	}
	sc, err := s.readScope(ctx, d)
	if err != nil {
		return nil, err
	}
	if sc.share == nil || len(sc.rows) == 0 {
		return keep, nil
	}
	return func(j *model.Job) *model.Job {
		cp := *j
		cp.Detail = model.JobDetail{Phase: j.Detail.Phase}
		if j.Error != nil {
			code := model.EINTERNAL
			if j.ErrorCode != nil {
				code = *j.ErrorCode
			}
			msg := "the job failed (" + code + "); its details are for the dataset's team"
			cp.Error = &msg
		}
		if j.Result != nil {
			cp.Result = map[string]any{}
			for k, v := range j.Result {
				if jobResultRefs[k] {
					cp.Result[k] = v
				}
			}
		}
		return &cp
	}, nil
}
