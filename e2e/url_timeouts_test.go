package e2e

import (
	"strings"
	"testing"
	"time"
)

// Run after the URL timeout patch: the Service fields make the timeouts short.
func TestBadURLTimeouts(t *testing.T) {
	s := srcServer(t, map[string]string{"MMS_ALLOW_PRIVATE_URLS": "true"})
	s.app.Service.URLHeaderTimeout = time.Second
	s.app.Service.URLStallTimeout = time.Second
	for _, tt := range []struct {
		name         string
		beforeHeader bool
		words        string
	}{{"no headers", true, "no response within 1s"}, {"stalled body", false, "sent nothing for 1s"}} {
		t.Run(tt.name, func(t *testing.T) {
			ds := "timeout-" + strings.ReplaceAll(tt.name, " ", "-")
			badDataset(t, s, ds)
			gate := srcGatedServer(t, []byte("id,name,age\n1,a,2\n"), tt.beforeHeader)
			start := time.Now()
			job, ing := srcRun(t, s, map[string]any{"dataset": ds, "source": "h", "format": "CSV", "url": gate.URL + "/x.csv"}, nil)
			msg, _ := job["error"].(string)
			if job["status"] != "FAILED" || ing["status"] != "FAILED" || !strings.Contains(msg, tt.words) {
				t.Errorf("job %v, ingestion %v: want FAILED saying %q", job, ing["status"], tt.words)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %v", took)
			}
			badUntouched(t, s, ds)
			badAlive(t, s)
		})
	}
}
