package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/mongodb"
	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

var store *mongodb.DB

// TestMain opens the store: the deployment MMS_TEST_MONGODB_URI names
// (mongodbtest), or else the embedded one in a temporary directory.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		uri, e := mongodbtest.URI(), (*mongodb.Embedded)(nil)
		if uri == "" {
			dir, _ := os.MkdirTemp("", "mms-jobs-test-")
			defer os.RemoveAll(dir)
			var err error
			if e, err = mongodb.StartEmbedded(dir, slog.New(slog.DiscardHandler)); err != nil {
				panic(err)
			}
			defer e.Close()
			uri = e.URI
		}
		var err error
		if store, err = mongodb.Open(uri, mongodbtest.DBName("jobs")); err != nil {
			panic(err)
		}
		if e != nil {
			store.UseEmbedded(e)
		}
		if err := store.EnsureIndexes(context.Background()); err != nil {
			panic(err)
		}
		defer store.Drop(context.Background())
		return m.Run()
	}())
}

var seq atomic.Int64

func submit(t *testing.T, kind string) *model.Job {
	t.Helper()
	now := time.Now()
	j := &model.Job{ID: fmt.Sprintf("%s-%d", t.Name(), seq.Add(1)), Kind: kind, Status: model.JobQueued,
		Payload: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
	if err := store.CreateJob(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	return j
}

func runner(kind string, h jobs.Handler) *jobs.Runner {
	r := jobs.NewRunner(store, slog.New(slog.DiscardHandler))
	r.Lease, r.Beat, r.Poll, r.Workers = time.Second, 100*time.Millisecond, 50*time.Millisecond, 4
	r.Register(kind, h)
	return r
}

func wait(t *testing.T, id string, want model.JobStatus) *model.Job {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		j, err := store.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status.Final() {
			if j.Status != want {
				msg := ""
				if j.Error != nil {
					msg = *j.Error
				}
				t.Fatalf("job %s is %s (%s), want %s", id, j.Status, msg, want)
			}
			return j
		}
	}
	t.Fatalf("job %s not final", id)
	return nil
}

func TestTwoRunnersRunEachJobOnce(t *testing.T) {
	var mu sync.Mutex
	runs := map[string]int{}
	h := func(ctx context.Context, j *model.Job, p *jobs.Progress) (map[string]any, error) {
		mu.Lock()
		runs[j.ID]++
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		return map[string]any{"ok": true}, nil
	}
	var ids []string
	for range 30 {
		ids = append(ids, submit(t, "once").ID)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 {
		r := runner("once", h)
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(ctx) }()
	}
	for _, id := range ids {
		if j := wait(t, id, model.JobSucceeded); j.Result["ok"] != true || j.Progress != 1 {
			t.Errorf("job %s: %+v", id, j)
		}
	}
	cancel()
	wg.Wait()
	for _, id := range ids {
		if runs[id] != 1 {
			t.Errorf("job %s ran %d times", id, runs[id])
		}
	}
}

func TestCancelRunningJob(t *testing.T) {
	started := make(chan struct{})
	h := func(ctx context.Context, j *model.Job, p *jobs.Progress) (map[string]any, error) {
		p.Set(0.25, model.JobDetail{Phase: "working", Rows: 10})
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	j := submit(t, "cancel")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := runner("cancel", h)
	go r.Run(ctx)
	<-started
	time.Sleep(300 * time.Millisecond) // a heartbeat records the progress
	cur, _ := store.Job(context.Background(), j.ID)
	if cur.Status != model.JobRunning || cur.Progress != 0.25 || cur.Detail.Phase != "working" {
		t.Errorf("running job = %+v", cur)
	}
	if _, err := store.RequestCancel(context.Background(), j.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	wait(t, j.ID, model.JobCancelled)
}

func TestCancelQueuedJob(t *testing.T) {
	j := submit(t, "never-run")
	got, err := store.RequestCancel(context.Background(), j.ID, time.Now())
	if err != nil || got.Status != model.JobCancelled {
		t.Errorf("cancel queued: %+v, %v", got, err)
	}
}

// A runner that dies (no heartbeat, no finish) leaves its job RUNNING; once the
// lease lapses another runner marks it failed, and nothing runs it twice.
func TestCrashedJobIsMarkedFailed(t *testing.T) {
	j := submit(t, "crash")
	now := time.Now()
	claimed, err := store.ClaimJob(context.Background(), []string{"crash"}, "dead-runner", now, now.Add(300*time.Millisecond))
	if err != nil || claimed == nil || claimed.ID != j.ID {
		t.Fatalf("claim: %+v, %v", claimed, err)
	}
	var ran atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := runner("crash", func(context.Context, *model.Job, *jobs.Progress) (map[string]any, error) {
		ran.Store(true)
		return nil, nil
	})
	go r.Run(ctx)
	got := wait(t, j.ID, model.JobFailed)
	if got.Error == nil || *got.Error != jobs.InterruptedReason || ran.Load() {
		t.Errorf("crashed job: %+v (ran again: %v)", got, ran.Load())
	}
	// The dead runner cannot record an end any more.
	if err := store.FinishJob(context.Background(), j.ID, "dead-runner", model.JobSucceeded, "", "", nil, model.JobDetail{}, time.Now()); model.ErrorCode(err) != model.ECONFLICT {
		t.Errorf("late finish by the dead runner: %v, want CONFLICT", err)
	}
}

func TestPanicInHandlerFailsJob(t *testing.T) {
	j := submit(t, "panic")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go runner("panic", func(context.Context, *model.Job, *jobs.Progress) (map[string]any, error) { panic("boom") }).Run(ctx)
	if got := wait(t, j.ID, model.JobFailed); got.Error == nil || *got.Error != "internal error" {
		t.Errorf("panicking job: %+v", got)
	}
}

// TestSweepRunsWhileWorkersAreBusy: a job a dead instance left RUNNING is
// marked failed even while every worker of this runner is busy.
func TestSweepRunsWhileWorkersAreBusy(t *testing.T) {
	busy := submit(t, "busy")
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := runner("busy", func(ctx context.Context, _ *model.Job, _ *jobs.Progress) (map[string]any, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil, nil
	})
	r.Workers = 1
	go r.Run(ctx)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		j, err := store.Job(context.Background(), busy.ID)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status == model.JobRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("busy job not running: %s", j.Status)
		}
	}
	// Another instance claims a job and dies.
	orphan := submit(t, "elsewhere")
	now := time.Now()
	if c, err := store.ClaimJob(context.Background(), []string{"elsewhere"}, "dead-instance", now, now.Add(200*time.Millisecond)); err != nil || c == nil {
		t.Fatalf("claim: %v %v", c, err)
	}
	got := wait(t, orphan.ID, model.JobFailed)
	if got.Error == nil || *got.Error != jobs.InterruptedReason {
		t.Errorf("orphan: %+v", got)
	}
	close(release)
	wait(t, busy.ID, model.JobSucceeded)
}
