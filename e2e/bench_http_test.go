package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/httpapi"
	"github.com/mms-platform/mms/model"
)

// benchApp builds the app as serve does: an embedded store in a temporary
// directory, the production logger (JSON, info level) to /dev/null, adminKey
// ensured as a global admin, vars on top. It returns the app, its
// configuration and a context carrying the admin principal; the app is closed
// at the end of b.
func benchApp(b *testing.B, adminKey string, vars map[string]string) (*app.App, *app.Config, context.Context) {
	b.Helper()
	all := map[string]string{"MMS_DATA_DIR": b.TempDir(), "MMS_ADMIN_KEY": adminKey}
	for k, v := range vars {
		all[k] = v
	}
	cfg, err := parseConfig("mms", nil, func(k string) string { return all[k] }, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	if cfg.MongoURI != "" {
		b.Fatal("benchmark must use the embedded store")
	}
	// The log goes to /dev/null through serve's writer (MMS_BENCH_LOG_SYNC=1:
	// one write per line, as before the AsyncWriter).
	sink, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sink.Close() })
	var log *slog.Logger
	var out *httpapi.AsyncWriter
	if os.Getenv("MMS_BENCH_LOG_SYNC") != "" {
		log, err = app.NewLogger(sink, cfg.LogLevel)
	} else {
		log, out, err = app.NewServerLogger(sink, cfg.LogLevel)
	}
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	if out != nil {
		b.Cleanup(func() { out.Close() })
		a.LogDropped = out.Dropped
	}
	if a.Store.Embedded == nil {
		b.Fatal("no embedded store")
	}
	if _, err := a.Service.EnsureAdminKey(ctx, cfg.AdminKey); err != nil {
		b.Fatal(err)
	}
	admin, err := a.Authn.Authenticate(ctx, cfg.AdminKey)
	if err != nil {
		b.Fatal(err)
	}
	return a, cfg, model.NewContextWithPrincipal(ctx, admin)
}

// benchHTTP starts benchApp with the job runner behind an HTTP server;
// everything stops at the end of b. It returns a GraphQL caller for that
// server.
func benchHTTP(b *testing.B, vars map[string]string) benchGQL {
	b.Helper()
	a, _, _ := benchApp(b, benchAdminKey, vars)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Runner.Run(runCtx) }()
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(func() { srv.Close(); stop(); <-done }) // before a.Close
	return benchGQL{b: b, c: benchClient(), url: srv.URL}
}

// benchGQL sends GraphQL requests to a benchmark server and fails the
// benchmark on any error.
type benchGQL struct {
	b   *testing.B
	c   *http.Client
	url string
}

// do runs query as token and returns its data.
func (g benchGQL) do(token, query string, vars map[string]any) map[string]any {
	g.b.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	status, out, err := benchPost(g.c, g.url, token, body)
	var r struct {
		Data   map[string]any
		Errors []any
	}
	if err != nil || json.Unmarshal(out, &r) != nil || status != 200 || len(r.Errors) > 0 {
		g.b.Fatalf("%.40s: %d %s %v", query, status, out, err)
	}
	return r.Data
}

// key creates an API key with role in team and returns its secret.
func (g benchGQL) key(team, role string) string {
	d := g.do(benchAdminKey, `mutation($t: ID!, $r: Role!) { createApiKey(input: {team: $t, role: $r, name: "k"}) { secret } }`, map[string]any{"t": team, "r": role})
	return d["createApiKey"].(map[string]any)["secret"].(string)
}

// ingest loads records into dataset 500 at a time, waiting for each job.
func (g benchGQL) ingest(token, dataset string, records []any) {
	g.b.Helper()
	for start := 0; start < len(records); start += 500 {
		job := g.do(token, `mutation($d: ID!, $r: [JSON!]!) { ingest(input: {dataset: $d, source: "s", format: NDJSON, key: {from: "id"}, records: $r}) { id } }`,
			map[string]any{"d": dataset, "r": records[start:min(start+500, len(records))]})["ingest"].(map[string]any)["id"].(string)
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			j := g.do(token, `query($id: ID!) { job(id: $id) { status error } }`, map[string]any{"id": job})["job"].(map[string]any)
			if j["status"] == string(model.JobSucceeded) {
				break
			}
			if j["status"] == string(model.JobFailed) || time.Now().After(deadline) {
				g.b.Fatalf("ingest job %s: %v %v", job, j["status"], j["error"])
			}
		}
	}
}

// benchPatientFields is the schema of benchPatients' records; phone and name
// are sensitive when sensitive is "true".
const benchPatientFields = `{name: "id", type: STRING}, {name: "pregnancies", type: INT}, {name: "glucose", type: INT}, {name: "blood_pressure", type: INT},
	{name: "insulin", type: INT}, {name: "bmi", type: FLOAT}, {name: "pedigree", type: FLOAT}, {name: "age", type: INT},
	{name: "outcome", type: INT}, {name: "phone", type: STRING, sensitive: $s}, {name: "name", type: STRING, sensitive: $s}`

// benchPatients returns n deterministic Pima-like patient records of 11
// fields; outcome(i) gives record i's outcome.
func benchPatients(n int, outcome func(int) int) []any {
	rng := rand.New(rand.NewPCG(3, 4))
	records := make([]any, n)
	for i := range records {
		records[i] = map[string]any{
			"id": fmt.Sprintf("P%05d", i), "pregnancies": rng.IntN(10), "glucose": 70 + rng.IntN(130), "blood_pressure": 50 + rng.IntN(50),
			"insulin": rng.IntN(300), "bmi": 18 + rng.Float64()*25, "pedigree": rng.Float64() * 2, "age": 21 + rng.IntN(60),
			"outcome": outcome(i), "phone": fmt.Sprintf("555-%04d", i), "name": fmt.Sprintf("Patient %d", i),
		}
	}
	return records
}

// timed sends a prepared request body as token and returns how long the
// answer took.
func (g benchGQL) timed(token string, body []byte) time.Duration {
	start := time.Now()
	if status, _, err := benchPost(g.c, g.url, token, body); err != nil || status != 200 {
		g.b.Fatalf("status %d: %v", status, err)
	}
	return time.Since(start)
}
