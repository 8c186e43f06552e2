package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

// ExportCollection reads documents of another MongoDB deployment (a source for an
// ingestion) matching filter and writes them to w as NDJSON (relaxed extended
// JSON: numbers stay numbers, ObjectIds become {"$oid": ...}), up to limit
// documents. It returns how many it wrote. Connection problems are EINVALID: the
// URI is the user's input.
func ExportCollection(ctx context.Context, uri, database, collection string, filter map[string]any, w io.Writer, limit int64) (int64, error) {
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second).SetAppName("mms-ingest"))
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "mongo source: %v", err)
	}
	defer func() { _ = c.Disconnect(context.WithoutCancel(ctx)) }()
	f := bson.M{}
	for k, v := range filter {
		f[k] = v
	}
	cur, err := c.Database(database).Collection(collection).Find(ctx, f, options.Find().SetLimit(limit).SetBatchSize(1000))
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "mongo source %s.%s: %v", database, collection, err)
	}
	defer cur.Close(ctx)
	var n int64
	for cur.Next(ctx) {
		b, err := bson.MarshalExtJSON(cur.Current, false, false)
		if err != nil {
			return n, fmt.Errorf("mongo source: encode document: %w", err)
		}
		if !json.Valid(b) {
			return n, fmt.Errorf("mongo source: invalid JSON for a document")
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return n, err
		}
		n++
	}
	if err := cur.Err(); err != nil {
		return n, model.Errorf(model.EINVALID, "mongo source %s.%s: %v", database, collection, err)
	}
	return n, nil
}
