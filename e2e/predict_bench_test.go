package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/model"
)

const pbenchAdminKey = "mms_pbenchadmin0123456789abcdef012345678"

// pbenchQuery is the single-input prediction the issue 5 figure is about.
const pbenchQuery = `query($in: [JSON!]!) { predict(model: "m", inputs: $in) { probability label } }`

// pbenchMissing are the Pima columns where 0 means "not measured"; the ingestion
// turns them into missing values and the benchmark inputs send null for them.
var pbenchMissing = []string{"glucose", "blood_pressure", "skin_thickness", "insulin", "bmi"}

// pbenchEnv is the served app with a trained model "m" of team clinic.
type pbenchEnv struct {
	a      *app.App
	actx   context.Context // the admin
	url    string          // the httptest server of a.Handler()
	viewer string          // a VIEWER key of team clinic
}

// pbenchStack builds the app as serve does (embedded store in b.TempDir(), the
// production JSON logger to io.Discard, the admin key, the policy watcher and
// the job runner), ingests testdata/ingest/pima-diabetes.csv into dataset pima
// of team clinic through the service, trains model "m" on it through the
// service and the runner, creates a VIEWER key and serves a.Handler() behind
// httptest.NewServer. Everything is closed at the end of b.
func pbenchStack(b *testing.B) *pbenchEnv {
	b.Helper()
	vars := map[string]string{"MMS_DB": "mms_pbench"}
	for _, k := range []string{"MMS_CALLER_CONCURRENCY", "MMS_LOG_LEVEL", "MMS_ACCESS_LOG"} { // to measure their costs
		if v := os.Getenv(k); v != "" {
			vars[k] = v
		}
	}
	a, cfg, actx := benchApp(b, pbenchAdminKey, vars)

	// As serve does: the policy watcher and the job runner in the background.
	bg, stopBG := context.WithCancel(context.Background())
	runnerDone := make(chan struct{})
	go a.Authz.Watch(bg, cfg.PolicyRefresh)
	go func() { defer close(runnerDone); a.Runner.Run(bg) }()
	b.Cleanup(func() { stopBG(); <-runnerDone }) // before a.Close (last in, first out)

	if _, err := a.Service.CreateTeam(actx, model.CreateTeamInput{ID: "clinic", Name: "Clinic"}); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Service.CreateDataset(actx, model.CreateDatasetInput{ID: "pima", Name: "Pima Indians Diabetes", Team: "clinic", Fields: ibenchFields()}); err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(repoPath("testdata/ingest/pima-diabetes.csv"))
	if err != nil {
		b.Fatal(err)
	}
	missing := make([]any, len(pbenchMissing))
	for i, c := range pbenchMissing {
		missing[i] = c
	}
	job, err := a.Service.Ingest(actx, model.IngestInput{
		Dataset: "pima", Source: "pima", Format: model.FormatCSV,
		Rules: []any{map[string]any{"op": "missing", "fields": missing, "values": []any{0}}},
		File:  &graphql.Upload{File: bytes.NewReader(raw), Filename: "pima-diabetes.csv", Size: int64(len(raw)), ContentType: "text/csv"},
	})
	if err != nil {
		b.Fatal(err)
	}
	benchWaitJob(b, actx, a, job.ID, 5*time.Minute)
	seed := 1
	job, err = a.Service.Train(actx, model.TrainInput{Model: "m", Dataset: "pima", Label: "outcome", Seed: &seed})
	if err != nil {
		b.Fatal(err)
	}
	if j := benchWaitJob(b, actx, a, job.ID, 5*time.Minute); fmt.Sprint(j.Result["model"]) != "m" {
		b.Fatalf("train job result %v", j.Result)
	}
	key, err := a.Service.CreateAPIKey(actx, model.CreateAPIKeyInput{Team: "clinic", Role: model.RoleViewer, Name: "bench viewer"})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	b.Cleanup(srv.Close) // first of all
	return &pbenchEnv{a: a, actx: actx, url: srv.URL, viewer: key.Secret}
}

// pbenchInputs returns the 768 Pima rows as prediction inputs (without the
// label), with null where the ingestion rules make a value missing.
func pbenchInputs(b *testing.B) []map[string]any {
	b.Helper()
	fh, err := os.Open(repoPath("testdata/ingest/pima-diabetes.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	head := recs[0]
	out := make([]map[string]any, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := map[string]any{}
		for j, name := range head {
			if name == "outcome" {
				continue
			}
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				b.Fatal(err)
			}
			if v == 0 && slices.Contains(pbenchMissing, name) {
				row[name] = nil
			} else {
				row[name] = v
			}
		}
		out = append(out, row)
	}
	return out
}

// pbenchV2Body is the Open Inference Protocol request for one row: one tensor
// of shape [1] per feature.
func pbenchV2Body(row map[string]any) ([]byte, error) {
	names := make([]string, 0, len(row))
	for k := range row {
		names = append(names, k)
	}
	slices.Sort(names)
	inputs := make([]map[string]any, len(names))
	for i, k := range names {
		inputs[i] = map[string]any{"name": k, "shape": []int{1}, "datatype": "FP64", "data": []any{row[k]}}
	}
	return json.Marshal(map[string]any{"inputs": inputs})
}

// pbenchGraphQLProb checks a GraphQL predict answer and returns its probability.
func pbenchGraphQLProb(status int, out []byte, err error) (float64, error) {
	if err != nil {
		return 0, err
	}
	var r struct {
		Data struct {
			Predict []struct {
				Probability *float64
				Label       any
			}
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(out, &r); err != nil || status != http.StatusOK || len(r.Errors) > 0 ||
		len(r.Data.Predict) != 1 || r.Data.Predict[0].Probability == nil {
		return 0, fmt.Errorf("graphql answered %d %s (%v)", status, out, err)
	}
	p := r.Data.Predict[0]
	if l, ok := p.Label.(float64); !ok || (l != 0 && l != 1) {
		return 0, fmt.Errorf("graphql answered label %v for probability %v", p.Label, *p.Probability)
	}
	return *p.Probability, nil
}

// pbenchV2Prob checks a v2 infer answer and returns its probability.
func pbenchV2Prob(status int, out []byte, err error) (float64, error) {
	if err != nil {
		return 0, err
	}
	var r struct {
		Outputs []struct {
			Name string
			Data []any
		}
	}
	if err := json.Unmarshal(out, &r); err != nil || status != http.StatusOK || len(r.Outputs) != 4 ||
		r.Outputs[0].Name != "probability" || len(r.Outputs[0].Data) != 1 ||
		r.Outputs[2].Name != "error" || len(r.Outputs[2].Data) != 1 || r.Outputs[2].Data[0] != "" {
		return 0, fmt.Errorf("v2 answered %d %s (%v)", status, out, err)
	}
	p, ok := r.Outputs[0].Data[0].(float64)
	if !ok {
		return 0, fmt.Errorf("v2 answered %s", out)
	}
	return p, nil
}

// BenchmarkPredictHTTP measures single-input predictions over loopback HTTP with
// benchClients concurrent keep-alive clients through the full stack: the
// request-id/log/metrics middleware, the body limit, the timeout, API-key
// authentication (cached), Casbin (the predict permission of a VIEWER key),
// the predictor cache and scoring. Each request carries one Pima row (the 768
// rows in turn). graphql is the predict query; v2 is POST
// /v2/models/m/infer with one row. Metrics: predictions/s and the p50 and p99
// of the per-request latency seen by the client. Target (issue 5):
// >= 13,000 predictions/s on 2 cores.
func BenchmarkPredictHTTP(b *testing.B) {
	env := pbenchStack(b)
	rows := pbenchInputs(b)
	client := benchClient()
	defer client.CloseIdleConnections()

	gqlBodies := make([][]byte, len(rows))
	v2Bodies := make([][]byte, len(rows))
	for i, row := range rows {
		var err error
		if gqlBodies[i], err = json.Marshal(map[string]any{"query": pbenchQuery, "variables": map[string]any{"in": []any{row}}}); err != nil {
			b.Fatal(err)
		}
		if v2Bodies[i], err = pbenchV2Body(row); err != nil {
			b.Fatal(err)
		}
	}
	gqlURL, v2URL := env.url+"/graphql", env.url+"/v2/models/m/infer"

	// Correctness, once and untimed: for a few rows the GraphQL answer, the v2
	// answer and the service's predictor (admin) agree; the first row (P0001:
	// glucose 148, BMI 33.6) is a likely diabetic.
	pr, err := env.a.Service.LoadPredictor(env.actx, "m", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, i := range []int{0, 1, 2, 100, 767} {
		gp, err := pbenchGraphQLProb(benchDo(client, gqlURL, env.viewer, gqlBodies[i]))
		if err != nil {
			b.Fatal(err)
		}
		vp, err := pbenchV2Prob(benchDo(client, v2URL, env.viewer, v2Bodies[i]))
		if err != nil {
			b.Fatal(err)
		}
		in := map[string]any{}
		for k, v := range rows[i] {
			in[k] = v
		}
		sp := pr.Score(in, false)
		if sp.Probability == nil || math.Abs(*sp.Probability-gp) > 1e-12 || math.Abs(vp-gp) > 1e-12 {
			b.Fatalf("row %d: graphql %v, v2 %v, service %+v", i, gp, vp, sp)
		}
		if i == 0 && gp < 0.5 {
			b.Fatalf("row 0 (glucose 148, BMI 33.6) has probability %v", gp)
		}
	}
	// Another team's viewer is refused (so the benchmark's key is really checked):
	// the model answers to it as a missing one.
	other, err := env.a.Service.CreateTeam(env.actx, model.CreateTeamInput{ID: "globex", Name: "Globex"})
	if err != nil {
		b.Fatal(err)
	}
	okey, err := env.a.Service.CreateAPIKey(env.actx, model.CreateAPIKeyInput{Team: other.ID, Role: model.RoleViewer, Name: "other viewer"})
	if err != nil {
		b.Fatal(err)
	}
	if st, out, err := benchDo(client, v2URL, okey.Secret, v2Bodies[0]); err != nil || st != http.StatusNotFound {
		b.Fatalf("another team's viewer: %d %s (%v)", st, out, err)
	}

	par := (benchClients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		name, url string
		bodies    [][]byte
		ok        []byte // every successful answer contains it
	}{
		{"graphql", gqlURL, gqlBodies, []byte(`{"data":{"predict":[{"probability":`)},
		{"v2", v2URL, v2Bodies, []byte(`{"data":[""],"datatype":"BYTES","name":"error"`)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var (
				next atomic.Int64
				mu   sync.Mutex
				lats []time.Duration
			)
			b.SetParallelism(par)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				lat := make([]time.Duration, 0, 1024)
				defer func() {
					mu.Lock()
					lats = append(lats, lat...)
					mu.Unlock()
				}()
				for pb.Next() {
					body := tc.bodies[int(next.Add(1))%len(tc.bodies)]
					start := time.Now()
					status, out, err := benchDo(client, tc.url, env.viewer, body)
					lat = append(lat, time.Since(start))
					if err != nil || status != http.StatusOK || !bytes.Contains(out, tc.ok) {
						b.Errorf("%s: status %d, %v: %.300s", tc.name, status, err, out)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "predictions/s")
			if len(lats) > 0 {
				slices.Sort(lats)
				q := func(p float64) float64 {
					return float64(lats[min(int(p*float64(len(lats))), len(lats)-1)].Nanoseconds()) / 1e3
				}
				b.ReportMetric(q(0.50), "p50-µs")
				b.ReportMetric(q(0.99), "p99-µs")
			}
		})
	}
}
