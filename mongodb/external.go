package mongodb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

// ExportCollection reads documents of another MongoDB deployment (a source for an
// ingestion) matching filter and writes them to w as NDJSON of plain JSON values
// (see exportValue), up to limit documents. It returns how many it wrote.
// Connection problems are EINVALID: the URI is the user's input.
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
		var doc bson.D
		if err := cur.Decode(&doc); err != nil {
			return n, model.Errorf(model.EINVALID, "mongo source %s.%s: document %d: %v", database, collection, n+1, err)
		}
		b, err := json.Marshal(exportValue(doc))
		if err != nil {
			return n, fmt.Errorf("mongo source: encode document: %w", err)
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

// exportValue turns a decoded BSON value into plain JSON: ObjectIds become their
// hex string, dates RFC 3339 strings (read back as DATE), decimals and regexes
// their string form, binary base64; doubles keep a fraction ("2.0") so that a
// float field stays FLOAT; NaN and infinities become null. No "$" key of
// extended JSON reaches the store, which refuses them.
func exportValue(v any) any {
	switch x := v.(type) {
	case bson.D:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key] = exportValue(e.Value)
		}
		return m
	case bson.M:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = exportValue(e)
		}
		return m
	case bson.A:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = exportValue(e)
		}
		return out
	case bson.ObjectID:
		return x.Hex()
	case bson.DateTime:
		return x.Time().UTC().Format(time.RFC3339Nano)
	case bson.Timestamp:
		return time.Unix(int64(x.T), 0).UTC().Format(time.RFC3339)
	case bson.Decimal128:
		return x.String()
	case bson.Binary:
		return base64.StdEncoding.EncodeToString(x.Data)
	case bson.Regex:
		return x.String()
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return json.Number(s)
	case bson.Undefined, bson.Null, bson.MinKey, bson.MaxKey:
		return nil
	}
	return v
}
