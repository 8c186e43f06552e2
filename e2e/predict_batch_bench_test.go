package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/mms-platform/mms/model"
)

// bpbenchRows is the number of rows BenchmarkBatchPredict scores:
// MMS_BENCH_ROWS, default 1,000,000.
func bpbenchRows(b *testing.B) int {
	n := 1_000_000
	if v := os.Getenv("MMS_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("MMS_BENCH_ROWS=%q: want a positive row count", v)
		}
	}
	return n
}

// bpbenchBatch is the bare InsertMany batch (the service's batch size).
const bpbenchBatch = 500

// bpbenchJob runs a job to its end and fails b unless it succeeded; it
// returns the job's result.
func bpbenchJob(b *testing.B, env *ibenchEnv, job *model.Job, err error) map[string]any {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	j := benchWaitJob(b, env.actx, env.a, job.ID, time.Hour)
	// As clients read it (JSON numbers), whatever the store handed back.
	raw, err := json.Marshal(j.Result)
	if err != nil {
		b.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(raw, &res); err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkBatchPredict compares batchPredict of MMS_BENCH_ROWS Pima-like rows
// into a new prediction collection (Service.BatchPredict, then the job: the
// rows read from the dataset version's Parquet snapshot, scored, written) with
// a bare driver InsertMany, in batches of 500, of the same prediction
// documents into a fresh collection of the same embedded store, made the way
// the service makes a prediction collection. The two run in turn in each
// iteration (paired), so that load from other processes weighs on both alike.
func BenchmarkBatchPredict(b *testing.B) {
	rows := bpbenchRows(b)
	env := ibenchApp(b)
	client := ibenchClient(b, env.uri)
	db := client.Database("mms_ibench")
	ctx := context.Background()
	ibenchDataset(b, env, "bp")
	csv := ibenchCSV(rows)
	job, err := env.a.Service.Ingest(env.actx, model.IngestInput{
		Dataset: "bp", Source: "pima", Format: model.FormatCSV, Rules: ibenchRules(),
		File: &graphql.Upload{File: bytes.NewReader(csv), Filename: "pima.csv", Size: int64(len(csv)), ContentType: "text/csv"},
	})
	bpbenchJob(b, env, job, err) // not ibenchRun: 1M rows may take more than its 10 minutes on a loaded machine
	env.a.Service.WaitSnapshots()
	job, err = env.a.Service.Train(env.actx, model.TrainInput{Model: "bp", Dataset: "bp", Label: "outcome"})
	bpbenchJob(b, env, job, err)
	one := 1
	predict := func(collection string) map[string]any {
		job, err := env.a.Service.BatchPredict(env.actx, "bp", &one, nil, "bp", nil, model.PredictionOutputInput{Collection: &collection})
		return bpbenchJob(b, env, job, err)
	}

	// Correctness, once and untimed: every row scored from version 1, each
	// prediction stored. Its documents are the bare corpus.
	res := predict("check")
	if num(res["scored"]) != rows || num(res["written"]) != rows || num(res["failed"]) != 0 || num(res["scoredVersion"]) != 1 {
		b.Fatalf("batchPredict: %v", res)
	}
	cur, err := db.Collection("pred_bp.check").Find(ctx, bson.D{})
	if err != nil {
		b.Fatal(err)
	}
	var docs []bson.D
	if err := cur.All(ctx, &docs); err != nil {
		b.Fatal(err)
	}
	if len(docs) != rows {
		b.Fatalf("stored %d predictions, want %d", len(docs), rows)
	}
	var corpus [][]any
	for start := 0; start < len(docs); start += bpbenchBatch {
		batch := make([]any, 0, bpbenchBatch)
		for _, d := range docs[start:min(start+bpbenchBatch, len(docs))] {
			batch = append(batch, d)
		}
		corpus = append(corpus, batch)
	}
	docs = nil

	seq := 0
	b.Run("paired", func(b *testing.B) {
		var svc, raw time.Duration
		for range b.N {
			seq++
			name := "p" + strconv.Itoa(seq)
			t0 := time.Now()
			if res := predict(name); num(res["written"]) != rows {
				b.Fatalf("batchPredict into %s: %v", name, res)
			}
			svc += time.Since(t0)
			if err := env.a.Store.EnsurePredictionCollection(ctx, "bare."+name); err != nil {
				b.Fatal(err)
			}
			col := db.Collection("pred_bare." + name)
			t0 = time.Now()
			for _, batch := range corpus {
				if res, err := col.InsertMany(ctx, batch); err != nil || len(res.InsertedIDs) != len(batch) {
					b.Fatalf("InsertMany: %v", err)
				}
			}
			raw += time.Since(t0)
		}
		b.ReportMetric(float64(rows*b.N)/svc.Seconds(), "service-rows/s")
		b.ReportMetric(float64(rows*b.N)/raw.Seconds(), "insertmany-rows/s")
		b.ReportMetric(100*raw.Seconds()/svc.Seconds(), "service/insertmany-%")
	})
}
