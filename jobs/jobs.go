// Package jobs runs background work (ingestion, training, batch prediction)
// from a queue kept in the store, so a job and its outcome outlive the request
// that submitted it. A job is claimed atomically with a lease that its runner
// renews while it works, so among several server instances exactly one runs
// it. A job is never resumed: one whose server stopped or died is marked
// FAILED (InterruptedReason) once its lease lapses, and can be submitted again
// (its writes are idempotent). Progress and cancellation travel through the store,
// so any instance can report or cancel any job.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mms-platform/mms/model"
)

// Store persists jobs.
type Store interface {
	// CreateJob inserts a QUEUED job.
	CreateJob(ctx context.Context, j *model.Job) error
	// Job returns a job; model.ENOTFOUND if none.
	Job(ctx context.Context, id string) (*model.Job, error)
	// ClaimJob atomically moves the oldest QUEUED job of one of kinds to RUNNING
	// under owner's lease until until; nil (and no error) when there is none.
	ClaimJob(ctx context.Context, kinds []string, owner string, now, until time.Time) (*model.Job, error)
	// Heartbeat renews owner's lease and records progress. It reports whether a
	// cancel was requested; model.ECONFLICT if owner no longer holds the lease.
	Heartbeat(ctx context.Context, id, owner string, until time.Time, progress float64, d model.JobDetail) (cancel bool, err error)
	// FinishJob records a final status; model.ECONFLICT if owner lost the lease.
	// errCode is the code of the error that failed the job ("" when none).
	FinishJob(ctx context.Context, id, owner string, status model.JobStatus, errCode, errMsg string, result map[string]any, d model.JobDetail, at time.Time) error
	// RequestCancel asks for a job to stop: a QUEUED job is cancelled at once, a
	// RUNNING one is told through its next heartbeat. It returns the job.
	RequestCancel(ctx context.Context, id string, at time.Time) (*model.Job, error)
	// FailExpired marks RUNNING jobs whose lease ended before now as FAILED.
	FailExpired(ctx context.Context, now time.Time, reason string) (int, error)
}

// Handler does one kind of job. It reports progress through p, must return soon
// after ctx is cancelled, and returns the job's result.
type Handler func(ctx context.Context, j *model.Job, p *Progress) (map[string]any, error)

// Runner claims and runs jobs.
type Runner struct {
	store    Store
	log      *slog.Logger
	owner    string
	handlers map[string]Handler
	kinds    []string

	// Lease is how long a claim lasts without a heartbeat; Beat how often the
	// runner renews it and records progress; Poll how often it looks for work.
	Lease, Beat, Poll time.Duration
	// Workers bounds the jobs this instance runs at once.
	Workers int
	// OnFinish, if set, is told each job's end after it is recorded.
	OnFinish func(ctx context.Context, j *model.Job, status model.JobStatus, errMsg string, result map[string]any)

	wake chan struct{}
	wg   sync.WaitGroup
}

// NewRunner returns a runner with a fresh owner id and default timings.
func NewRunner(store Store, log *slog.Logger) *Runner {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &Runner{
		store: store, log: log, owner: "runner-" + hex.EncodeToString(b), handlers: map[string]Handler{},
		Lease: 30 * time.Second, Beat: 2 * time.Second, Poll: time.Second, Workers: 2,
		wake: make(chan struct{}, 1),
	}
}

// Register sets the handler of a job kind. Call it before Run.
func (r *Runner) Register(kind string, h Handler) {
	r.handlers[kind] = h
	r.kinds = append(r.kinds, kind)
}

// Wake makes the runner look for work now (after a local submit).
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// InterruptedReason is the error of a job whose server stopped while it ran.
const InterruptedReason = "interrupted: the server running this job stopped; submit it again (re-running is idempotent)"

// Run claims and runs jobs until ctx ends, then waits for running jobs to stop.
// Running jobs see their context cancelled when ctx ends; their lease lapses and
// they are marked failed by whichever instance looks next.
func (r *Runner) Run(ctx context.Context) {
	sem := make(chan struct{}, max(1, r.Workers))
	lastSweep := time.Time{}
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		if now := time.Now(); now.Sub(lastSweep) > 5*r.Poll {
			lastSweep = now
			if n, err := r.store.FailExpired(ctx, now, InterruptedReason); err != nil && ctx.Err() == nil {
				r.log.Warn("sweep expired jobs", "err", err)
			} else if n > 0 {
				r.log.Warn("marked interrupted jobs failed", "jobs", n)
			}
		}
	claim:
		for {
			// Never block on a busy pool: the sweep above must keep running
			// while every worker is busy, or jobs of a dead instance would stay
			// RUNNING until one of ours ends. A finishing worker wakes the loop.
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				r.wg.Wait()
				return
			default:
				break claim
			}
			now := time.Now()
			j, err := r.store.ClaimJob(ctx, r.kinds, r.owner, now, now.Add(r.Lease))
			if err != nil || j == nil {
				<-sem
				if err != nil && ctx.Err() == nil {
					r.log.Warn("claim job", "err", err)
				}
				break claim
			}
			r.wg.Add(1)
			go func() {
				defer func() { <-sem; r.wg.Done(); r.Wake() }()
				r.runOne(ctx, j)
			}()
		}
		select {
		case <-ctx.Done():
			r.wg.Wait()
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

// runOne runs a claimed job with a heartbeat, and records its end.
func (r *Runner) runOne(parent context.Context, j *model.Job) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	p := &Progress{start: time.Now()}
	lost := make(chan struct{})
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(r.Beat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			frac, d := p.snapshot()
			stop, err := r.store.Heartbeat(context.WithoutCancel(ctx), j.ID, r.owner, time.Now().Add(r.Lease), frac, d)
			switch {
			case model.ErrorCode(err) == model.ECONFLICT:
				close(lost)
				cancel(errLeaseLost)
				return
			case err != nil:
				r.log.Warn("job heartbeat", "job", j.ID, "err", err)
			case stop:
				cancel(errCancelled)
			}
		}
	}()

	h := r.handlers[j.Kind]
	result, err := r.call(ctx, h, j, p)
	cancel(nil)
	<-beatDone

	select {
	case <-lost:
		r.log.Warn("job lease lost; another instance owns it now", "job", j.ID)
		return
	default:
	}
	status, code, msg := model.JobSucceeded, "", ""
	switch {
	case err == nil:
	case errors.Is(context.Cause(ctx), errCancelled):
		status, msg = model.JobCancelled, "cancelled on request"
	case parent.Err() != nil:
		status, code, msg = model.JobFailed, model.EUNAVAILABLE, InterruptedReason
	default:
		status, code, msg = model.JobFailed, model.ErrorCode(err), model.ErrorMessage(err)
		if model.ErrorCode(err) == model.EINTERNAL {
			r.log.Error("job failed", "job", j.ID, "kind", j.Kind, "err", err)
		}
	}
	if status != model.JobSucceeded {
		result = mergeResult(result, p.result())
	}
	_, detail := p.snapshot()
	// A finished job's phase says how it ended, whatever its handler last
	// reported ("scoring", "writing gold labels"...); a failed one keeps the
	// phase it failed in.
	switch status {
	case model.JobSucceeded:
		detail.Phase = "done"
	case model.JobCancelled:
		detail.Phase = "cancelled"
	}
	if ferr := r.store.FinishJob(context.WithoutCancel(parent), j.ID, r.owner, status, code, msg, result, detail, time.Now()); ferr != nil {
		r.log.Error("record job end", "job", j.ID, "err", ferr)
		return
	}
	if r.OnFinish != nil {
		r.OnFinish(context.WithoutCancel(parent), j, status, msg, result)
	}
}

func mergeResult(a, b map[string]any) map[string]any {
	if a == nil {
		return b
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			a[k] = v
		}
	}
	return a
}

// call runs h, turning a panic into an internal error.
func (r *Runner) call(ctx context.Context, h Handler, j *model.Job, p *Progress) (res map[string]any, err error) {
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("panic in job", "job", j.ID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = errors.New("panic in job handler")
		}
	}()
	if h == nil {
		return nil, fmt.Errorf("no handler for job kind %q", j.Kind)
	}
	return h(ctx, j, p)
}

var (
	errCancelled = errors.New("job cancelled on request")
	errLeaseLost = errors.New("job lease lost")
)

// Progress is a running job's progress, written by its handler and read by the
// heartbeat. Methods are safe for concurrent use.
type Progress struct {
	mu      sync.Mutex
	start   time.Time
	frac    float64
	d       model.JobDetail
	partial map[string]any
}

// Set records the fraction done (0 to 1) and the detail.
func (p *Progress) Set(frac float64, d model.JobDetail) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frac = min(max(frac, 0), 1)
	if el := time.Since(p.start).Seconds(); el > 0 && d.RowsPerSecond == 0 {
		d.RowsPerSecond = float64(d.Rows) / el
	}
	p.d = d
}

// SetResult records a result that is kept even if the job then fails (for
// example the id of an ingestion whose report explains the failure).
func (p *Progress) SetResult(k string, v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.partial == nil {
		p.partial = map[string]any{}
	}
	p.partial[k] = v
}

func (p *Progress) result() map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.partial
}

func (p *Progress) snapshot() (float64, model.JobDetail) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frac, p.d
}

// NewID returns a job id.
func NewID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
