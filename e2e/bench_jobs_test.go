package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/model"
)

// benchWaitJob waits, through the service, until job id is final and fails b
// unless it succeeded (or is not final within the given time); it returns the
// job.
func benchWaitJob(b *testing.B, ctx context.Context, a *app.App, id string, within time.Duration) *model.Job {
	b.Helper()
	deadline := time.Now().Add(within)
	for {
		j, err := a.Service.Job(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if j.Status.Final() {
			if j.Status != model.JobSucceeded {
				msg := ""
				if j.Error != nil {
					msg = *j.Error
				}
				b.Fatalf("job %s (%s): %s %s %v", j.ID, j.Kind, j.Status, msg, j.Result)
			}
			return j
		}
		if time.Now().After(deadline) {
			b.Fatalf("job %s still %s", j.ID, j.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
