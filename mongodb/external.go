package mongodb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

// Dialer opens network connections to an external database; the service's
// dialer refuses this server's own store and, for raw sources, private addresses.
type Dialer func(ctx context.Context, network, address string) (net.Conn, error)

func (f Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return f(ctx, network, address)
}

// ReadCollection reads documents of another MongoDB deployment (a source for an
// ingestion) matching filter and writes them to w as NDJSON of plain JSON values
// (see exportValue), up to limit documents. It returns how many it wrote.
//
// Every connection goes through dial. Before reading, it checks that the source
// is not this store (ErrOwnStore): it reads the store's identity marker through
// the source's own connection, so no alias of the store's address gets through.
// Errors the source server answered (a bad filter, no such database) are
// EINVALID with its message; failures to reach it are plain errors, which the
// caller reports without detail.
func (d *DB) ReadCollection(ctx context.Context, uri string, dial func(ctx context.Context, network, address string) (net.Conn, error), database, collection string, filter map[string]any, w io.Writer, limit int64) (int64, error) {
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second).SetAppName("mms-ingest").SetDialer(Dialer(dial)))
	if err != nil {
		return 0, fmt.Errorf("mongo source: %w", err)
	}
	defer func() { _ = c.Disconnect(context.WithoutCancel(ctx)) }()
	own, err := d.isOwnStore(ctx, c)
	if err != nil {
		return 0, sourceErr(fmt.Sprintf("mongo source %s.%s", database, collection), err)
	}
	if own {
		return 0, ErrOwnStore
	}
	f := bson.M{}
	for k, v := range filter {
		f[k] = v
	}
	cur, err := c.Database(database).Collection(collection).Find(ctx, f, options.Find().SetLimit(limit).SetBatchSize(1000))
	if err != nil {
		return 0, sourceErr(fmt.Sprintf("mongo source %s.%s", database, collection), err)
	}
	defer cur.Close(ctx)
	var n int64
	for cur.Next(ctx) {
		var doc bson.D
		if err := cur.Decode(&doc); err != nil {
			return n, model.Errorf(model.EINVALID, "mongo source %s.%s: document %d: %v", database, collection, n+1, err)
		}
		b, err := marshalOrdered(doc)
		if err != nil {
			return n, fmt.Errorf("mongo source: encode document: %w", err)
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return n, err
		}
		n++
	}
	if err := cur.Err(); err != nil {
		return n, sourceErr(fmt.Sprintf("mongo source %s.%s", database, collection), err)
	}
	return n, nil
}

// marshalOrdered writes a document as a JSON object with its keys in the
// document's order (a map would sort them), so that a schema inferred from it
// keeps the collection's field order.
func marshalOrdered(doc bson.D) ([]byte, error) {
	buf := []byte{'{'}
	for i, e := range doc {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, err := json.Marshal(e.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(exportValue(e.Value))
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}

// sourceErr makes an error the source server answered EINVALID (the caller's
// input was wrong) and keeps any other failure a plain error: reaching the
// source failed, which callers report without detail.
func sourceErr(what string, err error) error {
	var se mongo.ServerError
	if errors.As(err, &se) && !mongo.IsNetworkError(err) && !mongo.IsTimeout(err) {
		return model.Errorf(model.EINVALID, "%s: %v", what, se.Error())
	}
	return fmt.Errorf("%s: %w", what, err)
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
