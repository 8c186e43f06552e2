package service

import (
	"context"
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
	j, err := s.Jobs.Job(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActRead, auth.AllTeams, "job/"+id, err)
		}
		return nil, err
	}
	if err := s.authorize(ctx, auth.ActRead, j.Team, j.Resource); err != nil {
		return nil, err
	}
	return j, nil
}

// CancelJob asks a job to stop (write on the job's resource).
func (s *Service) CancelJob(ctx context.Context, id string) (*model.Job, error) {
	j, err := s.Jobs.Job(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActWrite, auth.AllTeams, "job/"+id, err)
		}
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
			j = next
		}
	}()
	return ch, nil
}
