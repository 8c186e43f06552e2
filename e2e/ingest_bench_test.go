package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/mms-platform/mms/app"
	"github.com/mms-platform/mms/model"
)

// ibenchRows is the number of CSV rows each BenchmarkIngest iteration writes.
const ibenchRows = 50_000

// ibenchBatch is the bare InsertMany batch (the service's writeBatch).
const ibenchBatch = 1000

const ibenchAdminKey = "mms_ibenchadmin0123456789abcdef012345678"

// ibenchCSV returns a deterministic Pima-like CSV of n rows (the header and the
// generator of scripts/bench-1gb.sh: Pima's ranges, zeros for missing values).
func ibenchCSV(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,pedigree,age,outcome\n")
	s := int64(20240601)
	next := func() int64 { s = s * 16807 % 2147483647; return s }
	pick := func(zeroPct, lo, span int64) int64 {
		v := next()
		if v%100 < zeroPct {
			return 0
		}
		return lo + v%span
	}
	for range n {
		preg := next() % 18
		glu := pick(1, 44, 156)
		bp := pick(5, 24, 99)
		skin := pick(30, 7, 93)
		ins := pick(49, 14, 833)
		bmi := "0"
		if v := next(); v%100 >= 2 {
			bmi = strconv.FormatFloat(18.2+float64(v%490)/10, 'f', 1, 64)
		}
		ped := strconv.FormatFloat(0.078+float64(next()%2343)/1000, 'f', 3, 64)
		age := 21 + next()%61
		out := 0
		if next()%100 < 35 {
			out = 1
		}
		fmt.Fprintf(&buf, "%d,%d,%d,%d,%d,%s,%s,%d,%d\n", preg, glu, bp, skin, ins, bmi, ped, age, out)
	}
	return buf.Bytes()
}

// ibenchFields is the Pima schema the benchmark datasets are created with: typed
// and range-checked columns, so the ingestion parses, cleans and checks.
func ibenchFields() []*model.FieldSpecInput {
	f := func(name string, typ model.FieldType, required bool, lo, hi float64) *model.FieldSpecInput {
		return &model.FieldSpecInput{Name: name, Type: typ, Required: &required, Min: &lo, Max: &hi}
	}
	return []*model.FieldSpecInput{
		f("pregnancies", model.FieldInt, true, 0, 30),
		f("glucose", model.FieldInt, false, 1, 600),
		f("blood_pressure", model.FieldInt, false, 1, 250),
		f("skin_thickness", model.FieldInt, false, 1, 100),
		f("insulin", model.FieldInt, false, 1, 1000),
		f("bmi", model.FieldFloat, false, 10, 80),
		f("pedigree", model.FieldFloat, true, 0, 5),
		f("age", model.FieldInt, true, 0, 120),
		f("outcome", model.FieldInt, true, 0, 1),
	}
}

// ibenchRules turns Pima's zeros into missing values in five columns.
func ibenchRules() []any {
	return []any{map[string]any{
		"op": "missing", "fields": []any{"glucose", "blood_pressure", "skin_thickness", "insulin", "bmi"}, "values": []any{0},
	}}
}

// ibenchEnv is the app under benchmark with an admin context.
type ibenchEnv struct {
	a    *app.App
	actx context.Context
	uri  string // the embedded store
}

// ibenchApp builds the app as serve does (embedded store in b.TempDir()), ensures
// the admin key, creates the team "bench" and runs the job runner until b ends.
func ibenchApp(b *testing.B) *ibenchEnv {
	b.Helper()
	a, _, actx := benchApp(b, ibenchAdminKey, map[string]string{"MMS_DB": "mms_ibench"})
	if _, err := a.Service.CreateTeam(actx, model.CreateTeamInput{ID: "bench", Name: "Bench"}); err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Runner.Run(runCtx) }()
	b.Cleanup(func() { stop(); <-done }) // before a.Close (last in, first out)
	return &ibenchEnv{a: a, actx: actx, uri: a.Store.Embedded.URI}
}

// ibenchIngest creates dataset id and ingests csv into it through the service
// and the job runner, waiting for the job to end. It returns the ingestion id.
func ibenchIngest(b *testing.B, env *ibenchEnv, id string, csv []byte, timed bool) string {
	b.Helper()
	if timed {
		b.StopTimer()
	}
	ibenchDataset(b, env, id)
	if timed {
		b.StartTimer()
	}
	return ibenchRun(b, env, id, csv)
}

// ibenchDataset creates the dataset id with the Pima schema.
func ibenchDataset(b *testing.B, env *ibenchEnv, id string) {
	b.Helper()
	if _, err := env.a.Service.CreateDataset(env.actx, model.CreateDatasetInput{
		ID: id, Name: "Pima " + id, Team: "bench", Fields: ibenchFields(),
	}); err != nil {
		b.Fatal(err)
	}
}

// ibenchRun ingests csv into the existing dataset id and waits for the job;
// it returns the ingestion id.
func ibenchRun(b *testing.B, env *ibenchEnv, id string, csv []byte) string {
	b.Helper()
	job, err := env.a.Service.Ingest(env.actx, model.IngestInput{
		Dataset: id, Source: "pima", Format: model.FormatCSV, Rules: ibenchRules(),
		File: &graphql.Upload{File: bytes.NewReader(csv), Filename: "pima.csv", Size: int64(len(csv)), ContentType: "text/csv"},
	})
	if err != nil {
		b.Fatal(err)
	}
	j := benchWaitJob(b, env.actx, env.a, job.ID, 10*time.Minute)
	ing, _ := j.Result["ingestion"].(string)
	return ing
}

// ibenchClient connects a driver client of its own to the embedded store, with
// the options the app's store uses (majority write concern, retryable writes).
func ibenchClient(b *testing.B, uri string) *mongo.Client {
	b.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetWriteConcern(writeconcern.Majority()).SetRetryWrites(true).SetAppName("ibench"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

// BenchmarkIngest compares end-to-end ingestion of ibenchRows Pima-like CSV rows
// (Service.Ingest with an upload, spooled to the store, then the job: a sample
// pass, the check pass, the write pass in batches of 1000, the dataset's new
// version) with bare driver InsertMany, in batches of 1000, of the same
// documents into a fresh collection of the same embedded store.
// Target: service >= 80% of insertmany rows/s.
func BenchmarkIngest(b *testing.B) {
	csv := ibenchCSV(ibenchRows)
	env := ibenchApp(b)
	client := ibenchClient(b, env.uri)
	db := client.Database("mms_ibench")
	ctx := context.Background()

	// Correctness, once and untimed: every row is inserted, the dataset has a new
	// version and ibenchRows documents. Its documents are the bare corpus.
	ingID := ibenchIngest(b, env, "check", csv, false)
	ing, err := env.a.Service.IngestionByID(env.actx, ingID)
	if err != nil {
		b.Fatal(err)
	}
	if ing.Read != ibenchRows || ing.Inserted != ibenchRows || ing.Rejected != 0 || ing.DatasetVersion == nil || *ing.DatasetVersion != 1 {
		b.Fatalf("ingestion: read %d, inserted %d, rejected %d, version %v", ing.Read, ing.Inserted, ing.Rejected, ing.DatasetVersion)
	}
	cur, err := db.Collection("ds_check").Find(ctx, bson.D{})
	if err != nil {
		b.Fatal(err)
	}
	var docs []bson.D
	if err := cur.All(ctx, &docs); err != nil {
		b.Fatal(err)
	}
	if len(docs) != ibenchRows {
		b.Fatalf("stored %d documents, want %d", len(docs), ibenchRows)
	}
	corpus := make([][]any, 0, ibenchRows/ibenchBatch+1)
	for start := 0; start < len(docs); start += ibenchBatch {
		batch := make([]any, 0, ibenchBatch)
		for _, d := range docs[start:min(start+ibenchBatch, len(docs))] {
			batch = append(batch, d)
		}
		corpus = append(corpus, batch)
	}

	rate := map[string]float64{}
	seq := 0
	// bare inserts the corpus into a fresh collection, shaped like a dataset's
	// when sameIndexes, and returns how long the inserts took.
	bare := func(b *testing.B, sameIndexes bool) time.Duration {
		seq++
		col := db.Collection("bare" + strconv.Itoa(seq))
		if sameIndexes {
			// The store's shape of a dataset collection, made before the
			// clock starts: on the embedded store that adds the SQLite index
			// on the _id expression FerretDB queries (mongodb/embedded.go),
			// the one index every MongoDB collection has anyway.
			name := "bare" + strconv.Itoa(seq)
			if err := env.a.Store.EnsureDatasetCollection(ctx, name); err != nil {
				b.Fatal(err)
			}
			col = db.Collection("ds_" + name)
		}
		start := time.Now()
		for _, batch := range corpus {
			res, err := col.InsertMany(ctx, batch)
			if err != nil || len(res.InsertedIDs) != len(batch) {
				b.Fatalf("InsertMany: %v", err)
			}
		}
		return time.Since(start)
	}
	b.Run("service", func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			seq++
			ibenchIngest(b, env, "ib"+strconv.Itoa(seq), csv, true)
		}
		rate["service"] = float64(ibenchRows*b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rate["service"], "rows/s")
	})
	b.Run("insertmany", func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			bare(b, false)
		}
		b.StopTimer()
		// The count command, not CountDocuments: FerretDB's $group behind the
		// latter holds every document in memory, which the next round would pay
		// for in GC.
		var count struct {
			N int64 `bson:"n"`
		}
		if err := db.RunCommand(ctx, bson.D{{Key: "count", Value: "bare" + strconv.Itoa(seq)}}).Decode(&count); err != nil || count.N != ibenchRows {
			b.Fatalf("bare collection holds %d documents (%v), want %d", count.N, err, ibenchRows)
		}
		rate["insertmany"] = float64(ibenchRows*b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rate["insertmany"], "rows/s")
		if rate["service"] > 0 {
			// the figure with a target: service throughput as a share of bare
			b.ReportMetric(100*rate["service"]/rate["insertmany"], "service/insertmany-%")
		}
	})
	// paired runs one service ingestion and one bare insert per iteration, in
	// turn, so that load from other processes that changes during the run
	// weighs on both sides alike. This is the figure to quote on a shared
	// machine.
	paired := func(b *testing.B, sameIndexes bool) {
		var svc, raw time.Duration
		for range b.N {
			seq++
			ibenchDataset(b, env, "ib"+strconv.Itoa(seq))
			t0 := time.Now()
			ibenchRun(b, env, "ib"+strconv.Itoa(seq), csv)
			svc += time.Since(t0)
			raw += bare(b, sameIndexes)
		}
		b.ReportMetric(float64(ibenchRows*b.N)/svc.Seconds(), "service-rows/s")
		b.ReportMetric(float64(ibenchRows*b.N)/raw.Seconds(), "insertmany-rows/s")
		b.ReportMetric(100*raw.Seconds()/svc.Seconds(), "service/insertmany-%")
	}
	b.Run("paired", func(b *testing.B) { paired(b, false) })
	// The bare side into a collection shaped like a dataset's (the same
	// indexes), as both sides are on MongoDB.
	b.Run("paired-same-indexes", func(b *testing.B) { paired(b, true) })
}
