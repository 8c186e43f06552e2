package mongodb

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/mms-platform/mms/model"
	"github.com/mms-platform/mms/mongodb/mongodbtest"
)

// startFerretPG serves FerretDB over the PostgreSQL of MMS_TEST_PG_DSN (.ci/run
// sets one up) with a pool of poolSize connections, until the end of t.
func startFerretPG(t *testing.T, poolSize int) string {
	t.Helper()
	dsn := os.Getenv("MMS_TEST_PG_DSN")
	if dsn == "" {
		t.Skip("MMS_TEST_PG_DSN is not set: no PostgreSQL to serve FerretDB's postgresql handler on")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", strconv.Itoa(poolSize))
	u.RawQuery = q.Encode()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "postgresql",
		PostgreSQLURL: u.String(), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return f.MongoDBURI()
}

func openAt(t *testing.T, uri, name string) *DB {
	t.Helper()
	db, err := Open(uri, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.Detect(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// replacements are n replacements by _id of the documents insertDocs made.
func replacements(n, round int) []mongo.WriteModel {
	models := make([]mongo.WriteModel, n)
	for i := range models {
		id := fmt.Sprintf("k%04d", i)
		models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).
			SetReplacement(bson.D{{Key: "_id", Value: id}, {Key: "round", Value: round}})
	}
	return models
}

func insertDocs(t *testing.T, col *mongo.Collection, n int) {
	t.Helper()
	docs := make([]any, n)
	for i := range docs {
		docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("k%04d", i)}, {Key: "round", Value: 0}}
	}
	if _, err := col.InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// FerretDB keeps a backend connection per statement of an update command until
// the command ends: with FerretDB's default pool of 50 PostgreSQL connections,
// one command of 50 replacements waited forever for a 51st. Update commands
// on FerretDB now stay within a budget below the pool, so concurrent batched
// replacements on a pool of 45 finish; on a pool smaller than the budget the
// command fails UNAVAILABLE with a hint within its timeout instead of hanging.
func TestBulkUpdateWithinFerretDBPool(t *testing.T) {
	mongodbtest.SkipExternal(t, "it serves FerretDB over PostgreSQL itself, and its pools would take PostgreSQL connections from the external store's")
	name := mongodbtest.DBName("bulk")
	db := openAt(t, startFerretPG(t, 45), name)
	t.Cleanup(func() { dropWithin(db, 30*time.Second) })
	if !db.ferret || db.updates.budget == nil || db.updates.size != ferretUpdateBudget {
		t.Fatalf("FerretDB over PostgreSQL: ferret %v, budget %d", db.ferret, db.updates.size)
	}
	const docs, writers = 200, 3
	cols := make([]*mongo.Collection, writers)
	for w := range cols {
		cols[w] = db.db.Collection("bulk" + strconv.Itoa(w))
		insertDocs(t, cols[w], docs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			for round := 1; round <= 2 && errs[w] == nil; round++ {
				var matched int
				matched, _, errs[w] = db.bulkUpdate(ctx, cols[w], replacements(docs, round))
				if errs[w] == nil && matched != docs {
					errs[w] = fmt.Errorf("round %d matched %d of %d", round, matched, docs)
				}
			}
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}
	if n, err := cols[0].CountDocuments(ctx, bson.D{{Key: "round", Value: 2}}); err != nil || n != docs {
		t.Fatalf("documents replaced twice: %d, %v", n, err)
	}

	// A pool smaller than the budget: the store stops answering the command.
	small := openAt(t, startFerretPG(t, 10), name)
	small.updates.timeout = 3 * time.Second
	start := time.Now()
	_, _, err := small.bulkUpdate(context.Background(), small.db.Collection("bulk0"), replacements(docs, 3))
	took := time.Since(start)
	if model.ErrorCode(err) != model.EUNAVAILABLE || !strings.Contains(err.Error(), "pool_max_conns") {
		t.Fatalf("update on a starved pool: %v, want UNAVAILABLE naming pool_max_conns", err)
	}
	if took > 30*time.Second {
		t.Errorf("the starved update failed after %v, want about its timeout (3s)", took)
	}
	t.Logf("starved pool: %v after %v", err, took.Round(time.Millisecond))
}

// dropWithin drops db's database unless the store does not answer within d.
func dropWithin(db *DB, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_ = db.Drop(ctx)
}
